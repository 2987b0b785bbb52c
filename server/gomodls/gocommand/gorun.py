"""Running the user's go command for the few actions that need it (tidy, vendor), safely: always
GOTOOLCHAIN=local (never download a toolchain), the user's Go environment otherwise, a time
limit, bounded output, and cancellable (the process is killed)."""

from __future__ import annotations

import asyncio
import os
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

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def failure(self) -> str:
        if self.timed_out:
            return f"go {' '.join(self.args)} did not finish in time and was stopped"
        text = self.stderr.strip() or self.stdout.strip() or f"exit status {self.returncode}"
        return f"go {' '.join(self.args)} failed:\n{text}"


async def _read(stream: asyncio.StreamReader | None) -> bytes:
    if stream is None:
        return b""
    # read() answers with what has arrived so far: keep reading to the end, keeping at most
    # MAX_OUTPUT, and drain the rest so that the process never blocks on a full pipe.
    kept: list[bytes] = []
    size = 0
    while chunk := await stream.read(65536):
        if size < MAX_OUTPUT:
            kept.append(chunk[: MAX_OUTPUT - size])
            size += len(kept[-1])
    return b"".join(kept)


async def run_go(
    args: Sequence[str],
    cwd: str,
    environ: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> GoResult:
    environ = dict(os.environ if environ is None else environ)
    binary = find_go(environ)
    if binary is None:
        raise GoNotFound()
    env = {**environ, "GOTOOLCHAIN": "local"}
    proc = await asyncio.create_subprocess_exec(
        binary,
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    reading = asyncio.gather(_read(proc.stdout), _read(proc.stderr))
    # Once cancelled (a timeout, the user), its outcome is not wanted: retrieved here so that
    # asyncio does not log "exception was never retrieved".
    reading.add_done_callback(lambda f: f.cancelled() or f.exception())
    try:
        out, err = await asyncio.wait_for(reading, timeout)
        await asyncio.wait_for(proc.wait(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return GoResult(tuple(args), -1, "", "", timed_out=True)
    except asyncio.CancelledError:
        proc.kill()
        await proc.wait()
        raise
    return GoResult(
        tuple(args), proc.returncode or 0, out.decode(errors="replace"), err.decode(errors="replace")
    )
