"""Hover: what the thing under the cursor is and what the go command does with it. A hover of
go.mod or go.work is made of sections: each function in `GomodServer.hover_sections` may add
one (this module registers the directive, godebug and `use` sections; modulehover.py those of
the module graph). go.sum lines get their own hover."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from lsprotocol import types

from gomodls.analysis.godebug import table
from gomodls.analysis.lines import args
from gomodls.base import foreground
from gomodls.base.textedit import Range
from gomodls.lsp.checksums import PENDING
from gomodls.lsp.documents import Document, MemoKey
from gomodls.lsp.positions import from_position, to_position, to_range
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.errors import token_range
from gomodls.modfile.gosum import SumFile
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, ParsedFile
from gomodls.resolve.result import Result
from gomodls.syntax.cursor import cursor_at
from gomodls.syntax.tree import Block, Line, Token

log = logging.getLogger(__name__)

DIRECTIVES = {
    "module": "Declares the module's path. A `// Deprecated:` comment on it marks the module deprecated for the modules that require it.",
    "go": "The minimum version of Go the module needs. Since Go 1.21 the go command will not build the module with an older toolchain: it switches to a newer one (`GOTOOLCHAIN=auto`) or fails. It also sets the language version of the module's packages.",
    "toolchain": "The Go toolchain the go command should use when working in this module, if newer than the one running (`GOTOOLCHAIN=auto`).",
    "godebug": "Default GODEBUG settings for the main packages of this module (Go 1.23 and later). They apply only when this is the main module.",
    "require": "A minimum version of a module. The build uses, for each module, the highest version required anywhere in the module graph (minimal version selection). `// indirect` marks modules no package of this module imports directly.",
    "exclude": "Keeps a module version out of the build: where it would be selected, the go command uses the next higher version instead. Only the main module's excludes apply.",
    "replace": "Replaces a module (one version, or all versions when none is given) by another module version or by a local directory. Only the main module's (or the workspace's) replacements apply.",
    "retract": "Marks versions of this module as not to be used: `go get` warns about them, `go list -m -u` lists them, and `@latest` skips them. The comment above is the rationale.",
    "tool": "Records a package as a tool of this module: `go tool NAME` runs it (Go 1.24 and later).",
    "ignore": "Directories the go command ignores when matching package patterns such as `./...` (Go 1.25 and later).",
    "use": "Adds the module in this directory to the workspace: it is a main module, and its packages are used instead of any version from the module graph.",
}


@dataclass(slots=True)
class HoverTarget:
    verb: str
    line: Line
    token: Token | None  # the token under the cursor
    block: Block | None


# A probe of what a hover shows beyond the document and the server-wide stamps (`stamp`): a
# cheap function whose value changes when that does (the facts of one module path, the
# checksum verdict of one go.sum line, the vulnerability finding of one module).
Probe = Callable[[], object]


@dataclass(slots=True)
class HoverContext:
    ls: GomodServer
    doc: Document
    target: HoverTarget | None = None
    sections: list[str] = field(default_factory=list)
    # What the sections read, with the values they read: the hover is computed again only when
    # one of these (or the stamp) changes, not at every arrival anywhere in the server.
    reads: list[tuple[Probe, object]] = field(default_factory=list)
    # Precomputing (`precompute`): nothing is started (no fetch from a proxy, the checksum
    # database or the vulnerability database, no go command); what a hover of the line would
    # start is kept in `starts`, and started when the line is first hovered.
    quiet: bool = False
    starts: list[Callable[[], object]] = field(default_factory=list)
    # Where the hover starts (its token's start, a go.sum line's start): a line's first hover
    # at another column of the token is the same hover.
    at: tuple[int, int] | None = None

    def depends(self, probe: Probe) -> None:
        self.reads.append((probe, probe()))

    def start(self, begin: Callable[[], object]) -> None:
        """Start background work a hover asks for (a fetch for the next hover), or, while
        precomputing, keep it for the first real hover of the line."""
        if self.quiet:
            self.starts.append(begin)
        else:
            begin()


def _find(doc: Document, line: int, col: int) -> tuple[HoverTarget, Range] | None:
    """The token under the cursor: a block's verb, or a token of a statement line starting on
    the cursor's line."""
    assert doc.syntax is not None
    at = cursor_at(doc.syntax, line, col)
    tok, block = at.token, at.block
    if tok is None or (block is not None and not block.header):
        return None
    if at.in_header:
        assert block is not None
        if tok is not block.header[0]:
            return None
        return HoverTarget(block.verb, Line(block.header), tok, block), token_range(tok)
    assert at.line is not None
    if at.line.line != line:  # (on a later line of a statement continued over lines)
        return None
    return HoverTarget(at.verb, at.line, tok, block), token_range(tok)


def directive(ctx: HoverContext) -> None:
    t = ctx.target
    if t is None or t.token is None or t.token is not t.line.tokens[0] or t.line.in_block:
        return
    doc = DIRECTIVES.get(t.verb)
    if doc:
        anchor = "go-work-file" if ctx.doc.kind is FileKind.WORK else "go-mod-file"
        ctx.sections.append(
            f"**{t.verb}** directive\n\n{doc}\n\n[Reference](https://go.dev/ref/mod#{anchor}-{t.verb})"
        )


def godebug(ctx: HoverContext) -> None:
    t = ctx.target
    if (
        t is None
        or t.verb != "godebug"
        or t.token is None
        or (t.token is t.line.tokens[0] and not t.line.in_block)
    ):
        return
    key = t.token.text.partition("=")[0]
    tab = table()
    s = tab.settings.get(key)
    if s is not None:
        parts = [f"**GODEBUG {key}**" + (f" (package `{s.package}`)" if s.package else "")]
        if s.changed:
            parts.append(
                f"Default changed in Go 1.{s.changed}; `{key}={s.old}` restores the earlier behaviour."
            )
        parts.append(f"[Documentation](https://go.dev/doc/godebug#{key})")
        ctx.sections.append("\n\n".join(parts))
    elif key in tab.removed:
        r = tab.removed[key]
        ctx.sections.append(
            f"**GODEBUG {key}** was removed in Go 1.{r.removed}; only its final default is accepted "
            f"(not {', '.join(repr(v) for v in r.old)}). [Documentation](https://go.dev/doc/godebug#go-1{r.removed})"
        )


def use_facts(ctx: HoverContext) -> None:
    t = ctx.target
    if (
        t is None
        or t.verb != "use"
        or t.token is None
        or (t.token is t.line.tokens[0] and not t.line.in_block)
    ):
        return
    path = t.token.text.strip('"')
    d = path if os.path.isabs(path) else os.path.join(os.path.dirname(ctx.doc.path), path)
    parsed = read_parsed(ctx, os.path.join(d, "go.mod"), FileKind.MOD)
    if parsed is None:
        ctx.sections.append(f"`{path}`: no go.mod here")
        return
    mod = parsed.model
    assert isinstance(mod, ModFile)
    go = f", go {mod.go.version}" if mod.go else ""
    ctx.sections.append(f"module **{mod.module_path or '(no module line)'}**{go}")


def _sum_hover(ctx: HoverContext, line: int) -> tuple[str, Range] | None:
    ls, doc = ctx.ls, ctx.doc
    s = next((s for s in doc.sum.lines if s.line == line), None)
    if s is None:
        return None
    what = "the module's go.mod file" if s.go_mod else "the module's files (its zip)"
    parts = [f"**{s.path.text}** `{s.module_version}`", f"`h1:` hash of {what}"]
    # (go.work.sum: go.work requires nothing)
    work_sum = doc.path.endswith("go.work.sum")
    parsed = None if work_sum else read_parsed(ctx, os.path.join(os.path.dirname(doc.path), "go.mod"))
    if parsed is not None and isinstance(parsed.model, ModFile):
        req = [r for r in parsed.model.require if r.mod.path == s.path.text]
        if any(r.mod.version == s.module_version for r in req):
            parts.append("go.mod requires this version")
        elif req:
            parts.append(f"go.mod requires {', '.join(r.mod.version for r in req)}")
        else:
            parts.append("not required directly by go.mod")
    parts.append(checksum_status(ctx, s.path.text, s.version.text, s.hash.text))
    ctx.depends(lambda: ls.resolution.root_key(doc))  # (_sum_need: which module graph)
    parts.extend(_sum_need(ls, doc, s.path.text, s.module_version, s.go_mod))
    markdown = "  \n".join(parts)
    for section in ls.sum_hover_sections:
        extra = section(ctx, s.path.text, s.module_version)
        if extra:
            markdown += "\n\n---\n\n" + extra
    return markdown, (line, 0, line, len(doc.lines[line]))


def read_parsed(
    ctx: HoverContext, path: str, kind: FileKind | None = None, *, strict: bool = True
) -> ParsedFile | None:
    """`ls.files.parsed`, for a hover that then follows the file: its text as read (the same
    object while the file's mtime and size hold, a stat to know), not a clock."""
    files = ctx.ls.files
    ctx.depends(lambda: files.read_text(path))
    return files.parsed(path, kind, strict=strict)


def read_sum(ctx: HoverContext, path: str) -> SumFile | None:
    """`ls.files.parsed_sum`, for a hover that then follows the file (as read_parsed)."""
    files = ctx.ls.files
    ctx.depends(lambda: files.read_text(path))
    return files.parsed_sum(path)


def checksum_status(ctx: HoverContext, path: str, version: str, h: str) -> str:
    """The checksum database's word on a go.sum line, for a hover that then follows that line's
    verdict (not every verdict that arrives)."""
    checksums = ctx.ls.checksums
    if ctx.quiet and checksums.would_check(path, version, h):
        # (what a hover shows once it has asked: the check under way)
        ctx.start(lambda: checksums.verdict(path, version, h))
        return checksums.status_text(PENDING)
    status = checksums.status(path, version, h)
    # (after asking: a check started now is what the hover follows)
    ctx.depends(lambda: checksums.status_key(path, version, h))
    return status


def go_error(text: str) -> str:
    """A go command error in markdown, whole: its later lines (the errors after "errors parsing
    go.mod:", a proxy's "server response:") are what it says."""
    first, _, rest = text.strip("\n").partition("\n")
    return first if not rest else f"{first}\n```\n{rest}\n```"


def incomplete(result: Result) -> str:
    """Why the module graph of `result` is incomplete (the first load error), or "" if it is not:
    what is computed from it must say so. (Remembered for the last result asked about: hovers
    ask for it of the same graph again and again.)"""
    global _incomplete
    last = _incomplete
    if last is not None and last[0] is result and last[1] == len(result.messages):
        return last[2]
    gap = next((e.removeprefix("go: ") for e in result.errors if "updates to go.mod needed" not in e), "")
    _incomplete = (result, len(result.messages), gap)
    return gap


_incomplete: tuple[Result, int, str] | None = None


def _sum_need(ls: GomodServer, doc: Document, path: str, version: str, go_mod: bool) -> list[str]:
    """Whether the module graph still needs the line (what `go mod tidy` keeps): the go.mod hash
    of every module version whose go.mod the graph reads, the zip hash of selected versions.
    Only from a complete graph of the current files (as the unused-go-sum-line check): a graph
    missing modules would call lines the go.mod needs unneeded."""
    state = ls.resolution.state(doc)
    if state is None or state.resolution is None:
        return ["_resolving the module graph…_"] if state is not None and state.loading else []
    if not state.current:
        return ["_resolving the module graph…_" if state.loading else "_module graph not yet resolved_"]
    result = state.resolution.result
    gap = incomplete(result)
    if gap:
        return ["_whether the module graph needs it is unknown: the graph is incomplete:_ " + go_error(gap)]
    used = {(mi.replace or mi).module_version for mi in result.modules if not mi.main}
    if go_mod:
        read = result.go_mods_read()
        if (path, version) in read:
            return ["the module graph reads this go.mod"]
    elif (path, version) in used:
        return ["in the build list"]
    selected = next((mi for mi in result.modules if (mi.replace or mi).path == path), None)
    now = f" (the build list has {(selected.replace or selected).version})" if selected else ""
    return [f"not needed by the module graph{now}: `go mod tidy` would remove it"]


def hover(ls: GomodServer, doc: Document, pos: types.Position) -> types.Hover | None:
    return _hover(HoverContext(ls, doc), pos)


def _hover(ctx: HoverContext, pos: types.Position) -> types.Hover | None:
    ls, doc = ctx.ls, ctx.doc
    line, col = from_position(doc.lines, pos, ls.encoding)
    if doc.kind is FileKind.SUM:
        ctx.at = (line, 0)
        found = _sum_hover(ctx, line)
        if found is None:
            return None
        markdown, rng = found
    else:
        hit = _find(doc, line, col)
        if hit is None:
            return None
        ctx.target, rng = hit
        ctx.at = (rng[0], rng[1])
        for section in ls.hover_sections:
            section(ctx)
        if not ctx.sections:
            return None
        markdown = "\n\n---\n\n".join(ctx.sections)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
        range=to_range(doc.lines, rng, ls.encoding),
    )


def _token_at(ls: GomodServer, doc: Document, pos: types.Position) -> tuple[int, int] | None:
    """Where the hover at pos starts (`HoverContext.at`): its token's start, a go.sum line's
    start; None where nothing is hovered."""
    line, col = from_position(doc.lines, pos, ls.encoding)
    if doc.kind is FileKind.SUM:
        return (line, 0)
    hit = _find(doc, line, col)
    return None if hit is None else (hit[1][0], hit[1][1])


def _precomputed_at(
    ls: GomodServer, doc: Document, hovers: Hovers, pos: types.Position
) -> tuple[int, int] | None:
    """_token_at, first by the span of the token precomputed on the line (the module path of
    a requirement: on it, the cursor is on that token), without looking the cursor up."""
    line, col = from_position(doc.lines, pos, ls.encoding)
    span = hovers.spans.get(line)
    if span is not None and span[0] <= col <= span[1]:
        return (line, span[0])
    return _token_at(ls, doc, pos)


@dataclass(slots=True)
class Remembered:
    """A hover computed for the document's version, at a position."""

    stamp: tuple[object, ...]  # the server-wide stamp it was computed under
    at: float  # when (time.monotonic())
    reads: list[tuple[Probe, object]]  # what its sections read, and the values they read
    hover: types.Hover | None
    seen: tuple[object, ...]  # the server's arrivals when its probes were last looked at
    checked: float  # ... and when
    # Precomputed (`precompute`): what a hover of the line starts (fetches), not started yet.
    starts: list[Callable[[], object]] = field(default_factory=list)
    precomputed: bool = False
    # The hover as JSON, as it is written in the response (`answer`): encoded while the client
    # is quiet (precomputing, refreshing), else at its first answer.
    encoded: bytes | None = None

    def current(self, stamp: tuple[object, ...], now: float, seen: tuple[object, ...]) -> bool:
        if self.stamp != stamp or now - self.at >= MAX_AGE:
            return False
        if seen == self.seen and now - self.checked < RECHECK:
            return True  # (nothing arrived since its probes were looked at, a moment ago)
        return self.probed(now, seen)

    def probed(self, now: float, seen: tuple[object, ...]) -> bool:
        """Whether every probe reads what it read (and then trusted for RECHECK seconds)."""
        if not all(same(probe(), value) for probe, value in self.reads):
            return False
        self.seen, self.checked = seen, now
        return True


def same(a: object, b: object) -> bool:
    """Whether a probe read the same value again: objects (a task, a verdict, a published
    assessment) by identity, tuples element by element, plain values by equality."""
    if a is b:
        return True
    if type(a) is tuple and type(b) is tuple:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) in PLAIN and type(a) is type(b) and a == b


PLAIN = (int, float, str, bool, bytes)


@dataclass(slots=True)
class Hovers:
    """The hovers computed for one version of a document: by the position asked about, and by
    where the hover starts (`HoverContext.at`: its token), by which a line's first hover finds
    the one precomputed for it (`precompute`), or one asked at another column of the token."""

    at: dict[tuple[int, int], Remembered] = field(default_factory=dict)
    tokens: dict[tuple[int, int], Remembered] = field(default_factory=dict)
    cursor: int = 0  # where precomputing goes on (`_precompute_slice`)
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # line -> precomputed token's columns


HOVERS: MemoKey[Hovers] = MemoKey("hovers")
# Seconds a hover is reused at most. The stamps and probes follow what the sections read: from
# the server (the module graph, facts, checksums, vulnerabilities, with their expiries), from
# disk (go.sum and go.mod files, by their text as read; which go.work, the go env file) and the
# client's messages (edits, watched files, settings); this bounds anything a section reads
# that no probe follows.
MAX_AGE = 30.0
# Seconds a hover's probes are trusted without looking at them again while nothing arrived in
# the server (no facts, verdict or assessment: `GomodServer.hover_arrivals`): how stale what
# changes without an arrival (a file on disk, the clock) may be seen. Back-to-back hovers are
# then a lookup with no probe and no stat.
RECHECK = 0.5
# Seconds after computing a hover that read something still on its way (a module's facts, a
# checksum verdict) at which it is looked at again and, if that arrived, computed again.
REFRESH_AFTER = (0.005, 0.05, 0.5)

# Counts, for tests and logs: hovers precomputed, and first hovers of a position answered with
# one computed before (precomputed, or asked at another column of the same token).
counts = {"precomputed": 0, "served": 0}


def stamp(ls: GomodServer) -> tuple[object, ...]:
    return (ls.changes, *(f(ls) for f in ls.hover_stamps))


def arrivals(ls: GomodServer) -> tuple[object, ...]:
    return tuple(f(ls) for f in ls.hover_arrivals)


def _hovers(doc: Document) -> Hovers:
    hovers = doc.memo.get(HOVERS)
    if hovers is None:
        hovers = doc.memo.put(HOVERS, Hovers())
    return hovers


def cached_hover(ls: GomodServer, doc: Document, pos: types.Position) -> types.Hover | None:
    """`hover`, computed once per position while nothing it reads changes: a hover is then a
    lookup. An arrival (a module's facts, a checksum verdict, a vulnerability assessment)
    recomputes only the hovers that showed what it changes. A position's first hover looks
    for its token's hover, computed while the client was quiet (`precompute`)."""
    return _cached(ls, doc, pos, None).hover


def answer(ls: GomodServer, uri: str, line: int, character: int) -> tuple[bytes, list[Callable[[], object]]]:
    """The answer to a hover request read by the reader loop (`GomodServer.hover_answer`):
    `cached_hover`'s hover as the JSON of the response's result, encoded beforehand when it
    was precomputed or refreshed, and what a line's first hover starts (its fetches), to be
    started once the answer is written."""
    doc = ls.documents.get(uri)
    if doc is None:
        return b"null", []
    deferred: list[Callable[[], object]] = []
    entry = _cached(ls, doc, types.Position(line=line, character=character), deferred)
    encoded = entry.encoded
    if encoded is None:
        encoded = entry.encoded = ls.protocol.encode_result(entry.hover)
    return encoded, deferred


def _cached(
    ls: GomodServer, doc: Document, pos: types.Position, deferred: list[Callable[[], object]] | None
) -> Remembered:
    hovers = _hovers(doc)
    key = (pos.line, pos.character)
    now = time.monotonic()
    hit = hovers.at.get(key)
    if hit is not None and hit.current(stamp(ls), now, arrivals(ls)):
        return hit
    _FOCUS[doc.uri] = pos.line
    if hit is None and hovers.tokens:
        at = _precomputed_at(ls, doc, hovers, pos)
        known = hovers.tokens.get(at) if at is not None else None
        if known is not None and _take(ls, doc, hovers, pos, known, now, deferred):
            return known
    return _remember(ls, doc, hovers, pos, now)


def _take(
    ls: GomodServer,
    doc: Document,
    hovers: Hovers,
    pos: types.Position,
    entry: Remembered,
    now: float,
    deferred: list[Callable[[], object]] | None,
) -> bool:
    """Answer the hover at pos with the token's hover computed before, if still current:
    start what a hover of the line starts (a precomputed one started nothing; into
    `deferred`, if given, to be started once the answer is written), and follow it as a hover
    computed now."""
    if not entry.current(stamp(ls), now, arrivals(ls)):
        return False
    if entry.starts:
        # (the probes keep the values read before: what the starts change, such as a check
        # now pending, makes the hover computed again when it arrives, as any arrival)
        starts, entry.starts = entry.starts, []
        if deferred is not None:
            deferred.extend(starts)
        else:
            for begin in starts:
                begin()
    hovers.at[(pos.line, pos.character)] = entry
    counts["served"] += 1
    log.debug("hover at %d:%d: computed before (precomputed: %s)", pos.line, pos.character, entry.precomputed)
    if entry.reads and REFRESH_AFTER:
        loop = asyncio.get_running_loop()
        loop.call_later(REFRESH_AFTER[0], _refresh, ls, doc, hovers, pos, entry, REFRESH_AFTER[1:])
    return True


def _remember(
    ls: GomodServer,
    doc: Document,
    hovers: Hovers,
    pos: types.Position,
    now: float,
    after: tuple[float, ...] = REFRESH_AFTER,
) -> Remembered:
    """Compute the hover at pos and remember it; if it read anything that may still arrive (a
    probe), look again a little later, off the request path, and compute it again then if
    something it shows has arrived: hovering the line again is then a lookup."""
    ctx = HoverContext(ls, doc)
    found = _hover(ctx, pos)
    # (the stamp after computing: what the computation itself set up, such as the facts
    # service on first use, is part of what it saw)
    entry = Remembered(stamp(ls), now, ctx.reads, found, arrivals(ls), now)
    hovers.at[(pos.line, pos.character)] = entry
    if ctx.at is not None:
        hovers.tokens[ctx.at] = entry
    if ctx.reads and after:
        loop = asyncio.get_running_loop()
        loop.call_later(after[0], _refresh, ls, doc, hovers, pos, entry, after[1:])
    return entry


def _refresh(
    ls: GomodServer,
    doc: Document,
    hovers: Hovers,
    pos: types.Position,
    entry: Remembered,
    after: tuple[float, ...],
) -> None:
    key = (pos.line, pos.character)
    if doc.memo.get(HOVERS) is not hovers or hovers.at.get(key) is not entry:
        return  # (a new version of the document, or computed again meanwhile)
    current, now = stamp(ls), time.monotonic()
    if entry.stamp != current or now - entry.at >= MAX_AGE:
        return  # (a message changed what hovers show: computed when asked again)
    if entry.current(current, now, arrivals(ls)):
        if after:
            asyncio.get_running_loop().call_later(after[0], _refresh, ls, doc, hovers, pos, entry, after[1:])
        return
    try:
        fresh = _remember(ls, doc, hovers, pos, now, after)
        fresh.encoded = ls.protocol.encode_result(fresh.hover)  # (off the request path)
    except Exception:  # (the request path logs and answers; here it is computed when asked)
        log.exception("refreshing a hover failed")
        hovers.at.pop(key, None)


# ---------------------------------------------------------------------------- precomputing

# Seconds without a client message before the requirements' hovers are precomputed (not
# between the keystrokes of someone typing), and again while the client goes on.
QUIET = 0.3
# Requirements whose hovers are precomputed per document version, those nearest the line last
# hovered: a go.mod of 100,000 requirements is not computed whole after each edit (~0.2 ms and
# ~1.5 KB a hover).
# (GOMODLS_HOVER_PRECOMPUTE=0: none, to compare in benchmarks)
DEFAULT_LIMIT = 1000


def precompute_limit(raw: str | None) -> int:
    """LIMIT from GOMODLS_HOVER_PRECOMPUTE: a count, or the default (with a warning) for
    anything else, which must not stop the server from starting."""
    if not raw:
        return DEFAULT_LIMIT
    try:
        return int(raw)
    except ValueError:
        log.warning("GOMODLS_HOVER_PRECOMPUTE=%r is not a count: %d used", raw, DEFAULT_LIMIT)
        return DEFAULT_LIMIT


LIMIT = precompute_limit(os.environ.get("GOMODLS_HOVER_PRECOMPUTE"))
# Seconds of precomputing at most before the event loop is let go; a message arriving (the
# thread that reads the client marks the foreground busy) stops it after the hover at hand.
BUDGET = 0.002

# Seconds between looks at what arrived (`GomodServer.hover_arrivals`) and at the stamp
# (a message that changed what hovers show) after a pass.
ARRIVALS_EVERY = 1.0

_FOCUS: dict[str, int] = {}  # uri -> the line last hovered

# Hover requests answered by the reader loop with bytes encoded beforehand (`answer`, through
# GomodProtocol.answer_hover), rather than through pygls's decoding and dispatch.
# (GOMODLS_HOVER_FAST=0: pygls's path, to compare in tests and benchmarks)
FAST = os.environ.get("GOMODLS_HOVER_FAST", "1") != "0"


@dataclass(slots=True)
class _Precomputing:
    task: asyncio.Task[None]
    again: asyncio.Event  # a new publication: a pass over the document's latest version


_PRECOMPUTING: dict[str, _Precomputing] = {}  # uri -> its precomputing


def schedule_precompute(ls: GomodServer, doc: Document) -> None:
    """The document's diagnostics were computed: precompute its requirements' hovers once the
    client is quiet."""
    if doc.kind is not FileKind.MOD or LIMIT <= 0:
        return
    running = _PRECOMPUTING.get(doc.uri)
    if running is not None and not running.task.done():
        running.again.set()
        return
    again = asyncio.Event()
    _PRECOMPUTING[doc.uri] = _Precomputing(asyncio.ensure_future(_precompute(ls, doc.uri, again)), again)


async def _precompute(ls: GomodServer, uri: str, again: asyncio.Event) -> None:
    """Compute the hover of each requirement's module path (up to LIMIT) while the client is
    quiet, BUDGET at a time, each exactly as a first hover of the line would, except that it
    starts nothing (HoverContext.quiet): what the line's first hover would start is started
    when it is hovered. A pass again at each publication, when something arrives that hovers
    show (facts, verdicts, assessments: those whose probes it changes are computed again),
    and when the hovers would expire (MAX_AGE) if the client sent anything meanwhile (not for
    an editor left alone)."""
    try:
        while True:
            await _quiet(ls)
            again.clear()
            doc = ls.documents.get(uri)
            if doc is None or doc.kind is not FileKind.MOD or doc.syntax is None:
                return
            state = ls.resolution.state(doc)
            if state is not None and (state.loading or state.timer is not None):
                return  # (again once resolved: its publication schedules a pass)
            hovers = _hovers(doc)
            hovers.cursor = _precompute_slice(ls, doc, hovers, hovers.cursor, ls.messages)
            if hovers.cursor is not None:
                await asyncio.sleep(0)  # (the loop's turn; then quiet again before going on)
                continue
            hovers.cursor = 0
            log.debug("hovers of %s@%d precomputed (%d so far)", uri, doc.version, counts["precomputed"])
            if not await _next_pass(ls, again):
                return
    except Exception:
        log.exception("precomputing hovers failed")
    finally:
        running = _PRECOMPUTING.get(uri)
        if running is not None and running.again is again:
            del _PRECOMPUTING[uri]


async def _next_pass(ls: GomodServer, again: asyncio.Event) -> bool:
    """Wait for a reason to look at the hovers again (see _precompute); False if there is none
    (the client sent nothing until the hovers expired)."""
    messages, seen, st = ls.messages, arrivals(ls), stamp(ls)
    expires = time.monotonic() + MAX_AGE + 0.1
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(again.wait(), ARRIVALS_EVERY)
        if again.is_set() or arrivals(ls) != seen or stamp(ls) != st:
            return True
        if time.monotonic() >= expires:
            return ls.messages != messages


async def _quiet(ls: GomodServer) -> None:
    while True:
        waited = time.monotonic() - ls.heap.last_message
        if waited >= QUIET and not foreground.busy():
            return
        await asyncio.sleep(max(QUIET - waited, 0.01))


def _precompute_slice(
    ls: GomodServer, doc: Document, hovers: Hovers, start: int, messages: int
) -> int | None:
    """Precompute the hovers of the window's requirements from `start` that are not current,
    for BUDGET seconds at most: where to go on, or None once through the window."""
    model = doc.parsed.model
    if not isinstance(model, ModFile) or not model.require:
        return None
    reqs = model.require
    i = bisect.bisect_left(reqs, _FOCUS.get(doc.uri, 0), key=lambda r: r.syntax.line)
    lo = max(0, min(i - LIMIT // 2, len(reqs) - LIMIT))
    window = reqs[lo : lo + LIMIT]
    deadline = time.perf_counter() + BUDGET
    st, now, seen = stamp(ls), time.monotonic(), arrivals(ls)
    for k in range(start, len(window)):
        if foreground.busy() or ls.messages != messages or time.perf_counter() >= deadline:
            return k
        a = args(window[k].syntax)
        if not a or a[0].src is None:
            continue
        tok = a[0]
        known = hovers.tokens.get((tok.line, tok.col))
        if known is not None and known.current(st, now, seen):
            continue
        pos = to_position(doc.lines, tok.line, tok.col, ls.encoding)
        ctx = HoverContext(ls, doc, quiet=True)
        found = _hover(ctx, pos)
        if ctx.at is None:
            continue
        now = time.monotonic()
        entry = Remembered(stamp(ls), now, ctx.reads, found, arrivals(ls), now, ctx.starts, True)
        entry.encoded = ls.protocol.encode_result(found)
        hovers.tokens[ctx.at] = entry
        if ctx.at == (tok.line, tok.col):
            hovers.spans[tok.line] = (tok.col, tok.end_col)
        counts["precomputed"] += 1
    return None


def register(server: GomodServer) -> None:
    server.hover_sections.extend([directive, godebug, use_facts])
    # (the settings and the local go: changed by background work after the client's answers;
    # the Go environment: the go env file, looked at once per message)
    server.hover_stamps.append(lambda ls: (id(ls.settings), id(ls.local), ls.goenv))
    # (checksum verdicts arriving: the probes of go.sum lines' verdicts are looked at then)
    server.hover_arrivals.append(lambda ls: (ls.checksums.generation, ls.checksums.mismatches))
    server.publish_hooks.append(lambda doc: schedule_precompute(server, doc))
    if FAST:
        server.hover_answer = answer

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(None)
    def on_hover(ls: GomodServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.documents.get(params.text_document.uri)
        return cached_hover(ls, doc, params.position) if doc is not None else None
