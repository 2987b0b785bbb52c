"""Columns in the three LSP encodings, on lines with non-ASCII text."""

from __future__ import annotations

import pytest

from gomodls.lsp.positions import Encoding, from_client, to_client
from gomodls.syntax.parser import parse

LINE = "require ex.com/é v1.0.0 // 🙂 naïve"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        (Encoding.UTF16, [0, 15, 16, 27, 29, 35]),
        (Encoding.UTF8, [0, 15, 17, 28, 32, 39]),
        (Encoding.UTF32, [0, 15, 16, 27, 28, 34]),
    ],
)
def test_to_client_counts_units(encoding: Encoding, expected: list[int]) -> None:
    cols = [0, 15, 16, 27, 28, 34]  # code points: start, é, after é, 🙂, after 🙂, end
    assert [to_client(LINE, c, encoding) for c in cols] == expected
    assert [from_client(LINE, u, encoding) for u in expected] == cols


def test_encodings_agree_with_python_codecs() -> None:
    for col in range(len(LINE) + 1):
        prefix = LINE[:col]
        assert to_client(LINE, col, Encoding.UTF8) == len(prefix.encode("utf-8"))
        assert to_client(LINE, col, Encoding.UTF16) == len(prefix.encode("utf-16-le")) // 2


def test_inside_a_character_snaps_to_its_start_and_clamps_at_the_end() -> None:
    emoji = LINE.index("🙂")
    assert from_client(LINE, to_client(LINE, emoji, Encoding.UTF16) + 1, Encoding.UTF16) == emoji
    assert from_client(LINE, to_client(LINE, emoji, Encoding.UTF8) + 3, Encoding.UTF8) == emoji
    assert from_client(LINE, 10_000, Encoding.UTF16) == len(LINE)
    assert to_client(LINE, 10_000, Encoding.UTF8) == len(LINE.encode())


def test_token_columns_are_code_points() -> None:
    syntax = parse("module m // é\n" + LINE + "\n")
    tokens = syntax.stmts[1].tokens  # type: ignore[union-attr]
    assert [(t.text, t.col, t.end_col) for t in tokens] == [
        ("require", 0, 7),
        ("ex.com/é", 8, 16),
        ("v1.0.0", 17, 23),
    ]
    comment = syntax.stmts[1].comments.suffix[0]
    assert (comment.text, comment.col) == ("// 🙂 naïve", 24)
