"""The command registry: every `gomodls.*` command ID is a string literal in exactly one module
of server/ (lsp/commands.py), none in the layers below the LSP, and every command the server
serves is one of them."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from gomodls.lsp import commands
from gomodls.lsp.app import create_server

SERVER = Path(__file__).resolve().parents[2] / "server" / "gomodls"
COMMAND_LITERAL = re.compile(r"gomodls\.[A-Za-z]+")


def literals() -> dict[str, set[str]]:
    """`gomodls.<name>` string literals -> the modules (paths under server/gomodls) holding them."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and COMMAND_LITERAL.fullmatch(text):
                found[text].add(path.relative_to(SERVER).as_posix())
    return found


def registry() -> set[str]:
    return {v for k, v in vars(commands).items() if k.isupper() and isinstance(v, str)}


def test_each_command_literal_is_in_one_module() -> None:
    found = literals()
    assert {lit: sorted(mods) for lit, mods in found.items() if len(mods) > 1} == {}
    assert {lit for lit, mods in found.items() if mods == {"lsp/commands.py"}} == registry()
    assert not [lit for lit, mods in found.items() if any(m.startswith("analysis/") for m in mods)]


def test_served_commands_are_the_registry() -> None:
    server = create_server()
    assert set(server.protocol.fm.commands) == registry()
    assert set(commands.FOR_ACTION.values()) <= registry()
