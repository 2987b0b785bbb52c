"""Keystroke → diagnostics while the module graph is being recomputed (issue 15, "Typing while
the graph is recomputed").

Run: .venv/bin/python bench/bench_typing.py [--modules 300] [--edits 600] [--burst 8] [--json OUT]

`bench_lsp.py --typing` types with GOPROXY=off and an empty module cache, so the graph's loads
fail at once and little graph work is in flight. Here the graph has real work to do: the
300-module universe of `bench_resolve.py` (tests/resolve/graphgen.py `wide_universe`, a main
go.mod requiring 150 modules, plus one replace and one exclude) served from a file:// proxy,
with gomodls's disk cache and the module cache empty, so every resolution fetches go.mod files
and every finished one starts the version-facts prefetch of all its modules.

Typing cycles over the go line, a require line, the replace line and the exclude line (a digit
replaced by another and put back on the go line; a digit typed into a version and deleted on
the others: each edit changes the graph's inputs). It starts as soon as the file is opened (the
first resolution is in flight) and goes in bursts of --burst edits, each sent as soon as the
previous one's diagnostics arrive, with a pause of --pause seconds (longer than the server's
debounce) between bursts, so that a re-resolution starts in every pause and the next burst
types into it. The server's log says when each resolution ran; an edit counts as "during graph
work" when it was sent while a resolution was running.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_lsp import percentile  # noqa: E402
from bench_resolve import Setup  # noqa: E402
from gomodls.lsp import codecache  # noqa: E402

RESOLVED = re.compile(r"^(\S+ \S+) INFO \S+: resolved \S+ in (\d+) ms")


def with_replace_and_exclude(main: str, lines: list[str]) -> str:
    """The main go.mod plus a replace of its third requirement and an exclude of a version of its
    fourth (versions the universe has, so the graph changes and still resolves)."""
    third, fourth = (lines[i].split()[0] for i in (2, 3))
    return main + f"\nreplace {third} => {third} v1.1.0\n\nexclude {fourth} v1.2.0\n"


def typing_targets(lines: list[str]) -> list[tuple[int, int]]:
    """(line, column) of the character each kind of edit touches: the go line's last digit, and the
    end of the version on a require line, the replace line and the exclude line."""
    go = next(i for i, line in enumerate(lines) if line.startswith("go "))
    req = next(i for i, line in enumerate(lines) if line.startswith("\t") and i > len(lines) // 3)
    rep = next(i for i, line in enumerate(lines) if line.startswith("replace "))
    exc = next(i for i, line in enumerate(lines) if line.startswith("exclude "))
    return [(go, len(lines[go]) - 1)] + [(i, len(lines[i].rstrip())) for i in (req, rep, exc)]


def change(
    lines: list[str], targets: list[tuple[int, int]], k: int
) -> types.TextDocumentContentChangePartial:
    """Edit k: pairs of edits on one target (change and undo), cycling over the targets."""
    line, col = targets[(k // 2) % len(targets)]
    undo = k % 2 == 1
    if line == targets[0][0]:  # the go line: replace its last digit, then put it back
        last = lines[line][col]
        text = last if undo else ("1" if last != "1" else "2")
        rng = types.Range(types.Position(line, col), types.Position(line, col + 1))
        return types.TextDocumentContentChangePartial(range=rng, text=text)
    if undo:
        rng = types.Range(types.Position(line, col), types.Position(line, col + 1))
        return types.TextDocumentContentChangePartial(range=rng, text="")
    rng = types.Range(types.Position(line, col), types.Position(line, col))
    return types.TextDocumentContentChangePartial(range=rng, text="9")


def resolutions(log: Path) -> list[tuple[float, float]]:
    """(start, end) wall-clock times of each resolution the server logged."""
    spans = []
    for line in log.read_text().splitlines():
        m = RESOLVED.match(line)
        if m:
            end = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            spans.append((end - int(m.group(2)) / 1000, end))
    return spans


async def measure(setup: Setup, edits: int, burst: int, pause: float, log: Path) -> dict[str, object]:
    path = setup.dir / "go.mod"
    text = path.read_text()
    client = LanguageClient("bench", "1")
    waiting: dict[int, asyncio.Future[float]] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        fut = waiting.pop(params.version or -1, None)
        if fut is not None and not fut.done():
            fut.set_result(time.perf_counter())

    # A cold gomodls disk cache and module cache: the graph's go.mod files come from the proxy.
    # The server's compiled-code cache (lsp/codecache.py) is kept, as after any earlier session.
    cold = Path(tempfile.mkdtemp(prefix="cold-", dir=setup.root))
    env = {**os.environ, **setup.env, "XDG_CACHE_HOME": str(cold / "xdg"), "GOMODCACHE": str(cold / "mod")}
    warm = Path(codecache.default_path())
    if warm.is_file():
        (cold / "xdg" / "gomodls").mkdir(parents=True)
        shutil.copy(warm, cold / "xdg" / "gomodls" / warm.name)
    await client.start_io(
        sys.executable, "-m", "gomodls", "serve", "--stdio", "--log-file", str(log), env=env
    )
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=setup.dir.as_uri())
    )
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    loop = asyncio.get_running_loop()

    async def publish_of(version: int, send: object) -> tuple[float, float]:
        fut: asyncio.Future[float] = loop.create_future()
        waiting[version] = fut
        sent = time.time()
        t0 = time.perf_counter()
        send()  # type: ignore[operator]
        return sent, (await asyncio.wait_for(fut, 30)) - t0

    item = types.TextDocumentItem(uri=uri, language_id="go.mod", version=1, text=text)
    _, open_s = await publish_of(
        1, lambda: client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    )
    lines = text.split("\n")
    targets = typing_targets(lines)
    samples: list[tuple[float, float]] = []  # (sent at, latency)
    # The client's own collections would count as the server's latency.
    gc.collect()
    gc.disable()
    for k in range(edits):
        if k and k % burst == 0:
            await asyncio.sleep(pause)
        version = k + 2
        params = types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change(lines, targets, k)]
        )
        samples.append(await publish_of(version, lambda p=params: client.text_document_did_change(p)))
    gc.enable()
    await asyncio.sleep(0.5)  # let the last resolution finish and be logged
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    spans = resolutions(log)
    slowest = sorted(((lat * 1000, round(sent - samples[0][0], 3)) for sent, lat in samples), reverse=True)[
        :8
    ]
    during = [lat for sent, lat in samples if any(a <= sent <= b for a, b in spans)]

    def summary(xs: list[float]) -> dict[str, float]:
        ms = [x * 1000 for x in xs]
        if not ms:
            return {"n": 0}
        return {
            "n": len(ms),
            "median_ms": statistics.median(ms),
            "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99),
            "max_ms": max(ms),
        }

    return {
        "open_to_diagnostics_ms": open_s * 1000,
        "resolutions": len(spans),
        "resolution_ms_median": statistics.median(b - a for a, b in spans) * 1000 if spans else None,
        "all_edits": summary([lat for _, lat in samples]),
        "during_graph_work": summary(during),
        "slowest_ms_at_s": slowest,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--modules", type=int, default=300)
    ap.add_argument("--edits", type=int, default=600)
    ap.add_argument(
        "--burst",
        type=int,
        default=5,
        help="edits typed with no pause between them (odd: each pause leaves a changed text)",
    )
    ap.add_argument("--pause", type=float, default=0.2, help="seconds between bursts (> the debounce)")
    ap.add_argument("--json")
    ap.add_argument("--log", help="keep the server log here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gomodls-bench-typing-") as tmp:
        setup = Setup(Path(tmp), args.modules)
        try:
            gomod = setup.dir / "go.mod"
            requires = [line.strip() for line in gomod.read_text().splitlines() if line.startswith("\t")]
            gomod.write_text(with_replace_and_exclude(gomod.read_text(), requires))
            result = asyncio.run(
                measure(
                    setup,
                    args.edits,
                    args.burst,
                    args.pause,
                    Path(args.log) if args.log else Path(tmp) / "server.log",
                )
            )
        finally:
            setup.cleanup()
    result["load_average"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
