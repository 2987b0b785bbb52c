"""File names in messages: `gomodls parse --json` and `gomodls fmt` given unclean relative and
absolute paths, as processes, against `go mod edit -json|-print` / `go work edit -json|-print`
run in the same directory with the same environment: exit status, stdout and stderr bytes.

The go command names the file in the header through base.ShortPath (a relative path is printed
as given, never cleaned; an absolute one becomes relative to the current directory — $PWD when
it names it — if that is shorter and the same file); `go mod edit` puts the path as given in
front of each error, `go work edit` its ShortPath."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cliproc import go_env, run_go, run_gomodls
from conformance import mismatch_report
from gomodls.base.gofilepath import clean, rel, short_path
from oracle import (
    Oracle,
    oracle_fixture,  # noqa: F401  (registers the `oracle` fixture)
)

BROKEN_MOD = b"module m\nrequire x\nexclude y\n"  # two errors: both reported
GOOD_MOD = b"module m\nrequire x v1.2\n"
BROKEN_WORK = b"go 1.21\nuse\n"
GOOD_WORK = b"go 1.21\nuse ./a\n"
FILES = {
    "go.mod": BROKEN_MOD,
    "sub/go.mod": BROKEN_MOD,
    "ok/go.mod": GOOD_MOD,
    "go.work": BROKEN_WORK,
    "sub/go.work": BROKEN_WORK,
    "ok/go.work": GOOD_WORK,
    "sub/deeper/x": b"",
}


def spellings(root: Path, target: str) -> list[str]:
    """Ways to name `target` (relative to `root`, the current directory) on a command line."""
    d, base = os.path.split(target)
    prefix = f"{d}/" if d else ""
    return [
        target,
        f"./{target}",
        f"{prefix}/{base}" if d else f".//{base}",
        f"{prefix}./{base}",
        f"sub/../{target}",
        f"sub/deeper/../../{target}",
        f"{root}/{target}",
        f"{root}//{target}",
        f"{root}/./{target}",
        f"{root}/sub/../{target}",
        f"{root}/../{root.name}/{target}",
    ]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("paths")
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    os.symlink(root, root.parent / f"{root.name}-link")
    return root


def compare(oracle: Oracle, cwd: Path, path: str, command: str, pwd: str | None = None) -> str:
    kind = "work" if os.path.basename(path) == "go.work" else "mod"
    env = go_env(oracle, kind, cwd, os.path.join(cwd, path), PWD=pwd)
    flag = "-json" if command == "parse" else "-print"
    go = run_go(oracle, [kind, "edit", flag, path], cwd, env)
    ours = run_gomodls(["parse", "--json", path] if command == "parse" else ["fmt", path], cwd, env)
    report = mismatch_report(ours, go)
    return f"--- {command} {path} (cwd {cwd}, PWD={pwd})\n{report}" if report else ""


def run_all(oracle: Oracle, calls: list[tuple[Path, str, str, str | None]]) -> list[str]:
    with ThreadPoolExecutor(2) as pool:
        return [r for r in pool.map(lambda c: compare(oracle, *c), calls) if r]


@pytest.mark.parametrize("target", ["go.mod", "sub/go.mod", "go.work", "sub/go.work"])
def test_error_paths_like_go(oracle: Oracle, tree: Path, target: str) -> None:
    calls = [(tree, p, "parse", None) for p in spellings(tree, target)]
    calls += [(tree, p, "fmt", None) for p in spellings(tree, target)[::3]]
    problems = run_all(oracle, calls)
    assert not problems, "\n".join(problems)


def test_paths_from_a_subdirectory_and_through_a_symlinked_cwd(oracle: Oracle, tree: Path) -> None:
    """From sub/: `../go.mod`, and absolute paths that shorten to `../go.mod` or do not. Through a
    symlink to the directory with $PWD naming the link (os.Getwd believes $PWD when it names
    the current directory), and with a $PWD that names another directory (not believed)."""
    link = tree.parent / f"{tree.name}-link"
    sub = tree / "sub"
    calls = [
        (sub, p, cmd, None)
        for p in ["../go.mod", f"{tree}/go.mod", f"{tree}/sub/go.mod", f"{link}/go.mod", "../go.work"]
        for cmd in ("parse", "fmt")
    ]
    calls += [
        (tree, p, "parse", str(link)) for p in [f"{link}/go.mod", f"{tree}/go.mod", f"{link}/sub/go.work"]
    ]
    calls += [(tree, f"{tree}/sub/go.mod", "parse", str(sub))]  # a $PWD that is not the cwd
    calls += [(tree, p, "parse", None) for p in [f"{link}/go.mod", f"{tree}/ok/go.mod", f"{tree}/ok/go.work"]]
    problems = run_all(oracle, calls)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "path",
    [
        "",
        ".",
        "/",
        "//",
        "a//b/",
        "./a/./b/..",
        "../../a",
        "/../a/..",
        "/a/b/../../..",
        "a/../..",
        "a/b/c/../../..",
    ],
)
def test_clean_is_posixpath_normpath_but_for_leading_slashes(path: str) -> None:
    expected = os.path.normpath(path) if path else "."
    if expected.startswith("//"):
        expected = "/" + expected.lstrip("/")
    assert clean(path) == expected


def test_rel_and_short_path_follow_go() -> None:
    assert rel("/a/b", "/a/b/c/go.mod") == "c/go.mod"
    assert rel("/a/b", "/a/x/go.mod") == "../x/go.mod"
    assert rel("/a/b/c", "/go.mod") == "../../../go.mod"
    assert rel("/a/b", "/a/b") == "."
    assert rel("/a/b", "go.mod") is None  # one absolute, one relative: Go's error
    assert rel("../a", "b") is None  # would need the current directory
    assert rel("a", "../b") == "../../b"
    assert rel("a/b", "a/c") == "../c"
    assert short_path("./go.mod", "/nonexistent") == "./go.mod"  # relative: as given
    assert short_path("/nonexistent/x/../no-such.mod", "/nonexistent") == "no-such.mod"  # neither exists
