"""GOSUMDB and GONOSUMDB read as the go command reads them: every error of a malformed GOSUMDB
compared with what go itself says, the default exemptions compared with `go env`, and which
database go asks compared with the requests it sends."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodls.base.goenv import GoEnv
from gomodls.sumdb.config import KNOWN_GOSUMDB, BadGOSUMDB, dial, settings_from_env, use_sumdb
from goproxy import HTTPProxy, ProxyDir
from sumdbserver import Harness, go_env, run_go
from sumdbserver import sumdb_harness_fixture as sumdb_harness_fixture  # (registers the fixture)

MOD = "example.com/a"


def _go_error(root: Path, proxy: ProxyDir, gosumdb: str) -> str:
    """What go says when it needs the database GOSUMDB names (a fresh module cache each time:
    go consults the database only for what it downloads)."""
    env = go_env(root, GOPROXY=proxy.url, GOSUMDB=gosumdb, GOMODCACHE=str(root / "modcache"))
    r = run_go(["mod", "download", f"{MOD}@v1.0.0"], env, root / "work")
    assert r.returncode == 1, r.stderr
    return r.stderr


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> ProxyDir:
    p = ProxyDir(tmp_path_factory.mktemp("proxy"))
    p.add_zip(MOD, "v1.0.0", {"a.go": "package a\n"})
    return p


@pytest.mark.parametrize(
    "gosumdb",
    [
        "a b c",  # too many fields
        "nokey",  # neither a known name nor a key
        "x+zz+yy",
        "  ",  # only spaces: missing
        # the well-known key with its last byte changed
        KNOWN_GOSUMDB["sum.golang.org"][:-1] + "9",
        "x+12345678+AbvZFStgT3FrLM9oPgCifAg/NVr7VPP1K2rLTWyig7iV",  # someone else's key
    ],
)
def test_malformed_gosumdb_errors_are_gos(gosumdb: str, proxy: ProxyDir, tmp_path: Path) -> None:
    with pytest.raises(BadGOSUMDB) as e:
        dial(gosumdb)
    assert _go_error(tmp_path, proxy, gosumdb) == f"go: {MOD}@v1.0.0: verifying go.mod: {e.value}\n"


@pytest.mark.parametrize(
    "name",
    [
        "sumdb.example/",
        "user@sumdb.example",
        "sumdb.example?q",
        "sumdb.example#f",
        # Paths Go would write differently (url.URL keeps a RawPath): escapes, characters it escapes.
        "sumdb.example/a%41",
        "sumdb.example/a!b",
        "sumdb.example/a(b)",
        "sumdb.example/é",
        'sumdb.example/a"b',
    ],
)
def test_a_name_that_is_not_host_and_path_is_refused_like_go(
    name: str, sumdb_harness: Harness, proxy: ProxyDir, tmp_path: Path
) -> None:
    key = sumdb_harness.genkey(name)
    with pytest.raises(BadGOSUMDB) as e:
        dial(key.vkey)
    assert _go_error(tmp_path, proxy, key.vkey) == f"go: {MOD}@v1.0.0: verifying go.mod: {e.value}\n"


@pytest.mark.parametrize("name", ["sumdb.example/a:b;c=d@e", "sumdb.example:8443/x", "[::1]/db"])
def test_names_go_accepts(name: str, sumdb_harness: Harness, proxy: ProxyDir, tmp_path: Path) -> None:
    """go gets as far as asking the database (at a URL where nothing listens)."""
    key = sumdb_harness.genkey(name)
    assert dial(key.vkey).name == name
    err = _go_error(tmp_path, proxy, f"{key.vkey} http://127.0.0.1:1")
    assert "invalid sumdb name" not in err and "127.0.0.1:1/lookup/" in err


def test_a_host_and_path_name_is_accepted(sumdb_harness: Harness) -> None:
    key = sumdb_harness.genkey("sumdb.example/sub/dir")
    db = dial(f"{key.vkey} http://127.0.0.1:1/x")
    assert (db.name, db.key, db.direct, db.url) == (
        "sumdb.example/sub/dir",
        key.vkey,
        "https://sumdb.example/sub/dir",
        "http://127.0.0.1:1/x",
    )


def test_off_is_an_error_when_a_lookup_is_needed() -> None:
    with pytest.raises(BadGOSUMDB) as e:
        dial("off")
    assert str(e.value) == "checksum database disabled by GOSUMDB=off"


def test_well_known_names() -> None:
    known = dial("sum.golang.org")
    assert (known.name, known.key, known.direct, known.url) == (
        "sum.golang.org",
        "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
        "https://sum.golang.org",
        None,
    )
    china = dial("sum.golang.google.cn")
    assert (china.name, china.key, china.url) == (known.name, known.key, "https://sum.golang.google.cn")
    # A URL after a well-known name is used as given.
    assert dial("sum.golang.org http://127.0.0.1:9/db").url == "http://127.0.0.1:9/db"


def test_go_asks_a_proxy_for_the_database_the_default_names(proxy: ProxyDir, tmp_path: Path) -> None:
    """GOSUMDB=sum.golang.org through a proxy: go asks <proxy>/sumdb/sum.golang.org/supported
    (and, told 404, goes to https://sum.golang.org, which this sandbox cannot reach)."""
    http = HTTPProxy(proxy.root)
    with http.running():
        env = go_env(tmp_path, GOPROXY=http.url, GOSUMDB="sum.golang.org")
        run_go(["mod", "download", f"{MOD}@v1.0.0"], env, tmp_path / "work")
        assert f"/sumdb/{dial('sum.golang.org').name}/supported" in http.requests


@pytest.mark.parametrize(
    ("variables", "path", "checked"),
    [
        ({}, "example.com/a", True),
        ({"GOPRIVATE": "example.com"}, "example.com/a", False),
        ({"GOPRIVATE": "corp.example,*.internal"}, "git.internal/x", False),
        ({"GOPRIVATE": "corp.example,*.internal"}, "internal/x", True),
        ({"GOPRIVATE": "example.com", "GONOSUMDB": "other.org"}, "example.com/a", True),
        ({"GONOSUMDB": "example.com/*"}, "example.com/a/b", False),
        ({"GONOSUMDB": "example.com/*"}, "example.com", True),
        ({"GOSUMDB": "off"}, "example.com/a", False),
        # The toolchain module is always checked, whatever the settings.
        ({"GOSUMDB": "off"}, "golang.org/toolchain", True),
        ({"GONOSUMDB": "golang.org"}, "golang.org/toolchain", True),
    ],
)
def test_exemptions_follow_go_env(
    variables: dict[str, str], path: str, checked: bool, tmp_path: Path
) -> None:
    env = go_env(tmp_path, GOPROXY="https://proxy.golang.org,direct", GOSUMDB="sum.golang.org")
    env.update(variables)
    env.setdefault("GONOSUMDB", "")
    if not env["GONOSUMDB"]:
        del env["GONOSUMDB"]
    r = run_go(["env", "GOSUMDB", "GONOSUMDB", "GOPROXY"], env, tmp_path / "work")
    assert r.returncode == 0, r.stderr
    go_sumdb, go_nosumdb, go_proxy = r.stdout.split("\n")[:3]
    settings = settings_from_env(GoEnv(environ=env))
    assert (settings.gosumdb, settings.gonosumdb, settings.goproxy) == (go_sumdb, go_nosumdb, go_proxy)
    assert settings.use(path) == use_sumdb(path, go_sumdb, go_nosumdb, go_proxy) == checked


def test_the_state_files_are_gos(tmp_path: Path) -> None:
    env = go_env(
        tmp_path, GOPATH=f"{tmp_path / 'first'}:{tmp_path / 'second'}", GOMODCACHE=str(tmp_path / "mc")
    )
    settings = settings_from_env(GoEnv(environ=env))
    assert settings.sumdb_dir == str(tmp_path / "first" / "pkg" / "sumdb")
    assert settings.cache_dir == str(tmp_path / "mc" / "cache" / "download" / "sumdb")
