"""A private place for running the go command on modules (tidy, work sync), so it never writes
the user's files and sees the editor's unsaved go.mod/go.sum/go.work texts.

The files the go command writes (go.mod, go.sum, go.work, go.work.sum) are real copies in a
temporary directory. The .go files it only reads are not copied: an overlay (the go command's
-overlay flag) makes them appear there with the real files' content, which costs nothing per
file and reads only what the go command reads. Only what it reads when it loads packages is
listed, skipping what it skips (directories named testdata or starting with "." or "_", vendor
directories, nested modules, symlinked directories). Directories keep their positions relative
to each other, so relative paths (replace => ../x, use ./x) still point where they did.

Directories the go command only reads with plain file reads, past the overlay, can be linked
instead (`links`): a symbolic link to the real directory (go mod vendor copies the files of the
packages it vendors, assembly, C, embedded and LICENSE files included, with os.ReadDir/os.Open)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gomodls.base.files import NotRegular, read_regular
from gomodls.base.gosource import WalkLimit, module_go_files

MAX_FILES = 50_000  # .go files in all the copied trees
MAX_BYTES = 64 * 1024 * 1024  # a go.mod, go.sum or go.work bigger than this is not copied


class SandboxError(Exception):
    pass


@dataclass(slots=True)
class Sandbox:
    """Copies under `root`, at `place(real_path)`; remove() deletes them."""

    root: str
    base: str  # the real directory that `root` stands for
    overlay: dict[str, str] = field(default_factory=dict)  # placed .go file -> the real one
    go_files: dict[str, int] = field(default_factory=dict)  # real module directory -> its .go files

    @property
    def overlay_file(self) -> str:
        return os.path.join(os.path.dirname(self.root), "overlay.json")

    def place(self, real: str) -> str:
        return os.path.join(self.root, os.path.relpath(os.path.abspath(real), self.base))

    def read(self, real: str) -> str | None:
        try:
            with open(self.place(real), encoding="utf-8", errors="surrogateescape", newline="") as fh:
                return fh.read()
        except FileNotFoundError:
            return None

    def remove(self) -> None:
        shutil.rmtree(os.path.dirname(self.root), ignore_errors=True)


def create(
    trees: Iterable[str],
    texts: Mapping[str, str | None],
    extra_files: Iterable[str] = (),
    links: Iterable[str] = (),
) -> Sandbox:
    """Copy each module tree (a directory holding go.mod) and each extra file (go.work,
    go.work.sum) into a new temporary directory, and write the overlay of their .go files.
    `texts` gives the content of files by real path (open documents), taking precedence over
    the disk; None means the file does not exist. Each directory of `links` (read only) is a
    symbolic link to the real one."""
    trees = [os.path.abspath(t) for t in trees]
    extra = [os.path.abspath(f) for f in extra_files]
    linked = [os.path.abspath(d) for d in links]
    anchors = trees + [os.path.dirname(f) for f in extra] + linked
    if not anchors:
        raise SandboxError("nothing to copy")
    tmp = tempfile.mkdtemp(prefix="gomodls-go-")
    box = Sandbox(os.path.join(tmp, "root"), os.path.commonpath(anchors))
    try:
        os.makedirs(box.root)
        overlay = {os.path.abspath(p): t for p, t in texts.items()}
        for tree in dict.fromkeys(trees):
            _add_tree(box, tree, overlay)
        for path in extra:
            _put(box, path, overlay)
        for directory in dict.fromkeys(linked):
            _link(box, directory, overlay, trees)
        with open(box.overlay_file, "w", encoding="utf-8") as fh:
            json.dump({"Replace": box.overlay}, fh)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return box


def _add_tree(box: Sandbox, top: str, overlay: Mapping[str, str | None]) -> None:
    os.makedirs(box.place(top), exist_ok=True)
    for name in ("go.mod", "go.sum"):
        _put(box, os.path.join(top, name), overlay)
    count = 0
    try:
        for path in module_go_files(top):
            box.overlay[box.place(path)] = path
            count += 1
            if len(box.overlay) > MAX_FILES:
                raise SandboxError(
                    f"the module is too big for gomodls to run the go command on (over {MAX_FILES} .go files)"
                )
    except WalkLimit as e:
        raise SandboxError(
            f"the module in {top} is too big for gomodls to run the go command on ({e})"
        ) from None
    box.go_files[top] = box.go_files.get(top, 0) + count


def _link(box: Sandbox, directory: str, overlay: Mapping[str, str | None], trees: list[str]) -> None:
    """A replacement directory, linked (never walked: the go command reads what it needs of
    it), unless a copied tree holds it already."""
    if not os.path.isdir(directory) or directory in trees:
        return  # (the go command reports a missing one)
    if any(os.path.commonpath([directory, t]) == directory for t in trees):
        # Copying it would mean copying a tree that holds the module, up to the whole disk
        # for a `replace => ../../..`; it cannot be linked either (the copy is inside it).
        raise SandboxError(
            f"the replacement directory {directory} contains the module; gomodls does not copy it"
        )
    target = box.place(directory)
    if os.path.lexists(target):
        # Inside a copied tree: its files come through the overlay.
        _add_tree(box, directory, overlay)
        return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.symlink(directory, target, target_is_directory=True)
    except OSError:  # no symbolic links here: the overlay then (walked within its bounds)
        _add_tree(box, directory, overlay)


def _put(box: Sandbox, path: str, overlay: Mapping[str, str | None]) -> None:
    target = box.place(path)
    if path in overlay:
        text = overlay[path]
        if text is None:
            return
        data = text.encode("utf-8", "surrogateescape")
    else:
        try:
            data = read_regular(path, MAX_BYTES)
        except NotRegular as e:
            raise SandboxError(str(e)) from None
        except OSError:
            return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as out:
        out.write(data)
