"""VS Code: the packaged extension (vscode-client/gomodls.vsix) installed into a real VS Code
(code-server 4.100.3 = VS Code 1.100.3, from npm), driven through Debian's headless chromium with
playwright-core (vscode/e2e.mjs). Screenshots land in artifacts/editors/vscode/."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from editor_harness import (
    HERE,
    INSTALL_HINT,
    chromium,
    code_server,
    make_workspace,
    playwright_core,
    run_driver,
    vsix,
)

USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.colorTheme": "Default Dark Modern",
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "update.mode": "none",
    "security.workspace.trust.enabled": False,
    "editor.hover.delay": 150,
    "editor.minimap.enabled": False,
    "window.restoreWindows": "none",
    "chat.disableAIFeatures": True,
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_vscode(tmp_path: Path) -> None:
    missing = [
        what
        for what, found in (
            ("vscode-client/gomodls.vsix (bash scripts/editors/run.sh builds it)", vsix()),
            ("code-server", code_server()),
            ("chromium (apt)", chromium()),
            ("playwright-core (npm ci in tests/editors/vscode)", playwright_core()),
        )
        if found is None
    ]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}; {INSTALL_HINT}")
    w = make_workspace(tmp_path, "vscode")
    cs = str(code_server())
    data = tmp_path / "code-server"
    flags = [
        "--config",
        str(data / "config.yaml"),
        "--user-data-dir",
        str(data / "user"),
        "--extensions-dir",
        str(data / "extensions"),
    ]
    (data / "user" / "User").mkdir(parents=True)
    # gomodls.server.path is a machine setting (a workspace never chooses the program that runs):
    # the user's settings name the server, and the workspace's own choice must be ignored (the
    # status item shows the server that runs). The workspace gives the server its Go environment
    # (through the extension's settings: initializationOptions / workspace/configuration).
    (data / "user" / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
    machine_settings = data / "user" / "Machine" / "settings.json"  # code-server's machine settings
    machine_settings.parent.mkdir()
    machine_settings.write_text(json.dumps({"gomodls.server.path": str(tmp_path / "bin" / "gomodls")}))
    (w.ws / ".vscode").mkdir()
    (w.ws / ".vscode" / "settings.json").write_text(
        json.dumps(
            {
                "gomodls.server.path": "/workspace/chose/this/gomodls",
                "gomodls.env": {k: w.env[k] for k in ("GOPROXY", "GOSUMDB", "GOFLAGS", "GOTOOLCHAIN")},
            },
            indent=2,
        )
    )

    t0 = time.monotonic()
    install = subprocess.run(
        [cs, *flags, "--install-extension", str(vsix())],
        env=w.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    (w.artifacts / "install-extension.log").write_text(install.stdout + install.stderr)
    assert install.returncode == 0 and "was successfully installed" in install.stdout, (
        install.stdout + install.stderr
    )
    installed = time.monotonic() - t0

    port = _free_port()
    with open(w.artifacts / "code-server.log", "wb") as log:
        server = subprocess.Popen(
            [
                cs,
                *flags,
                "--bind-addr",
                f"127.0.0.1:{port}",
                "--auth",
                "none",
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-workspace-trust",
                "--disable-getting-started-override",
                "--ignore-last-opened",
            ],
            env=w.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"code-server did not start: see {w.artifacts / 'code-server.log'}")
                time.sleep(0.2)
        up = time.monotonic() - t0
        run = run_driver(
            w,
            "vscode",
            [
                "node",
                str(HERE / "vscode" / "e2e.mjs"),
                f"http://127.0.0.1:{port}/?folder={w.ws}",
                str(w.artifacts),
                str(machine_settings),
            ],
            timeout=200,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    run.result.update(install_extension_seconds=round(installed, 2), code_server_up_seconds=round(up, 2))
    w.result_file.write_text(json.dumps(run.result, indent=2))
    assert run.returncode == 0 and not run.failures(), run.report()
