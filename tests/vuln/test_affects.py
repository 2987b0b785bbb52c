"""Which versions an entry affects, and the version that fixes a module."""

from __future__ import annotations

import json

import pytest

from gomodls.module.paths import ModuleVersion
from gomodls.vuln.affects import affects, entry_affects, fixing_version, latest_fixed
from gomodls.vuln.index import parse_db_modified, parse_modules
from gomodls.vuln.match import candidate_ids, module_vulns
from gomodls.vuln.osv import Entry, parse_entry
from vulndb import VulnDBDir, affected, entry

M = "example.com/m"


def _entry(*ranges: list[tuple[str, str]], module: str = M, withdrawn: str | None = None) -> Entry:
    return parse_entry(
        json.dumps(entry("GO-2024-0001", [affected(module, ranges)], withdrawn=withdrawn)).encode()
    )


@pytest.mark.parametrize(
    ("ranges", "version", "want"),
    [
        ([[("introduced", "0"), ("fixed", "1.2.0")]], "v1.1.9", True),
        ([[("introduced", "0"), ("fixed", "1.2.0")]], "v1.2.0", False),
        ([[("introduced", "0"), ("fixed", "1.2.0")]], "v0.0.1", True),
        ([[("introduced", "1.1.0"), ("fixed", "1.2.0")]], "v1.0.9", False),
        ([[("introduced", "1.1.0"), ("fixed", "1.2.0")]], "v1.1.0", True),
        # No fix: every version from the introduction on.
        ([[("introduced", "1.1.0")]], "v9.0.0", True),
        # Several ranges in one entry, and events out of order in one range.
        (
            [[("introduced", "0"), ("fixed", "1.2.0")], [("introduced", "1.4.0"), ("fixed", "1.4.3")]],
            "v1.3.0",
            False,
        ),
        (
            [[("introduced", "0"), ("fixed", "1.2.0")], [("introduced", "1.4.0"), ("fixed", "1.4.3")]],
            "v1.4.2",
            True,
        ),
        (
            [[("fixed", "1.4.3"), ("introduced", "1.4.0"), ("fixed", "1.2.0"), ("introduced", "0")]],
            "v1.4.2",
            True,
        ),
        (
            [[("fixed", "1.4.3"), ("introduced", "1.4.0"), ("fixed", "1.2.0"), ("introduced", "0")]],
            "v1.3.0",
            False,
        ),
        # Pseudo-versions: ordered by their timestamps, between the releases around them.
        (
            [[("introduced", "0"), ("fixed", "0.0.0-20200124225646-8b5121be2f68")]],
            "v0.0.0-20191231000000-abcdefabcdef",
            True,
        ),
        (
            [[("introduced", "0"), ("fixed", "0.0.0-20200124225646-8b5121be2f68")]],
            "v0.0.0-20200301000000-abcdefabcdef",
            False,
        ),
        ([[("introduced", "0"), ("fixed", "0.0.0-20200124225646-8b5121be2f68")]], "v0.1.0", False),
        ([[("introduced", "0"), ("fixed", "1.2.0")]], "v1.2.0-pre.0.20240101000000-abcdefabcdef", True),
        ([[("introduced", "0"), ("fixed", "1.2.0")]], "v1.2.1-0.20240101000000-abcdefabcdef", False),
        # +incompatible is build metadata.
        ([[("introduced", "0"), ("fixed", "2.1.0")]], "v2.0.5+incompatible", True),
        ([[("introduced", "0"), ("fixed", "2.1.0")]], "v2.1.0+incompatible", False),
        # No ranges at all: every version.
        ([], "v1.0.0", True),
    ],
)
def test_affects(ranges: list[list[tuple[str, str]]], version: str, want: bool) -> None:
    e = _entry(*ranges)
    assert affects(e.affected[0].ranges, version) is want
    assert entry_affects(e, M, version) is want
    assert entry_affects(e, "example.com/other", version) is False


def test_withdrawn_and_unknown_versions_affect_nothing() -> None:
    e = _entry([("introduced", "0")], withdrawn="2024-06-01T00:00:00Z")
    assert not entry_affects(e, M, "v1.0.0")
    assert not entry_affects(_entry([("introduced", "0")]), M, "")  # a directory replacement


def test_latest_fixed() -> None:
    assert (
        latest_fixed(
            _entry([("introduced", "0"), ("fixed", "1.2.0"), ("introduced", "1.3.0"), ("fixed", "1.3.4")])
            .affected[0]
            .ranges
        )
        == "v1.3.4"
    )
    assert (
        latest_fixed(
            _entry([("introduced", "0"), ("fixed", "1.2.0"), ("introduced", "1.3.0")]).affected[0].ranges
        )
        == ""
    )
    assert latest_fixed(_entry([("introduced", "1.0.0")]).affected[0].ranges) == ""


VERSIONS = ["v1.0.0", "v1.1.0", "v1.2.0", "v1.2.1", "v1.3.0-rc.1", "v1.3.0", "v1.4.0"]


def test_fixing_version_fixes_every_entry() -> None:
    a = _entry([("introduced", "0"), ("fixed", "1.2.0")])
    b = parse_entry(
        json.dumps(
            entry("GO-2024-0002", [affected(M, [[("introduced", "1.1.0"), ("fixed", "1.2.1")]])])
        ).encode()
    )
    assert fixing_version([a, b], M, "v1.1.0", VERSIONS) == ("v1.2.1", [a, b])
    assert fixing_version([a], M, "v1.1.0", VERSIONS) == ("v1.2.0", [a])


def test_fixing_version_skips_retracted_excluded_and_prereleases() -> None:
    a = _entry([("introduced", "0"), ("fixed", "1.2.0")])
    # The fixed version itself is retracted: the next one that is not.
    assert fixing_version([a], M, "v1.0.0", VERSIONS, retracted=lambda v: v == "v1.2.0")[0] == "v1.2.1"
    assert (
        fixing_version([a], M, "v1.0.0", VERSIONS, excluded=lambda v: v in ("v1.2.0", "v1.2.1"))[0]
        == "v1.3.0"
    )
    c = _entry([("introduced", "0"), ("fixed", "1.3.0-rc.1")])
    assert fixing_version([c], M, "v1.2.0", VERSIONS)[0] == "v1.3.0"
    assert fixing_version([c], M, "v1.3.0-beta.1", VERSIONS)[0] == "v1.3.0-rc.1"
    assert fixing_version([a], M, "v1.0.0", VERSIONS, retracted=lambda v: True) == ("", [])


def test_fixing_version_pseudo_version_fix() -> None:
    # The fix exists only as a commit: its pseudo-version is a candidate though the proxy does
    # not list it, and it is the smallest that fixes.
    e = _entry([("introduced", "0"), ("fixed", "0.0.0-20200124225646-8b5121be2f68")])
    got = fixing_version([e], M, "v0.0.0-20190101000000-aaaaaaaaaaaa", ["v0.1.0"])
    assert got == ("v0.0.0-20200124225646-8b5121be2f68", [e])


def test_fixing_version_with_an_unfixed_entry() -> None:
    a = _entry([("introduced", "0"), ("fixed", "1.2.0")])
    never = parse_entry(
        json.dumps(entry("GO-2024-0003", [affected(M, [[("introduced", "1.0.0")]])])).encode()
    )
    # The unfixed entry does not hold the fix of the other back; it is not among those fixed.
    assert fixing_version([a, never], M, "v1.1.0", VERSIONS) == ("v1.2.0", [a])
    assert fixing_version([never], M, "v1.1.0", VERSIONS) == ("", [])


def test_index_prefilter_and_match(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = VulnDBDir(tmp_path)
    db.add(
        entry("GO-2024-0001", [affected(M, [[("introduced", "0"), ("fixed", "1.2.0")]])]),
        entry("GO-2024-0002", [affected(M, [[("introduced", "1.5.0")]])]),
        entry(
            "GO-2024-0003",
            [
                affected(
                    M,
                    [
                        [("introduced", "0"), ("fixed", "1.0.0")],
                        [("introduced", "1.1.0"), ("fixed", "1.1.5")],
                    ],
                )
            ],
        ),
        entry("GO-2024-0004", [affected(M, [[("introduced", "0")]])], withdrawn="2024-06-01T00:00:00Z"),
    ).publish()
    modified = parse_db_modified((tmp_path / "index/db.json").read_bytes())
    index = parse_modules((tmp_path / "index/modules.json").read_bytes(), modified)
    # v1.3.0 is past the latest fix of 0001 and 0003: only the unfixed ones need fetching.
    assert candidate_ids(index, [ModuleVersion(M, "v1.3.0")]) == {"GO-2024-0002", "GO-2024-0004"}
    assert candidate_ids(index, [ModuleVersion(M, "v1.1.0")]) == {
        "GO-2024-0001",
        "GO-2024-0002",
        "GO-2024-0003",
        "GO-2024-0004",
    }
    entries = {i: parse_entry((tmp_path / f"ID/{i}.json").read_bytes()) for i in db.entries}
    got = module_vulns(index, entries, ModuleVersion(M, "v1.1.0"))
    assert got is not None and got.ids() == ["GO-2024-0001", "GO-2024-0003"]
    assert module_vulns(index, entries, ModuleVersion(M, "v1.3.0")) is None
    got = module_vulns(index, {}, ModuleVersion(M, "v1.1.0"))
    assert got is not None and got.entries == () and len(got.unread) == 4
