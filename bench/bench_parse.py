"""Parser benchmarks (issue: foundation). Run: .venv/bin/python bench/bench_parse.py [--json OUT]

Measures, on the largest corpus go.mod (traefik) and on generated 100- and 10,000-line files:
full parse, semantic model, `go mod edit -fmt` formatting, an incremental one-line edit
(a version changed in the middle of the require block) and an incremental line insertion;
and, in fresh processes, the first parse including loading the grammar.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from gomodls.modfile.parsed import FileKind, format_parsed, parse_syntax
from gomodls.syntax.incremental import apply_edit
from gomodls.syntax.parser import parse

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("GOMODLS_CORPUS", ROOT.parent / "shared" / "corpus"))


def generated(n: int) -> str:
    """A go.mod of about n lines: half a require block, half a replace block."""
    lines = ["module example.com/big", "", "go 1.22", "", "require ("]
    half = n // 2
    for i in range(half):
        if i % 3 == 0:
            lines.append(f"\texample.com/mod{i}/pkg v1.{i % 50}.{i % 7} // indirect")
        else:
            lines.append(f"\tgithub.com/org{i}/repo{i} v0.{i % 9}.{i % 11}")
    lines += [")", "", "replace ("]
    lines += [f"\texample.com/mod{i}/pkg v1.0.0 => ../local/mod{i}" for i in range(max(0, n - half - 10))]
    lines.append(")")
    return "\n".join(lines) + "\n"


def timed(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    fn()  # warm up
    xs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        xs.append(time.perf_counter() - t)
    xs.sort()
    return {
        "median_ms": statistics.median(xs) * 1000,
        "p95_ms": xs[int(len(xs) * 0.95) - 1] * 1000 if len(xs) >= 20 else max(xs) * 1000,
    }


def version_edit_point(text: str) -> tuple[int, int]:
    """The last character of a version in the middle of the require block."""
    lines = text.split("\n")
    start = next(i for i, t in enumerate(lines) if t.startswith("require ("))
    end = next(i for i in range(start, len(lines)) if lines[i] == ")")
    line = (start + end) // 2
    text_line = lines[line].split("//")[0].rstrip()
    return line, len(text_line) - 1


def bench_file(name: str, text: str, repeat: int) -> dict[str, object]:
    syntax = parse(text)
    line, col = version_edit_point(text)
    state = {"syntax": parse(text), "k": 0}

    def one_line_edit() -> None:
        state["k"] = (state["k"] + 1) % 10  # type: ignore[operator]
        state["syntax"] = apply_edit(state["syntax"], (line, col), (line, col + 1), str(state["k"]))  # type: ignore[arg-type]

    inserted = {"syntax": parse(text), "odd": False}

    def insert_line() -> None:
        # Alternately insert and delete a require line so the file size stays the same.
        s = inserted["syntax"]
        if inserted["odd"]:
            s = apply_edit(s, (line, 0), (line + 1, 0), "")  # type: ignore[arg-type]
        else:
            s = apply_edit(s, (line, 0), (line, 0), "\texample.com/inserted v1.0.0\n")  # type: ignore[arg-type]
        inserted["syntax"], inserted["odd"] = s, not inserted["odd"]

    heavy = len(text) > 100_000
    fresh = [parse(text) for _ in range(11 if heavy else 51)]  # each model build starts cold

    def cold_model() -> None:
        parse_syntax(fresh.pop(), FileKind.MOD)

    return {
        "file": name,
        "lines": text.count("\n"),
        "full_parse": timed(lambda: parse(text), 10 if heavy else 50),
        "model": timed(cold_model, 10 if heavy else 50),
        "model_memoised": timed(lambda: parse_syntax(syntax, FileKind.MOD), 10 if heavy else 50),
        "format": timed(lambda: format_parsed(parse_syntax(parse(text), FileKind.MOD)), 5 if heavy else 30),
        "one_line_edit": timed(one_line_edit, repeat),
        "insert_line": timed(insert_line, repeat),
    }


FIRST_PARSE = """
import time
t0 = time.perf_counter()
from gomodls.syntax.parser import parse
t1 = time.perf_counter()
parse("module example.com/m\\n\\ngo 1.22\\n")
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000)
"""


def first_parse(runs: int = 7) -> dict[str, float]:
    imports, parses = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", FIRST_PARSE], capture_output=True, text=True, check=True)
        a, b = map(float, out.stdout.split())
        imports.append(a)
        parses.append(b)
    return {
        "import_median_ms": statistics.median(imports),
        "first_parse_median_ms": statistics.median(parses),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--repeat", type=int, default=300)
    args = ap.parse_args()
    files: list[tuple[str, str]] = [("generated-100", generated(100)), ("generated-10000", generated(10_000))]
    traefik = CORPUS / "traefik__traefik" / "go.mod"
    if traefik.is_file():
        files.insert(0, ("traefik go.mod", traefik.read_text()))
    results = {"files": [bench_file(n, t, args.repeat) for n, t in files], "new_process": first_parse()}
    small = next(r for r in results["files"] if r["file"] == "generated-100")
    large = next(r for r in results["files"] if r["file"] == "generated-10000")
    results["edit_ratio_10000_vs_100"] = (
        large["one_line_edit"]["median_ms"] / small["one_line_edit"]["median_ms"]
    )  # type: ignore[index]
    results["insert_ratio_10000_vs_100"] = (
        large["insert_line"]["median_ms"] / small["insert_line"]["median_ms"]
    )  # type: ignore[index]
    columns = ("full_parse", "model", "model_memoised", "format", "one_line_edit", "insert_line")
    print(f"{'file':18} {'lines':>6} " + " ".join(f"{c[:10]:>10}" for c in columns) + "  (median ms)")
    for r in results["files"]:
        print(f"{r['file']:18} {r['lines']:>6} " + " ".join(f"{r[k]['median_ms']:10.3f}" for k in columns))
    print(f"one-line edit, 10,000 vs 100 lines: {results['edit_ratio_10000_vs_100']:.2f}x")
    print(f"line insertion, 10,000 vs 100 lines: {results['insert_ratio_10000_vs_100']:.2f}x")
    np = results["new_process"]
    print(
        f"new process: import {np['import_median_ms']:.1f} ms, first parse {np['first_parse_median_ms']:.1f} ms"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
