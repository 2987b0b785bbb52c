"""`go work use DIR` without running it: cmd/go/internal/workcmd/use.go's workUse for one
directory, run from the go.work directory, then modload.UpdateWorkGoVersion, UpdateWorkFile
and WriteWorkFile (SortBlocks, Cleanup, Format). The result is the go.work text the go command
writes, or why it would fail. Also: the module directories under a workspace not yet used."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator

from gomodls.base.files import FileSource
from gomodls.modfile.edit import WorkEditor
from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.modfile.rules import is_directory_path
from gomodls.module import gover

SKIPPED_DIRS = ("vendor", "testdata", "node_modules")
MAX_DIRS = 5000
MAX_DEPTH = 8


class WorkUseError(Exception):
    pass


def to_directory_path(path: str) -> str:
    """modload.ToDirectoryPath."""
    if is_directory_path(path):
        return path
    return "./" + posixpath.normpath(path.replace(os.sep, "/"))


def _abs(work_dir: str, use_path: str) -> str:
    return os.path.normpath(use_path if os.path.isabs(use_path) else os.path.join(work_dir, use_path))


def read_mod_file(gomod: str, files: FileSource, local_go: str | None) -> ModFile:
    """modload.ReadModFile: the go.mod must parse, declare a module, and not need a newer go."""
    text = files.read_text(gomod)
    if text is None:
        raise WorkUseError(f"cannot read {gomod}")
    parsed = parse_text(text, FileKind.MOD, gomod)
    if not parsed.ok:
        raise WorkUseError(f"errors parsing {gomod}")
    f = parsed.model
    assert isinstance(f, ModFile)
    if f.go is not None and local_go is not None and gover.compare(f.go.version, local_go) > 0:
        raise WorkUseError(f"{gomod} requires go >= {f.go.version} (running go {local_go})")
    if f.module is None:
        raise WorkUseError(f"error reading {gomod}: missing module declaration")
    return f


def work_use(work_path: str, text: str, directory: str, files: FileSource, local_go: str | None) -> str:
    """The go.work `go work use <directory>` writes (run in the go.work directory)."""
    work_dir = os.path.dirname(os.path.abspath(work_path))
    parsed = parse_text(text, FileKind.WORK, work_path)
    if not parsed.ok:
        raise WorkUseError(f"errors parsing {work_path}")
    editor = WorkEditor(parsed)
    wf: WorkFile = editor.model
    if wf.go is not None and local_go is not None and gover.compare(wf.go.version, local_go) > 0:
        raise WorkUseError(f"{work_path} requires go >= {wf.go.version} (running go {local_go})")
    have: dict[str, list[str]] = {}
    for use in wf.use:
        have.setdefault(_abs(work_dir, use.path), []).append(use.path)

    absolute = os.path.normpath(os.path.join(work_dir, directory))
    if not os.path.isfile(os.path.join(absolute, "go.mod")):
        raise WorkUseError(f"{directory} has no go.mod")
    # pathRel: relative to the go.work directory when possible, slash-separated.
    keep = absolute if os.path.isabs(directory) else to_directory_path(os.path.relpath(absolute, work_dir))
    kept = 0
    for d in have.get(absolute, []):
        if d == keep:
            kept += 1
        else:
            editor.drop_use(d)
    if kept != 1:
        if kept > 1:
            editor.drop_use(keep)
        editor.add_use(keep, "")

    go_version = wf.go.version if wf.go is not None else gover.DEFAULT_GO_WORK_VERSION
    for use in editor.model.use:
        if not use.path:
            continue
        mf = read_mod_file(os.path.join(_abs(work_dir, use.path), "go.mod"), files, local_go)
        go_version = gover.max_version(go_version, mf.go.version if mf.go else gover.DEFAULT_GO_MOD_VERSION)
    _update_work_go_version(editor, go_version)
    _update_work_file(editor, work_dir, files, local_go)
    return editor.formatted()


def _update_work_go_version(editor: WorkEditor, version: str) -> None:
    wf = editor.model
    old = wf.go.version if wf.go is not None else gover.DEFAULT_GO_WORK_VERSION
    if gover.compare(old, version) >= 0:
        return
    editor.add_go_stmt(version)
    if wf.toolchain is None:
        return
    name = wf.toolchain.name
    tv = gover.from_toolchain(name)
    if (
        name == "go" + version
        or gover.compare(tv, version) < 0
        or gover.compare(tv, gover.GO_STRICT_VERSION) < 0
    ):
        editor.drop_toolchain_stmt()


def _update_work_file(editor: WorkEditor, work_dir: str, files: FileSource, local_go: str | None) -> None:
    """modload.UpdateWorkFile: AddUse again for every use whose go.mod reads (which rewrites its
    line and drops later duplicates of the same path)."""
    paths = list(dict.fromkeys(u.path for u in editor.model.use if u.path and not u.module_path))
    for path in paths:
        try:
            mf = read_mod_file(os.path.join(_abs(work_dir, path), "go.mod"), files, local_go)
        except WorkUseError:
            continue
        assert mf.module is not None
        editor.add_use(path, mf.module.mod.path)


def unused_modules(work_path: str, wf: WorkFile) -> list[str]:
    """Directories under the go.work directory with a go.mod that no use names, as relative
    paths ("./a/b"), skipping what `go work use -r` and the go command skip."""
    work_dir = os.path.dirname(os.path.abspath(work_path))
    used = {_abs(work_dir, u.path) for u in wf.use}
    out = []
    for directory in _module_dirs(work_dir):
        if directory not in used:
            out.append(to_directory_path(os.path.relpath(directory, work_dir)))
    return sorted(out)


def _module_dirs(top: str) -> Iterator[str]:
    pending = [(top, 0)]
    seen = 0
    while pending and seen < MAX_DIRS:
        directory, depth = pending.pop()
        seen += 1
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        if any(e.name == "go.mod" and e.is_file() for e in entries):
            yield os.path.normpath(directory)
        if depth >= MAX_DEPTH:
            continue
        for e in entries:
            if (
                e.is_dir(follow_symlinks=False)
                and not e.name.startswith((".", "_"))
                and e.name not in SKIPPED_DIRS
            ):
                pending.append((e.path, depth + 1))
