"""`gomodls check --sumdb`: every go.sum line against a real checksum database (tests/sumdbserver.py)
after the go command wrote the go.sum through the same database: honest lines verify, a changed
hash is an error in go's words on its line (exit 1), exempt modules send no request, a database
that is down leaves the lines unverified (exit 2), a forked one is go's SECURITY ERROR (exit 1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cliproc import run_gomodls
from goproxy import ProxyDir
from oracle import Result
from sumdbserver import Harness, Key, Record, SumDBServer, go_env, run_go
from sumdbserver import sumdb_harness_fixture as sumdb_harness_fixture  # (registers the fixture)

A, B = "example.com/a", "example.com/b"
V = "v1.0.0"
FAKE = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
SECURITY = """

SECURITY ERROR
This download does NOT match the one reported by the checksum server.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'.
"""


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> ProxyDir:
    p = ProxyDir(tmp_path_factory.mktemp("proxy"))
    for m in (A, B):
        p.add_zip(m, V, {"x.go": f"package x // {m}\n"})
    return p


@pytest.fixture(scope="module")
def key(sumdb_harness: Harness) -> Key:
    return sumdb_harness.genkey("sumdb.test.example")


@pytest.fixture
def db(sumdb_harness: Harness, key: Key, proxy: ProxyDir) -> Iterator[SumDBServer]:
    with sumdb_harness.serve(key, [Record(A, V), Record(B, V)], proxy.root) as server:
        yield server


@pytest.fixture
def module(tmp_path: Path, db: SumDBServer, proxy: ProxyDir) -> Path:
    """A module whose go.sum the go command wrote, verified by the database."""
    d = tmp_path / "m"
    d.mkdir()
    (d / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    r = run_go(["get", f"{A}@{V}", f"{B}@{V}"], go_env(tmp_path, GOPROXY=proxy.url, GOSUMDB=db.gosumdb), d)
    assert r.returncode == 0, r.stderr
    db.requests.clear()
    return d


def check(root: Path, target: Path, **variables: str) -> Result:
    """gomodls on go's GOPATH (its trusted tree head) but, unless told, an empty module cache:
    the database's answers cached while go wrote the go.sum would be believed without a request
    (as go does)."""
    env = go_env(root, **{"GOMODCACHE": str(root / "fresh-modcache"), **variables})
    return run_gomodls(
        ["check", "--sumdb", "--severity", "error", "--format", "json", str(target)], root, env
    )


def sum_lines(module: Path) -> list[str]:
    return (module / "go.sum").read_text().splitlines()


def test_the_lines_go_wrote_verify(module: Path, db: SumDBServer, tmp_path: Path) -> None:
    assert len(sum_lines(module)) == 4
    r = check(tmp_path, module, GOSUMDB=db.gosumdb)
    assert (r.rc, json.loads(r.stdout)) == (0, [])
    assert r.stderr.decode() == "gomodls: verified 4 lines, 0 exempt\n"
    assert {p for p in db.requests if p.startswith("/lookup/")} == {f"/lookup/{A}@{V}", f"/lookup/{B}@{V}"}


def test_a_changed_hash_is_an_error_in_gos_words(module: Path, db: SumDBServer, tmp_path: Path) -> None:
    lines = sum_lines(module)
    i = next(n for n, line in enumerate(lines) if line.startswith(f"{B} {V}/go.mod "))
    real = lines[i].split()[2]
    lines[i] = f"{B} {V}/go.mod {FAKE}"
    (module / "go.sum").write_text("\n".join(lines) + "\n")
    r = check(tmp_path, module / "go.mod", GOSUMDB=db.gosumdb)
    assert r.rc == 1
    (finding,) = json.loads(r.stdout)
    assert finding["path"] == str(module / "go.sum") and finding["line"] == i + 1
    assert finding["col"] == len(f"{B} {V}/go.mod ") + 1
    assert finding["code"] == "go-sum-mismatch" and finding["severity"] == "error"
    assert finding["message"] == (
        f"{B}@{V}: verifying go.mod: checksum mismatch\n\tdownloaded: {FAKE}\n\t{db.name}: {real}{SECURITY}"
    )
    assert r.stderr.decode() == "gomodls: verified 3 lines, 0 exempt\n"


@pytest.mark.parametrize(
    ("variables", "verified", "exempt", "asked"),
    [
        ({"GOPRIVATE": B}, 2, 2, [A]),
        ({"GONOSUMDB": "example.com"}, 0, 4, []),
        ({"GOSUMDB": "off"}, 0, 4, []),
    ],
)
def test_exempt_modules_are_counted_and_never_sent(
    variables: dict[str, str],
    verified: int,
    exempt: int,
    asked: list[str],
    module: Path,
    db: SumDBServer,
    tmp_path: Path,
) -> None:
    r = check(tmp_path, module, **{"GOSUMDB": db.gosumdb, **variables})
    assert (r.rc, json.loads(r.stdout)) == (0, [])
    assert r.stderr.decode() == f"gomodls: verified {verified} lines, {exempt} exempt\n"
    assert sorted(p for p in db.requests if p.startswith("/lookup/")) == [f"/lookup/{m}@{V}" for m in asked]
    if not asked:
        assert db.requests == []


def _after_module(message: str) -> str:
    """What a lookup error says after "M@V: verifying <noun>: M@V[/go.mod]: " (go reports the
    first download that failed, gomodls the first go.sum line: the module may differ)."""
    return message.split(": ", 3)[3]


def test_a_database_that_is_down_leaves_the_lines_unverified(
    module: Path, db: SumDBServer, proxy: ProxyDir, tmp_path: Path
) -> None:
    db.down = 503
    r = check(tmp_path, module, GOSUMDB=db.gosumdb)
    assert (r.rc, json.loads(r.stdout)) == (2, [])
    err = r.stderr.decode()
    assert err.endswith("gomodls: verified 0 lines, 0 exempt, 4 not verified\n")
    # go, on the same trusted tree with an empty cache, fails the same way: it cannot even
    # check the tree it trusts against the database.
    env = go_env(tmp_path, GOPROXY=proxy.url, GOSUMDB=db.gosumdb, GOMODCACHE=str(tmp_path / "go-modcache"))
    go = run_go(["mod", "download", f"{A}@{V}"], env, tmp_path / "elsewhere").stderr  # (no go.sum there)
    assert go.startswith("go: ") and "initializing sumdb.Client: checking tree#2: reading " in go
    first = err.split("\n")[0]
    assert first.startswith("gomodls: ")
    assert _after_module(first.removeprefix("gomodls: ")) == _after_module(
        go.split("\n")[0].removeprefix("go: ")
    )


def test_a_forked_database_is_gos_security_error(
    module: Path, sumdb_harness: Harness, key: Key, proxy: ProxyDir, tmp_path: Path
) -> None:
    """go trusts the tree of two records it saw writing the go.sum (and keeps its tiles); a
    database with the same key and another history answers for a third module."""
    c = "example.com/c"
    proxy.add_zip(c, V, {"x.go": "package c\n"})
    with sumdb_harness.serve(key, [Record(B, V), Record(A, V), Record(c, V)], proxy.root) as fork:
        env = go_env(
            tmp_path,
            GOPROXY=proxy.url,
            GOSUMDB=fork.gosumdb,
            GOMODCACHE=str(tmp_path / "gopath" / "pkg" / "mod"),
        )
        snapshot = (tmp_path / "gopath" / "pkg" / "sumdb" / key.name / "latest").read_bytes()
        go = run_go(["mod", "download", f"{c}@{V}"], env, module)
        assert (tmp_path / "gopath" / "pkg" / "sumdb" / key.name / "latest").read_bytes() == snapshot
        with open(module / "go.sum", "a") as fh:  # the line go would have written
            fh.write(f"{c} {V}/go.mod {_go_mod_h1(proxy, c)}\n")
        r = check(tmp_path, module, GOSUMDB=fork.gosumdb, GOMODCACHE=str(tmp_path / "gopath" / "pkg" / "mod"))
    assert go.returncode == 1 and go.stderr.startswith(
        "SECURITY ERROR\ngo.sum database server misbehavior detected!\n\nold database:\n"
    )
    assert r.rc == 1 and json.loads(r.stdout) == []
    assert r.stderr.decode() == go.stderr + "gomodls: verified 4 lines, 0 exempt, 1 not verified\n"
    assert (tmp_path / "gopath" / "pkg" / "sumdb" / key.name / "latest").read_bytes() == snapshot


def _go_mod_h1(proxy: ProxyDir, path: str) -> str:
    from gomodls.module.paths import escape_path
    from gomodls.module.sumhash import go_mod_hash

    return go_mod_hash((proxy.root / escape_path(path) / "@v" / f"{V}.mod").read_bytes())


def test_a_malformed_gosumdb_is_one_error_in_gos_words(module: Path, proxy: ProxyDir, tmp_path: Path) -> None:
    r = check(tmp_path, module, GOSUMDB="a b c")
    assert (r.rc, json.loads(r.stdout)) == (2, [])
    go = run_go(
        ["mod", "download", f"{A}@{V}"],
        go_env(tmp_path, GOPROXY=proxy.url, GOSUMDB="a b c"),
        tmp_path / "elsewhere",
    )
    assert go.stderr == f"go: {A}@{V}: verifying go.mod: invalid GOSUMDB: too many fields\n"
    line = r.stderr.decode().split("\n")[0]
    assert line in (
        f"gomodls: {A}@{V}: verifying go.mod: invalid GOSUMDB: too many fields",
        f"gomodls: {A}@{V}: verifying module: invalid GOSUMDB: too many fields",
    )
    assert r.stderr.decode() == line + "\ngomodls: verified 0 lines, 0 exempt, 4 not verified\n"
