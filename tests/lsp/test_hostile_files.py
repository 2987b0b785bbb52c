"""Files a hostile or broken workspace puts where gomodls reads: a go.sum that is a FIFO, a
symlink to /dev/stdin or /dev/zero, a go env file that is a FIFO. The server reads regular
files only (stat first, size-capped, opened without blocking): it keeps answering hover and
symbols on the go.mod beside them within their budget, and reports nothing it did not read."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from gomodls.base.files import NotRegular, read_regular, read_regular_text

from .helpers import Doc

GO_MOD = "module example.com/m\n\ngo 1.21\n\nrequire example.com/a v1.0.0\n"
BUDGET = 2.0  # seconds for a hover or symbols request (an idle server answers in milliseconds)


def hostile_sum(directory: Path, kind: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "go.sum"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(kind)


@pytest.mark.parametrize("kind", ["fifo", "/dev/stdin", "/dev/zero"])
def test_read_regular_refuses_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    hostile_sum(tmp_path, kind)
    started = time.monotonic()
    with pytest.raises(NotRegular):
        read_regular(str(tmp_path / "go.sum"))
    assert read_regular_text(str(tmp_path / "go.sum")) is None
    assert time.monotonic() - started < 1.0


def test_read_regular_caps_the_size(tmp_path: Path) -> None:
    big = tmp_path / "go.sum"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(NotRegular, match="too large"):
        read_regular(str(big), limit=1000)
    assert read_regular(str(big), limit=1001) == b"x" * 1001


async def timed(coro: object) -> tuple[object, float]:
    started = time.monotonic()
    result = await asyncio.wait_for(coro, BUDGET * 5)  # type: ignore[arg-type]
    return result, time.monotonic() - started


@pytest.mark.parametrize("kind", ["fifo", "/dev/stdin", "/dev/zero"])
async def test_a_go_sum_that_is_not_a_file_does_not_freeze_the_server(
    client: LanguageClient, kind: str
) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    hostile_sum(root / "m", kind)
    doc = Doc.open(client, root / "m" / "go.mod", GO_MOD)
    await doc.diagnostics()
    hover, took = await timed(
        client.text_document_hover_async(types.HoverParams(doc.ident, doc.pos_of("example.com/a", 3)))
    )
    assert took < BUDGET and hover is not None
    symbols, took = await timed(
        client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc.ident))
    )
    assert took < BUDGET and symbols
    # go.sum is read as missing: the hover says so, no diagnostic claims what it holds.
    assert "go.sum: none" in str(hover)
    # Opened next to it, the go.sum document itself still works (its text is the editor's).
    other = Doc.open(client, root / "other" / "go.mod", GO_MOD)
    assert (await doc.diagnostics()) is not None and (await other.diagnostics()) is not None
