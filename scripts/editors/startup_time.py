"""Time from starting `gomodls serve` to its answer to `initialize`, and to the first
diagnostics of a go.mod opened right after, as an editor sees them.

    python scripts/editors/startup_time.py [--runs N] [--limit SECONDS] [--profile] [-- SERVER ARGV...]

The default server is `<this python> -m gomodls serve --stdio`. Each start: `initialize`; when
it is answered, `initialized` and `didOpen` of a go.mod (a small one, or --file's text, written
into the temporary root); then the first publishDiagnostics of that file. Prints each run, then
the medians; --target and --limit apply to the time to the first diagnostics (the moment a
user sees the server work). --profile adds the slowest imports of one start (python -X
importtime), which is what to look at when the start is slow.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

SMALL_GO_MOD = "module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/text v0.14.0\n"


def _frame(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _read_message(stream) -> dict:
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("server closed stdout before answering")
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    if length is None:
        raise ValueError("message without Content-Length")
    return json.loads(stream.read(length))


def one_start(argv: list[str], env: dict[str, str], root: str) -> tuple[float, float, float]:
    """(wall seconds until the initialize answer, until the first diagnostics of root/go.mod,
    CPU seconds the server used in all). The CPU time is what the wall time would be on an idle
    machine: start-up is single-threaded."""
    gomod = os.path.join(root, "go.mod")
    with open(gomod, encoding="utf-8") as fh:
        text = fh.read()
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "processId": os.getpid(),
            "rootUri": "file://" + root,
            "capabilities": {},
            "clientInfo": {"name": "startup_time"},
        },
    }
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert proc.stdin and proc.stdout
    try:
        proc.stdin.write(_frame(init))
        proc.stdin.flush()
        while True:
            msg = _read_message(proc.stdout)
            if msg.get("id") == 1:
                elapsed = time.perf_counter() - t0
                if "result" not in msg:
                    raise RuntimeError(f"initialize failed: {msg}")
                break
        uri = "file://" + gomod
        proc.stdin.write(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        item = {"uri": uri, "languageId": "go.mod", "version": 1, "text": text}
        proc.stdin.write(
            _frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}})
        )
        proc.stdin.flush()
        while True:
            msg = _read_message(proc.stdout)
            if "id" in msg and "method" in msg:  # a request of the server's: answered with null
                result = (
                    [{}] * len(msg["params"]["items"]) if msg["method"] == "workspace/configuration" else None
                )
                proc.stdin.write(_frame({"jsonrpc": "2.0", "id": msg["id"], "result": result}))
                proc.stdin.flush()
            elif msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
                diagnosed = time.perf_counter() - t0
                break
        proc.stdin.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        proc.stdin.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.flush()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return elapsed, diagnosed, usage.ru_utime + usage.ru_stime


def import_profile(argv: list[str], env: dict[str, str], top: int = 15) -> list[tuple[int, str]]:
    """The slowest cumulative imports of one start (microseconds, module)."""
    proc = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]],
        input=_frame({"jsonrpc": "2.0", "method": "exit"}),
        capture_output=True,
        env=env,
        timeout=60,
    )
    rows = []
    for line in proc.stderr.decode(errors="replace").splitlines():
        m = re.match(r"import time:\s+\d+\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(1)), m.group(2).count(" ") - 1, m.group(3)))
    rows.sort(reverse=True)
    return [(us, ("  " * (depth // 2)) + name) for us, depth, name in rows[:top]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--limit", type=float, default=None, help="fail when the median is above this (s)")
    ap.add_argument("--target", type=float, default=None, help="say whether the median meets this (s)")
    ap.add_argument("--file", help="the go.mod to open (default: a small one)")
    ap.add_argument("--profile", action="store_true", help="also print the slowest imports of one start")
    ap.add_argument("server", nargs="*", help="server argv (default: this python -m gomodls serve --stdio)")
    args = ap.parse_args()
    argv = args.server or [sys.executable, "-m", "gomodls", "serve", "--stdio"]
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as root:
        root = os.path.realpath(root)
        text = SMALL_GO_MOD
        if args.file:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
        with open(os.path.join(root, "go.mod"), "w", encoding="utf-8") as fh:
            fh.write(text)
        one_start(argv, env, root)  # warm the OS file cache (and .pyc files) once, untimed
        runs = [one_start(argv, env, root) for _ in range(args.runs)]
    times = [wall for wall, _, _ in runs]
    firsts = [d for _, d, _ in runs]
    cpu = [c for _, _, c in runs]
    print("initialize answered after: " + ", ".join(f"{t * 1000:.0f} ms" for t in times))
    median_init = statistics.median(times)
    print(
        f"  median {median_init * 1000:.0f} ms, min {min(times) * 1000:.0f} ms,"
        f" max {max(times) * 1000:.0f} ms (wall)"
    )
    print("first diagnostics after: " + ", ".join(f"{t * 1000:.0f} ms" for t in firsts))
    median = statistics.median(firsts)
    print(
        f"  median {median * 1000:.0f} ms, min {min(firsts) * 1000:.0f} ms,"
        f" max {max(firsts) * 1000:.0f} ms (wall)"
    )
    print(f"CPU time of the server (start to exit): median {statistics.median(cpu) * 1000:.0f} ms")
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if args.profile:
        if (
            argv[0] != sys.executable
            and not argv[0].endswith("python")
            and "python" not in os.path.basename(argv[0])
        ):
            print("(--profile needs a python argv)")
        else:
            print("slowest imports (cumulative):")
            for us, name in import_profile(argv, env):
                print(f"  {us / 1000:7.1f} ms  {name}")
    if args.target is not None:
        verdict = "meets" if median <= args.target else "is ABOVE"
        print(f"target: the median start to first diagnostics {verdict} the target of {args.target} s")
    if args.limit is not None and median > args.limit:
        print(f"FAIL: median start to first diagnostics {median:.3f} s is above the limit {args.limit} s")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
