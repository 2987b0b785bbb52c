"""The vulnerability pass (issue: vulnerabilities): what it adds to a keystroke's diagnostics.

Run: .venv/bin/python bench/bench_vuln.py [--file PATH] [--index 5000] [--repeat 200] [--json OUT]

The largest corpus go.mod (traefik) gets a module graph resolved for real, in-process, from a
file:// proxy written for it (every required module, and every module replacement's target, at
its version with a go.mod of its own; directory replacements get a directory holding a go.mod),
and a vulnerability database in the v1 layout (file://) whose index lists `--index` modules:
every module of the build list plus made-up ones, one to three entries each; one module in
`--every` (5) of the build list has an entry affecting its selected version.

What the language server does on a keystroke, once the graph and the database's answer are
published, is `check_vulns` on the current parse: that is timed (median, p90, p99, max over
`--repeat` runs), and so is the pass with the publication of its findings (LSP diagnostics,
unstructured and encoded as JSON). Printed beside it, what runs once per publication, not per keystroke: the
database lookup of the whole build list (index and entries from memory, as after the first
lookup) and `assess` (matching, fixed versions, messages).

With `--lsp N`, also end to end: `gomodls serve` over stdio on the same module, proxy and
database, N one-character edits (typing a digit after a version and deleting it, as
bench_lsp.py does) timed from didChange to the publishDiagnostics of that version, once with
`gomodls.vulncheck` "all" (after the vulnerability diagnostics have appeared) and once "off",
side by side in one run."""

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
from pygls.protocol import default_converter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_lsp import CORPUS, module_dir, percentile  # noqa: E402
from gomodls.analysis.findings import Finding  # noqa: E402
from gomodls.analysis.vulnchecks import Assessment, assess, check_vulns  # noqa: E402
from gomodls.base.files import DiskFiles  # noqa: E402
from gomodls.base.goenv import GoEnv  # noqa: E402
from gomodls.lsp.config import Settings  # noqa: E402
from gomodls.lsp.diagnostics import to_diagnostic  # noqa: E402
from gomodls.lsp.positions import Encoding  # noqa: E402
from gomodls.modfile.model import ModFile  # noqa: E402
from gomodls.modfile.parsed import FileKind, parse_text  # noqa: E402
from gomodls.resolve.driver import ResolveOptions, Resolver, roots_for  # noqa: E402
from gomodls.resolve.fetch import Fetcher  # noqa: E402
from gomodls.resolve.transport import Transport  # noqa: E402
from gomodls.vuln.client import VulnDB  # noqa: E402
from goproxy import ProxyDir  # noqa: E402
from vulndb import VulnDBDir, affected, entry  # noqa: E402

CONVERTER = default_converter()


def largest_go_mod() -> Path:
    files = [p for p in CORPUS.rglob("*go.mod") if p.is_file()]
    return max(files, key=lambda p: len(p.read_bytes().splitlines()))


def write_proxy(model: ModFile, proxy: ProxyDir) -> int:
    seen = set()
    for mv in [r.mod for r in model.require] + [r.new for r in model.replace if r.new.version]:
        if (mv.path, mv.version) in seen:
            continue
        seen.add((mv.path, mv.version))
        proxy.add(mv.path, mv.version, f'module "{mv.path}"\n')
    return len(seen)


def bump(version: str) -> str:
    """A version just above `version` (its fix)."""
    base = version.removeprefix("v").split("-")[0].split("+")[0]
    major, minor, patch = ([*base.split("."), "0", "0"])[:3]
    return f"{major}.{minor}.{int(patch) + 1}"


def write_db(db: VulnDBDir, build_list: list[tuple[str, str]], size: int, every: int) -> None:
    # Entries that do not affect the build's versions: introduced at a version no module has
    # (their index "fixed" is empty, so they are fetched and matched, the worst case).
    unaffected = [[("introduced", "99.0.0")]]
    k = 0
    for i, (path, version) in enumerate(build_list):
        for j in range(1 + i % 3):
            k += 1
            ranges = (
                [[("introduced", "0"), ("fixed", bump(version))]] if i % every == 0 and j == 0 else unaffected
            )
            db.add(entry(f"GO-2099-{k:05d}", [affected(path, ranges, [{"path": path}])]))
    n = len(build_list)
    while n < size:
        k += 1
        n += 1
        db.add(
            entry(
                f"GO-2099-{k:05d}",
                [affected(f"example.com/filler/m{n:05d}", [[("introduced", "0"), ("fixed", "1.0.0")]])],
            )
        )
    db.publish()


async def keystrokes(gomod: Path, env: dict[str, str], mode: str, edits: int) -> dict[str, object]:
    """Keystroke-to-diagnostics latencies through a real client, with gomodls.vulncheck = mode."""
    text = gomod.read_text()
    client = LanguageClient("bench-vuln", "1")
    waiting: dict[int, asyncio.Future[float]] = {}
    vulns_seen: list[int] = []

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        n = sum(str(d.code).startswith("vulnerable-") for d in params.diagnostics)
        if n:
            vulns_seen.append(n)
        fut = waiting.pop(params.version or -1, None)
        if fut is not None and not fut.done():
            fut.set_result(time.perf_counter())

    profile = os.environ.get("BENCH_PROFILE")
    extra = {"GOMODLS_PROFILE": f"{profile}.{mode}"} if profile else {}
    await client.start_io(
        sys.executable, "-m", "gomodls", "serve", "--stdio", env={**os.environ, **env, **extra}
    )
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16])
            ),
            root_uri=gomod.parent.as_uri(),
            initialization_options={"vulncheck": mode},
        )
    )
    client.initialized(types.InitializedParams())
    uri = gomod.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="go.mod", version=1, text=text)
        )
    )
    # Until the graph is resolved and (mode all) the vulnerabilities are published.
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline and (mode == "all" and not vulns_seen):
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0 if mode == "all" else 3.0)
    lines = text.split("\n")
    target = next(
        i for i, line in enumerate(lines) if line.startswith("\t") and " v" in line and i > len(lines) // 3
    )
    col = len(lines[target].split("//")[0].rstrip())
    loop = asyncio.get_running_loop()
    latencies = []
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
        fut: asyncio.Future[float] = loop.create_future()
        waiting[version] = fut
        t0 = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
            )
        )
        latencies.append((await asyncio.wait_for(fut, 30) - t0) * 1000)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "vulnerability_diagnostics": max(vulns_seen, default=0),
        "median_ms": round(statistics.median(latencies), 3),
        "p95_ms": round(percentile(latencies, 95), 3),
        "p99_ms": round(percentile(latencies, 99), 3),
        "max_ms": round(max(latencies), 3),
    }


async def setup(
    source: Path, tmp: Path, index_size: int, every: int
) -> tuple[ModFile, Assessment, dict[str, object]]:
    module = tmp / "m"
    module.mkdir()
    module_dir(source, module)
    # (the corpus's go.sum records the real go.mod files, not the ones written here)
    (module / "go.sum").unlink(missing_ok=True)
    text = (module / "go.mod").read_text()
    model = parse_text(text, FileKind.MOD, "go.mod").model
    assert isinstance(model, ModFile)
    proxy = ProxyDir(tmp / "proxy")
    written = write_proxy(model, proxy)
    env = GoEnv(
        environ={
            "HOME": str(tmp / "home"),
            "GOENV": "off",
            "GOPROXY": proxy.url,
            "GOMODCACHE": str(tmp / "modcache"),
            "GOFLAGS": "",
            "GOWORK": "off",
        }
    )
    transport = Transport(env.environ)
    resolver = Resolver(Fetcher(env, transport=transport), DiskFiles())
    roots = roots_for(str(module), env, DiskFiles())
    resolution = await resolver.resolve(roots, ResolveOptions(check_sums=False, with_info=False))
    result = resolution.result
    build_list = [
        ((mi.replace or mi).path, (mi.replace or mi).version)
        for mi in result.modules
        if not mi.main and (mi.replace or mi).version
    ]
    db = VulnDBDir(tmp / "db")
    write_db(db, build_list, index_size, every)
    client = VulnDB(db.url, transport)
    modules = [(mi.replace or mi).module_version for mi in result.modules if not mi.main]
    snapshot = await client.lookup(modules)
    started = time.perf_counter()
    for _ in range(20):
        await client.lookup(modules)
    lookup_ms = (time.perf_counter() - started) / 20 * 1000
    await transport.close()
    assert snapshot.index is not None
    started = time.perf_counter()
    assessment = assess(result, snapshot, imports=set())
    assess_ms = (time.perf_counter() - started) * 1000
    facts = {
        "file": str(source),
        "requires": len(model.require),
        "proxy_modules": written,
        "build_list": len(result.modules),
        "graph_errors": result.errors[:2],
        "index_modules": len(snapshot.index.modules),
        "entries_fetched": len(snapshot.entries),
        "affected_modules": len(assessment.modules),
        "lookup_ms_warm": round(lookup_ms, 3),
        "assess_ms": round(assess_ms, 3),
    }
    return model, assessment, facts


def summary(times: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(times), 3),
        "p90": round(percentile(times, 90), 3),
        "p99": round(percentile(times, 99), 3),
        "max": round(max(times), 3),
    }


def publish_payload(findings: list[Finding], lines: list[str]) -> str:
    """What publishing the findings costs the server: diagnostics, unstructured, JSON."""
    diagnostics = [to_diagnostic(f, lines, Encoding.UTF16, Settings(), lambda path: None) for f in findings]
    params = types.PublishDiagnosticsParams(uri="file:///bench/go.mod", diagnostics=diagnostics, version=1)
    return json.dumps(CONVERTER.unstructure(params))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", type=Path)
    ap.add_argument("--index", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--every", type=int, default=5, help="one module in EVERY of the build list is affected")
    ap.add_argument("--lsp", type=int, default=0, metavar="N", help="also N keystrokes through gomodls serve")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    source = args.file or largest_go_mod()
    with tempfile.TemporaryDirectory(prefix="gomodls-bench-vuln-") as tmp:
        model, assessment, facts = asyncio.run(setup(source, Path(tmp), args.index, args.every))
        findings = check_vulns(model, assessment)
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            cProfile.runctx(
                "for _ in range(20): check_vulns(model, assessment)", globals(), locals(), sort="cumtime"
            )
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            check_vulns(model, assessment)
            times.append((time.perf_counter() - t0) * 1000)
        lines = (Path(tmp) / "m" / "go.mod").read_text().split("\n")
        published = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            publish_payload(check_vulns(model, assessment), lines)
            published.append((time.perf_counter() - t0) * 1000)
        lsp: dict[str, object] = {}
        if args.lsp:
            env = {
                "GOPROXY": (Path(tmp) / "proxy").as_uri(),
                "GOVULNDB": (Path(tmp) / "db").as_uri(),
                "GOMODCACHE": str(Path(tmp) / "modcache"),
                "GOFLAGS": "",
                "GOSUMDB": "off",
                "GOWORK": "off",
                "GOTOOLCHAIN": "local",
                "XDG_CACHE_HOME": str(Path(tmp) / "xdg-cache"),
            }
            gomod = Path(tmp) / "m" / "go.mod"
            for mode in ("all", "off"):
                lsp[f"keystrokes_vulncheck_{mode}"] = asyncio.run(keystrokes(gomod, env, mode, args.lsp))
    out = {
        **facts,
        "findings": len(findings),
        "by_code": {c: sum(f.code == c for f in findings) for c in sorted({f.code for f in findings})},
        "pass_ms": summary(times),
        "pass_and_publish_ms": summary(published),
        **lsp,
        "budget_ms": 5.0,
        "load_average": os.getloadavg()[0],
    }
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
