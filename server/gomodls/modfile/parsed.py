"""One entry point for callers: parse a go.mod or go.work text into syntax, model and errors,
and the `go mod edit` views of it (formatted text, JSON)."""

from __future__ import annotations

import dataclasses
import operator
import os
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from gomodls.base.gcpause import paused_gc
from gomodls.modfile.canonical import cleanup, cleanup_model, remove_dup_entries, sort_blocks
from gomodls.modfile.errors import ModError, syntax_error
from gomodls.modfile.model import CANONICAL, ModFile, WorkFile
from gomodls.modfile.requireindex import RequireIndex
from gomodls.modfile.rules import parse_mod, parse_work
from gomodls.syntax.parser import parse
from gomodls.syntax.printer import format_stmts
from gomodls.syntax.tree import (
    Block,
    FileSyntax,
    Line,
    LineBase,
    SourceLine,
    Stmt,
    SyntaxProblem,
    clone_syntax,
)

T = TypeVar("T")


class FileKind(StrEnum):
    MOD = "mod"
    WORK = "work"
    SUM = "sum"

    @classmethod
    def of(cls, path: str) -> FileKind:
        """go.work and *.work are workspaces, go.sum / go.work.sum and *.sum checksums, the rest go.mod."""
        name = os.path.basename(path)
        if name.endswith(".sum"):
            return cls.SUM
        if name.endswith(".work") or name == "go.work":
            return cls.WORK
        return cls.MOD

    @property
    def default_name(self) -> str:
        return {"mod": "go.mod", "work": "go.work", "sum": "go.sum"}[self.value]


@dataclass(eq=False, slots=True)
class ParsedFile:
    kind: FileKind
    syntax: FileSyntax
    model: ModFile | WorkFile
    syntax_errors: list[ModError]
    semantic_errors: list[ModError]
    strict: bool = True  # modfile.Parse, not ParseLax
    memo: ParseMemo | None = None  # shared with the other versions of the same document

    @property
    def ok(self) -> bool:
        return not self.syntax_errors and not self.semantic_errors

    def require_index(self) -> RequireIndex:
        """The go.mod's requirements by path (from the previous version's index when there is
        one)."""
        assert isinstance(self.model, ModFile)
        if self.memo is None:
            return RequireIndex(self.model)
        return self.memo.require_index(self.model)

    @property
    def go_errors(self) -> list[ModError]:
        """What the go command reports: the first syntax error, or every semantic error."""
        return self.syntax_errors[:1] if self.syntax_errors else self.semantic_errors

    @property
    def errors(self) -> list[ModError]:
        """Everything, Go's own report first."""
        return self.syntax_errors + self.semantic_errors


# Source lines whose syntax problems are gathered together (see ParseMemo.problems).
PROBLEM_CHUNK = 256


class ParseMemo:
    """What the parses of successive versions of one document (one tree, edited in place by
    syntax/incremental.py) can take from the previous one: the syntax problems of the source
    lines that did not change, and the requirement index."""

    __slots__ = ("_chunks", "_index")

    def __init__(self) -> None:
        # id of a chunk's first source line -> (that line, its run's base, the chunk's length,
        # the chunk's lexer problems, sorted)
        self._chunks: dict[int, tuple[SourceLine, LineBase, int, list[SyntaxProblem]]] = {}
        self._index: RequireIndex | None = None

    def problems(self, syntax: FileSyntax) -> list[SyntaxProblem]:
        """syntax.problems(), from chunks of source lines: a chunk whose lines are the same
        objects as before has the same lexer problems (a source line's are set when it is
        lexed; positions are relative to the line, so they follow edits), a few identity checks
        per chunk instead of two attribute reads per line. Parser problems live on blocks'
        closing lines only, which the parser resets when it builds them again: read anew.

        A chunk lies within one run of line numbers (SourceLine.base), and it is still the same
        lines when its first line is, and its last place holds a line of the same run: the lines
        of a run are a contiguous range, which an edit only ever cuts short (the run's lines
        after the edit are given a run of their own, syntax/incremental.py), so nothing else can
        have come between. No copy of the chunk's lines is kept (8 bytes a line)."""
        lines = syntax.lines
        old, kept = self._chunks, {}
        found: list[SyntaxProblem] = []
        i, n = 0, len(lines)
        while i < n:
            first = lines[i]
            base = first.base
            chunk = old.get(id(first))
            if chunk is not None and chunk[0] is first and chunk[1] is base:
                last = i + chunk[2] - 1
                if last < n and lines[last].base is base:
                    kept[id(first)] = chunk
                    found += chunk[3]
                    i = last + 1
                    continue
            start = i
            i += 1
            while i < n and i - start < PROBLEM_CHUNK and lines[i].base is base and id(lines[i]) not in old:
                i += 1
            part = lines[start:i]
            lexed = [p for src in part if src.lex_errors for p in src.lex_errors]
            lexed.sort(key=_problem_order)
            kept[id(first)] = (first, base, i - start, lexed)
            found += lexed
        self._chunks = kept
        parsed = [
            p
            for stmt in syntax.stmts
            if stmt.__class__ is Block and stmt.parse_errors  # type: ignore[union-attr]
            for p in stmt.parse_errors  # type: ignore[union-attr]
        ]
        if parsed or syntax.eof_problem:
            found += parsed
            if syntax.eof_problem:
                found.append(syntax.eof_problem)
            found.sort(key=_problem_order)
        return found

    def require_index(self, model: ModFile) -> RequireIndex:
        index = self._index
        if index is None or index.model is not model:
            index = self._index = RequireIndex.following(index, model)
        return index


def _problem_order(p: SyntaxProblem) -> tuple[int, int, int]:
    return (p.line, p.col, p.order)


def parse_syntax(
    syntax: FileSyntax, kind: FileKind, *, strict: bool = True, memo: ParseMemo | None = None
) -> ParsedFile:
    """The model and errors of a tree. `memo`: the document's, to reuse what the previous
    version's parse found where the tree did not change."""
    with paused_gc():
        if kind is FileKind.WORK:
            model, errors = parse_work(syntax, memo=True)
        else:
            model, errors = parse_mod(syntax, strict=strict, memo=True)
        problems = memo.problems(syntax) if memo is not None else syntax.problems()
    return ParsedFile(kind, syntax, model, [syntax_error(p) for p in problems], errors, strict, memo)


def parse_text(text: str, kind: FileKind, filename: str | None = None, *, strict: bool = True) -> ParsedFile:
    return parse_syntax(parse(text, filename or kind.default_name), kind, strict=strict)


def parse_once(text: str, kind: FileKind, filename: str | None = None) -> ParsedFile:
    """parse_text for a text that is parsed once (the command line's): without the per-line
    memo kept on the tree for the parse after the next edit."""
    syntax = parse(text, filename or kind.default_name)
    with paused_gc():
        if kind is FileKind.WORK:
            model, errors = parse_work(syntax)
        else:
            model, errors = parse_mod(syntax)
    return ParsedFile(kind, syntax, model, [syntax_error(p) for p in syntax.problems()], errors)


class NotParsable(Exception):
    def __init__(self, errors: list[ModError]) -> None:
        super().__init__("\n".join(e.message for e in errors))
        self.errors = errors


def canonical_model(parsed: ParsedFile) -> ModFile | WorkFile:
    """The model after `go mod edit`'s rewriting, SortBlocks and Cleanup, on a private copy."""
    if not parsed.ok:
        raise NotParsable(parsed.go_errors)
    with paused_gc():
        syntax = clone_syntax(parsed.syntax)
        if parsed.kind is FileKind.WORK:
            model: ModFile | WorkFile = parse_work(syntax, rewrite=True)[0]
        else:
            model = parse_mod(syntax, rewrite=True)[0]
        sort_blocks(model)
        cleanup_model(model)
        syntax.stmts = cleanup(syntax.stmts)
    return model


def format_parsed(parsed: ParsedFile) -> str:
    """`go mod edit -print` / `go work edit -print`."""
    model = _canonical_for_print(parsed)
    return format_stmts(model.syntax.stmts, model.syntax.comments)


def _canonical_for_print(parsed: ParsedFile) -> ModFile | WorkFile:
    """canonical_model, without copying or checking again the requirements and exclusions Go's
    rewriting leaves as they are (written canonically: `Require.canonical`), nearly every line
    of a large go.mod. Their Line objects are shared with `parsed` (SortBlocks and Cleanup
    change the lists holding them, not them), except in a block that Cleanup may collapse into
    one line; the other lines are copied and checked again in rewrite mode, and the model is
    `parsed.model`'s (rewriting changes tokens, never values) pointing at the copies.
    tests/modfile/test_format_shared.py compares it with canonical_model."""
    if not parsed.ok:
        raise NotParsable(parsed.go_errors)
    original = parsed.model
    if not isinstance(original, ModFile) or not parsed.strict:
        return canonical_model(parsed)
    with paused_gc():
        shared, whole = _unchanged(original)
        copies: dict[int, Line] = {}
        syntax = clone_syntax(parsed.syntax, shared, copies, whole)
        scratch: list[Stmt] = []  # what rewriting has to see: every line copied
        for old, stmt in zip(parsed.syntax.stmts, syntax.stmts, strict=True):
            if isinstance(stmt, Block):
                if id(old) not in whole:
                    lines = [line for line in stmt.lines if id(line) not in shared]
                    scratch.append(dataclasses.replace(stmt, lines=lines))
            elif id(stmt) not in shared:
                scratch.append(stmt)
        parse_mod(FileSyntax(syntax.filename, syntax.lines, scratch), rewrite=True)
        changes: dict[str, object] = {"syntax": syntax}
        for f in dataclasses.fields(original):
            value = getattr(original, f.name)
            if isinstance(value, list) and value and hasattr(value[0], "syntax"):  # (entries)
                moved = list(map(copies.get, map(id, map(_SYNTAX, value))))  # (C loops: no step per entry)
                if any(moved):
                    value = [
                        x if c is None else dataclasses.replace(x, syntax=c)
                        for x, c in zip(value, moved, strict=True)
                    ]
                changes[f.name] = list(value)
            elif hasattr(value, "syntax") and f.name != "syntax":
                changes[f.name] = _moved(value, copies)
        model = dataclasses.replace(original, **changes)  # type: ignore[arg-type]
        sort_blocks(model)
        cleanup_model(model)
        syntax.stmts = cleanup(syntax.stmts)
    return model


_SYNTAX = operator.attrgetter("syntax")
_CANONICAL = operator.attrgetter("canonical")
_FLAGS = operator.attrgetter("flags")


def _moved(entry: T, copies: dict[int, Line]) -> T:
    copy = copies.get(id(entry.syntax))  # type: ignore[attr-defined]
    return entry if copy is None else dataclasses.replace(entry, syntax=copy)  # type: ignore[type-var]


def _unchanged(f: ModFile) -> tuple[set[int], set[int]]:
    """The ids of the lines of canonically written requirements and exclusions outside blocks
    that removeDups and Cleanup may leave with one line (Cleanup rewrites that line), and
    the ids of the blocks all of whose lines are such. When every requirement and exclusion is
    written canonically (the usual file), every line of a require or exclude block is one of
    them, and the entries are not visited one by one."""
    kill = remove_dup_entries(dataclasses.replace(f))
    stmts = f.syntax.stmts
    lasting = [s for s in stmts if isinstance(s, Block) and len(s.lines) - len(kill) >= 2]
    if all(map(CANONICAL.__and__, map(_FLAGS, f.require))) and all(map(_CANONICAL, f.exclude)):
        verbs = ("require", "exclude")
        whole = {id(b) for b in lasting if len(b.header) == 1 and b.verb in verbs}
        tops = {id(s) for s in stmts if isinstance(s, Line) and s.tokens and s.tokens[0].text in verbs}
        return tops, whole
    kept = {id(b) for b in lasting}
    return {
        id(x.syntax)
        for entries in (f.require, f.exclude)
        for x in entries
        if x.canonical and (x.block is None or id(x.block) in kept)
    }, set()


def json_model(parsed: ParsedFile) -> ModFile | WorkFile:
    """The model `go mod edit -json` prints: canonical_model's lists, without its copy of the
    tree. Go's rewriting changes tokens, never the values the model holds, and SortBlocks sorts
    the syntax, not the lists: what is left is removeDups and Cleanup, on the lists."""
    if not parsed.ok:
        raise NotParsable(parsed.go_errors)
    if not parsed.strict:
        return canonical_model(parsed)
    model = dataclasses.replace(parsed.model)
    remove_dup_entries(model)
    cleanup_model(model)
    return model


def json_parsed(parsed: ParsedFile) -> str:
    """`go mod edit -json` / `go work edit -json`."""
    from gomodls.modfile.gojson import marshal_model  # (and json: not imported for fmt)

    return marshal_model(json_model(parsed))
