"""Diagnostic codes: every code the server can emit is registered and documented."""

from __future__ import annotations

import re
from pathlib import Path

from gomodls.analysis.codes import CODES
from gomodls.lsp.config import Settings, parse_settings

ROOT = Path(__file__).resolve().parents[2]
CODE_LITERAL = re.compile(r'"([a-z]+(?:-[a-z0-9]+)+)"')
SOURCES = ["analysis", "modfile/rules.py", "modfile/gosum.py", "modfile/errors.py"]


def emitted_codes() -> set[str]:
    found: set[str] = set()
    for rel in SOURCES:
        base = ROOT / "server" / "gomodls" / rel
        for path in [base] if base.is_file() else base.rglob("*.py"):
            if path.name == "codes.py":
                continue
            found.update(CODE_LITERAL.findall(path.read_text()))
    return found


def test_every_emitted_code_is_registered() -> None:
    emitted = emitted_codes()
    assert {"unused-replace", "syntax-error", "conflicting-sum-hash"} <= emitted
    unknown = {c for c in emitted if c not in CODES and not c.startswith(("go-", "h1-"))}
    # Strings of the same shape that are not codes (file kinds, encodings) are listed here.
    unknown -= {"utf-8", "utf-16", "utf-32", "go-mod-file", "go-work-file", "gomodls-watched-files"}
    assert unknown == set()


def test_every_code_is_documented() -> None:
    doc = (ROOT / "docs" / "diagnostics.md").read_text()
    assert [c for c in CODES if f"`{c}`" not in doc] == []


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text()
    names = {"logLevel", "diagnostics.disabled", "diagnostics.severity", "env", "upgrades", "inlayHints"}
    assert all(f"`gomodls.{n}`" in doc for n in names)
    settings, problems = parse_settings(
        {"logLevel": "debug", "diagnostics": {"disabled": ["usage"]}, "env": {}}
    )
    assert problems == [] and settings.severity_for("usage") == "off"
    assert parse_settings({"bogus": 1}, Settings())[1] == ["unknown setting gomodls.bogus"]
