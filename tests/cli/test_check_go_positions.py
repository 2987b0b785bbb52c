"""`gomodls check`'s text output gives the go command's own errors (`"go": true` in the JSON)
with go's exact `file:line[:col]` prefix: the start of the statement, or no column at all, where
go puts them (not the column of the token at fault, which the JSON and the editor keep). With
the severity (` error:`) and the code (` [code]`) taken out, those lines are go's error lines,
byte for byte (go's `\\n\\t` continuation lines joined with a space, as `check` prints one line
per finding).

Compared with `go mod edit -json` / `go work edit -json` on every hand-written case of
tests/cases that go rejects, every corpus file it rejects, and random broken and mutated files;
and on go.sum with `go list -m all`."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

import modgen
from casefile import load_cases
from conformance import corpus_files, run_cli
from gomodls.modfile.parsed import FileKind
from oracle import (
    EditCall,
    Oracle,
    Result,
    oracle_fixture,  # noqa: F401  (registers the `oracle` fixture)
)

# Cases that `check` reads as the kind go reads them: by the file's name (check has no --work).
CASES = [c for c in load_cases() if not c.force_work and FileKind.of(c.name).value == c.kind]
N_RANDOM = 150
_HEADERS = re.compile(r"^(go: )?errors parsing \S+:$")


def go_lines(stderr: str) -> list[str]:
    """go's error lines, continuation lines (`\\n\\t...`) joined with a space, headers dropped."""
    lines: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("\t") and lines:
            lines[-1] += " " + line[1:]
        elif not _HEADERS.match(line):
            lines.append(line)
    return lines


def checks_go_lines(name: str, data: bytes, workdir: Path) -> list[str] | None:
    """`check`'s text lines for the findings marked `"go": true`, without severity and code;
    None for a file `check` refuses as binary data (mostly NUL bytes: documented)."""
    text = run_cli(["check", "--severity", "hint", name], {name: data}, workdir)
    if (
        text.rc == 2
        and text.stderr_text == f"gomodls: {name}: binary data, not a go.mod, go.work or go.sum file\n"
    ):
        return None
    js = run_cli(["check", "--severity", "hint", "--format", "json", name], {name: data}, workdir)
    marked = [f for f in json.loads(js.stdout) if f["go"]]
    lines = text.stdout_text.splitlines()[: len(marked)]
    out = []
    for line, f in zip(lines, marked, strict=True):
        suffix = f" [{f['code']}]"
        assert line.endswith(suffix), line
        head, sep, message = line[: -len(suffix)].partition(": error: ")
        assert sep, line
        out.append(f"{head}: {message}")
    return out


def compare(inputs: Sequence[tuple[str, str, bytes]], oracle: Oracle, workdir: Path) -> tuple[int, list[str]]:
    """(how many inputs go rejects, the differences found on them)."""
    calls = [
        EditCall(data, "work" if name == "go.work" else "mod", "-json", name) for _, name, data in inputs
    ]
    failures, problems = 0, []
    for (label, name, data), go in zip(inputs, oracle.edit_batch(calls), strict=True):
        if go.rc == 0:
            continue
        failures += 1
        expected = go_lines(go.stderr_text)
        got = checks_go_lines(name, data, workdir)
        if got is not None and got != expected:
            problems.append(f"--- {label}: {data!r}\ngo:      {expected}\ngomodls: {got}")
    return failures, problems


def test_every_rejected_case(oracle: Oracle, tmp_path: Path) -> None:
    failures, problems = compare([(c.id, c.name, c.data) for c in CASES], oracle, tmp_path)
    assert failures >= 100, f"only {failures} cases that go rejects"
    assert not problems, "\n".join(problems)


def test_every_rejected_corpus_file(oracle: Oracle, tmp_path: Path) -> None:
    files = corpus_files()
    if not files:
        pytest.skip("no corpus (set GOMODLS_CORPUS)")
    _, problems = compare([(f.id, f.name, f.path.read_bytes()) for f in files], oracle, tmp_path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", ["mod", "work"])
def test_random_broken_and_mutated(kind: modgen.Kind, oracle: Oracle, tmp_path: Path) -> None:
    """The same rate as `gomodls parse`'s stderr (tests/cli/test_conformance_parse.py): the
    lines and columns come from the same errors."""
    gens = list(modgen.samples(N_RANDOM, kind, False)) + [
        modgen.generate_mutated(s, kind) for s in range(N_RANDOM // 2)
    ]
    failures, problems = compare([(f"seed={g.seed}", g.name, g.data) for g in gens], oracle, tmp_path)
    print(f"{kind}: go rejected {failures} of {len(gens)}; check's go lines differ on {len(problems)}")
    assert failures >= N_RANDOM // 2
    assert len(problems) <= 0.05 * failures, "\n".join(problems[:8])


def test_go_sum_line_without_a_column(oracle: Oracle, tmp_path: Path) -> None:
    """go.sum: go names the line only (`go.sum:3: wrong number of fields 2`)."""
    go_sum = "example.com/a v1.0.0 h1:abc\nexample.com/a v1.0.0 h1:abc\nexample.com/b v1.0.0\n"
    go_mod = "module example.com/m\n\ngo 1.21\n\nrequire example.com/a v1.0.0\n"
    go = oracle.run(["list", "-m", "all"], {"go.mod": go_mod, "go.sum": go_sum})
    header, where = go.stderr_text.splitlines()[:2]
    assert go.rc == 1 and header == "malformed go.sum:", go.summary()
    where = where.replace(go.workdir + "/", "") if go.workdir else where
    r: Result = run_cli(["check", "go.sum"], {"go.sum": go_sum.encode()}, tmp_path)
    first = r.stdout_text.splitlines()[0]
    assert first == f"{where.replace(': ', ': error: malformed go.sum: ', 1)} [malformed-go-sum]"
