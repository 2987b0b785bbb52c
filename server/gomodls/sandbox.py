"""A private copy of module directories for running the go command on (tidy, work sync), so it
never writes the user's files and sees the editor's unsaved go.mod/go.sum/go.work texts.

Only what the go command reads when it loads packages is copied: go.mod, go.sum and the .go
files of each module tree, skipping what it skips (directories named testdata or starting with
"." or "_", vendor directories, nested modules, symlinked directories). Directories keep their
positions relative to each other, so relative paths (replace => ../x, use ./x) still point where
they did."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MAX_FILES = 20_000
MAX_BYTES = 256 * 1024 * 1024
# A .go file bigger than this is copied only up to its first top-level declaration: the go
# command reads no further (the build constraints and imports come before).
BIG_GO_FILE = 1024 * 1024
_DECLARATIONS = (b"func ", b"func(", b"type ", b"type(", b"var ", b"var(", b"const ", b"const(")


class SandboxError(Exception):
    pass


@dataclass(slots=True)
class Sandbox:
    """Copies under `root`, at `place(real_dir)`; remove() deletes them."""

    root: str
    base: str  # the real directory that `root` stands for
    copied: list[str] = field(default_factory=list)  # real module directories copied
    files: int = 0
    bytes: int = 0
    go_files: dict[str, int] = field(default_factory=dict)  # real module directory -> .go files copied

    def place(self, real: str) -> str:
        return os.path.join(self.root, os.path.relpath(os.path.abspath(real), self.base))

    def real(self, placed: str) -> str:
        return os.path.join(self.base, os.path.relpath(placed, self.root))

    def read(self, real: str) -> str | None:
        try:
            with open(self.place(real), encoding="utf-8", errors="surrogateescape", newline="") as fh:
                return fh.read()
        except FileNotFoundError:
            return None

    def remove(self) -> None:
        shutil.rmtree(os.path.dirname(self.root), ignore_errors=True)


def create(trees: Iterable[str], texts: Mapping[str, str | None], extra_files: Iterable[str] = ()) -> Sandbox:
    """Copy each module tree (a directory holding go.mod) and each extra file (go.work,
    go.work.sum) into a new temporary directory. `texts` gives the content of files by real path
    (open documents), taking precedence over the disk; None means the file does not exist."""
    trees = [os.path.abspath(t) for t in trees]
    extra = [os.path.abspath(f) for f in extra_files]
    anchors = trees + [os.path.dirname(f) for f in extra]
    if not anchors:
        raise SandboxError("nothing to copy")
    base = os.path.commonpath(anchors)
    tmp = tempfile.mkdtemp(prefix="gomodls-go-")
    box = Sandbox(os.path.join(tmp, "root"), base)
    try:
        os.makedirs(box.root)
        overlay = {os.path.abspath(p): t for p, t in texts.items()}
        for tree in dict.fromkeys(trees):
            _copy_tree(box, tree, overlay)
            box.copied.append(tree)
        for path in extra:
            _put(box, path, overlay)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return box


def _copy_tree(box: Sandbox, top: str, overlay: Mapping[str, str | None]) -> None:
    for name in ("go.mod", "go.sum"):
        _put(box, os.path.join(top, name), overlay)
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        os.makedirs(box.place(directory), exist_ok=True)
        for entry in entries:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):
                if not _skipped_dir(name) and not os.path.isfile(os.path.join(entry.path, "go.mod")):
                    pending.append(entry.path)
            elif name.endswith(".go") and entry.is_file() and _copy_go_file(box, entry):
                box.go_files[top] = box.go_files.get(top, 0) + 1


def _skipped_dir(name: str) -> bool:
    return name.startswith((".", "_")) or name in ("testdata", "vendor")


def _count(box: Sandbox, size: int) -> None:
    box.files += 1
    box.bytes += size
    if box.files > MAX_FILES or box.bytes > MAX_BYTES:
        raise SandboxError(
            f"the module is too big to copy for the go command (over {MAX_FILES} files or "
            f"{MAX_BYTES // (1024 * 1024)} MB of Go source)"
        )


def _copy_go_file(box: Sandbox, entry: os.DirEntry[str]) -> bool:
    try:
        size = entry.stat().st_size
        with open(entry.path, "rb") as fh:
            data = fh.read(BIG_GO_FILE + 1)
    except OSError:
        return False
    if size > BIG_GO_FILE:
        data = _header(data)
    _count(box, len(data))
    with open(box.place(entry.path), "wb") as out:
        out.write(data)
    return True


def _header(data: bytes) -> bytes:
    """The part of a Go file before its first top-level declaration after the imports."""
    at = 0
    for line in data.splitlines(keepends=True):
        if line.startswith(_DECLARATIONS):
            break
        at += len(line)
    return data[:at]


def _put(box: Sandbox, path: str, overlay: Mapping[str, str | None]) -> None:
    target = box.place(path)
    if path in overlay:
        text = overlay[path]
        if text is None:
            return
        data = text.encode("utf-8", "surrogateescape")
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError:
            return
    _count(box, len(data))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as out:
        out.write(data)
