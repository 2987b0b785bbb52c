"""What loading the module graph of a large go.mod costs in memory (issue 15: the server at
100,000 requirements), while the round runs and once it is over: `list.load` of a main module
of 20,000 requirements whose go.mod files are all missing (an empty module cache, as the
server's first round sees it), with a source that looks in a real `ModCache` first, measured
with tracemalloc (exact, the same at every run).

Measured on CPython 3.11: 691 bytes a requirement at the peak, 47 kept after the round (the
escapes of the module cache's lookups). main before these cuts: 1,221 and 400 (a memo entry of
`cmp_version` per requirement, kept for the session, a directory string per path kept by the
`ModCache`, a tuple key per escape, a (module, pruning) tuple per requirement in the queue). The
bounds fail when one of those comes back (each is 50 bytes a requirement or more), not on noise."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from gomodls.base.files import DiskFiles
from gomodls.base.goenv import GoEnv
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.module.paths import ModuleVersion
from gomodls.resolve import buildlist, driver, modcache
from gomodls.resolve.driver import ResolveLimit, ResolveOptions, Resolver, roots_for
from gomodls.resolve.fetch import Fetcher
from gomodls.resolve.list import MainModule, NotLoaded, TooManyMissing, load
from gomodls.resolve.modcache import ModCache

REQUIREMENTS = 20_000
PEAK_BOUND = 800  # bytes a requirement while the round runs
KEPT_BOUND = 100  # bytes a requirement after it


def big_main(n: int) -> MainModule:
    lines = ["module example.com/huge", "", "go 1.22", "", "require ("]
    for i in range(n):
        if i % 50 == 7:
            version = f"v0.0.0-2024{1 + i % 12:02d}{1 + i % 28:02d}101112-{i * 2654435761 % (1 << 48):012x}"
        else:
            version = f"v{i % 2}.{i % 37}.{i % 11}"
        indirect = " // indirect" if i % 3 == 1 else ""
        lines.append(f"\tgithub.com/org{i // 1000:03d}/project-{i:06d} {version}{indirect}")
    parsed = parse_text("\n".join([*lines, ")", ""]), FileKind.MOD)
    assert parsed.ok and isinstance(parsed.model, ModFile)
    return MainModule("/w/m", parsed.model)


def test_a_round_over_missing_go_mods(tmp_path: Path) -> None:
    cache = ModCache(str(tmp_path))

    def source(mv: ModuleVersion) -> object:
        if cache.read_stamped(mv.path, mv.version, ".mod") is None:
            raise NotLoaded(mv)
        raise AssertionError("the module cache is empty")

    def run(main: MainModule) -> int:
        try:
            load([main], None, source, have_sum=lambda mv: True)  # type: ignore[arg-type]
        except NotLoaded as e:
            return len(e.missing)
        raise AssertionError("every go.mod is missing")

    main = big_main(REQUIREMENTS)
    run(big_main(3))  # (first-use imports and tables)
    # (what earlier tests left in the memos: each entry is kept, up to their bounds)
    buildlist._mod_compare_memo.cache_clear()
    modcache._ESCAPED_PATHS.clear()
    modcache._ESCAPED_VERSIONS.clear()
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        missing = run(main)
        gc.collect()
        kept, peak = (m - start for m in tracemalloc.get_traced_memory())
    finally:
        tracemalloc.stop()
    assert missing == REQUIREMENTS
    assert peak / REQUIREMENTS < PEAK_BOUND, f"{peak / REQUIREMENTS:.0f} bytes a requirement at the peak"
    assert kept / REQUIREMENTS < KEPT_BOUND, f"{kept / REQUIREMENTS:.0f} bytes a requirement kept"
    # (and not absurdly low: the measurement measured the round)
    assert peak / REQUIREMENTS > 200


@pytest.mark.parametrize("v1", ["none", "v1.0.0"])
def test_cmp_version_memoizes_all_but_first_sightings(v1: str) -> None:
    buildlist._mod_compare_memo.cache_clear()
    for i in range(100):
        assert buildlist.cmp_version(f"example.com/m{i}", v1, "v1.2.0") == -1
    assert buildlist._mod_compare_memo.cache_info().currsize == (0 if v1 == "none" else 100)
    assert buildlist.cmp_version("example.com/m", "none", "not-a-version") == 0  # (as Go: both invalid)
    assert buildlist.cmp_version("example.com/m", "v1.2.0", "none") == 1


def test_a_round_stops_past_max_missing() -> None:
    """A round given `max_missing` stops at the first go.mod past it, instead of walking
    every requirement to name them all (and it names them all without it)."""
    asked: list[ModuleVersion] = []

    def source(mv: ModuleVersion) -> object:
        asked.append(mv)
        raise NotLoaded(mv)

    main = big_main(2_000)
    with pytest.raises(NotLoaded) as e:
        load([main], None, source, have_sum=lambda mv: True)  # type: ignore[arg-type]
    assert len(e.value.missing) == 2_000
    asked.clear()
    with pytest.raises(TooManyMissing):
        load([main], None, source, have_sum=lambda mv: True, max_missing=100)  # type: ignore[arg-type]
    assert len(set(asked)) == 101


async def test_the_resolver_refuses_a_graph_past_max_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over MAX_MODULES missing go.mod files: ResolveLimit, as after a whole round, without
    looking at the rest (the module cache is asked for a few more than the limit)."""
    main_dir = tmp_path / "m"
    main_dir.mkdir()
    reqs = "".join(f"\texample.com/m{i:04d} v1.0.{i}\n" for i in range(1_000))
    (main_dir / "go.mod").write_text(f"module example.com/main\n\ngo 1.22\n\nrequire (\n{reqs})\n")
    (tmp_path / "modcache").mkdir()
    env = GoEnv(
        environ={
            "HOME": str(tmp_path),
            "GOENV": "off",
            "GOWORK": "off",
            "GOFLAGS": "",
            "GOPROXY": "off",
            "GOMODCACHE": str(tmp_path / "modcache"),
        }
    )
    resolver = Resolver(Fetcher(env), DiskFiles())
    looked_up: list[tuple[str, str]] = []
    cached = resolver.fetcher.cached
    monkeypatch.setattr(
        resolver.fetcher,
        "cached",
        lambda path, version, ext: looked_up.append((path, version)) or cached(path, version, ext),
    )
    monkeypatch.setattr(driver, "MAX_MODULES", 50)
    with pytest.raises(ResolveLimit, match="over 50 module versions"):
        await resolver.resolve(
            roots_for(str(main_dir), env, DiskFiles()), ResolveOptions(with_info=False, check_sums=False)
        )
    assert 50 < len(set(looked_up)) < 60
