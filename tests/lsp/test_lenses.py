"""Code lenses on go.mod and go.work, the same actions as source code actions (for clients
without lenses), the gomodls.codeLenses setting, and what the server announces."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .helpers import Doc

GO_MOD = "// header\nmodule example.com/m\n\ngo 1.22\n"
GO_WORK = "// header\n\ngo 1.22\n\nuse ./m\n"


async def lenses(client: LanguageClient, doc: Doc) -> list[tuple[int, str, str, list[object]]]:
    found = await client.text_document_code_lens_async(types.CodeLensParams(doc.ident))
    out = []
    for lens in found or []:
        assert lens.command is not None
        out.append(
            (
                lens.range.start.line,
                lens.command.title,
                lens.command.command,
                list(lens.command.arguments or []),
            )
        )
    return out


async def source_actions(client: LanguageClient, doc: Doc) -> list[tuple[str, str, str, list[object]]]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            doc.ident,
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source]),
        )
    )
    out = []
    for a in found or []:
        if isinstance(a, types.CodeAction) and a.command is not None:
            out.append((a.title, str(a.kind), a.command.command, list(a.command.arguments or [])))
    return out


async def test_lenses_and_the_same_source_actions(client: LanguageClient) -> None:
    root = client.root  # type: ignore[attr-defined]
    mod = Doc.open(client, root / "m" / "go.mod", GO_MOD)
    work = Doc.open(client, root / "go.work", GO_WORK, language_id="go.work")
    path = str(root / "m" / "go.mod")
    assert await lenses(client, mod) == [
        (1, "Check for upgrades", "gomodls.checkUpgrades", [path]),
        (1, "Tidy", "gomodls.tidy", [path]),
    ]
    assert await lenses(client, work) == [(2, "Sync", "gomodls.workSync", [str(root / "go.work")])]
    actions = await source_actions(client, mod)
    assert ("Check for module upgrades", "source.checkUpgrades", "gomodls.checkUpgrades", [path]) in actions
    assert ("Run go mod tidy", "source.tidy", "gomodls.tidy", [path]) in actions
    assert ("Run go work sync", "source.workSync", "gomodls.workSync", [str(root / "go.work")]) in (
        await source_actions(client, work)
    )

    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.code_lens_provider is not None
    kinds = caps.code_action_provider.code_action_kinds
    assert {"source.tidy", "source.workSync", "source.workUse", "source.checkUpgrades"} <= set(kinds)
    commands = caps.execute_command_provider.commands
    assert {"gomodls.tidy", "gomodls.workUse", "gomodls.workSync"} <= set(commands)


@pytest.mark.init_options({"codeLenses": False})
@pytest.mark.configuration({"codeLenses": False})
async def test_lenses_off_actions_stay(client2: LanguageClient) -> None:
    mod = Doc.open(client2, client2.root / "go.mod", GO_MOD)  # type: ignore[attr-defined]
    await mod.diagnostics()
    assert await lenses(client2, mod) == []
    titles = [t for t, *_ in await source_actions(client2, mod)]
    assert "Run go mod tidy" in titles and "Check for module upgrades" in titles
