"""Read-only access to files, behind a small interface: the language server backs it with its
open documents, the command line with the disk. (No imports beyond the standard library: the
command line's start-up time depends on it.)

Every read of a file a workspace names goes through `read_regular`: a go.sum that is a FIFO,
a symlink to /dev/stdin or /dev/zero, or a multi-gigabyte file must neither block the reader
nor fill its memory."""

from __future__ import annotations

import logging
import os
import stat
from typing import Protocol

log = logging.getLogger(__name__)

MAX_FILE = 16 * 1024 * 1024


class NotRegular(OSError):
    """The path names something other than a regular file of at most the size limit."""


def read_regular(path: str, limit: int = MAX_FILE) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed). Raises OSError when it
    cannot be read, NotRegular when it is not a regular file or is over `limit` bytes.
    Opened without blocking and checked on the open descriptor, so a file replaced by a FIFO
    between a check and the open cannot block either."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(f"{path}: not a regular file")
        if st.st_size > limit:
            raise NotRegular(f"{path}: file too large ({st.st_size} bytes; the limit is {limit})")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:  # (grew since fstat)
            raise NotRegular(f"{path}: file too large (the limit is {limit} bytes)")
        return data
    finally:
        os.close(fd)


def read_regular_text(path: str, limit: int = MAX_FILE) -> str | None:
    """read_regular as text (invalid UTF-8 kept as surrogates, as Go keeps the bytes), or None
    when the file does not exist or cannot be read; a file that is not regular or too large is
    logged (it is never what the user meant)."""
    try:
        data = read_regular(path, limit)
    except NotRegular as e:
        log.warning("not reading %s", e)
        return None
    except OSError:
        return None
    return data.decode("utf-8", "surrogateescape")


class FileSource(Protocol):
    """Read-only access to other files. Paths are absolute."""

    def read_text(self, path: str) -> str | None:
        """The text of the file, or None when it does not exist or cannot be read."""

    def is_dir(self, path: str) -> bool: ...


class DiskFiles:
    """Files as they are on disk."""

    def read_text(self, path: str) -> str | None:
        return read_regular_text(path)

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)
