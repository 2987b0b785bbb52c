"""The vulnerability pass (issue: vulnerabilities): what it adds to a keystroke's diagnostics.

Run: .venv/bin/python bench/bench_vuln.py [--file PATH] [--index 5000] [--repeat 200] [--json OUT]

The largest corpus go.mod (traefik) gets a module graph resolved for real, in-process, from a
file:// proxy written for it (every required module, and every module replacement's target, at
its version with a go.mod of its own; directory replacements get a directory holding a go.mod),
and a vulnerability database in the v1 layout (file://) whose index lists `--index` modules:
every module of the build list plus made-up ones, one to three entries each; about one module
in five of the build list has an entry affecting its selected version, some only in the graph.

What the language server does on a keystroke, once the graph and the database's answer are
published, is `check_vulns` on the current parse: that is timed (median, p90, p99, max over
`--repeat` runs). Printed beside it, what runs once per publication, not per keystroke: the
database lookup of the whole build list (index and entries from memory, as after the first
lookup) and `assess` (matching, fixed versions, messages)."""

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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_lsp import CORPUS, module_dir, percentile  # noqa: E402
from gomodls.analysis.vulnchecks import Assessment, assess, check_vulns  # noqa: E402
from gomodls.base.files import DiskFiles  # noqa: E402
from gomodls.base.goenv import GoEnv  # noqa: E402
from gomodls.modfile.model import ModFile  # noqa: E402
from gomodls.modfile.parsed import FileKind, parse_text  # noqa: E402
from gomodls.resolve.driver import Resolver, roots_for  # noqa: E402
from gomodls.resolve.fetch import Fetcher  # noqa: E402
from gomodls.resolve.transport import Transport  # noqa: E402
from gomodls.vuln.client import VulnDB  # noqa: E402
from goproxy import ProxyDir  # noqa: E402
from vulndb import VulnDBDir, affected, entry  # noqa: E402


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


def write_db(db: VulnDBDir, build_list: list[tuple[str, str]], size: int) -> None:
    k = 0
    for i, (path, version) in enumerate(build_list):
        bare = version.removeprefix("v")
        if i % 5 == 0:  # affects the selected version
            ranges = [[("introduced", "0"), ("fixed", bump(version))]]
        else:  # fixed long ago
            ranges = (
                [[("introduced", "0"), ("fixed", "0.0.1")]]
                if bare != "0.0.0"
                else [[("introduced", "9.0.0")]]
            )
        for j in range(1 + i % 3):
            k += 1
            db.add(
                entry(
                    f"GO-2099-{k:05d}",
                    [
                        affected(
                            path,
                            ranges if j == 0 else [[("introduced", "0"), ("fixed", "0.0.1")]],
                            [{"path": path}],
                        )
                    ],
                )
            )
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


async def setup(source: Path, tmp: Path, index_size: int) -> tuple[ModFile, Assessment, dict[str, object]]:
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
    resolution = await resolver.resolve(roots, check_sums=False, with_info=False)
    result = resolution.result
    build_list = [
        ((mi.replace or mi).path, (mi.replace or mi).version)
        for mi in result.modules
        if not mi.main and (mi.replace or mi).version
    ]
    db = VulnDBDir(tmp / "db")
    write_db(db, build_list, index_size)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", type=Path)
    ap.add_argument("--index", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    source = args.file or largest_go_mod()
    with tempfile.TemporaryDirectory(prefix="gomodls-bench-vuln-") as tmp:
        model, assessment, facts = asyncio.run(setup(source, Path(tmp), args.index))
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
    out = {
        **facts,
        "findings": len(findings),
        "by_code": {c: sum(f.code == c for f in findings) for c in sorted({f.code for f in findings})},
        "pass_ms": {
            "median": round(statistics.median(times), 3),
            "p90": round(percentile(times, 90), 3),
            "p99": round(percentile(times, 99), 3),
            "max": round(max(times), 3),
        },
        "budget_ms": 5.0,
        "load_average": os.getloadavg()[0],
    }
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
