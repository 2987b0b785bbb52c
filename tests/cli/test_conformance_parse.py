"""Conformance of ``gomodls parse --json`` and ``gomodls fmt`` with the real go command.

Expected outputs always come from the oracle (``go mod edit -json|-print`` /
``go work edit -json|-print``, see ``oracle.py``); nothing is hard-coded here.

(a) every go.mod / go.work of the corpus (``$GOMODLS_CORPUS``, default ``../shared/corpus``),
(b) every hand-written case of ``tests/cases/*.txt``: exact agreement (exit status, stdout bytes,
    stderr bytes), one test per file/case and command;
(c) ``$GOMODLS_CONFORMANCE_N`` (default 200) random valid and broken files per kind from
    ``modgen.py``, plus ``$GOMODLS_CONFORMANCE_MUTATED_N`` (default N/2) valid files with
    blind character edits (seeds from ``$GOMODLS_CONFORMANCE_SEED``, default 0): exit status,
    stdout (JSON and formatted text) and error line numbers must agree on 100% of the runs, the
    exact stderr (message and column) on at least 95% of the runs where go failed. Each test
    prints a summary (run with ``-s``) and the first mismatches with their seeds; reproduce one
    with ``python tests/modgen.py SEED mod|work valid|broken``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import modgen
from casefile import Case, load_cases
from conformance import CorpusFile, Score, corpus_files, corpus_root, mismatch_report, ours
from oracle import (
    EditCall,
    Oracle,
    Result,
    oracle_fixture,  # noqa: F401  (registers the `oracle` fixture)
)

N_RANDOM = int(os.environ.get("GOMODLS_CONFORMANCE_N", "200"))
N_MUTATED = int(os.environ.get("GOMODLS_CONFORMANCE_MUTATED_N", str(N_RANDOM // 2)))
SEED0 = int(os.environ.get("GOMODLS_CONFORMANCE_SEED", "0"))
EXACT_STDERR_TARGET = 0.95
COMMANDS = ("parse", "fmt")
GO_FLAG = {"parse": "-json", "fmt": "-print"}

CORPUS = corpus_files()
CASES = load_cases()


def _corpus_params() -> list[object]:
    if not CORPUS:
        reason = f"corpus not found at {corpus_root()} (set GOMODLS_CORPUS to its directory)"
        return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(f, id=f.id) for f in CORPUS]


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gomodls-cli")


# ----------------------------------------------------------------------------- oracle batches


@pytest.fixture(scope="module")
def corpus_expected(oracle: Oracle) -> dict[tuple[str, str], Result]:
    calls = [
        (f.id, cmd, EditCall(f.path.read_bytes(), f.kind, GO_FLAG[cmd], f.name))
        for f in CORPUS
        for cmd in COMMANDS
    ]
    results = oracle.edit_batch(c for _, _, c in calls)
    return {(fid, cmd): r for (fid, cmd, _), r in zip(calls, results, strict=True)}


@pytest.fixture(scope="module")
def cases_expected(oracle: Oracle) -> dict[tuple[str, str], Result]:
    calls = [(c.id, cmd, EditCall(c.data, c.kind, GO_FLAG[cmd], c.name)) for c in CASES for cmd in COMMANDS]
    results = oracle.edit_batch(c for _, _, c in calls)
    return {(cid, cmd): r for (cid, cmd, _), r in zip(calls, results, strict=True)}


# ----------------------------------------------------------------------------- (a) corpus


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("corpus_file", _corpus_params())
def test_corpus(
    corpus_file: CorpusFile, command: str, corpus_expected: dict[tuple[str, str], Result], cli_dir: Path
) -> None:
    go = corpus_expected[(corpus_file.id, command)]
    mine = ours(command, corpus_file.path.read_bytes(), corpus_file.name, cli_dir)
    report = mismatch_report(mine, go)
    assert not report, f"{corpus_file.id} ({command}) differs from go:\n{report}"


# ----------------------------------------------------------------------------- (b) cases


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_case(case: Case, command: str, cases_expected: dict[tuple[str, str], Result], cli_dir: Path) -> None:
    go = cases_expected[(case.id, command)]
    mine = ours(command, case.data, case.name, cli_dir, case.force_work)
    report = mismatch_report(mine, go)
    assert not report, (
        f"case {case.id} ({case.source}, {command}) differs from go\ninput: {case.data!r}\n{report}"
    )


# ----------------------------------------------------------------------------- (c) random


def _score(gens: list[modgen.Generated], oracle: Oracle, cli_dir: Path, title: str) -> Score:
    """Compare both commands on every generated file; go runs in the background meanwhile."""
    calls = [EditCall(g.data, g.kind, GO_FLAG[cmd], g.name) for g in gens for cmd in COMMANDS]
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(oracle.edit_batch, calls)
        mine = [ours(cmd, g.data, g.name, cli_dir) for g in gens for cmd in COMMANDS]
        expected = pending.result()
    score = Score()
    for k, (m, e) in enumerate(zip(mine, expected, strict=True)):
        g, cmd = gens[k // len(COMMANDS)], COMMANDS[k % len(COMMANDS)]
        score.add(f"{title} seed={g.seed} cmd={cmd} faults/edits={g.faults}", m, e)
    print(score.summary(title))
    return score


def _assert_targets(score: Score, title: str) -> None:
    summary = score.summary(title)
    assert score.status_ok == score.total, summary
    assert score.output_ok == score.total, summary
    assert score.lines_ok == score.failures, summary
    assert score.exact_rate >= EXACT_STDERR_TARGET, summary


@pytest.mark.parametrize("valid", [True, False], ids=["valid", "broken"])
@pytest.mark.parametrize("kind", ["mod", "work"])
def test_random(kind: modgen.Kind, valid: bool, oracle: Oracle, cli_dir: Path) -> None:
    title = f"random {kind} {'valid' if valid else 'broken'}"
    gens = list(modgen.samples(N_RANDOM, kind, valid, start=SEED0))
    _assert_targets(_score(gens, oracle, cli_dir, title), title)


@pytest.mark.parametrize("kind", ["mod", "work"])
def test_random_mutated(kind: modgen.Kind, oracle: Oracle, cli_dir: Path) -> None:
    """Valid files with blind character-level edits: same targets as the broken files."""
    title = f"mutated {kind}"
    gens = [modgen.generate_mutated(s, kind) for s in range(SEED0, SEED0 + N_MUTATED)]
    _assert_targets(_score(gens, oracle, cli_dir, title), title)


# ----------------------------------------------------------------------------- entry point


SMOKE_CASES = [
    "fmt-f1-basics",
    "mod-errors-accumulate-with-columns",
    "fmt-quote-invalid-utf8-unquoted",
    "work-f8-format",
    "work-force-flag",
    "lex-invalid-utf8-ident-ok",
]


@pytest.mark.parametrize("case_id", SMOKE_CASES)
def test_python_m_gomodls(
    case_id: str, cases_expected: dict[tuple[str, str], Result], tmp_path: Path
) -> None:
    """``python -m gomodls`` (real process, real stdout encoding) agrees with go too."""
    case = next(c for c in CASES if c.id == case_id)
    (tmp_path / case.name).write_bytes(case.data)
    for command in COMMANDS:
        argv = ["parse", "--json"] if command == "parse" else ["fmt"]
        argv += ["--work"] if case.force_work else []
        proc = subprocess.run(
            [sys.executable, "-m", "gomodls", *argv, case.name],
            cwd=tmp_path,
            capture_output=True,
            timeout=60,
            check=False,
        )
        mine = Result(proc.returncode, proc.stdout, proc.stderr)
        report = mismatch_report(mine, cases_expected[(case.id, command)])
        assert not report, f"python -m gomodls {command} on {case.id}:\n{report}"
