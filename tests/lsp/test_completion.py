"""Completion end to end: directive keywords where they are valid, module paths from the module
cache, go.sum, the workspace, the build list and the file, versions newest first with their
publication times (retracted and excluded ones marked and last), isIncomplete while facts load
in the background, `use` and local replacement directories, positions in every encoding."""

from __future__ import annotations

import asyncio
import atexit
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from goproxy import ProxyDir

from .helpers import Doc, apply_text_edits, position

TMP = Path(tempfile.mkdtemp(prefix="gomodls-lsp-completion-"))
atexit.register(shutil.rmtree, TMP, ignore_errors=True)

PROXY = ProxyDir(TMP / "proxy")
PROXY.add("example.com/lib", "v0.9.0", time="2022-05-06T00:00:00Z")
PROXY.add("example.com/lib", "v1.0.0", time="2023-01-02T03:04:05Z")
PROXY.add("example.com/lib", "v1.1.0", time="2023-06-07T00:00:00Z")
PROXY.add("example.com/lib", "v1.2.0-beta.1", time="2023-09-01T00:00:00Z")
PROXY.add(
    "example.com/lib",
    "v1.2.0",
    "module example.com/lib\n\ngo 1.21\n\n// broken build\nretract v1.1.0\n",
    time="2024-01-02T00:00:00Z",
)
PROXY.add("example.com/slow", "v1.0.0", time="2021-01-01T00:00:00Z")
PROXY.add("example.com/slow", "v1.1.0", time="2021-02-02T00:00:00Z")
PROXY.add(
    "example.com/dep",
    "v1.0.0",
    "module example.com/dep\n\ngo 1.21\n\nrequire example.com/transitive v1.0.0\n",
)
PROXY.add("example.com/transitive", "v1.0.0", "module example.com/transitive\n\ngo 1.21\n")

PSEUDO = "v0.0.0-20220304050607-abcdefabcdef"


def _module_cache(root: Path) -> Path:
    """A module cache as the go command leaves it: escaped paths, a nested major version, the
    checksum database's directory and a directory no go command would write."""
    download = root / "cache" / "download"
    for escaped in (
        "example.com/!cached!mod",
        "example.com/!cached!mod/v2",
        "golang.org/x/text",
        "example.com/BAD",
    ):
        d = download / escaped / "@v"
        d.mkdir(parents=True)
        (d / "list").write_text("v1.0.0\n")
        (d / "v1.0.0.info").write_text(json.dumps({"Version": "v1.0.0", "Time": "2020-01-01T00:00:00Z"}))
    (download / "sumdb" / "sum.golang.org" / "lookup" / "@v").mkdir(parents=True)
    return root


MODCACHE = _module_cache(TMP / "modcache")
SETTINGS = {
    "env": {
        "GOPROXY": PROXY.url,
        "GOMODCACHE": str(MODCACHE),
        "GOFLAGS": "-mod=mod",
        "GONOSUMDB": "*",
        "GOPRIVATE": "",
    }
}
with_proxy = [pytest.mark.init_options(SETTINGS), pytest.mark.configuration(SETTINGS)]
H1 = "h1:" + "A" * 43 + "="


async def complete(
    client: LanguageClient, doc: Doc, needle: str, delta: int | None = None
) -> types.CompletionList:
    """Completion at `delta` code points into `needle` (default: at its end)."""
    pos = doc.pos_of(needle, len(needle) if delta is None else delta)
    result = await client.text_document_completion_async(types.CompletionParams(doc.ident, pos))
    if result is None:
        return types.CompletionList(is_incomplete=False, items=[])
    assert isinstance(result, types.CompletionList), result
    return result


async def complete_until(
    client: LanguageClient,
    doc: Doc,
    needle: str,
    want: Callable[[types.CompletionList], bool],
    delta: int | None = None,
    timeout: float = 20,
) -> types.CompletionList:
    """Ask again (as a client does for an incomplete list) until the answer satisfies `want`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await complete(client, doc, needle, delta)
        if want(result):
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"completion never satisfied the test; last: {labels(result)}")
        await asyncio.sleep(0.05)


def labels(result: types.CompletionList) -> list[str]:
    """The labels in the order the server wants them shown (by sortText)."""
    return [i.label for i in sorted(result.items, key=lambda i: i.sort_text or i.label)]


def by_label(result: types.CompletionList) -> dict[str, types.CompletionItem]:
    return {i.label: i for i in result.items}


def edit_of(item: types.CompletionItem) -> types.TextEdit:
    assert isinstance(item.text_edit, types.TextEdit), item
    return item.text_edit


def snippets(client: LanguageClient) -> bool:
    return client.profile in ("visual-studio-code", "neovim")  # type: ignore[attr-defined]


def tags_supported(client: LanguageClient) -> bool:
    return client.profile != "neovim@v0.7.0"  # type: ignore[attr-defined]


# Directive keywords.

GO_MOD_HEAD = "module example.com/m\n\ngo 1.22\n\n"


async def test_keywords_valid_at_the_cursor(client: LanguageClient, tmp_path: Path) -> None:
    doc = Doc.open(client, tmp_path / "go.mod", GO_MOD_HEAD + "re")
    result = await complete(client, doc, GO_MOD_HEAD + "re")
    assert labels(result) == [
        "toolchain", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"
    ]  # fmt: skip
    require = by_label(result)["require"]
    assert require.kind == types.CompletionItemKind.Keyword
    assert doc.covered(edit_of(require).range) == "re"
    text = apply_text_edits(doc.text, [edit_of(require)], doc.encoding)
    if snippets(client):
        assert require.insert_text_format == types.InsertTextFormat.Snippet
        assert text == GO_MOD_HEAD + "require ${1:module/path} ${2:version}"
    else:
        assert require.insert_text_format == types.InsertTextFormat.PlainText
        assert text == GO_MOD_HEAD + "require "
    # With the arguments already there, only the keyword is replaced.
    doc.change(len(GO_MOD_HEAD), len(doc.text), "exc example.com/lib v1.0.0")
    exclude = by_label(await complete(client, doc, "exc"))["exclude"]
    assert doc.covered(edit_of(exclude).range) == "exc"
    assert apply_text_edits(doc.text, [edit_of(exclude)], doc.encoding).endswith(
        "\nexclude example.com/lib v1.0.0"
    )


async def test_module_go_and_toolchain_are_offered_only_once(client2: LanguageClient, tmp_path: Path) -> None:
    doc = Doc.open(client2, tmp_path / "go.mod", "\n")
    assert labels(await complete(client2, doc, "", 0))[:3] == ["module", "go", "toolchain"]
    doc.change(0, 0, "toolchain go1.23.0\n")
    assert "toolchain" not in labels(await complete(client2, doc, "\n", 1))
    # On the line of the module directive itself, "module" stays: that line is what is typed.
    doc = Doc.open(client2, tmp_path / "b" / "go.mod", "mod\n\ngo 1.22\n")
    assert "module" in labels(await complete(client2, doc, "mod"))
    assert "go" not in labels(await complete(client2, doc, "mod"))


async def test_keywords_in_go_work(client2: LanguageClient, tmp_path: Path) -> None:
    doc = Doc.open(client2, tmp_path / "go.work", "go 1.22\n\n", language_id="go.work")
    assert labels(await complete(client2, doc, "go 1.22\n\n")) == ["toolchain", "godebug", "use", "replace"]


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_no_keywords_inside_blocks(client2: LanguageClient, tmp_path: Path) -> None:
    text = GO_MOD_HEAD + "godebug (\n\t\n)\n\nrequire (\n\t\n"  # the require block is unterminated
    doc = Doc.open(client2, tmp_path / "go.mod", text)
    in_godebug = await complete(client2, doc, "godebug (\n\t")
    assert in_godebug.items == []
    in_require = await complete_until(
        client2, doc, "require (\n\t", lambda r: "golang.org/x/text" in labels(r)
    )
    assert not {"require", "module", "go"} & set(labels(in_require))
    assert all(i.kind == types.CompletionItemKind.Module for i in in_require.items)


async def test_nothing_in_comments_or_after_the_arguments(client2: LanguageClient, tmp_path: Path) -> None:
    doc = Doc.open(client2, tmp_path / "go.mod", GO_MOD_HEAD + "// req\nrequire example.com/lib v1.0.0 \n")
    assert (await complete(client2, doc, "// req")).items == []
    assert (await complete(client2, doc, "v1.0.0 ")).items == []


# Module paths.


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_module_paths_from_cache_sum_workspace_and_file(
    client2: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "go.work").write_text("go 1.22\n\nuse (\n\t./m\n\t./other\n)\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "go.mod").write_text("module example.com/other\n\ngo 1.22\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "go.sum").write_text(f"example.com/summed v1.0.0/go.mod {H1}\n")
    text = GO_MOD_HEAD + "require example.com/written v1.0.0\n\nrequire \n"
    doc = Doc.open(client2, tmp_path / "m" / "go.mod", text)
    result = await complete_until(client2, doc, "require \n", lambda r: not r.is_incomplete, delta=8)
    items = by_label(result)
    assert items["example.com/CachedMod"].detail == "module cache"  # unescaped from !cached!mod
    assert items["example.com/CachedMod/v2"].detail == "module cache"
    assert items["golang.org/x/text"].detail == "module cache"
    assert items["example.com/summed"].detail == "go.sum"
    assert items["example.com/other"].detail == "workspace module"
    assert items["example.com/written"].detail == "in this file"
    # Never the module itself, nothing the go command would not write, nothing from a proxy.
    assert not {"example.com/m", "example.com/BAD", "example.com/bad", "example.com/lib"} & set(items)
    assert not any(label.startswith("sum.golang.org") for label in items)
    # A new requirement is more likely a workspace module than one already required.
    order = labels(result)
    assert (
        order.index("example.com/other")
        < order.index("example.com/summed")
        < order.index("golang.org/x/text")
    )
    assert order[-1] == "example.com/written"


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_module_paths_filter_and_replace_range(client2: LanguageClient, tmp_path: Path) -> None:
    doc = Doc.open(client2, tmp_path / "go.mod", GO_MOD_HEAD + "require (\n\tgolang.org/x/te v1.0.0\n)\n")
    result = await complete_until(
        client2,
        doc,
        "golang.org/x/te",
        lambda r: "golang.org/x/text" in labels(r),
        delta=len("golang.org/x/t"),
    )
    assert labels(result) == ["golang.org/x/text"]  # "example.com/..." does not contain g..x/t
    edit = edit_of(result.items[0])
    assert doc.covered(edit.range) == "golang.org/x/te"  # the whole token, not only up to the cursor
    assert apply_text_edits(doc.text, [edit], doc.encoding).count("\tgolang.org/x/text v1.0.0\n") == 1


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_module_paths_from_the_build_list(client2: LanguageClient, tmp_path: Path) -> None:
    text = GO_MOD_HEAD + "require example.com/dep v1.0.0\n\nexclude example.com/zzz v1.0.0\n"
    doc = Doc.open(client2, tmp_path / "go.mod", text)
    result = await complete_until(
        client2,
        doc,
        "exclude example",
        lambda r: "example.com/transitive" in labels(r),
        delta=len("exclude e"),
    )
    items = by_label(result)
    assert items["example.com/transitive"].detail == "build list"
    # Exclude and replace name modules already in the file first (not the one being typed).
    assert labels(result)[0] == "example.com/dep"
    assert "example.com/zzz" not in labels(result)


# Versions.


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_versions_newest_first_retracted_and_excluded_last(
    client3: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "go.sum").write_text(f"example.com/lib {PSEUDO}/go.mod {H1}\n")
    text = GO_MOD_HEAD + "require (\n\texample.com/lib v1.0.0\n)\n\nexclude example.com/lib v0.9.0\n"
    doc = Doc.open(client3, tmp_path / "go.mod", text)
    result = await complete_until(client3, doc, "\texample.com/lib v1.0", lambda r: not r.is_incomplete)
    assert labels(result) == ["v1.2.0", "v1.0.0", "v1.2.0-beta.1", PSEUDO, "v0.9.0", "v1.1.0"]
    items = by_label(result)
    assert items["v1.2.0"].detail == "latest · published 2024-01-02"
    assert items["v1.2.0"].preselect is True
    assert items["v1.0.0"].detail == "published 2023-01-02"
    assert items[PSEUDO].detail == "published 2022-03-04"  # from the pseudo-version itself
    assert items["v1.1.0"].detail == "retracted: broken build · published 2023-06-07"
    assert items["v0.9.0"].detail == "excluded by this go.mod · published 2022-05-06"
    for label in ("v1.1.0", "v0.9.0"):
        assert list(items[label].tags or ()) == [types.CompletionItemTag.Deprecated], label
    assert items["v1.0.0"].tags is None
    edit = edit_of(items["v1.2.0"])
    assert doc.covered(edit.range) == "v1.0.0"
    assert "\texample.com/lib v1.2.0\n" in apply_text_edits(doc.text, [edit], doc.encoding)
    # What is being typed ("v1.2", a valid shorthand) is no version to offer.
    doc.replace("\texample.com/lib v1.0.0", "\texample.com/lib v1.2")
    typing = await complete(client3, doc, "\texample.com/lib v1.2")
    assert labels(typing) == ["v1.2.0", "v1.0.0", "v1.2.0-beta.1", PSEUDO, "v0.9.0", "v1.1.0"]
    assert doc.covered(edit_of(typing.items[0]).range) == "v1.2"


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_retracted_marked_without_tag_support(client: LanguageClient, tmp_path: Path) -> None:
    doc = Doc.open(client, tmp_path / "go.mod", GO_MOD_HEAD + "require example.com/lib v\n")
    result = await complete_until(client, doc, "example.com/lib v", lambda r: not r.is_incomplete)
    item = by_label(result)["v1.1.0"]
    assert labels(result)[-1] == "v1.1.0"
    assert item.detail and item.detail.startswith("retracted: broken build")
    if tags_supported(client):
        assert list(item.tags or ()) == [types.CompletionItemTag.Deprecated]
    else:
        assert item.tags is None and item.deprecated is None


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_incomplete_until_the_background_fetch_is_done(client2: LanguageClient, tmp_path: Path) -> None:
    """The first answer has only what is on disk (go.sum) and says it is incomplete; the facts
    and times arrive in the background, without the client waiting for them."""
    (tmp_path / "go.sum").write_text(f"example.com/slow v0.5.0/go.mod {H1}\n")
    # The line being typed does not parse, so no resolution fetches the module's facts first.
    doc = Doc.open(client2, tmp_path / "go.mod", GO_MOD_HEAD + "require example.com/slow \n")
    first = await complete(client2, doc, "example.com/slow ")
    assert first.is_incomplete is True
    assert labels(first) == ["v0.5.0"]
    done = await complete_until(client2, doc, "example.com/slow ", lambda r: not r.is_incomplete)
    assert labels(done) == ["v1.1.0", "v1.0.0", "v0.5.0"]
    assert by_label(done)["v1.1.0"].detail == "latest · published 2021-02-02"
    assert by_label(done)["v0.5.0"].detail is None  # not in the proxy's list, no time known


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_retract_completes_the_module_own_versions(client2: LanguageClient, tmp_path: Path) -> None:
    text = "module example.com/lib\n\ngo 1.22\n\nretract [v1.0.0, v1.]\n"
    doc = Doc.open(client2, tmp_path / "go.mod", text)
    result = await complete_until(client2, doc, "[v1.0.0, v1.", lambda r: not r.is_incomplete)
    assert labels(result)[0] == "v1.2.0"
    assert doc.covered(edit_of(result.items[0]).range) == "v1."


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_positions_after_non_ascii_text(client3: LanguageClient, tmp_path: Path) -> None:
    """The edit ranges start after characters that take 2 UTF-16 units and 4 UTF-8 bytes."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "go.mod").write_text("module example.com/sub\n")
    text = GO_MOD_HEAD + "replace example.com/é😀 => ./s\n\nreplace example.com/😀😀 => example.com/lib v1.\n"
    doc = Doc.open(client3, tmp_path / "go.mod", text)
    dirs = await complete_until(client3, doc, "=> ./s", lambda r: "./sub" in labels(r))
    assert labels(dirs) == ["./sub"]
    edit = edit_of(dirs.items[0])
    assert doc.covered(edit.range) == "./s"
    assert "replace example.com/é😀 => ./sub\n" in apply_text_edits(doc.text, [edit], doc.encoding)
    versions = await complete_until(client3, doc, "example.com/lib v1.", lambda r: not r.is_incomplete)
    edit = edit_of(by_label(versions)["v1.2.0"])
    assert doc.covered(edit.range) == "v1."
    assert "=> example.com/lib v1.2.0\n" in apply_text_edits(doc.text, [edit], doc.encoding)


# Directories.


async def test_use_directories_in_go_work(client2: LanguageClient, tmp_path: Path) -> None:
    for d in (
        "a",
        "b/c",
        "b/c/nested",
        ".hidden",
        "vendor/x",
        "testdata/t",
        "node_modules/n",
        "a1/2/3/4/5/6",
    ):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
        (tmp_path / d / "go.mod").write_text(f"module example.com/{d.replace('/', '-')}\n")
    (tmp_path / "empty").mkdir()
    text = "go 1.22\n\nuse ./a\n\nuse \n\nuse (\n\t./b/c\n\t\n)\n"
    doc = Doc.open(client2, tmp_path / "go.work", text, language_id="go.work")
    result = await complete_until(client2, doc, "use \n", lambda r: not r.is_incomplete, delta=4)
    # Not ./a nor ./b/c (used), nothing hidden, vendored, test data or too deep.
    assert labels(result) == ["./b/c/nested"]
    assert by_label(result)["./b/c/nested"].detail == "module example.com/b-c-nested"
    in_block = await complete(client2, doc, "./b/c\n\t")
    assert labels(in_block) == ["./b/c/nested"]


async def test_use_directories_are_bounded(client2: LanguageClient, tmp_path: Path) -> None:
    """In a huge tree the walk stops after a bounded number of directories, breadth first: the
    shallow modules are found, the last of the many at the next level are not."""
    for i in range(2500):
        (tmp_path / "junk" / f"d{i:04d}").mkdir(parents=True)
        (tmp_path / "junk" / f"d{i:04d}" / "go.mod").write_text(f"module example.com/d{i}\n")
    (tmp_path / "shallow").mkdir()
    (tmp_path / "shallow" / "go.mod").write_text("module example.com/shallow\n")
    doc = Doc.open(
        client2, tmp_path / "go.work", "go 1.22\n\nuse ./sh\n\nuse ./junk/d24\n", language_id="go.work"
    )
    result = await complete_until(client2, doc, "use ./sh", lambda r: not r.is_incomplete)
    assert labels(result) == ["./shallow"]
    early = await complete(client2, doc, "use ./junk/d24", len("use ./junk/d"))
    assert "./junk/d0001" in labels(early)
    late = await complete(client2, doc, "use ./junk/d24")
    assert not [label for label in labels(late) if label.startswith("./junk/d24")]


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_local_replacement_directories(client2: LanguageClient, tmp_path: Path) -> None:
    for d in ("m/sub", "m/sub/deeper", "sibling", "m/vendor/v"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "go.mod").write_text(f"module example.com/{Path(d).name}\n")
    (tmp_path / "m" / "nomod").mkdir()
    text = GO_MOD_HEAD + "replace example.com/x => \n\nreplace example.com/y => ./\n"
    doc = Doc.open(client2, tmp_path / "m" / "go.mod", text)
    both = await complete_until(client2, doc, "example.com/x => ", lambda r: not r.is_incomplete)
    order = labels(both)
    assert order[:3] == ["./sub", "./sub/deeper", "../sibling"]
    assert "golang.org/x/text" in order[3:]  # module paths after the directories
    assert by_label(both)["../sibling"].kind == types.CompletionItemKind.Folder
    only_dirs = await complete_until(client2, doc, "example.com/y => ./", lambda r: not r.is_incomplete)
    assert labels(only_dirs) == ["./sub", "./sub/deeper"]


# Robustness.


async def test_malformed_documents_never_fail(client2: LanguageClient, tmp_path: Path) -> None:
    text = 'require (\n\t"unterminated\n) ) ( \nretract [ , ] v\nreplace => => \n\x00\x01 é😀 `raw\nuse ./x\n'
    doc = Doc.open(client2, tmp_path / "go.mod", text)
    lines = text.split("\n")
    for line, content in enumerate(lines):
        for col in range(len(content) + 1):
            pos = position(text, line, col, doc.encoding)
            result = await client2.text_document_completion_async(types.CompletionParams(doc.ident, pos))
            assert result is None or isinstance(result, types.CompletionList)
    # Beyond the end of the text, and in go.sum.
    far = types.CompletionParams(doc.ident, types.Position(len(lines) + 5, 99))
    assert (await client2.text_document_completion_async(far)) is not None
    sums = Doc.open(client2, tmp_path / "go.sum", f"example.com/a v1.0.0 {H1}\n")
    assert (
        await client2.text_document_completion_async(types.CompletionParams(sums.ident, types.Position(0, 3)))
        is None
    )
