"""The go command's path rules for messages: path/filepath.Clean and Rel, os.Getwd and
cmd/go/internal/base.ShortPath, ported for Unix-like systems (separator `/`, no volume names).

ShortPath shortens a path only when filepath.Rel(cwd, path) succeeds, which needs both to be
absolute (cwd always is): a relative path given on the command line — `./go.mod`,
`sub//go.mod` — is printed exactly as given, never cleaned."""

from __future__ import annotations

import os

SEPARATOR = "/"


def clean(path: str) -> str:
    """filepath.Clean: the shortest equivalent path by purely lexical processing."""
    if path == "":
        return "."
    rooted = path.startswith(SEPARATOR)
    out: list[str] = []
    for elem in path.split(SEPARATOR):
        if elem in ("", "."):
            continue
        if elem == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue  # `..` at the root of a rooted path is dropped
        out.append(elem)
    joined = SEPARATOR.join(out)
    if rooted:
        return SEPARATOR + joined
    return joined or "."


def rel(basepath: str, targpath: str) -> str | None:
    """filepath.Rel: `targpath` relative to `basepath`, or None where Go returns an error
    (one absolute and the other not, or a base that would need to know the current directory)."""
    base = clean(basepath)
    targ = clean(targpath)
    if targ == base:
        return "."
    if base == ".":
        base = ""
    if base.startswith(SEPARATOR) != targ.startswith(SEPARATOR):
        return None
    bl, tl = len(base), len(targ)
    b0 = bi = t0 = ti = 0
    while True:
        while bi < bl and base[bi] != SEPARATOR:
            bi += 1
        while ti < tl and targ[ti] != SEPARATOR:
            ti += 1
        if targ[t0:ti] != base[b0:bi]:
            break
        if bi < bl:
            bi += 1
        if ti < tl:
            ti += 1
        b0, t0 = bi, ti
    if base[b0:bi] == "..":
        return None
    if b0 != bl:
        seps = base[b0:bl].count(SEPARATOR)
        up = SEPARATOR.join([".."] * (seps + 1))
        return clean(up + SEPARATOR + targ[t0:] if t0 != tl else up)
    return targ[t0:]


def getwd() -> str:
    """os.Getwd: $PWD when it is absolute and names the current directory, else the real path."""
    pwd = os.environ.get("PWD", "")
    if pwd.startswith(SEPARATOR):
        try:
            if os.path.samestat(os.stat("."), os.stat(pwd)):
                return pwd
        except OSError:
            pass
    return os.getcwd()


def _same_file(path1: str, path2: str) -> bool:
    """base.sameFile: the same file, or neither exists."""
    try:
        st1 = os.stat(path1)
    except FileNotFoundError:
        st1 = None
    except OSError:
        return False
    try:
        st2 = os.stat(path2)
    except FileNotFoundError:
        st2 = None
    except OSError:
        return False
    if st1 is None or st2 is None:
        return st1 is None and st2 is None
    return os.path.samestat(st1, st2)


def short_path(path: str, cwd: str | None = None) -> str:
    """base.ShortPath: the path relative to the current directory when that is shorter and
    names the same file; otherwise the path exactly as given. `cwd`: the directory the go
    command would run in (`go -C DIR`), if not this process's; the relative path is looked up
    from there."""
    try:
        base = getwd() if cwd is None else cwd
    except OSError:
        return path
    relative = rel(base, path)
    if relative is not None and len(relative) < len(path) and _same_file(os.path.join(base, relative), path):
        return relative
    return path
