"""OSV entries and the index files: what the database publishes parses; what is malformed raises
Malformed with a reason, never anything else (random mutations included)."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodls.vuln.index import parse_db_modified, parse_modules
from gomodls.vuln.osv import Event, Malformed, parse_entry
from vulndb import affected, entry

# The shape of a real entry (GO-2022-0229: stdlib and a pseudo-version fix of x/crypto).
REAL = {
    "schema_version": "1.3.1",
    "id": "GO-2022-0229",
    "modified": "2023-04-03T15:57:51Z",
    "published": "2022-07-06T18:23:48Z",
    "aliases": ["CVE-2020-7919", "GHSA-cjjc-xp8v-855w"],
    "details": "On 32-bit architectures, a malformed input to crypto/x509 ... can lead to a panic.",
    "affected": [
        {
            "package": {"name": "stdlib", "ecosystem": "Go"},
            "ranges": [
                {
                    "type": "SEMVER",
                    "events": [
                        {"introduced": "0"},
                        {"fixed": "1.12.16"},
                        {"introduced": "1.13.0"},
                        {"fixed": "1.13.7"},
                    ],
                }
            ],
            "ecosystem_specific": {"imports": [{"path": "crypto/x509"}]},
        },
        {
            "package": {"name": "golang.org/x/crypto", "ecosystem": "Go"},
            "ranges": [
                {
                    "type": "SEMVER",
                    "events": [{"introduced": "0"}, {"fixed": "0.0.0-20200124225646-8b5121be2f68"}],
                }
            ],
            "ecosystem_specific": {
                "imports": [{"path": "golang.org/x/crypto/cryptobyte", "symbols": ["String.ReadASN1"]}]
            },
        },
    ],
    "references": [{"type": "FIX", "url": "https://go.dev/cl/216680"}],
    "credits": [{"name": "Project Wycheproof"}],
    "database_specific": {"url": "https://pkg.go.dev/vuln/GO-2022-0229"},
}


def test_real_entry() -> None:
    e = parse_entry(json.dumps(REAL).encode())
    assert e.id == "GO-2022-0229"
    assert e.aliases == ("CVE-2020-7919", "GHSA-cjjc-xp8v-855w")
    assert e.modified == datetime(2023, 4, 3, 15, 57, 51, tzinfo=UTC)
    assert e.withdrawn is None
    crypto = e.affected_module("golang.org/x/crypto")[0]
    assert crypto.ranges[0].events == (Event(zero=True), Event(fixed="v0.0.0-20200124225646-8b5121be2f68"))
    assert crypto.packages[0].path == "golang.org/x/crypto/cryptobyte"
    assert crypto.packages[0].symbols == ("String.ReadASN1",)
    assert e.url == "https://pkg.go.dev/vuln/GO-2022-0229"
    # No summary: the first paragraph of the details stands in.
    assert e.one_line_summary().startswith("On 32-bit architectures")


def test_withdrawn_and_non_semver_ranges() -> None:
    obj = entry("GO-2024-0001", [affected("example.com/m", [[("introduced", "0"), ("fixed", "1.2.0")]])])
    obj["withdrawn"] = "2024-06-01T00:00:00Z"
    obj["affected"][0]["ranges"].append({"type": "GIT", "events": [{"introduced": "abc"}]})
    e = parse_entry(json.dumps(obj).encode())
    assert e.withdrawn == datetime(2024, 6, 1, tzinfo=UTC)
    assert len(e.affected[0].ranges) == 1  # the GIT range is not read


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda o: o.pop("id"), "id: missing"),
        (lambda o: o.update(id="../x"), "id: missing or invalid"),
        (lambda o: o.update(modified="yesterday"), "modified: not an RFC 3339 time"),
        (lambda o: o.update(modified="2024-01-02T03:04:05"), "time without a zone"),
        (lambda o: o.update(aliases="CVE-1"), "aliases: not a list of strings"),
        (lambda o: o.update(affected={}), "affected: not a list"),
        (lambda o: o["affected"][0].pop("package"), "package.name: missing"),
        (lambda o: o["affected"][0]["package"].update(ecosystem="npm"), "not Go"),
        (lambda o: o["affected"][0]["ranges"][0].update(events=[]), "events: missing or empty"),
        (lambda o: o["affected"][0]["ranges"][0].update(events=[{"fixed": "1.0.0"}]), "no introduced event"),
        (
            lambda o: o["affected"][0]["ranges"][0]["events"].append({"fixed": "one"}),
            "not a semantic version",
        ),
        (
            lambda o: o["affected"][0]["ranges"][0]["events"].append(
                {"introduced": "1.0.0", "fixed": "1.1.0"}
            ),
            "exactly one of",
        ),
        (lambda o: o["affected"][0]["ranges"][0]["events"].append({"limit": "2.0.0"}), "limit events"),
        (lambda o: o["affected"][0].update(ecosystem_specific={"imports": [{}]}), "imports[0].path: missing"),
        (lambda o: o.update(references=[{"type": "WEB"}]), "references[0]: no url"),
        (lambda o: o.update(summary=3), "summary: not a string"),
    ],
)
def test_malformed_entries(change, reason: str) -> None:  # type: ignore[no-untyped-def]
    obj = entry("GO-2024-0002", [affected("example.com/m", [[("introduced", "0"), ("fixed", "1.2.0")]])])
    change(obj)
    with pytest.raises(Malformed, match=re.escape(reason)):
        parse_entry(json.dumps(obj).encode())


def test_not_json() -> None:
    for data in (b"", b"{", b"\xff\xfe", b"[]", b"null", b"[" * 100000):
        with pytest.raises(Malformed):
            parse_entry(data)


def test_index_files() -> None:
    modified = parse_db_modified(b'{"modified":"2023-04-03T15:57:51Z"}')
    index = parse_modules(
        json.dumps(
            [
                {
                    "path": "golang.org/x/crypto",
                    "vulns": [
                        {
                            "id": "GO-2022-0229",
                            "modified": "2023-04-03T15:57:51Z",
                            "fixed": "0.0.0-20200124225646-8b5121be2f68",
                        }
                    ],
                },
                {"path": "example.com/bad", "vulns": [{"id": "GO-1", "modified": "never"}]},
                {"vulns": []},
                {"path": "example.com/nofix", "vulns": [{"id": "GO-2", "modified": "2023-04-03T15:57:51Z"}]},
            ]
        ).encode(),
        modified,
    )
    assert index.vulns("golang.org/x/crypto")[0].fixed == "v0.0.0-20200124225646-8b5121be2f68"
    assert index.vulns("example.com/nofix")[0].fixed == ""
    assert "example.com/bad" not in index.modules
    assert len(index.skipped) == 2 and "modified: not an RFC 3339 time" in index.skipped[0]
    assert index.entry_modified["GO-2"] == modified
    for bad in (b"{}", b"nope", b'{"modified": 3}'):
        with pytest.raises(Malformed):
            parse_db_modified(bad)
    with pytest.raises(Malformed):
        parse_modules(b"{}", modified)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)


def _mutations(obj: object) -> st.SearchStrategy[object]:
    """The real entry with one value somewhere replaced by random JSON."""
    paths: list[tuple[object, ...]] = []

    def walk(o: object, path: tuple[object, ...]) -> None:
        paths.append(path)
        if isinstance(o, dict):
            for k, v in o.items():
                walk(v, (*path, k))
        elif isinstance(o, list):
            for i, v in enumerate(o):
                walk(v, (*path, i))

    walk(obj, ())

    def mutate(path: tuple[object, ...], value: object) -> object:
        copy = json.loads(json.dumps(obj))
        if not path:
            return value
        target = copy
        for key in path[:-1]:
            target = target[key]  # type: ignore[index]
        target[path[-1]] = value  # type: ignore[index]
        return copy

    return st.builds(mutate, st.sampled_from(paths), _json)


@settings(max_examples=300, deadline=None)
@given(_mutations(REAL))
def test_mutated_entries_never_crash(obj: object) -> None:
    with contextlib.suppress(Malformed):
        parse_entry(json.dumps(obj).encode())


@settings(max_examples=200, deadline=None)
@given(_json)
def test_random_index_never_crashes(obj: object) -> None:
    modified = datetime(2024, 1, 1, tzinfo=UTC)
    with contextlib.suppress(Malformed):
        parse_modules(json.dumps(obj).encode(), modified)
