"""The module-graph checks as pure functions: which upgrade each level offers, skipping excluded,
retracted and pre-release versions, and never moving a pseudo-version back to an older release.
(End to end, with the real go command as the judge of the fixes: tests/lsp/test_module_checks.py.)"""

from __future__ import annotations

import pytest

from gomodls.analysis.graphchecks import GraphView, check_go_mod
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.resolve.moduleinfo import ModuleFacts
from gomodls.resolve.summary import Retraction

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
