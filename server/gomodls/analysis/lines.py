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


# The offending token of a statement, for a finding's range.


def path_range(line: Line) -> Range:
    """A require/exclude line's module path."""
    return token_range(args(line)[0])


def version_range(line: Line) -> Range:
    """A require/exclude line's version (the path when there is none)."""
    a = args(line)
    return token_range(a[1] if len(a) > 1 else a[0])


def replaced_range(r: Replace) -> Range:
    """What a replace replaces: the old path, with its version if it has one."""
    old_path, old_version, _, _ = replace_tokens(r)
    return token_range(old_path, old_version)


def replacement_range(r: Replace) -> Range:
    """What a replace replaces with: the new path, with its version if it has one."""
    _, _, new_path, new_version = replace_tokens(r)
    return token_range(new_path, new_version)


def verb_range(line: Line) -> Range:
    """A directive's keyword; in a block (where the go command reports the line), the line's
    tokens."""
    return line_range(line) if line.in_block else token_range(line.tokens[0])


def godebug_range(line: Line, key: str, err: str) -> Range:
    """The part of a godebug `key=value` token an error of check_godebug is about: the key
    (unknown, or a key that cannot be one), else the value (removed setting set to an old
    value, a bad default=); the whole token when that part is empty."""
    a = args(line)
    if not a:
        return line_range(line)
    tok = a[0]
    whole = token_range(tok)
    if tok.row != tok.end_row or not tok.text.startswith(key) or tok.text[len(key) : len(key) + 1] != "=":
        return whole
    on_key = err.startswith("unknown") or err.startswith("key ")
    start, end = (tok.col, tok.col + len(key)) if on_key else (tok.col + len(key) + 1, tok.end_col)
    if start == end:
        return whole
    return (whole[0], start, whole[2], end)


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
