"""Go string semantics for Python str: bytes, UTF-8 validity, strconv.Quote and Unicode classes.

A Go string is a sequence of bytes that is usually, but not necessarily, UTF-8. A Python str
stands for one as follows: ordinary code points are their UTF-8 encoding, and the lone
surrogates U+DC80..U+DCFF stand for single invalid bytes 0x80..0xFF, as produced by
``bytes.decode("utf-8", "surrogateescape")``. Any other lone surrogate is taken as its
three-byte (invalid) UTF-8 encoding.

Go 1.27 implements Unicode 17.0.0 while Python 3.11's unicodedata implements 14.0.0. Between
those versions characters were only added, never removed from the letter or graphic classes,
so the Go classes are Python's plus the ranges below: the code points that became letters
(unicode.IsLetter) or printable (strconv.IsPrint) after Unicode 14. They were computed by
comparing Go 1.27.3 against Python 3.11 over every code point; tests/base/test_gostr.py
repeats that comparison against the running Python and Go.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

# fmt: off
_LETTERS_SINCE_14: tuple[tuple[int, int], ...] = (
    (0x088F, 0x088F), (0x0C5C, 0x0C5C), (0x0CDC, 0x0CDC), (0x1C89, 0x1C8A), (0xA7CB, 0xA7CF),
    (0xA7D2, 0xA7D2), (0xA7D4, 0xA7D4), (0xA7DA, 0xA7DC), (0xA7F1, 0xA7F1), (0x105C0, 0x105F3),
    (0x10940, 0x10959), (0x10D4A, 0x10D65), (0x10D6F, 0x10D85), (0x10EC2, 0x10EC7), (0x1123F, 0x11240),
    (0x11380, 0x11389), (0x1138B, 0x1138B), (0x1138E, 0x1138E), (0x11390, 0x113B5), (0x113B7, 0x113B7),
    (0x113D1, 0x113D1), (0x113D3, 0x113D3), (0x11BC0, 0x11BE0), (0x11DB0, 0x11DDB), (0x11F02, 0x11F02),
    (0x11F04, 0x11F10), (0x11F12, 0x11F33), (0x1342F, 0x1342F), (0x13441, 0x13446), (0x13460, 0x143FA),
    (0x16100, 0x1611D), (0x16D40, 0x16D6C), (0x16EA0, 0x16EB8), (0x16EBB, 0x16ED3), (0x16FF2, 0x16FF3),
    (0x187F8, 0x187FF), (0x18CFF, 0x18CFF), (0x18D09, 0x18D1E), (0x18D80, 0x18DF2), (0x1B132, 0x1B132),
    (0x1B155, 0x1B155), (0x1DF25, 0x1DF2A), (0x1E030, 0x1E06D), (0x1E4D0, 0x1E4EB), (0x1E5D0, 0x1E5ED),
    (0x1E5F0, 0x1E5F0), (0x1E6C0, 0x1E6DE), (0x1E6E0, 0x1E6E2), (0x1E6E4, 0x1E6E5), (0x1E6E7, 0x1E6ED),
    (0x1E6F0, 0x1E6F4), (0x1E6FE, 0x1E6FF), (0x2B739, 0x2B73F), (0x2CEA2, 0x2CEAD), (0x2EBF0, 0x2EE5D),
    (0x31350, 0x33479),
)

_PRINT_SINCE_14: tuple[tuple[int, int], ...] = (
    (0x088F, 0x088F), (0x0897, 0x0897), (0x0C5C, 0x0C5C), (0x0CDC, 0x0CDC), (0x0CF3, 0x0CF3),
    (0x0ECE, 0x0ECE), (0x1ACF, 0x1ADD), (0x1AE0, 0x1AEB), (0x1B4E, 0x1B4F), (0x1B7F, 0x1B7F),
    (0x1C89, 0x1C8A), (0x20C1, 0x20C1), (0x2427, 0x2429), (0x2B96, 0x2B96), (0x2FFC, 0x2FFF),
    (0x31E4, 0x31E5), (0x31EF, 0x31EF), (0xA7CB, 0xA7CF), (0xA7D2, 0xA7D2), (0xA7D4, 0xA7D4),
    (0xA7DA, 0xA7DC), (0xA7F1, 0xA7F1), (0xFBC3, 0xFBD2), (0xFD90, 0xFD91), (0xFDC8, 0xFDCE),
    (0x105C0, 0x105F3), (0x10940, 0x10959), (0x10D40, 0x10D65), (0x10D69, 0x10D85), (0x10D8E, 0x10D8F),
    (0x10EC2, 0x10EC7), (0x10ED0, 0x10ED8), (0x10EFA, 0x10EFF), (0x1123F, 0x11241), (0x11380, 0x11389),
    (0x1138B, 0x1138B), (0x1138E, 0x1138E), (0x11390, 0x113B5), (0x113B7, 0x113C0), (0x113C2, 0x113C2),
    (0x113C5, 0x113C5), (0x113C7, 0x113CA), (0x113CC, 0x113D5), (0x113D7, 0x113D8), (0x113E1, 0x113E2),
    (0x116D0, 0x116E3), (0x11B00, 0x11B09), (0x11B60, 0x11B67), (0x11BC0, 0x11BE1), (0x11BF0, 0x11BF9),
    (0x11DB0, 0x11DDB), (0x11DE0, 0x11DE9), (0x11F00, 0x11F10), (0x11F12, 0x11F3A), (0x11F3E, 0x11F5A),
    (0x1342F, 0x1342F), (0x13440, 0x13455), (0x13460, 0x143FA), (0x16100, 0x16139), (0x16D40, 0x16D79),
    (0x16EA0, 0x16EB8), (0x16EBB, 0x16ED3), (0x16FF2, 0x16FF6), (0x187F8, 0x187FF), (0x18CFF, 0x18CFF),
    (0x18D09, 0x18D1E), (0x18D80, 0x18DF2), (0x1B132, 0x1B132), (0x1B155, 0x1B155), (0x1CC00, 0x1CCFC),
    (0x1CD00, 0x1CEB3), (0x1CEBA, 0x1CED0), (0x1CEE0, 0x1CEF0), (0x1D2C0, 0x1D2D3), (0x1DF25, 0x1DF2A),
    (0x1E030, 0x1E06D), (0x1E08F, 0x1E08F), (0x1E4D0, 0x1E4F9), (0x1E5D0, 0x1E5FA), (0x1E5FF, 0x1E5FF),
    (0x1E6C0, 0x1E6DE), (0x1E6E0, 0x1E6F5), (0x1E6FE, 0x1E6FF), (0x1F6D8, 0x1F6D8), (0x1F6DC, 0x1F6DC),
    (0x1F774, 0x1F77F), (0x1F7D9, 0x1F7D9), (0x1F8B2, 0x1F8BB), (0x1F8C0, 0x1F8C1), (0x1F8D0, 0x1F8D8),
    (0x1FA54, 0x1FA57), (0x1FA75, 0x1FA77), (0x1FA87, 0x1FA8A), (0x1FA8E, 0x1FA8F), (0x1FAAD, 0x1FAAF),
    (0x1FABB, 0x1FABF), (0x1FAC6, 0x1FAC6), (0x1FAC8, 0x1FAC8), (0x1FACD, 0x1FACF), (0x1FADA, 0x1FADC),
    (0x1FADF, 0x1FADF), (0x1FAE8, 0x1FAEA), (0x1FAEF, 0x1FAEF), (0x1FAF7, 0x1FAF8), (0x1FBCB, 0x1FBEF),
    (0x1FBFA, 0x1FBFA), (0x2B739, 0x2B73F), (0x2CEA2, 0x2CEAD), (0x2EBF0, 0x2EE5D), (0x31350, 0x33479),
)
# fmt: on


_LETTER_STARTS = tuple(lo for lo, _ in _LETTERS_SINCE_14)
_PRINT_STARTS = tuple(lo for lo, _ in _PRINT_SINCE_14)


def _in_ranges(cp: int, starts: tuple[int, ...], ranges: tuple[tuple[int, int], ...]) -> bool:
    i = bisect_right(starts, cp) - 1
    return i >= 0 and cp <= ranges[i][1]


def is_letter(c: str) -> bool:
    """unicode.IsLetter for the single character c."""
    return unicodedata.category(c)[0] == "L" or _in_ranges(ord(c), _LETTER_STARTS, _LETTERS_SINCE_14)


def is_print(c: str) -> bool:
    """strconv.IsPrint (equivalently unicode.IsPrint) for the single character c."""
    # Both define printable as letters, marks, numbers, punctuation, symbols and U+0020.
    return c.isprintable() or _in_ranges(ord(c), _PRINT_STARTS, _PRINT_SINCE_14)


def _is_surrogate(c: str) -> bool:
    return "\ud800" <= c <= "\udfff"


def go_bytes(s: str) -> bytes:
    """The bytes of the Go string that s stands for."""
    try:
        return s.encode("utf-8")
    except UnicodeEncodeError:
        pass
    out = bytearray()
    for c in s:
        if "\udc80" <= c <= "\udcff":
            out.append(ord(c) - 0xDC00)
        else:
            out += c.encode("utf-8", "surrogatepass")
    return bytes(out)


def go_string_key(s: str) -> str:
    """A str that orders like the Go string s under Go's bytewise comparison.

    Code point order is UTF-8 byte order, except for the lone surrogates that stand for invalid
    bytes; so only non-ASCII strings are mapped, to a str with one character per byte.
    """
    return s if s.isascii() else go_bytes(s).decode("latin-1")


def is_valid_utf8(s: str) -> bool:
    """utf8.ValidString for the Go string that s stands for."""
    return s.isascii() or not any(_is_surrogate(c) for c in s)


_SIMPLE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def _escape_rune(c: str, quote: str) -> str:
    # strconv.appendEscapedRune with ASCIIonly and graphicOnly false.
    if c in (quote, "\\"):
        return "\\" + c
    if is_print(c):
        return c
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c]
    cp = ord(c)
    if cp < 0x20 or cp == 0x7F:
        return f"\\x{cp:02x}"
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def _is_plain(s: str) -> bool:
    return s.isascii() and s.isprintable() and '"' not in s and "\\" not in s


def quote(s: str) -> str:
    """strconv.Quote, which is also what fmt's %q does with a string."""
    if _is_plain(s):
        return '"' + s + '"'
    parts = ['"']
    for c in s:
        if _is_surrogate(c):
            # Invalid UTF-8: Go escapes each byte that does not start a valid rune.
            parts.extend(f"\\x{b:02x}" for b in go_bytes(c))
        else:
            parts.append(_escape_rune(c, '"'))
    parts.append('"')
    return "".join(parts)


def quote_rune(c: str) -> str:
    """fmt's %q applied to a rune (strconv.QuoteRune); c is a single character."""
    if _is_surrogate(c):
        c = "\ufffd"  # what ranging over invalid UTF-8 yields
    return "'" + _escape_rune(c, "'") + "'"


# unicode.IsSpace: the Latin-1 spaces plus the White_Space characters above them.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def is_escaped_byte(c: str) -> bool:
    """Whether c stands for an invalid UTF-8 byte (surrogateescape)."""
    return "\udc80" <= c <= "\udcff"


def rune_is_print(c: str) -> bool:
    """unicode.IsPrint of the rune Go decodes at c: an invalid byte decodes to U+FFFD, which is
    printable (this is how the modfile lexer and MustQuote see text)."""
    return is_print(c) or is_escaped_byte(c)


def all_print(s: str) -> bool:
    return s.isprintable() or all(rune_is_print(c) for c in s)


def trim_space(s: str) -> str:
    """strings.TrimSpace."""
    return s.strip(GO_SPACE)


def fields(s: str) -> list[str]:
    """strings.Fields: split around runs of unicode.IsSpace characters."""
    out: list[str] = []
    cur: list[str] = []
    for c in s:
        if c in GO_SPACE:
            if cur:
                out.append("".join(cur))
                cur = []
        else:
            cur.append(c)
    if cur:
        out.append("".join(cur))
    return out


class UnquoteError(ValueError):
    """strconv.ErrSyntax."""

    def __str__(self) -> str:
        return "invalid syntax"


_HEX = "0123456789abcdefABCDEF"
_UNESCAPE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def unquote(s: str) -> str:
    """strconv.Unquote for the double-quoted and back-quoted forms."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in '"`':
        raise UnquoteError()
    body = s[1:-1]
    if s[0] == "`":
        if "`" in body:
            raise UnquoteError()
        return body.replace("\r", "")
    if "\n" in body:
        raise UnquoteError()
    if "\\" not in body and '"' not in body:
        return "".join("\ufffd" if is_escaped_byte(c) else c for c in body)
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == '"':
            raise UnquoteError()
        if c != "\\":
            out.append("\ufffd" if is_escaped_byte(c) else c)
            i += 1
            continue
        if i + 1 >= n:
            raise UnquoteError()
        e = body[i + 1]
        i += 2
        if e in _UNESCAPE:
            out.append(_UNESCAPE[e])
        elif e in '\\"':
            out.append(e)
        elif e in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i : i + size]
            if len(digits) < size or any(d not in _HEX for d in digits):
                raise UnquoteError()
            value = int(digits, 16)
            i += size
            if e == "x":
                out.append(_byte_char(value))
                continue
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise UnquoteError()
            out.append(chr(value))
        elif e in "01234567":
            digits = body[i - 1 : i + 2]
            if len(digits) < 3 or any(d not in "01234567" for d in digits):
                raise UnquoteError()
            value = int(digits, 8)
            if value > 255:
                raise UnquoteError()
            i += 2
            out.append(_byte_char(value))
        else:
            raise UnquoteError()
    return "".join(out)


def _byte_char(value: int) -> str:
    """A byte from a \\x or octal escape; bytes >= 0x80 are not characters on their own."""
    return chr(value) if value < 0x80 else chr(0xDC00 + value)
