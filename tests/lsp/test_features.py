"""The editor features end to end, under the four client profiles (VS Code and Neovim 0.7: UTF-16;
Neovim 0.11: UTF-8; Emacs: UTF-32; documentChanges or `changes`): document symbols, folding and selection ranges, semantic tokens (full and range),
document links, go-to-definition, formatting and range formatting (checked against the real
`go mod edit -print`), the "Format file" and "Sort blocks" source actions, hover."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from gomodls.module.sumhash import go_mod_hash
from oracle import oracle_fixture  # noqa: F401

from .helpers import Doc, apply_text_edits, decode_tokens, edits_for

FEATURES = """// Deprecated: use example.com/m2 instead.
module example.com/m

go 1.23

toolchain go1.23.4

godebug (
\tpanicnil=1
\tx509sha1=0
)

// Requirements (see https://go.dev/ref/mod#go-mod-file-require).
// Two lines of comment: é😀
require (
\tgolang.org/x/text v0.14.0
\texample.com/a v1.0.0
\tprivate.example.com/p v1.2.3 // indirect
)

exclude golang.org/x/text v0.13.0

replace (
\texample.com/a => ./a
\tgolang.org/x/net v0.1.0 => golang.org/x/net v0.2.0
)

// Oops.
retract [v1.0.0, v1.0.5]

tool golang.org/x/text/cmd/gotext
"""

UNFORMATTED = """module   example.com/m // é😀
go 1.21
require (
    golang.org/x/text v0.14.0
  example.com/a    v1.0.0 // c
\tgolang.org/x/net v0.2.0
)



exclude golang.org/x/text v0.13
replace example.com/a  =>  ./a
"""


def setup_workspace(root: Path) -> Doc | None:
    (root / "a").mkdir()
    (root / "a" / "go.mod").write_text("module example.com/a\n\ngo 1.21\n")
    return None


# --------------------------------------------------------------------------- structure


async def test_symbols_folding_selection(client: LanguageClient) -> None:
    setup_workspace(client.root)  # type: ignore[attr-defined]
    doc = Doc.open(client, client.root / "go.mod", FEATURES)  # type: ignore[attr-defined]
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc.ident)
    )
    K = types.SymbolKind
    assert [(s.name, s.kind, s.detail) for s in symbols] == [
        ("example.com/m", K.Module, None),
        ("go 1.23", K.Property, None),
        ("toolchain go1.23.4", K.Property, None),
        ("godebug", K.Namespace, "2 lines"),
        ("require", K.Namespace, "3 lines"),
        ("golang.org/x/text", K.Package, "v0.13.0"),
        ("replace", K.Namespace, "2 lines"),
        ("[ v1.0.0 , v1.0.5 ]", K.Event, None),
        ("golang.org/x/text/cmd/gotext", K.Function, None),
    ]
    require = symbols[4]
    assert [(c.name, c.kind, c.detail) for c in require.children] == [
        ("golang.org/x/text", K.Package, "v0.14.0"),
        ("example.com/a", K.Package, "v1.0.0"),
        ("private.example.com/p", K.Package, "v1.2.3 // indirect"),
    ]
    assert [(c.name, c.detail) for c in symbols[6].children] == [
        ("example.com/a", "=> ./a"),
        ("golang.org/x/net v0.1.0", "=> golang.org/x/net v0.2.0"),
    ]
    assert [c.name for c in symbols[3].children] == ["panicnil=1", "x509sha1=0"]
    assert (
        doc.covered(require.range)
        == FEATURES[FEATURES.index("require (") : FEATURES.index(")\n\nexclude") + 1]
    )
    assert doc.covered(require.children[2].selection_range) == "private.example.com/p"
    assert doc.covered(symbols[0].selection_range) == "example.com/m"
    for s in symbols:  # the selection range is inside the range
        assert (s.range.start.line, s.range.start.character) <= (
            s.selection_range.start.line,
            s.selection_range.start.character,
        )
        assert (s.selection_range.end.line, s.selection_range.end.character) <= (
            s.range.end.line,
            s.range.end.character,
        )

    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc.ident))
    assert sorted((f.start_line, f.end_line, f.kind) for f in folds) == [
        (7, 9, "region"),  # godebug ( ... ) keeps its closing parenthesis visible
        (12, 13, "comment"),
        (14, 17, "region"),
        (22, 24, "region"),
    ]

    chain = await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=doc.ident, positions=[doc.pos_of("example.com/a v1.0.0", 3)])
    )
    ranges = []
    node = chain[0]
    while node is not None:
        ranges.append(doc.covered(node.range))
        node = node.parent
    assert ranges[:2] == ["example.com/a", "example.com/a v1.0.0"]
    assert ranges[2].startswith("// Requirements") and ranges[2].endswith(")")
    assert ranges[-1] == FEATURES  # the whole file


# --------------------------------------------------------------------------- semantic tokens


async def test_semantic_tokens(client: LanguageClient) -> None:
    doc = Doc.open(client, client.root / "go.mod", FEATURES)  # type: ignore[attr-defined]
    legend = client.init_result.capabilities.semantic_tokens_provider.legend  # type: ignore[attr-defined]
    full = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc.ident)
    )
    lines = FEATURES.split("\n")

    def text_of(line: int, start: int, length: int) -> str:
        rng = types.Range(types.Position(line, start), types.Position(line, start + length))
        return doc.covered(rng)

    tokens = [
        (ln, text_of(ln, s, n), kind, mods) for ln, s, n, kind, mods in decode_tokens(full.data, legend)
    ]
    by_line: dict[int, list[tuple[str, str, list[str]]]] = {}
    for ln, text, kind, mods in tokens:
        by_line.setdefault(ln, []).append((text, kind, mods))
    assert by_line[0] == [(lines[0], "comment", [])]
    assert by_line[1] == [("module", "keyword", []), ("example.com/m", "namespace", ["deprecated"])]
    assert by_line[3] == [("go", "keyword", []), ("1.23", "number", [])]
    assert by_line[5] == [("toolchain", "keyword", []), ("go1.23.4", "number", [])]
    assert by_line[7] == [("godebug", "keyword", []), ("(", "operator", [])]
    assert by_line[8] == [("panicnil", "property", []), ("=", "operator", []), ("1", "variable", [])]
    assert by_line[10] == [(")", "operator", [])]
    assert by_line[13] == [("// Two lines of comment: é😀", "comment", [])]
    assert by_line[17] == [
        ("private.example.com/p", "namespace", []),
        ("v1.2.3", "number", []),
        ("// indirect", "comment", []),
    ]
    assert by_line[23] == [("example.com/a", "namespace", []), ("=>", "operator", []), ("./a", "string", [])]
    assert by_line[24] == [
        ("golang.org/x/net", "namespace", []),
        ("v0.1.0", "number", []),
        ("=>", "operator", []),
        ("golang.org/x/net", "namespace", []),
        ("v0.2.0", "number", []),
    ]
    assert by_line[28] == [
        ("retract", "keyword", []),
        ("[", "operator", []),
        ("v1.0.0", "number", []),
        (",", "operator", []),
        ("v1.0.5", "number", []),
        ("]", "operator", []),
    ]
    assert by_line[30] == [("tool", "keyword", []), ("golang.org/x/text/cmd/gotext", "namespace", [])]
    assert set(by_line) == {
        0,
        1,
        3,
        5,
        7,
        8,
        9,
        10,
        12,
        13,
        14,
        15,
        16,
        17,
        18,
        20,
        22,
        23,
        24,
        25,
        27,
        28,
        30,
    }

    # A range request answers the tokens of its lines, encoded from the first of them.
    ranged = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(
            text_document=doc.ident, range=types.Range(types.Position(13, 0), types.Position(17, 0))
        )
    )
    expected = [t for t in decode_tokens(full.data, legend) if 13 <= t[0] <= 17]
    assert decode_tokens(ranged.data, legend) == expected


# --------------------------------------------------------------------------- links and definition


@pytest.mark.init_options({"env": {"GOPRIVATE": "private.example.com"}})
async def test_links_and_definition(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    setup_workspace(root)
    (root / "b").mkdir()  # a directory without go.mod
    text = FEATURES.replace("tool golang", "ignore ./b\n\ntool golang")
    doc = Doc.open(client, root / "go.mod", text)
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc.ident))
    got = sorted((doc.covered(lk.range), lk.target) for lk in links)
    assert got == sorted(
        [
            ("example.com/m", "https://pkg.go.dev/example.com/m"),
            ("golang.org/x/text", "https://pkg.go.dev/golang.org/x/text@v0.14.0"),
            ("example.com/a", "https://pkg.go.dev/example.com/a@v1.0.0"),
            ("golang.org/x/text", "https://pkg.go.dev/golang.org/x/text@v0.13.0"),
            ("golang.org/x/text/cmd/gotext", "https://pkg.go.dev/golang.org/x/text/cmd/gotext"),
            ("example.com/a", "https://pkg.go.dev/example.com/a"),
            ("./a", (root / "a" / "go.mod").as_uri()),
            ("./b", (root / "b").as_uri()),
            ("golang.org/x/net", "https://pkg.go.dev/golang.org/x/net@v0.1.0"),
            ("golang.org/x/net", "https://pkg.go.dev/golang.org/x/net@v0.2.0"),
            ("https://go.dev/ref/mod#go-mod-file-require", "https://go.dev/ref/mod#go-mod-file-require"),
        ]
    )
    assert not any("private.example.com" in (lk.target or "") for lk in links)  # GOPRIVATE

    async def definition(d: Doc, needle: str, delta: int = 1) -> list[str]:
        found = await client.text_document_definition_async(
            types.DefinitionParams(text_document=d.ident, position=d.pos_of(needle, delta))
        )
        if isinstance(found, types.Location):
            found = [found]
        return [loc.uri for loc in found or []]

    a_gomod = (root / "a" / "go.mod").as_uri()
    assert await definition(doc, "./a") == [a_gomod]  # a replacement directory
    assert await definition(doc, "example.com/a v1.0.0") == [a_gomod]  # a module replaced by a directory
    assert await definition(doc, "golang.org/x/text v0.14.0") == []
    assert await definition(doc, "./b") == []  # no go.mod there
    assert await definition(doc, "go 1.23") == []

    # go.work: use -> the module's go.mod; a workspace module's path -> its go.mod.
    (root / "c").mkdir()
    (root / "c" / "go.mod").write_text("module example.com/c\n\ngo 1.21\n")
    work = Doc.open(
        client, root / "go.work", "go 1.21\n\nuse (\n\t./a\n\t./c\n)\n\nreplace example.com/c v1.0.0 => ./c\n"
    )
    c_gomod = (root / "c" / "go.mod").as_uri()
    assert await definition(work, "./a") == [a_gomod]
    assert await definition(work, "./c\n)") == [c_gomod]
    assert await definition(work, "example.com/c v1.0.0") == [c_gomod]
    work_links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=work.ident)
    )
    assert sorted((work.covered(lk.range), lk.target) for lk in work_links) == sorted(
        [
            ("./a", a_gomod),
            ("./c", c_gomod),
            ("./c", c_gomod),
            ("example.com/c", "https://pkg.go.dev/example.com/c@v1.0.0"),
        ]
    )
    user = Doc.open(
        client,
        root / "c" / "go.mod",
        "module example.com/c\n\ngo 1.21\n\nrequire example.com/a v0.0.0\n",
        write=False,
    )
    assert await definition(user, "example.com/a") == [a_gomod]
    assert await definition(user, "example.com/c") == []  # itself

    # go.sum lines link to their module versions.
    s = Doc.open(client, root / "go.sum", f"golang.org/x/text v0.14.0/go.mod {go_mod_hash(b'x')}\n")
    sum_links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=s.ident)
    )
    assert [(s.covered(lk.range), lk.target) for lk in sum_links] == [
        ("golang.org/x/text", "https://pkg.go.dev/golang.org/x/text@v0.14.0")
    ]


@pytest.mark.init_options({"env": {"GONOPROXY": "private.example.com,*.corp.example"}})
async def test_no_links_for_modules_matching_gonoproxy(client: LanguageClient) -> None:
    # GONOPROXY alone (GOPRIVATE unset) hides them as GOPRIVATE does; GONOSUMDB does not.
    text = (
        "module example.com/m\n\ngo 1.21\n\nrequire (\n\tprivate.example.com/p v1.2.3\n"
        "\tgit.corp.example/x/y v1.0.0\n\tgolang.org/x/text v0.14.0\n)\n"
    )
    doc = Doc.open(client, client.root / "go.mod", text)  # type: ignore[attr-defined]
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc.ident))
    assert sorted((doc.covered(lk.range), lk.target) for lk in links) == [
        ("example.com/m", "https://pkg.go.dev/example.com/m"),
        ("golang.org/x/text", "https://pkg.go.dev/golang.org/x/text@v0.14.0"),
    ]


@pytest.mark.init_options({"env": {"GONOSUMDB": "private.example.com"}})
async def test_gonosumdb_alone_keeps_the_links(client: LanguageClient) -> None:
    text = "module example.com/m\n\ngo 1.21\n\nrequire private.example.com/p v1.2.3\n"
    doc = Doc.open(client, client.root / "go.mod", text)  # type: ignore[attr-defined]
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc.ident))
    assert ("private.example.com/p", "https://pkg.go.dev/private.example.com/p@v1.2.3") in [
        (doc.covered(lk.range), lk.target) for lk in links
    ]


# --------------------------------------------------------------------------- quick fixes


async def test_each_quick_fix_carries_the_diagnostic_it_fixes(client: LanguageClient) -> None:
    # Two findings of one code in the range asked about: each fix names its own diagnostic.
    text = "module example.com/m\n\ngo 1.21\n\nrequire (\n\ta.com/b v1.2\n\ta.com/c v1.3 // é😀\n)\n"
    doc = Doc.open(client, client.root / "go.mod", text)  # type: ignore[attr-defined]
    diags = await doc.diagnostics()
    assert [(d.code, doc.covered(d.range)) for d in diags] == [
        ("noncanonical-version", "v1.2"),
        ("noncanonical-version", "v1.3"),
    ]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident,
            range=types.Range(diags[0].range.start, diags[1].range.end),
            context=types.CodeActionContext(diagnostics=list(reversed(diags))),
        )
    )
    fixes = {
        a.title: list(a.diagnostics or []) for a in actions or [] if a.kind == types.CodeActionKind.QuickFix
    }
    assert fixes == {"Use v1.2.0": [diags[0]], "Use v1.3.0": [diags[1]]}
    # A diagnostic the client did not send is not attached (none of this code at that range).
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident,
            range=diags[1].range,
            context=types.CodeActionContext(diagnostics=[diags[0]]),
        )
    )
    assert [(a.title, a.diagnostics) for a in actions or [] if a.kind == types.CodeActionKind.QuickFix] == [
        ("Use v1.3.0", None)
    ]


# --------------------------------------------------------------------------- formatting


async def test_formatting_is_go_mod_edit_print(client: LanguageClient, oracle) -> None:  # type: ignore[no-untyped-def]
    root: Path = client.root  # type: ignore[attr-defined]
    opts = types.FormattingOptions(tab_size=8, insert_spaces=False)
    expected = oracle.edit_print(UNFORMATTED).stdout_text
    assert expected and expected != UNFORMATTED

    doc = Doc.open(client, root / "go.mod", UNFORMATTED)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc.ident, options=opts)
    )
    assert edits
    assert apply_text_edits(doc.text, edits, doc.encoding) == expected
    unchanged_first = UNFORMATTED.split("\n")[0]

    # Range formatting touches the statements in the range only (the require block here).
    block = doc.range_of("require (\n    golang.org/x/text v0.14.0\n")
    ranged = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=doc.ident,
            range=types.Range(
                types.Position(block.start.line + 1, 2), types.Position(block.start.line + 1, 3)
            ),
            options=opts,
        )
    )
    assert ranged
    for e in ranged:
        assert e.range.start.line >= 2 and e.range.end.line <= 7, e
    doc.apply(ranged)
    assert doc.text == (
        f"{unchanged_first}\ngo 1.21\n\nrequire (\n\texample.com/a v1.0.0 // c\n\tgolang.org/x/net v0.2.0\n"
        "\tgolang.org/x/text v0.14.0\n)\n\n\n\nexclude golang.org/x/text v0.13\nreplace example.com/a  =>  ./a\n"
    )
    await doc.diagnostics()

    # The rest through the "Format file" source action: the same bytes as go mod edit -print.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident,
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source]),
        )
    )
    titles = {a.title: a for a in actions}
    # No quick fixes, no sorting (the blocks are in order already); the go command's actions.
    assert set(titles) == {"Format file", "Run go mod tidy", "Check for module upgrades"}
    assert titles["Format file"].kind == "source.format"
    doc.apply(edits_for(client, titles["Format file"].edit, doc))
    assert doc.text == expected
    assert not await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc.ident, options=opts)
    )

    # go.work: go work edit -print.
    work_text = "go   1.21\nuse (\n  ./b\n ./a\n)\nreplace  example.com/x => ./x // é\n"
    (root / "a").mkdir()
    (root / "b").mkdir()
    work = Doc.open(client, root / "go.work", work_text)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=work.ident, options=opts)
    )
    assert (
        apply_text_edits(work_text, edits, work.encoding) == oracle.edit_print(work_text, "work").stdout_text
    )

    # A file that does not parse is not formatted (go mod edit refuses it too).
    broken = Doc.open(client, root / "broken" / "go.mod", "module  example.com/m\nrequire (\n")
    assert oracle.edit_print(broken.text).rc == 1
    assert not await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=broken.ident, options=opts)
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=broken.ident,
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source]),
        )
    )
    assert not actions


async def test_sort_blocks_action(client: LanguageClient, oracle) -> None:  # type: ignore[no-untyped-def]
    text = (
        "module example.com/m\n\ngo 1.21\n\nrequire (\n"
        "\t// z is last\n\tz.com/z v1.0.0\n\ta.com/a v1.0.0 // é😀\n\n\tm.com/m v1.0.0\n)\n\n"
        "exclude (\n\tb.com/b v1.0.0\n\ta.com/a v1.1.0\n)\n"
    )
    doc = Doc.open(client, client.root / "go.mod", text)  # type: ignore[attr-defined]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident,
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.sortBlocks"]),
        )
    )
    assert [(a.title, a.kind) for a in actions] == [("Sort blocks", "source.sortBlocks")]
    doc.apply(edits_for(client, actions[0].edit, doc))
    assert doc.text == (
        "module example.com/m\n\ngo 1.21\n\nrequire (\n"
        "\ta.com/a v1.0.0 // é😀\n\n\tm.com/m v1.0.0\n\t// z is last\n\tz.com/z v1.0.0\n)\n\n"
        "exclude (\n\ta.com/a v1.1.0\n\tb.com/b v1.0.0\n)\n"
    )
    # Sorted, the file formats to what the go command prints for the original.
    opts = types.FormattingOptions(tab_size=8, insert_spaces=False)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc.ident, options=opts)
    )
    assert apply_text_edits(doc.text, edits, doc.encoding) == oracle.edit_print(text).stdout_text


# --------------------------------------------------------------------------- hover


async def test_hover_follows_what_it_shows(client: LanguageClient) -> None:
    """A hover is remembered for the document's version, and computed again when what it shows
    changes: here go.sum, written on disk and announced as a watched file change."""
    root: Path = client.root  # type: ignore[attr-defined]
    text = "module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/text v0.14.0\n"
    doc = Doc.open(client, root / "go.mod", text)

    async def hover() -> str:
        h = await client.text_document_hover_async(
            types.HoverParams(text_document=doc.ident, position=doc.pos_of("golang.org/x/text", 1))
        )
        assert h is not None and isinstance(h.contents, types.MarkupContent)
        return h.contents.value

    assert "go.sum: none" in (await hover()).split("  \n")
    h_zip, h_mod = go_mod_hash(b"zip"), go_mod_hash(b"mod")
    gosum = root / "go.sum"
    gosum.write_text(f"golang.org/x/text v0.14.0 {h_zip}\ngolang.org/x/text v0.14.0/go.mod {h_mod}\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=gosum.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    assert "go.sum: both hashes for v0.14.0" in (await hover()).split("  \n")
    # An edit: the hover of the new version is of the new text.
    at = doc.text.index("v0.14.0")
    doc.change(at, at + len("v0.14.0"), "v0.15.0")
    assert "required: `v0.15.0`" in (await hover()).split("  \n")


async def test_hover(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    setup_workspace(root)
    h_zip, h_mod = go_mod_hash(b"zip"), go_mod_hash(b"mod")
    sum_text = f"golang.org/x/text v0.14.0 {h_zip}\ngolang.org/x/text v0.14.0/go.mod {h_mod}\nexample.com/a v0.9.0/go.mod {h_mod}\n"
    (root / "go.sum").write_text(sum_text)
    doc = Doc.open(client, root / "go.mod", FEATURES)

    async def hover(d: Doc, needle: str, delta: int = 1) -> tuple[str, str] | None:
        h = await client.text_document_hover_async(
            types.HoverParams(text_document=d.ident, position=d.pos_of(needle, delta))
        )
        if h is None:
            return None
        assert isinstance(h.contents, types.MarkupContent) and h.contents.kind == types.MarkupKind.Markdown
        assert h.range is not None
        return d.covered(h.range), h.contents.value

    covered, text = await hover(doc, "require (")  # type: ignore[misc]
    assert covered == "require"
    assert text.startswith("**require** directive\n\nA minimum version of a module.")
    assert text.endswith("[Reference](https://go.dev/ref/mod#go-mod-file-require)")
    covered, text = await hover(doc, "go 1.23", 0)  # type: ignore[misc]
    assert (covered, text.split("\n")[0]) == ("go", "**go** directive")
    covered, text = await hover(doc, "panicnil")  # type: ignore[misc]
    assert covered == "panicnil=1"
    assert text == (
        "**GODEBUG panicnil** (package `runtime`)\n\nDefault changed in Go 1.21; `panicnil=1` restores the "
        "earlier behaviour.\n\n[Documentation](https://go.dev/doc/godebug#panicnil)"
    )
    covered, text = await hover(doc, "x509sha1")  # type: ignore[misc]
    assert text.startswith("**GODEBUG x509sha1** was removed in Go 1.24")
    covered, text = await hover(doc, "golang.org/x/text v0.14.0")  # type: ignore[misc]
    assert covered == "golang.org/x/text"
    # (What the module graph and the proxy add is tested in test_resolution.py.)
    offline = [
        "**golang.org/x/text**",
        "required: `v0.14.0`",
        "excluded: `v0.13.0`",
        "go.sum: both hashes for v0.14.0",
        "[pkg.go.dev](https://pkg.go.dev/golang.org/x/text@v0.14.0)",
    ]
    assert [line for line in text.split("  \n") if line in offline] == offline
    covered, text = await hover(doc, "example.com/a v1.0.0")  # type: ignore[misc]
    assert "replaced by `./a`" in text and "go.sum: no hash for v1.0.0" in text
    covered, text = await hover(doc, "private.example.com/p")  # type: ignore[misc]
    assert "(indirect)" in text
    assert await hover(doc, "\n\nexclude", 1) is None  # an empty line

    s = Doc.open(client, root / "go.sum", sum_text, write=False)
    covered, text = await hover(s, "golang.org/x/text v0.14.0/go.mod")  # type: ignore[misc]
    assert covered == f"golang.org/x/text v0.14.0/go.mod {h_mod}"
    # (then whether the module graph needs the line, once a graph is known)
    assert text.split("  \n")[:4] == [
        "**golang.org/x/text** `v0.14.0`",
        "`h1:` hash of the module's go.mod file",
        "go.mod requires this version",
        "checksum database: not consulted (GOSUMDB=off): go.sum's hashes are not verified",
    ]
    covered, text = await hover(s, "golang.org/x/text v0.14.0 h1")  # type: ignore[misc]
    assert "`h1:` hash of the module's files (its zip)" in text
    covered, text = await hover(s, "example.com/a v0.9.0")  # type: ignore[misc]
    assert "go.mod requires v1.0.0  \n" in text

    work = Doc.open(client, root / "go.work", "go 1.21\n\nuse (\n\t./a\n\t./nowhere\n)\n")
    covered, text = await hover(work, "./a")  # type: ignore[misc]
    assert (covered, text) == ("./a", "module **example.com/a**, go 1.21")
    covered, text = await hover(work, "./nowhere")  # type: ignore[misc]
    assert text == "`./nowhere`: no go.mod here"
    covered, text = await hover(work, "use (", 0)  # type: ignore[misc]
    assert text.endswith("[Reference](https://go.dev/ref/mod#go-work-file-use)")


async def test_formatting_a_large_file_answers_only_its_version(client2: LanguageClient, oracle) -> None:  # type: ignore[no-untyped-def]
    """Above 5,000 lines the formatting is computed in a thread (the event loop answers other
    messages meanwhile). An edit sent right after the request: the answer has no edits (the
    edit arrived while they were computed for the text before it) or the edits of the edited
    text (it arrived before the computation started), never those of the old text; asked
    again, the edits give go mod edit -print of the edited text."""
    root: Path = client2.root  # type: ignore[attr-defined]
    opts = types.FormattingOptions(tab_size=8, insert_spaces=False)
    body = "".join(f"\texample.com/m{i:05d}  v1.0.{i}\n" for i in range(30000))  # (two spaces: to format)
    text = f"module example.com/big\n\ngo 1.21\n\nrequire (\n{body})\n"
    doc = Doc.open(client2, root / "go.mod", text)
    await doc.diagnostics()
    params = types.DocumentFormattingParams(text_document=doc.ident, options=opts)
    stale = asyncio.ensure_future(client2.text_document_formatting_async(params))
    await asyncio.sleep(0)  # (the request is sent first)
    doc.replace("example.com/m00007  v1.0.7", "example.com/m00007  v1.0.70")
    expected = oracle.edit_print(doc.text).stdout_text
    answered = await stale
    assert not answered or apply_text_edits(doc.text, answered, doc.encoding) == expected
    edits = await client2.text_document_formatting_async(params)
    assert apply_text_edits(doc.text, edits, doc.encoding) == expected


async def test_whole_file_actions_of_a_large_file(client: LanguageClient, oracle) -> None:  # type: ignore[no-untyped-def]
    """Above 5,000 lines "Sort blocks" and "Format file" are offered without working out their
    edits: clients that resolve an action's edit get it from codeAction/resolve, the others
    (Emacs) a command that sends it as workspace/applyEdit. Sorted, then formatted: the bytes
    of go mod edit -print."""
    root: Path = client.root  # type: ignore[attr-defined]
    paths = [f"example.com/m{i:05d}" for i in range(5100)]
    paths[10], paths[4000] = paths[4000], paths[10]  # (out of order: to sort)
    body = "".join(f"\t{p}  v1.0.{i}\n" for i, p in enumerate(paths))  # (two spaces: to format)
    text = f"module example.com/big\n\ngo 1.21\n\nrequire (\n{body})\n"
    expected = oracle.edit_print(text).stdout_text
    assert expected != text
    doc = Doc.open(client, root / "go.mod", text)
    await doc.diagnostics()
    caps = client.capabilities.text_document.code_action  # type: ignore[union-attr]
    resolves = caps.resolve_support is not None and "edit" in caps.resolve_support.properties
    for kind, title, command in (
        ("source.sortBlocks", "Sort blocks", "gomodls.sortBlocks"),
        ("source.format", "Format file", "gomodls.format"),
    ):
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc.ident,
                range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                context=types.CodeActionContext(diagnostics=[], only=[kind]),
            )
        )
        [action] = [a for a in actions if isinstance(a, types.CodeAction)]
        assert (action.title, action.kind, action.edit) == (title, kind, None)
        if resolves:
            assert action.command is None
            resolved = await client.code_action_resolve_async(action)
            doc.apply(edits_for(client, resolved.edit, doc))  # type: ignore[arg-type]
        else:
            assert action.command is not None and action.command.command == command
            client.applied.clear()  # type: ignore[attr-defined]
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command=command, arguments=action.command.arguments)
            )
            [applied] = client.applied  # type: ignore[attr-defined]
            doc.apply(edits_for(client, applied.edit, doc))
        await doc.diagnostics()
        if title == "Sort blocks":
            written = [line.split()[0] for line in doc.text.split("\n") if line.startswith("\texample.com/")]
            assert written == sorted(paths)
    assert doc.text == expected
