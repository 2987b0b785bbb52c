"""Parse go.mod / go.work text into a `FileSyntax`: lex each line, let the lark grammar
(grammar/modfile.lark) find the statement structure over the lines, then build x/mod's tree with
its comment rules (Before comments, blank-line markers in blocks, suffix comments).

Go stops at the first syntax error. This parser records every error and recovers: a bad
character is skipped, an unterminated string ends at the end of its line, junk after a closing
`)` is ignored, and a block still open at the end of the file is closed before the first
unindented directive in it, so the rest of the file keeps its meaning. `FileSyntax.problems()`
lists the errors in Go's order, so the first is the one Go reports.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import pkgutil
from collections.abc import Iterator, Sequence

from lark import Lark, Tree
from lark import Token as LarkToken
from lark.lexer import Lexer

from gomodls.base.gcpause import paused_gc
from gomodls.syntax.lexer import lex_lines
from gomodls.syntax.tree import (
    NO_COMMENTS,
    PARSER,
    Block,
    Comment,
    CommentBlock,
    Comments,
    FileSyntax,
    Line,
    LineKind,
    OwnLine,
    Paren,
    PlainLine,
    SourceLine,
    Stmt,
    SyntaxProblem,
)

# Verbs that, unindented inside an unterminated block, start the statements after it.
RECOVERY_VERBS = frozenset(
    {
        "module",
        "go",
        "toolchain",
        "godebug",
        "require",
        "exclude",
        "replace",
        "retract",
        "tool",
        "ignore",
        "use",
    }
)


_RUN_KINDS = frozenset({LineKind.LINE, LineKind.COMMENT, LineKind.BLANK})
_PLAIN_KINDS = _RUN_KINDS | {LineKind.EMPTY}  # neither opens nor closes a block
_BLOCK_KINDS = frozenset(LineKind) - _PLAIN_KINDS
_KIND = operator.attrgetter("kind")
_TEXT = operator.attrgetter("text")
_OPENERS = frozenset({LineKind.OPEN, LineKind.RP_OPEN})
_CLOSERS = frozenset({LineKind.CLOSE, LineKind.RP_OPEN, LineKind.RP_EMPTY})
UNCLOSED = "UNCLOSED"


def _starts_directive(src: SourceLine) -> bool:
    return bool(src.tokens) and src.tokens[0].col == 0 and src.tokens[0].text in RECOVERY_VERBS


def recovery_points(lines: Sequence[SourceLine]) -> list[int]:
    """Where blocks that no `)` closes give way to the statements after them: at the first
    unindented directive inside (with the comments directly above it). Only the few opening
    and closing lines are visited, by bisection; the lines after an unclosed opener are
    scanned once, for the directive."""
    n = len(lines)
    openers: list[int] = []
    closers: list[int] = []
    # (the few lines that open or close blocks, found by C loops: no Python step per line)
    for i in itertools.compress(itertools.count(), map(_BLOCK_KINDS.__contains__, map(_KIND, lines))):
        kind = lines[i].kind
        if kind in _OPENERS:
            openers.append(i)
        if kind in _CLOSERS:
            closers.append(i)
    points: list[int] = []
    i = 0
    while True:
        k = bisect.bisect_left(openers, i)
        if k == len(openers):
            break
        opener = openers[k]
        c = bisect.bisect_right(closers, opener)
        if c < len(closers):
            i = closers[c] + 1
            continue
        split = next((j for j in range(opener + 1, n) if _starts_directive(lines[j])), n)
        if split >= n:
            break  # the block runs to the end of the file
        while split > opener + 1 and lines[split - 1].kind is LineKind.COMMENT:
            split -= 1
        points.append(split)
        i = split
    return points


class _Lines:
    """What the grammar parses: the lines, and where UNCLOSED goes."""

    def __init__(self, lines: Sequence[SourceLine], top_level: bool = True) -> None:
        self.lines = lines
        # Inside a block body there is no nesting, so nothing there opens a block to recover from.
        self.unclosed = recovery_points(lines) if top_level else []


class _LineLexer(Lexer):
    """Feeds the grammar one terminal per source line, except that a run of consecutive plain
    lines (or comment lines, or blank lines) is one terminal: the grammar treats one and many
    alike, and a block of thousands of requirements costs the parser three terminals.
    `start_pos`/`end_pos` index the run in the line list."""

    def __init__(self, conf: object) -> None:
        pass

    def lex(self, data: _Lines) -> Iterator[LarkToken]:  # type: ignore[override]
        lines, stops = data.lines, data.unclosed
        stop_at = iter([*stops, len(lines)])
        stop = next(stop_at)
        i = 0
        # (groupby finds the runs of equal kinds without a Python step per line)
        for kind, group in itertools.groupby(map(_KIND, lines)):
            end = i + len(list(group))
            while i < end:
                if i == stop:
                    yield LarkToken(UNCLOSED, UNCLOSED, start_pos=i, end_pos=i)
                    stop = next(stop_at)
                j = min(end, stop) if kind in _RUN_KINDS else i + 1
                yield LarkToken(kind.value, kind.value, start_pos=i, end_pos=j)
                i = j


@functools.cache
def _grammar_parser() -> Lark:
    # (pkgutil reads it through the package's loader, as importlib.resources would, without
    # importlib.resources's readers: they import zipfile, a few ms of the server's start)
    grammar = (pkgutil.get_data("gomodls.grammar", "modfile.lark") or b"").decode()
    # cache=True keeps the LALR tables in a temp file keyed by the grammar: later processes load
    # them instead of rebuilding (a corrupt cache file is ignored and rebuilt by lark).
    return Lark(grammar, parser="lalr", lexer=_LineLexer, start=["start", "block_body"], cache=True)


def parse(text: str, filename: str = "go.mod") -> FileSyntax:
    with paused_gc():
        lines = lex_lines(text.split("\n"), 0, at_eof=True)
        return parse_lines(lines, filename)


def parse_lines(lines: list[SourceLine], filename: str) -> FileSyntax:
    syntax = FileSyntax(
        filename, lines, [], multiline=any(map(operator.contains, map(_TEXT, lines), itertools.repeat("\n")))
    )
    syntax.stmts = items_of(syntax, lines)
    return syntax


def items_of(syntax: FileSyntax, lines: list[SourceLine]) -> list[Stmt]:
    """The top-level statements of `lines`, a run of `syntax.lines` that starts and ends at
    statement boundaries. Errors go to the lines and to `syntax`."""
    return _Builder(syntax, lines).items()


def block_body(
    syntax: FileSyntax, lines: list[SourceLine], lines_before: bool
) -> tuple[list[Line], list[Comment]]:
    """Block lines from `lines`, a run inside a block body; also the comments left pending at
    its end. `lines_before` says whether block lines precede the run (a blank line at its start
    is then kept as a marker)."""
    builder = _Builder(syntax, lines)
    tree = _grammar_parser().parse(_Lines(lines, top_level=False), start="block_body")
    return builder.block_lines(tree, have_lines=lines_before)


def rparen_before(pending: list[Comment]) -> list[Comment]:
    """The comments before a closing parenthesis: a lone blank-line marker is dropped."""
    if len(pending) == 1 and pending[0].text == "" and pending[0].src is None:
        return []
    return pending


def eof_position(lines: list[SourceLine]) -> tuple[int, int]:
    last = lines[-1]
    return last.line + last.nlines - 1, len(last.text) - (last.text.rfind("\n") + 1)


class _Builder:
    """Builds nodes from one lark parse of `lines` (tokens carry indexes into `lines`)."""

    def __init__(self, syntax: FileSyntax, lines: list[SourceLine]) -> None:
        self.syntax = syntax
        self.lines = lines

    def items(self) -> list[Stmt]:
        tree = _grammar_parser().parse(_Lines(self.lines), start="start")
        stmts: list[Stmt] = []
        for child in tree.children:
            if isinstance(child, LarkToken):  # a top-level blank line
                continue
            if child.data == "stmt":
                stmts.extend(self._stmt(child))
            elif child.data == "comment_block":
                stmts.append(CommentBlock(Comments(before=self._comments(child.children[0]))))
            else:  # open_block: an unterminated block is always last
                stmts.extend(self._open_block(child))
        return stmts

    def _src(self, tok: LarkToken) -> SourceLine:
        return self.lines[tok.start_pos]

    def _run(self, tok: LarkToken) -> list[SourceLine]:
        return self.lines[tok.start_pos : tok.end_pos]

    def _comments(self, tree: Tree) -> list[Comment]:
        return [src.comment for t in tree.children for src in self._run(t)]  # type: ignore[misc]

    def _stmt(self, tree: Tree) -> list[Stmt]:
        children = tree.children
        before = self._comments(children[0]) if len(children) == 2 else []
        body = children[-1]
        if body.data == "line":
            nodes: list[Stmt] = []
            for src in self._run(body.children[0]):
                if src.__class__ is PlainLine:  # (no block line's result or comments kept alive)
                    text = src.comment_text
                    src._comments = NO_COMMENTS if text is None else text  # type: ignore[attr-defined]
                    src.sem = None  # type: ignore[attr-defined]
                line = OwnLine(None, src=src)
                self._suffix_to_line(line, src)
                nodes.append(line)
        elif body.data == "empty_block":
            nodes = [self._empty_block(self._src(body.children[0]))]
        elif body.data == "unclosed_block":
            nodes = [self._unclosed(body.children[0], body.children[1])]
        else:
            nodes = [self._block(body)]
        nodes[0].comments.before = before
        return nodes

    def _suffix_to_line(self, line: Line, src: SourceLine) -> None:
        if src.comment is None:
            return
        if line.tokens[0].line == line.tokens[-1].end_line:
            line.comments.suffix = [src.comment]
        else:  # x/mod gives suffix comments only to single-line expressions
            self.syntax.comments.before = [*self.syntax.comments.before, src.comment]

    def _empty_block(self, src: SourceLine) -> Block:
        toks = src.tokens
        block = Block(toks[:-2], Paren(toks[-2]), [], Paren(toks[-1]), src=src, end_src=src)
        if src.comment is not None:
            if toks[0].line == toks[-1].end_line:
                block.comments.suffix = [src.comment]
            else:
                block.rparen.comments.suffix = [src.comment]
        return block

    def _opener(self, src: SourceLine) -> Block:
        toks = src.tokens
        block = Block(toks[:-1], Paren(toks[-1]), [], Paren(None), src=src, end_src=src)
        if src.comment is not None:
            block.lparen.comments.suffix = [src.comment]
        return block

    def _block(self, tree: Tree) -> Block:
        open_tok, body, close_tok = tree.children
        block = self._opener(self._src(open_tok))
        block.lines, pending = self.block_lines(body, have_lines=False)
        self._close(block, self._src(close_tok), pending)
        return block

    def block_lines(self, body: Tree, have_lines: bool) -> tuple[list[Line], list[Comment]]:
        """parseLineBlock: the lines, and the comments still pending at the end."""
        out: list[Line] = []
        append = out.append
        comments: list[Comment] = []
        lines = self.lines
        for tok in body.children:
            run = lines[tok.start_pos : tok.end_pos]
            kind = tok.type
            if kind == "BLANK":
                if (not comments and (out or have_lines)) or (comments and comments[-1].text != ""):
                    comments.append(Comment(""))  # (a run of blank lines is one marker)
            elif kind == "COMMENT":
                comments.extend(src.comment for src in run)  # type: ignore[misc]
            else:  # a run of LINE lines, or one OPEN or EMPTY line (ordinary lines in a block)
                for src in run:
                    if src.__class__ is PlainLine:  # (its own Line: see Line)
                        text = src._comments  # type: ignore[attr-defined]  # (comment_text, inline)
                        if text.__class__ is not str:
                            text = None if text is NO_COMMENTS else src.comment_text
                        if comments:  # (a plain line is one physical line: the suffix is its)
                            before = comments
                            comments = []
                            src._comments = (  # type: ignore[attr-defined]
                                Comments(before) if text is None else Comments(before, (src.comment,))  # type: ignore[arg-type]
                            )
                        else:  # (its comment's text, or none: see PlainLine)
                            src._comments = NO_COMMENTS if text is None else text  # type: ignore[attr-defined]
                        src.sem = None  # type: ignore[attr-defined]
                        append(src)  # type: ignore[arg-type]
                        continue
                    suffix = src._comment  # type: ignore[attr-defined]  # (not made into a Comment: see SourceLine)
                    if suffix is None:
                        # (most lines have no comments: they share one empty Comments)
                        line = OwnLine(
                            None, Comments(before=comments) if comments else NO_COMMENTS, True, src
                        )
                    elif "\n" not in src.text:  # (x/mod's suffix comments go to single-line expressions)
                        # (only the suffix comment: Comments made when asked for, see Line)
                        line = OwnLine(
                            None, Comments(comments, (src.comment,)) if comments else None, True, src
                        )
                    else:
                        line = OwnLine(None, Comments(before=comments), True, src)
                        self._suffix_to_line(line, src)
                    append(line)
                    if comments:
                        comments = []
        return out, comments

    def _close(self, block: Block, src: SourceLine, pending: list[Comment]) -> None:
        block.rparen = Paren(src.tokens[0], Comments(before=rparen_before(pending)))
        block.end_src = src
        if len(src.tokens) > 1:
            junk = src.tokens[1]
            block.parse_errors = [
                SyntaxProblem(
                    "syntax error (expected newline after closing paren)",
                    junk.end_col,
                    junk.end_col,
                    order=PARSER,
                    src=src,
                    row=junk.end_row,
                    end_row=junk.end_row,
                )
            ]
        elif src.comment is not None:
            block.rparen.comments.suffix = [src.comment]

    def _open_block(self, tree: Tree) -> list[Stmt]:
        children = tree.children
        block = self._unclosed(children[-2], children[-1])
        block.comments.before = self._comments(children[0]) if len(children) == 3 else []
        return [block]

    def _unclosed(self, open_tok: LarkToken, body: Tree) -> Block:
        """A block no `)` closes. Go reports the first one, at the end of the file."""
        block = self._opener(self._src(open_tok))
        block.lines, _ = self.block_lines(body, have_lines=False)
        last = max((tok.end_pos for tok in body.children), default=0)
        if last:
            block.end_src = self.lines[last - 1]
        if self.syntax.eof_problem is None:
            start = block.header[0]
            eof_line, eof_col = eof_position(self.syntax.lines)
            self.syntax.eof_problem = SyntaxProblem(
                f"syntax error (unterminated block started at {self.syntax.filename}:{start.line + 1}:{start.col + 1})",
                eof_col,
                eof_col,
                order=PARSER,
                row=eof_line,
                end_row=eof_line,
            )
        return block
