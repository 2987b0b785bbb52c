"""Findings as a SARIF 2.1.0 log (what GitHub code scanning and other CI dashboards read).

One rule per finding code, and one per vulnerability ID: a finding that reports several
vulnerabilities becomes one result per ID, so each advisory is its own alert. Columns count
code points (columnKind unicodeCodePoints), as the findings do; regions end where the finding's
range ends. Fixes carry their text edits; fixes that run a command have none to give."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from gomodls.analysis.codes import CODES
from gomodls.analysis.findings import Finding, Severity
from gomodls.base.textedit import Range

__all__ = ["Located", "sarif_log"]

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}


@dataclass(frozen=True, slots=True)
class Located:
    """A finding and the file it is in, named as the user gave it."""

    path: str
    finding: Finding


def _uri(path: str) -> dict[str, str]:
    if os.path.isabs(path):
        return {"uri": "file://" + quote(path.replace(os.sep, "/"))}
    rel = os.path.normpath(path).replace(os.sep, "/")
    return {"uri": quote(rel), "uriBaseId": SRCROOT}


def _region(r: Range) -> dict[str, int]:
    return {"startLine": r[0] + 1, "startColumn": r[1] + 1, "endLine": r[2] + 1, "endColumn": r[3] + 1}


class _Rules:
    def __init__(self) -> None:
        self.rules: list[dict[str, object]] = []
        self.index: dict[str, int] = {}

    def add(self, rule_id: str, make: dict[str, object]) -> int:
        if rule_id not in self.index:
            self.index[rule_id] = len(self.rules)
            self.rules.append({"id": rule_id, **make})
        return self.index[rule_id]


def sarif_log(found: Iterable[Located], version: str, cwd: str | None = None) -> dict[str, object]:
    cwd = cwd or os.getcwd()
    rules = _Rules()
    results: list[dict[str, object]] = []
    for item in found:
        f = item.finding
        location = {"physicalLocation": {"artifactLocation": _uri(item.path), "region": _region(f.range)}}
        fixes = _fixes(f, item.path, cwd)
        base: dict[str, object] = {
            "level": LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [location],
        }
        if fixes:
            base["fixes"] = fixes
        if f.advisories:
            for a in f.advisories:
                index = rules.add(
                    a.id,
                    {
                        "shortDescription": {"text": a.summary or a.id},
                        "helpUri": a.url,
                        "properties": {"tags": ["security", "vulnerability", *a.aliases]},
                    },
                )
                results.append({"ruleId": a.id, "ruleIndex": index, **base, "properties": {"code": f.code}})
        else:
            index = rules.add(
                f.code,
                {
                    "shortDescription": {"text": CODES.get(f.code, f.code)},
                    "defaultConfiguration": {"level": LEVELS[f.severity]},
                },
            )
            results.append({"ruleId": f.code, "ruleIndex": index, **base})
    root = cwd.replace(os.sep, "/").rstrip("/") + "/"
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "gomodls", "version": version, "rules": rules.rules}},
                "originalUriBaseIds": {SRCROOT: {"uri": "file://" + quote(root)}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _fixes(f: Finding, path: str, cwd: str) -> list[dict[str, object]]:
    """The fixes made of text edits, with the files named as in the results."""
    out: list[dict[str, object]] = []
    for fix in f.fixes:
        if not fix.edits:
            continue
        changes = []
        for file, edits in fix.edits.items():
            name = path if os.path.abspath(path) == os.path.abspath(file) else os.path.relpath(file, cwd)
            changes.append(
                {
                    "artifactLocation": _uri(name),
                    "replacements": [
                        {"deletedRegion": _region(e.range), "insertedContent": {"text": e.new_text}}
                        for e in edits
                    ],
                }
            )
        out.append({"description": {"text": fix.title}, "artifactChanges": changes})
    return out
