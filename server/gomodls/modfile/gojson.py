"""`go mod edit -json` / `go work edit -json` output, byte for byte (encoding/json's
MarshalIndent with a tab, HTML-safe escaping, invalid UTF-8 as U+FFFD)."""

from __future__ import annotations

import json
from typing import Any

from gomodls.base.gostr import is_escaped_byte
from gomodls.modfile.model import ModFile, ModuleVersion, WorkFile


def _version(mv: ModuleVersion) -> dict[str, str]:
    out = {"Path": mv.path}
    if mv.version:
        out["Version"] = mv.version
    return out


def _omit_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v}


def mod_json(f: ModFile) -> dict[str, Any]:
    module: dict[str, str] = {"Path": f.module.mod.path if f.module else ""}
    if f.module and f.module.deprecated:
        module["Deprecated"] = f.module.deprecated
    out: dict[str, Any] = {"Module": module}
    out |= _omit_empty(
        {
            "Go": f.go.version if f.go else "",
            "Toolchain": f.toolchain.name if f.toolchain else "",
            "GoDebug": [{"Key": g.key, "Value": g.value} for g in f.godebug],
            "Require": [{**_version(r.mod), **({"Indirect": True} if r.indirect else {})} for r in f.require],
            "Exclude": [_version(x.mod) for x in f.exclude],
            "Replace": [{"Old": _version(r.old), "New": _version(r.new)} for r in f.replace],
            "Retract": [
                _omit_empty({"Low": r.low, "High": r.high, "Rationale": r.rationale}) for r in f.retract
            ],
            "Tool": [{"Path": t.path} for t in f.tool],
            "Ignore": [{"Path": i.path} for i in f.ignore],
        }
    )
    return out


def work_json(f: WorkFile) -> dict[str, Any]:
    return _omit_empty(
        {
            "Go": f.go.version if f.go else "",
            "Toolchain": f.toolchain.name if f.toolchain else "",
            "Godebug": [{"Key": g.key, "Value": g.value} for g in f.godebug],
            "Use": [
                {"DiskPath": u.path, **({"ModPath": u.module_path} if u.module_path else {})} for u in f.use
            ],
            "Replace": [{"Old": _version(r.old), "New": _version(r.new)} for r in f.replace],
        }
    )


def _valid_utf8(value: Any) -> Any:
    if isinstance(value, str):
        return "".join("\ufffd" if is_escaped_byte(c) else c for c in value) if not value.isascii() else value
    if isinstance(value, dict):
        return {k: _valid_utf8(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid_utf8(v) for v in value]
    return value


def marshal_indent(value: Any) -> str:
    text = json.dumps(_valid_utf8(value), indent="\t", ensure_ascii=False, separators=(",", ": "))
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text + "\n"
