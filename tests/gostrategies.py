"""Hypothesis strategies biased towards the corners of Go's version and path rules."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import TypeVar

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

T = TypeVar("T")

# Lone surrogates U+DC80..U+DCFF stand for invalid UTF-8 bytes (surrogateescape).
INVALID_BYTES = ["\udc80", "\udcff", "\udcc3"]
# Letters that are new since Unicode 14 (Go has 17), a non-letter, a combining mark, a digit
# from another script, a Kelvin sign that case-folds to k, a space that is not ASCII.
UNICODE_SAMPLES = ["é", "e\u0301", "ß", "ı", "K", "ſ", "\U0001e6c0", "\u0897", "٣", "☺", "\u00a0", "\u2028"]

# ------------------------------------------------------------------ semantic versions

_NUMBERS = st.sampled_from(
    ["0", "1", "2", "3", "9", "10", "11", "01", "00", "007", "18446744073709551616", "9" * 30]
) | st.integers(0, 120).map(str)

_PRE_IDENTS = st.sampled_from(
    [
        "alpha",
        "beta",
        "rc",
        "pre",
        "0",
        "1",
        "2",
        "11",
        "01",
        "00",
        "x-y",
        "-",
        "--",
        "a1",
        "1a",
        "0a",
        "incompatible",
        "20060102150405",
        "abcdef123456",
        "",
        "Z",
        "zz",
        "é",
    ]
) | st.text(alphabet="0123456789abcXYZ-", max_size=4)

_BUILD_IDENTS = st.sampled_from(["incompatible", "meta", "0", "01", "sha", "256a", "", "-", "é"]) | st.text(
    alphabet="0123456789abXZ-", max_size=4
)


@st.composite
def _structured_version(draw: st.DrawFn) -> str:
    v = draw(st.sampled_from(["v", "v", "v", "v", "V", "", " v", "vv"])) + draw(_NUMBERS)
    parts = draw(st.integers(0, 3))
    if parts >= 1:
        v += "." + draw(_NUMBERS)
    if parts >= 2:
        v += "." + draw(_NUMBERS)
    if draw(st.booleans()):
        v += "-" + ".".join(draw(st.lists(_PRE_IDENTS, min_size=1, max_size=4)))
    if draw(st.booleans()):
        v += "+" + ".".join(draw(st.lists(_BUILD_IDENTS, min_size=1, max_size=3)))
    if draw(st.integers(0, 15)) == 0:
        v += draw(st.sampled_from(["\n", " ", ".", "-", "+", *INVALID_BYTES]))
    return v


def _field(samples: list[str], width: int) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(samples), st.text(alphabet="0123456789", min_size=width, max_size=width))


# yyyymmddhhmmss, assembled from boundary values of each field.
_TIMESTAMPS = st.one_of(
    st.builds(
        lambda *fields: "".join(fields),
        _field(["0000", "0001", "1900", "2000", "2004", "2023", "9999"], 4),
        _field(["00", "01", "02", "04", "12", "13"], 2),
        _field(["00", "01", "28", "29", "30", "31", "32"], 2),
        _field(["00", "23", "24"], 2),
        _field(["00", "59", "60"], 2),
        _field(["00", "59", "60"], 2),
    ),
    st.sampled_from(["20060102150405", "2006010215040", "200601021504050"]),
)

_REVS = st.sampled_from(["abcdef123456", "000000000000", "a", "ABC", "abc-def", "", "g0"]) | st.text(
    alphabet="0123456789abcdefXYZ", min_size=1, max_size=14
)


@st.composite
def pseudo_shaped(draw: st.DrawFn) -> str:
    major = draw(st.sampled_from(["v0", "v1", "v2", "v10", "v01"]))
    ts, rev = draw(_TIMESTAMPS), draw(_REVS)
    form = draw(st.integers(1, 4))
    if form == 1:
        v = f"{major}.0.0-{ts}-{rev}"
    elif form == 2:
        v = f"{major}.{draw(_NUMBERS)}.{draw(_NUMBERS)}-0.{ts}-{rev}"
    elif form == 3:
        pre = ".".join(draw(st.lists(_PRE_IDENTS, min_size=1, max_size=3)))
        v = f"{major}.{draw(_NUMBERS)}.{draw(_NUMBERS)}-{pre}.0.{ts}-{rev}"
    else:
        v = f"{major}.{draw(_NUMBERS)}.{draw(_NUMBERS)}-{draw(_PRE_IDENTS)}.{ts}-{rev}"
    if draw(st.booleans()):
        v += draw(st.sampled_from(["+incompatible", "+meta", "+", "+a.b"]))
    return v


_VERSION_CHARS = st.sampled_from([*"v0123456789.-+aAzZ~", "é", "\n", *INVALID_BYTES[:1]])

canonical_versions = st.builds(
    lambda nums, pre: "v" + ".".join(nums) + pre,
    st.lists(st.integers(0, 12).map(str) | st.just("18446744073709551616"), min_size=3, max_size=3),
    st.sampled_from(
        ["", "", "-0", "-1", "-pre", "-pre.1", "-pre.10", "-pre.2", "-rc.1", "-0.20060102150405-abc"]
    ),
)

versions = st.one_of(
    _structured_version(),
    pseudo_shaped(),
    st.text(alphabet=_VERSION_CHARS, max_size=14),
    st.sampled_from(["", "v", "v1", "v1.2", "v1.2.3", "bad", "none", "latest", "master", "upgrade"]),
)

# ------------------------------------------------------------------ Go toolchain versions

_GO_KINDS = st.sampled_from(["", "", "rc", "beta", "alpha", "testmod", "RC", "r c", "é"])


@st.composite
def _structured_go_version(draw: st.DrawFn) -> str:
    v = draw(_NUMBERS)
    parts = draw(st.integers(0, 2))
    if parts >= 1:
        v += "." + draw(st.sampled_from(["0", "1", "2", "9", "20", "21", "22", "100", "01"]) | _NUMBERS)
    if parts >= 2:
        v += "." + draw(_NUMBERS)
    kind = draw(_GO_KINDS)
    if kind:
        v += kind + draw(st.sampled_from(["", "1", "2", "10", "01", "0"]))
    if draw(st.integers(0, 10)) == 0:
        v += draw(st.sampled_from(["-bigcorp", " x", "\tx", "+auto", ".", "-", *INVALID_BYTES[:1]]))
    return v


go_versions = st.one_of(
    _structured_go_version(),
    st.text(alphabet=st.sampled_from([*"0123456789.rcbetaalph-x ", "é"]), max_size=10),
)

toolchain_names = st.one_of(
    go_versions.map(lambda v: "go" + v),
    go_versions,
    st.sampled_from(["default", "local", "go", "gccgo-go1.23rc4", "go1.21.0/x", "go1.21\\x", "Go1.21"]),
)

# ------------------------------------------------------------------ paths

# fmt: off
_GOOD_ELEMENTS = [
    "example.com", "golang.org", "github.com", "rsc.io", "x", "y", "a.b", "a-b", "a_b", "a~b", "quote",
    "v2", "v3", "v10", "yaml.v2", "yaml.v0", "yaml.v1", "yaml.v2-unstable", "x..y", "A", "Azure", "abc~a",
    "~", "x-", "_x", "lpt9x", "con2", "v", "vv2", "Go", "x.y.z", "a+b",
]
_TRICKY_ELEMENTS = [
    "gopkg.in", "v1", "v0", "v01", "v2.1", "v2a", "yaml.v01", "yaml.v-unstable", "yaml", "abc~1", "~1",
    "~12", "x~", "a~1b", "a~1.b", "LPT1~1", "v2~1",
    "x~0.txt", "CON", "con.txt", "Com1", "LPT1.foo", "NUL~1", "aux.", "ℂON", ".", "..", "...", ". .",
    ".x", "x.", "-x", "Example.COM", "a b", "a@b", "a!b", "a%20b", "", "испытание", "!azure", "!",
    "a!", "!!", "\\", ":", "*", '"', "'", "`", "<", "|", "?", "x☺y", *UNICODE_SAMPLES, *INVALID_BYTES,
]
# fmt: on
_ELEMENTS = st.sampled_from(_GOOD_ELEMENTS * 3 + _TRICKY_ELEMENTS)
_FIRST_ELEMENTS = st.sampled_from(
    ["example.com", "golang.org", "gopkg.in", "github.com", "rsc.io", "x.y", "a-b.c", "1.2", "x"] * 3
    + ["Example.com", "-x.com", "x_y.com", "é.com", ".x.com", "x.com.", "localhost", "", "go", "toolchain"]
)
_PATH_CHARS = st.sampled_from([*"ab.-_~/Av0123+@!%:\\*?[] ", "é", "ß", "\U0001e6c0", INVALID_BYTES[0]])


@st.composite
def _structured_path(draw: st.DrawFn) -> str:
    first = draw(_FIRST_ELEMENTS | _ELEMENTS)
    odd_element = st.text(alphabet=_PATH_CHARS, max_size=6)
    rest = draw(st.lists(st.one_of(_ELEMENTS, _ELEMENTS, _ELEMENTS, odd_element), max_size=4))
    path = "/".join([first, *rest])
    if draw(st.integers(0, 9)) == 0:
        path = draw(st.sampled_from(["/", "./", "../", "-"])) + path
    if draw(st.integers(0, 5)) == 0:
        path += draw(st.sampled_from(["/", "//", "/v2", "/v1", ".v1", ".v2-unstable", "-unstable"]))
    return path


_structured_paths = _structured_path()
paths = st.one_of(
    _structured_paths, _structured_paths, _structured_paths, st.text(alphabet=_PATH_CHARS, max_size=16)
)

# Escaped paths and versions: lower case with "!" escapes, plus the mistakes.
escaped = st.one_of(
    paths,
    st.text(alphabet=st.sampled_from([*"!abAZ./-v012é", *INVALID_BYTES[:1]]), max_size=14),
    _structured_path().map(lambda p: "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in p)),
)

# fmt: off
path_majors = st.sampled_from(
    ["", "/v2", "/v3", "/v10", "/v1", "/v0", "/v02", ".v0", ".v1", ".v2", ".v1-unstable", ".v-unstable",
     "/v2-unstable", "v2", "2", "x", "/", ".", ".v", "/v", "/vx", "/v2.0", "-unstable"]
)

# ------------------------------------------------------------------ glob patterns

_GLOB_PIECES = st.sampled_from(
    ["*", "**", "?", "[a-z]", "[^a]", "[^é]", "[é]", "[", "]", "\\", "\\*", "\\[", "[a-]", "[-a]",
     "[]a]", "[\\]]", "[a-\\z]", "[^]", "[]", "[\\", "[a", "é", "a", "b", "/", ",", "example.com",
     "rsc.io", "quote", ".", "x", "\ufffd", "[\ufffd]", "[^\ufffd]", *INVALID_BYTES[:1]]
)
# fmt: on
# Texts that a glob piece matches (a piece's default is itself), and texts to put instead.
_PIECE_MATCHES = {
    "*": ["", "a", "ab", "é"],
    "**": ["", "aa"],
    "?": ["a", "é", "\ufffd"],
    "[a-z]": ["a", "z"],
    "[^a]": ["b", "é"],
    "[^é]": ["a", "\ufffd"],
    "[é]": ["é"],
    "\\*": ["*"],
    "\\[": ["["],
    "[]a]": ["]", "a"],
    "[\\]]": ["]"],
    "[a-\\z]": ["a", "q"],
    "[\ufffd]": ["\ufffd"],
    "[^\ufffd]": ["a"],
}
_PIECE_MISSES = ["/", "", "é", "A", "ab", "a/b", INVALID_BYTES[0]]


@st.composite
def _pattern_and_name(draw: st.DrawFn) -> tuple[str, str]:
    """A pattern and a name that (nearly) matches it, piece by piece."""
    pieces = draw(st.lists(_GLOB_PIECES, min_size=1, max_size=6))
    name = []
    for piece in pieces:
        if draw(st.integers(0, 4)) == 0:
            name.append(draw(st.sampled_from(_PIECE_MISSES)))
        else:
            name.append(draw(st.sampled_from(_PIECE_MATCHES.get(piece, [piece]))))
    return "".join(pieces), "".join(name)


pattern_name_pairs = _pattern_and_name()
patterns = st.lists(_GLOB_PIECES, max_size=6).map("".join)
glob_lists = st.lists(patterns | st.sampled_from(["", "rsc.io/", "*.corp.example.com"]), max_size=4).map(
    ",".join
)
# fmt: off
match_names = st.one_of(
    st.lists(st.sampled_from(["a", "b", "é", "/", "x", ".", "-", "]", "*", "\\", "\ufffd", "rsc.io",
                              "quote", "example.com", *INVALID_BYTES[:1]]), max_size=6).map("".join),
    paths,
)
# fmt: on

# Differential tests draw lists of inputs and check each list in one round trip to Go. Hypothesis
# spends about a millisecond per drawn element, so the drawn lists are moderate and the tests
# multiply them cheaply: variants of each input (below) and cross products of lists.
batch = settings(
    max_examples=20,
    deadline=None,
    # The failure message lists every input that differs, so shrinking (slow on big batches) and
    # the explain phase add little.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def batches(
    strategy: st.SearchStrategy[T], min_size: int = 10, max_size: int = 60
) -> st.SearchStrategy[list[T]]:
    return st.lists(strategy, min_size=min_size, max_size=max_size)


def near_pairs(xs: Iterable[str], variants: Callable[[str], Iterable[str]]) -> list[tuple[str, str]]:
    """All ordered pairs within each input's family of variants: comparisons of near neighbours."""
    pairs: list[tuple[str, str]] = []
    for x in xs:
        family = list(dict.fromkeys([x, *variants(x)]))
        pairs.extend(itertools.product(family, repeat=2))
    return pairs


def expand(xs: Iterable[str], variants: Callable[[str], Iterable[str]]) -> list[str]:
    """xs followed by the variants of each, without duplicates."""
    return list(dict.fromkeys(itertools.chain(xs, *(variants(x) for x in xs))))


def version_variants(v: str) -> list[str]:
    """Near misses of a version: suffixes added or cut, prefix changed, case changed."""
    return [
        v + "+incompatible",
        v + ".0",
        v + "-0",
        v[:-1],
        v[1:],
        "v" + v,
        v.upper(),
        v.rpartition("-")[0],
        v.partition("+")[0],
        v.replace(".", "..", 1),
    ]


def path_variants(p: str) -> list[str]:
    """Near misses of a path: major version suffixes, prefixes, slashes, case, escapes."""
    return [
        p + "/v2",
        p + "/v1",
        p + ".v1",
        p + "-unstable",
        "gopkg.in/" + p,
        "example.com/" + p,
        p + "/",
        p.lower(),
        p.upper(),
        p.replace(".", ""),
        "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in p),
    ]


def go_version_variants(x: str) -> list[str]:
    """Near misses of a Go version or toolchain name."""
    return [
        "go" + x,
        x.removeprefix("go"),
        x + ".0",
        x + "rc1",
        x + "-bigcorp",
        x + "+auto",
        x.rpartition(".")[0],
        x[:-1],
    ]
