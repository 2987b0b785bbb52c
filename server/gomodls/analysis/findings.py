"""What the checks produce: findings with a range, a stable code, a severity, Go's wording
where Go has one, and the fixes that apply. No LSP types here: the LSP layer converts."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from gomodls.base.textedit import Range, TextEdit

__all__ = ["Finding", "Fix", "Related", "Severity", "TextEdit"]


class Severity(IntEnum):
    # The LSP's numbering, so conversion is a cast.
    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Fix:
    """Edits to files, or a command for what text edits cannot do (running go mod vendor)."""

    title: str
    edits: dict[str, list[TextEdit]]  # file path -> edits in that file
    preferred: bool = False
    command: tuple[str, list[object]] | None = None


@dataclass(frozen=True, slots=True)
class Related:
    path: str
    range: Range
    message: str


@dataclass(slots=True)
class Finding:
    range: Range
    severity: Severity
    code: str
    message: str
    fixes: list[Fix] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    unnecessary: bool = False  # the text has no effect (editors fade it)
    deprecated: bool = False  # names something deprecated (editors strike it through)
    go: bool = False  # one of the errors the go command itself reports for this file (`go mod edit`)
