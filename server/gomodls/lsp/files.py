"""Other files, as the checks see them from the editor: an open document's current text wins
over the disk; disk reads are cached by (mtime, size). Each analysis records what it read, so
a change to one of those files re-diagnoses exactly the documents that depend on it."""

from __future__ import annotations

import os

from gomodls.base.files import FileSource
from gomodls.lsp.documents import DocumentStore

MAX_BYTES = 16 * 1024 * 1024


class WorkspaceFiles:
    def __init__(self, documents: DocumentStore) -> None:
        self.documents = documents
        self._cache: dict[str, tuple[tuple[int, int], str]] = {}

    def read_text(self, path: str) -> str | None:
        doc = self.documents.by_path(path)
        if doc is not None:
            return doc.text
        try:
            st = os.stat(path)
        except OSError:
            self._cache.pop(path, None)
            return None
        sig = (st.st_mtime_ns, st.st_size)
        hit = self._cache.get(path)
        if hit is not None and hit[0] == sig:
            return hit[1]
        try:
            with open(path, "rb") as fh:
                text = fh.read(MAX_BYTES).decode("utf-8", "surrogateescape")
        except OSError:
            return None
        self._cache[path] = (sig, text)
        return text

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def forget(self, path: str) -> None:
        self._cache.pop(path, None)


class RecordingFiles:
    """A FileSource that remembers which paths were asked for (files and directories)."""

    def __init__(self, inner: FileSource) -> None:
        self.inner = inner
        self.paths: set[str] = set()

    def read_text(self, path: str) -> str | None:
        self.paths.add(os.path.normpath(path))
        return self.inner.read_text(path)

    def is_dir(self, path: str) -> bool:
        self.paths.add(os.path.normpath(path))
        return self.inner.is_dir(path)
