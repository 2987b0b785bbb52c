"""Seed inputs for the fuzzers: the corpus's go.mod/go.work/go.sum files and the case files
(tests/cases), each cut to the fuzzers' input size."""

from __future__ import annotations

from pathlib import Path

from editgen import CORPUS

CASES = Path(__file__).resolve().parents[1] / "cases"
MAX_SEED = 1 << 14


SETTINGS = [
    b'{"logLevel": "debug", "diagnostics": {"disabled": ["unused-replace"], "severity": {"x": "hint"}}}',
    b'{"gomodls": {"env": {"GOPROXY": "off", "PATH": "/x"}, "go": {"allowRun": false}}}',
    b'{"tidy": {"diagnostics": "onSave"}, "codeLenses": true, "upgrades": "latest", "inlayHints": ["latest"]}',
    b'{"env": {"GOFLAGS": "-mod=mod -toolexec=/x"}, "go": {"allowRun": "yes", "other": 1}}',
    b'[1, {"a": null}]',
]


def seed_texts(limit: int = 400, target: str = "") -> list[bytes]:
    if target == "settings":
        return list(SETTINGS)
    found: list[bytes] = []
    roots = [CASES] + ([CORPUS] if CORPUS.is_dir() else [])
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and (
                path.suffix in (".mod", ".work", ".sum", ".txt") or path.name.startswith("go.")
            ):
                found.append(path.read_bytes()[:MAX_SEED])
            if len(found) >= limit:
                return found
    return found or [b"module example.com/m\n\ngo 1.22\n"]
