"""`gomodls` and the real go command as processes, side by side in one directory.

The in-process runner of ``conformance.py`` captures output through wrappers of its own; what
users see depends on the real interpreter's streams (locale, ``PYTHONIOENCODING``), on the
current directory and ``$PWD``, on the user's permissions. These helpers run both commands as
processes with the same working directory and an environment built from scratch (the oracle's:
only ``PATH`` is inherited), so their exit status and output bytes can be compared directly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from oracle import Kind, Oracle, Result

GOMODLS = [sys.executable, "-m", "gomodls"]
# Another gomodls source tree for the processes (e.g. a worktree of an older commit, to see a
# test fail there): its `server/` directory, put first on the child's PYTHONPATH.
OTHER_SOURCE = os.environ.get("GOMODLS_TEST_SOURCE")
TIMEOUT = 60.0
NOBODY = 65534


def go_env(
    oracle: Oracle, kind: Kind, workdir: Path, work_name: str = "go.work", **extra: str | None
) -> dict[str, str]:
    """The oracle's environment for a file of `kind` under `workdir` (GOWORK at `work_name`)."""
    return oracle.env_for(kind, workdir, extra, work_name)


def run_go(oracle: Oracle, args: Sequence[str | bytes], cwd: Path, env: Mapping[str, str]) -> Result:
    return run_process([oracle.go, *args], cwd, env)


def run_gomodls(
    args: Sequence[str | bytes],
    cwd: Path,
    env: Mapping[str, str],
    *,
    preexec_fn: Callable[[], None] | None = None,
    timeout: float = TIMEOUT,
) -> Result:
    if OTHER_SOURCE:
        env = {**env, "PYTHONPATH": OTHER_SOURCE}
    return run_process([*GOMODLS, *args], cwd, env, preexec_fn=preexec_fn, timeout=timeout)


def run_process(
    argv: Sequence[str | bytes],
    cwd: Path,
    env: Mapping[str, str],
    *,
    preexec_fn: Callable[[], None] | None = None,
    timeout: float = TIMEOUT,
) -> Result:
    proc = subprocess.run(
        list(argv),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr, str(cwd))


# ----------------------------------------------------------------------------- permissions
#
# Root ignores file permissions. A root test run starts the child without the capabilities that
# bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER dropped from its bounding set
# before exec), so the owner's permission bits apply to it as to any user. Changing to another
# user (nobody) is no alternative: the interpreter may sit where only root can reach it.

_PR_CAPBSET_DROP = 24
_PERMISSION_BYPASSING_CAPS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def privileged() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def drop_permission_bypass() -> None:
    """preexec_fn: the child (and what it runs) can no longer bypass file permissions."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _PERMISSION_BYPASSING_CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def unprivileged_preexec() -> Callable[[], None] | None:
    """The preexec_fn under which permissions stop a child: None for an ordinary user."""
    return drop_permission_bypass if privileged() else None


def permissions_apply() -> bool:
    """Whether a child can be made subject to file permissions here (always for an ordinary
    user; for root, when the capabilities can be dropped: Linux)."""
    if not privileged():
        return True
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        probe = os.path.join(d, "read-only")
        with open(probe, "w"):
            pass
        os.chmod(probe, 0o444)
        try:
            proc = subprocess.run(
                [sys.executable, "-c", "import sys; open(sys.argv[1], 'a')", probe],
                preexec_fn=drop_permission_bypass,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return False
        return proc.returncode != 0 and b"PermissionError" in proc.stderr
