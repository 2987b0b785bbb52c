"""go.sum reading: the go command's own rule (three fields) checked against the real go
command, and the extra checks gomodls adds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gomodls.modfile.gosum import EMPTY_GO_MOD_HASH, is_h1_hash, parse_sum
from gomodls.module.sumhash import go_mod_hash
from oracle import oracle_fixture  # noqa: F401

CORPUS = Path(os.environ.get("GOMODLS_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus"))
H1 = go_mod_hash(b"module example.com/a\n")
H2 = go_mod_hash(b"module example.com/a\n\ngo 1.21\n")


def codes(text: str) -> list[tuple[int, str]]:
    return [(e.line + 1, e.code) for e in parse_sum(text).errors]


def test_corpus_go_sum_files_are_clean() -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.name.endswith(".sum")) if CORPUS.is_dir() else []
    if not files:
        pytest.skip(f"corpus not found at {CORPUS}")
    total = 0
    for path in files:
        parsed = parse_sum(path.read_text())
        assert parsed.errors == [], path
        total += len(parsed.lines)
    assert total > 5000


def test_fields_and_positions() -> None:
    parsed = parse_sum(f"example.com/a v1.0.0 {H1}\n\n  example.com/a\tv1.0.0/go.mod   {H2}  \n")
    assert [(s.line, s.path.text, s.module_version, s.go_mod) for s in parsed.lines] == [
        (0, "example.com/a", "v1.0.0", False),
        (2, "example.com/a", "v1.0.0", True),
    ]
    second = parsed.lines[1]
    assert (second.path.col, second.version.col, second.hash.col) == (2, 16, 32)
    assert parsed.hashes() == {("example.com/a", "v1.0.0"): [H1], ("example.com/a", "v1.0.0/go.mod"): [H2]}


def test_wrong_number_of_fields_matches_the_go_command(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The go command reads go.sum once it needs a checksum: require a module from a file:// proxy.
    versions = tmp_path / "proxy" / "example.com" / "a" / "@v"
    versions.mkdir(parents=True)
    (versions / "list").write_text("v1.0.0\n")
    (versions / "v1.0.0.info").write_text('{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}')
    (versions / "v1.0.0.mod").write_text("module example.com/a\n")
    go_sum = f"example.com/a v1.0.0/go.mod {H1}\nexample.com/a v1.0.0\n"
    result = oracle.run(
        ["list", "-m", "all"],
        {"go.mod": "module example.com/m\n\ngo 1.21\n\nrequire example.com/a v1.0.0\n", "go.sum": go_sum},
        env={"GOPROXY": (tmp_path / "proxy").as_uri()},
    )
    assert result.rc == 1
    assert "malformed go.sum:\n" in result.stderr_text
    assert "go.sum:2: wrong number of fields 2" in result.stderr_text
    [error] = parse_sum(go_sum).errors
    assert (error.line + 1, error.message) == (2, "malformed go.sum: wrong number of fields 2")


def test_hash_checks() -> None:
    assert is_h1_hash(H1)
    assert not is_h1_hash(H1[:-2] + "!=")
    assert not is_h1_hash("h1:abc")
    text = "\n".join(
        [
            f"example.com/a v1.0.0 {H1}",
            f"example.com/a v1.0.0 {H1}",  # exact duplicate
            f"example.com/a v1.0.0 {H2}",  # a second, different h1 hash
            "example.com/b v1.0.0 h1:short",
            "example.com/c v1.0.0 h2:somethingnew",
            f"example.com/d v1.0.0/go.mod {EMPTY_GO_MOD_HASH}",
            f"example.com/e 1.0 {H1}",
        ]
    )
    assert codes(text) == [
        (2, "duplicate-sum-line"),
        (3, "conflicting-sum-hash"),
        (4, "bad-sum-hash"),
        (5, "unknown-sum-hash"),
        (6, "ignored-sum-hash"),
        (7, "invalid-sum-version"),
    ]
    assert ("example.com/d", "v1.0.0/go.mod") not in parse_sum(text).hashes()
