"""Line-level minimal edits: applying them gives the new text, and they never overlap or touch
(LSP clients apply edits that share a position in an order we cannot rely on)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from gomodls.base.textedit import apply_edits, line_edits

LINE = st.sampled_from(["", "a", "b", "require x v1", "\t)", "é🙂", "x\r", "\u2028", "\x0c"])
TEXT = st.lists(LINE, max_size=8).map("\n".join)


@settings(max_examples=3000)
@given(old=TEXT, new=TEXT)
def test_line_edits_apply_and_never_touch(old: str, new: str) -> None:
    edits = line_edits(old, new)
    assert apply_edits(old, edits) == new
    ranges = [e.range for e in edits]
    assert ranges == sorted(ranges)
    for x, y in itertools.pairwise(ranges):
        assert (x[2], x[3]) < (y[0], y[1])
    if old == new:
        assert edits == []


def test_unchanged_lines_are_not_touched() -> None:
    old = "module m\n\nrequire (\n    b v1.0.0\n    a v1.0.0\n)\n"
    new = "module m\n\nrequire (\n\ta v1.0.0\n\tb v1.0.0\n)\n"
    edits = line_edits(old, new)
    assert all(e.range[0] >= 3 and e.range[2] <= 5 for e in edits)
