"""What `go mod edit -fmt` does after parsing: removeDups, SortBlocks and Cleanup (rule.go,
read.go), on a model whose syntax may be freely mutated."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable

from gomodls.base.gostr import go_string_key
from gomodls.base.textedit import TextEdit
from gomodls.modfile.model import Exclude, ModFile, Require, WorkFile
from gomodls.module import semver
from gomodls.syntax.tree import Block, Comments, Line, Stmt

SEMANTIC_EXCLUDE_SORT_GO = "v1.21"  # go.dev/issue/60028


def sort_blocks(f: ModFile | WorkFile) -> None:
    """SortBlocks: remove duplicates, then stable-sort the lines inside each block."""
    remove_dups(f)
    semantic_exclude = (
        isinstance(f, ModFile)
        and f.go is not None
        and semver.compare("v" + f.go.version, SEMANTIC_EXCLUDE_SORT_GO) >= 0
    )
    for stmt in f.syntax.stmts:
        if not isinstance(stmt, Block):
            continue
        if isinstance(f, ModFile) and stmt.verb == "exclude" and semantic_exclude:
            stmt.lines.sort(key=functools.cmp_to_key(compare_line_exclude))
        elif isinstance(f, ModFile) and stmt.verb == "retract":
            stmt.lines.sort(key=functools.cmp_to_key(compare_line_retract))
        else:
            sort_lines(stmt.lines)


def sort_lines(lines: list[Line]) -> None:
    """lines.sort(key=line_key). When the first tokens are all different and ASCII (the usual
    block), they alone decide the order and are their own keys: a block of 100,000
    requirements is sorted without a key tuple per line."""
    try:
        firsts = [line.words()[0] for line in lines]  # (no tokens made: see Line.words)
    except IndexError:
        firsts = []
    if firsts and len(set(firsts)) == len(firsts) and "".join(firsts).isascii():
        if firsts != sorted(firsts):  # (a sorted block, the usual one, is left as it is)
            lines[:] = [line for _, line in sorted(zip(firsts, lines, strict=True))]
    else:
        lines.sort(key=line_key)


def sort_edits(f: ModFile | WorkFile) -> list[TextEdit]:
    """SortBlocks as minimal edits to the source: each block line moves with the comments and
    blank lines above it, keeping its own text; blocks already in order are untouched."""
    semantic_exclude = (
        isinstance(f, ModFile)
        and f.go is not None
        and semver.compare("v" + f.go.version, SEMANTIC_EXCLUDE_SORT_GO) >= 0
    )
    texts = [s.text for s in f.syntax.lines]
    edits: list[TextEdit] = []
    for stmt in f.syntax.stmts:
        if not isinstance(stmt, Block) or stmt.rparen.token is None or not stmt.lines or f.syntax.multiline:
            continue
        if isinstance(f, ModFile) and stmt.verb == "exclude" and semantic_exclude:
            order = sorted(stmt.lines, key=functools.cmp_to_key(compare_line_exclude))
        elif isinstance(f, ModFile) and stmt.verb == "retract":
            order = sorted(stmt.lines, key=functools.cmp_to_key(compare_line_retract))
        else:
            order = sorted(stmt.lines, key=line_key)
        if order == stmt.lines:
            continue
        assert stmt.src is not None
        units: dict[int, list[str]] = {}
        start = stmt.src.line + 1
        for line in stmt.lines:
            end = line.src.line  # type: ignore[union-attr]
            units[id(line)] = texts[start : end + 1]
            start = end + 1
        first, last = stmt.src.line + 1, stmt.lines[-1].src.line  # type: ignore[union-attr]
        body = [t for line in order for t in units[id(line)]]
        edits.append(TextEdit((first, 0, last + 1, 0), "".join(t + "\n" for t in body)))
    return edits


def _cmp(a: object, b: object) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]


def line_key(line: Line) -> tuple[str, ...]:
    """compareLine as a sort key: token by token in Go's byte order, shorter lines first on a tie."""
    return tuple(go_string_key(t.text) for t in line.tokens)


def compare_line(a: Line, b: Line) -> int:
    return _cmp(line_key(a), line_key(b))


def compare_line_exclude(a: Line, b: Line) -> int:
    if len(a.tokens) != 2 or len(b.tokens) != 2:
        return compare_line(a, b)
    pa, pb = a.tokens[0].text, b.tokens[0].text
    if pa != pb:
        return _cmp(go_string_key(pa), go_string_key(pb))
    return semver.compare(a.tokens[1].text, b.tokens[1].text)


def _interval(line: Line) -> tuple[str, str]:
    t = line.texts
    if len(t) == 1:
        return t[0], t[0]
    if len(t) == 5 and t[0] == "[" and t[2] == "," and t[4] == "]":
        return t[1], t[3]
    return "", ""


def compare_line_retract(a: Line, b: Line) -> int:
    """Descending by (low, high)."""
    (la, ha), (lb, hb) = _interval(a), _interval(b)
    c = semver.compare(la, lb)
    return -c if c else -semver.compare(ha, hb)


def remove_dups(f: ModFile | WorkFile) -> None:
    """The first exclude/tool/ignore wins, the last replace wins; require, retract and use
    are never de-duplicated."""
    kill = remove_dup_entries(f)
    if not kill:
        return
    stmts: list[Stmt] = []
    for stmt in f.syntax.stmts:
        if isinstance(stmt, Line) and id(stmt) in kill:
            continue
        if isinstance(stmt, Block):
            stmt.lines = [line for line in stmt.lines if id(line) not in kill]
            if not stmt.lines:
                continue
        stmts.append(stmt)
    f.syntax.stmts = stmts


def remove_dup_entries(f: ModFile | WorkFile) -> set[int]:
    """remove_dups on the model's lists only (they are replaced, never changed in place);
    returns the ids of the syntax lines of the entries dropped."""
    kill: set[int] = set()

    def first_wins(items: list, key: Callable) -> list:  # type: ignore[type-arg]
        seen: set[object] = set()
        for x in items:
            k = key(x)
            if k in seen:
                kill.add(id(x.syntax))
            seen.add(k)
        return [x for x in items if id(x.syntax) not in kill]

    if isinstance(f, ModFile):
        f.exclude = first_wins(f.exclude, lambda x: x.mod)
    seen_old: set[object] = set()
    for r in reversed(f.replace):
        if r.old in seen_old:
            kill.add(id(r.syntax))
        seen_old.add(r.old)
    f.replace = [r for r in f.replace if id(r.syntax) not in kill]
    if isinstance(f, ModFile):
        f.tool = first_wins(f.tool, lambda t: t.path)
        f.ignore = first_wins(f.ignore, lambda i: i.path)
    return kill


def cleanup(stmts: list[Stmt]) -> list[Stmt]:
    """FileSyntax.Cleanup: drop removed lines and empty blocks, collapse one-line blocks
    (their paren comments are lost, as in Go)."""
    out: list[Stmt] = []
    for stmt in stmts:
        if isinstance(stmt, Line):
            if stmt.removed:
                continue
        elif isinstance(stmt, Block):
            if any(map(_REMOVED, stmt.lines)):
                stmt.lines = [line for line in stmt.lines if not line.removed]
            else:
                stmt.lines = list(stmt.lines)
            if not stmt.lines:
                continue
            if len(stmt.lines) == 1 and not stmt.rparen.comments.before:
                line = stmt.lines[0]
                merged = Comments(
                    before=[*stmt.comments.before, *line.comments.before],
                    suffix=[*line.comments.suffix, *stmt.comments.suffix],
                    after=[*line.comments.after, *stmt.comments.after],
                )
                # Keep the Line object: the model points at it.
                line.tokens = stmt.header + line.tokens
                line.comments = merged
                line.in_block = False
                out.append(line)
                continue
        out.append(stmt)
    return out


def cleanup_model(f: ModFile | WorkFile) -> None:
    """File.Cleanup / WorkFile.Cleanup: drop entries whose key is empty (edits clear them; a
    quoted empty string in the file produces them too). The syntax keeps their lines."""
    f.replace = [r for r in f.replace if r.old.path]
    if isinstance(f, WorkFile):
        f.use = [u for u in f.use if u.path]
        return
    f.godebug = [g for g in f.godebug if g.key]
    f.require = _with_path(f.require)
    f.exclude = _with_path(f.exclude)
    f.retract = [r for r in f.retract if r.low or r.high]


def _with_path(entries: list[Require] | list[Exclude]) -> list:  # type: ignore[type-arg]
    """The entries with a module path (C loops when, as usual, all have one)."""
    if all(map(_PATH, map(_MOD, entries))):
        return list(entries)
    return [x for x in entries if x.mod.path]


_REMOVED = operator.attrgetter("removed")
_MOD = operator.attrgetter("mod")
_PATH = operator.attrgetter("path")
