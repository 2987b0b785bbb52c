"""gomodls.module.semver: the cases of x/mod's semver_test.go, then differential tests against Go."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given

from gomodls.module import semver
from goref import GoRef, assert_same_many
from gostrategies import batch, batches, expand, near_pairs, version_variants, versions

# (input, canonical form), in increasing order; equal canonical forms compare equal.
# From golang.org/x/mod/semver/semver_test.go.
GO_TESTS = [
    ("bad", ""),
    ("v1-alpha.beta.gamma", ""),
    ("v1-pre", ""),
    ("v1+meta", ""),
    ("v1-pre+meta", ""),
    ("v1.2-pre", ""),
    ("v1.2+meta", ""),
    ("v1.2-pre+meta", ""),
    ("v1.0.0-alpha", "v1.0.0-alpha"),
    ("v1.0.0-alpha.1", "v1.0.0-alpha.1"),
    ("v1.0.0-alpha.beta", "v1.0.0-alpha.beta"),
    ("v1.0.0-beta", "v1.0.0-beta"),
    ("v1.0.0-beta.2", "v1.0.0-beta.2"),
    ("v1.0.0-beta.11", "v1.0.0-beta.11"),
    ("v1.0.0-rc.1", "v1.0.0-rc.1"),
    ("v1", "v1.0.0"),
    ("v1.0", "v1.0.0"),
    ("v1.0.0", "v1.0.0"),
    ("v1.2", "v1.2.0"),
    ("v1.2.0", "v1.2.0"),
    ("v1.2.3-456", "v1.2.3-456"),
    ("v1.2.3-456.789", "v1.2.3-456.789"),
    ("v1.2.3-456-789", "v1.2.3-456-789"),
    ("v1.2.3-456a", "v1.2.3-456a"),
    ("v1.2.3-pre", "v1.2.3-pre"),
    ("v1.2.3-pre+meta", "v1.2.3-pre"),
    ("v1.2.3-pre.1", "v1.2.3-pre.1"),
    ("v1.2.3-zzz", "v1.2.3-zzz"),
    ("v1.2.3", "v1.2.3"),
    ("v1.2.3+meta", "v1.2.3"),
    ("v1.2.3+meta-pre", "v1.2.3"),
    ("v1.2.3+meta-pre.sha.256a", "v1.2.3"),
]


@pytest.mark.parametrize(("v", "want"), GO_TESTS)
def test_is_valid_and_canonical(v: str, want: str) -> None:
    assert semver.is_valid(v) == (want != "")
    assert semver.canonical(v) == want


@pytest.mark.parametrize(("v", "canon"), GO_TESTS)
def test_parts(v: str, canon: str) -> None:
    # The expectations are derived as in semver_test.go.
    assert semver.major(v) == (canon.split(".")[0] if canon else "")
    if canon:
        mm = v.split("+")[0].split("-")[0]
        mm = {0: mm + ".0", 1: mm, 2: mm[: mm.rfind(".")]}[mm.count(".")]
    else:
        mm = ""
    assert semver.major_minor(v) == mm
    assert semver.prerelease(v) == (canon[canon.index("-") :] if "-" in canon else "")
    assert semver.build(v) == (v[v.index("+") :] if canon and "+" in v else "")


def test_compare_table_order() -> None:
    for (i, (v, cv)), (j, (w, cw)) in itertools.product(enumerate(GO_TESTS), repeat=2):
        want = 0 if cv == cw else (-1 if i < j else 1)
        assert semver.compare(v, w) == want, (v, w)


@pytest.mark.parametrize(
    ("v", "w", "want"),
    [
        ("v1", "v1", 0),
        ("v2", "v1", 1),
        ("v1", "v2", -1),
        ("v1.19", "v1.2", 1),
        # Numbers of any length compare numerically (no int conversion limits).
        ("v1.2.99999999999999999999", "v1.2.100000000000000000000", -1),
        ("v1.0.0-99999999999999999999", "v1.0.0-100000000000000000000", -1),
        ("v" + "9" * 5000, "v1" + "0" * 5000, -1),
        # Numeric identifiers sort before alphanumeric ones, even "-".
        ("v1.0.0-999", "v1.0.0--", -1),
        ("v1.0.0-a", "v1.0.0-a.0", -1),
        ("v1.0.0+a", "v1.0.0+b", 0),
        ("", "bad", 0),
    ],
)
def test_compare_more(v: str, w: str, want: int) -> None:
    assert semver.compare(v, w) == want
    assert semver.compare(w, v) == -want


def test_max() -> None:
    for (i, (v, _)), (j, (w, _)) in itertools.product(enumerate(GO_TESTS), repeat=2):
        want = semver.canonical(w) if i < j else semver.canonical(v)
        assert semver.max_version(v, w) == want, (v, w)


def test_sort_puts_invalid_first_and_breaks_ties_by_string() -> None:
    shuffled = [v for v, _ in GO_TESTS] + ["v1.2.3+b", "v1.2.3+a", "a"]
    random.Random(1).shuffle(shuffled)
    got = semver.sort(shuffled)
    assert got[:9] == sorted(["bad", "a"] + [v for v, c in GO_TESTS[1:8]])
    for a, b in itertools.pairwise(got):
        assert semver.compare(a, b) < 0 or (semver.compare(a, b) == 0 and a < b)
    tail = [v for v in got if semver.canonical(v) == "v1.2.3"]
    assert tail == [
        "v1.2.3",
        "v1.2.3+a",
        "v1.2.3+b",
        "v1.2.3+meta",
        "v1.2.3+meta-pre",
        "v1.2.3+meta-pre.sha.256a",
    ]


def test_trailing_newline_is_invalid() -> None:
    # A regular expression with "$" would accept these.
    assert not semver.is_valid("v1.2.3\n")
    assert semver.canonical("v1.2.3+meta\n") == ""


# ------------------------------------------------------------------ differential


@batch
@given(batches(versions))
def test_single_argument_functions_matches_go(goref: GoRef, vs: list[str]) -> None:
    args = [(v,) for v in expand(vs, version_variants)]
    assert_same_many(goref, "semver.IsValid", semver.is_valid, args)
    assert_same_many(goref, "semver.Canonical", semver.canonical, args)
    assert_same_many(goref, "semver.Major", semver.major, args)
    assert_same_many(goref, "semver.MajorMinor", semver.major_minor, args)
    assert_same_many(goref, "semver.Prerelease", semver.prerelease, args)
    assert_same_many(goref, "semver.Build", semver.build, args)


@batch
@given(batches(versions, max_size=30), batches(versions, max_size=30))
def test_compare_and_max_matches_go(goref: GoRef, vs: list[str], ws: list[str]) -> None:
    pairs = list(itertools.product(vs, ws)) + near_pairs(vs, version_variants)
    assert_same_many(goref, "semver.Compare", semver.compare, pairs)
    assert_same_many(goref, "semver.Max", semver.max_version, pairs)


@batch
@given(batches(versions, max_size=20))
def test_compare_all_pairs_matches_go(goref: GoRef, vs: list[str]) -> None:
    # Every pair of the drawn versions, and of each version's variants.
    pairs = list(itertools.product(vs, repeat=2)) + near_pairs(vs, version_variants)
    assert_same_many(goref, "semver.Compare", semver.compare, pairs)


@batch
@given(batches(versions, min_size=0))
def test_sort_matches_go(goref: GoRef, vs: list[str]) -> None:
    # semver.Sort is a total order (ties broken by the strings), so the result is unique.
    vs = expand(vs, version_variants)
    assert semver.sort(vs) == goref.call("semver.Sort", *vs).out
