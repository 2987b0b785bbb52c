"""Where the parts of a directive are in the text, and edits that touch whole lines."""

from __future__ import annotations

from gomodls.analysis.findings import TextEdit
from gomodls.modfile.errors import Range, token_range
from gomodls.modfile.model import Replace
from gomodls.syntax.tree import FileSyntax, Line, Token


def args(line: Line) -> list[Token]:
    """The tokens after the verb (a block line has no verb)."""
    return line.tokens if line.in_block else line.tokens[1:]


def line_range(line: Line) -> Range:
    return token_range(line.tokens[0], line.tokens[-1])


def replace_tokens(r: Replace) -> tuple[Token, Token | None, Token, Token | None]:
    """old path, old version, new path, new version of a parsed replace."""
    a = args(r.syntax)
    arrow = 1 if a[1].text == "=>" else 2
    return a[0], (a[1] if arrow == 2 else None), a[arrow + 1], (a[arrow + 2] if len(a) > arrow + 2 else None)


def first_line(line: Line) -> int:
    """The line a statement's own comments start on (blank-line markers have no position)."""
    lines = [c.line for c in line.comments.before if c.src is not None]
    return min([*lines, line.line])


def delete_line(syntax: FileSyntax, line: Line, with_comments: bool = True) -> TextEdit:
    """Remove a statement line, and the comments directly above it, newline included."""
    assert line.src is not None
    start = first_line(line) if with_comments else line.line
    end = line.src.line + line.src.nlines - 1
    texts = syntax.lines
    blank_above = start > 0 and texts[start - 1].text.strip() == ""
    if blank_above and end + 2 < len(texts) and texts[end + 1].text.strip() == "":
        # Between two blank lines: take one of them too, so no double blank line is left.
        return TextEdit((start, 0, end + 2, 0), "")
    if blank_above and end + 2 == len(texts) and texts[-1].text == "":
        # The last line, after a blank line: take the blank line too.
        return TextEdit((start - 1, 0, end + 1, 0), "")
    if end + 1 < len(texts):
        return TextEdit((start, 0, end + 1, 0), "")
    if start > 0:  # the last line: take the newline before it instead
        prev = texts[start - 1]
        return TextEdit((start - 1, len(prev.text), end, len(texts[-1].text)), "")
    return TextEdit((start, 0, end, len(texts[-1].text)), "")


def replace_token(tok: Token, text: str) -> TextEdit:
    return TextEdit(token_range(tok), text)
