"""`go mod edit -json` / `go work edit -json` output, byte for byte (encoding/json's
MarshalIndent with a tab, HTML-safe escaping, invalid UTF-8 as U+FFFD)."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any

from gomodls.base.gostr import is_escaped_byte
from gomodls.modfile.model import ModFile, ModuleVersion, Replace, Require, WorkFile


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
    return _html_safe(text) + "\n"


# What json.dumps(..., ensure_ascii=False) quotes strings with (the C encoder).
_quote: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _q(value: str) -> str:
    if not value.isascii():
        value = "".join("\ufffd" if is_escaped_byte(c) else c for c in value)
    return _quote(value)


def _dump(value: Any, indent: str) -> str:
    """json.dumps(value, indent="\t", ensure_ascii=False, separators=(",", ": ")) at `indent`,
    for strings, true, dicts and lists (what the JSON views hold)."""
    if isinstance(value, str):
        return _q(value)
    if value is True:
        return "true"
    inner = indent + "\t"
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = ",\n".join(f"{inner}{_q(k)}: {_dump(v, inner)}" for k, v in value.items())
        return "{\n" + body + "\n" + indent + "}"
    assert isinstance(value, list)
    if not value:
        return "[]"
    return "[\n" + ",\n".join(inner + _dump(v, inner) for v in value) + "\n" + indent + "]"


def _version_text(mv: ModuleVersion, indent: str) -> str:
    """_version(mv) as JSON at `indent` (the object's own line is the caller's)."""
    path = f'{indent}\t"Path": {_q(mv.path)}'
    if mv.version:
        return f'{{\n{path},\n{indent}\t"Version": {_q(mv.version)}\n{indent}}}'
    return f"{{\n{path}\n{indent}}}"


def _replace_text(r: Replace) -> str:
    return (
        f'\t\t{{\n\t\t\t"Old": {_version_text(r.old, chr(9) * 3)},'
        f'\n\t\t\t"New": {_version_text(r.new, chr(9) * 3)}\n\t\t}}'
    )


def _html_safe(text: str) -> str:
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        if ch in text:
            text = text.replace(ch, esc)
    return text


def marshal_model(f: ModFile | WorkFile) -> str:
    """marshal_indent(mod_json(f)) / marshal_indent(work_json(f)), written directly: a go.mod of
    100,000 requirements spent seconds building and walking the dictionaries. The requirement,
    exclusion and replacement lists are formatted without building them; the rest goes through
    the same structure as mod_json (tests/modfile/test_gojson.py compares the two)."""
    if isinstance(f, WorkFile):
        return marshal_indent(work_json(f))
    small = mod_json(_short_lists(f))
    # One list of pieces joined once: the requirements
    # are most of a large file's output, and each intermediate join would copy them again.
    parts = ["{\n"]
    for n, (key, value) in enumerate(small.items()):
        parts.append(f",\n\t{_q(key)}: " if n else f"\t{_q(key)}: ")
        if key == "Require":
            parts.append("[\n")
            parts += _require_items(f.require)
            parts.append("\n\t]")
            continue
        if key == "Exclude":
            items = [f"\t\t{_version_text(x.mod, chr(9) * 2)}" for x in f.exclude]
        elif key == "Replace":
            items = [_replace_text(r) for r in f.replace]
        else:
            parts.append(_dump(value, "\t"))
            continue
        parts.append("[\n" + ",\n".join(items) + "\n\t]")
    parts.append("\n}\n")
    return _html_safe("".join(parts))


assert ModuleVersion._fields == ("path", "version")  # (formatted as a tuple below)
_DIRECT = ',\n\t\t{\n\t\t\t"Path": "%s",\n\t\t\t"Version": "%s"\n\t\t}'
_INDIRECT = ',\n\t\t{\n\t\t\t"Path": "%s",\n\t\t\t"Version": "%s",\n\t\t\t"Indirect": true\n\t\t}'


def _require_items(requires: list[Require]) -> list[str]:
    """The Require array's elements, each after the first starting with its separator.
    A requirement written canonically (`Require.canonical`: an unquoted path of plain ASCII and
    a canonical version, nearly every one) has nothing to escape: its element is one
    %-formatting of the (path, version) tuple."""
    items = [
        (_INDIRECT if r.indirect else _DIRECT) % r.mod
        if r.canonical
        else f',\n\t\t{{\n\t\t\t"Path": {_q(r.mod.path)}'
        + (f',\n\t\t\t"Version": {_q(r.mod.version)}' if r.mod.version else "")
        + (',\n\t\t\t"Indirect": true\n\t\t}' if r.indirect else "\n\t\t}")
        for r in requires
    ]
    if items:
        items[0] = items[0][2:]  # (no separator before the first)
    return items


def _short_lists(f: ModFile) -> ModFile:
    """f with the three long lists stood in by one element each (mod_json then says which of
    them are there, in its order, without walking them)."""
    return ModFile(
        f.syntax,
        f.module,
        f.go,
        f.toolchain,
        f.godebug,
        f.require[:1],
        f.exclude[:1],
        f.replace[:1],
        f.retract,
        f.tool,
        f.ignore,
    )
