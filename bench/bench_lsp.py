"""Keystroke-to-diagnostics latency through a real stdio client (issue: language server).

Run: .venv/bin/python bench/bench_lsp.py [--edits 300] [--file PATH] [--json OUT]

Starts `gomodls serve` as a subprocess, opens the largest corpus go.mod (traefik), then sends
one-character incremental edits (typing in a version, alternating with deleting it again) and
measures, for each, the time from sending didChange to receiving the publishDiagnostics for
that document version. Also measures the time to the initialize response (server start-up)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("GOMODLS_CORPUS", ROOT.parent / "shared" / "corpus"))


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


async def run(path: Path, edits: int) -> dict[str, object]:
    text = path.read_text()
    client = LanguageClient("bench", "1")
    waiting: dict[int, asyncio.Future[float]] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        fut = waiting.pop(params.version or -1, None)
        if fut is not None and not fut.done():
            fut.set_result(time.perf_counter())

    env = {**os.environ, "GOPROXY": "off", "GOFLAGS": ""}
    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "gomodls", "serve", "--stdio", env=env)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16])
            ),
            root_uri=path.parent.as_uri(),
        )
    )
    startup = time.perf_counter() - started
    client.initialized(types.InitializedParams())
    uri = (Path("/bench") / "go.mod").as_uri()
    loop = asyncio.get_running_loop()

    async def publish_of(version: int, send: object) -> float:
        fut: asyncio.Future[float] = loop.create_future()
        waiting[version] = fut
        t0 = time.perf_counter()
        send()  # type: ignore[operator]
        return (await asyncio.wait_for(fut, 30)) - t0

    open_ms = await publish_of(
        1,
        lambda: client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="go.mod", version=1, text=text)
            )
        ),
    )
    lines = text.split("\n")
    target = next(
        i for i, line in enumerate(lines) if line.startswith("\t") and " v" in line and i > len(lines) // 3
    )
    col = len(lines[target].split("//")[0].rstrip())
    latencies: list[float] = []
    for k in range(edits):
        version = k + 2
        if k % 2 == 0:
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(target, col), types.Position(target, col)), text="9"
            )
        else:
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(target, col), types.Position(target, col + 1)), text=""
            )
        params = types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
        )
        latencies.append(await publish_of(version, lambda p=params: client.text_document_did_change(p)))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    ms = [x * 1000 for x in latencies]
    return {
        "file": str(path),
        "lines": len(lines),
        "startup_to_initialize_ms": startup * 1000,
        "open_to_diagnostics_ms": open_ms * 1000,
        "edits": edits,
        "median_ms": statistics.median(ms),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=300)
    ap.add_argument("--file", type=Path, default=CORPUS / "traefik__traefik" / "go.mod")
    ap.add_argument("--json")
    args = ap.parse_args()
    result = asyncio.run(run(args.file, args.edits))
    for k, v in result.items():
        print(f"{k:26} {v:.2f}" if isinstance(v, float) else f"{k:26} {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
