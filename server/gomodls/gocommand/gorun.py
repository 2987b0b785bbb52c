"""Running the user's go command for the few actions that need it (tidy, vendor), safely: always
GOTOOLCHAIN=local (never download a toolchain), the user's Go environment otherwise, a time
limit, bounded output, and cancellable (the process is killed)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gomodls.gocommand.toolchain import find_go

DEFAULT_TIMEOUT = 120.0
MAX_OUTPUT = 1024 * 1024


class GoNotFound(Exception):
    def __str__(self) -> str:
        return "the go command was not found on PATH; install Go or add it to PATH to run this action"


@dataclass(frozen=True, slots=True)
class GoResult:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False
    truncated: bool = False  # stdout or stderr was longer than the limit and was cut

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def failure(self) -> str:
        if self.timed_out:
            return f"go {' '.join(self.args)} did not finish in time and was stopped"
        text = self.stderr.strip() or self.stdout.strip() or f"exit status {self.returncode}"
        return f"go {' '.join(self.args)} failed:\n{text}"


async def _read(stream: asyncio.StreamReader | None, limit: int) -> tuple[bytes, bool]:
    """The output, at most `limit` bytes of it, and whether there was more."""
    if stream is None:
        return b"", False
    # read() answers with what has arrived so far: keep reading to the end, keeping at most
    # `limit`, and drain the rest so that the process never blocks on a full pipe.
    kept: list[bytes] = []
    size = 0
    cut = False
    while chunk := await stream.read(65536):
        if len(chunk) > limit - size:
            cut = True
            chunk = chunk[: limit - size]
        if chunk:
            kept.append(chunk)
            size += len(chunk)
    return b"".join(kept), cut


STOP_WAIT = 2.0  # seconds to wait for a killed go command's pipes to close


async def _stop(proc: asyncio.subprocess.Process) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except ProcessLookupError:
        pass
    # asyncio's wait() returns once the process has exited and its pipes are closed; a pipe
    # whose reader was cancelled with its buffer full is no longer read and never reports
    # closing, and the wait (a server's exit among them) would last forever. Its transport
    # is closed instead.
    try:
        await asyncio.wait_for(proc.wait(), STOP_WAIT)
    except TimeoutError:
        transport = getattr(proc, "_transport", None)
        if transport is not None:
            transport.close()


async def run_go(
    args: Sequence[str],
    cwd: str,
    environ: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    binary: str | None = None,
    max_output: int | None = None,
) -> GoResult:
    """`binary` is the go command to run (default: the one on the environment's PATH);
    `max_output` bounds what is kept of stdout and of stderr (default MAX_OUTPUT)."""
    environ = dict(os.environ if environ is None else environ)
    binary = binary or find_go(environ)
    if binary is None:
        raise GoNotFound()
    limit = MAX_OUTPUT if max_output is None else max_output
    env = {**environ, "GOTOOLCHAIN": "local"}
    proc = await asyncio.create_subprocess_exec(
        binary,
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        # Its own process group, so that stopping it stops what it started too (git, ssh):
        # they would otherwise run on, holding the pipes open.
        start_new_session=os.name == "posix",
    )
    reading = asyncio.gather(_read(proc.stdout, limit), _read(proc.stderr, limit))
    # Once cancelled (a timeout, the user), its outcome is not wanted: retrieved here so that
    # asyncio does not log "exception was never retrieved".
    reading.add_done_callback(lambda f: f.cancelled() or f.exception())
    try:
        (out, out_cut), (err, err_cut) = await asyncio.wait_for(reading, timeout)
        await asyncio.wait_for(proc.wait(), timeout)
    except TimeoutError:
        await _stop(proc)
        return GoResult(tuple(args), -1, "", "", timed_out=True)
    except asyncio.CancelledError:
        await _stop(proc)
        raise
    return GoResult(
        tuple(args),
        proc.returncode or 0,
        out.decode(errors="replace"),
        err.decode(errors="replace"),
        truncated=out_cut or err_cut,
    )
