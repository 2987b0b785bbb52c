"""Faster server start: a disk cache of the code compiled at import time.

Importing lsprotocol builds about 600 attrs classes and compiles generated methods for each
(~0.35 s of a start on a 2-core machine); pygls's converter compiles more on the first
messages; every dataclass compiles its generated methods too (~450 of them in gomodls, ~40 ms).
The compiled code objects are cached, keyed by the exact generated source, so a later start
skips compiling them. Cached: sources whose file name attrs/cattrs mark as generated, the
methods dataclasses generate (its `exec` of a string), the expressions of typing's forward
references (`eval` mode, file name "<string>"), and modules Python compiles from source
because it has no .pyc for them (PYTHONDONTWRITEBYTECODE, a read-only installation: ~0.2 s
for gomodls's own modules); everything else goes to the real compile. The cache is per
Python version, holds only what the last session used, and is rebuilt when corrupt.
Set GOMODLS_NO_CODE_CACHE=1 to turn it off.

Once the server has started, the entries used are let go: the code of a module's or a class's
body, of a forward reference, of the script around attrs's methods, runs once and is garbage
after; kept for the next save it was ~5 MB of the bare server. The save at the end of a
session reads the file again for the entries it used (one read of the whole file at start
stays the fast way to load it; the save once started, if the start compiled anything, still
has them all)."""

from __future__ import annotations
import __future__

import builtins
import dataclasses
import functools
import hashlib
import logging
import marshal
import operator
import os
import sys
import tempfile
import threading
import types
from typing import Any

import platformdirs

log = logging.getLogger(__name__)

GENERATED = ("<attrs generated", "<cattrs generated")
# In every key: a new value leaves the entries of an older gomodls unused (and the end of a
# session drops them). 2: compiled with the caller's __future__ flags, not this module's.
KEY_VERSION = b"2"
FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)
)
MODULE_FLAGS = {"dont_inherit": True, "optimize": -1}  # importlib's compile of a module's source


def default_path() -> str:
    # Entries are keyed by the generated source itself, so library upgrades cannot serve stale
    # code; only marshal's format depends on the Python version.
    tag = sys.implementation.cache_tag
    return os.path.join(platformdirs.user_cache_dir("gomodls", appauthor=False), f"codecache-{tag}.marshal")


class CodeCache:
    def __init__(self, path: str) -> None:
        self.path = path
        self._known = self._read()  # the file's entries not used yet this session
        self._used: set[bytes] = set()  # the keys this session used, from the file or compiled
        self._compiled: dict[bytes, bytes] = {}  # what it compiled, as marshal data (~5% of compiling)
        self._file_keys = frozenset(self._known)
        self._let_go = False  # (once let go, a save reads the file again for the entries used)
        self._compile = builtins.compile
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _read(self) -> dict[bytes, Any]:
        try:
            # (read whole, then unmarshalled: marshal.load on a file reads each object's bytes
            # with a call of its own, ~5x slower for the ~3 MB of a session: 90–170 ms; one
            # unmarshalling of the whole, not one per entry, ~1.5x slower)
            with open(self.path, "rb") as fh:
                data = marshal.loads(fh.read())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, types.CodeType)}

    def compile(self, source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        # The builtin compiles with the __future__ features of the code that calls it unless
        # told not to (dont_inherit): those of the caller, not of this module (its
        # `annotations`), so every compile below is given them, and dont_inherit.
        inherited = sys._getframe(1).f_code.co_flags & FUTURE_FLAGS
        if not args and isinstance(filename, str):
            if not kwargs and isinstance(source, str) and filename.startswith(GENERATED):
                if _volatile(source, filename):
                    return self._compile(source, filename, mode, inherited, True)
                return self._cached(source.encode(), filename, mode, inherited)
            # typing's forward references ("Optional['Foo']", lsprotocol's and cattrs's
            # string annotations): ~350 one-line expressions compiled at each start
            if not kwargs and mode == "eval" and filename == "<string>" and isinstance(source, str):
                return self._cached(source.encode(), filename, mode, inherited)
            # importlib compiling a module it has no .pyc for (SourceLoader.source_to_code)
            if kwargs == MODULE_FLAGS and isinstance(source, bytes) and filename.endswith(".py"):
                return self._cached(source, filename, mode, 0)
        given = dict(zip(("flags", "dont_inherit", "optimize"), args, strict=False), **kwargs)
        if not given.get("dont_inherit"):
            given["flags"] = given.get("flags", 0) | inherited
            given["dont_inherit"] = True
        return self._compile(source, filename, mode, **given)

    def exec_generated(self, source: Any, globals: Any = None, locals: Any = None) -> None:
        """exec for the dataclasses module: its generated methods, compiled through the cache
        (as exec would compile them: file name "<string>")."""
        code = self._cached(source.encode(), "<string>", "exec", 0) if isinstance(source, str) else source
        exec(code, globals, locals)

    def _cached(self, source: bytes, filename: str, mode: str, flags: int) -> Any:
        key = hashlib.blake2b(
            b"%s\0%d\0%s\0%s\0%s" % (KEY_VERSION, flags, filename.encode(), mode.encode(), source),
            digest_size=16,
        ).digest()
        with self._lock:
            code = self._known.get(key)
            self._used.add(key)
        if code is None:
            code = self._compile(source, filename, mode, flags, True)
            self.misses += 1
            with self._lock:
                self._compiled[key] = marshal.dumps(code)
        else:
            self.hits += 1
        return code

    def let_go(self) -> None:
        """Once started: keep only the entries not used yet (the same source compiled again
        later is compiled anew: dataclasses of the same fields, a forward reference typing
        made again; ~10 at a start, none after it, measured)."""
        with self._lock:
            self._let_go = True
            for key in self._used:
                self._known.pop(key, None)

    def install(self) -> None:
        builtins.compile = self.compile  # type: ignore[assignment]
        # (dataclasses calls exec by its global name: this one is found before the builtin)
        dataclasses.exec = self.exec_generated  # type: ignore[attr-defined]

    def save(self, prune: bool = True) -> None:
        """Write what this session used, so that the file never grows beyond one session's
        needs (`prune`: at the end of a session), or, without `prune` (once started), what
        the file held and what this session compiled so far: only if it compiled anything,
        and without dropping what later messages will use (the start wrote the whole file
        each time, in a thread while the first diagnostics were computed)."""
        with self._lock:
            if not self.misses and (not prune or self._used == self._file_keys):
                return  # (nothing compiled, and, at the end, the session used what the file held)
            used, compiled = set(self._used), dict(self._compiled)
            # (the file's entries, all still here until let go: no reading it again at start)
            known = None if self._let_go else dict(self._known)
        if known is None:
            known = self._read()  # (as this session found it, unless another wrote it since)
        entries = {k: known[k] for k in used if k in known} if prune else known
        entries.update((k, marshal.loads(v)) for k, v in compiled.items())
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(self.path), suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                marshal.dump(entries, fh)
            os.replace(tmp, self.path)
        except OSError:
            log.debug("cannot save the code cache", exc_info=True)


def _volatile(source: str, filename: str) -> bool:
    """Whether attrs wrote the hash of the class's name into the source (the `__hash__` of a
    hashable class): str hashes differ from one process to the next (PYTHONHASHSEED), so the
    source is never the same twice; cached, it would only make every start write the cache
    again (a few of attrs's own classes, ~3 ms to compile each start)."""
    if "def __hash__" not in source or not filename.startswith("<attrs generated "):
        return False
    qualname = filename.removesuffix(">").rpartition(" ")[2]  # (attr._make._ClassBuilder's name)
    return str(hash(f"<attrs generated hash {qualname}>")) in source


_active: CodeCache | None = None


def enable() -> CodeCache | None:
    """Install the cache for this process (before importing lsprotocol)."""
    global _active
    if os.environ.get("GOMODLS_NO_CODE_CACHE") or _active is not None:
        return _active
    try:
        _active = CodeCache(default_path())
    except Exception:
        log.debug("code cache unavailable", exc_info=True)
        return None
    _active.install()
    return _active


def save(prune: bool = True) -> None:
    if _active is not None:
        _active.save(prune)


def started() -> None:
    """The server has started: what the cache wrote (unless nothing was compiled), and the
    entries used let go (`CodeCache.let_go`)."""
    if _active is not None:
        _active.save(prune=False)
        _active.let_go()
