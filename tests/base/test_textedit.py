"""Line-level minimal edits: applying them gives the new text, and they never overlap or touch
(LSP clients apply edits that share a position in an order we cannot rely on)."""

from __future__ import annotations

import itertools
import random
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from gomodls.base import textedit
from gomodls.base.textedit import TextEdit, apply_edits, line_edits

LINE = st.sampled_from(["", "a", "b", "require x v1", "\t)", "é🙂", "x\r", "\u2028", "\x0c"])
TEXT = st.lists(LINE, max_size=8).map("\n".join)


def check(old: str, new: str, edits: list[TextEdit]) -> None:
    assert apply_edits(old, edits) == new
    ranges = [e.range for e in edits]
    assert ranges == sorted(ranges)
    for x, y in itertools.pairwise(ranges):
        assert (x[2], x[3]) < (y[0], y[1])
    if old == new:
        assert edits == []


@settings(max_examples=3000)
@given(old=TEXT, new=TEXT)
def test_line_edits_apply_and_never_touch(old: str, new: str) -> None:
    check(old, new, line_edits(old, new))


@settings(max_examples=2000)
@given(old=TEXT, new=TEXT)
def test_anchored_line_edits_apply_and_never_touch(old: str, new: str) -> None:
    """The same, with the lines found once anchoring every comparison (as on large texts), a
    couple of lines at a time."""
    with patch.object(textedit, "ANCHORED_LINES", 0), patch.object(textedit, "STEP", 2):
        check(old, new, line_edits(old, new))


def test_large_texts() -> None:
    """Large texts (anchored) with changed, moved, repeated, inserted and deleted lines: the
    edits give the new text, never touch, and leave the unchanged lines alone."""
    rng = random.Random("textedit-large")
    for _ in range(10):
        old_lines = [f"\tline{i:05d} v1.0.{i % 7}" for i in range(6000)]
        new_lines = list(old_lines)
        for _ in range(rng.randint(1, 200)):
            k = rng.randrange(len(new_lines))
            match rng.choice(["change", "delete", "insert", "move", "repeat"]):
                case "change":
                    new_lines[k] = new_lines[k].replace("\t", "  ")
                case "delete":
                    del new_lines[k]
                case "insert":
                    new_lines.insert(k, "")
                case "move":
                    new_lines.insert(rng.randrange(len(new_lines)), new_lines.pop(k))
                case _:
                    new_lines.insert(k, new_lines[k])
        old, new = "\n".join(old_lines) + "\n", "\n".join(new_lines) + "\n"
        edits = line_edits(old, new)
        check(old, new, edits)
        # (about as few lines replaced as difflib's own comparison of the whole texts replaces)
        a, b = textedit.physical_lines(old), textedit.physical_lines(new)
        whole: list[tuple[int, int, int, int]] = []
        textedit._difflib_changes(a, b, 0, len(a), 0, len(b), whole)
        touched = sum(e.range[2] - e.range[0] for e in edits)
        assert touched <= 2 * sum(i2 - i1 for i1, i2, _, _ in whole) + 10


def test_large_text_with_lines_changed_in_place() -> None:
    """Formatting's usual change: lines rewritten where they are; one edit each."""
    old_lines = [f"\tline{i:05d}  v1.0.0" if i % 50 == 25 else f"\tline{i:05d} v1.0.0" for i in range(20000)]
    old = "\n".join(old_lines) + "\n"
    new = old.replace("  v1", " v1")
    edits = line_edits(old, new)
    check(old, new, edits)
    assert [e.range for e in edits] == [(i, 0, i + 1, 0) for i in range(25, 20000, 50)]


def test_unchanged_lines_are_not_touched() -> None:
    old = "module m\n\nrequire (\n    b v1.0.0\n    a v1.0.0\n)\n"
    new = "module m\n\nrequire (\n\ta v1.0.0\n\tb v1.0.0\n)\n"
    edits = line_edits(old, new)
    assert all(e.range[0] >= 3 and e.range[2] <= 5 for e in edits)


@settings(max_examples=500)
@given(text=TEXT, split=st.integers(0, 5))
def test_physical_lines_split_a_few_characters_at_a_time(text: str, split: int) -> None:
    parts = text.split("\n")
    expected = [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    with patch.object(textedit, "SPLIT_CHARS", split):
        assert textedit.physical_lines(text) == expected
