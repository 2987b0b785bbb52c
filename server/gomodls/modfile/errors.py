"""Errors in go.mod / go.work files, printed exactly as the go command prints them."""

from __future__ import annotations

from dataclasses import dataclass

from gomodls.base.textedit import Range
from gomodls.syntax.tree import SyntaxProblem, Token


@dataclass(slots=True)
class ModError:
    """One error: `message` is Go's text after the position (including any `verb path: `),
    (`line`, `col`) is where Go puts it, `range` is the offending text for editors."""

    message: str
    line: int
    col: int
    range: Range
    code: str

    def go_string(self, filename: str) -> str:
        """modfile.Error.Error(): the column is printed only when it is not the first one."""
        if self.col > 0:
            return f"{filename}:{self.line + 1}:{self.col + 1}: {self.message}"
        return f"{filename}:{self.line + 1}: {self.message}"


def syntax_error(problem: SyntaxProblem) -> ModError:
    return ModError(
        problem.message,
        problem.line,
        problem.col,
        (problem.line, problem.col, problem.end_line, problem.end_col),
        "syntax-error",
    )


def token_range(first: Token, last: Token | None = None) -> Range:
    last = last or first
    return (first.line, first.col, last.end_line, last.end_col)
