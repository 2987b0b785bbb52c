"""What earlier runs derived from module versions' files, kept across processes.

The go.mod summary, the go.mod's h1: hash and the .info of path@version never change, yet a
resolution of a few hundred modules spends a third of its time opening, reading and summarizing
those files in the module cache. gomodls keeps, per main module (or workspace), what the last
resolutions derived, in one file beside its disk cache (a plain file: opening the disk cache's
database alone costs a tenth of such a resolution).

A fact is used only while its source is as it was: a module cache file with the same size and
modification time, or, for what came from gomodls's own cache or a proxy, a module cache that still
has no such file. Anything else is read again, so a damaged or replaced module cache file still
gets the go command's errors (a go.sum mismatch, a parse error). Only facts that parsed are kept:
errors are always recomputed from the file.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import tempfile
import threading

from gomodls.base.files import read_regular
from gomodls.module.paths import ModuleVersion
from gomodls.module.sumhash import go_mod_hash
from gomodls.resolve.fetch import Info
from gomodls.resolve.modcache import ModCache, Stamp
from gomodls.resolve.summary import ModSummary, Retraction

log = logging.getLogger(__name__)

_FORMAT = "gomodls known modules v1"
MAX_FILES = 256
MAX_KNOWN_FILE = 64 * 1024 * 1024  # (a graph of 10,000 modules keeps about 5 MB)

# (path, version, ext) -> (stamp, fact); the fact is a tuple of strings and tuples (marshal's types)
_Key = tuple[str, str, str]
_Fact = tuple[object, ...]


def _mod_fact(summary: ModSummary, h1: str) -> _Fact:
    return (
        h1,
        summary.module.path,
        summary.go,
        summary.toolchain,
        tuple((r.path, r.version) for r in summary.requires),
        tuple((r.low, r.high, r.rationale) for r in summary.retract),
        summary.deprecated,
        summary.ignore,
    )


# ModuleVersion from a (path, version) pair without the class's Python-level constructor (a
# resolution makes thousands)
_version = functools.partial(tuple.__new__, ModuleVersion)


def _mod_from_fact(fact: _Fact) -> tuple[ModSummary, str]:
    h1, module, go, toolchain, requires, retract, deprecated, ignore = fact
    if not (type(h1) is type(module) is type(go) is type(toolchain) is type(deprecated) is str):
        raise TypeError("not a summary")
    summary = ModSummary(
        _version((module, "")),
        go,  # type: ignore[arg-type]
        toolchain,  # type: ignore[arg-type]
        tuple(map(_version, requires)),  # type: ignore[call-overload]
        tuple(Retraction(lo, hi, why) for lo, hi, why in retract),  # type: ignore[attr-defined]
        deprecated,  # type: ignore[arg-type]
        ignore,  # type: ignore[arg-type]
    )
    return summary, h1  # type: ignore[return-value]


class KnownModules:
    """The facts kept for one main module or workspace (`key`)."""

    def __init__(self, directory: str, modcache: ModCache, key: str) -> None:
        self._directory = directory
        self._modcache = modcache
        self._key = f"{modcache.root}\x00{key}"
        name = hashlib.sha256(self._key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        self._file = os.path.join(directory, name)
        self._lock = threading.Lock()  # the server loads the graph in a worker thread
        self._stored: dict[_Key, tuple[Stamp, _Fact]] = {}
        self._used: dict[_Key, tuple[Stamp, _Fact]] = {}
        self._changed = False
        try:
            data = read_regular(self._file, MAX_KNOWN_FILE)
        except OSError:
            return
        try:
            fmt, key_read, stored = marshal.loads(data)
            if fmt != _FORMAT or key_read != self._key or not isinstance(stored, dict):
                raise TypeError("another format or key")
            self._stored = stored
        except Exception:  # (marshal raises several kinds on damaged data)
            log.warning("ignoring unreadable file %s", self._file)

    def _valid(self, key: _Key) -> _Fact | None:
        got = self._stored.get(key)
        if got is None:
            return None
        stamp, fact = got
        if self._modcache.stamp(*key) != stamp:
            return None
        with self._lock:
            self._used[key] = got
        return fact

    def mod(self, mv: ModuleVersion) -> tuple[ModSummary, str] | None:
        """mv's go.mod summary and hash, if still valid."""
        fact = self._valid((mv.path, mv.version, ".mod"))
        if fact is None:
            return None
        try:
            return _mod_from_fact(fact)
        except (TypeError, ValueError):
            return None

    def info(self, mv: ModuleVersion) -> Info | None:
        fact = self._valid((mv.path, mv.version, ".info"))
        if fact is None:
            return None
        version, time = fact
        return Info(version, time) if isinstance(version, str) and isinstance(time, str) else None

    def learn_mod(self, mv: ModuleVersion, stamp: Stamp, summary: ModSummary, data: bytes) -> None:
        self._learn((mv.path, mv.version, ".mod"), stamp, _mod_fact(summary, go_mod_hash(data)))

    def learn_info(self, mv: ModuleVersion, stamp: Stamp, info: Info) -> None:
        self._learn((mv.path, mv.version, ".info"), stamp, (info.version, info.time))

    def _learn(self, key: _Key, stamp: Stamp, fact: _Fact) -> None:
        with self._lock:
            self._used[key] = (stamp, fact)
            self._changed = True

    def save(self) -> None:
        """Keep what this session used, if it learned anything (the file stays the size of the
        graph: facts no resolution uses any more are dropped)."""
        with self._lock:
            if not self._changed:
                return
            self._changed = False
            self._stored = dict(self._used)
            data = marshal.dumps((_FORMAT, self._key, self._stored))
        try:
            os.makedirs(self._directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._directory, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self._file)  # readers see the old file or the new one, whole
        except OSError as e:
            log.warning("cannot write %s (%s)", self._file, e.strerror or e)
            return
        _forget_oldest(self._directory)


def _forget_oldest(directory: str) -> None:
    """Keep the files of the most recently resolved MAX_FILES main modules."""
    try:
        entries = [e for e in os.scandir(directory) if e.is_file()]
        if len(entries) <= MAX_FILES:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for e in entries[: len(entries) - MAX_FILES]:
            os.unlink(e.path)
    except OSError:
        pass
