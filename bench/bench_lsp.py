"""Keystroke-to-diagnostics latency through a real stdio client (issue: language server).

Run: .venv/bin/python bench/bench_lsp.py [--edits 300] [--file PATH] [--typing] [--json OUT]

Writes the largest corpus go.mod (traefik) into a temporary module directory, with its go.sum
from the corpus (when there is one) and a directory holding a go.mod for each local replacement
(the corpus's copy of that go.mod when it has one), so that the server reads them as it would
in a real checkout. Starts `gomodls serve` as a subprocess, opens that file's URI, then sends
one-character incremental edits (typing in a version, alternating with deleting it again) and
measures, for each, the time from sending didChange to receiving the publishDiagnostics for
that document version. Also measures the time to the initialize response (server start-up).

--typing ("continuous typing"): the edits alternate between the `go` line (its last digit
changed and changed back: every such edit changes the module graph's inputs) and a version in
the require block, each sent as soon as the previous diagnostics arrive, with no pause, so that
whatever graph work the edits start is in flight while the next ones are measured."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.modfile.rules import is_directory_path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("GOMODLS_CORPUS", ROOT.parent / "shared" / "corpus"))


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def module_dir(source: Path, into: Path) -> dict[str, object]:
    """Write `source` as into/go.mod, the corpus's go.sum next to it (if any) as into/go.sum, and
    a go.mod in each local replacement directory; says what was written."""
    text = source.read_text()
    (into / "go.mod").write_text(text)
    gosum = source.with_name("go.sum")
    if gosum.is_file():
        (into / "go.sum").write_text(gosum.read_text())
    model = parse_text(text, FileKind.MOD, "go.mod").model
    assert isinstance(model, ModFile)
    replacements = []
    for r in model.replace:
        target = r.new.path
        if r.new.version or not is_directory_path(target) or os.path.isabs(target):
            continue
        directory = (into / target).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        # The corpus keeps a repository's other go.mod files as DIR__SUB__go.mod.
        relative = os.path.normpath(target).replace(os.sep, "__")
        theirs = source.with_name(f"{relative}__go.mod")
        gomod = theirs.read_text() if theirs.is_file() else f"module {r.old.path}\n"
        (directory / "go.mod").write_text(gomod)
        replacements.append(target)
    return {"go_sum": gosum.is_file(), "replacement_dirs": replacements}


async def run(source: Path, edits: int, typing: bool = False) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="gomodls-bench-lsp-") as tmp:
        module = Path(tmp) / "m"
        module.mkdir()
        written = module_dir(source, module)
        result = await measure(module / "go.mod", edits, typing)
    return {
        "file": str(source),
        "mode": "continuous typing" if typing else "version edits",
        **written,
        **result,
    }


def typing_change(lines: list[str], k: int, target: int, col: int) -> types.TextDocumentContentChangePartial:
    """The k-th edit of continuous typing: even ones on the go line's last character (a digit
    replaced by another and back), odd ones typing and deleting a digit in a version."""
    if k % 2 == 0:
        go = next(i for i, line in enumerate(lines) if line.startswith("go "))
        end = len(lines[go].rstrip())
        last = lines[go][end - 1]
        digit = last if k % 4 == 2 else ("1" if last != "1" else "2")
        return types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(go, end - 1), types.Position(go, end)), text=digit
        )
    if k % 4 == 1:
        return types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(target, col), types.Position(target, col)), text="9"
        )
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(target, col), types.Position(target, col + 1)), text=""
    )


async def measure(path: Path, edits: int, typing: bool = False) -> dict[str, object]:
    text = path.read_text()
    client = LanguageClient("bench", "1")
    waiting: dict[int, asyncio.Future[float]] = {}
    codes: dict[int, list[str]] = {}  # document version -> the codes published

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        codes[params.version or -1] = sorted(str(d.code) for d in params.diagnostics)
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
    uri = path.as_uri()
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
        if typing:
            change = typing_change(lines, k, target, col)
        elif k % 2 == 0:
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
        "lines": len(lines),
        "startup_to_initialize_ms": startup * 1000,
        "open_to_diagnostics_ms": open_ms * 1000,
        "diagnostics_at_open": codes.get(1),
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
    ap.add_argument("--typing", action="store_true", help="continuous typing on the go line and a version")
    ap.add_argument("--json")
    args = ap.parse_args()
    result = asyncio.run(run(args.file, args.edits, args.typing))
    result["load_average"] = os.getloadavg()
    for k, v in result.items():
        print(f"{k:26} {v:.2f}" if isinstance(v, float) else f"{k:26} {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
