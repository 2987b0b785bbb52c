"""go.sum and go.work.sum findings (gomodls.analysis.analyze_sum): codes, severities, ranges,
fixes, and the go command's own wording for the one check it makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodls.analysis import Severity
from gomodls.modfile.gosum import EMPTY_GO_MOD_HASH
from gomodls.module.sumhash import go_mod_hash
from oracle import oracle_fixture  # noqa: F401

from .helpers import assert_fix, check, codes, go_messages, only, text_at, write

H1 = go_mod_hash(b"module a.com/b\n")
H2 = go_mod_hash(b"module a.com/b\n\ngo 1.21\n")


@pytest.mark.parametrize("name", ["go.sum", "go.work.sum"])
def test_every_sum_code(tmp_path: Path, name: str) -> None:
    lines = [
        f"a.com/b v1.0.0/go.mod {H1}",  # 1: fine
        f"a.com/b v1.0.0/go.mod {H1}",  # 2: exact duplicate
        f"a.com/b v1.0.0/go.mod {H2}",  # 3: another h1 hash for the same key
        "a.com/c v1.0.0 h1:short",  # 4: bad h1 hash
        "a.com/d v1.0.0 h2:future",  # 5: unknown hash kind
        f"a.com/e v1.0.0/go.mod {EMPTY_GO_MOD_HASH}",  # 6: the hash an old go command wrote
        f"a.com/f 1.0 {H1}",  # 7: invalid version
        "a.com/g v1.0.0",  # 8: two fields
        "",
        f"  a.com/h\tv1.0.0   {H1}  extra",  # 10: four fields
    ]
    text = "\n".join(lines) + "\n"
    write(tmp_path, {name: text})
    found = check(tmp_path, name)
    got = [(f.range[0] + 1, f.code, f.severity, f.unnecessary, text_at(text, f.range)) for f in found]
    assert got == [
        (2, "duplicate-sum-line", Severity.WARNING, True, "a.com/b"),
        (3, "conflicting-sum-hash", Severity.ERROR, False, H2),
        (4, "bad-sum-hash", Severity.ERROR, False, "h1:short"),
        (5, "unknown-sum-hash", Severity.WARNING, False, "h2:future"),
        (6, "ignored-sum-hash", Severity.INFORMATION, True, EMPTY_GO_MOD_HASH),
        (7, "invalid-sum-version", Severity.WARNING, False, "1.0"),
        (8, "malformed-go-sum", Severity.ERROR, False, "a.com/g v1.0.0"),
        (10, "malformed-go-sum", Severity.ERROR, False, f"a.com/h\tv1.0.0   {H1}  extra"),
    ]
    messages = {f.code: f.message for f in found}
    assert messages == {
        "duplicate-sum-line": "duplicate go.sum line (same as line 1)",
        "conflicting-sum-hash": f"conflicting hashes for a.com/b v1.0.0/go.mod: line 1 has {H1}",
        "bad-sum-hash": 'malformed go.sum: bad h1: hash "h1:short" (expected h1: and 44 base64 characters of a SHA-256)',
        "unknown-sum-hash": 'the go command ignores hash "h2:future": only h1: hashes are known',
        "ignored-sum-hash": "the go command ignores this hash: it is the hash of an empty go.mod, written by an old go command bug",
        "invalid-sum-version": 'malformed go.sum: invalid version "1.0"',
        "malformed-go-sum": "malformed go.sum: wrong number of fields 4",
    }
    assert [len(f.fixes) for f in found] == [1, 0, 0, 0, 1, 0, 0, 0]


def test_remove_line_fixes(tmp_path: Path) -> None:
    text = (
        f"a.com/b v1.0.0/go.mod {H1}\na.com/b v1.0.0/go.mod {H1}\na.com/e v1.0.0/go.mod {EMPTY_GO_MOD_HASH}\n"
    )
    write(tmp_path, {"go.sum": text})
    dup = only(check(tmp_path, "go.sum"), "duplicate-sum-line")
    assert (dup.fixes[0].title, dup.fixes[0].preferred) == ("Remove this line", True)
    after = assert_fix(
        tmp_path,
        dup,
        f"a.com/b v1.0.0/go.mod {H1}\na.com/e v1.0.0/go.mod {EMPTY_GO_MOD_HASH}\n",
        name="go.sum",
    )
    assert codes(after) == ["ignored-sum-hash"]
    assert_fix(tmp_path, after[0], f"a.com/b v1.0.0/go.mod {H1}\n", name="go.sum")
    assert check(tmp_path, "go.sum") == []


def test_remove_last_line_without_newline(tmp_path: Path) -> None:
    write(tmp_path, {"go.sum": f"a.com/b v1.0.0 {H1}\na.com/b v1.0.0 {H1}"})
    dup = only(check(tmp_path, "go.sum"), "duplicate-sum-line")
    assert_fix(tmp_path, dup, f"a.com/b v1.0.0 {H1}\n", name="go.sum")


def test_malformed_go_sum_is_the_go_commands(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    versions = tmp_path / "proxy" / "a.com" / "b" / "@v"
    versions.mkdir(parents=True)
    (versions / "list").write_text("v1.0.0\n")
    (versions / "v1.0.0.info").write_text('{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}')
    (versions / "v1.0.0.mod").write_text("module a.com/b\n")
    go_sum = f"a.com/b v1.0.0/go.mod {H1}\na.com/b v1.0.0 h1:x extra\n"
    files = {"go.mod": "module example.com/m\n\ngo 1.21\n\nrequire a.com/b v1.0.0\n", "go.sum": go_sum}
    result = oracle.run(["list", "-m", "all"], files, env={"GOPROXY": (tmp_path / "proxy").as_uri()})
    assert result.rc == 1
    # "malformed go.sum:\n$WORK/go.sum:2: wrong number of fields 4": the file and line are ours
    # as a range, the rest is the message.
    assert go_messages(result) == ["malformed go.sum:", "wrong number of fields 4"]
    mod = tmp_path / "m"
    write(mod, files)
    f = only(check(mod, "go.sum"), "malformed-go-sum")
    assert f.range[0] == 1
    assert f.message == "malformed go.sum: wrong number of fields 4"


def test_clean_go_sum(tmp_path: Path) -> None:
    write(tmp_path, {"go.sum": f"a.com/b v1.0.0 {H2}\na.com/b v1.0.0/go.mod {H1}\n\n"})
    assert check(tmp_path, "go.sum") == []
