"""`gomodls check` reports the go command's error(s) first, identically, then the rest.

Go stops at the first syntax error in its own order (a syntax error anywhere hides every
semantic error, even earlier ones), or reports every semantic error. gomodls recovers and goes
on, so `check` finds more: Go's report must still come first, with Go's lines, columns and
words, marked `"go": true` in the JSON; the other findings follow by position. Compared with
`go mod edit -json` / `go work edit -json` on files with several errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance import run_cli
from gomodls.analysis import CheckContext, analyze_parsed
from gomodls.analysis.context import DiskFiles
from gomodls.lsp.config import Settings
from gomodls.lsp.diagnostics import to_diagnostic
from gomodls.lsp.positions import Encoding
from gomodls.modfile.parsed import FileKind, parse_text
from oracle import (
    GoError,
    Oracle,
    Result,
    oracle_fixture,  # noqa: F401  (registers the `oracle` fixture)
)

CASES = {
    "syntax-error-after-a-semantic-one": ("go.mod", "module m\nrequire x\n/* bad\n"),
    "nul-after-semantic-errors": (
        "go.mod",
        "module m\nrequire x\nrequire (\n\tz v1.0.0\n\x00\n)\ngo 1.2.3.4\n",
    ),
    "only-semantic-errors": ("go.mod", "module m\nrequire x\nfoo\nexclude y v1\n"),
    "string-error-after-retract": ("go.mod", 'module m\ngo 1.21\nretract [v1.0.0\nbad "quote\n'),
    "unterminated-block-last": (
        "go.mod",
        "require x v1.0.0\nmodule a b\ntoolchain 1.21\nrequire ( // c\n)\nrequire (\n",
    ),
    "two-syntax-errors": ("go.mod", "module m\nrequire x\nfoo `\ngo 1.21 /* c */\n"),
    "work-syntax-after-semantic": ("go.work", "go 1.21\nuse\nuse ./a\n\x01\nreplace x => \n"),
    "work-semantic-only": ("go.work", "go 1.21\nuse\ntoolchain 1\nfoo\n"),
}


def go_report(oracle: Oracle, name: str, text: str) -> list[GoError]:
    kind = "work" if name == "go.work" else "mod"
    r = oracle.edit_json(text, kind)
    assert r.rc == 1, r.summary()
    return r.errors()


def check(tmp_path: Path, name: str, text: str, fmt: str) -> Result:
    return run_cli(["check", "--severity", "hint", "--format", fmt, name], {name: text.encode()}, tmp_path)


@pytest.mark.parametrize("case", list(CASES))
def test_gos_errors_come_first_and_identical(oracle: Oracle, tmp_path: Path, case: str) -> None:
    name, text = CASES[case]
    go = go_report(oracle, name, text)
    r = check(tmp_path, name, text, "json")
    assert r.rc == 1, r.summary()
    findings = json.loads(r.stdout)
    marked = [f for f in findings if f["go"]]
    assert findings[: len(go)] == marked, "Go's errors are not first"
    # Go leaves the column out for most semantic errors: ours is then where the problem starts.
    assert [
        (f["path"], f["line"], e.col or f["col"], f["message"]) for f, e in zip(marked, go, strict=False)
    ] == [(e.file, e.line, f["col"], e.msg) for f, e in zip(marked, go, strict=False)]
    assert len(marked) == len(go)
    rest = findings[len(go) :]
    assert [(f["line"], f["col"]) for f in rest] == sorted((f["line"], f["col"]) for f in rest)
    assert len(findings) >= 2, "not a multi-error case"
    lines = check(tmp_path, name, text, "text").stdout.decode().splitlines()
    assert len(lines) == len(findings)
    for line, e in zip(lines, go, strict=False):
        # The text gives go's own position (no column where go prints none); the JSON the precise one.
        at = f"{e.line}:{e.col}" if e.col else f"{e.line}"
        assert line.startswith(f"{e.file}:{at}: error: {e.msg.replace(chr(10) + chr(9), ' ')} [")


@pytest.mark.parametrize("case", list(CASES))
def test_the_language_server_publishes_gos_errors(oracle: Oracle, tmp_path: Path, case: str) -> None:
    """The LSP turns every finding into a diagnostic: Go's errors are among them, at Go's line
    and column with Go's words."""
    name, text = CASES[case]
    go = go_report(oracle, name, text)
    path = tmp_path / name
    path.write_text(text)
    parsed = parse_text(text, FileKind.of(name), name)
    findings = analyze_parsed(parsed, CheckContext(str(path), DiskFiles()))
    lines = text.split("\n")
    diagnostics = [to_diagnostic(f, lines, Encoding.UTF16, Settings(), lambda _: None) for f in findings]
    published = [(d.range.start.line + 1, d.range.start.character + 1, d.message) for d in diagnostics if d]
    for e in go:
        assert any((line, msg) == (e.line, e.msg) and e.col in (None, col) for line, col, msg in published), (
            e,
            published,
        )


def test_go_sum_the_go_commands_error_first(oracle: Oracle, tmp_path: Path) -> None:
    """The go command stops at the first go.sum line without three fields (readGoSum), even
    after lines with other problems (bad hashes, duplicates): that one comes first."""
    go_sum = "example.com/a v1.0.0 h1:abc\nexample.com/a v1.0.0 h1:abc\nexample.com/b v1.0.0\nbad\n"
    go_mod = "module example.com/m\n\ngo 1.21\n\nrequire example.com/a v1.0.0\n"
    go = oracle.run(["list", "-m", "all"], {"go.mod": go_mod, "go.sum": go_sum})
    header, where = go.stderr_text.splitlines()[:2]
    assert go.rc == 1 and header == "malformed go.sum:", go.summary()
    line, message = where.rsplit(":", 2)[1:]
    r = run_cli(["check", "--format", "json", "go.sum"], {"go.sum": go_sum.encode()}, tmp_path)
    findings = json.loads(r.stdout)
    assert [f["go"] for f in findings] == [True] + [False] * (len(findings) - 1)
    assert (findings[0]["line"], findings[0]["message"]) == (int(line), f"malformed go.sum:{message}")
    assert len(findings) >= 3 and findings[1]["line"] < findings[0]["line"]
