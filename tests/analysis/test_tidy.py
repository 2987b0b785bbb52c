"""Tidy findings follow the edits made after tidy ran, as long as those edits are tidy's own."""

from __future__ import annotations

from gomodls.analysis.findings import Action
from gomodls.analysis.tidy import tidy_findings
from gomodls.base.textedit import apply_edits
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text

BASE = "module m\n\ngo 1.22\n\nrequire (\n\ta.com/a v1.0.0 // indirect\n\tc.com/c v1.0.0\n)\n"
TIDIED = "module m\n\ngo 1.22\n\nrequire a.com/a v1.0.0\n\nrequire d.com/d v1.2.0 // indirect\n"


def model(text: str) -> ModFile:
    f = parse_text(text, FileKind.MOD).model
    assert isinstance(f, ModFile)
    return f


def codes(text: str) -> list[tuple[str, str]] | None:
    found = tidy_findings("go.mod", parse_text(text, FileKind.MOD), model(BASE), model(TIDIED))
    return None if found is None else [(f.code, f.message) for f in found]


def test_findings_and_fixes() -> None:
    assert codes(BASE) == [
        ("require-should-be-direct", "a.com/a should be direct"),
        ("unused-require", "c.com/c is not used in this module"),
        ("missing-require", "d.com/d is not in your go.mod file"),
    ]
    text = BASE
    while True:
        found = tidy_findings("go.mod", parse_text(text, FileKind.MOD), model(BASE), model(TIDIED))
        assert found is not None
        if not found:
            break
        text = apply_edits(text, found[0].fixes[0].edits["go.mod"])
        assert found[0].fixes[1].action == (Action.TIDY, ["go.mod"])
    assert {(r.mod.path, r.mod.version, r.indirect) for r in model(text).require} == {
        ("a.com/a", "v1.0.0", False),
        ("d.com/d", "v1.2.0", True),
    }


def test_other_changes_make_the_result_stale() -> None:
    assert codes(BASE.replace("c.com/c v1.0.0", "c.com/c v1.1.0")) is None  # a version tidy did not see
    assert codes(BASE.replace("go 1.22", "go 1.23")) is None
    assert codes(BASE + "replace c.com/c => ./c\n") is None
    assert codes(BASE + "exclude a.com/a v0.9.0\n") is None
    assert codes(BASE.replace("// indirect", "")) is not None  # tidy's own kinds of change
    assert codes(BASE.replace("\tc.com/c v1.0.0\n", "")) is not None
    assert codes(BASE + "require d.com/d v1.2.0\n") == [
        ("require-should-be-direct", "a.com/a should be direct"),
        ("unused-require", "c.com/c is not used in this module"),
        ("require-should-be-indirect", "d.com/d should be indirect"),
    ]
    assert codes("module m\n\ngo 1.22\nrequire (\n") is None  # does not parse
