"""Completion latency from cache through a real stdio client (issue: completion).

Run: .venv/bin/python bench/bench_completion.py [--requests 300] [--modules 300] [--versions 200] [--json OUT]

Builds a module cache ($GOMODCACHE/cache/download) with `--modules` modules and one module with
`--versions` versions (releases, pre-releases, a retracted interval), and a go.mod requiring all
of them. Starts `gomodls serve --stdio` as a subprocess (GOPROXY=off: everything comes from the
module cache), driven by a minimal JSON-RPC client that only decodes the JSON, as an editor does
natively (a pygls client spends longer turning 200 items into objects than the server spends
answering). Opens the go.mod, asks until the answers are complete (facts and the module cache
index load in the background), then measures the time from sending each completion request to
receiving its answer:

* versions of the big module, the same request again, and after each keystroke in the version
  (a didChange, then the request: the didChange's own processing is included);
* module paths on an empty line of the require block (no filter: the capped list), and after
  each keystroke in a typed prefix;
* directive keywords on an empty top-level line."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from gomodls.module.paths import escape_path, escape_version

BIG = "example.com/big"


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def big_versions(n: int) -> list[str]:
    """n versions over three majors' worth of minors, every tenth one with a pre-release."""
    out: list[str] = []
    minor = 0
    while len(out) < n:
        out.append(f"v1.{minor}.0")
        if minor % 10 == 0 and len(out) < n:
            out.append(f"v1.{minor + 1}.0-rc.1")
        minor += 1
    return out[:n]


def write_module(download: Path, path: str, versions: list[str], mod: str) -> None:
    """The module's versions in the cache, each with the same go.mod (so the latest one's,
    which declares the retractions, is among them)."""
    d = download / escape_path(path) / "@v"
    d.mkdir(parents=True, exist_ok=True)
    (d / "list").write_text("".join(v + "\n" for v in versions))
    for i, v in enumerate(versions):
        day = 1 + i % 28
        info = {"Version": v, "Time": f"2024-{1 + i % 12:02d}-{day:02d}T00:00:00Z"}
        (d / f"{escape_version(v)}.info").write_text(json.dumps(info))
        (d / f"{escape_version(v)}.mod").write_text(mod)


def build(root: Path, modules: int, versions: int) -> tuple[Path, str]:
    download = root / "modcache" / "cache" / "download"
    for i in range(modules):
        write_module(download, f"example.com/mod{i}", ["v1.0.0"], f"module example.com/mod{i}\n\ngo 1.21\n")
    listed = big_versions(versions)
    releases = [v for v in listed if "-" not in v]
    retract = f"// broken\nretract [{releases[2]}, {releases[5]}]\n"
    write_module(download, BIG, listed, f"module {BIG}\n\ngo 1.21\n\n{retract}")
    requires = "".join(f"\texample.com/mod{i} v1.0.0\n" for i in range(modules))
    text = f"module example.com/bench\n\ngo 1.22\n\nrequire (\n\t{BIG} v1.0.0\n{requires}\t\n\t\n)\n\n"
    work = root / "work"
    work.mkdir()
    (work / "go.mod").write_text(text)
    return work, text


class RawClient:
    """A JSON-RPC client over the server's stdio that only decodes the JSON, as an editor does
    natively: the time measured is the server's (and the pipe's), not a Python client's
    conversion of hundreds of items into objects."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.next_id = 0
        self.waiting: dict[int, asyncio.Future[Any]] = {}
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, env: dict[str, str]) -> RawClient:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gomodls", "serve", "--stdio",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env,
        )  # fmt: skip
        return cls(proc)

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = fut
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(fut, 60)

    async def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while (line := await out.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not length:
                return
            message = json.loads(await out.readexactly(length))
            if "id" in message and "method" in message:  # a request from the server
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message and (fut := self.waiting.pop(message["id"], None)) is not None:
                fut.set_result(message.get("result"))

    async def close(self) -> None:
        await self.request("shutdown", None)
        self.notify("exit", None)
        await self.proc.wait()
        self.reader.cancel()


async def run(requests: int, modules: int, versions: int) -> dict[str, object]:
    root = Path(tempfile.mkdtemp(prefix="gomodls-bench-completion-"))
    try:
        return await _run(root, requests, modules, versions)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def server_env(root: Path) -> dict[str, str]:
    home = root / "home"
    home.mkdir()
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("GO") or k.startswith("GOMODLS")},
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
        "GONOSUMDB": "*",
        "GOTOOLCHAIN": "local",
        "GOMODCACHE": str(root / "modcache"),
    }


CAPABILITIES = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "completion": {"completionItem": {"snippetSupport": True, "tagSupport": {"valueSet": [1]}}}
    },
}


async def _run(root: Path, requests: int, modules: int, versions: int) -> dict[str, object]:
    work, text = build(root, modules, versions)
    client = await RawClient.start(server_env(root))
    await client.request(
        "initialize", {"processId": None, "capabilities": CAPABILITIES, "rootUri": work.as_uri()}
    )
    client.notify("initialized", {})
    uri = (work / "go.mod").as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "go.mod", "version": 1, "text": text}},
    )
    lines = text.split("\n")
    big_line = next(i for i, line in enumerate(lines) if line.startswith(f"\t{BIG} "))
    version_end = len(f"\t{BIG} v1.0.0")
    empty_line = lines.index("\t")
    version = 1

    async def ask(line: int, col: int) -> tuple[float, dict[str, Any]]:
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}}
        t0 = time.perf_counter()
        result = await client.request("textDocument/completion", params)
        return time.perf_counter() - t0, result

    def change(line: int, start: int, end: int, new: str) -> None:
        nonlocal version
        version += 1
        rng = {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": rng, "text": new}],
            },
        )

    warm_started = time.perf_counter()
    for line, col in ((big_line, version_end), (empty_line, 1)):
        while True:
            _, result = await ask(line, col)
            # The path list stays incomplete (capped); the versions complete once loaded.
            if not result["isIncomplete"] or len(result["items"]) >= min(modules, 100):
                break
            await asyncio.sleep(0.05)
    warm = time.perf_counter() - warm_started
    _, versions_result = await ask(big_line, version_end)
    await asyncio.sleep(1.0)  # let the background resolution of the go.mod finish

    def same_again(line: int, col: int) -> Callable[[int], Awaitable[tuple[float, dict[str, Any]]]]:
        async def step(k: int) -> tuple[float, dict[str, Any]]:
            return await ask(line, col)

        return step

    def keystrokes(
        line: int, end: int, char: str
    ) -> Callable[[int], Awaitable[tuple[float, dict[str, Any]]]]:
        """Delete the character before `end`, type it again, ...; ask after each keystroke."""

        async def step(k: int) -> tuple[float, dict[str, Any]]:
            if k % 2 == 0:
                change(line, end - 1, end, "")
                return await ask(line, end - 1)
            change(line, end - 1, end - 1, char)
            return await ask(line, end)

        return step

    prefix = "example.com/mod1"
    change(empty_line + 1, 1, 1, prefix)  # the second empty line of the block
    scenarios = {
        "versions, asked again": same_again(big_line, version_end),
        "versions, per keystroke": keystrokes(big_line, version_end, "0"),
        "paths, empty line": same_again(empty_line, 1),
        "paths, per keystroke": keystrokes(empty_line + 1, 1 + len(prefix), "1"),
        "keywords": same_again(len(lines) - 1, 0),
    }

    ordered = sorted(versions_result["items"], key=lambda i: i["sortText"])
    out: dict[str, object] = {
        "modules_in_cache": modules,
        "versions_of_big_module": versions,
        "requests_per_kind": requests,
        "warm_up_s": warm,
        "first_versions": [i["label"] for i in ordered[:3]],
        "last_version": f"{ordered[-1]['label']} ({ordered[-1].get('detail')})",
    }
    for name, step in scenarios.items():
        ms: list[float] = []
        items = 0
        for k in range(requests):
            elapsed, result = await step(k)
            ms.append(elapsed * 1000)
            items = max(items, len(result["items"]))
        out[name] = {
            "items": items,
            "p50_ms": statistics.median(ms),
            "p99_ms": percentile(ms, 99),
            "max_ms": max(ms),
        }
    await client.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--modules", type=int, default=300)
    ap.add_argument("--versions", type=int, default=200)
    ap.add_argument("--json")
    args = ap.parse_args()
    result = asyncio.run(run(args.requests, args.modules, args.versions))
    for k, v in result.items():
        if isinstance(v, dict):
            print(
                f"{k:22} items {v['items']:4}  p50 {v['p50_ms']:6.2f} ms  p99 {v['p99_ms']:6.2f} ms  max {v['max_ms']:6.2f} ms"
            )
        else:
            print(f"{k:22} {v:.2f}" if isinstance(v, float) else f"{k:22} {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
