from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient


async def test_diagnostics_on_open(client: LanguageClient) -> None:
    path = client.root / "go.mod"  # type: ignore[attr-defined]
    text = "module example.com/m\n\ngo 1.21\n\nrequire example.com/a v2.0.0\n\nfoo bar\n"
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="go.mod", version=1, text=text)
        )
    )
    await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 10)
    diags = client.diagnostics[uri]
    assert sorted(d.code for d in diags) == ["unknown-directive", "version-major-mismatch"]
