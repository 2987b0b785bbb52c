"""gomodls.base.gostr: Go string semantics (quoting, Unicode classes) against Go itself."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from gomodls.base.gostr import (
    go_bytes,
    go_string_key,
    is_letter,
    is_print,
    is_valid_utf8,
    quote,
    quote_rune,
)
from goref import GoRef, assert_same_many
from gostrategies import INVALID_BYTES, batch, batches


def _expand(ranges: str) -> set[int]:
    out: set[int] = set()
    for part in ranges.split(","):
        lo, hi = (int(x, 16) for x in part.split("-"))
        out.update(range(lo, hi + 1))
    return out


def _ranges(cps: set[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for cp in sorted(cps):
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return [(lo, hi) for lo, hi in out]


def test_unicode_classes_match_go_everywhere(goref: GoRef) -> None:
    letters, printable = goref.call("unicode.Tables").out
    go_letters, go_print = _expand(letters), _expand(printable)
    everything = [chr(cp) for cp in range(0x110000)]
    py_letters = {ord(c) for c in everything if is_letter(c)}
    py_print = {ord(c) for c in everything if is_print(c)}
    # On a mismatch, the message lists the ranges to add to (or drop from) the tables in _gostr.
    assert py_letters == go_letters, (
        f"unicode.IsLetter, Unicode {unicodedata.unidata_version} vs Go: "
        f"missing {_ranges(go_letters - py_letters)}, extra {_ranges(py_letters - go_letters)}"
    )
    assert py_print == go_print, (
        f"strconv.IsPrint: missing {_ranges(go_print - py_print)}, extra {_ranges(py_print - go_print)}"
    )


def test_quote_examples() -> None:
    assert quote("abc") == '"abc"'
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    assert quote("\a\b\f\n\r\t\v\x00\x7f") == '"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f"'
    assert quote("é☺\u00a0\u2028\U000e0001") == '"é☺\\u00a0\\u2028\\U000e0001"'
    assert quote("a\udcffb\udc80") == '"a\\xffb\\x80"'
    assert quote_rune("'") == "'\\''"
    assert quote_rune('"') == "'\"'"
    assert quote_rune("\udcff") == "'\ufffd'"


def test_bytes_and_validity() -> None:
    assert go_bytes("é\udcff") == b"\xc3\xa9\xff"
    assert go_bytes("\ud800") == b"\xed\xa0\x80"
    assert is_valid_utf8("é") and not is_valid_utf8("a\udc80")
    # Go orders strings bytewise: an invalid byte 0xff sorts after any valid character.
    assert go_string_key("\udcff") > go_string_key("\U0010ffff")


_CHARS = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(["\x00", "\x1f", "\x7f", "\x85", "\xa0", "\xad", '"', "'", "\\", "\ufffd", "\U0001e6c0"]),
    st.sampled_from(INVALID_BYTES),
)


@batch
@given(batches(st.text(alphabet=_CHARS, max_size=8)))
def test_quote_matches_go(goref: GoRef, strings: list[str]) -> None:
    assert_same_many(goref, "strconv.Quote", quote, [(s,) for s in strings])


@batch
@given(batches(_CHARS))
def test_quote_rune_matches_go(goref: GoRef, chars: list[str]) -> None:
    assert_same_many(goref, "fmt.QuoteRune", quote_rune, [(c,) for c in chars])
