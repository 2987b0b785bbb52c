"""What the checks produce: findings with a range, a stable code, a severity, Go's wording
where Go has one, and the fixes that apply. No LSP types here: the LSP layer converts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum, IntEnum, auto

from gomodls.base.textedit import Range, TextEdit

__all__ = ["Action", "Advisory", "Finding", "Fix", "LazyEdits", "Related", "Severity", "TextEdit"]


class Severity(IntEnum):
    # The LSP's numbering, so conversion is a cast.
    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class Action(Enum):
    """What a fix asks for where text edits cannot do it. The LSP layer runs each as one of
    its commands (lsp/commands.py); the arguments travel with the fix."""

    UPGRADE = auto()  # argument: {"uri", "version", "targets": {path: version}}
    OPEN_MODULE = auto()  # argument: a module path, opened on pkg.go.dev
    TIDY = auto()  # argument: the go.mod path
    VENDOR = auto()  # argument: the go.mod path


class LazyEdits(Mapping[str, list[TextEdit]]):
    """A fix's edits, computed the first time they are looked at. Some fixes cost a reprint of
    go.mod or a re-sort of go.sum; their findings are published on every keystroke, but the edits
    are wanted only when a code action asks for them."""

    __slots__ = ("_compute", "_edits")

    def __init__(self, compute: Callable[[], dict[str, list[TextEdit]]]) -> None:
        self._compute: Callable[[], dict[str, list[TextEdit]]] | None = compute
        self._edits: dict[str, list[TextEdit]] = {}

    def _get(self) -> dict[str, list[TextEdit]]:
        if self._compute is not None:
            self._edits, self._compute = self._compute(), None
        return self._edits

    def __getitem__(self, path: str) -> list[TextEdit]:
        return self._get()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


@dataclass(frozen=True, slots=True)
class Fix:
    """Edits to files, or an action for what text edits cannot do (running go mod vendor)."""

    title: str
    edits: Mapping[str, list[TextEdit]]  # file path -> edits in that file
    preferred: bool = False
    action: tuple[Action, list[object]] | None = None
    disabled: str = ""  # why the fix cannot be applied yet (shown by editors that can)


@dataclass(frozen=True, slots=True)
class Related:
    path: str
    range: Range
    message: str


@dataclass(frozen=True, slots=True)
class Advisory:
    """A published advisory a finding reports (a Go vulnerability database entry)."""

    id: str
    summary: str
    url: str
    aliases: tuple[str, ...] = ()


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
    # Where the go command puts that error, 0-based (line, col); col 0: go prints no column (it
    # names the start of the statement, or the line alone), while `range` is the text at fault.
    go_position: tuple[int, int] | None = None
    advisories: list[Advisory] = field(default_factory=list)  # the vulnerabilities reported
