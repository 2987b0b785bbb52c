"""What checks may know beyond the file itself: other files (through a small interface that the
language server backs with its open documents), the local go version and GOTOOLCHAIN."""

from __future__ import annotations

import os
from dataclasses import dataclass

from gomodls.base.files import DiskFiles, FileSource

__all__ = ["CheckContext", "DiskFiles", "FileSource"]


@dataclass(frozen=True, slots=True)
class CheckContext:
    path: str  # absolute path of the file checked
    files: FileSource
    local_go: str | None = None  # version of the go command on PATH ("1.27.3"), if any
    gotoolchain: str = "auto"  # the user's GOTOOLCHAIN
    gowork: str = ""  # the user's GOWORK: "" (look for go.work upwards), "off", or a go.work path

    @property
    def dir(self) -> str:
        return os.path.dirname(self.path)
