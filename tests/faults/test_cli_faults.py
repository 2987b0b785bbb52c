"""`gomodls resolve` as a process against a FaultProxy (tests/faultproxy.py), one fault at a time:
it never hangs (each run is bounded), never prints a traceback, stays within its memory, and says
what failed in the go command's words; a transient fault that the retries outlast changes
nothing in the output."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from faultproxy import FaultProxy

from .scenario import add_modules, cli_env, main_go_mod, slug

TIMEOUT = 120.0


class Run:
    def __init__(self, rc: int, stdout: str, stderr: str, seconds: float, max_rss_mb: float) -> None:
        self.rc, self.stdout, self.stderr, self.seconds, self.max_rss_mb = (
            rc,
            stdout,
            stderr,
            seconds,
            max_rss_mb,
        )


def resolve(root: Path, proxy_url: str, extra_env: dict[str, str] | None = None) -> Run:
    """`gomodls resolve` of the main module, with its peak RSS (measured in a child of a child,
    so that only this run counts)."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "sys.stdout.buffer.write(p.stdout)\n"
        "sys.stderr.buffer.write(p.stderr)\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.write(f'\\n@@ {p.returncode} {time.monotonic() - t:.3f} {rss}\\n')\n"
    )
    env = {**cli_env(root, proxy_url), **(extra_env or {})}
    proc = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "gomodls", "resolve", str(root / "main")],
        env=env,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    stderr = proc.stderr.decode(errors="replace")
    stderr, _, tail = stderr.rpartition("\n@@ ")
    rc, seconds, rss = tail.split()
    return Run(int(rc), proc.stdout.decode(errors="replace"), stderr, float(seconds), int(rss) / 1024)


@pytest.fixture
def proxy(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[FaultProxy, str, str]]:
    fp = FaultProxy(tmp_path)
    a, b = add_modules(fp, slug(request.node.name))
    (tmp_path / "main").mkdir()
    (tmp_path / "main" / "go.mod").write_text(main_go_mod(a, b))
    with fp.running():
        yield fp, a, b


def expected_output(a: str, b: str) -> str:
    return f"example.com/main\n{a} v1.0.0\n{b} v1.1.0\n"


def assert_clean_failure(run: Run, *needles: str) -> None:
    assert run.rc == 1, (run.rc, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    for needle in needles:
        assert needle in run.stderr, (needle, run.stderr)


def test_no_fault(tmp_path: Path, proxy: tuple[FaultProxy, str, str]) -> None:
    fp, a, b = proxy
    run = resolve(tmp_path, fp.url)
    assert (run.rc, run.stdout, run.stderr) == (0, expected_output(a, b), "")


@pytest.mark.parametrize(
    ("fault", "times"),
    [("status", 2), ("reset", 2), ("hang", 1), ("drip", None)],
)
def test_transient_faults_the_retries_outlast(
    tmp_path: Path, proxy: tuple[FaultProxy, str, str], fault: str, times: int | None
) -> None:
    fp, a, b = proxy
    fp.drip_delay = 0.05
    fp.inject(fault, only=f"{a}/@v/v1.0.0.mod", times=times)
    run = resolve(tmp_path, fp.url)
    assert (run.rc, run.stdout, run.stderr) == (0, expected_output(a, b), "")
    assert fp.faults >= 1


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_a_failing_proxy(tmp_path: Path, proxy: tuple[FaultProxy, str, str], status: int) -> None:
    fp, a, _ = proxy
    fp.inject("status", only=f"{a}/@v/v1.0.0.mod", status=status)
    run = resolve(tmp_path, fp.url)
    assert_clean_failure(run, f"{a}@v1.0.0: reading {fp.url}/{a}/@v/v1.0.0.mod: {status} ")
    assert run.seconds < 30


@pytest.mark.parametrize("status", [404, 410])
def test_a_missing_version(tmp_path: Path, proxy: tuple[FaultProxy, str, str], status: int) -> None:
    fp, a, _ = proxy
    fp.inject("status", only=f"{a}/@v/v1.0.0.mod", status=status)
    run = resolve(tmp_path, fp.url)
    assert_clean_failure(run, f"reading {fp.url}/{a}/@v/v1.0.0.mod: {status} ")
    assert fp.faults == 1  # "does not exist" is an answer: never retried


def test_connections_reset(tmp_path: Path, proxy: tuple[FaultProxy, str, str]) -> None:
    fp, a, _ = proxy
    fp.inject("reset", only=f"{a}/@v/v1.0.0.mod")
    run = resolve(tmp_path, fp.url)
    assert_clean_failure(run, f'{a}@v1.0.0: Get "{fp.url}/{a}/@v/v1.0.0.mod": read: connection reset by peer')
    assert run.seconds < 30


def test_garbage(tmp_path: Path, proxy: tuple[FaultProxy, str, str]) -> None:
    fp, a, _ = proxy
    fp.inject("garbage", only=f"{a}/@v/v1.0.0.mod")
    run = resolve(tmp_path, fp.url)
    assert_clean_failure(run, f"{a}@v1.0.0")


def test_truncated_answers(tmp_path: Path, proxy: tuple[FaultProxy, str, str]) -> None:
    fp, a, _ = proxy
    fp.inject("truncate", only=f"{a}/@v/v1.0.0.mod")
    run = resolve(tmp_path, fp.url)
    assert_clean_failure(run, f'{a}@v1.0.0: read "{fp.url}/{a}/@v/v1.0.0.mod": unexpected EOF')


@pytest.mark.parametrize("fault", ["big", "big-unsized", "gzip-bomb"])
def test_a_hundred_megabyte_answer_is_not_read_whole(
    tmp_path: Path, proxy: tuple[FaultProxy, str, str], fault: str
) -> None:
    fp, a, _ = proxy
    fp.inject(fault, only=f"{a}/@v/v1.0.0.mod")
    run = resolve(tmp_path, fp.url)
    assert_clean_failure(run, f'{a}@v1.0.0: read "{fp.url}/{a}/@v/v1.0.0.mod": response body too large')
    print(
        f"{fault}: peak RSS {run.max_rss_mb:.0f} MB, {fp.big_sent / 2**20:.0f} MiB sent"
    )  # (docs/reliability.md)
    # Reading stops at the limit: the process stays small and the proxy could not send it all.
    assert run.max_rss_mb < 150, run.max_rss_mb
    assert fp.big_sent < fp.big_bytes


def test_a_redirect_loop(tmp_path: Path, proxy: tuple[FaultProxy, str, str]) -> None:
    fp, a, _ = proxy
    fp.inject("redirect-loop", only=f"{a}/@v/v1.0.0.mod")
    run = resolve(tmp_path, fp.url)
    assert_clean_failure(run, f'{a}@v1.0.0: Get "/{a}/@v/v1.0.0.mod": stopped after 10 redirects')
    assert fp.faults == 10  # Go's client stops after 10 redirects, and nothing retries them


def test_bad_gzip(tmp_path: Path, proxy: tuple[FaultProxy, str, str]) -> None:
    fp, a, _ = proxy
    fp.inject("bad-gzip", only=f"{a}/@v/v1.0.0.mod")
    run = resolve(tmp_path, fp.url)
    assert_clean_failure(run, f'{a}@v1.0.0: read "{fp.url}/{a}/@v/v1.0.0.mod": gzip: invalid header')
    assert fp.faults == 1  # the same bytes come back: not retried


def test_https_never_redirects_to_http(tmp_path: Path) -> None:
    # The proxy speaks TLS (its certificate trusted through SSL_CERT_FILE, as the go command
    # trusts it); a redirect to http:// is refused with the go command's words, and the plain
    # server never sees a request.
    insecure = FaultProxy(tmp_path / "insecure")
    secure = FaultProxy(tmp_path / "secure", tls=True)
    a, b = add_modules(secure, "tohttp")
    add_modules(insecure, "tohttp")
    (tmp_path / "main").mkdir()
    (tmp_path / "main" / "go.mod").write_text(main_go_mod(a, b))
    with insecure.running(), secure.running():
        secure.insecure = insecure.url
        baseline = resolve(tmp_path, secure.url, {"SSL_CERT_FILE": secure.ca_file})
        assert baseline.rc == 0, baseline.stderr  # the certificate is trusted
        secure.inject("to-http", only=f"{a}/@v/v1.0.0.info")
        (tmp_path / "again" / "main").mkdir(parents=True)  # (caches of its own: asked again)
        (tmp_path / "again" / "main" / "go.mod").write_text(main_go_mod(a, b))
        run = resolve(tmp_path / "again", secure.url, {"SSL_CERT_FILE": secure.ca_file})
        info = f"/{a}/@v/v1.0.0.info"
        assert_clean_failure(
            run,
            f'{a}@v1.0.0: Get "{insecure.url}{info}": redirected from secure URL {secure.url}{info} '
            f"to insecure URL {insecure.url}{info}",
        )
        assert insecure.requests == []
        assert secure.faults == 1  # not retried
