"""The module-graph checks as pure functions: which upgrade each level offers, skipping excluded,
retracted and pre-release versions, and never moving a pseudo-version back to an older release.
(End to end, with the real go command as the judge of the fixes: tests/lsp/test_module_checks.py.)"""

from __future__ import annotations

import pytest

from gomodls.analysis import graphchecks
from gomodls.analysis.graphchecks import (
    GraphView,
    SumState,
    SumVerdict,
    check_go_mod,
    check_go_sum,
    merge_sum_lines,
    sum_lines_to_add,
)
from gomodls.base.textedit import apply_edits
from gomodls.modfile.gosum import parse_sum
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.moduleinfo import ModuleFacts
from gomodls.resolve.result import Result
from gomodls.resolve.summary import Retraction
from gomodls.resolve.upgrades import upgrades

VERSIONS = ["v1.0.0", "v1.0.1", "v1.0.2", "v1.1.0", "v1.2.0", "v1.3.0-rc.1"]


def messages(gomod: str, level: str, retractions: list[Retraction] | None = None) -> list[str]:
    model = parse_text(gomod, FileKind.MOD).model
    assert isinstance(model, ModFile)
    facts = ModuleFacts("example.com/a", VERSIONS, "v1.2.0", retractions or [])
    view = GraphView(facts=lambda p: facts if p == "example.com/a" else None, upgrade_level=level)
    return [f.message for f in check_go_mod(model, "/m/go.mod", view) if f.code == "upgrade-available"]


@pytest.mark.parametrize(
    ("level", "want"),
    [
        ("off", []),
        ("patch", ["example.com/a can be upgraded to v1.0.2"]),
        ("minor", ["example.com/a can be upgraded to v1.2.0"]),
    ],
)
def test_levels(level: str, want: list[str]) -> None:
    assert messages("module m\n\nrequire example.com/a v1.0.0\n", level) == want


def test_excluded_and_retracted_versions_are_skipped() -> None:
    gomod = "module m\n\nrequire example.com/a v1.0.0\n\nexclude example.com/a v1.2.0\n"
    assert messages(gomod, "minor", [Retraction("v1.1.0", "v1.1.0", "broken")]) == [
        "example.com/a can be upgraded to v1.0.2"
    ]


def test_pre_releases_only_from_a_pre_release() -> None:
    assert messages("module m\n\nrequire example.com/a v1.2.0\n", "minor") == []
    assert messages("module m\n\nrequire example.com/a v1.2.1-beta.1\n", "minor") == [
        "example.com/a can be upgraded to v1.3.0-rc.1"
    ]


def test_a_pseudo_version_is_not_moved_back() -> None:
    newer_than_all = "v1.2.1-0.20240102030405-abcdefabcdef"
    assert messages(f"module m\n\nrequire example.com/a {newer_than_all}\n", "minor") == []
    older = "v1.0.1-0.20240102030405-abcdefabcdef"
    assert messages(f"module m\n\nrequire example.com/a {older}\n", "minor") == [
        "example.com/a can be upgraded to v1.2.0"
    ]


# ---------------------------------------------------------------- go.sum lines and the checksum database

H_A, H_B, H_Z = "h1:" + "a" * 43 + "=", "h1:" + "b" * 43 + "=", "h1:" + "z" * 43 + "="


def sum_view(verdicts: dict[str, SumVerdict]) -> GraphView:
    hashes = {"example.com/a": H_A, "example.com/b": H_B}
    return GraphView(
        sum_path="/m/go.sum",
        mod_hash=lambda mv: hashes.get(mv.path),
        sum_verdict=lambda path, version, h: verdicts[path],
    )


KEYS = [ModuleVersion("example.com/a", "v1.0.0/go.mod"), ModuleVersion("example.com/b", "v1.0.0/go.mod")]


def test_only_writable_lines_are_added() -> None:
    verified, exempt = SumVerdict(SumState.VERIFIED), SumVerdict(SumState.EXEMPT, "GOSUMDB=off")
    for a, b in [(verified, exempt), (exempt, verified), (verified, verified)]:
        new, held = sum_lines_to_add(sum_view({"example.com/a": a, "example.com/b": b}), KEYS)
        assert held == []
        assert apply_edits("", merge_sum_lines("", new)) == (
            f"example.com/a v1.0.0/go.mod {H_A}\nexample.com/b v1.0.0/go.mod {H_B}\n"
        )


@pytest.mark.parametrize(
    "verdict",
    [
        SumVerdict(SumState.PENDING),
        SumVerdict(SumState.MISMATCH, "example.com/b@v1.0.0: verifying go.mod: checksum mismatch"),
        SumVerdict(SumState.FAILED, "example.com/b@v1.0.0: verifying go.mod: 503 Service Unavailable"),
    ],
)
def test_unverified_lines_are_held_back(verdict: SumVerdict) -> None:
    new, held = sum_lines_to_add(
        sum_view({"example.com/a": SumVerdict(SumState.VERIFIED), "example.com/b": verdict}), KEYS
    )
    assert apply_edits("", merge_sum_lines("", new)) == f"example.com/a v1.0.0/go.mod {H_A}\n"
    assert held == [(f"example.com/b v1.0.0/go.mod {H_B}", verdict)]


def test_a_pending_fix_waits_and_says_so() -> None:
    model = parse_text("module m\n\nrequire example.com/b v1.0.0\n", FileKind.MOD).model
    assert isinstance(model, ModFile)
    view = sum_view({"example.com/b": SumVerdict(SumState.PENDING)})
    view.result = Result([], required_sums=frozenset({ModuleVersion("example.com/b", "v1.0.0/go.mod")}))
    view.current = True
    [f] = [f for f in check_go_mod(model, "/m/go.mod", view) if f.code == "missing-go-sum-entry"]
    assert f.message.endswith(
        "\nexample.com/b@v1.0.0/go.mod: being verified with the checksum database (the fix adds it once verified)"
    )
    [fix] = f.fixes
    assert fix.edits == {} and fix.disabled == "waiting for the checksum database to verify 1 hash(es)"


def test_the_go_sum_fix_is_computed_when_looked_at(monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings are published on every keystroke; their fixes' edits are wanted only by code actions."""
    model = parse_text("module m\n\nrequire example.com/b v1.0.0\n", FileKind.MOD).model
    assert isinstance(model, ModFile)
    view = sum_view({"example.com/b": SumVerdict(SumState.VERIFIED)})
    view.sum_text = f"example.com/a v1.0.0/go.mod {H_A}\n"
    view.result = Result([], required_sums=frozenset({ModuleVersion("example.com/b", "v1.0.0/go.mod")}))
    view.current = True
    merges = []
    real = graphchecks.merge_sum_lines
    monkeypatch.setattr(graphchecks, "merge_sum_lines", lambda old, new: merges.append(1) or real(old, new))
    [f] = [f for f in check_go_mod(model, "/m/go.mod", view) if f.code == "missing-go-sum-entry"]
    [fix] = f.fixes
    assert merges == []
    [(path, edits)] = fix.edits.items()
    assert path == "/m/go.sum" and merges == [1]
    assert apply_edits(view.sum_text, edits) == (
        f"example.com/a v1.0.0/go.mod {H_A}\nexample.com/b v1.0.0/go.mod {H_B}\n"
    )
    assert dict(fix.edits) == {path: edits} and merges == [1], "computed once"


def test_upgrades_are_kept_per_facts() -> None:
    facts = ModuleFacts("example.com/a", VERSIONS, "v1.2.0", [Retraction("v1.1.0", "v1.1.0", "")])
    for current, excluded in [
        ("v1.0.0", frozenset()),
        ("v1.0.0", frozenset({"v1.2.0"})),
        ("v1.0.1", frozenset()),
    ]:
        want = upgrades(
            current,
            VERSIONS,
            excluded=excluded.__contains__,
            retracted=lambda v: facts.retraction(v) is not None,
        )
        assert facts.upgrades(current, excluded) == want
        assert facts.upgrades(current, excluded) is facts.upgrades(current, excluded)
    assert facts.upgrades("v1.0.0", frozenset({"v1.2.0"})).minor == "v1.0.2"


def test_go_sum_line_the_database_contradicts() -> None:
    sums = parse_sum(f"example.com/a v1.0.0 {H_Z}\nexample.com/b v1.0.0 {H_B}\n")
    refused = SumVerdict(SumState.MISMATCH, "SECURITY ERROR text")
    view = sum_view({"example.com/a": refused, "example.com/b": SumVerdict(SumState.VERIFIED)})
    [f] = check_go_sum(sums, view, "1.22")
    assert (f.code, f.message, f.range) == (
        "go-sum-mismatch",
        "SECURITY ERROR text",
        (0, 21, 0, 21 + len(H_Z)),
    )
