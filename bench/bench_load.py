"""Load: many scripted edits on the largest corpus go.mod, and a go.work workspace of many
modules opened at once, through a real stdio client (issue 12: hardening).

Run: .venv/bin/python bench/bench_load.py [--edits 10000] [--modules 50] [--file PATH] [--json OUT]

Edits: the file is written into a temporary module (as bench_lsp.py does: its go.sum and its
replacement directories beside it) and opened; then `--edits` one-change didChange
notifications (seeded bursts as a person types anywhere in the file: a word typed a character at
a time and deleted again, a line broken and joined again), each followed by waiting for the
publication of that version. Measured: latency from didChange to its publication (median, p95, p99, max), the
server's RSS every tenth of the run (flat: the last minus the one after the first tenth), and
correctness — the final text's diagnostics and semantic tokens from the edited document against
a fresh document opened with the text the client holds ("lost edits": any difference).

Workspace: a go.work using `--modules` modules (each requiring two others, replaced by their
directories, GOPROXY=off), all opened at once with the go.work: the time until every document
has its diagnostics and no publication arrives for a second ("all diagnostics"), and the RSS
then."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lsp import CORPUS, module_dir, percentile

TIMEOUT = 60.0


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Session:
    """A gomodls server and a client that records publications by (uri, version)."""

    def __init__(self) -> None:
        self.client = LanguageClient("bench-load", "1")
        self.published: dict[str, dict[int, list[types.Diagnostic]]] = {}
        self.waiting: dict[tuple[str, int], asyncio.Future[float]] = {}
        self.last_publication = time.perf_counter()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            version = params.version if params.version is not None else -1
            self.published.setdefault(params.uri, {})[version] = params.diagnostics
            self.last_publication = time.perf_counter()
            fut = self.waiting.pop((params.uri, version), None)
            if fut is not None and not fut.done():
                fut.set_result(time.perf_counter())

        @self.client.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams) -> list[object]:
            return [None for _ in params.items]

    async def start(self, root: Path) -> None:
        env = {**os.environ, "GOPROXY": "off", "GOFLAGS": "", "GOWORK": ""}
        await self.client.start_io(sys.executable, "-m", "gomodls", "serve", "--stdio", env=env)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    general=types.GeneralClientCapabilities(
                        position_encodings=[types.PositionEncodingKind.Utf16]
                    )
                ),
                root_uri=root.as_uri(),
            )
        )
        self.client.initialized(types.InitializedParams())

    @property
    def pid(self) -> int:
        return self.client._server.pid  # type: ignore[union-attr]

    def expect(self, uri: str, version: int) -> asyncio.Future[float]:
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[(uri, version)] = fut
        return fut

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="go.mod", version=version, text=text)
            )
        )

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def shape(diags: list[types.Diagnostic]) -> list[tuple[object, ...]]:
    return sorted(
        (
            str(d.code),
            d.message,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in diags
    )


def script(text: str, n: int, seed: int = 12) -> list[tuple[int, int, int, int, str]]:
    """n edits (start line, start col, end line, end col, new text) as a person types: bursts at
    random places of the file — a word typed a character at a time then deleted again, or a line
    broken and joined again — so that the file keeps coming back to the original (its
    diagnostics too) instead of drifting into noise. UTF-16 columns equal code points: the
    corpus's go.mod files are ASCII."""
    rng = random.Random(seed)
    lines = text.split("\n")
    edits: list[tuple[int, int, int, int, str]] = []
    while len(edits) < n:
        line = rng.randrange(len(lines))
        col = rng.randint(0, len(lines[line]))
        if rng.random() < 0.2:
            edits += [(line, col, line, col, "\n"), (line, col, line + 1, 0, "")]
            continue
        word = rng.choice(["9", "x1", " // note", ".0", "v2", "(", '"q"', " =>", "\t", "-rc.1"])
        for k, ch in enumerate(word):
            edits.append((line, col + k, line, col + k, ch))
        for k in reversed(range(len(word))):
            edits.append((line, col + k, line, col + k + 1, ""))
    return edits[:n]


def apply(text: str, edit: tuple[int, int, int, int, str]) -> str:
    lines = text.split("\n")
    sl, sc, el, ec, new = edit
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)
    return text[: offsets[sl] + sc] + new + text[offsets[el] + ec :]


async def edits_run(source: Path, n: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="gomodls-bench-load-") as tmp:
        module = Path(tmp) / "m"
        module.mkdir()
        module_dir(source, module)
        path = module / "go.mod"
        text = path.read_text()
        s = Session()
        await s.start(module)
        uri = path.as_uri()
        first = s.expect(uri, 1)
        s.open(uri, text)
        await asyncio.wait_for(first, TIMEOUT)
        await asyncio.sleep(1.0)  # the first resolution
        rss = [rss_mb(s.pid)]
        latencies = []
        for k, edit in enumerate(script(text, n)):
            version = k + 2
            text = apply(text, edit)
            sl, sc, el, ec, new = edit
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(sl, sc), types.Position(el, ec)), text=new
            )
            fut = s.expect(uri, version)
            t0 = time.perf_counter()
            s.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
                )
            )
            latencies.append((await asyncio.wait_for(fut, TIMEOUT)) - t0)
            if (k + 1) % max(1, n // 10) == 0:
                rss.append(rss_mb(s.pid))
        final_version = n + 1
        await asyncio.sleep(1.5)  # background work for the final text settles (the module graph)
        final = s.published[uri].get(final_version, [])
        tokens = await s.client.text_document_semantic_tokens_full_async(
            types.SemanticTokensParams(types.TextDocumentIdentifier(uri))
        )
        # The text the client holds, opened afresh under the same URI: what the server shows for
        # it must be what it shows after the edits ("lost edits" otherwise).
        s.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
        fut = s.expect(uri, final_version + 1)
        s.open(uri, text, final_version + 1)
        await asyncio.wait_for(fut, TIMEOUT)
        await asyncio.sleep(1.5)
        fresh = s.published[uri][final_version + 1]
        fresh_tokens = await s.client.text_document_semantic_tokens_full_async(
            types.SemanticTokensParams(types.TextDocumentIdentifier(uri))
        )
        lost = int((tokens.data if tokens else None) != (fresh_tokens.data if fresh_tokens else None))
        matches = shape(final) == shape(fresh)
        await s.stop()
    ms = [x * 1000 for x in latencies]
    return {
        "file": str(source),
        "edits": n,
        "median_ms": statistics.median(ms),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms),
        "rss_mb": [round(x, 1) for x in rss],
        "rss_growth_mb": round(rss[-1] - rss[1], 1) if len(rss) > 2 else 0.0,
        "lost_edits": lost,
        "final_diagnostics_match": matches,
        "final_diagnostics": len(final),
    }


def workspace(root: Path, modules: int) -> list[Path]:
    rng = random.Random(7)
    uses = []
    paths = []
    for i in range(modules):
        d = root / f"mod{i:02d}"
        d.mkdir(parents=True)
        deps = sorted(rng.sample([j for j in range(modules) if j != i], 2))
        require = "".join(f"\texample.com/mod{j:02d} v0.0.0\n" for j in deps)
        replace = "".join(f"replace example.com/mod{j:02d} => ../mod{j:02d}\n" for j in deps)
        (d / "go.mod").write_text(
            f"module example.com/mod{i:02d}\n\ngo 1.22\n\nrequire (\n{require})\n\n{replace}"
        )
        uses.append(f"\t./mod{i:02d}\n")
        paths.append(d / "go.mod")
    (root / "go.work").write_text("go 1.22\n\nuse (\n" + "".join(uses) + ")\n")
    return [root / "go.work", *paths]


async def workspace_run(modules: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="gomodls-bench-work-") as tmp:
        root = Path(tmp)
        files = workspace(root, modules)
        s = Session()
        await s.start(root)
        t0 = time.perf_counter()
        firsts = [s.expect(p.as_uri(), 1) for p in files]
        for p in files:
            s.open(p.as_uri(), p.read_text())
        await asyncio.wait_for(asyncio.gather(*firsts), TIMEOUT)
        all_first = time.perf_counter() - t0
        while time.perf_counter() - s.last_publication < 1.0:
            await asyncio.sleep(0.05)
        settled = s.last_publication - t0
        rss = rss_mb(s.pid)
        errors = sum(
            1
            for p in files
            for d in s.published[p.as_uri()].get(1, [])
            if d.severity == types.DiagnosticSeverity.Error
        )
        await s.stop()
    return {
        "modules": modules,
        "documents": len(files),
        "all_first_diagnostics_s": round(all_first, 3),
        "all_diagnostics_settled_s": round(settled, 3),
        "rss_mb": round(rss, 1),
        "error_diagnostics": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=10_000)
    ap.add_argument("--modules", type=int, default=50)
    ap.add_argument("--file", type=Path, default=CORPUS / "traefik__traefik" / "go.mod")
    ap.add_argument("--json")
    args = ap.parse_args()
    result = {
        "edits": asyncio.run(edits_run(args.file, args.edits)),
        "workspace": asyncio.run(workspace_run(args.modules)),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
