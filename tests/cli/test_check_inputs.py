"""`gomodls check` on awkward trees: every unusable input gets one line on stderr and the rest
is still checked (exit status 2 when something could not be checked, 1 for errors found).

Run as processes: a FIFO would block an in-process run for ever (here the timeout fails the
test), and permissions must apply (a root test run drops the capabilities that bypass them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cliproc import permissions_apply, run_gomodls, unprivileged_preexec
from oracle import Result

BROKEN = b"module example.com/m\n\nrequire x\n"
FINDING = b"a/go.mod:3: error: usage: require module/path v1.2.3 [usage]\n"

needs_permissions = pytest.mark.skipif(
    not permissions_apply(), reason="running as root and cannot drop the capabilities that bypass permissions"
)


@pytest.fixture
def tree(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "tree"
    (root / "a").mkdir(parents=True)
    (root / "a" / "go.mod").write_bytes(BROKEN)
    (tmp_path / "home").mkdir()
    yield root
    for dirpath, dirnames, _ in os.walk(tmp_path):  # so that pytest can remove it
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755)


def summary(files: int, errors: int) -> bytes:
    """The last line on stderr of `check` given a directory: what was read, what was found."""
    return f"gomodls: {files} file{'s' if files > 1 else ''} checked: {errors} error{'s' if errors != 1 else ''}, 0 warnings, 0 information\n".encode()


def check(root: Path, *paths: str) -> Result:
    env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": str(root.parent / "home"), "LC_ALL": "C.UTF-8"}
    return run_gomodls(["check", *paths], root, env, preexec_fn=unprivileged_preexec(), timeout=30)


@needs_permissions
def test_unreadable_subdirectory_is_reported(tree: Path) -> None:
    (tree / "locked").mkdir()
    (tree / "locked" / "go.mod").write_bytes(BROKEN)
    os.chmod(tree / "locked", 0)
    r = check(tree, ".")
    assert (r.rc, r.stdout, r.stderr) == (
        2,
        b"./" + FINDING,
        b"gomodls: ./locked: permission denied\n" + summary(1, 1),
    )
    # Nothing readable at all: the permission error, not "no files found".
    r = check(tree, "locked")
    assert (r.rc, r.stdout, r.stderr) == (2, b"", b"gomodls: locked: permission denied\n")


@needs_permissions
def test_unreadable_file_is_reported(tree: Path) -> None:
    (tree / "b").mkdir()
    (tree / "b" / "go.sum").write_bytes(b"x v1.0.0 h1:abc\n")
    os.chmod(tree / "b" / "go.sum", 0)
    r = check(tree, "a", "b")
    assert (r.rc, r.stdout, r.stderr) == (
        2,
        FINDING,
        b"gomodls: b/go.sum: permission denied\n" + summary(1, 1),
    )


def test_fifo_is_skipped_not_waited_for(tree: Path) -> None:
    (tree / "p").mkdir()
    os.mkfifo(tree / "p" / "go.mod")
    os.mkfifo(tree / "a" / "go.sum")  # found while walking a directory
    r = check(tree, "p/go.mod", "a")
    assert r.rc == 2 and r.stdout == FINDING
    assert r.stderr == (
        b"gomodls: p/go.mod: not a regular file, skipped\ngomodls: a/go.sum: not a regular file, skipped\n"
        + summary(1, 1)
    )


def test_oversized_and_binary_files_are_reported_and_the_rest_checked(tree: Path) -> None:
    (tree / "big").mkdir()
    with open(tree / "big" / "go.mod", "wb") as fh:
        fh.truncate(17 * 1024 * 1024)
    (tree / "bin").mkdir()
    (tree / "bin" / "go.mod").write_bytes(bytes(range(256)) * 64)
    (tree / "z").mkdir()
    (tree / "z" / "go.mod").write_bytes(BROKEN)
    r = check(tree, ".")
    assert r.rc == 2
    assert r.stdout == b"./" + FINDING + b"./" + FINDING.replace(b"a/", b"z/")
    assert r.stderr == (
        b"gomodls: ./big/go.mod: file too large (17.0 MB; the limit is 16 MB)\n"
        b"gomodls: ./bin/go.mod: binary data, not a go.mod, go.work or go.sum file\n" + summary(2, 2)
    )


def test_a_path_without_files_does_not_hide_the_others(tree: Path) -> None:
    (tree / "empty").mkdir()
    r = check(tree, "empty", "a", "missing")
    assert r.rc == 2 and r.stdout == FINDING
    assert r.stderr == (
        b"gomodls: empty: no go.mod, go.work or go.sum files found\n"
        b"gomodls: missing: no such file or directory\n" + summary(1, 1)
    )
