"""Unit tests of the edit API: exact minimal edits on readable cases (specifications written by
hand), the API's contract (private copy, errors, replay), and x/mod quirks it keeps.

The conformance with x/mod and the go command is in test_edit_xmod_tables.py,
test_edit_xmod_random.py and test_edit_conformance.py.
"""

from __future__ import annotations

import pytest

from gomodls.base.textedit import apply_edits as apply_text_edits
from gomodls.modfile.edit import EditError, ModEditor, Requirement, TextEdit, WorkEditor, editor_for
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.module.errors import InvalidVersionError
from gomodls.syntax.printer import format_syntax


def mod(text: str) -> ModEditor:
    return ModEditor.from_text(text)


def check(editor: ModEditor | WorkEditor, original: str, want: str) -> None:
    assert editor.edited_text() == want
    assert apply_text_edits(original, editor.text_edits()) == want


# ----------------------------------------------------------------------------- minimal edits

BLOCK = """module example.com/m

go 1.21

require (
    example.com/a v1.0.0 // keep me
	example.com/c   v1.0.0

	// group two
	example.com/e v1.0.0 // indirect
)
"""


def test_change_version_reprints_only_that_line() -> None:
    e = mod(BLOCK)
    e.add_require("example.com/c", "v1.2.0")
    check(e, BLOCK, BLOCK.replace("\texample.com/c   v1.0.0", "\texample.com/c v1.2.0"))
    # The edit covers only what changes: "  v1.0" -> "v1.2" (common prefix and suffix trimmed).
    assert e.text_edits() == [TextEdit((6, 15, 6, 21), "v1.2")]


def test_new_line_goes_to_its_sorted_place() -> None:
    e = mod(BLOCK)
    e.add_require("example.com/d", "v1.0.0")
    want = BLOCK.replace("\texample.com/c   v1.0.0\n", "\texample.com/c   v1.0.0\n\texample.com/d v1.0.0\n")
    check(e, BLOCK, want)
    assert e.text_edits() == [TextEdit((7, 0, 7, 0), "\texample.com/d v1.0.0\n")]


def test_new_line_after_a_group_comment_line() -> None:
    e = mod(BLOCK)
    e.add_require("example.com/f", "v1.0.0")
    check(e, BLOCK, BLOCK.replace("// indirect\n)", "// indirect\n\texample.com/f v1.0.0\n)"))


def test_unsorted_block_gets_new_lines_at_the_end() -> None:
    text = "module m\n\nrequire (\n\tz.example v1.0.0\n\ta.example v1.0.0\n)\n"
    e = mod(text)
    e.add_require("m.example", "v1.0.0")
    check(e, text, text.replace("\ta.example v1.0.0\n", "\ta.example v1.0.0\n\tm.example v1.0.0\n"))
    # go mod edit sorts the whole block.
    assert e.formatted() == (
        "module m\n\nrequire (\n\ta.example v1.0.0\n\tm.example v1.0.0\n\tz.example v1.0.0\n)\n"
    )


def test_drop_line_with_its_comments_and_merge_blank_lines() -> None:
    e = mod(BLOCK)
    e.drop_require("example.com/e")
    # The blank line above the group goes too: no blank line is left before ")".
    check(e, BLOCK, BLOCK.replace("\n\n\t// group two\n\texample.com/e v1.0.0 // indirect\n", "\n"))


def test_drop_first_line_of_block() -> None:
    e = mod(BLOCK)
    e.drop_require("example.com/a")
    check(e, BLOCK, BLOCK.replace("    example.com/a v1.0.0 // keep me\n", ""))


def test_one_line_block_stays_a_block() -> None:
    """Chosen behaviour: an original block left with one line is kept as a block (x/mod's
    Cleanup would collapse it, which only go mod edit's full rewrite needs)."""
    text = "module m\n\nrequire (\n\ta.example v1.0.0\n\tb.example v1.0.0 // b\n)\n"
    e = mod(text)
    e.drop_require("b.example")
    check(e, text, "module m\n\nrequire (\n\ta.example v1.0.0\n)\n")
    assert e.formatted() == "module m\n\nrequire a.example v1.0.0\n"


def test_emptied_block_disappears_with_its_comments() -> None:
    text = "module m\n\n// the tools\ntool (\n\tx.example/a // a\n)\n\ngo 1.21\n"
    e = mod(text)
    e.drop_tool("x.example/a")
    check(e, text, "module m\n\ngo 1.21\n")


def test_new_statement_is_separated_by_blank_lines() -> None:
    text = "module m\nrequire a.example v1.0.0\n"
    e = mod(text)
    e.add_go_stmt("1.22")
    check(e, text, "module m\n\ngo 1.22\n\nrequire a.example v1.0.0\n")
    assert e.text_edits() == [TextEdit((1, 0, 1, 0), "\ngo 1.22\n\n")]


def test_drop_statement_between_blank_lines() -> None:
    text = "module m\n\ngo 1.21\n\ntoolchain go1.22.0\n\nrequire a.example v1.0.0\n"
    e = mod(text)
    e.drop_toolchain_stmt()
    check(e, text, "module m\n\ngo 1.21\n\nrequire a.example v1.0.0\n")
    e.drop_go_stmt()
    check(e, text, "module m\n\nrequire a.example v1.0.0\n")


def test_drop_first_statement() -> None:
    text = "go 1.21\n\nmodule m\n"
    e = mod(text)
    e.drop_go_stmt()
    check(e, text, "module m\n")


def test_lone_line_becomes_a_block_like_x_mod() -> None:
    text = "module m\n\n// about a\nrequire a.example v1.0.0 // a\n\ngo 1.21\n"
    e = mod(text)
    e.add_require("b.example", "v1.0.0")
    want = "module m\n\nrequire (\n\t// about a\n\ta.example v1.0.0 // a\n\tb.example v1.0.0\n)\n\ngo 1.21\n"
    check(e, text, want)


def test_exclude_without_hint_goes_to_the_end() -> None:
    """x/mod's AddExclude passes a nil *Line as hint: a new exclude path never joins the last
    exclude block, it is appended to the file."""
    text = "module m\n\nexclude (\n\ta.example v1.0.0\n)\n\ngo 1.21\n"
    e = mod(text)
    e.add_exclude("b.example", "v1.0.0")
    check(e, text, text + "\nexclude b.example v1.0.0\n")
    assert e.formatted() == "module m\n\nexclude a.example v1.0.0\n\ngo 1.21\n\nexclude b.example v1.0.0\n"
    # With a hint (same path), the new exclude joins the hint's block.
    e = mod(text)
    e.add_exclude("a.example", "v1.1.0")
    check(e, text, text.replace("\ta.example v1.0.0\n", "\ta.example v1.0.0\n\ta.example v1.1.0\n"))


def test_retract_with_rationale() -> None:
    text = "module example.com/m\n\nretract v1.0.0 // oops\n"
    e = mod(text)
    e.add_retract("v1.1.0", "v1.2.0", "two\nlines")
    # The lone line becomes a new block, printed like go mod edit prints it (sorted).
    want = (
        "module example.com/m\n\nretract (\n\t// two\n\t// lines\n\t[v1.1.0, v1.2.0]\n\tv1.0.0 // oops\n)\n"
    )
    check(e, text, want)
    # x/mod quirk: the new retraction is not in the model until the file is parsed again.
    assert [(r.low, r.high) for r in e.model.retract] == [("v1.0.0", "v1.0.0")]


def test_set_indirect_keeps_the_note() -> None:
    text = "module m\n\nrequire (\n\ta.example v1.0.0 // note\n\tb.example v1.0.0 // indirect; why\n)\n"
    e = mod(text)
    e.set_indirect("a.example", True)
    e.set_indirect("b.example", False)
    check(
        e, text, "module m\n\nrequire (\n\ta.example v1.0.0 // indirect; note\n\tb.example v1.0.0 // why\n)\n"
    )
    assert [r.indirect for r in e.model.require] == [True, False]


def test_crlf_and_quotes_are_kept() -> None:
    text = 'module "example.com/m"\r\n\r\nrequire (\r\n\t"a.example"  v1.0.0\r\n\tc.example v1.0.0\r\n)\r\n'
    e = mod(text)
    e.add_require("b.example", "v1.0.0")
    check(e, text, text.replace("\tc.example", "\tb.example v1.0.0\r\n\tc.example"))
    e.add_require("a.example", "v1.1.0")
    # A changed line is printed the way the formatter prints it (needless quotes dropped).
    assert e.edited_text().startswith('module "example.com/m"\r\n\r\nrequire (\r\n\ta.example v1.1.0\r\n')


def test_no_final_newline() -> None:
    text = "module m\n\nrequire a.example v1.0.0"
    e = mod(text)
    e.add_go_stmt("1.22")
    check(e, text, "module m\n\ngo 1.22\n\nrequire a.example v1.0.0")
    e.add_toolchain_stmt("go1.22.1")
    e.drop_require("a.example")
    check(e, text, "module m\n\ngo 1.22\n\ntoolchain go1.22.1\n")


def test_columns_are_code_points() -> None:
    text = "// héllo wörld\nmodule m\n\nrequire a.example v1.0.0 // ünïcode\n"
    e = mod(text)
    e.add_require("a.example", "v1.1.0")
    assert e.text_edits() == [TextEdit((3, 21, 3, 22), "1")]
    check(e, text, text.replace("v1.0.0", "v1.1.0"))


def test_work_use_and_go() -> None:
    text = "// my workspace\n\nuse (\n\t./a\n\t./c // c\n)\n"
    e = WorkEditor.from_text(text)
    e.add_use("./b")
    e.add_go_stmt("1.22")
    check(e, text, "// my workspace\n\ngo 1.22\n\nuse (\n\t./a\n\t./b\n\t./c // c\n)\n")


def test_untouched_file_has_no_edits() -> None:
    e = mod(BLOCK)
    e.add_require("example.com/a", "v1.0.0")  # same version: nothing to change
    e.drop_require("example.com/nothere")
    assert e.text_edits() == []
    assert e.edited_text() == BLOCK


# ----------------------------------------------------------------------------- files with errors


def test_broken_lines_are_kept_and_never_used_as_a_place() -> None:
    text = "module m\n\nrequire oops\n\nrequire (\n\ta.example v1.0.0\n\tbad one\n)\n\n/* c */\n"
    parsed = parse_text(text, FileKind.MOD)
    assert not parsed.ok
    e = ModEditor(parsed)
    e.add_require("b.example", "v1.0.0")
    e.add_require("a.example", "v1.1.0")
    # The block is sorted (the broken line included), so b.example goes to its sorted place.
    want = "module m\n\nrequire oops\n\nrequire (\n\ta.example v1.1.0\n\tb.example v1.0.0\n\tbad one\n)\n\n/* c */\n"
    check(e, text, want)


def test_broken_top_level_line_is_not_turned_into_a_block() -> None:
    text = "module m\n\nrequire a.example v1.0.0\n\nrequire b.example\n"
    e = mod(text)
    e.add_require("c.example", "v1.0.0")
    want = "module m\n\nrequire (\n\ta.example v1.0.0\n\tc.example v1.0.0\n)\n\nrequire b.example\n"
    check(e, text, want)


def test_block_with_a_broken_frame_is_not_deleted() -> None:
    text = "module m\n\nrequire (\n\ta.example v1.0.0\n) junk\n\nrequire c.example v1.0.0\n"
    e = mod(text)
    e.drop_require("a.example")
    check(e, text, "module m\n\nrequire (\n) junk\n\nrequire c.example v1.0.0\n")


def test_unterminated_block_is_not_a_place_for_new_lines() -> None:
    text = "module m\n\nrequire (\n\ta.example v1.0.0\n\ngo 1.21\n"
    e = mod(text)
    e.add_require("b.example", "v1.0.0")
    check(e, text, text + "\nrequire b.example v1.0.0\n")


# ----------------------------------------------------------------------------- the API contract


def test_callers_tree_is_not_mutated() -> None:
    parsed = parse_text(BLOCK, FileKind.MOD)
    before = format_syntax(parsed.syntax)
    tokens = [[t.text for t in line.tokens] for line in parsed.syntax.lines]
    e = ModEditor(parsed)
    e.add_require("example.com/a", "v2.0.0+incompatible")
    e.drop_require("example.com/c")
    e.set_indirect("example.com/e", False)
    e.set_require_separate_indirect([Requirement("example.com/z", "v1.0.0", True)])
    e.formatted()
    e.edited_text()
    assert format_syntax(parsed.syntax) == before
    assert [[t.text for t in line.tokens] for line in parsed.syntax.lines] == tokens
    assert [r.mod.version for r in parsed.model.require] == ["v1.0.0", "v1.0.0", "v1.0.0"]


def test_errors_leave_the_editor_unchanged() -> None:
    e = mod(BLOCK)
    with pytest.raises(EditError, match=r'^invalid language version "1.2.x"$'):
        e.add_go_stmt("1.2.x")
    with pytest.raises(EditError, match=r'^invalid toolchain name "1.22"$'):
        e.add_toolchain_stmt("1.22")
    with pytest.raises(InvalidVersionError, match=r"should be v2\.0\.0\+incompatible"):
        e.add_exclude("example.com/a", "v2.0.0")
    with pytest.raises(ValueError, match="conflicting versions"):
        e.set_require([Requirement("x.example", "v1.0.0"), Requirement("x.example", "v1.1.0")])
    assert e.text_edits() == []
    assert e.formatted() == mod(BLOCK).formatted()


def test_outputs_follow_later_edits() -> None:
    e = mod(BLOCK)
    first = e.formatted()
    e.drop_require("example.com/a")
    assert e.formatted() != first
    assert "example.com/a" not in e.edited_text()
    assert '"Path": "example.com/a"' not in e.json()


def test_editor_for_kind() -> None:
    assert isinstance(editor_for(parse_text("go 1.21\n", FileKind.WORK)), WorkEditor)
    assert isinstance(editor_for(parse_text("module m\n", FileKind.MOD)), ModEditor)
    with pytest.raises(ValueError):
        editor_for(parse_text("", FileKind.SUM))
    with pytest.raises(ValueError):
        WorkEditor(parse_text("module m\n", FileKind.MOD))


def test_set_require_at_most_two_minimal() -> None:
    text = """module m

// direct ones
require (
	a.example v1.0.0
	b.example v1.0.0 // indirect
)

require c.example v1.0.0 // indirect
"""
    e = mod(text)
    e.set_require_at_most_two(
        [
            Requirement("a.example", "v1.0.0"),
            Requirement("b.example", "v1.0.0", True),
            Requirement("c.example", "v1.1.0", True),
        ]
    )
    # Every requirement moves to one of two new blocks (the direct one takes the old block's
    # comment); the emptied original block goes. New blocks print like go mod edit prints them.
    want = """module m

// direct ones
require a.example v1.0.0

require (
	b.example v1.0.0 // indirect
	c.example v1.1.0 // indirect
)
"""
    check(e, text, want)
    assert e.formatted() == want
