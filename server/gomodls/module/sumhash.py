"""The "h1:" hashes of go.sum (golang.org/x/mod/sumdb/dirhash).

h1 is "h1:" + base64(SHA-256(summary)), where the summary has one line per file, sorted by
name: the hex SHA-256 of the content, two spaces, the name, a newline. That is, roughly,
``sha256sum $(find . -type f | sort) | sha256sum``. In go.sum, "<module> <version> h1:..." hashes
the module zip's files (named "<module>@<version>/<file>") and "<module> <version>/go.mod h1:..."
hashes the single file "go.mod".
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from gomodls.base.gofilepath import clean as _clean  # (path.Clean: on Unix, filepath.Clean)
from gomodls.base.gostr import go_bytes
from gomodls.module.errors import GoError

if TYPE_CHECKING:
    import zipfile  # imported when a zip is hashed: everything that imports gomodls.module starts faster

__all__ = ["Content", "dir_files", "dir_hash", "go_mod_hash", "hash1", "zip_hash"]

# A file's content: the bytes themselves, or a function returning the bytes or a binary stream.
Content = bytes | Callable[[], "bytes | BinaryIO"]

_CHUNK = 1 << 16


def _sha256_hex(content: Content) -> str:
    data = content() if callable(content) else content
    if isinstance(data, bytes | bytearray | memoryview):
        return hashlib.sha256(data).hexdigest()
    h = hashlib.sha256()
    with data:
        while chunk := data.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _name_bytes(name: str | bytes) -> bytes:
    return name if isinstance(name, bytes) else go_bytes(name)


def hash1(files: Iterable[tuple[str | bytes, Content]]) -> str:
    """dirhash.Hash1 over (name, content) pairs.

    Names are slash-separated; a str name stands for its UTF-8 bytes (lone surrogates for raw
    bytes, as from surrogateescape), and bytes names are used as they are. Contents are read in
    name order. Raises GoError for a name containing a newline, as Go does.
    """
    entries = sorted(((_name_bytes(name), content) for name, content in files), key=lambda e: e[0])
    summary = hashlib.sha256()
    for name, content in entries:
        if b"\n" in name:
            raise GoError("dirhash: filenames with newlines are not supported")
        summary.update(_sha256_hex(content).encode("ascii") + b"  " + name + b"\n")
    return "h1:" + base64.b64encode(summary.digest()).decode("ascii")


def go_mod_hash(data: bytes) -> str:
    """The hash of a go.mod file as recorded in go.sum's "<module> <version>/go.mod h1:..." lines:
    hash1 of the one file "go.mod", written out (a resolution hashes every go.mod it reads)."""
    line = hashlib.sha256(data).hexdigest().encode("ascii") + b"  go.mod\n"
    return "h1:" + base64.b64encode(hashlib.sha256(line).digest()).decode("ascii")


def _zip_name(info: zipfile.ZipInfo) -> bytes:
    # Go uses the stored bytes of a name as they are. Python decodes them, as UTF-8 if the
    # entry's UTF-8 flag is set and as code page 437 otherwise; both decodings are reversible.
    if info.flag_bits & 0x800:
        return info.orig_filename.encode("utf-8", "surrogateescape")
    return info.orig_filename.encode("cp437")


def zip_hash(zip_path: str | os.PathLike[str]) -> str:
    """dirhash.HashZip with Hash1: the hash of the names and contents of the files in a zip.

    Everything else about the archive (compression, times, order) is ignored. As in Go, directory
    entries count as empty files (and raise GoError if they have data), and if a name occurs
    twice, both of its lines use the last entry's content. Other damage is reported by Python's
    zipfile, with its own exceptions and messages.
    """
    import zipfile

    with zipfile.ZipFile(zip_path) as z:
        infos = z.infolist()
        last = {_zip_name(info): info for info in infos}

        def opener(info: zipfile.ZipInfo) -> Callable[[], BinaryIO]:
            def open_entry() -> BinaryIO:
                # Go's reader refuses to read data stored for a directory.
                if _zip_name(info).endswith(b"/") and info.file_size != 0:
                    raise GoError("zip: not a valid zip file")
                return z.open(info)

            return open_entry

        return hash1([(_zip_name(info), opener(last[_zip_name(info)])) for info in infos])


def dir_files(directory: str | os.PathLike[str], prefix: str) -> list[str]:
    """dirhash.DirFiles: the files under directory, named with prefix in place of directory.

    Symbolic links are not followed but listed as files, as filepath.Walk does. Names always use
    forward slashes.
    """
    root = Path(directory)
    # Like filepath.Walk, do not follow a symbolic link even at the root. A missing directory
    # raises FileNotFoundError here.
    if not stat.S_ISDIR(os.lstat(root).st_mode):
        raise GoError(f"{_clean(os.fspath(directory))} is not a directory")
    files: list[str] = []
    pending = [root]
    while pending:
        current = pending.pop()
        with os.scandir(current) as it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                else:
                    rel = Path(entry.path).relative_to(root).as_posix()
                    files.append(_join(prefix, rel))
    return sorted(files)


def dir_hash(directory: str | os.PathLike[str], prefix: str) -> str:
    """dirhash.HashDir with Hash1: the hash of a directory tree, its name replaced by prefix."""
    root = os.fspath(directory)

    def opener(name: str) -> Callable[[], BinaryIO]:
        path = _clean(root + "/" + name.removeprefix(prefix))
        return lambda: open(path, "rb")  # hash1 closes it

    return hash1([(name, opener(name)) for name in dir_files(directory, prefix)])


def _join(prefix: str, rel: str) -> str:
    # filepath.Join: join the non-empty parts with "/", then Clean.
    return _clean(f"{prefix}/{rel}" if prefix else rel)
