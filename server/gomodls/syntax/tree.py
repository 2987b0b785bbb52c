"""The syntax tree of go.mod and go.work files, shaped like x/mod's modfile.FileSyntax.

Every token and comment keeps the source line it came from (a `SourceLine`), so positions are
derived, not stored: when an incremental edit inserts or deletes lines, only the line numbers of
the following `SourceLine`s change (the bases of their runs: `LineBase`), never the tokens. Positions are 0-based lines and 0-based
code-point columns (Go's 1-based rune columns count the same units, plus one);
`gomodls.lsp.positions` converts them to the LSP's negotiated encoding.
"""

from __future__ import annotations

import operator
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING


class TokenKind(StrEnum):
    IDENT = "ident"
    STRING = "string"
    PUNCT = "punct"  # one of ( ) [ ] { } ,


class LineKind(StrEnum):
    """How a source line takes part in the statement structure (the grammar's terminals)."""

    BLANK = "BLANK"
    COMMENT = "COMMENT"  # a whole-line comment
    LINE = "LINE"  # tokens, not a block opener
    OPEN = "OPEN"  # `header (` : opens a block at top level
    EMPTY = "EMPTY"  # `header ( )` : an empty block at top level
    CLOSE = "CLOSE"  # starts with `)`: closes a block (an ordinary line at top level)
    RP_OPEN = "RP_OPEN"  # `) ... (` : closes a block, or opens one at top level
    RP_EMPTY = "RP_EMPTY"  # `) ... ( )`


IN_TOKEN, PARSER, TOKEN_START = 0, 1, 2


@dataclass(eq=False, slots=True)
class SyntaxProblem:
    """A lexer or parser error: Go's message at Go's position. The position is relative to the
    source line it belongs to (or absolute when `src` is None, for the end of the file)."""

    message: str
    col: int
    end_col: int
    # Go reads one token ahead, so at equal positions the order is: an error inside the token
    # that ends there (`x/*`), then a parser error, then an error starting the next token.
    order: int
    src: SourceLine | None = None
    row: int = 0
    end_row: int = 0

    @property
    def line(self) -> int:
        return self.src.line + self.row if self.src else self.row

    @property
    def end_line(self) -> int:
        return self.src.line + self.end_row if self.src else self.end_row


class LineBase:
    """The number of a run of up to RUN consecutive source lines, each of which keeps its
    offset from it: offsets are small ints, which CPython does not allocate, where a line
    number a line was an int of 32 bytes (3 MB at 100,000 requirements). An edit that inserts or
    deletes lines moves the bases after it, one per run, not every line (syntax/incremental.py).
    A run is always a contiguous range of the file's source lines: an edit gives the lines it
    makes runs of their own, and the lines after it of the run it falls in a new one, so a run
    only ever loses lines (modfile/parsed.py's ParseMemo relies on it)."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n


# The most lines a LineBase numbers (offsets up to 255 are CPython's preallocated ints).
RUN = 256


class SourceLine:
    """One logical source line: usually one physical line (a string continued by a backslash
    at the end of a line spans more).

    A plain line (ASCII words separated by blanks, maybe a comment: nearly every line of a large
    go.mod) is lexed to its words only (`_tokens` is their tuple): its tokens are made from the
    text when first asked for (`tokens`). The parse of a large file needs nothing but the words
    (`words()`, `Line.words()`), and the model shares their strings. That saves a list and a
    Token per word on most lines: a fifth of the tree's memory, half of the lexer's time.

    Three kinds: a plain line with words is a `PlainLine` (it is its own Line in a block: see
    there); another plain line (a comment, a blank line) a `BareLine`; a line the careful lexer
    read a `LexedLine`, which may have lexer errors (the others share the class's empty
    `lex_errors`). A plain line's comment is kept as its text only (the one `// indirect`
    string of a large file for a third of its lines): `comment` makes the Comment when asked
    for, a new one each time (24 bytes a line at 100,000 requirements)."""

    __slots__ = ("_off", "_tokens", "base", "text")

    lex_errors: Sequence[SyntaxProblem] = ()
    if TYPE_CHECKING:
        kind: LineKind
        # the whole-line comment (COMMENT) or the suffix comment; text only for a plain line
        comment: Comment | None

        @property
        def comment_text(self) -> str | None: ...

    def __repr__(self) -> str:
        return f"{type(self).__name__}(line={self.line!r}, text={self.text!r}, kind={self.kind!r})"

    @property
    def line(self) -> int:
        """The 0-based number of its first physical line."""
        return self.base.n + self._off

    def rebase(self, base: LineBase) -> None:
        """Number it from `base` (of the run it is now part of), keeping its number."""
        self._off = self.base.n + self._off - base.n
        self.base = base

    @property
    def nlines(self) -> int:
        """The physical lines it spans: derived, not kept (a slot a line, for a rare case)."""
        return self.text.count("\n") + 1

    @property
    def tokens(self) -> list[Token]:
        tokens = self._tokens
        if tokens.__class__ is not list:
            tokens = self._tokens = plain_tokens(self)
        return tokens  # type: ignore[return-value]

    @tokens.setter
    def tokens(self, tokens: list[Token]) -> None:
        self._tokens = tokens

    def words(self) -> Sequence[str]:
        """The texts of the tokens, without making them for a plain line."""
        tokens = self._tokens
        if tokens.__class__ is not list:
            return tokens  # type: ignore[return-value]
        return [t.text for t in tokens]  # type: ignore[union-attr]

    def share_words(self, words: tuple[str, ...]) -> None:
        """Keep `words` (a tuple, maybe of a subclass, equal to a plain line's words) as the
        words: the model's module version of a requirement line is such a tuple, and one
        tuple then serves both (7 MB at 100,000 requirements)."""
        if self._tokens.__class__ is not list and self._tokens == words:
            self._tokens = words


class BareLine(SourceLine):
    """A plain line without words (a comment line, a blank line); see SourceLine."""

    __slots__ = ("_comment", "kind")

    def __init__(
        self,
        line: int,
        text: str,  # without the final newline; contains newlines only when it spans several lines
        kind: LineKind,
        # the tokens, or a plain line's words (above): a tuple, or a tuple subclass (share_words)
        _tokens: list[Token] | tuple[str, ...],
        comment: Comment | str | None,  # a Comment, or a plain line's comment text
        base: LineBase | None = None,  # the run's (line - base.n < RUN), or a base of its own
    ) -> None:
        if base is None:
            base = LineBase(line)
        self.base = base
        self._off = line - base.n
        self.text = text
        self.kind = kind
        self._tokens = _tokens
        self._comment = comment

    @property  # type: ignore[no-redef]
    def comment(self) -> Comment | None:
        comment = self._comment
        if comment.__class__ is str:
            # (a plain line: see above; ASCII, so the column is the index)
            return Comment(comment, self.text.find("//"), self, bool(self._tokens))  # type: ignore[arg-type]
        return comment  # type: ignore[return-value]

    @comment.setter
    def comment(self, comment: Comment | None) -> None:
        self._comment = comment

    @property
    def comment_text(self) -> str | None:
        """The comment's text, without making the Comment of a plain line."""
        comment = self._comment
        if comment is None or comment.__class__ is str:
            return comment  # type: ignore[return-value]
        return comment.text  # type: ignore[union-attr]


class LexedLine(BareLine):
    """A source line the careful lexer read (not a plain line): it may have lexer errors."""

    __slots__ = ("lex_errors",)

    def __init__(
        self,
        line: int,
        text: str,
        kind: LineKind,
        _tokens: list[Token] | tuple[str, ...],
        comment: Comment | None,
        base: LineBase | None = None,
        lex_errors: Sequence[SyntaxProblem] = (),
    ) -> None:
        BareLine.__init__(self, line, text, kind, _tokens, comment, base)
        self.lex_errors = lex_errors


def plain_tokens(src: SourceLine) -> list[Token]:
    """The tokens of a plain line: identifiers, whose columns are indexes (ASCII text)."""
    text = src.text
    cut = text.find("//")
    code = text if cut < 0 else text[:cut]
    tokens: list[Token] = []
    pos = 0
    for word in src.words():  # (the strings the model shares)
        col = code.find(word, pos)
        pos = col + len(word)
        tokens.append(Token(TokenKind.IDENT, word, col, pos, src))
    return tokens


@dataclass(eq=False, slots=True)
class Token:
    kind: TokenKind
    text: str
    col: int
    end_col: int
    src: SourceLine | None  # None for tokens created by edits

    # The line offsets within a multi-line SourceLine: always 0 here, the rows of a SpanToken
    # (nearly every token is on one physical line, and does without two slots for them).
    @property
    def row(self) -> int:
        return 0

    @property
    def end_row(self) -> int:
        return 0

    @property
    def line(self) -> int:
        return self.src.line if self.src else -1

    @property
    def end_line(self) -> int:
        return self.src.line if self.src else -1


@dataclass(eq=False, slots=True)
class SpanToken(Token):
    """A token of a SourceLine that spans several physical lines (a string continued by a
    backslash at the end of a line, or a token on the lines after it)."""

    row: int = 0  # type: ignore[assignment]
    end_row: int = 0  # type: ignore[assignment]

    @property
    def line(self) -> int:
        return self.src.line + self.row if self.src else -1

    @property
    def end_line(self) -> int:
        return self.src.line + self.end_row if self.src else -1


@dataclass(eq=False, slots=True)
class Comment:
    """A `//` comment; `text` is Go's Comment.Token (with the slashes, without the newline).
    A blank-line marker inside a block has text "" and no source."""

    text: str
    col: int = 0
    src: SourceLine | None = None
    suffix: bool = False
    row: int = 0

    @property
    def line(self) -> int:
        return self.src.line + self.row if self.src else -1


@dataclass(eq=False, slots=True)
class Comments:
    """x/mod's Comments. The lists are replaced, never mutated in place: empty ones are shared."""

    before: Sequence[Comment] = ()
    suffix: Sequence[Comment] = ()
    after: Sequence[Comment] = ()


class _SharedComments(Comments):
    """The type of NO_COMMENTS; its other instances (made by dataclasses.replace) are ordinary."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        if self is NO_COMMENTS:
            raise AttributeError(
                f"NO_COMMENTS is shared by many lines: replace the line's comments, not its {name}"
            )
        object.__setattr__(self, name, value)


# The comments of a block line that has none (nearly every line of a large block): one object
# for all of them, not one each. Lines get their own Comments when they get comments.
NO_COMMENTS: Comments = _SharedComments.__new__(_SharedComments)
for _name in ("before", "suffix", "after"):
    object.__setattr__(NO_COMMENTS, _name, ())


class _Fresh:
    """The type of FRESH, Line's default comments: a new empty Comments for each line."""

    __slots__ = ()


FRESH = _Fresh()


class Line:
    """A statement line: top level (`require x v1`) or inside a block (`x v1`, no verb).

    A parsed line's tokens are its source line's (`_tokens` None until asked for: see
    SourceLine); `texts` gives their texts without making them.

    Two kinds, one interface: `Line(...)` makes an `OwnLine`, which points at its source line
    (`src`); a plain line inside a block (nearly every line of a large go.mod) is its own
    source line, a `PlainLine`, one object instead of two (56 bytes a line at 100,000
    requirements). Both keep the semantic layer's result for the line in `sem` (None before
    any; modfile/rules.py: the tree's `sem_key` says which parse the results are of): kept
    while the line is unchanged, so a keystroke re-checks one line."""

    __slots__ = ()

    if TYPE_CHECKING:
        _comments: Comments | None
        _flags: int
        _tokens: list[Token] | tuple[str, ...] | None
        sem: object
        src: SourceLine | None

    def __new__(cls, *args: object, **kwargs: object) -> Line:
        return object.__new__(OwnLine if cls is Line else cls)

    @property
    def in_block(self) -> bool:
        return bool(self._flags & 1)

    @in_block.setter
    def in_block(self, value: bool) -> None:
        self._flags = (self._flags & 2) | bool(value)

    @property
    def removed(self) -> bool:
        return bool(self._flags & 2)

    @removed.setter
    def removed(self, value: bool) -> None:
        self._flags = (self._flags & 1) | (bool(value) << 1)

    @property
    def tokens(self) -> list[Token]:
        tokens = self._tokens
        if tokens is None:
            tokens = self._tokens = self.src.tokens  # type: ignore[union-attr]
        return tokens

    @tokens.setter
    def tokens(self, tokens: list[Token]) -> None:
        self._tokens = tokens

    @property
    def comments(self) -> Comments:
        comments = self._comments
        if comments is None:
            comments = self._comments = self.view_comments()
        return comments

    @comments.setter
    def comments(self, comments: Comments) -> None:
        self._comments = comments

    def view_comments(self) -> Comments:
        """The comments, for reading only: a line with only its suffix comment gets a new
        Comments each time, not kept (formatting and the model read every line's)."""
        comments = self._comments
        if comments is None:
            return Comments((), (self.src.comment,), ())  # type: ignore[union-attr]
        return comments

    def suffix_comments(self) -> Sequence[Comment]:
        """comments.suffix, without making the Comments of a line with only a suffix comment."""
        comments = self._comments
        if comments is None:
            return (self.src.comment,)  # type: ignore[union-attr,return-value]
        return comments.suffix

    def suffix_text(self) -> str | None:
        """The text of the first suffix comment (None without one), without making the
        Comment of a plain line's suffix comment (see SourceLine)."""
        comments = self._comments
        if comments is None:
            return self.src.comment_text  # type: ignore[union-attr]
        suffix = comments.suffix
        return suffix[0].text if suffix else None

    @property
    def texts(self) -> list[str]:
        return list(self.words())

    def words(self) -> Sequence[str]:
        """The texts of the tokens, without making them for a plain line (see SourceLine)."""
        tokens = self._tokens
        if tokens is None:
            tokens = self.src._tokens  # type: ignore[union-attr]
            if tokens.__class__ is not list:
                return tokens  # type: ignore[return-value]
        return [t.text for t in tokens]  # type: ignore[union-attr]

    @property
    def line(self) -> int:  # type: ignore[override]
        src = self.src
        if self._tokens is None and src._tokens.__class__ is not list:  # type: ignore[union-attr]
            return src.line  # type: ignore[union-attr]  # (a plain line: its first token's)
        tokens = self.tokens
        return tokens[0].line if tokens else -1


class OwnLine(Line):
    """A line with its own slots (see Line): a top-level line, a block line that is not plain,
    a line made by an edit or a copy. `in_block` and `removed` share one small int."""

    __slots__ = ("_comments", "_flags", "_tokens", "sem", "src")

    def __init__(
        self,
        _tokens: list[Token] | None,
        # None for a block line whose only comment is its source line's suffix comment (a third
        # of the lines of a large require block, `// indirect`): `comments` makes their Comments
        # when first asked for, `view_comments()` without keeping it (6 MB at 100,000
        # requirements).
        _comments: Comments | _Fresh | None = FRESH,  # (a new empty Comments)
        in_block: bool = False,
        src: SourceLine | None = None,
        removed: bool = False,  # set by edits, dropped by cleanup
    ) -> None:
        self._tokens = _tokens
        self._comments = Comments() if _comments is FRESH else _comments  # type: ignore[assignment]
        self._flags = in_block | (removed << 1)
        self.src = src
        # The semantic layer's result for this line, kept while the line is unchanged (an
        # incremental re-parse keeps the Line objects it does not touch), so a keystroke
        # re-checks one line; None before any (see modfile/rules.py: the tree's `sem_key` says
        # which parse the results are of).
        self.sem: object = None

    def __repr__(self) -> str:  # (Line's)
        return f"Line(words={list(self.words())!r}, in_block={self.in_block!r}, src={self.src!r})"


class PlainLine(SourceLine, Line):
    """A plain source line with words (see SourceLine) that can also be a block line (see
    Line): the lexer makes every such line one; the parser makes it its own Line when it is
    inside a block (setting `_comments` and `sem`). Its tokens are its source tokens, never
    rewritten (copies are OwnLines), and it is never removed or moved out of its block but by
    a new parse.

    Its comments, as a line and as a source line, are one slot: `_comments` is the suffix
    comment's text alone (the usual case: see SourceLine), NO_COMMENTS, or the line's Comments,
    whose suffix is the source line's comment. Its kind is always LINE (a class attribute)."""

    __slots__ = ("_comments", "sem")
    __new__ = object.__new__  # (not Line's: made at C speed, one a line)

    kind = LineKind.LINE

    def __init__(
        self, line: int, text: str, _tokens: tuple[str, ...], comment: str | None, base: LineBase
    ) -> None:
        self.base = base
        self._off = line - base.n
        self.text = text
        self._tokens = _tokens
        self._comments = NO_COMMENTS if comment is None else comment  # type: ignore[assignment]

    # (read-only: changes are made to copies, OwnLines)
    @property
    def src(self) -> SourceLine:  # type: ignore[override]
        return self

    @property
    def in_block(self) -> bool:  # type: ignore[override]
        return True

    @property
    def removed(self) -> bool:  # type: ignore[override]
        return False

    @property  # type: ignore[misc]
    def comment(self) -> Comment | None:
        comments = self._comments
        if comments.__class__ is str:
            # (ASCII, so the column is the index)
            return Comment(comments, self.text.find("//"), self, True)  # type: ignore[arg-type]
        suffix = comments.suffix  # type: ignore[union-attr]
        return suffix[0] if suffix else None

    def suffix_text(self) -> str | None:
        comments = self._comments
        if comments.__class__ is str:
            return comments  # type: ignore[return-value]
        suffix = comments.suffix  # type: ignore[union-attr]
        return suffix[0].text if suffix else None

    comment_text = property(suffix_text)  # type: ignore[assignment]  # (the same, one call)

    @property
    def comments(self) -> Comments:
        comments = self._comments
        if comments.__class__ is str:
            comments = self._comments = Comments((), (self.comment,), ())  # type: ignore[arg-type]
        return comments  # type: ignore[return-value]

    @comments.setter
    def comments(self, comments: Comments) -> None:
        self._comments = comments

    def view_comments(self) -> Comments:
        comments = self._comments
        if comments.__class__ is str:
            return Comments((), (self.comment,), ())  # type: ignore[arg-type]
        return comments  # type: ignore[return-value]

    def suffix_comments(self) -> Sequence[Comment]:
        comments = self._comments
        if comments.__class__ is str:
            return (self.comment,)  # type: ignore[return-value]
        return comments.suffix  # type: ignore[union-attr]


@dataclass(eq=False, slots=True)
class Paren:
    """The `(` or `)` of a block; a place for comments."""

    token: Token | None
    comments: Comments = field(default_factory=Comments)


# The most lines Block.chunks holds results of together (modfile/rules.py's CHUNK is no more).
MAX_CHUNK = 256


@dataclass(eq=False, slots=True)
class Block:
    """`verb (` lines `)`. `rparen.token` is None while the block is unterminated."""

    header: list[Token]
    lparen: Paren
    lines: list[Line]
    rparen: Paren
    comments: Comments = field(default_factory=Comments)
    src: SourceLine | None = None  # the opening line
    end_src: SourceLine | None = None  # the closing line, or the last line of an unterminated block
    # The parser's error on the closing line (junk after the `)`): the only parser error a
    # source line can have, kept here rather than in a slot of every SourceLine.
    parse_errors: Sequence[SyntaxProblem] = ()
    # The semantic layer's results for runs of up to MAX_CHUNK of its lines (modfile/rules.py),
    # by the id of each run's first line: kept once here, not in a slot of every line.
    chunks: dict[int, object] | None = None

    @property
    def verb(self) -> str:
        return self.header[0].text if self.header else ""

    @property
    def line(self) -> int:
        return self.header[0].line if self.header else -1


@dataclass(eq=False, slots=True)
class CommentBlock:
    """Whole-line comments separated from any statement by a blank line (or the end of file)."""

    comments: Comments = field(default_factory=Comments)

    @property
    def line(self) -> int:
        return self.comments.before[0].line if self.comments.before else -1


Stmt = Line | Block | CommentBlock


@dataclass(eq=False, slots=True)
class FileSyntax:
    """A parsed go.mod / go.work: the statements, the source lines and the syntax errors."""

    filename: str
    lines: list[SourceLine]
    stmts: list[Stmt]
    comments: Comments = field(default_factory=Comments)
    eof_problem: SyntaxProblem | None = None  # an unterminated block, reported at end of file
    multiline: bool = False  # some source line spans several physical lines
    # Which parse (file kind and mode) the semantic results kept on the lines (Line.sem) and
    # blocks (Block.chunks) are of; None before any (see modfile/rules.py).
    sem_key: object = None

    def problems(self) -> list[SyntaxProblem]:
        """Every syntax error in Go's order: the first one is what the go command reports."""
        # (lines without errors skipped by C loops: this runs at every keystroke; a stable
        # sort keeps a line's lexer errors before its parser errors, as before)
        found = [p for errors in map(_LEX_ERRORS, self.lines) if errors for p in errors]
        found += [p for s in self.stmts if s.__class__ is Block and s.parse_errors for p in s.parse_errors]  # type: ignore[union-attr]
        if self.eof_problem:
            found.append(self.eof_problem)
        found.sort(key=lambda p: (p.line, p.col, p.order))
        return found

    def text(self) -> str:
        return "\n".join(s.text for s in self.lines)


_LEX_ERRORS = operator.attrgetter("lex_errors")


def clone_stmts(stmts: list[Stmt]) -> list[Stmt]:
    """A copy whose tokens and comment lists can be rewritten without touching the original
    (the source positions are shared)."""
    return [_clone(s) for s in stmts]


def clone_sharing(
    stmts: list[Stmt], shared: Container[int], copies: dict[int, Line], whole: Container[int] = frozenset()
) -> list[Stmt]:
    """clone_stmts, except that the lines whose id is in `shared`, and every line of the blocks
    whose id is in `whole`, are not copied: the caller promises not to change them (only the
    lists that hold them). `copies` maps the id of every line copied to its copy."""
    out: list[Stmt] = []
    for stmt in stmts:
        if isinstance(stmt, Line):
            if id(stmt) in shared:
                out.append(stmt)
                continue
            copy = copies[id(stmt)] = _clone_line(stmt)
            out.append(copy)
        elif isinstance(stmt, Block):
            if id(stmt) in whole:
                lines = list(stmt.lines)
            else:
                lines = [line if id(line) in shared else _copy_line(line, copies) for line in stmt.lines]
            clone = _clone(
                Block(
                    stmt.header,
                    stmt.lparen,
                    [],
                    stmt.rparen,
                    stmt.comments,
                    stmt.src,
                    stmt.end_src,
                    stmt.parse_errors,
                )
            )
            assert isinstance(clone, Block)
            clone.lines = lines
            out.append(clone)
        else:
            out.append(_clone(stmt))
    return out


def _copy_line(line: Line, copies: dict[int, Line]) -> Line:
    copy = copies[id(line)] = _clone_line(line)
    return copy


def _clone_tokens(tokens: list[Token]) -> list[Token]:
    return [
        Token(t.kind, t.text, t.col, t.end_col, t.src)
        if t.__class__ is Token
        else SpanToken(t.kind, t.text, t.col, t.end_col, t.src, t.row, t.end_row)
        for t in tokens
    ]


def _clone_comments(c: Comments) -> Comments:
    return Comments(list(c.before), list(c.suffix), list(c.after))


def _clone_line(line: Line) -> Line:
    return Line(_clone_tokens(line.tokens), _clone_comments(line.view_comments()), line.in_block, line.src)


def _clone(stmt: Stmt) -> Stmt:
    if isinstance(stmt, Line):
        return _clone_line(stmt)
    if isinstance(stmt, Block):
        return Block(
            _clone_tokens(stmt.header),
            Paren(stmt.lparen.token, _clone_comments(stmt.lparen.comments)),
            [_clone_line(line) for line in stmt.lines],
            Paren(stmt.rparen.token, _clone_comments(stmt.rparen.comments)),
            _clone_comments(stmt.comments),
            stmt.src,
            stmt.end_src,
            stmt.parse_errors,
        )
    return CommentBlock(_clone_comments(stmt.comments))


def clone_syntax(
    syntax: FileSyntax,
    shared: Container[int] = frozenset(),
    copies: dict[int, Line] | None = None,
    whole: Container[int] = frozenset(),
) -> FileSyntax:
    """A copy of the statements (see clone_stmts); with `copies`, sharing the lines in `shared`
    and in the blocks in `whole` (see clone_sharing)."""
    stmts = (
        clone_stmts(syntax.stmts) if copies is None else clone_sharing(syntax.stmts, shared, copies, whole)
    )
    return FileSyntax(syntax.filename, syntax.lines, stmts, _clone_comments(syntax.comments))
