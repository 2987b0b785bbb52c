"""go.work actions against the real go command: each "go work use" source action's edit is what
`go work use ./dir` writes, for go.work files of several shapes; gomodls.workUse applies the
same; gomodls.workSync's edit of the used modules' files is what `go work sync` writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from gomodls.modfile.model import WorkFile
from gomodls.modfile.parsed import FileKind, parse_text

from .gofixture import SETTINGS, doc_edits, run_go, snapshot, write_tree
from .helpers import DOCUMENT_CHANGES, Doc, apply_text_edits, wait_until

MODULES = {
    "x/go.mod": "module example.com/x\n\ngo 1.21\n",
    "y/z/go.mod": "module example.com/z\n\ngo 1.23.1\n",
    "q/go.mod": "module example.com/q\n\ngo 1.20\n",
    "nested/go.mod": "module example.com/nested\n\ngo 1.21\n",
    "nested/inner/go.mod": "module example.com/nested/inner\n\ngo 1.21\n",
    # Where the go command does not look for modules of a workspace.
    "vendor/v/go.mod": "module example.com/v\n",
    "x/testdata/t/go.mod": "module example.com/t\n",
    ".hidden/h/go.mod": "module example.com/h\n",
    "_skip/s/go.mod": "module example.com/s\n",
}
CANDIDATES = ["./nested", "./nested/inner", "./q", "./x", "./y/z"]
WORK_FILES = [
    "go 1.21\n\n// comment\nuse ./x // x mod\n",
    "go 1.21\ntoolchain go1.22.0\n\nuse (\n\t./x\n)\n",  # raising the go line drops an older toolchain
    "go 1.21\ntoolchain go1.25.0\n\nuse ./x\n",  # and keeps a newer one
    "use ./x\n",  # no go line
    "go 1.21\nuse ./x\nuse ./x // again\n",  # a duplicate, dropped by the go command
    'go 1.21\nuse "./x"\n',  # quoted
    "go 1.22\n",  # no use at all
    "go 1.21\n\nuse (\n\t./nested // n\n\t./q\n)\n\nreplace example.com/a => ./x\n",
]


async def use_actions(client: LanguageClient, doc: Doc) -> list[types.CodeAction]:
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            doc.ident,
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=["source.workUse"]),
        )
    )
    return [a for a in actions or [] if isinstance(a, types.CodeAction)]


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_go_work_use_actions_write_what_go_work_use_writes(client2: LanguageClient) -> None:
    client = client2
    ws = client.root / "ws"  # type: ignore[attr-defined]
    write_tree(ws, MODULES)
    (ws / "go.work").write_text(WORK_FILES[0])
    doc = Doc.open(client, ws / "go.work", WORK_FILES[0], language_id="go.work")
    checked = 0
    for text in WORK_FILES:
        doc.change(0, len(doc.text), text)
        actions = await use_actions(client, doc)
        model = parse_text(text, FileKind.WORK).model
        assert isinstance(model, WorkFile)
        want = [d for d in CANDIDATES if d not in {u.path for u in model.use}]
        assert [a.title for a in actions] == [f"Add {d} to the workspace (go work use)" for d in want], text
        for action, directory in zip(actions, want, strict=True):
            assert action.kind == "source.workUse" and action.edit is not None
            got = apply_text_edits(doc.text, doc_edits(client, action.edit, doc), doc.encoding)
            expected = run_go(ws, ["work", "use", directory], texts={"go.work": text}, collect=["go.work"])
            assert got == expected["go.work"], (text, directory)
            checked += 1
    assert checked == 32  # every candidate of every shape was compared


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_work_use_command(client2: LanguageClient) -> None:
    client = client2
    ws = client.root / "ws"  # type: ignore[attr-defined]
    write_tree(ws, MODULES)
    doc = Doc.open(client, ws / "go.work", WORK_FILES[1], language_id="go.work")
    expected = run_go(ws, ["work", "use", "./y/z"], collect=["go.work"])
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="gomodls.workUse", arguments=[str(ws / "go.work"), "./y/z"])
    )
    applied = await wait_until(lambda: client.applied, what="applyEdit")  # type: ignore[attr-defined]
    doc.apply(doc_edits(client, applied[0].edit, doc))
    assert doc.text == expected["go.work"]
    assert "go 1.23.1" in doc.text and "toolchain" not in doc.text


SYNC_TREE = {
    "go.work": "go 1.22\n\nuse (\n\t./x\n\t./y\n)\n",
    "x/go.mod": "module example.com/x\n\ngo 1.22\n\n// b, for x\nrequire example.com/b v1.0.0 // pinned\n",
    "x/x.go": 'package x\n\nimport _ "example.com/b"\n',
    "y/go.mod": "module example.com/y\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.1.0 // indirect\n)\n",
    "y/y.go": 'package y\n\nimport _ "example.com/a"\n',
}
SYNCED = ["go.work", "go.work.sum", "x/go.mod", "x/go.sum", "y/go.mod", "y/go.sum"]


def file_edits(client: LanguageClient, edit: types.WorkspaceEdit, path: Path) -> list[types.TextEdit]:
    """The edits to a file that is not open (on disk, version null)."""
    uri = path.as_uri()
    if client.profile in DOCUMENT_CHANGES:  # type: ignore[attr-defined]
        assert edit.document_changes is not None
        return [
            e
            for c in edit.document_changes
            if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == uri
            for e in c.edits
            if isinstance(e, types.TextEdit) and c.text_document.version is None
        ]
    assert edit.changes is not None
    return list(edit.changes.get(uri, []))


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_go_work_sync_edits_what_go_work_sync_writes(client2: LanguageClient) -> None:
    client = client2
    ws = client.root / "ws"  # type: ignore[attr-defined]
    write_tree(ws, SYNC_TREE)
    before = snapshot(ws)
    work = Doc.open(client, ws / "go.work", SYNC_TREE["go.work"], write=False, language_id="go.work")
    # y/go.mod is open with an unsaved edit: the sync starts from it.
    y = Doc.open(client, ws / "y" / "go.mod", SYNC_TREE["y/go.mod"], write=False)
    y.replace("go 1.22\n", "go 1.22\n\n// edited\n")
    expected = run_go(ws, ["work", "sync"], texts={"y/go.mod": y.text}, collect=SYNCED)
    assert expected["x/go.mod"] != SYNC_TREE["x/go.mod"]  # the sync has something to do

    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="gomodls.workSync", arguments=[str(ws / "go.work")])
    )
    applied = await wait_until(lambda: client.applied, what="applyEdit")  # type: ignore[attr-defined]
    edit = applied[0].edit
    assert applied[0].label == "go work sync"
    assert snapshot(ws) == before
    got: dict[str, str | None] = {}
    for rel in SYNCED:
        doc = {"go.work": work, "y/go.mod": y}.get(rel)
        if doc is not None:
            doc.apply(doc_edits(client, edit, doc))
            got[rel] = doc.text
            continue
        path = ws / rel
        old = path.read_text() if path.exists() else None
        edits = file_edits(client, edit, path)
        got[rel] = apply_text_edits(old or "", edits, work.encoding) if edits or old is not None else None
    assert got == expected
