"""gomodls.module.gover: the cases of cmd/go/internal/gover's tests, then differential tests."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomodls.module import gover
from gomodls.module.paths import ModuleVersion
from goref import GoRef, assert_same_many
from gostrategies import (
    batch,
    batches,
    expand,
    go_version_variants,
    go_versions,
    near_pairs,
    toolchain_names,
    versions,
)

# From cmd/go/internal/gover/gover_test.go.
COMPARE_TESTS = [
    ("", "", 0),
    ("x", "x", 0),
    ("", "x", 0),
    ("1", "1.1", -1),
    ("1.5", "1.6", -1),
    ("1.5", "1.10", -1),
    ("1.6", "1.6.1", -1),
    ("1.19", "1.19.0", 0),
    ("1.19rc1", "1.19", -1),
    ("1.20", "1.20.0", 0),
    ("1.20rc1", "1.20", -1),
    ("1.21", "1.21.0", -1),
    ("1.21", "1.21rc1", -1),
    ("1.21rc1", "1.21.0", -1),
    ("1.6", "1.19", -1),
    ("1.19", "1.19.1", -1),
    ("1.19rc1", "1.19", -1),
    ("1.19rc1", "1.19.1", -1),
    ("1.19rc1", "1.19rc2", -1),
    ("1.19.0", "1.19.1", -1),
    ("1.19rc1", "1.19.0", -1),
    ("1.19alpha3", "1.19beta2", -1),
    ("1.19beta2", "1.19rc1", -1),
    ("1.1", "1.99999999999999998", -1),
    ("1.99999999999999998", "1.99999999999999999", -1),
]


@pytest.mark.parametrize(("x", "y", "want"), COMPARE_TESTS)
def test_compare(x: str, y: str, want: int) -> None:
    assert gover.compare(x, y) == want
    assert gover.compare(y, x) == -want


@pytest.mark.parametrize(
    ("x", "want"),
    [("1.2rc3", "1.2"), ("1.2.3", "1.2"), ("1.2", "1.2"), ("1", "1"), ("1.999testmod", "1.999")],
)
def test_lang(x: str, want: str) -> None:
    assert gover.lang(x) == want


@pytest.mark.parametrize(
    ("x", "want"),
    [
        ("1.2rc3", False),
        ("1.2.3", False),
        ("1.999testmod", False),
        ("1.22", True),
        ("1.21", True),
        ("1.20", False),  # == 1.20.0
        ("1.19", False),  # == 1.19.0
        ("1.3", False),
        ("1.2", False),
        ("1", False),  # == 1.0.0
    ],
)
def test_is_lang(x: str, want: bool) -> None:
    assert gover.is_lang(x) == want


@pytest.mark.parametrize(
    ("x", "want"),
    [
        ("", ""),
        ("0", "0"),
        ("1.3rc4", "1.2"),
        ("1.3.5", "1.2"),
        ("1.3", "1.2"),
        ("1", "1"),
        ("1.99999999999999999", "1.99999999999999998"),
        ("1.40000000000000000", "1.39999999999999999"),
    ],
)
def test_prev(x: str, want: str) -> None:
    assert gover.prev(x) == want


@pytest.mark.parametrize(
    ("x", "want"),
    [
        ("1.2rc3", True),
        ("1.2.3", True),
        ("1.999testmod", True),
        ("1.600+auto", False),
        ("1.22", True),
        ("1.21.0", True),
        ("1.21rc2", True),
        ("1.21", True),
        ("1.20.0", True),
        ("1", True),
        ("1.21.3rc1", False),  # patch releases have no prereleases
        ("1.021", False),
        ("go1.21", False),
    ],
)
def test_is_valid(x: str, want: bool) -> None:
    assert gover.is_valid(x) == want


@pytest.mark.parametrize(
    ("name", "want"),
    [
        ("go1.2.3", "1.2.3"),
        ("1.2.3", ""),
        ("go1.2.3+bigcorp", ""),
        ("go1.2.3-bigcorp", "1.2.3"),
        ("go1.2.3-bigcorp more text", "1.2.3"),
        ("gccgo-go1.23rc4", ""),
        ("gccgo-go1.23rc4-bigdwarf", ""),
        ("go1.21.0 x/y", ""),  # no path separators anywhere
        ("go1.21rc1\tx", "1.21rc1"),
    ],
)
def test_from_toolchain(name: str, want: str) -> None:
    assert gover.from_toolchain(name) == want


@pytest.mark.parametrize(
    ("path", "x", "y", "want"),
    [
        ("go", "1.2", "1.3", -1),
        ("go", "v1.2", "v1.3", 0),  # equal because invalid
        ("go", "1.2", "1.2", 0),
        ("toolchain", "go1.2", "go1.3", -1),
        ("toolchain", "go1.2", "go1.2", 0),
        ("toolchain", "1.2", "1.3", -1),  # accepted but non-standard
        ("toolchain", "v1.2", "v1.3", 0),  # equal because invalid
        ("rsc.io/quote", "v1.2", "v1.3", -1),
        ("rsc.io/quote", "1.2", "1.3", 0),  # equal because invalid
    ],
)
def test_mod_compare(path: str, x: str, y: str, want: int) -> None:
    assert gover.mod_compare(path, x, y) == want


@pytest.mark.parametrize(
    ("path", "vers", "want"),
    [
        ("go", "1.2", True),
        ("go", "v1.2", False),
        ("toolchain", "go1.2", True),
        ("toolchain", "v1.2", False),
        ("rsc.io/quote", "v1.2", True),
        ("rsc.io/quote", "1.2", False),
    ],
)
def test_mod_is_valid(path: str, vers: str, want: bool) -> None:
    assert gover.mod_is_valid(path, vers) == want


def test_mod_sort() -> None:
    def mvl(s: str) -> list[tuple[str, str]]:
        return [tuple(f.strip().split(" ", 1)) for f in s.split(";")]  # type: ignore[misc]

    got = gover.mod_sort(mvl("z v1.1; a v1.2; a v1.1; go 1.3; toolchain 1.3; toolchain 1.2; go 1.2"))
    assert [tuple(m) for m in got] == mvl(
        "a v1.1; a v1.2; go 1.2; go 1.3; toolchain 1.2; toolchain 1.3; z v1.1"
    )


def test_mod_sort_keeps_the_callers_module_versions() -> None:
    """ModuleVersions are returned themselves (the module graph shares the model's), other
    pairs as new ModuleVersions."""
    b, a = ModuleVersion("b", "v1.0.0"), ModuleVersion("a", "v1.0.0")
    got = gover.mod_sort([b, ("c", "v1.0.0"), a])
    assert got[0] is a and got[1] is b
    assert got[2] == ModuleVersion("c", "v1.0.0") and type(got[2]) is ModuleVersion


def test_mod_helpers() -> None:
    assert gover.is_toolchain("go") and gover.is_toolchain("toolchain")
    assert not gover.is_toolchain("golang.org/toolchain")
    assert gover.mod_major_minor("toolchain", "go1.21.3") == "go1.21"
    assert gover.mod_major_minor("go", "1.21.3") == "1.21"
    assert gover.mod_major_minor("rsc.io/quote", "v1.5.2") == "v1.5"
    assert gover.mod_is_prefix("rsc.io/quote", "v1.5")
    assert not gover.mod_is_prefix("rsc.io/quote", "v1.5.2")
    assert gover.mod_is_prefix("go", "1.21")
    assert gover.mod_is_prerelease("toolchain", "go1.21rc1")


def test_go_mod_lookup() -> None:
    text = "module m\n\n  go\t1.21 // comment\ntoolchain go1.22.0\ngo 1.99\ngodebug x=1\n"
    assert gover.go_mod_lookup(text, "go") == "1.21"
    assert gover.go_mod_lookup(text, "toolchain") == "go1.22.0"
    assert gover.go_mod_lookup(text, "godebug") == "x=1"
    assert gover.go_mod_lookup(text, "missing") == ""
    # Go's TrimSpace does not treat U+001F as space, unlike Python's str.strip.
    assert gover.go_mod_lookup("\x1fgo 1.21\n", "go") == ""


# ------------------------------------------------------------------ differential


@batch
@given(batches(go_versions | toolchain_names))
def test_single_argument_functions_matches_go(goref: GoRef, xs: list[str]) -> None:
    args = [(x,) for x in expand(xs, go_version_variants)]
    for op, fn in [
        ("gover.IsValid", gover.is_valid),
        ("gover.IsLang", gover.is_lang),
        ("gover.Lang", gover.lang),
        ("gover.IsPrerelease", gover.is_prerelease),
        ("gover.Prev", gover.prev),
        ("gover.FromToolchain", gover.from_toolchain),
        ("gover.IsToolchain", gover.is_toolchain),
    ]:
        assert_same_many(goref, op, fn, args)


@batch
@given(batches(go_versions, max_size=20))
def test_compare_and_max_matches_go(goref: GoRef, xs: list[str]) -> None:
    pairs = list(itertools.product(xs, repeat=2)) + near_pairs(xs, go_version_variants)
    assert_same_many(goref, "gover.Compare", gover.compare, pairs)
    assert_same_many(goref, "gover.Max", gover.max_version, pairs)


_MOD_PATHS = st.sampled_from(["go", "toolchain", "rsc.io/quote", "golang.org/toolchain", ""])
_MOD_VERSIONS = st.one_of(go_versions, toolchain_names, versions)


@batch
@given(batches(_MOD_VERSIONS, max_size=20))
def test_mod_functions_matches_go(goref: GoRef, vs: list[str]) -> None:
    vs = expand(vs, go_version_variants)
    paths = ["go", "toolchain", "rsc.io/quote", "golang.org/toolchain", ""]
    cases = [(p, x, y) for p in paths for x, y in zip(vs, reversed(vs), strict=True)]
    assert_same_many(goref, "gover.ModCompare", gover.mod_compare, cases)
    pairs = [(p, x) for p in paths for x in vs]
    assert_same_many(goref, "gover.ModIsValid", gover.mod_is_valid, pairs)
    assert_same_many(goref, "gover.ModIsPrefix", gover.mod_is_prefix, pairs)
    assert_same_many(goref, "gover.ModIsPrerelease", gover.mod_is_prerelease, pairs)
    assert_same_many(goref, "gover.ModMajorMinor", gover.mod_major_minor, pairs)


def _flatten(entries: list[tuple[str, str]]) -> list[str]:
    return [s for entry in entries for s in entry]


# Versions that are distinct under each path's ordering, so that Go's sort order is determined.
_DISTINCT = {
    "go": ["1", "1.2", "1.20.1", "1.21", "1.21rc1", "1.21rc2", "1.21.0", "1.21.3", "1.22beta1", "2"],
    "toolchain": ["go1.20.1", "go1.21", "1.21rc1", "go1.21rc2", "go1.21.0", "go1.21.3-x", "2.0"],
    "rsc.io/quote": ["v0.1.0", "v1.0.0", "v1.5.2", "v1.5.3-pre", "v2.0.0+incompatible", "v1.10.0"],
}


@batch
@given(
    st.lists(
        st.sampled_from(sorted(_DISTINCT)).flatmap(
            lambda p: st.tuples(st.just(p), st.sampled_from(_DISTINCT[p]))
        ),
        unique=True,
        max_size=30,
    ),
    st.lists(st.sampled_from(["", "/go.mod"]), min_size=30, max_size=30),
)
def test_mod_sort_matches_go(goref: GoRef, entries: list[tuple[str, str]], files: list[str]) -> None:
    pairs = [(p, v + f) for (p, v), f in zip(entries, files, strict=False)]
    pairs = list(dict.fromkeys(pairs))
    got = _flatten([tuple(m) for m in gover.mod_sort(pairs)])
    assert got == goref.call("gover.ModSort", *_flatten(pairs)).out


_GO_MOD_TEXT = st.text(
    alphabet=st.sampled_from([*"gotolchain 1.2\t\n/x=", "\x1f", "\xa0", "\u2003"]), max_size=60
)


@batch
@given(
    batches(st.tuples(_GO_MOD_TEXT, st.sampled_from(["go", "toolchain", "godebug", "g", ""])), max_size=100)
)
def test_go_mod_lookup_matches_go(goref: GoRef, cases: list[tuple[str, str]]) -> None:
    assert_same_many(goref, "gover.GoModLookup", gover.go_mod_lookup, cases)
