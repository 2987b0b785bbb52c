"""The gomodls command line: formats, exit statuses, and one clear message for bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from gomodls import __version__
from gomodls.cli import main

UNFORMATTED = (
    'module "example.com/m"\ngo 1.21\nrequire (\n    example.com/b v1.2\n    example.com/a v1.0.0\n)\n'
)
FORMATTED = (
    "module example.com/m\n\ngo 1.21\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.2.0\n)\n"
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(argv))
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def mod(tmp_path: Path) -> Path:
    path = tmp_path / "go.mod"
    path.write_text(UNFORMATTED)
    return path


def test_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "gomodls", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == f"gomodls {__version__}"


def test_fmt_prints_writes_lists_and_diffs(mod: Path) -> None:
    assert run("fmt", str(mod)) == (0, FORMATTED, "")
    rc, out, _ = run("fmt", "-l", str(mod))
    assert (rc, out) == (1, f"{mod}\n")
    rc, out, _ = run("fmt", "-d", str(mod))
    assert rc == 0 and out.startswith(f"--- {mod}.orig\n+++ {mod}\n") and "+\texample.com/a v1.0.0\n" in out
    os.chmod(mod, 0o640)
    assert run("fmt", "-w", str(mod))[0] == 0
    assert mod.read_text() == FORMATTED
    assert os.stat(mod).st_mode & 0o777 == 0o640
    assert run("fmt", "-l", str(mod)) == (0, "", "")
    mtime = os.stat(mod).st_mtime_ns
    assert run("fmt", "-w", str(mod))[0] == 0
    assert os.stat(mod).st_mtime_ns == mtime  # nothing to change, nothing written


def test_fmt_refuses_a_broken_file_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "go.mod"
    path.write_text("module m\nrequire x\n")
    rc, out, err = run("fmt", "-w", str(path))
    assert rc == 1 and out == ""
    assert err.endswith(f"{path}:2: usage: require module/path v1.2.3\n")
    assert path.read_text() == "module m\nrequire x\n"


def test_check_reports_positions_codes_and_status(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "go.mod").write_text("module m\n\nrequire (\n\tx\n)\nfoo bar\n")
    (tmp_path / "a" / "go.sum").write_text("example.com/a v1.0.0\n")
    (tmp_path / "testdata").mkdir()
    (tmp_path / "testdata" / "go.mod").write_text("broken\n")  # skipped: not part of any module
    rc, out, err = run("check", str(tmp_path))
    assert rc == 1 and err == "gomodls: 2 files checked: 3 errors, 0 warnings, 0 information\n"
    # go's positions: the start of the statement, or the line alone
    assert out.splitlines() == [
        f"{tmp_path}/a/go.mod:4:2: error: usage: require module/path v1.2.3 [usage]",
        f"{tmp_path}/a/go.mod:6: error: unknown directive: foo [unknown-directive]",
        f"{tmp_path}/a/go.sum:1: error: malformed go.sum: wrong number of fields 2 [malformed-go-sum]",
    ]
    rc, out, _ = run("check", "--format", "json", str(tmp_path / "a" / "go.mod"))
    findings = json.loads(out)
    assert rc == 1 and findings[0] == {
        "path": f"{tmp_path}/a/go.mod",
        "line": 4,
        "col": 2,
        "severity": "error",
        "message": "usage: require module/path v1.2.3",
        "code": "usage",
        "go": True,  # `go mod edit` reports it
    }


def test_check_clean_file_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(FORMATTED)
    assert run("check", str(tmp_path / "go.mod")) == (0, "", "")
    assert run("check", str(tmp_path)) == (
        0,
        "",
        "gomodls: 1 file checked: 0 errors, 0 warnings, 0 information\n",
    )
    assert run("check", "--severity", "error", str(tmp_path))[2] == "gomodls: 1 file checked: 0 errors\n"


@pytest.mark.parametrize("command", [["parse", "--json"], ["fmt"], ["check"]])
def test_bad_input_gives_one_message(tmp_path: Path, command: list[str]) -> None:
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    huge = tmp_path / "huge" / "go.mod"
    huge.parent.mkdir()
    with open(huge, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    cases = {
        str(tmp_path / "missing.mod"): "no such file or directory",
        str(huge): "file too large (50.0 MB; the limit is 16 MB)",
    }
    if command == ["check"]:
        cases[str(empty_dir)] = "no go.mod, go.work or go.sum files found"
    elif command == ["parse", "--json"]:
        cases[str(empty_dir)] = "is a directory"
    else:  # like gofmt: a directory without go.mod or go.work files is nothing to do
        assert run(*command, str(empty_dir)) == (0, "", "")
    for path, reason in cases.items():
        rc, out, err = run(*command, path)
        assert rc == 2, (path, err)
        assert err == f"gomodls: {path}: {reason}\n"
        assert out == ""


def test_binary_data(tmp_path: Path) -> None:
    """check refuses it in one line; parse and fmt say what Go says, which is one line too."""
    binary = tmp_path / "go.mod"
    binary.write_bytes(bytes(range(256)) * 64)
    assert run("check", str(binary)) == (
        2,
        "",
        f"gomodls: {binary}: binary data, not a go.mod, go.work or go.sum file\n",
    )
    for command in (["parse", "--json"], ["fmt"]):
        rc, out, err = run(*command, str(binary))
        assert (rc, out) == (1, "")
        assert err.splitlines()[1:] == [f"{binary}:1: unexpected input character '\\x00'"]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "go.mod"
    path.write_text("module m\n")
    real_open = os.open

    def deny(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)  # tests/cli/test_check_inputs.py does it for real
    assert run("check", str(path)) == (2, "", f"gomodls: {path}: permission denied\n")


def test_usage_error_exits_two() -> None:
    with pytest.raises(SystemExit) as exc, redirect_stderr(io.StringIO()):
        main(["fmt"])
    assert exc.value.code == 2
