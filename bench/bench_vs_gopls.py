"""gomodls and gopls side by side on the same go.mod (issue 15): the same client, the same files,
the same environment, one run.

Run: .venv/bin/python bench/bench_vs_gopls.py --gopls PATH [--launches 7] [--hovers 2000]
     [--edits 200] [--sessions 1] [--in-turns] [--file PATH] [--json OUT] [--baseline DIR]
     [--variant VAR=VALUE] [--pyc]

Writes the largest corpus go.mod (traefik) into a temporary module directory as bench_lsp.py
does (its go.sum, its local replacement directories), then, for each server (gomodls; gopls
with its default settings; gopls with `"diagnosticsDelay": "0s"`), measures:

- launch → initialize: from starting the process to the `initialize` answer;
- launch → first diagnostics: from starting the process to the first publishDiagnostics of
  go.mod, the client sending `initialized` and `didOpen` as soon as `initialize` is answered
  (what an editor does when a go.mod is opened without a server running). Each of these is a
  fresh process, `--launches` times, after one untimed launch (warm file and build caches);
- hover on every require line (on the module path), in rounds, `--hovers` requests in all,
  each sent when the previous one is answered, after a first round measured apart (each
  line's first hover: what a server computes rather than remembers);
- keystroke → diagnostics: a character typed at the end of a version in the require block
  and deleted again, alternately, each edit sent when the previous one's diagnostics
  arrive. The character (`x`) makes the version invalid, so every edit changes the
  diagnostics: gopls publishes only when they change, gomodls publishes every version.
- with `--baseline DIR`, another checkout's gomodls too (its `server/` first on PYTHONPATH, this
  venv's Python and packages, a cache directory of its own so that the code caches stay apart).
  The launches of all the servers take turns (one of each, then again), so that the load of a
  shared machine falls on all of them alike; `--hovers 0 --edits 0` measures launches alone;
- `--pyc`: with .pyc files next to the sources, as an installed package has them
  (PYTHONDONTWRITEBYTECODE unset: the untimed first launch writes those it lacks, so a
  baseline must be a writable copy, e.g. `git archive main server grammar | tar -x -C DIR`);
  without it, PYTHONDONTWRITEBYTECODE=1: gomodls's modules are compiled from source at each
  start (or taken from its code cache: server/gomodls/lsp/codecache.py);
- with `--sessions N`, N−1 more hover sessions (fresh servers, no keystrokes): each
  session's hover median and p99 and first-hover median are listed (whether background work
  lands during a session's hovers varies from one to the next); with `--in-turns` the
  sessions of all the servers take turns (one of each, then again), as the launches do;
- `--variant VAR=VALUE` adds this checkout's gomodls with VAR=VALUE in its environment
  (`GOMODLS_HOVER_FAST=0`: hovers through pygls's path), launched and measured like the others.

The client is a small JSON-RPC client of its own (no pygls, no lsprotocol conversions), so
that what is timed is the server and the pipe. It answers the servers' requests
(workspace/configuration with the settings, progress and registrations with null).

Offline: GOPROXY=off, GOFLAGS=-mod=mod, GOTOOLCHAIN=local, an empty GOPATH/GOMODCACHE/GOCACHE
and config directory under the temporary directory, for both servers. gopls runs `go list`
over the module, which fails (no module is in the module cache and nothing may be downloaded):
its diagnostics are then the go command's errors about missing modules, and its hover of a
require line may be empty. That is what it does offline; the times are of that work.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_lsp import CORPUS, module_dir, percentile
from gomodls.analysis.lines import args as line_args
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text


class Client:
    """A JSON-RPC client over a server's stdin/stdout."""

    def __init__(self, proc: asyncio.subprocess.Process, settings: dict[str, Any]) -> None:
        self.proc = proc
        self.settings = settings
        self.next_id = 0
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.on_diagnostics: Callable[[dict[str, Any]], None] = lambda params: None
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def launch(cls, argv: list[str], env: dict[str, str], settings: dict[str, Any]) -> Client:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
            limit=1 << 24,
        )
        return cls(proc, settings)

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def request(self, method: str, params: Any) -> asyncio.Future[Any]:
        self.next_id += 1
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        self._send({"id": self.next_id, "method": method, "params": params})
        return fut

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    async def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = await stream.readline()
                if not line:
                    for fut in self.pending.values():
                        if not fut.done():
                            fut.set_exception(EOFError("server exited"))
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            msg = json.loads(await stream.readexactly(length))
            if "method" not in msg:
                fut = self.pending.pop(msg.get("id"), None)
                if fut is not None and not fut.done():
                    if "error" in msg:
                        fut.set_exception(RuntimeError(str(msg["error"])))
                    else:
                        fut.set_result(msg.get("result"))
            elif "id" in msg:  # a request of the server's
                result: Any = None
                if msg["method"] == "workspace/configuration":
                    result = [self.settings for _ in msg["params"]["items"]]
                self._send({"id": msg["id"], "result": result})
            elif msg["method"] == "textDocument/publishDiagnostics":
                self.on_diagnostics(msg["params"])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        self.reader.cancel()


CAPABILITIES = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "publishDiagnostics": {"versionSupport": True},
        "synchronization": {"didSave": True},
    },
    "workspace": {"configuration": True, "workspaceFolders": True},
    "window": {"workDoneProgress": True},
}


async def start(
    argv: list[str], env: dict[str, str], settings: dict[str, Any], gomod: Path
) -> tuple[Client, float]:
    """Launch a server and initialize it; (client, seconds to the initialize answer)."""
    t0 = time.perf_counter()
    client = await Client.launch(argv, env, settings)
    root = gomod.parent.as_uri()
    await asyncio.wait_for(
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "m"}],
                "capabilities": CAPABILITIES,
                "initializationOptions": settings,
                "clientInfo": {"name": "bench_vs_gopls"},
            },
        ),
        60,
    )
    return client, time.perf_counter() - t0


def open_doc(client: Client, gomod: Path, text: str) -> None:
    client.notify("initialized", {})
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": gomod.as_uri(), "languageId": "go.mod", "version": 1, "text": text}},
    )


async def launch_times(servers: list[Server], gomod: Path, launches: int) -> dict[str, dict[str, Any]]:
    """Launch → initialize and → first diagnostics of each server, `launches` times after an
    untimed launch each; the servers take turns."""
    text = gomod.read_text()
    to_init: dict[str, list[float]] = {s.name: [] for s in servers}
    to_diag: dict[str, list[float]] = {s.name: [] for s in servers}
    counts: dict[str, int] = {}
    for k in range(launches + 1):
        for server in servers:
            first: asyncio.Future[tuple[float, int]] = asyncio.get_running_loop().create_future()
            t0 = time.perf_counter()
            client, init = await start(server.argv, server.env, server.settings, gomod)

            def on_diagnostics(
                params: dict[str, Any], first: asyncio.Future[tuple[float, int]] = first
            ) -> None:
                if params["uri"] == gomod.as_uri() and not first.done():
                    first.set_result((time.perf_counter(), len(params["diagnostics"])))

            client.on_diagnostics = on_diagnostics
            open_doc(client, gomod, text)
            at, count = await asyncio.wait_for(first, 60)
            await client.close()
            if k:  # (the first launch warms the caches)
                to_init[server.name].append(init * 1000)
                to_diag[server.name].append((at - t0) * 1000)
                counts[server.name] = count
    return {
        s.name: {
            "launch_to_initialize_ms": summary(to_init[s.name]),
            "launch_to_first_diagnostics_ms": summary(to_diag[s.name]),
            "launch_to_first_diagnostics_each_ms": [round(x, 1) for x in to_diag[s.name]],
            "first_diagnostics_count": counts[s.name],
        }
        for s in servers
    }


def summary(ms: list[float]) -> dict[str, float] | None:
    if not ms:
        return None
    return {
        "median": statistics.median(ms),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "min": min(ms),
        "max": max(ms),
        "n": len(ms),
    }


def require_positions(text: str) -> list[tuple[int, int]]:
    """(line, column) of the module path of every require line (a character into it)."""
    model = parse_text(text, FileKind.MOD, "go.mod").model
    assert isinstance(model, ModFile)
    out = []
    for r in model.require:
        path = line_args(r.syntax)[0]
        out.append((path.line, path.col + 1))
    return out


async def session(
    argv: list[str], env: dict[str, str], settings: dict[str, Any], gomod: Path, hovers: int, edits: int
) -> dict[str, Any]:
    """Hovers and keystrokes in one server session."""
    text = gomod.read_text()
    uri = gomod.as_uri()
    client, _ = await start(argv, env, settings, gomod)
    published: dict[int, asyncio.Future[float]] = {}
    last: dict[str, Any] = {}
    settled = asyncio.Event()

    def on_diagnostics(params: dict[str, Any]) -> None:
        if params["uri"] != uri:
            return
        last["at"] = time.perf_counter()
        last["count"] = len(params["diagnostics"])
        settled.set()
        fut = published.pop(params.get("version") or -1, None)
        if fut is not None and not fut.done():
            fut.set_result(time.perf_counter())

    client.on_diagnostics = on_diagnostics
    open_doc(client, gomod, text)
    await asyncio.wait_for(settled.wait(), 60)
    # Let the work the open started finish: no publication for 2 s.
    while time.perf_counter() - last["at"] < 2:
        await asyncio.sleep(0.25)
    at_open = last["count"]

    positions = require_positions(text)
    times: list[float] = []
    first: list[float] = []
    answered = 0
    rounds = 0
    while len(times) < hovers:
        for line, col in positions:
            t0 = time.perf_counter()
            result = await asyncio.wait_for(
                client.request(
                    "textDocument/hover",
                    {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}},
                ),
                30,
            )
            if rounds:
                times.append((time.perf_counter() - t0) * 1000)
                answered += bool(result and result.get("contents"))
            else:  # (the first round: each line's first hover, computed rather than remembered)
                first.append((time.perf_counter() - t0) * 1000)
        rounds += 1

    lines = text.split("\n")
    target = next(
        i for i, line in enumerate(lines) if line.startswith("\t") and " v" in line and i > len(lines) // 3
    )
    col = len(lines[target].split("//")[0].rstrip())
    latencies: list[float] = []
    missed = 0
    for k in range(edits):
        version = k + 2
        if k % 2 == 0:
            change = {"range": span(target, col, col), "text": "x"}
        else:
            change = {"range": span(target, col, col + 1), "text": ""}
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        published[version] = fut
        t0 = time.perf_counter()
        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        try:
            latencies.append((await asyncio.wait_for(fut, 10)) - t0)
        except TimeoutError:
            missed += 1
    await client.close()
    out: dict[str, Any] = {
        "diagnostics_after_open": at_open,
        "require_lines": len(positions),
        "hover_ms": summary(times),
        "hover_first_of_each_line_ms": summary(first),
        "hovers_with_content": f"{answered}/{len(times)}",
        "keystroke_to_diagnostics_ms": summary([x * 1000 for x in latencies]) if latencies else None,
    }
    if missed:
        out["edits_without_diagnostics_within_10s"] = missed
    return out


def span(line: int, start: int, end: int) -> dict[str, Any]:
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


def offline_env(tmp: Path, go_bin: str | None) -> dict[str, str]:
    home = tmp / "home"
    for d in ("gopath", "gocache", "config", "cache"):
        (home / d).mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "GOPATH": str(home / "gopath"),
        "GOMODCACHE": str(home / "gopath" / "pkg" / "mod"),
        "GOCACHE": str(home / "gocache"),
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "GOTELEMETRY": "off",
    }
    if go_bin:
        env["PATH"] = os.path.dirname(go_bin) + os.pathsep + env.get("PATH", "")
    return env


def find_go() -> str | None:
    go = shutil.which("go")
    if go:
        return go
    import sysconfig

    candidate = Path(sysconfig.get_paths()["purelib"]) / "go" / "bin" / "go"
    return str(candidate) if candidate.is_file() else None


@dataclass
class Server:
    name: str
    argv: list[str]
    settings: dict[str, Any]
    env: dict[str, str] = field(default_factory=dict)


def gomodls_env(
    env: dict[str, str], tmp: Path, name: str, server_dir: str | None, pyc: bool
) -> dict[str, str]:
    """A gomodls's environment: its own cache directory (code cache), its checkout first on
    PYTHONPATH (a baseline), .pyc files written or not."""
    own = dict(env)
    cache = tmp / "home" / f"cache-{name}"
    cache.mkdir(parents=True, exist_ok=True)
    own["XDG_CACHE_HOME"] = str(cache)
    if server_dir is not None:
        own["PYTHONPATH"] = server_dir + (os.pathsep + own["PYTHONPATH"] if own.get("PYTHONPATH") else "")
    if pyc:
        own.pop("PYTHONDONTWRITEBYTECODE", None)
        own.pop("PYTHONPYCACHEPREFIX", None)
    else:
        own["PYTHONDONTWRITEBYTECODE"] = "1"
    return own


async def run(args: argparse.Namespace) -> dict[str, Any]:
    gomodls_argv = [sys.executable, "-m", "gomodls", "serve", "--stdio"]
    servers = [Server("gomodls", gomodls_argv, {})]
    for baseline in args.baseline or []:
        servers.append(Server(f"gomodls ({baseline})", gomodls_argv, {}))
    variants: dict[str, dict[str, str]] = {}
    for variant in args.variant or []:
        name, _, value = variant.partition("=")
        variants[f"gomodls ({variant})"] = {name: value}
        servers.append(Server(f"gomodls ({variant})", gomodls_argv, {}))
    if args.gopls:
        servers.append(Server("gopls (default settings)", [args.gopls, "serve"], {}))
        servers.append(
            Server("gopls (diagnosticsDelay 0s)", [args.gopls, "serve"], {"diagnosticsDelay": "0s"})
        )
    go = find_go()
    results: dict[str, Any] = {
        "file": str(args.file),
        "go": go,
        "python": sys.version.split()[0],
        # (without .pyc files, Python compiles gomodls's modules at each start: see codecache.py)
        "pyc": args.pyc,
    }
    with tempfile.TemporaryDirectory(prefix="gomodls-vs-gopls-") as tmp:
        module = Path(tmp) / "m"
        module.mkdir()
        results.update(module_dir(args.file, module))
        env = offline_env(Path(tmp), go)
        baselines = iter(args.baseline or [])
        for i, server in enumerate(servers):
            if server.argv is gomodls_argv:
                baseline = None
                if i and server.name not in variants:
                    baseline = os.path.join(next(baselines), "server")
                server.env = gomodls_env(env, Path(tmp), str(i), baseline, args.pyc)
                server.env.update(variants.get(server.name, {}))
            else:
                server.env = env
        gomod = module / "go.mod"
        print("launches…", file=sys.stderr)
        launched = await launch_times(servers, gomod, args.launches)
        for server in servers:
            results[server.name] = launched[server.name]
        if args.hovers or args.edits:
            await hover_sessions(servers, gomod, args, results)
    results["load_average"] = os.getloadavg()
    return results


async def hover_sessions(
    servers: list[Server], gomod: Path, args: argparse.Namespace, results: dict[str, Any]
) -> None:
    """Each server's hover sessions (the first with the keystrokes): all of one server's, then
    the next's; with `--in-turns`, one session of each server, then again, so that a shared
    machine's load falls on each alike."""
    sessions: dict[str, list[dict[str, Any]]] = {s.name: [] for s in servers}
    order = (
        [s for _ in range(args.sessions) for s in servers]
        if args.in_turns
        else [s for s in servers for _ in range(args.sessions)]
    )
    for server in order:
        # More hover sessions (fresh servers, no keystrokes): a hover's p99 depends on
        # whether background arrivals (facts, checksum verdicts, vulnerability results)
        # land during its 2,000 hovers, which one session may or may not see.
        first = not sessions[server.name]
        print(f"{server.name}: hovers{' and keystrokes' if first else ''}…", file=sys.stderr)
        sessions[server.name].append(
            await session(
                server.argv, server.env, server.settings, gomod, args.hovers, args.edits if first else 0
            )
        )
    for server in servers:
        measured = results[server.name]
        each = sessions[server.name]
        measured.update(each[0])
        measured["hover_p99_each_session_ms"] = [m["hover_ms"]["p99"] for m in each if m["hover_ms"]]
        measured["hover_median_each_session_ms"] = [m["hover_ms"]["median"] for m in each if m["hover_ms"]]
        measured["hover_first_median_each_session_ms"] = [
            m["hover_first_of_each_line_ms"]["median"] for m in each if m["hover_first_of_each_line_ms"]
        ]


def table(results: dict[str, Any]) -> str:
    names = [k for k, v in results.items() if isinstance(v, dict) and "launch_to_initialize_ms" in v]
    rows = [
        ("launch → initialize, median", "launch_to_initialize_ms", "median"),
        ("launch → first diagnostics, median", "launch_to_first_diagnostics_ms", "median"),
        ("hover (require lines), median", "hover_ms", "median"),
        ("hover, p95", "hover_ms", "p95"),
        ("hover, p99", "hover_ms", "p99"),
        ("hover, first of each line, median", "hover_first_of_each_line_ms", "median"),
        ("hover, first of each line, p95", "hover_first_of_each_line_ms", "p95"),
        ("keystroke → diagnostics, median", "keystroke_to_diagnostics_ms", "median"),
        ("keystroke → diagnostics, p95", "keystroke_to_diagnostics_ms", "p95"),
        ("keystroke → diagnostics, p99", "keystroke_to_diagnostics_ms", "p99"),
    ]
    out = ["| measure | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for label, key, stat in rows:
        cells = []
        for n in names:
            v = results[n].get(key)
            cells.append(f"{v[stat]:.2f} ms" if v else "—")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    for label, key in (
        ("hover median, each session", "hover_median_each_session_ms"),
        ("hover p99, each session", "hover_p99_each_session_ms"),
        ("hover, first of each line, median, each session", "hover_first_median_each_session_ms"),
    ):
        if any(len(results[n].get(key, [])) > 1 for n in names):
            cells = [" / ".join(f"{v:.2f}" for v in results[n].get(key, [])) + " ms" for n in names]
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append(
        "| hovers with content | "
        + " | ".join(results[n].get("hovers_with_content", "—") for n in names)
        + " |"
    )
    out.append(
        "| diagnostics at open (first / settled) | "
        + " | ".join(
            f"{results[n]['first_diagnostics_count']} / {results[n].get('diagnostics_after_open', '—')}"
            for n in names
        )
        + " |"
    )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gopls", help="a gopls binary (without it, gomodls alone)")
    ap.add_argument("--file", type=Path, default=CORPUS / "traefik__traefik" / "go.mod")
    ap.add_argument("--launches", type=int, default=7)
    ap.add_argument("--hovers", type=int, default=2000)
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--sessions", type=int, default=1, help="hover sessions per server (fresh processes)")
    ap.add_argument("--json")
    ap.add_argument(
        "--baseline",
        action="append",
        metavar="DIR",
        help="another checkout of gomodls (its server/ directory on PYTHONPATH), launched in turns",
    )
    ap.add_argument(
        "--variant",
        action="append",
        metavar="VAR=VALUE",
        help="another gomodls, this one with VAR=VALUE in its environment (GOMODLS_HOVER_FAST=0)",
    )
    ap.add_argument(
        "--in-turns",
        action="store_true",
        help="the hover sessions of all the servers in turns (one of each, then again)",
    )
    ap.add_argument(
        "--pyc",
        action="store_true",
        help="with .pyc files next to the sources (else PYTHONDONTWRITEBYTECODE=1)",
    )
    args = ap.parse_args()
    load_before = os.getloadavg()
    results = asyncio.run(run(args))
    results["load_average_before"] = load_before
    if args.gopls:
        results["gopls_version"] = os.popen(f"{args.gopls} version").read().strip()
    print(table(results))
    print(f"load average before: {load_before[0]:.2f}, after: {results['load_average'][0]:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
