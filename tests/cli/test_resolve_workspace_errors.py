"""`gomodls resolve` on a workspace whose modules cannot be loaded reports every one of them, as
the go command does (modload.loadModFile joins the errors of all `use` directories, each printed
after `go: `), with go's words and file names: the directory and its go.mod each shortened
relative to the directory go runs in (`use .` is module `.` with file `go.mod`). Compared byte
for byte with `go list -m all`, run in the workspace and, as `go -C DIR`, from its parent."""

from __future__ import annotations

from pathlib import Path

import pytest

from cliproc import go_env, run_go, run_gomodls
from oracle import (
    Oracle,
    oracle_fixture,  # noqa: F401  (registers the `oracle` fixture)
)

WORKSPACES = {
    "three-missing": {"go.work": "go 1.21\n\nuse (\n\t./a\n\t./b\n\t./c\n)\n"},
    "missing-broken-unnamed-good": {
        "go.work": "go 1.21\n\nuse (\n\t./a\n\t./b\n\t./c\n\t./d\n)\n",
        "b/go.mod": "module example.com/b\nrequire x\nfoo\n",
        "c/go.mod": "go 1.21\n",
        "d/go.mod": "module example.com/d\n\ngo 1.21\n",
    },
    "use-dot-without-go-mod": {
        "go.work": "go 1.21\n\nuse .\nuse ./a\n",
        "a/go.mod": "module example.com/a\n",
    },
    "use-dot-broken": {"go.work": "go 1.21\n\nuse .\n", "go.mod": "module example.com/m\nrequire (\n"},
    "outside-the-workspace": {"go.work": "go 1.21\n\nuse ../elsewhere\nuse ./a\n"},
}
MODULES = {
    "unterminated-block": "module example.com/m\nrequire (\n",
    "semantic-errors": "module example.com/m\nrequire x\nfoo\n",
    "no-module-line": "go 1.21\n",
}


@pytest.mark.parametrize("name", list(WORKSPACES))
def test_every_unloadable_module_in_gos_words(oracle: Oracle, tmp_path: Path, name: str) -> None:
    work = tmp_path / "ws"
    for rel, text in WORKSPACES[name].items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text)
    env = go_env(oracle, "work", work)
    inside_go = run_go(oracle, ["list", "-m", "all"], work, env)
    assert inside_go.rc == 1 and inside_go.stderr.startswith(b"go: cannot load module "), inside_go.summary()
    inside = run_gomodls(["resolve"], work, env)
    assert (inside.rc, inside.stdout, inside.stderr) == (inside_go.rc, inside_go.stdout, inside_go.stderr)
    outside_go = run_go(oracle, ["-C", "ws", "list", "-m", "all"], tmp_path, env)
    outside = run_gomodls(["resolve", "ws"], tmp_path, env)
    assert (outside.rc, outside.stdout, outside.stderr) == (
        outside_go.rc,
        outside_go.stdout,
        outside_go.stderr,
    )
    if name == "three-missing":
        assert inside_go.stderr.count(b"\n") == 3


@pytest.mark.parametrize("name", list(MODULES))
def test_a_main_module_that_cannot_be_loaded(oracle: Oracle, tmp_path: Path, name: str) -> None:
    """Module mode: the same words as `go list -m all` (file names as go gives them)."""
    mod = tmp_path / "m"
    mod.mkdir()
    (mod / "go.mod").write_text(MODULES[name])
    env = go_env(oracle, "mod", mod, GOFLAGS="-mod=readonly")
    for cwd, args in ((mod, []), (tmp_path, ["-C", "m"])):
        go = run_go(oracle, [*args, "list", "-m", "all"], cwd, env)
        assert go.rc == 1, go.summary()
        mine = run_gomodls(["resolve", *(["m"] if args else [])], cwd, env)
        assert (mine.rc, mine.stdout, mine.stderr) == (go.rc, go.stdout, go.stderr)
