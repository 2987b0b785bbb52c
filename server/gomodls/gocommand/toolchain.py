"""The user's go command, when there is one: where it is and which version it is.

gomodls never needs Go to work; a few checks (a go line newer than the local toolchain) and a
few actions (tidy, vendor) use it when it is on PATH. It always runs with GOTOOLCHAIN=local, so
asking for its version never downloads a toolchain."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

VERSION_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class LocalGo:
    binary: str
    version: str  # "1.27.3"
    goroot: str


def find_go(environ: Mapping[str, str] | None = None) -> str | None:
    """The go command of an environment (the server's own, never one a workspace's settings
    made): on its PATH, else in $GOROOT/bin."""
    environ = os.environ if environ is None else environ
    found = shutil.which("go", path=environ.get("PATH", os.defpath))
    if found is None and environ.get("GOROOT"):
        found = shutil.which("go", path=os.path.join(environ["GOROOT"], "bin"))
    return found


def _command(binary: str) -> list[str]:
    return [binary, "env", "-json", "GOVERSION", "GOROOT"]


def _env(environ: Mapping[str, str]) -> dict[str, str]:
    return {**environ, "GOTOOLCHAIN": "local", "GOFLAGS": "", "GOWORK": "off", "GOTELEMETRY": "off"}


def _parse(binary: str, out: bytes) -> LocalGo | None:
    try:
        data = json.loads(out)
    except ValueError:
        return None
    version = str(data.get("GOVERSION", ""))
    if not version.startswith("go"):
        return None
    # A development toolchain reports "devel go1.28-abcdef ..."; the version is what follows "go".
    return LocalGo(binary, version[2:].split()[0].split("-")[0], str(data.get("GOROOT", "")))


def local_go(environ: Mapping[str, str] | None = None) -> LocalGo | None:
    environ = os.environ if environ is None else environ
    binary = find_go(environ)
    if binary is None:
        return None
    try:
        proc = subprocess.run(
            _command(binary),
            env=_env(environ),
            capture_output=True,
            timeout=VERSION_TIMEOUT,
            check=False,
            cwd=os.sep,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return _parse(binary, proc.stdout) if proc.returncode == 0 else None
