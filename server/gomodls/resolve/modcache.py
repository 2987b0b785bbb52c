"""The local module cache ($GOMODCACHE/cache/download), read-only: anything the user has built
before is available offline. gomodls never writes there."""

from __future__ import annotations

import os
import stat

from gomodls.base.files import MAX_FILE, read_regular_text
from gomodls.module.errors import GoError
from gomodls.module.paths import escape_path, escape_version

# Escaping checks the whole path or version; a resolution looks each one up several times, and
# the same ones again on the next resolution. Keyed by the string alone (a dict per kind: no
# key tuple per entry), and an escaped form equal to its input is the input itself: an entry
# costs the dict's slot, ~40 bytes (a tuple key and a directory string per path cost ~250 bytes
# more, 25 MB for a resolution of 100,000 modules).
_ESCAPED_PATHS: dict[str, str | None] = {}
_ESCAPED_VERSIONS: dict[str, str | None] = {}
MAX_ESCAPED = 100_000  # entries of both together


def _escaped(s: str, is_path: bool) -> str | None:
    memo = _ESCAPED_PATHS if is_path else _ESCAPED_VERSIONS
    try:
        return memo[s]
    except KeyError:
        pass
    try:
        e: str | None = escape_path(s) if is_path else escape_version(s)
    except GoError:
        e = None
    if len(_ESCAPED_PATHS) + len(_ESCAPED_VERSIONS) < MAX_ESCAPED:
        memo[s] = e
    return e


# A module cache file as it was when read: (size, modification time in ns). None: no such file.
Stamp = tuple[int, int] | None


def read_stamped(path: str) -> tuple[bytes, Stamp] | None:
    """A whole file and its stamp, or None. (Without Python's buffered file objects: a resolution
    reads a .mod and an .info file per module, and their set-up cost as much as the reading.)
    Regular files of at most MAX_FILE bytes only: opened without blocking, so a FIFO in a module
    cache cannot stall a resolution."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)  # of the file read, even if another replaces it meanwhile
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE:
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks), (st.st_size, st.st_mtime_ns)
    except OSError:
        return None
    finally:
        os.close(fd)


class ModCache:
    def __init__(self, root: str) -> None:
        self.root = root
        self._download = os.path.join(root, "cache", "download")

    def _dir(self, path: str) -> str | None:
        # (made at each call, not kept: a string per module for the session)
        escaped = _escaped(path, True)
        return None if escaped is None else f"{self._download}{os.sep}{escaped}{os.sep}@v"

    def _file(self, path: str, version: str, ext: str) -> str | None:
        d = self._dir(path)
        ev = _escaped(version, False)
        if d is None or ev is None or not self.root:
            return None
        return f"{d}{os.sep}{ev}{ext}"

    def read(self, path: str, version: str, ext: str) -> bytes | None:
        """The cached `.info`, `.mod`, `.ziphash`... of path@version, if the go command
        downloaded it."""
        got = self.read_stamped(path, version, ext)
        return None if got is None else got[0]

    def read_stamped(self, path: str, version: str, ext: str) -> tuple[bytes, Stamp] | None:
        f = self._file(path, version, ext)
        return None if f is None else read_stamped(f)

    def stamp(self, path: str, version: str, ext: str) -> Stamp:
        f = self._file(path, version, ext)
        if f is None:
            return None
        try:
            st = os.stat(f)
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns)

    def file_path(self, path: str, version: str, ext: str) -> str | None:
        """Where the go command keeps path@version's `.info`/`.mod`/`.zip`, if it is there."""
        d = self._dir(path)
        if d is None or not self.root:
            return None
        try:
            p = os.path.join(d, escape_version(version) + ext)
        except GoError:
            return None
        return p if os.path.isfile(p) else None

    def download_dir(self, path: str, version: str) -> str | None:
        """modfetch.DownloadDir: the extracted module directory, if it is complete (no
        .partial marker left by an interrupted extraction, and the .ziphash written before it)."""
        d = self._dir(path)
        if d is None or not self.root:
            return None
        try:
            escaped = escape_path(path) + "@" + escape_version(version)
            stem = os.path.join(d, escape_version(version))
        except GoError:
            return None
        directory = os.path.join(self.root, escaped)
        if not os.path.isdir(directory) or os.path.exists(stem + ".partial"):
            return None
        return directory if os.path.exists(stem + ".ziphash") else None

    def zip_path(self, path: str, version: str) -> str | None:
        d = self._dir(path)
        if d is None:
            return None
        try:
            p = os.path.join(d, escape_version(version) + ".zip")
        except GoError:
            return None
        return p if os.path.isfile(p) else None

    def versions(self, path: str) -> list[str]:
        """Versions known locally: the cached list plus every version with a cached .info."""
        d = self._dir(path)
        if d is None or not self.root:
            return []
        found: set[str] = set()
        listed = read_regular_text(os.path.join(d, "list"))
        if listed is not None:
            found.update(v.split()[0] for v in listed.splitlines() if v.strip())
        try:
            names = os.listdir(d)
        except OSError:
            names = []
        for name in names:
            if name.endswith(".info"):
                found.add(_unescape(name[: -len(".info")]))
        return sorted(found)


def _unescape(escaped: str) -> str:
    from gomodls.module.paths import unescape_version

    try:
        return unescape_version(escaped)
    except GoError:
        return escaped
