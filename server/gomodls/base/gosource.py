"""The .go files of a module as the go command loads them, and the imports of each file, read
like cmd/go/internal/imports: only the header (comments, the package clause and the import
declarations), so reading stops at the first other declaration. Standard library only."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from gomodls.base.gostr import unquote

__all__ = ["Reach", "module_go_files", "module_imports", "reach", "read_imports", "skipped_dir"]

MAX_HEADER = 256 * 1024  # bytes of a file read for its imports

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
    |(?P<line>//[^\n]*)
    |(?P<block>/\*.*?\*/)
    |(?P<string>"(?:[^"\\\n]|\\.)*"|`[^`]*`)
    |(?P<ident>[^\W\d]\w*)
    |(?P<punct>[();.])
    """,
    re.VERBOSE | re.DOTALL,
)
_IGNORE = re.compile(r"//go:build\s+ignore\s*$|//\s*\+build\s+ignore\s*$", re.MULTILINE)


def skipped_dir(name: str) -> bool:
    """Directories the go command does not look in for packages."""
    return name.startswith((".", "_")) or name in ("testdata", "vendor")


class WalkLimit(Exception):
    """A module tree past MAX_DIRS directories or MAX_DEPTH levels: not walked further."""


MAX_DIRS = 20_000  # directories of one module walked for its .go files
MAX_DEPTH = 64  # directory levels below a module's root


def module_go_files(top: str) -> Iterator[str]:
    """The .go files of the module rooted at `top`, as the go command finds its packages:
    skipping testdata, vendor, directories starting with "." or "_", nested modules and
    symbolic links to directories. Raises WalkLimit past MAX_DIRS directories or MAX_DEPTH
    levels (a module a hostile workspace made to make the walk endless)."""
    walked = 0
    pending = [(top, 0)]
    while pending:
        directory, depth = pending.pop()
        walked += 1
        if walked > MAX_DIRS:
            raise WalkLimit(f"over {MAX_DIRS} directories")
        if depth > MAX_DEPTH:
            raise WalkLimit(f"deeper than {MAX_DEPTH} levels")
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):
                if not skipped_dir(name) and not os.path.isfile(os.path.join(entry.path, "go.mod")):
                    pending.append((entry.path, depth + 1))
            elif name.endswith(".go") and entry.is_file():
                yield entry.path


def read_imports(src: str) -> list[str] | None:
    """The import paths of a Go file, in order; None for a file the go command never builds
    (`//go:build ignore`) or that does not start like Go source."""
    pos = 0
    header_comments: list[str] = []
    tokens: list[tuple[str, str]] = []

    def next_token() -> tuple[str, str] | None:
        nonlocal pos
        while pos < len(src):
            m = _TOKEN.match(src, pos)
            if m is None:
                return ("other", src[pos])
            pos = m.end()
            kind = m.lastgroup or ""
            if kind == "space":
                continue
            if kind in ("line", "block"):
                if not tokens:
                    header_comments.append(m.group())
                continue
            return (kind, m.group())
        return None

    def take() -> tuple[str, str] | None:
        t = next_token()
        if t is not None:
            tokens.append(t)
        return t

    t = take()
    if t != ("ident", "package") or _IGNORE.search("\n".join(header_comments)):
        return None
    t = take()
    if t is None or t[0] != "ident":
        return None
    out: list[str] = []
    t = take()
    while t is not None:
        if t == ("punct", ";"):
            t = take()
            continue
        if t != ("ident", "import"):
            break
        t = take()
        if t == ("punct", "("):
            t = take()
            while t is not None and t != ("punct", ")"):
                if t[0] in ("ident", "punct") and t[1] != ";":
                    t = take()  # an import name (or "." or "_")
                if t is not None and t[0] == "string":
                    out.append(_path(t[1]))
                elif t is not None and t != ("punct", ";"):
                    return out
                t = take()
            t = take()
        else:
            if t is not None and t[0] in ("ident", "punct") and t[1] != ";":
                t = take()
            if t is None or t[0] != "string":
                return out
            out.append(_path(t[1]))
            t = take()
    return out


def _path(literal: str) -> str:
    if literal.startswith("`"):
        return literal[1:-1]
    try:
        return unquote(literal)
    except Exception:
        return literal[1:-1]


def _file_imports(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(MAX_HEADER)
    except OSError:
        return []
    return read_imports(text) or []


def module_imports(top: str) -> set[str]:
    """Every import path the module's own .go files (tests included) import."""
    out: set[str] = set()
    for path in module_go_files(top):
        out.update(_file_imports(path))
    return out


def _package_imports(directory: str) -> list[str]:
    """The imports of a dependency's package: its non-test .go files (every build tag)."""
    try:
        names = [e.name for e in os.scandir(directory) if e.name.endswith(".go") and e.is_file()]
    except OSError:
        return []
    out: list[str] = []
    for name in names:
        if not name.endswith("_test.go"):
            out.extend(_file_imports(os.path.join(directory, name)))
    return out


@dataclass(slots=True)
class Reach:
    packages: set[str] = field(default_factory=set)  # every package reached from the main modules
    unread: set[str] = field(default_factory=set)  # modules whose source was needed but is not there

    @property
    def complete(self) -> bool:
        return not self.unread


def reach(
    mains: Mapping[str, str],
    modules: Mapping[str, str | None],
    *,
    limit: int = 20_000,
    memo: dict[str, list[str]] | None = None,
    memo_root: str = "",
) -> Reach:
    """The packages the main modules' packages (and tests) import, directly or through the
    packages of their dependencies, following imports into each module's source directory
    (`modules`: module path -> directory, None when its source is not at hand). Standard
    library packages are not followed. Past `limit` packages it stops, incomplete. The
    imports of package directories under `memo_root` (the module cache, whose files never
    change) are kept in `memo` for the next time."""
    out = Reach()
    queue: list[str] = []
    for top in mains.values():
        queue.extend(module_imports(top))
    while queue:
        pkg = queue.pop()
        if pkg in out.packages or "." not in pkg.split("/", 1)[0]:
            continue
        out.packages.add(pkg)
        if len(out.packages) > limit:
            out.unread.add("(too many packages)")
            break
        module = _owner(pkg, modules, mains)
        if module is None or module in mains:
            continue  # not in the build list (a missing requirement), or a main module's own
        directory = modules[module]
        if directory is None:
            out.unread.add(module)
            continue
        package_dir = os.path.join(directory, pkg[len(module) + 1 :])
        if memo is not None and memo_root and package_dir.startswith(memo_root):
            if package_dir not in memo:
                memo[package_dir] = _package_imports(package_dir)
            queue.extend(memo[package_dir])
        else:
            queue.extend(_package_imports(package_dir))
    return out


def _owner(pkg: str, modules: Mapping[str, str | None], mains: Mapping[str, str]) -> str | None:
    """The module providing pkg: the longest module path that is a prefix of it."""
    candidate = pkg
    while True:
        if candidate in modules or candidate in mains:
            return candidate
        cut = candidate.rfind("/")
        if cut < 0:
            return None
        candidate = candidate[:cut]
