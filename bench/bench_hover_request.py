"""A hover request's way through the server, in process (issue 15): from the body's bytes to
the answer written, by pygls's path (json.loads with `structure_message` into lsprotocol's
classes, `handle_message`, pygls's dispatch, the handler, the answer encoded) and by the reader
loop's (`wire.hover_request`, `GomodProtocol.answer_hover`, the answer encoded beforehand),
alternately, on the same server, with no pipe and no client.

Run: GOMODLS_CORPUS=... .venv/bin/python bench/bench_hover_request.py [--file PATH] [--requests 4000]

Writes the go.mod (default: traefik's, the largest in the corpus) into a temporary module
directory as bench_lsp.py does, opens it in a server made in process (GOPROXY=off), lets the
requirements' hovers be precomputed (lsp/hover.py), then:

- each line's first hover: the require lines in order, one path for the even lines and the
  other for the odd ones, then the other way round in a second document version (what a
  line's first hover after precomputing costs; what it starts runs between requests);
- a remembered hover: one requirement's, asked `--requests` times, the two paths alternately.

Both paths write the same bytes (checked on each pair of the remembered hovers)."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pygls.io_ import StdoutWriter
from pygls.workspace import Workspace

from bench_lsp import CORPUS, module_dir, percentile
from bench_vs_gopls import require_positions
from gomodls.lsp import hover
from gomodls.lsp.app import create_server
from gomodls.lsp.wire import hover_request


def body(msg_id: int, uri: str, line: int, col: int) -> bytes:
    params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}}
    return json.dumps(
        {"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover", "params": params}
    ).encode()


def handle(ls: Any, raw: bytes, fast: bool) -> float:
    """Seconds from the body's bytes to the answer written, by one path."""
    t0 = time.perf_counter()
    if fast:
        request = hover_request(raw)
        assert request is not None and ls.protocol.answer_hover(request)
    else:
        ls.protocol.handle_message(json.loads(raw, object_hook=ls.protocol.structure_message))
    return time.perf_counter() - t0


def summary(xs: list[float]) -> dict[str, float]:
    us = [x * 1e6 for x in xs]
    return {"median_us": statistics.median(us), "p95_us": percentile(us, 95), "n": len(us)}


async def precomputed(ls: Any, doc: Any) -> None:
    hover.schedule_precompute(ls, doc)
    deadline = time.monotonic() + 60
    lines = len(require_positions(doc.text))
    while len(hover._hovers(doc).tokens) < lines and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="gomodls-hover-request-") as tmp:
        module = Path(tmp) / "m"
        module.mkdir()
        module_dir(args.file, module)
        ls = create_server()
        ls.protocol._workspace = Workspace(module.as_uri())
        out = io.BytesIO()
        ls.protocol.set_writer(StdoutWriter(out))
        ls.publish = lambda *a, **k: None  # type: ignore[method-assign]  # (no client)
        text = (module / "go.mod").read_text()
        uri = (module / "go.mod").as_uri()
        positions = require_positions(text)
        first: dict[bool, list[float]] = {True: [], False: []}
        for version in (1, 2):
            doc = ls.documents.open(uri, version, text)
            await precomputed(ls, doc)
            for n, (line, col) in enumerate(positions):
                fast = (n + version) % 2 == 0
                first[fast].append(handle(ls, body(n, uri, line, col), fast))
                out.seek(0)
                out.truncate()
                await asyncio.sleep(0.0003)  # (what it started runs, as between two requests)
        line, col = positions[len(positions) // 2]
        raw = body(7, uri, line, col)
        handle(ls, raw, True)
        await asyncio.sleep(1)  # (what the first hover started has arrived and was refreshed)
        out.seek(0)
        out.truncate()
        remembered: dict[bool, list[float]] = {True: [], False: []}
        written: dict[bool, bytes] = {}
        for k in range(args.requests):
            fast = k % 2 == 1
            remembered[fast].append(handle(ls, raw, fast))
            written[fast] = out.getvalue()
            out.seek(0)
            out.truncate()
            if fast:
                assert written[True] == written[False], "both paths write the same bytes"
        return {
            "file": str(args.file),
            "require_lines": len(positions),
            "first_hover": {"pygls path": summary(first[False]), "reader loop": summary(first[True])},
            "remembered_hover": {
                "pygls path": summary(remembered[False]),
                "reader loop": summary(remembered[True]),
            },
            "answer_bytes": len(written[True]),
            "load_average": os.getloadavg(),
        }


def main() -> None:
    os.environ.update(GOPROXY="off", GOSUMDB="off", GOFLAGS="-mod=mod", GOTOOLCHAIN="local")
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", type=Path, default=CORPUS / "traefik__traefik" / "go.mod")
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--json")
    args = ap.parse_args()
    results = asyncio.run(run(args))
    for what in ("first_hover", "remembered_hover"):
        for path, s in results[what].items():
            print(
                f"{what.replace('_', ' ')}, {path}: median {s['median_us']:.1f} µs, p95 {s['p95_us']:.1f} µs"
            )
    print(f"load average: {results['load_average'][0]:.2f}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
