"""What the server's start imports: only what answering `initialize` and the first
diagnostics need (docs/performance.md, "Server start-up"). The modules left out are imported
on first use (or warmed in a thread by lsp/heap.py), and work then: checked here in a fresh
interpreter, where nothing imported them before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

# Imported on first use, not by the start (what imports them now).
DEFERRED = (
    "diskcache",  # gomodls.resolve.cache, when the first fetch opens the disk cache
    "sqlite3",  # (diskcache's)
    "zipfile",  # importlib.resources's readers (the grammar and godebug table: pkgutil)
)


def run(code: str, tmp_path: Path) -> dict[str, object]:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), GOMODLS_NO_CODE_CACHE="1")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_start_imports_only_what_the_first_diagnostics_need(tmp_path: Path) -> None:
    out = run(
        f"""
        import json, sys
        from gomodls.lsp.app import create_server
        from gomodls.lsp.documents import DocumentStore

        server = create_server()
        doc = DocumentStore().open("file:///m/go.mod", 1, "module m\\n\\ngo 1.21\\n\\nrequire x.y/z v1.0.0\\n")
        server.findings(doc)
        print(json.dumps({{"imported": sorted(m for m in {DEFERRED!r} if m in sys.modules)}}))
        """,
        tmp_path,
    )
    assert out == {"imported": []}


def test_the_command_line_leaves_the_parser_to_the_commands(tmp_path: Path) -> None:
    """`gomodls serve` turns its code cache on before the parser, the model and lark are
    imported (they are compiled through it when there is no .pyc): the command line's own
    import must not bring them in."""
    out = run(
        """
        import json, sys
        import gomodls.cli
        print(json.dumps({"imported": sorted(m for m in sys.modules if m.startswith(("gomodls.modfile", "gomodls.syntax", "lark")))}))
        """,
        tmp_path,
    )
    assert out == {"imported": []}


def test_the_disk_cache_works_at_its_first_use(tmp_path: Path) -> None:
    """diskcache and sqlite3, imported when the cache is first opened: an entry is written and
    read back, and a corrupt database (sqlite3.DatabaseError, caught by name) is moved aside
    and made anew, in a process that had imported neither."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "cache.db").write_bytes(b"not a database" * 512)
    out = run(
        f"""
        import json, sys
        from gomodls.resolve.cache import ProxyCache

        before = sorted(m for m in ("diskcache", "sqlite3") if m in sys.modules)
        cache = ProxyCache({str(tmp_path / "ok")!r})
        cache.put("v1|k", b"data")
        entry = cache.get("v1|k")
        broken = ProxyCache({str(broken)!r})
        broken.put("v1|k", b"again")
        print(json.dumps({{"before": before, "read": entry.data.decode(), "repaired": broken.get("v1|k").data.decode()}}))
        """,
        tmp_path,
    )
    assert out == {"before": [], "read": "data", "repaired": "again"}
