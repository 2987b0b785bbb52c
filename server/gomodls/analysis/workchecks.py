"""What the go command checks when it loads a workspace (modload.LoadWorkFile and the setup of
the main modules), from the go.work file and the go.mod files of the modules it uses."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass

from gomodls.analysis.context import CheckContext
from gomodls.analysis.findings import Finding, Fix, Related, Severity, TextEdit
from gomodls.analysis.godebug import check_godebug
from gomodls.analysis.lines import args, delete_line, godebug_range, replaced_range, replacement_range
from gomodls.analysis.modchecks import godebug_code, short_path, too_new
from gomodls.modfile.errors import token_range
from gomodls.modfile.model import ModFile, ModuleVersion, Replace, Use, WorkFile
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_text
from gomodls.modfile.rules import auto_quote
from gomodls.module import gover


@dataclass(slots=True)
class UsedModule:
    use: Use
    root: str  # absolute, cleaned
    shown: str  # base.ShortPath-like form for messages
    parsed: ParsedFile | None  # None when there is no go.mod


def check_work(parsed: ParsedFile, ctx: CheckContext) -> list[Finding]:
    wf = parsed.model
    assert isinstance(wf, WorkFile)
    out: list[Finding] = []
    if wf.go is not None:
        out.extend(too_new("go.work", wf.go.version, args(wf.go.syntax)[0], ctx))
    for g in wf.godebug:
        err = check_godebug(g.key, g.value, ctx.local_go)
        if err:
            out.append(Finding(godebug_range(g.syntax, g.key, err), Severity.ERROR, godebug_code(err), err))
    modules = list(_used_modules(wf, ctx, out))
    out.extend(_duplicate_module_paths(parsed, modules, ctx))
    out.extend(_go_versions(parsed, wf, modules, ctx))
    out.extend(_workspace_module_replaced(parsed, wf, modules, ctx))
    out.extend(_conflicting_replacements(parsed, wf, modules, ctx))
    return out


def _used_modules(wf: WorkFile, ctx: CheckContext, out: list[Finding]) -> Iterator[UsedModule]:
    seen: dict[str, Use] = {}
    for u in wf.use:
        root = os.path.normpath(u.path if os.path.isabs(u.path) else os.path.join(ctx.dir, u.path))
        rng = token_range(args(u.syntax)[0])
        prev = seen.get(root)
        if prev is not None:
            out.append(
                Finding(
                    rng,
                    Severity.ERROR,
                    "duplicate-use",
                    f"path {root} appears multiple times in workspace",
                    [Fix("Remove this use", {ctx.path: [delete_line(wf.syntax, u.syntax)]}, preferred=True)],
                    [Related(ctx.path, token_range(args(prev.syntax)[0]), "first listed here")],
                    unnecessary=True,
                )
            )
            continue
        seen[root] = u
        # base.ShortPath of the directory and of DIR/go.mod, each on its own: `use .` is module
        # "." whose file is "go.mod" (not "./go.mod"), as the go command run beside go.work says.
        shown = short_path(root, ctx.dir)
        gomod = short_path(os.path.join(root, "go.mod"), ctx.dir)
        if not ctx.files.is_dir(root):
            # The go command reads DIR/go.mod without looking at the directory first.
            out.append(
                Finding(
                    rng,
                    Severity.ERROR,
                    "use-dir-missing",
                    f"cannot load module {shown} listed in go.work file: open {gomod}: no such file or directory",
                )
            )
            continue
        text = ctx.files.read_text(os.path.join(root, "go.mod"))
        if text is None:
            out.append(
                Finding(
                    rng,
                    Severity.ERROR,
                    "use-without-go-mod",
                    f"cannot load module {shown} listed in go.work file: open {gomod}: no such file or directory",
                )
            )
            yield UsedModule(u, root, shown, None)
            continue
        mod = parse_text(text, FileKind.MOD, gomod)
        if mod.go_errors:
            errors = "\n".join(e.go_string(gomod) for e in mod.go_errors)
            out.append(
                Finding(
                    rng,
                    Severity.ERROR,
                    "used-module-error",
                    f"cannot load module {shown} listed in go.work file: errors parsing {gomod}:\n{errors}",
                )
            )
        elif not mod.model.module_path:  # type: ignore[union-attr]
            out.append(
                Finding(
                    rng,
                    Severity.ERROR,
                    "used-module-error",
                    f"cannot load module {shown} listed in go.work file: error reading {gomod}: missing module "
                    "declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod",
                )
            )
        yield UsedModule(u, root, shown, mod)


def _path(m: UsedModule) -> str:
    model = m.parsed.model if m.parsed else None
    return model.module_path if isinstance(model, ModFile) else ""


def _duplicate_module_paths(
    parsed: ParsedFile, modules: list[UsedModule], ctx: CheckContext
) -> Iterator[Finding]:
    first: dict[str, UsedModule] = {}
    for m in modules:
        path = _path(m)
        if not path:
            continue
        prev = first.setdefault(path, m)
        if prev is not m:
            yield Finding(
                token_range(args(m.use.syntax)[0]),
                Severity.ERROR,
                "duplicate-module-path",
                f"module {path} appears multiple times in workspace",
                related=[
                    Related(
                        ctx.path, token_range(args(prev.use.syntax)[0]), f"{prev.use.path} is also {path}"
                    )
                ],
            )


def _go_versions(
    parsed: ParsedFile, wf: WorkFile, modules: list[UsedModule], ctx: CheckContext
) -> Iterator[Finding]:
    """errWorkTooOld: a used module needs a newer go than go.work (from go 1.21 on, go lines are
    minimums)."""
    wv = wf.go.version if wf.go else gover.DEFAULT_GO_WORK_VERSION
    verb = "lists" if wf.go else "implicitly requires"
    needs: list[tuple[UsedModule, str]] = []
    for m in modules:
        model = m.parsed.model if m.parsed else None
        if not isinstance(model, ModFile) or m.parsed is None or m.parsed.go_errors:
            continue
        mv = model.go.version if model.go else gover.DEFAULT_GO_MOD_VERSION
        if gover.compare(mv, wv) > 0 and gover.compare(mv, gover.GO_STRICT_VERSION) >= 0:
            needs.append((m, mv))
    if not needs:
        return
    highest = max((mv for _, mv in needs), key=functools.cmp_to_key(gover.compare))
    fix = Fix(
        f"Set the go.work go line to {highest}", {ctx.path: [_set_go(parsed, wf, highest)]}, preferred=True
    )
    for m, mv in needs:
        yield Finding(
            token_range(args(m.use.syntax)[0]),
            Severity.ERROR,
            "work-go-too-old",
            f"module {m.shown} listed in go.work file requires go >= {mv}, but go.work {verb} go {wv}; "
            f"to download and use go {mv}:\n\tgo work use",
            [fix],
        )


def _set_go(parsed: ParsedFile, wf: WorkFile, version: str) -> TextEdit:
    if wf.go is not None:
        return TextEdit(token_range(args(wf.go.syntax)[0]), version)
    return TextEdit((0, 0, 0, 0), f"go {version}\n\n")


def _workspace_module_replaced(
    parsed: ParsedFile, wf: WorkFile, modules: list[UsedModule], ctx: CheckContext
) -> Iterator[Finding]:
    paths = {_path(m) for m in modules} - {""}
    for r in wf.replace:
        if r.old.path in paths and not r.old.version:
            yield Finding(
                replaced_range(r),
                Severity.ERROR,
                "workspace-module-replaced",
                f"workspace module {r.old.path} is replaced at all versions in the go.work file. To fix, remove "
                "the replacement from the go.work file or specify the version at which to replace the module.",
                [
                    Fix(
                        "Remove this replacement",
                        {ctx.path: [delete_line(parsed.syntax, r.syntax)]},
                        preferred=True,
                    )
                ],
            )


def _conflicting_replacements(
    parsed: ParsedFile, wf: WorkFile, modules: list[UsedModule], ctx: CheckContext
) -> Iterator[Finding]:
    """The go command's merge of the used modules' replacements: go.work's own replacements
    win for their module paths; otherwise two modules replacing the same module@version with
    different targets is fatal."""
    overridden = {r.old.path for r in wf.replace}
    merged: dict[ModuleVersion, tuple[ModuleVersion, UsedModule, Replace]] = {}
    reported: set[ModuleVersion] = set()
    for m in modules:
        model = m.parsed.model if m.parsed else None
        if not isinstance(model, ModFile):
            continue
        mine: set[ModuleVersion] = set()
        for r in model.replace:
            if r.old.path in overridden:
                continue
            new = r.new
            if not new.version and not os.path.isabs(new.path):
                new = ModuleVersion(os.path.normpath(os.path.join(m.root, new.path)))
            prev = merged.get(r.old)
            if prev is not None and r.old not in mine and prev[0] != new and r.old not in reported:
                reported.add(r.old)
                yield _conflict(parsed, wf, r.old, prev, (new, m, r), ctx)
            mine.add(r.old)
            merged[r.old] = (new, m, r)


def _conflict(
    parsed: ParsedFile,
    wf: WorkFile,
    old: ModuleVersion,
    first: tuple[ModuleVersion, UsedModule, Replace],
    second: tuple[ModuleVersion, UsedModule, Replace],
    ctx: CheckContext,
) -> Finding:
    fixes = [
        Fix(
            f"Use {_shown_target(target, ctx)} for {old} in go.work",
            {ctx.path: [_add_replace(parsed, wf, old, target, ctx)]},
        )
        for target, _, _ in (first, second)
    ]
    related = [
        Related(
            os.path.join(m.root, "go.mod"),
            replacement_range(r),
            f"{m.shown}/go.mod replaces {old} with {r.new}",
        )
        for _, m, r in (first, second)
    ]
    return Finding(
        token_range(args(second[1].use.syntax)[0]),
        Severity.ERROR,
        "conflicting-workspace-replace",
        f"conflicting replacements for {old}:\n\t{first[0]}\n\t{second[0]}\n"
        f'use "go work edit -replace {old}=[override]" to resolve',
        fixes,
        related,
    )


def _shown_target(target: ModuleVersion, ctx: CheckContext) -> str:
    if target.version or not os.path.isabs(target.path):
        return str(target)
    rel = os.path.relpath(target.path, ctx.dir)
    return rel if rel.startswith("..") else "./" + rel


def _add_replace(
    parsed: ParsedFile, wf: WorkFile, old: ModuleVersion, target: ModuleVersion, ctx: CheckContext
) -> TextEdit:
    """Append `replace old => target` to the go.work, after a blank line."""
    parts = [
        auto_quote(old.path),
        *([old.version] if old.version else []),
        "=>",
        auto_quote(target.path if target.version else _shown_target(target, ctx)),
    ]
    if target.version:
        parts.append(target.version)
    line = "replace " + " ".join(parts)
    end = parsed.syntax.lines[-1]
    if end.text == "":  # the file ends with a newline
        return TextEdit((end.line, 0, end.line, 0), f"\n{line}\n")
    return TextEdit((end.line, len(end.text), end.line, len(end.text)), f"\n\n{line}\n")
