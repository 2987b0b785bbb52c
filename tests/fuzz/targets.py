"""Fuzz targets: each takes arbitrary bytes and checks the properties every input must keep —
no exception escapes except the documented one, round trips hold, incremental == full. Used by
the hypothesis tests (test_properties.py) and the coverage-guided atheris runs (fuzz.py)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

from gomodls.lsp.config import parse_settings
from gomodls.modfile.gosum import parse_sum
from gomodls.modfile.parsed import FileKind, format_parsed, parse_text
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.fetch import _error_detail, parse_info
from gomodls.resolve.proxies import FetchError
from gomodls.resolve.summary import LoadError, summary_from_text
from gomodls.resolve.transport import Response
from gomodls.resolve.versionlist import parse_version_list
from gomodls.syntax.incremental import apply_edit
from gomodls.syntax.parser import parse
from treedump import dump

MAX_INPUT = 1 << 16  # bytes: longer inputs are cut (the parsers are linear; this keeps runs fast)


def _text(data: bytes) -> str:
    return data[:MAX_INPUT].decode("utf-8", "surrogateescape")


def modfile(data: bytes) -> None:
    """go.mod and go.work: the tree holds the text exactly; what parses prints and re-parses to
    the same file (the formatter is idempotent)."""
    text = _text(data)
    assert parse(text).text() == text
    for kind in (FileKind.MOD, FileKind.WORK):
        parsed = parse_text(text, kind, "go.mod" if kind is FileKind.MOD else "go.work")
        if parsed.ok and not parsed.go_errors:
            once = format_parsed(parsed)
            assert format_parsed(parse_text(once, kind)) == once


def incremental(data: bytes) -> None:
    """An edit applied to the tree equals a full parse of the edited text. The first bytes
    choose the edit; the rest is the file and the inserted text."""
    if len(data) < 4:
        return
    a, b, cut = data[0], data[1], data[2]
    body = _text(data[3:])
    split = (cut * len(body)) // 256
    text, new = body[:split], body[split:][:64]
    lines = text.split("\n")

    def pos(x: int) -> tuple[int, int]:
        line = x % len(lines)
        return line, (x // len(lines)) % (len(lines[line]) + 1)

    start, end = sorted((pos(a), pos(b)))
    syntax = apply_edit(parse(text), start, end, new)
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)
    s, e = offsets[start[0]] + start[1], offsets[end[0]] + end[1]
    edited = text[:s] + new + text[e:]
    assert syntax.text() == edited
    assert dump(syntax) == dump(parse(edited))


def gosum(data: bytes) -> None:
    text = _text(data)
    sums = parse_sum(text)
    sums.hashes()
    assert len(sums.lines) <= text.count("\n") + 1


def proxy_answers(data: bytes) -> None:
    """.info, @v/list, a dependency's go.mod (lax) and an error body: only the documented errors."""
    try:
        info = parse_info(data)
        assert isinstance(info.version, str) and isinstance(info.time, str)
    except FetchError:
        pass
    try:
        versions = parse_version_list("example.com/m", data)
        assert versions == sorted(set(versions), key=versions.index)
    except FetchError:
        pass
    with contextlib.suppress(LoadError):
        summary_from_text(_text(data), ModuleVersion("example.com/m", "v1.0.0"))
    for content_type in ("text/plain", "text/plain; charset=utf-8", "text/html"):
        detail = _error_detail(Response(503, data[:MAX_INPUT], "Service Unavailable", content_type))
        assert "\x1b" not in detail  # never a terminal control sequence


def settings(data: bytes) -> None:
    """Any JSON as the client's settings: a Settings object and messages, never an exception."""
    try:
        raw = json.loads(data[:MAX_INPUT])
    except (ValueError, RecursionError):
        return
    parsed, problems = parse_settings(raw)
    assert all(isinstance(p, str) for p in problems)
    parse_settings({"gomodls": raw})
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in parsed.env.items())


TARGETS: dict[str, Callable[[bytes], None]] = {
    "modfile": modfile,
    "incremental": incremental,
    "gosum": gosum,
    "proxy_answers": proxy_answers,
    "settings": settings,
}
