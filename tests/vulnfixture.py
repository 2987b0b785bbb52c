"""One module universe with known vulnerabilities, shared by the CLI and editor tests: a module
proxy (GOPROXY layout, real zips so the go command can build and `go get`) and a vulnerability
database (v1 layout) describing its modules.

    example.com/direct  v1.0.0 v1.1.0 v1.2.0 v1.3.0   GO-2024-0001: < 1.2.0; v1.2.0 is retracted
    example.com/lib     v1.0.0 v1.0.1                 GO-2024-0003: two ranges, [0, 0.9.0) and
                                                      [1.0.0, 1.0.1); package lib/unused only
    example.com/deep    two pseudo-versions           GO-2024-0002: fixed by the later one
    example.com/bumped  v1.0.0 v1.1.0 v1.1.1          GO-2024-0004: [1.1.0, 1.1.1) (lib requires v1.1.0)
    example.com/old     v1.0.0                        GO-2024-0005: withdrawn

lib v1.0.0 requires deep (old pseudo-version) and bumped v1.1.0; lib v1.0.1 requires the
fixed deep. Their go.mod files say go 1.21 (pruned graphs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from goproxy import ProxyDir
from vulndb import VulnDBDir, affected, entry

DEEP_OLD = "v0.0.0-20240101000000-aaaaaaaaaaaa"
DEEP_FIXED = "v0.0.0-20240301000000-abcdefabcdef"

MAIN_GO_MOD = """module example.com/main

go 1.21

require (
	example.com/bumped v1.0.0
	example.com/direct v1.1.0
	example.com/lib v1.0.0
	example.com/old v1.0.0
)
"""
MAIN_GO = """package main

import (
	_ "example.com/bumped"
	_ "example.com/direct/pkg"
	_ "example.com/lib"
	_ "example.com/old"
)

func main() {}
"""


def _module(
    proxy: ProxyDir,
    path: str,
    version: str,
    requires: Mapping[str, str] = {},
    packages: Sequence[str] = ("",),
    extra: str = "",
) -> None:
    reqs = "".join(f"require {p} {v}\n" for p, v in requires.items())
    gomod = f"module {path}\n\ngo 1.21\n" + (f"\n{reqs}" if reqs else "") + extra
    files = {"go.mod": gomod}
    for pkg in packages:
        name = (pkg or path).rsplit("/", 1)[-1]
        imports = "".join(f'import _ "{p}"\n' for p in requires)
        files[f"{pkg}/{name}.go" if pkg else f"{name}.go"] = f"package {name}\n\n{imports if not pkg else ''}"
    proxy.add_zip(path, version, files)


def build_proxy(root: Path) -> ProxyDir:
    proxy = ProxyDir(root)
    for v in ("v1.0.0", "v1.1.0", "v1.2.0"):
        _module(proxy, "example.com/direct", v, packages=("", "pkg"))
    _module(
        proxy, "example.com/direct", "v1.3.0", packages=("", "pkg"), extra="\nretract v1.2.0 // broken fix\n"
    )
    proxy_deep(proxy)
    for v in ("v1.0.0", "v1.1.0", "v1.1.1"):
        _module(proxy, "example.com/bumped", v)
    _module(
        proxy,
        "example.com/lib",
        "v1.0.0",
        {"example.com/deep": DEEP_OLD, "example.com/bumped": "v1.1.0"},
        ("", "unused"),
    )
    _module(
        proxy,
        "example.com/lib",
        "v1.0.1",
        {"example.com/deep": DEEP_FIXED, "example.com/bumped": "v1.1.0"},
        ("", "unused"),
    )
    _module(proxy, "example.com/old", "v1.0.0")
    return proxy


def proxy_deep(proxy: ProxyDir) -> None:
    # Pseudo-versions are not listed by a proxy (@v/list holds tags only).
    for v in (DEEP_OLD, DEEP_FIXED):
        gomod = "module example.com/deep\n\ngo 1.21\n"
        proxy.add_zip("example.com/deep", v, {"go.mod": gomod, "deep.go": "package deep\n"}, listed=False)


def build_db(root: Path) -> VulnDBDir:
    return (
        VulnDBDir(root)
        .add(
            entry(
                "GO-2024-0001",
                [
                    affected(
                        "example.com/direct",
                        [[("introduced", "0"), ("fixed", "1.2.0")]],
                        [{"path": "example.com/direct/pkg", "symbols": ["Parse"]}],
                    )
                ],
                summary="Panic in direct/pkg.Parse",
                aliases=["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"],
            ),
            entry(
                "GO-2024-0002",
                [
                    affected(
                        "example.com/deep", [[("introduced", "0"), ("fixed", DEEP_FIXED.removeprefix("v"))]]
                    )
                ],
                summary="Deep trouble",
            ),
            entry(
                "GO-2024-0003",
                [
                    affected(
                        "example.com/lib",
                        [
                            [("introduced", "0"), ("fixed", "0.9.0")],
                            [("introduced", "1.0.0"), ("fixed", "1.0.1")],
                        ],
                        [{"path": "example.com/lib/unused"}],
                    )
                ],
                summary="Unused package of lib is unsafe",
            ),
            entry(
                "GO-2024-0004",
                [affected("example.com/bumped", [[("introduced", "1.1.0"), ("fixed", "1.1.1")]])],
                summary="Only the bumped version",
            ),
            entry(
                "GO-2024-0005",
                [affected("example.com/old", [[("introduced", "0")]])],
                summary="Withdrawn report",
                withdrawn="2024-06-01T00:00:00Z",
            ),
        )
        .publish()
    )


def write_main(root: Path, go_mod: str = MAIN_GO_MOD, main_go: str = MAIN_GO) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(go_mod)
    (root / "main.go").write_text(main_go)
    return root
