"""Column positions in the negotiated encoding (VS Code and Neovim 0.7: UTF-16, Neovim 0.11:
UTF-8, Emacs: UTF-32), with non-ASCII text (é is 1/2/1 units, 😀 is 2/4/1 units in
UTF-16/UTF-8/UTF-32) before the positions on the same line: diagnostics, incoming edits,
semantic tokens, hover, links and definition."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from .helpers import Doc, decode_tokens

TEXT = (
    "module example.com/m\n"
    "\n"
    "go 1.21\n"
    "\n"
    "// é😀 a comment with non-ASCII before the problems\n"
    'replace "a.com/é😀" v1.0.0 => ./x v1.0.0\n'
    'exclude "a.com/é😀" v1\n'
    "godebug é😀x=1\n"
    "require a.com/d v2.0.0 // 😀 é\n"
    "require a.com/z v1.0.0 // é\n"
    "replace a.com/z => ./dé😀/z // 😀\n"
)

# (code, line) -> (start, end) character offsets per encoding, counted by hand.
EXPECTED = {
    ("invalid-replacement", 5): {"utf-16": (30, 40), "utf-8": (33, 43), "utf-32": (29, 39)},  # ./x v1.0.0
    ("noncanonical-version", 6): {"utf-16": (20, 22), "utf-8": (23, 25), "utf-32": (19, 21)},
    ("unknown-godebug", 7): {"utf-16": (8, 12), "utf-8": (8, 15), "utf-32": (8, 11)},  # the key é😀x
    ("version-major-mismatch", 8): {"utf-16": (16, 22), "utf-8": (16, 22), "utf-32": (16, 22)},
}


async def test_positions_with_non_ascii_text(client: LanguageClient) -> None:
    enc: str = client.encoding  # type: ignore[attr-defined]
    # pygls takes the first encoding the client offers (none offered: UTF-16).
    assert client.init_result.capabilities.position_encoding == enc  # type: ignore[attr-defined]
    root = client.root  # type: ignore[attr-defined]
    (root / "dé😀" / "z").mkdir(parents=True)
    (root / "dé😀" / "z" / "go.mod").write_text("module a.com/z\n")
    doc = Doc.open(client, root / "go.mod", TEXT)
    diags = await doc.diagnostics()
    got = {
        (d.code, d.range.start.line): (d.range.start.character, d.range.end.character)
        for d in diags
        if d.range.start.line == d.range.end.line
    }
    assert got == {key: value[enc] for key, value in EXPECTED.items()}
    assert doc.covered(next(d.range for d in diags if d.code == "noncanonical-version")) == "v1"

    # Incoming positions are read in the same encoding: edit right after the emoji.
    doc.replace('"a.com/é😀" v1\n', '"a.com/é😀" v1.0.0\n')
    doc.change(doc.text.index("x=1"), doc.text.index("x=1") + 1, "")  # godebug é😀=1
    diags = await doc.diagnostics()
    assert "noncanonical-version" not in [d.code for d in diags]
    [godebug] = [d for d in diags if d.code == "unknown-godebug"]
    assert godebug.message == 'unknown godebug "é😀"'
    assert godebug.range.end.character == {"utf-16": 11, "utf-8": 14, "utf-32": 10}[enc]  # after é😀

    # Semantic tokens: the directory and version after the non-ASCII path on line 5.
    legend = client.init_result.capabilities.semantic_tokens_provider.legend  # type: ignore[attr-defined]
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc.ident)
    )
    tokens = decode_tokens(result.data, legend)
    start_x = {"utf-16": 30, "utf-8": 33, "utf-32": 29}[enc]
    path_len = {"utf-16": 11, "utf-8": 14, "utf-32": 10}[enc]
    assert [t for t in tokens if t[0] == 5] == [
        (5, 0, 7, "keyword", []),
        (5, 8, path_len, "namespace", []),
        (5, 8 + path_len + 1, 6, "number", []),
        (5, 8 + path_len + 8, 2, "operator", []),
        (5, start_x, 3, "namespace", []),  # a directory with a version is not a directory
        (5, start_x + 4, 6, "number", []),
    ]
    dir_len, comment_start, comment_len = {"utf-16": (8, 28, 5), "utf-8": (11, 31, 7), "utf-32": (7, 27, 4)}[
        enc
    ]
    assert [t for t in tokens if t[0] == 10] == [
        (10, 0, 7, "keyword", []),
        (10, 8, 7, "namespace", []),
        (10, 16, 2, "operator", []),
        (10, 19, dir_len, "string", []),
        (10, comment_start, comment_len, "comment", []),
    ]

    # Hover on the quoted path: its range ends after the emoji.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc.ident, position=doc.pos_of('"a.com/é😀" v1.0.0 =>', 3))
    )
    assert hover is not None and hover.range is not None
    assert (hover.range.start.character, hover.range.end.character) == (8, 8 + path_len)

    # The replacement directory with non-ASCII in its name: link and definition.
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc.ident))
    gomod_uri = (root / "dé😀" / "z" / "go.mod").as_uri()
    [link] = [lk for lk in links if lk.target == gomod_uri]
    assert doc.covered(link.range) == "./dé😀/z"
    assert (link.range.start.character, link.range.end.character) == (19, 19 + dir_len)
    found = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc.ident, position=doc.pos_of("./dé😀/z", 6))
    )
    assert [loc.uri for loc in found] == [gomod_uri]
