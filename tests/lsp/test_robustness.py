"""The server never exits on bad input and answers empty for what it does not know: unknown and
unopened documents, changes to documents that were never opened, binary garbage in a go.mod,
positions outside the text, files it does not serve, CRLF line endings; a handler that fails
logs the error and answers an empty result."""

from __future__ import annotations

import json
import random
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import server_log
from .helpers import Doc, wait_until

GOOD = "module example.com/m\n\ngo 1.21\n\nrequire a.com/b v2.0.0\n"


async def every_request(
    client: LanguageClient, uri: str, line: int = 0, character: int = 0
) -> dict[str, object]:
    """Every request the server answers, for one document and position."""
    doc = types.TextDocumentIdentifier(uri=uri)
    pos = types.Position(line=line, character=character)
    rng = types.Range(types.Position(0, 0), pos)
    opts = types.FormattingOptions(tab_size=4, insert_spaces=False)
    return {
        "symbols": await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=doc)
        ),
        "folding": await client.text_document_folding_range_async(
            types.FoldingRangeParams(text_document=doc)
        ),
        "selection": await client.text_document_selection_range_async(
            types.SelectionRangeParams(text_document=doc, positions=[pos])
        ),
        "tokens": await client.text_document_semantic_tokens_full_async(
            types.SemanticTokensParams(text_document=doc)
        ),
        "tokens-range": await client.text_document_semantic_tokens_range_async(
            types.SemanticTokensRangeParams(text_document=doc, range=rng)
        ),
        "links": await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc)),
        "definition": await client.text_document_definition_async(
            types.DefinitionParams(text_document=doc, position=pos)
        ),
        "hover": await client.text_document_hover_async(types.HoverParams(text_document=doc, position=pos)),
        "formatting": await client.text_document_formatting_async(
            types.DocumentFormattingParams(text_document=doc, options=opts)
        ),
        "range-formatting": await client.text_document_range_formatting_async(
            types.DocumentRangeFormattingParams(text_document=doc, range=rng, options=opts)
        ),
        "actions": await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc, range=rng, context=types.CodeActionContext(diagnostics=[])
            )
        ),
    }


def empty(answer: object) -> bool:
    if isinstance(answer, types.SemanticTokens):
        return not answer.data
    return not answer


async def assert_alive(client: LanguageClient, root: Path, name: str) -> None:
    """A new document still gets diagnostics and answers."""
    doc = Doc.open(client, root / name / "go.mod", GOOD)
    assert [d.code for d in await doc.diagnostics()] == ["version-major-mismatch"]
    answers = await every_request(client, doc.uri, 4, 9)
    assert answers["symbols"] and answers["tokens"].data and answers["hover"]  # type: ignore[union-attr]


async def test_unknown_and_unopened_documents(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    on_disk = root / "closed" / "go.mod"
    on_disk.parent.mkdir()
    on_disk.write_text(GOOD)
    for uri in (on_disk.as_uri(), (root / "nowhere" / "go.mod").as_uri(), "untitled:Untitled-1", "file:///"):
        answers = await every_request(client, uri, 4, 9)
        assert {k: a for k, a in answers.items() if not empty(a)} == {}, uri

    # A change to a document that was never opened is ignored.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=on_disk.as_uri(), version=7),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="garbage\n")],
        )
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=on_disk.as_uri(), version=8),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(10, 0), types.Position(12, 5)), text="x"
                )
            ],
        )
    )
    await assert_alive(client, root, "after-change")
    assert all(p.uri != on_disk.as_uri() for p in client.published)  # type: ignore[attr-defined]
    assert all(empty(a) for a in (await every_request(client, on_disk.as_uri(), 4, 9)).values())

    # Files the server does not serve are not diagnosed, whatever their language id.
    other = Doc.open(client, root / "notes" / "README.md", "module nonsense\n", language_id="go.mod")
    await assert_alive(client, root, "after-readme")
    assert other.publications() == []
    assert all(empty(a) for a in (await every_request(client, other.uri)).values())


async def test_binary_garbage_does_not_stop_the_server(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    rng = random.Random(3)
    junk = bytes(rng.randrange(256) for _ in range(1500)).decode("latin-1")
    junk += '\x00\x01\ufffd\ufeff(\n)\n"\\`' + "".join(chr(rng.randrange(0x80, 0x3000)) for _ in range(300))
    for i, (name, text) in enumerate(
        [
            ("go.mod", junk),
            ("go.work", junk),
            ("go.sum", junk),
            ("go.mod", "\x00" * 1000),
            ("go.mod", "module (\n" * 100),
            ("go.mod", '"' * 5000),
            ("go.mod", "require (\n" + "\ta.com/b v1.0.0\n" * 300),
        ]
    ):
        doc = Doc.open(client, root / f"junk{i}" / name, text)
        await doc.diagnostics()
        lines = text.split("\n")
        for line in (0, len(lines) // 2, len(lines) + 5):
            await every_request(client, doc.uri, line, 3)
        # Edits anywhere, including outside the text.
        doc.change(0, 0, "\x00module \n")
        doc.send(
            [
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(len(lines) + 10, 0), types.Position(len(lines) + 20, 9)),
                    text="tail",
                )
            ]
        )
        await doc.diagnostics()
        doc.close()
    await assert_alive(client, root, "after-junk")


async def test_crlf_line_endings(client: LanguageClient) -> None:
    text = GOOD.replace("\n", "\r\n")
    doc = Doc.open(client, client.root / "go.mod", text)  # type: ignore[attr-defined]
    [diag] = await doc.diagnostics()
    assert doc.covered(diag.range) == "v2.0.0"
    doc.replace("v2.0.0", "v1.0.0")
    assert await doc.diagnostics() == []
    doc.replace("\r\ngo 1.21", "\r\ngo 1.21\r\nfoo")
    [diag] = await doc.diagnostics()
    assert (diag.code, doc.covered(diag.range)) == ("unknown-directive", "foo")


async def test_malformed_messages_do_not_stop_the_server(client: LanguageClient) -> None:
    for body in (
        "{not json",
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": "bad-1",
                "method": "textDocument/hover",
                "params": {"textDocument": {"uri": 5}, "position": {"line": "x"}},
            }
        ),
        json.dumps(
            {"jsonrpc": "2.0", "id": "bad-2", "method": "textDocument/documentSymbol", "params": None}
        ),
        json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": "file:///x/go.mod"}},
            }
        ),
        json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"contentChanges": 3}}),
    ):
        data = body.encode()
        stdin = client._server.stdin  # type: ignore[union-attr]
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        await stdin.drain()
    await assert_alive(client, client.root, "after-bad-messages")  # type: ignore[attr-defined]


async def test_a_failing_handler_logs_the_error_and_answers_empty(logged_client: LanguageClient) -> None:
    # failing_server.py makes document symbols (a plain handler) and completion (a coroutine)
    # raise for paths containing "fail-here".
    client = logged_client
    root: Path = client.root  # type: ignore[attr-defined]
    failing = Doc.open(client, root / "fail-here" / "go.mod", GOOD)
    await failing.diagnostics()
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=failing.ident)
    )
    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=failing.ident, position=failing.pos_of("a.com/b", 3))
    )
    assert (symbols, completion) == ([], None)
    await wait_until(lambda: "on_completion failed" in server_log(client), what="the log")
    logged = server_log(client)
    for name, what in (("symbols", "symbols of"), ("on_completion", "completion in")):
        at = logged.index(f"ERROR gomodls: {name} failed\nTraceback (most recent call last):")
        assert f"RuntimeError: made to fail by the test: {what} {failing.path}" in logged[at:], logged
    assert "DEBUG" not in logged  # the default level is info

    # The server goes on: the same document still gets diagnostics, other documents answers.
    failing.replace("v2.0.0", "v1.0.0")
    assert await failing.diagnostics() == []
    await assert_alive(client, root, "after-failure")
