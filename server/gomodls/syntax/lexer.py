"""The modfile lexer (x/mod read.go), one source line at a time.

Token rules, exactly as Go's: only space, tab and CR are whitespace; `( ) [ ] { } ,` are
punctuation even inside words; `//` ends an identifier and starts a comment; `/*` anywhere is an
error; `=>` is an ordinary identifier; strings are `"..."` (a backslash escapes anything, even the
newline) or back-quoted; every other rune must be printable. Where Go stops at the first error, this
lexer records it, skips the offending input and carries on, so later lines still get tokens.

Lexing works per line so an edit re-lexes only the lines it touches. The one construct that spans
lines, a string whose line ends in a backslash, is joined with the following line(s).
"""

from __future__ import annotations

import re

from gomodls.base.gostr import all_print, quote_rune, rune_is_print
from gomodls.syntax.tree import (
    IN_TOKEN,
    RUN,
    TOKEN_START,
    BareLine,
    Comment,
    LexedLine,
    LineBase,
    LineKind,
    PlainLine,
    SourceLine,
    SpanToken,
    SyntaxProblem,
    Token,
    TokenKind,
)

# One token per match, skipping the whitespace in front of it.
_TOKEN = re.compile(
    r"""[ \t\r]*(?:
      (?P<comment>//.*)
     |(?P<punct>[()\[\]{},])
     |(?P<string>"(?:[^"\\\n]|\\[\s\S])*"|`[^`\n]*`)
     |(?P<ident>(?:[^\s()\[\]{},/"`]|/(?![/*]))(?:[^\s()\[\]{},/]|/(?![/*]))*)
     |(?P<other>[\s\S])
    )""",
    re.X,
)
_BLANK = re.compile(r"[ \t\r]*\Z")

_INDIRECT = "// indirect"
MSG_SLASH_STAR = "mod files must use // comments (not /* */ comments)"
MSG_NEWLINE_IN_STRING = "unexpected newline in string"


_IDENT, _PUNCT, _STRING = TokenKind.IDENT, TokenKind.PUNCT, TokenKind.STRING
_LINE, _COMMENT, _BLANK_KIND = LineKind.LINE, LineKind.COMMENT, LineKind.BLANK
# A code part made of these alone (printable ASCII but for punctuation and quotes; tab, CR),
# without `/*`, needs no careful scanning. (One character class matched at once: searching for
# the others, with `/*` as an alternative, cost half of lexing a plain line.)
_PLAIN_CODE = re.compile(r"[\t\r !#-'*+\-./0-9:-Z\\^_a-z|~]*\Z")


def lex_lines(texts: list[str], first_line: int, at_eof: bool) -> list[SourceLine]:
    """Lex physical lines `texts` (without newlines) that start at line `first_line`.

    `at_eof` says whether the last of them ends the file (no newline follows it), which decides
    between Go's "unexpected EOF in string" and "unexpected newline in string".
    """
    out: list[SourceLine] = []
    append = out.append
    i, n = 0, len(texts)
    line_no = first_line
    base = LineBase(line_no)  # (the numbers of a run of lines: see LineBase)
    end = line_no + RUN
    while i < n:
        if line_no >= end:
            base = LineBase(line_no)
            end = line_no + RUN
        text = texts[i]
        # Fast path, inline because it runs for nearly every line: plain ASCII words and
        # maybe a comment: no punctuation, quotes or control characters (a plain line, see
        # SourceLine: its tokens are made from the text when first asked for).
        cut = text.find("//")
        code = text if cut < 0 else text[:cut]
        if _PLAIN_CODE.match(code) and "/*" not in code:
            # (the words now, while the code is at hand: SourceLine.words; the tokens later)
            words = tuple(code.split())
            if cut >= 0:
                # (the comment's text only: SourceLine.comment makes the Comment when asked for)
                body = text[cut:].removesuffix("\r")
                if body == _INDIRECT:  # (one string for the many `// indirect` of a large file)
                    body = _INDIRECT
                if words:  # (a PlainLine: it is its own Line if it is in a block)
                    append(PlainLine(line_no, text, words, body, base))
                else:
                    append(BareLine(line_no, text, _COMMENT, words, body, base))
            elif words:
                append(PlainLine(line_no, text, words, None, base))
            else:
                append(BareLine(line_no, text, _BLANK_KIND, words, None, base))
            line_no += 1
            i += 1
            continue
        j = i
        src = lex_line(text, line_no, at_eof=at_eof and i == n - 1, base=base)
        # A string left open by a backslash at the end of the line goes on to the next line.
        while j + 1 < n and src.lex_errors and escapes_newline(src):
            j += 1
            src = lex_line("\n".join(texts[i : j + 1]), line_no, at_eof=at_eof and j == n - 1, base=base)
        append(src)
        line_no += j - i + 1
        i = j + 1
    return out


def escapes_newline(src: SourceLine) -> bool:
    """Whether `src` ends inside a double-quoted string whose last backslash escapes the newline."""
    if not src.lex_errors or src.lex_errors[-1].message != MSG_NEWLINE_IN_STRING:
        return False
    text = src.text
    last = src.tokens[-1]
    trailing = len(text) - len(text.rstrip("\\"))
    return last.text.startswith('"') and trailing % 2 == 1


def lex_line(text: str, line_no: int, at_eof: bool, base: LineBase | None = None) -> SourceLine:
    src = LexedLine(line_no, text, LineKind.BLANK, [], None, base)
    if _BLANK.match(text):
        return src
    problems: list[SyntaxProblem] = []
    tokens, comment = _scan(text, problems, at_eof, src)
    if problems:
        src.lex_errors = problems
    src.tokens = tokens
    src.comment = comment
    src.kind = _classify(tokens, comment)
    return src


def _scan(
    text: str, problems: list[SyntaxProblem], at_eof: bool, src: SourceLine
) -> tuple[list[Token], Comment | None]:
    tokens: list[Token] = []
    comment: Comment | None = None
    # Trailing whitespace ends the line: without this bound the pattern would backtrack a final
    # CR out of the whitespace run and report it as a bad character.
    pos, n = 0, len(text.rstrip(" \t\r"))
    while pos < n:
        m = _TOKEN.match(text, pos, n)
        kind = m.lastgroup if m else None
        if m is None or kind is None:
            break
        start = m.start(kind)
        end = m.end()
        if kind == "comment":
            # Go drops the newline (and a CR before it) from comment tokens.
            body = text[start:].removesuffix("\r")
            comment = Comment(body, _col(text, start), src, suffix=bool(tokens))
            if "\n" in text:
                comment.row = text.count("\n", 0, start)
            break
        if kind == "punct":
            tokens.append(_token(TokenKind.PUNCT, text, start, end, src))
        elif kind == "string":
            tokens.append(_string_token(text, start, end, src))
        elif kind == "ident":
            word = text[start:end]
            if not all_print(word):
                bad = start + next(i for i, c in enumerate(word) if not rune_is_print(c))
                if bad > start:
                    tokens.append(_token(TokenKind.IDENT, text, start, bad, src))
                problems.append(
                    _problem(f"unexpected input character {quote_rune(text[bad])}", text, src, bad)
                )
                end = bad + 1
            else:
                tokens.append(_token(TokenKind.IDENT, text, start, end, src))
        else:
            end = _lex_error(text, start, problems, at_eof, tokens, src)
        pos = end
    return tokens, comment


def _lex_error(
    text: str,
    start: int,
    problems: list[SyntaxProblem],
    at_eof: bool,
    tokens: list[Token],
    src: SourceLine | None,
) -> int:
    """Record the error at `start` and return where lexing resumes."""
    ch = text[start]
    if text.startswith("/*", start):
        # Inside a word, Go finds `/*` while still reading that word (read.go readToken).
        glued = (
            bool(tokens) and tokens[-1].kind is TokenKind.IDENT and tokens[-1].end_col == _col(text, start)
        )
        problems.append(_problem(MSG_SLASH_STAR, text, src, start, IN_TOKEN if glued else TOKEN_START))
        close = text.find("*/", start + 2)
        return len(text) if close < 0 else close + 2
    if ch in '"`':
        # An unterminated string: Go reports the newline (at its column) or, at the end of the
        # file, the start of the string. Recover by ending the string at the end of the line.
        if at_eof:
            problems.append(_problem("unexpected EOF in string", text, src, start))
        else:
            problems.append(_problem(MSG_NEWLINE_IN_STRING, text, src, len(text), IN_TOKEN))
        tokens.append(
            Token(TokenKind.STRING, text[start:] + ch, _col(text, start), _col(text, len(text)), src)
        )
        return len(text)
    problems.append(_problem(f"unexpected input character {quote_rune(ch)}", text, src, start))
    return start + 1


def _token(kind: TokenKind, text: str, start: int, end: int, src: SourceLine | None) -> Token:
    if "\n" in text:
        row = text.count("\n", 0, start)
        return SpanToken(kind, text[start:end], _col(text, start), _col(text, end), src, row, row)
    return Token(kind, text[start:end], start, end, src)


def _string_token(text: str, start: int, end: int, src: SourceLine | None) -> Token:
    if "\n" in text:
        row = text.count("\n", 0, start)
        end_row = row + text.count("\n", start, end)
        return SpanToken(
            TokenKind.STRING, text[start:end], _col(text, start), _col(text, end), src, row, end_row
        )
    return Token(TokenKind.STRING, text[start:end], start, end, src)


def _col(text: str, index: int) -> int:
    """Column of `index` within its physical line (only multi-line text has newlines)."""
    nl = text.rfind("\n", 0, index)
    return index - nl - 1


def _problem(
    message: str, text: str, src: SourceLine | None, index: int, order: int = TOKEN_START
) -> SyntaxProblem:
    row = text.count("\n", 0, index)
    col = _col(text, index)
    end = min(index + 1, len(text))
    return SyntaxProblem(message, col, max(col, _col(text, end)), order, src, row, row)


def _is_punct(tok: Token, ch: str) -> bool:
    return tok.kind is TokenKind.PUNCT and tok.text == ch


def _classify(tokens: list[Token], comment: Comment | None) -> LineKind:
    """The grammar terminal for a line, following parseStmt: the first token is taken as is;
    a later `(` followed by the end of the line opens a block; `( )` there is an empty block."""
    if not tokens:
        return LineKind.COMMENT if comment else LineKind.BLANK
    closes = _is_punct(tokens[0], ")")
    n = len(tokens)
    if n >= 2 and _is_punct(tokens[-1], "("):
        return LineKind.RP_OPEN if closes else LineKind.OPEN
    if n >= 3 and _is_punct(tokens[-2], "(") and _is_punct(tokens[-1], ")"):
        return LineKind.RP_EMPTY if closes else LineKind.EMPTY
    return LineKind.CLOSE if closes else LineKind.LINE
