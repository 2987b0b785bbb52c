"""Shared by the editor tests: the scenario's workspace (with a file:// module proxy), the editors'
locations, the documented configurations, and running one editor driver.

Each driver (nvim/driver.lua, emacs/driver.el, vscode/e2e.mjs) reads scenario.json, works in a
fresh workspace with an isolated HOME and XDG directories, writes a JSON result and exits
0 (all checks passed), 1 (a check failed), 2 (setup error) or 3 (its watchdog fired).
Artifacts (result, editor output, server log, screenshots) go to $GOMODLS_ARTIFACTS/<test>
(default artifacts/editors/<test>)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from gomodls.module.sumhash import go_mod_hash
from vulndb import empty_db

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCENARIO_FILE = HERE / "scenario.json"
SCENARIO = json.loads(SCENARIO_FILE.read_text())
EDITORS = Path(os.environ.get("GOMODLS_EDITORS", Path.home() / ".cache" / "gomodls-editors"))
ARTIFACTS = Path(os.environ.get("GOMODLS_ARTIFACTS", REPO / "artifacts" / "editors"))
INSTALL_HINT = "bash scripts/editors/install.sh"


def server_executable() -> Path | None:
    """The gomodls under test: $GOMODLS_SERVER, else the one beside this Python (the repo's venv)."""
    if os.environ.get("GOMODLS_SERVER"):
        return Path(os.environ["GOMODLS_SERVER"])
    exe = Path(sys.executable).parent / "gomodls"
    return exe if exe.exists() else None


# Where the editors are (what scripts/editors/install.sh puts there).


def nvim_07() -> Path | None:
    path = shutil.which("nvim")
    if path is None:
        return None
    out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    return Path(path) if re.match(r"NVIM v0\.([7-9]|10)\.", out) else None


def nvim_011() -> Path | None:
    path = EDITORS / "nvim-venv" / "bin" / "nvim"
    return path if path.exists() else None


def emacs_28() -> Path | None:
    path = shutil.which("emacs")
    if path is None:
        return None
    has_eglot = Path("/usr/share/emacs/site-lisp/elpa").glob("eglot-*")
    return Path(path) if any(has_eglot) else None


def emacs_30() -> Path | None:
    root = EDITORS / "emacs30" / "root" / "usr" / "bin" / "emacs-nox"
    return REPO / "scripts" / "editors" / "emacs30.sh" if root.exists() else None


def code_server() -> Path | None:
    path = EDITORS / "code-server" / "node_modules" / ".bin" / "code-server"
    return path if path.exists() else None


def chromium() -> Path | None:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    return Path(path) if path else None


def playwright_core() -> Path | None:
    path = HERE / "vscode" / "node_modules" / "playwright-core"
    return path if path.exists() else None


def vsix() -> Path | None:
    path = Path(os.environ.get("GOMODLS_VSIX", REPO / "vscode-client" / "gomodls.vsix"))
    return path if path.exists() else None


# The documented configurations.


def doc_block(doc: str, name: str) -> str:
    """The fenced code block right after `<!-- test: NAME -->` (or `<!-- file: NAME -->`) in
    docs/editors/DOC: what the tests run is exactly what the documentation shows."""
    text = (REPO / "docs" / "editors" / doc).read_text()
    m = re.search(
        r"<!-- (?:test|file): " + re.escape(name) + r" -->\n```[a-z-]*\n(.*?)^```", text, re.S | re.M
    )
    if m is None:
        raise LookupError(f"docs/editors/{doc} has no block marked <!-- test: {name} -->")
    return m.group(1)


# The workspace.


@dataclass
class Workspace:
    root: Path  # holds ws/, home/, proxy/, bin/
    artifacts: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def ws(self) -> Path:
        return self.root / "ws"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def opened(self) -> Path:
        return self.ws / SCENARIO["open"]

    @property
    def server_log(self) -> Path:
        return self.artifacts / "server.log"

    @property
    def result_file(self) -> Path:
        return self.artifacts / "result.json"


def _proxy(root: Path) -> str:
    """A GOPROXY directory (file:// layout): .info, .mod and list for each version. Returns the
    go.sum lines of the .mod files (a real module has them: the module checks want them)."""
    sums = []
    for path, versions in SCENARIO["proxy"].items():
        d = root / _escape(path) / "@v"
        d.mkdir(parents=True, exist_ok=True)
        for v in versions:
            mod = f"module {path}\n\ngo 1.21\n"
            (d / f"{v}.info").write_text(json.dumps({"Version": v, "Time": "2024-01-02T03:04:05Z"}))
            (d / f"{v}.mod").write_text(mod)
            sums.append(f"{path} {v}/go.mod {go_mod_hash(mod.encode())}\n")
        (d / "list").write_text("".join(v + "\n" for v in versions))
    return "".join(sorted(sums))


def _escape(path: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), path)


def make_workspace(root: Path, name: str) -> Workspace:
    """A fresh workspace with the scenario's files, an isolated HOME/XDG, a file:// module proxy,
    and `gomodls` on PATH (a wrapper that runs the server under test, its stderr to server.log)."""
    artifacts = ARTIFACTS / name
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    w = Workspace(root, artifacts)
    w.ws.mkdir(parents=True)
    for rel, text in SCENARIO["files"].items():
        (w.ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (w.ws / rel).write_text(text)
    (w.ws / "go.sum").write_text(_proxy(root / "proxy"))
    server = server_executable()
    if server is None:
        raise RuntimeError("no gomodls executable beside this Python; set GOMODLS_SERVER")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "gomodls"
    wrapper.write_text(f'#!/bin/sh\nexec "{server}" "$@" 2>>"{w.server_log}"\n')
    wrapper.chmod(0o755)
    xdg = {
        k: str(w.home / d)
        for k, d in (
            ("XDG_CONFIG_HOME", ".config"),
            ("XDG_DATA_HOME", ".local/share"),
            ("XDG_STATE_HOME", ".local/state"),
            ("XDG_CACHE_HOME", ".cache"),
        )
    }
    for d in xdg.values():
        Path(d).mkdir(parents=True, exist_ok=True)
    keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TZ", "TMPDIR")}
    w.env = {
        **keep,
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(w.home),
        **xdg,
        "TERM": "dumb",
        # The Go environment: nothing from the network, nothing from the developer's machine.
        "GOPROXY": (root / "proxy").as_uri(),
        "GOVULNDB": empty_db(root / "vulndb"),
        "GOSUMDB": "off",
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "GOPATH": str(root / "gopath"),
        "GOMODCACHE": str(root / "gopath" / "pkg" / "mod"),
        "GOTELEMETRY": "off",
        "GOENV": "off",
        "GOMODLS_EDITORS": str(EDITORS),  # scripts/editors/emacs30.sh looks there
        "GOMODLS_SCENARIO": str(SCENARIO_FILE),
        "RESULT_FILE": str(w.result_file),
    }
    return w


@dataclass
class Run:
    name: str
    returncode: int
    seconds: float
    result: dict
    output: str

    def failures(self) -> list[str]:
        return [f"{c['name']}: {c.get('detail')!r}" for c in self.result.get("checks", []) if not c.get("ok")]

    def report(self) -> str:
        lines = [f"{self.name}: exit status {self.returncode} after {self.seconds:.1f} s"]
        lines += [f"  FAILED {f}" for f in self.failures()]
        if self.result.get("error"):
            lines.append(f"  error: {self.result['error']}")
        lines.append("  --- editor output (last 40 lines) ---")
        lines += ["  " + ln for ln in self.output.splitlines()[-40:]]
        return "\n".join(lines)


def run_driver(
    w: Workspace, name: str, argv: list[str], timeout: float = 150, cwd: Path | None = None
) -> Run:
    """Run one editor driver; its output goes to artifacts/<name>/editor.log, its result is read back."""
    t0 = time.monotonic()
    try:
        proc = subprocess.run(
            argv,
            cwd=cwd or w.ws,
            env=w.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            start_new_session=True,
        )
        code, out = proc.returncode, proc.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        code, out = -1, (e.stdout or b"").decode(errors="replace") + f"\n[harness] killed after {timeout} s"
    seconds = time.monotonic() - t0
    (w.artifacts / "editor.log").write_text(out)
    try:
        result = json.loads(w.result_file.read_text())
    except (OSError, ValueError):
        result = {"error": "no result file", "checks": []}
    result["wall_seconds"] = round(seconds, 2)
    w.result_file.write_text(json.dumps(result, indent=2))
    return Run(name, code, seconds, result, out)
