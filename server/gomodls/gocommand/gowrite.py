"""What `go mod tidy`, `go work sync` and `go mod vendor` / `go work vendor` would write, found
by running them in a sandbox (gomodls.gocommand.sandbox: copies of the files they write, an overlay of the
.go files they read), never on the user's files: the new text of every file they may change, to
turn into edits of the editor's documents (and, for vendoring, a vendor directory written where
the caller says)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from gomodls.base.files import read_regular_text
from gomodls.gocommand import sandbox
from gomodls.gocommand.gorun import DEFAULT_TIMEOUT, GoResult, run_go
from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.modfile.rules import is_directory_path


class NotRunnable(Exception):
    """The command cannot run on these inputs (the message says why)."""


@dataclass(slots=True)
class Outcome:
    result: GoResult
    before: dict[str, str | None]  # real path -> the text the command started from (None: absent)
    after: dict[str, str | None] = field(default_factory=dict)  # real path -> what it left
    go_files: int = 0  # .go files copied of the first module (the one the command runs in)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.result.ok

    def changed(self) -> dict[str, tuple[str | None, str]]:
        """path -> (before, after) for the files the command changed or created."""
        out: dict[str, tuple[str | None, str]] = {}
        for path, new in self.after.items():
            old = self.before.get(path)
            if new is not None and new != old:
                out[path] = (old, new)
        return out


def command_env(environ: Mapping[str, str], gowork: str) -> dict[str, str]:
    """The user's Go environment, except what would make the go command look elsewhere or
    refuse to write: GOWORK is ours, -mod, -modfile and -overlay flags go (tidy and sync always
    write go.mod, it must be the sandbox's, and the overlay is ours)."""
    env = dict(environ)
    env["GOWORK"] = gowork
    flags = env.get("GOFLAGS", "").split()
    ours = ("mod=", "modfile=", "overlay=")
    env["GOFLAGS"] = " ".join(f for f in flags if not f.lstrip("-").startswith(ours))
    return env


def relative_replacements(model: ModFile | WorkFile, directory: str) -> list[str]:
    """Directories that relative `replace ... => ./dir` lines point at: they must be at the same
    relative place in the sandbox, as links to the real ones (absolute ones are read where
    they are). They are never walked: one may be anywhere, up to `/`."""
    out = []
    for r in model.replace:
        target = r.new.path
        if not r.new.version and is_directory_path(target) and not os.path.isabs(target):
            out.append(os.path.normpath(os.path.join(directory, target)))
    return out


async def _in_sandbox(
    trees: list[str],
    texts: Mapping[str, str | None],
    extra_files: list[str],
    args: list[str],
    cwd: str,
    environ: Mapping[str, str],
    gowork: str | None,
    written: list[str],
    timeout: float,
    need_go_files: bool = False,
    links: list[str] | None = None,
) -> Outcome:
    loop = asyncio.get_running_loop()
    creating = loop.run_in_executor(None, sandbox.create, trees, texts, extra_files, links or [])
    try:
        box = await asyncio.shield(creating)
    except asyncio.CancelledError:
        # The copy goes on in its thread: remove it once it is done.
        creating.add_done_callback(lambda f: f.cancelled() or f.exception() or f.result().remove())
        raise
    started = time.perf_counter()
    try:
        before = {p: texts[p] if p in texts else _read(p) for p in written}
        first = trees[0] if trees else ""
        outcome = Outcome(GoResult(tuple(args), 0, "", ""), before, go_files=box.go_files.get(first, 0))
        if need_go_files and not outcome.go_files:
            return outcome
        env = command_env(environ, box.place(gowork) if gowork else "off")
        result = await run_go([*args, f"-overlay={box.overlay_file}"], box.place(cwd), env, timeout)
        outcome.result = GoResult(
            tuple(args),
            result.returncode,
            result.stdout.replace(box.root, box.base),
            result.stderr.replace(box.root, box.base),
            result.timed_out,
        )
        outcome.after = {p: box.read(p) for p in written}
        outcome.seconds = time.perf_counter() - started
        return outcome
    finally:
        await loop.run_in_executor(None, box.remove)


def _read(path: str) -> str | None:
    return read_regular_text(path)


def _text(path: str, texts: Mapping[str, str | None]) -> str | None:
    return texts[path] if path in texts else _read(path)


async def tidy(
    gomod: str,
    texts: Mapping[str, str | None],
    environ: Mapping[str, str],
    timeout: float = DEFAULT_TIMEOUT,
    need_go_files: bool = False,
) -> Outcome:
    """`go mod tidy` on a copy of the module whose go.mod is `gomod`. `texts` holds the
    editor's texts by path (its go.mod and go.sum first); other files come from disk. With
    `need_go_files`, the command is not run on a module without Go files (the outcome then has
    no `after`)."""
    module_dir = os.path.dirname(os.path.abspath(gomod))
    text = _text(gomod, texts)
    if text is None:
        raise NotRunnable(f"{gomod} does not exist")
    parsed = parse_text(text, FileKind.MOD, gomod)
    replaced = relative_replacements(parsed.model, module_dir)
    gosum = os.path.join(module_dir, "go.sum")
    return await _in_sandbox(
        [module_dir],
        texts,
        [],
        ["mod", "tidy"],
        module_dir,
        environ,
        None,
        [gomod, gosum],
        timeout,
        need_go_files,
        links=replaced,
    )


def _workspace(
    gowork: str, texts: Mapping[str, str | None], command: str
) -> tuple[list[str], list[str], list[str]]:
    """The used module directories, the files the go command may write (go.work, go.work.sum,
    each used module's go.mod and go.sum) and the relative replacement directories."""
    work_dir = os.path.dirname(os.path.abspath(gowork))
    text = _text(gowork, texts)
    if text is None:
        raise NotRunnable(f"{gowork} does not exist")
    work = parse_text(text, FileKind.WORK, gowork).model
    assert isinstance(work, WorkFile)
    modules: list[str] = []
    replaced: list[str] = []
    written = [gowork, gowork + ".sum"]
    for use in work.use:
        if os.path.isabs(use.path):
            # The go command would write there: only relative uses can be redirected to the copy.
            raise NotRunnable(f"{command}: the workspace uses a module by absolute path ({use.path})")
        directory = os.path.normpath(os.path.join(work_dir, use.path))
        gomod = os.path.join(directory, "go.mod")
        mod_text = _text(gomod, texts)
        if mod_text is None:
            continue
        modules.append(directory)
        written += [gomod, os.path.join(directory, "go.sum")]
        replaced += relative_replacements(parse_text(mod_text, FileKind.MOD, gomod).model, directory)
    replaced += relative_replacements(work, work_dir)
    return modules, written, replaced


async def work_sync(
    gowork: str, texts: Mapping[str, str | None], environ: Mapping[str, str], timeout: float = DEFAULT_TIMEOUT
) -> Outcome:
    """`go work sync` on a copy of the workspace: the used modules' go.mod and go.sum files,
    and go.work itself (its go line), as the command leaves them."""
    work_dir = os.path.dirname(os.path.abspath(gowork))
    modules, written, replaced = _workspace(gowork, texts, "go work sync")
    return await _in_sandbox(
        modules,
        texts,
        [gowork, gowork + ".sum"],
        ["work", "sync"],
        work_dir,
        environ,
        gowork,
        written,
        timeout,
        links=replaced,
    )


# Vendoring. The go command writes the vendor directory at `output` (an absolute path the
# caller chooses, outside the sandbox), with -o. Replacement directories are linked into the
# sandbox rather than overlaid: go mod vendor copies the files of the packages it vendors
# with plain reads, past the overlay.


async def mod_vendor(
    gomod: str,
    texts: Mapping[str, str | None],
    environ: Mapping[str, str],
    output: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> Outcome:
    """`go mod vendor -o OUTPUT` on a copy of the module whose go.mod is `gomod` (outside any
    workspace), with the editor's texts; go.mod and go.sum as the command leaves them."""
    module_dir = os.path.dirname(os.path.abspath(gomod))
    text = _text(gomod, texts)
    if text is None:
        raise NotRunnable(f"{gomod} does not exist")
    replaced = relative_replacements(parse_text(text, FileKind.MOD, gomod).model, module_dir)
    written = [gomod, os.path.join(module_dir, "go.sum")]
    args = ["mod", "vendor", "-o", output]
    return await _in_sandbox(
        [module_dir], texts, [], args, module_dir, environ, None, written, timeout, links=replaced
    )


async def work_vendor(
    gowork: str,
    texts: Mapping[str, str | None],
    environ: Mapping[str, str],
    output: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> Outcome:
    """`go work vendor -o OUTPUT` on a copy of the workspace, with the editor's texts; the files
    the command may write (go.work.sum, the used modules' go.mod and go.sum) as it leaves them."""
    work_dir = os.path.dirname(os.path.abspath(gowork))
    modules, written, replaced = _workspace(gowork, texts, "go work vendor")
    args = ["work", "vendor", "-o", output]
    return await _in_sandbox(
        modules,
        texts,
        [gowork, gowork + ".sum"],
        args,
        work_dir,
        environ,
        gowork,
        written,
        timeout,
        links=replaced,
    )
