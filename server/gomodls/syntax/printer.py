"""modfile.Format (x/mod print.go): print a syntax tree the way `go mod edit -fmt` writes it.

One tab per block level, single spaces between tokens (none after `( [ {` or before `, ) ] }`),
a blank line between top-level statements, comments trimmed, one newline at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

from gomodls.base.foreground import paced
from gomodls.base.gostr import trim_space
from gomodls.syntax.tree import Block, Comment, CommentBlock, Comments, FileSyntax, Line, Paren, Stmt


def format_syntax(syntax: FileSyntax) -> str:
    return format_stmts(syntax.stmts, syntax.comments)


def format_stmts(stmts: list[Stmt], file_comments: Comments | None = None) -> str:
    p = _Printer()
    p.file(stmts, file_comments or Comments())
    text = p.text()
    while text.endswith("\n") and (len(text) == 1 or text[-2] == "\n"):
        text = text[:-1]
    return text


# Tokens printed without a space on one side; text ending in these is trimmed or ends a line.
_NO_GLUE = frozenset({"(", "[", "{", ",", ")", "]", "}"})
_ENDS_BLANK = frozenset({"", " ", "\t", "\n"})


class _Printer:
    def __init__(self) -> None:
        self.buf: list[str] = []
        self.pending: list[Comment] = []  # end-of-line comments
        self.margin = 0

    def text(self) -> str:
        return "".join(self.buf)

    def write(self, s: str) -> None:
        if s:
            self.buf.append(s)

    def tail(self, n: int) -> str:
        out = ""
        for piece in reversed(self.buf):
            out = piece + out
            if len(out) >= n:
                break
        return out[-n:]

    def indent(self) -> int:
        n = 0
        for piece in reversed(self.buf):
            nl = piece.rfind("\n")
            if nl >= 0:
                return n + len(piece) - nl - 1
            n += len(piece)
        return n

    def trim(self) -> None:
        while self.buf:
            last = self.buf[-1].rstrip(" \t")
            if last:
                self.buf[-1] = last
                return
            self.buf.pop()

    def newline(self) -> None:
        if self.pending:
            self.write(" ")
            for i, com in enumerate(self.pending):
                if i > 0:
                    self.trim()
                    self.write("\n" + "\t" * self.margin)
                self.write(trim_space(com.text))
            self.pending = []
        self.trim()
        # No blank line at the top of the file, and never two in a row.
        if self.buf and self.tail(2) != "\n\n":
            self.write("\n")
        self.write("\t" * self.margin)

    def file(self, stmts: list[Stmt], comments: Comments) -> None:
        for com in comments.before:
            self.write(trim_space(com.text))
            self.newline()
        for i, stmt in enumerate(stmts):
            self.expr(stmt)
            if not isinstance(stmt, CommentBlock):
                self.newline()
            for com in stmt.comments.after:
                self.write(trim_space(com.text))
                self.newline()
            if i + 1 < len(stmts):
                self.newline()

    def expr(self, x: Stmt) -> None:
        comments = x.view_comments() if isinstance(x, Line) else x.comments
        self.before(comments.before)
        if isinstance(x, Line):
            self.tokens(x.texts)
        elif isinstance(x, Block):
            self.tokens([t.text for t in x.header])
            self.write(" ")
            self.paren(x.lparen, "(")
            self.margin += 1
            self.block_lines(x.lines)
            self.margin -= 1
            self.newline()
            self.paren(x.rparen, ")")
        self.pending.extend(comments.suffix)

    def block_lines(self, lines: list[Line]) -> None:
        """`newline(); expr(line)` for each line, written directly for the usual line (no
        comments above it, no punctuation, at most one comment pending from the line before,
        the text so far ending in neither a blank nor a newline): what newline() and expr() would
        write is then known without looking back at the text (tail, trim)."""
        buf = self.buf
        append = buf.append
        nl = "\n" + "\t" * self.margin
        pending: Sequence[Comment] = self.pending
        clean = False  # whether the text so far is known to end in a token or a comment
        trimmed: dict[str, str] = {}  # (comment texts trimmed: most are one, `// indirect`)
        for line in paced(lines):  # (formatting in a server's thread: the editor's messages go first)
            texts = line.words()
            comments = line.view_comments()
            if (
                texts
                and not comments.before
                and len(pending) <= 1
                # (not a list: a plain line's words, which have no punctuation)
                and (texts.__class__ is not list or _NO_GLUE.isdisjoint(texts))
                and (clean or buf[-1][-1:] not in _ENDS_BLANK)
            ):
                if not pending:
                    append(nl + " ".join(texts))
                    pending = comments.suffix  # (not changed here: copied when handed on)
                    clean = True
                    continue
                text = pending[0].text
                comment = trimmed.get(text)
                if comment is None:
                    comment = trimmed[text] = trim_space(text)
                if comment:
                    append(" " + comment + nl + " ".join(texts))
                    pending = comments.suffix
                    clean = True
                    continue
            self.pending = list(pending)
            self.newline()
            self.expr(line)
            pending = self.pending
            clean = False
        self.pending = list(pending)

    def paren(self, paren: Paren, text: str) -> None:
        self.before(paren.comments.before)
        self.write(text)
        self.pending.extend(paren.comments.suffix)

    def before(self, comments: list[Comment]) -> None:
        if not comments:
            return
        self.trim()
        if self.indent() > 0:
            self.write("\n")
        self.write("\t" * self.margin)
        for com in comments:
            self.write(trim_space(com.text))
            self.newline()

    def tokens(self, texts: list[str]) -> None:
        sep = ""
        for t in texts:
            if t in (",", ")", "]", "}"):
                sep = ""
            self.write(sep + t)
            sep = "" if t in ("(", "[", "{") else " "
