"""gomodls.module.pseudo: pseudo-version construction and parsing, and differential tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomodls.module import semver
from gomodls.module.errors import InvalidVersionError
from gomodls.module.pseudo import (
    dec_decimal,
    is_pseudo_version,
    is_zero_pseudo_version,
    pseudo_version,
    pseudo_version_base,
    pseudo_version_rev,
    pseudo_version_time,
    pseudo_version_timestamp,
    zero_pseudo_version,
)
from goref import GoRef, assert_same_many, py_call
from gostrategies import batch, batches, canonical_versions, expand, pseudo_shaped, version_variants, versions

PSEUDO_TIME = dt.datetime(2006, 1, 2, 15, 4, 5, tzinfo=dt.UTC)

# (major, older tag, pseudo-version for PSEUDO_TIME and revision "hash"); the forms documented in
# pseudo.go, as tabulated in x/mod's pseudo_test.go.
PSEUDO_TESTS = [
    ("", "", "v0.0.0-20060102150405-hash"),
    ("v0", "", "v0.0.0-20060102150405-hash"),
    ("v1", "", "v1.0.0-20060102150405-hash"),
    ("v2", "", "v2.0.0-20060102150405-hash"),
    ("unused", "v0.0.0", "v0.0.1-0.20060102150405-hash"),
    ("unused", "v1.2.3", "v1.2.4-0.20060102150405-hash"),
    ("unused", "v1.2.99999999999999999", "v1.2.100000000000000000-0.20060102150405-hash"),
    ("unused", "v1.2.3-pre", "v1.2.3-pre.0.20060102150405-hash"),
    ("unused", "v1.3.0-pre", "v1.3.0-pre.0.20060102150405-hash"),
    ("unused", "v0.0.0--", "v0.0.0--.0.20060102150405-hash"),
    ("unused", "v1.0.0+metadata", "v1.0.1-0.20060102150405-hash+metadata"),
    ("unused", "v2.0.0+incompatible", "v2.0.1-0.20060102150405-hash+incompatible"),
    ("unused", "v2.3.0-pre+incompatible", "v2.3.0-pre.0.20060102150405-hash+incompatible"),
]


@pytest.mark.parametrize(("major", "older", "version"), PSEUDO_TESTS)
def test_pseudo_version_round_trip(major: str, older: str, version: str) -> None:
    assert pseudo_version(major, older, PSEUDO_TIME, "hash") == version
    assert is_pseudo_version(version)
    assert pseudo_version_time(version) == PSEUDO_TIME
    assert pseudo_version_rev(version) == "hash"
    # The base is the older tag, except that build metadata other than +incompatible is lost.
    want_base = semver.canonical(older) + ("+incompatible" if older.endswith("+incompatible") else "")
    if older.endswith("+metadata"):
        want_base += "+metadata"
    assert pseudo_version_base(version) == want_base


def test_naive_and_other_zone_times() -> None:
    naive = dt.datetime(2006, 1, 2, 15, 4, 5)
    assert pseudo_version("v1", "", naive, "abc") == "v1.0.0-20060102150405-abc"
    plus_two = dt.datetime(2006, 1, 2, 17, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert pseudo_version("v1", "", plus_two, "abc") == "v1.0.0-20060102150405-abc"
    early = dt.datetime(7, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    assert pseudo_version("", "", early, "abc") == "v0.0.0-00070304050607-abc"


def test_zero_pseudo_version() -> None:
    assert zero_pseudo_version("") == "v0.0.0-00010101000000-000000000000"
    assert zero_pseudo_version("v2") == "v2.0.0-00010101000000-000000000000"
    assert is_zero_pseudo_version("v2.0.0-00010101000000-000000000000")
    assert not is_zero_pseudo_version("v2.0.0-00010101000000-000000000001")
    assert pseudo_version_time(zero_pseudo_version("v1")) == dt.datetime(1, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "v",
    [
        "v1.2.3",
        "v1.2.3-pre",
        "v0.0.0-2006010215040-hash",
        "v0.0.0-20060102150405",
        "v1.0.0-0.1.20060102150405-x",
        "v1.2.3-20060102150405-hash",
        "v0.0.0-20060102150405-ha-sh",
        "v1.2.4-0.20060102150405-hash\n",
    ],
)
def test_not_pseudo_versions(v: str) -> None:
    assert not is_pseudo_version(v)
    with pytest.raises(InvalidVersionError) as info:
        pseudo_version_rev(v)
    assert str(info.value) == f'pseudo-version "{v}" invalid: syntax error'.replace("\n", "\\n")


@pytest.mark.parametrize(
    ("v", "message"),
    [
        ("v1.0.0-20061302150405-hash", 'malformed time "20061302150405"'),
        ("v1.0.0-20060230150405-hash", 'malformed time "20060230150405"'),
        ("v1.0.0-20060102240405-hash", 'malformed time "20060102240405"'),
        ("v1.0.0-20060102156005-hash", 'malformed time "20060102156005"'),
        ("v1.0.0-20060102150460-hash", 'malformed time "20060102150460"'),
        ("v1.0.0-19000229150405-hash", 'malformed time "19000229150405"'),
    ],
)
def test_malformed_times(v: str, message: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        pseudo_version_time(v)
    assert str(info.value) == f'pseudo-version "{v}" invalid: {message}'


def test_leap_days_and_year_zero() -> None:
    assert pseudo_version_time("v1.0.0-20000229000000-h").day == 29
    # Go accepts the year 0000 (a leap year), which datetime cannot represent.
    assert pseudo_version_timestamp("v1.0.0-00000229000000-h") == "00000229000000"
    with pytest.raises(OverflowError):
        pseudo_version_time("v1.0.0-00000229000000-h")


@pytest.mark.parametrize(
    ("v", "message"),
    [
        (
            "v1.0.0-20060102150405-hash+incompatible",
            'lacks base version, but has build metadata "+incompatible"',
        ),
        ("v1.0.0-0.20060102150405-hash", "version before v1.0.0 would have negative patch number"),
    ],
)
def test_base_errors(v: str, message: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        pseudo_version_base(v)
    assert str(info.value) == f'pseudo-version "{v}" invalid: {message}'


@pytest.mark.parametrize(
    ("decimal", "want"),
    [
        ("1", "0"),
        ("10", "9"),
        ("100", "99"),
        ("11", "10"),
        ("20", "19"),
        ("1000", "999"),
        ("0", ""),
        ("00", ""),
    ],
)
def test_dec_decimal(decimal: str, want: str) -> None:
    assert dec_decimal(decimal) == want


# ------------------------------------------------------------------ differential


def _time_string(v: str) -> str:
    # The driver formats times as "2006-01-02T15:04:05Z07:00".
    return pseudo_version_time(v).strftime("%Y-%m-%dT%H:%M:%SZ").rjust(20, "0")


@batch
@given(batches(st.one_of(pseudo_shaped(), versions)))
def test_parsing_matches_go(goref: GoRef, vs: list[str]) -> None:
    vs = expand(vs, version_variants)
    args = [(v,) for v in vs]
    assert_same_many(goref, "module.IsPseudoVersion", is_pseudo_version, args)
    assert_same_many(goref, "module.IsZeroPseudoVersion", is_zero_pseudo_version, args)
    assert_same_many(goref, "module.PseudoVersionBase", pseudo_version_base, args)
    assert_same_many(goref, "module.PseudoVersionRev", pseudo_version_rev, args)
    # Year 0000 is the one thing pseudo_version_time cannot do; pseudo_version_timestamp checks it.
    no_year_zero = [
        (v,) for v in vs if not "".join(py_call(pseudo_version_timestamp, v).out).startswith("0000")
    ]
    assert_same_many(goref, "module.PseudoVersionTime", _time_string, no_year_zero)
    for v, go in zip(vs, goref.call_many("module.PseudoVersionTime", args), strict=True):
        py = py_call(pseudo_version_timestamp, v)
        assert py.err == go.err
        if go.err is None:
            assert go.out[0].replace("-", "").replace(":", "").replace("T", "")[:14] == py.out[0]


_MAJORS = st.sampled_from(["", "v0", "v1", "v2", "v10", "unused"])
_OLDER = st.one_of(
    st.just(""),
    canonical_versions,
    canonical_versions.map(lambda v: v + "+incompatible"),
    canonical_versions.map(lambda v: v + "+meta"),
    st.sampled_from(["v1.2", "v1", "v1.2.99", "v1.9.9999", "v0.0.0--", "bad"]),
)
_TIMES = st.datetimes(
    min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31), timezones=st.just(dt.UTC)
)
_REVS = st.sampled_from(["hash", "abcdef123456", "000000000000", "x"])


@batch
@given(batches(st.tuples(_MAJORS, _OLDER, _TIMES, _REVS), max_size=150))
def test_construction_matches_go(goref: GoRef, cases: list[tuple[str, str, dt.datetime, str]]) -> None:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    args = [(m, o, str((t - epoch) // dt.timedelta(seconds=1)), r) for m, o, t, r in cases]
    go = goref.call_many("module.PseudoVersion", args)
    for (m, o, t, r), want in zip(cases, go, strict=True):
        got = pseudo_version(m, o, t, r)
        assert [got] == want.out, (m, o, t, r)
        # Whatever was built, parsing must agree with Go too.
        assert_same_many(goref, "module.PseudoVersionBase", pseudo_version_base, [(got,)])
