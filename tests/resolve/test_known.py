"""What a resolution derived from module files is kept for the next process
(gomodls.resolve.known), and used only while those files are unchanged."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from gomodls.base.files import DiskFiles
from gomodls.base.goenv import GoEnv
from gomodls.module.paths import ModuleVersion
from gomodls.module.sumhash import go_mod_hash
from gomodls.resolve import known as known_module
from gomodls.resolve import modcache
from gomodls.resolve.cache import ProxyCache
from gomodls.resolve.driver import Resolution, ResolveOptions, Resolver, checksum_mismatch, roots_for
from gomodls.resolve.fetch import Fetcher
from gomodls.resolve.listjson import render_text
from goproxy import ProxyDir

B_MOD = "module example.com/b\n\ngo 1.21\n\nrequire example.com/c v1.0.0\n"
C_MOD = "module example.com/c\n\ngo 1.21\n\nretract v0.9.0 // too old\n"
BUILD_LIST = "example.com/m\nexample.com/b v1.2.0\nexample.com/c v1.0.0\n"


class World:
    def __init__(self, tmp_path: Path, *, in_module_cache: bool = True) -> None:
        self.tmp = tmp_path
        self.modcache = tmp_path / "modcache"
        self.proxy = ProxyDir(tmp_path / "proxy")
        self.cache_dir = tmp_path / "gomodls-cache"
        # The module cache's download directory has the proxy's layout.
        target = ProxyDir(self.modcache / "cache" / "download") if in_module_cache else self.proxy
        target.add("example.com/b", "v1.2.0", B_MOD)
        target.add("example.com/c", "v1.0.0", C_MOD)
        self.main = tmp_path / "m"
        self.write_main("example.com/b v1.2.0")
        self.env = GoEnv(
            environ={
                "HOME": str(tmp_path / "home"),
                "GOENV": "off",
                "GOMODCACHE": str(self.modcache),
                "GOPROXY": self.proxy.url if not in_module_cache else "off",
                "GOFLAGS": "",
                "GOWORK": "off",
                "GONOSUMDB": "*",
            }
        )

    def write_main(self, requirement: str, mods: dict[str, str] | None = None) -> None:
        self.main.mkdir(exist_ok=True)
        (self.main / "go.mod").write_text(f"module example.com/m\n\ngo 1.22\n\nrequire {requirement}\n")
        mods = mods or {"example.com/b v1.2.0": B_MOD, "example.com/c v1.0.0": C_MOD}
        (self.main / "go.sum").write_text(
            "".join(f"{mv}/go.mod {go_mod_hash(text.encode())}\n" for mv, text in mods.items())
        )

    def module_cache_file(self, path: str, version: str, ext: str) -> Path:
        return self.modcache / "cache" / "download" / path / "@v" / f"{version}{ext}"

    def resolve(self) -> tuple[Resolution, Resolver]:
        async def run() -> tuple[Resolution, Resolver]:
            files = DiskFiles()
            roots = roots_for(str(self.main), self.env, files)
            cache = ProxyCache(str(self.cache_dir))
            fetcher = Fetcher(self.env, cache=cache)
            resolver = Resolver(fetcher, files, cwd=str(self.main))
            try:
                return await resolver.resolve(
                    roots, ResolveOptions(local_go="1.27.3", gotoolchain="local")
                ), resolver
            finally:
                await fetcher.close()
                cache.close()

        return asyncio.run(run())


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The module cache files read."""
    seen: list[str] = []
    real = modcache.read_stamped

    def counting(path: str) -> object:
        got = real(path)
        if got is not None:
            seen.append(os.path.basename(path))
        return got

    monkeypatch.setattr(modcache, "read_stamped", counting)
    return seen


def test_a_new_process_reads_no_unchanged_module_file(tmp_path: Path, reads: list[str]) -> None:
    world = World(tmp_path)
    first, _ = world.resolve()
    assert first.result.ok and render_text(first.result.modules) == BUILD_LIST
    assert sorted(reads) == ["v1.0.0.info", "v1.0.0.mod", "v1.2.0.info", "v1.2.0.mod"]
    reads.clear()
    second, resolver = world.resolve()
    assert reads == []
    assert second.result.modules == first.result.modules  # times, go versions, everything
    assert resolver.mod_hash(ModuleVersion("example.com/c", "v1.0.0")) == go_mod_hash(C_MOD.encode())
    c = resolver.known(ModuleVersion("example.com/c", "v1.0.0"))
    assert c is not None and c.retract[0].rationale == "too old"


@pytest.mark.parametrize("same_size", [False, True])
def test_a_changed_module_cache_file_is_read_again(tmp_path: Path, reads: list[str], same_size: bool) -> None:
    world = World(tmp_path)
    assert world.resolve()[0].result.ok
    reads.clear()
    f = world.module_cache_file("example.com/c", "v1.0.0", ".mod")
    tampered = C_MOD.replace("too old", "too OLD") if same_size else C_MOD + "// changed\n"
    before = f.stat()
    f.write_text(tampered)
    if same_size:  # a clock with coarse timestamps could leave the time as it was
        os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    second, _ = world.resolve()
    assert reads == ["v1.0.0.mod"]
    # the go command's answer for a module cache file that no longer matches go.sum
    mv = ModuleVersion("example.com/c", "v1.0.0")
    expected = checksum_mismatch(mv, go_mod_hash(tampered.encode()), go_mod_hash(C_MOD.encode()))
    assert second.security_errors == [expected]


def test_a_fact_from_gomodls_cache_yields_to_a_module_cache_file(tmp_path: Path, reads: list[str]) -> None:
    world = World(tmp_path, in_module_cache=False)  # fetched from the proxy
    first, _ = world.resolve()
    assert first.result.ok and render_text(first.result.modules) == BUILD_LIST
    assert reads == []
    # Now the go command has downloaded c, and its copy differs from what go.sum records.
    ProxyDir(world.modcache / "cache" / "download").add("example.com/c", "v1.0.0", C_MOD + "// other\n")
    second, _ = world.resolve()
    assert "v1.0.0.mod" in reads
    assert len(second.security_errors) == 1 and "example.com/c@v1.0.0/go.mod" in second.security_errors[0]


def test_parse_errors_are_not_kept(tmp_path: Path, reads: list[str]) -> None:
    world = World(tmp_path)
    broken = "module example.com/c\n\ngo 1.21\n\nrequire (\n"
    f = world.module_cache_file("example.com/c", "v1.0.0", ".mod")
    f.write_text(broken)
    # (required directly, so that the graph needs its requirements)
    world.write_main(
        "(\n\texample.com/b v1.2.0\n\texample.com/c v1.0.0\n)",
        {"example.com/b v1.2.0": B_MOD, "example.com/c v1.0.0": broken},
    )
    first, _ = world.resolve()
    assert not first.result.ok
    reads.clear()
    second, _ = world.resolve()
    assert "v1.0.0.mod" in reads
    assert second.result.stderr == first.result.stderr


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe9\x03\x00\x00"])
def test_a_damaged_file_is_ignored_and_replaced(tmp_path: Path, reads: list[str], damage: bytes) -> None:
    world = World(tmp_path)
    world.resolve()
    (kept,) = (world.cache_dir / "known").iterdir()
    kept.write_bytes(damage)
    reads.clear()
    second, _ = world.resolve()
    assert render_text(second.result.modules) == BUILD_LIST
    assert len(reads) == 4
    reads.clear()
    world.resolve()
    assert reads == []


def test_facts_no_longer_used_are_dropped(tmp_path: Path, reads: list[str]) -> None:
    world = World(tmp_path)
    world.resolve()
    # c alone now: b's facts go at the next save
    world.write_main("example.com/c v1.0.0", {"example.com/c v1.0.0": C_MOD})
    ProxyDir(world.modcache / "cache" / "download").add("example.com/d", "v0.1.0")
    world.write_main(
        "(\n\texample.com/c v1.0.0\n\texample.com/d v0.1.0\n)",
        {"example.com/c v1.0.0": C_MOD, "example.com/d v0.1.0": "module example.com/d\n"},
    )
    assert world.resolve()[0].result.ok
    reads.clear()
    world.write_main("example.com/b v1.2.0")
    assert world.resolve()[0].result.ok
    assert sorted(reads) == ["v1.2.0.info", "v1.2.0.mod"]


def test_only_the_most_recent_main_modules_are_kept(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(known_module, "MAX_FILES", 3)
    world = World(tmp_path)
    for i in range(5):
        world.main = tmp_path / f"m{i}"
        world.write_main("example.com/b v1.2.0")
        assert world.resolve()[0].result.ok
    assert len(list((world.cache_dir / "known").iterdir())) == 3
    reads.clear()
    world.resolve()  # the newest is still there
    assert reads == []
    world.main = tmp_path / "m0"
    world.resolve()  # the oldest is not
    assert len(reads) == 4
