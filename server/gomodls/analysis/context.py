"""What checks may know beyond the file itself: other files (through a small interface that the
language server backs with its open documents), the local go version and GOTOOLCHAIN."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol


class FileSource(Protocol):
    """Read-only access to other files. Paths are absolute."""

    def read_text(self, path: str) -> str | None:
        """The text of the file, or None when it does not exist or cannot be read."""

    def is_dir(self, path: str) -> bool: ...


class DiskFiles:
    """Files as they are on disk (the CLI's source)."""

    def read_text(self, path: str) -> str | None:
        try:
            with open(path, "rb") as fh:
                return fh.read(16 * 1024 * 1024).decode("utf-8", "surrogateescape")
        except OSError:
            return None

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)


@dataclass(frozen=True, slots=True)
class CheckContext:
    path: str  # absolute path of the file checked
    files: FileSource
    local_go: str | None = None  # version of the go command on PATH ("1.27.3"), if any
    gotoolchain: str = "auto"  # the user's GOTOOLCHAIN

    @property
    def dir(self) -> str:
        return os.path.dirname(self.path)
