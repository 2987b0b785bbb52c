"""What `go mod tidy` would change in the requirements, as findings with fixes (gopls's tidy
diagnostics): a requirement no package needs, a `// indirect` marking that is wrong either way,
a module the code imports from that go.mod does not require.

The findings compare the document's current text with the go.mod tidy wrote for an earlier
text, which stays meaningful while the only differences are tidy's own changes (lines removed,
markings toggled, requirements added at tidy's versions): the fixes keep the other findings in
place without running tidy again. Any other change to what tidy reads makes the result stale."""

from __future__ import annotations

from collections.abc import Callable

from gomodls.analysis.findings import Action, Finding, Fix, Severity
from gomodls.analysis.lines import line_range
from gomodls.modfile.edit import ModEditor
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import ParsedFile


def _inputs(f: ModFile) -> tuple[object, ...]:
    """Everything in a go.mod that tidy's result depends on, except the requirements."""
    return (
        f.module.mod.path if f.module else None,
        f.go.version if f.go else None,
        f.toolchain.name if f.toolchain else None,
        sorted((r.old, r.new) for r in f.replace),
        sorted(x.mod for x in f.exclude),
        sorted(t.path for t in f.tool),
        sorted(i.path for i in f.ignore),
    )


def still_applies(current: ModFile, base: ModFile, tidied: ModFile) -> bool:
    """Whether tidy's result for `base` says what tidy would do to `current`."""
    if _inputs(current) != _inputs(base):
        return False
    known = {r.mod for r in base.require} | {r.mod for r in tidied.require}
    return all(r.mod in known for r in current.require)


def tidy_findings(path: str, parsed: ParsedFile, base: ModFile, tidied: ModFile) -> list[Finding] | None:
    """The findings for the go.mod at `path` (its current parse), or None when tidy's result
    for `base` no longer applies to it."""
    current = parsed.model
    if not parsed.ok or not isinstance(current, ModFile) or not still_applies(current, base, tidied):
        return None
    run_tidy = Fix("Run go mod tidy", {}, action=(Action.TIDY, [path]))
    wanted = {r.mod.path: r for r in tidied.require}
    out: list[Finding] = []
    seen: set[str] = set()
    for r in current.require:
        p = r.mod.path
        want = wanted.get(p)
        if want is None:
            out.append(
                Finding(
                    line_range(r.syntax),
                    Severity.WARNING,
                    "unused-require",
                    f"{p} is not used in this module",
                    [
                        _fix(f"Remove dependency: {p}", path, parsed, lambda e, p=p: e.drop_require(p)),
                        run_tidy,
                    ],
                    unnecessary=True,
                )
            )
        elif r.indirect and not want.indirect and p not in seen:
            out.append(
                Finding(
                    line_range(r.syntax),
                    Severity.WARNING,
                    "require-should-be-direct",
                    f"{p} should be direct",
                    [
                        _fix("Remove // indirect", path, parsed, lambda e, p=p: e.set_indirect(p, False)),
                        run_tidy,
                    ],
                )
            )
        elif not r.indirect and want.indirect and p not in seen:
            out.append(
                Finding(
                    line_range(r.syntax),
                    Severity.WARNING,
                    "require-should-be-indirect",
                    f"{p} should be indirect",
                    [_fix("Add // indirect", path, parsed, lambda e, p=p: e.set_indirect(p, True)), run_tidy],
                )
            )
        seen.add(p)
    anchor = line_range(current.module.syntax) if current.module else (0, 0, 0, 0)
    for want in tidied.require:
        p = want.mod.path
        if p in seen:
            continue
        version, indirect = want.mod.version, want.indirect
        out.append(
            Finding(
                anchor,
                Severity.ERROR,
                "missing-require",
                f"{p} is not in your go.mod file",
                [
                    _fix(
                        f"Add {p} to your go.mod file",
                        path,
                        parsed,
                        lambda e, p=p, v=version, i=indirect: e.add_new_require(p, v, i),
                    ),
                    run_tidy,
                ],
            )
        )
    return out


def _fix(title: str, path: str, parsed: ParsedFile, edit: Callable[[ModEditor], None]) -> Fix:
    editor = ModEditor(parsed)
    edit(editor)
    return Fix(title, {path: editor.text_edits()}, preferred=True)
