"""Read-only access to files, behind a small interface: the language server backs it with its
open documents, the command line with the disk. (No imports beyond the standard library: the
command line's start-up time depends on it.)"""

from __future__ import annotations

import os
from typing import Protocol

MAX_FILE = 16 * 1024 * 1024


class FileSource(Protocol):
    """Read-only access to other files. Paths are absolute."""

    def read_text(self, path: str) -> str | None:
        """The text of the file, or None when it does not exist or cannot be read."""

    def is_dir(self, path: str) -> bool: ...


class DiskFiles:
    """Files as they are on disk."""

    def read_text(self, path: str) -> str | None:
        try:
            with open(path, "rb") as fh:
                return fh.read(MAX_FILE).decode("utf-8", "surrogateescape")
        except OSError:
            return None

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)
