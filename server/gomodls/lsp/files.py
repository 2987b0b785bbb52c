"""Other files, as the checks see them from the editor: an open document's current text wins
over the disk; disk reads are cached by (mtime, size). Each analysis records what it read, so
a change to one of those files re-diagnoses exactly the documents that depend on it.

Neighbour files (a replacement's go.mod, go.work's modules, go.sum) are parsed through
`parsed(path)` and `parsed_sum(path)`, once per text: an open document's own parse, else a memo
keyed on the path and the file's current text.

Only regular files of at most MAX_FILE bytes are read (base/files.py): a go.sum that is a FIFO
or a link to a device reads as missing, with one log line per change of the file."""

from __future__ import annotations

import logging
import os
import stat

from gomodls.base.files import MAX_FILE, FileSource, read_regular_text
from gomodls.lsp.documents import DocumentStore
from gomodls.modfile.gosum import SumFile, parse_sum
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_text

log = logging.getLogger(__name__)


class WorkspaceFiles:
    def __init__(self, documents: DocumentStore) -> None:
        self.documents = documents
        self._cache: dict[str, tuple[tuple[int, int, int], str | None]] = {}
        self._parsed: dict[tuple[str, FileKind, bool], tuple[str, ParsedFile]] = {}

    def read_text(self, path: str) -> str | None:
        doc = self.documents.by_path(path)
        if doc is not None:
            return doc.text
        try:
            st = os.stat(path)
        except OSError:
            self._cache.pop(path, None)
            return None
        sig = (st.st_mtime_ns, st.st_size, st.st_mode)
        hit = self._cache.get(path)
        if hit is not None and hit[0] == sig:
            return hit[1]
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE:
            what = "not a regular file" if not stat.S_ISREG(st.st_mode) else f"over {MAX_FILE} bytes"
            log.warning("not reading %s: %s", path, what)
            text = None
        else:
            text = read_regular_text(path)
        self._cache[path] = (sig, text)
        return text

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def parsed(self, path: str, kind: FileKind | None = None, *, strict: bool = True) -> ParsedFile | None:
        """The go.mod or go.work at `path` (`kind`: by default by its name), parsed; None when
        it cannot be read. `strict=False` reads it as the go command reads dependencies' go.mod
        files (modfile.ParseLax)."""
        kind = kind or FileKind.of(path)
        doc = self.documents.by_path(path)
        if doc is not None and doc.kind is kind and kind is not FileKind.SUM and strict:
            return doc.parsed
        text = self.read_text(path)
        if text is None:
            return None
        key = (path, kind, strict)
        hit = self._parsed.get(key)
        if hit is None or hit[0] != text:
            hit = self._parsed[key] = (text, parse_text(text, kind, os.path.basename(path), strict=strict))
        return hit[1]

    def parsed_sum(self, path: str) -> SumFile | None:
        """The go.sum (or go.work.sum) at `path`, parsed; None when it cannot be read."""
        doc = self.documents.by_path(path)
        if doc is not None and doc.kind is FileKind.SUM:
            return doc.sum
        text = self.read_text(path)
        return None if text is None else parse_sum(text, os.path.basename(path))

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
