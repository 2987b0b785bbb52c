"""Running the go command: all of its output is kept, up to the limit, however it arrives
(a fake `go` on PATH writes in pieces, with pauses between them)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gomodls.gocommand import gorun

FAKE_GO = """#!/bin/sh
printf 'go: finding module for package example.com/b\\n' >&2
sleep 0.2
printf 'go: example.com/m imports example.com/missing: cannot find module\\n' >&2
head -c 300000 /dev/zero | tr '\\0' 'x'
exit 1
"""


def fake_go(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    go = bin_dir / "go"
    go.write_text(FAKE_GO)
    go.chmod(0o755)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin"}


async def test_output_written_in_pieces_is_all_kept(tmp_path: Path) -> None:
    result = await gorun.run_go(["mod", "tidy"], str(tmp_path), fake_go(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (
        "go: finding module for package example.com/b\n"
        "go: example.com/m imports example.com/missing: cannot find module\n"
    )
    assert result.stdout == "x" * 300000


async def test_output_beyond_the_limit_is_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gorun, "MAX_OUTPUT", 1000)
    result = await gorun.run_go(["mod", "tidy"], str(tmp_path), fake_go(tmp_path))
    assert result.stdout == "x" * 1000  # the rest was read and dropped: the process was not blocked
    assert result.returncode == 1 and not result.timed_out


STREAMING_GO = """#!/bin/sh
cat /dev/zero
"""


async def test_a_cancelled_run_ends_even_with_its_pipes_unread(tmp_path: Path) -> None:
    """Cancelled while the go command's output fills the pipe faster than it is read: the reader
    is cancelled with its buffer full, reading stops, and the pipe never reports closing; the run
    still ends (a server's exit waits for it)."""
    env = fake_go(tmp_path)
    (tmp_path / "bin" / "go").write_text(STREAMING_GO)
    run = asyncio.ensure_future(gorun.run_go(["mod", "tidy"], str(tmp_path), env, max_output=1 << 30))
    await asyncio.sleep(0.5)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(run, gorun.STOP_WAIT + 20)
