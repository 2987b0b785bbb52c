"""The module set every fault test resolves: a main module requiring a (which requires b), served
by a FaultProxy under module paths unique to the test, so that nothing cached by an earlier test
(gomodls's disk cache, the module cache) hides the fault."""

from __future__ import annotations

import os
import re
from pathlib import Path

from faultproxy import FaultProxy


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())[:40] or "x"


def add_modules(proxy: FaultProxy, tag: str) -> tuple[str, str]:
    """example.com/TAG/a v1.0.0 -> example.com/TAG/b v1.1.0; returns (a, b)."""
    a, b = f"example.com/{tag}/a", f"example.com/{tag}/b"
    proxy.dir.add(b, "v1.0.0", f"module {b}\n\ngo 1.21\n")
    proxy.dir.add(b, "v1.1.0", f"module {b}\n\ngo 1.21\n")
    proxy.dir.add(a, "v1.0.0", f"module {a}\n\ngo 1.21\n\nrequire {b} v1.1.0\n")
    return a, b


def main_go_mod(a: str, b: str) -> str:
    return f"module example.com/main\n\ngo 1.21\n\nrequire (\n\t{a} v1.0.0\n\t{b} v1.0.0 // indirect\n)\n"


def cli_env(root: Path, proxy_url: str) -> dict[str, str]:
    home = root / "home"
    (home / ".config" / "go" / "telemetry").mkdir(parents=True, exist_ok=True)
    (home / ".config" / "go" / "telemetry" / "mode").write_text("off")
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(root / "xdg-cache"),
        "GOMODCACHE": str(root / "modcache"),
        "GOPROXY": proxy_url,
        "GOSUMDB": "off",
        "GOFLAGS": "-mod=mod",
        "GOENV": "off",
        "GOTOOLCHAIN": "local",
        "GOTELEMETRY": "off",
        "GOWORK": "off",
    }
