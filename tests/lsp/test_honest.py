"""Honest answers when the module graph or the proxies' answers are incomplete (GOPROXY=off,
an empty module cache: nothing can be fetched): "Check for upgrades" says which modules could not
be checked and why, hover marks a selection computed from an incomplete graph, shows Go's
multi-line errors whole, and never calls a go.sum line unneeded on a graph that is missing
modules."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from .helpers import Doc, wait_until

GO_MOD = "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.1.0\n\texample.com/b v1.0.0\n)\n"
GO_SUM = (
    "example.com/a v1.1.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    "example.com/a v1.1.0/go.mod h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=\n"
)


async def hover_text(client: LanguageClient, doc: Doc, needle: str, delta: int = 2) -> str:
    result = await client.text_document_hover_async(types.HoverParams(doc.ident, doc.pos_of(needle, delta)))
    return result.contents.value if result is not None else ""  # type: ignore[union-attr]


async def hover_until(client: LanguageClient, doc: Doc, needle: str, want: str, delta: int = 2) -> str:
    text = ""

    async def has() -> bool:
        nonlocal text
        text = await hover_text(client, doc, needle, delta)
        return want in text

    for _ in range(100):
        if await has():
            return text
        await asyncio.sleep(0.1)
    raise AssertionError(f"hover never said {want!r}: {text}")


async def test_check_for_upgrades_says_what_could_not_be_checked(
    client2: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "go.mod").write_text(GO_MOD)
    got = await client2.workspace_execute_command_async(
        types.ExecuteCommandParams(command="gomodls.checkUpgrades", arguments=[str(tmp_path / "go.mod")])
    )
    assert got == []
    [message] = await wait_until(
        lambda: [m for m in client2.messages if "gomodls: " in m.message and "check" in m.message]
    )
    assert message.message == (
        "gomodls: could not check example.com/a, example.com/b (module lookup disabled by GOPROXY=off)"
    )
    assert "up to date" not in message.message


async def test_hover_marks_a_selection_from_an_incomplete_graph(
    client2: LanguageClient, tmp_path: Path
) -> None:
    doc = Doc.open(client2, tmp_path / "go.mod", GO_MOD)
    text = await hover_until(client2, doc, "example.com/a", "selected")
    assert "selected: `v1.1.0` _(from an incomplete module graph)_" in text
    assert "_module graph incomplete:_ module lookup disabled by GOPROXY=off" in text


async def test_hover_shows_go_errors_whole(client2: LanguageClient, tmp_path: Path) -> None:
    broken = GO_MOD.replace("go 1.22", "go 1.22\nrequire example.com/c\nbogus directive")
    doc = Doc.open(client2, tmp_path / "go.mod", broken)
    await doc.diagnostics()
    text = await hover_until(client2, doc, "example.com/a", "module graph unavailable")
    # as `go list -m` run beside go.mod says it: the file named relative to that directory
    assert (
        "_module graph unavailable:_ errors parsing go.mod:\n```\n"
        "go.mod:4: usage: require module/path v1.2.3\ngo.mod:5: unknown directive: bogus\n```"
    ) in text


async def test_go_sum_hover_never_calls_a_needed_line_unneeded(
    client2: LanguageClient, tmp_path: Path
) -> None:
    Doc.open(client2, tmp_path / "go.mod", GO_MOD)
    sums = Doc.open(client2, tmp_path / "go.sum", GO_SUM, language_id="go.sum")
    text = await hover_until(client2, sums, "example.com/a v1.1.0/go.mod", "unknown", delta=2)
    assert "go.mod requires this version" in text
    assert "not needed" not in text
    assert "the graph is incomplete" in text
