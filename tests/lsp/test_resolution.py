"""The module graph in the editor, against a file:// module proxy: hover with the selected
version and why, newer versions, retractions and deprecations; inlay hints."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from gomodls.module.sumhash import go_mod_hash
from goproxy import ProxyDir

from .helpers import Doc

PROXY_ROOT = Path(tempfile.mkdtemp(prefix="gomodls-lsp-proxy-"))
atexit.register(shutil.rmtree, PROXY_ROOT, ignore_errors=True)
PROXY = ProxyDir(PROXY_ROOT)
PROXY.add(
    "example.com/a",
    "v1.0.0",
    "module example.com/a\n\ngo 1.21\n\nrequire example.com/b v1.2.0\n",
    time="2023-05-06T07:08:09Z",
)
PROXY.add("example.com/b", "v1.0.0", "module example.com/b\n\ngo 1.21\n")
PROXY.add("example.com/b", "v1.2.0", "module example.com/b\n\ngo 1.22\n", time="2024-02-03T04:05:06Z")
PROXY.add("example.com/b", "v1.2.1", "module example.com/b\n\ngo 1.22\n")
PROXY.add(
    "example.com/b",
    "v1.3.0",
    "// Deprecated: use example.com/c instead.\nmodule example.com/b\n\ngo 1.22\n\n// broken build\nretract v1.2.0\n",
)
PROXY.add("example.com/b/v2", "v2.4.0", "module example.com/b/v2\n\ngo 1.22\n")
SETTINGS = {"env": {"GOPROXY": PROXY.url, "GOFLAGS": "-mod=mod", "GONOSUMDB": "*", "GOPRIVATE": ""}}

GO_MOD = """module example.com/m

go 1.22

require (
\texample.com/a v1.0.0
\texample.com/b v1.0.0
)
"""


async def hover_text(client: LanguageClient, doc: Doc, needle: str) -> str:
    result = await client.text_document_hover_async(types.HoverParams(doc.ident, doc.pos_of(needle, 2)))
    return result.contents.value if result is not None else ""  # type: ignore[union-attr]


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_hover_shows_the_selected_version_and_why(client2: LanguageClient, tmp_path: Path) -> None:
    doc = Doc.open(client2, tmp_path / "go.mod", GO_MOD)
    text = await hover_until(client2, doc, "example.com/b", "selected: **v1.2.0**")
    assert "required: `v1.0.0`" in text
    assert "selected: **v1.2.0**, required by example.com/a@v1.0.0" in text
    assert "published 2024-02-03" in text
    assert "needs go 1.22" in text
    text = await hover_until(client2, doc, "example.com/b", "latest")
    assert "latest **v1.3.0**" in text and "patch v1.0.0" not in text
    text = await hover_until(client2, doc, "example.com/b", "deprecated")
    assert "⚠ `v1.2.0` retracted by module author: broken build" in text
    assert "⚠ deprecated: use example.com/c instead." in text
    text = await hover_until(client2, doc, "example.com/b", "newer major")
    assert "newer major version: `example.com/b/v2` v2.4.0" in text

    hints = await client2.text_document_inlay_hint_async(
        types.InlayHintParams(doc.ident, types.Range(types.Position(0, 0), types.Position(10, 0)))
    )
    assert [(h.position.line, h.label) for h in hints or []] == [(6, "→ v1.2.0")]
    assert "rather than go.mod's version v1.0.0" in str(hints[0].tooltip)  # type: ignore[index]
    caps = client2.capabilities.workspace  # type: ignore[attr-defined]
    if caps and caps.inlay_hint and caps.inlay_hint.refresh_support:
        assert types.WORKSPACE_INLAY_HINT_REFRESH in client2.refreshes  # type: ignore[attr-defined]


async def hover_until(client: LanguageClient, doc: Doc, needle: str, want: str, timeout: float = 20) -> str:
    """Hover repeatedly until the text contains `want` (the graph and facts load in the background)."""
    deadline = asyncio.get_running_loop().time() + timeout
    text = ""
    while asyncio.get_running_loop().time() < deadline:
        text = await hover_text(client, doc, needle)
        if want in text:
            return text
        await asyncio.sleep(0.05)
    raise AssertionError(f"hover never showed {want!r}; last:\n{text}")


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_go_sum_hover_says_whether_the_graph_needs_the_line(
    client2: LanguageClient, tmp_path: Path
) -> None:
    h = "h1:" + "A" * 43 + "="  # (zip hashes are not checked without the zips)

    def mod_hash(path: str, version: str) -> str:
        return go_mod_hash((PROXY_ROOT / path / "@v" / f"{version}.mod").read_bytes())

    sums = (
        f"example.com/a v1.0.0/go.mod {mod_hash('example.com/a', 'v1.0.0')}\n"
        f"example.com/b v1.0.0 {h}\n"
        f"example.com/b v1.2.0 {h}\n"
        f"example.com/zzz v1.0.0/go.mod {h}\n"
    )
    (tmp_path / "go.mod").write_text(GO_MOD)
    doc = Doc.open(client2, tmp_path / "go.sum", sums)
    text = await hover_until(client2, doc, "example.com/a v1.0.0/go.mod", "the module graph reads")
    assert text.endswith("the module graph reads this go.mod")
    text = await hover_text(client2, doc, "example.com/b v1.2.0 h1")
    assert text.endswith("in the build list")
    text = await hover_text(client2, doc, "example.com/b v1.0.0 h1")
    assert text.endswith(
        "not needed by the module graph (the build list has v1.2.0): `go mod tidy` would remove it"
    )
    text = await hover_text(client2, doc, "example.com/zzz")
    assert "not needed by the module graph: `go mod tidy` would remove it" in text


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_an_edit_re_resolves(client2: LanguageClient, tmp_path: Path) -> None:
    """Raising a requirement above what the graph selects removes the hint; the hover follows."""
    doc = Doc.open(client2, tmp_path / "go.mod", GO_MOD)
    await hover_until(client2, doc, "example.com/b", "selected: **v1.2.0**")
    doc.replace("example.com/b v1.0.0", "example.com/b v1.2.1")
    text = await hover_until(client2, doc, "example.com/b", "selected: `v1.2.1`")
    assert "required: `v1.2.1`" in text and "from before the last edit" not in text
    hints = await client2.text_document_inlay_hint_async(
        types.InlayHintParams(doc.ident, types.Range(types.Position(0, 0), types.Position(10, 0)))
    )
    assert not hints
