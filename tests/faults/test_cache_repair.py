"""gomodls's disk cache when it cannot be used: a corrupt database, a database damaged after it
was written, a cache path that is a file. It is moved aside and rebuilt once, with one warning
line and never a traceback, and the next run uses the new cache silently."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from faultproxy import FaultProxy
from gomodls.resolve.cache import ProxyCache

from .scenario import add_modules, main_go_mod
from .test_cli_faults import resolve


def corrupt_database(cache: Path) -> None:
    cache.mkdir(parents=True)
    (cache / "cache.db").write_bytes(b"not a database" * 512)


def damaged_database(cache: Path) -> None:
    c = ProxyCache(str(cache))
    c.put("v1|k", b"data")
    c.close()
    db = bytearray((cache / "cache.db").read_bytes())
    db[100:4000] = os.urandom(3900)
    (cache / "cache.db").write_bytes(bytes(db))


def a_file(cache: Path) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the cache directory should be")


BREAKAGES: dict[str, Callable[[Path], None]] = {
    "corrupt": corrupt_database,
    "damaged": damaged_database,
    "file": a_file,
}


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[FaultProxy, str, str]]:
    fp = FaultProxy(tmp_path)
    a, b = add_modules(fp, "cacherepair")
    (tmp_path / "main").mkdir()
    (tmp_path / "main" / "go.mod").write_text(main_go_mod(a, b))
    with fp.running():
        yield fp, a, b


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_an_unusable_cache_is_rebuilt_once(
    tmp_path: Path, proxy: tuple[FaultProxy, str, str], breakage: str
) -> None:
    fp, a, b = proxy
    cache = tmp_path / "xdg-cache" / "gomodls" / "proxy"
    BREAKAGES[breakage](cache)
    first = resolve(tmp_path, fp.url)
    assert first.rc == 0 and first.stdout == f"example.com/main\n{a} v1.0.0\n{b} v1.1.0\n"
    lines = first.stderr.splitlines()
    assert len(lines) == 1 and "was unusable" in lines[0] and "started a new one" in lines[0], first.stderr
    assert [p.name for p in cache.parent.iterdir() if ".broken-" in p.name]
    requests = len(fp.requests)
    # The new cache works: the next run needs no request and says nothing.
    second = resolve(tmp_path, fp.url)
    assert (second.rc, second.stderr, second.stdout) == (0, "", first.stdout)
    assert len(fp.requests) == requests


def test_a_cache_that_cannot_be_rebuilt_is_done_without(
    tmp_path: Path, proxy: tuple[FaultProxy, str, str]
) -> None:
    fp, a, b = proxy
    xdg = tmp_path / "xdg-cache"
    xdg.mkdir()
    (xdg / "gomodls").write_text("a file where a directory should be")  # nothing can be made below it
    run = resolve(tmp_path, fp.url)
    assert run.rc == 0 and run.stdout == f"example.com/main\n{a} v1.0.0\n{b} v1.1.0\n"
    assert "Traceback" not in run.stderr and 1 <= len(run.stderr.splitlines()) <= 2, run.stderr
    assert "continuing without it" in run.stderr
