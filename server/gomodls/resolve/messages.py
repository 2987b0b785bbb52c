"""What the go command prints on stderr while loading, and how it stops.

`Messages` collects the lines in order. `errorf` is base.Errorf (the command goes on but exits
with status 1), `warn` a plain stderr line that does not change the status (the "dropping
requirement on excluded version" notes), and `fatal` is base.Fatalf: it records the line and
raises `Fatal`, which `load` catches.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Fatal(Exception):
    """base.Fatalf: the go command stops here (the message is already recorded)."""


@dataclass(frozen=True, slots=True)
class Message:
    text: str  # what the go command prints, without the final newline (may span lines)
    error: bool  # False for notes that do not change the exit status


@dataclass
class Messages:
    lines: list[Message] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(m.error for m in self.lines)

    def warn(self, text: str) -> None:
        self.lines.append(Message(text, False))

    def errorf(self, text: str) -> None:
        self.lines.append(Message(text, True))

    def error(self, err: object) -> None:
        """base.Error: "go: " and the error's text."""
        self.errorf(f"go: {err}")

    def fatal(self, text: str) -> Fatal:
        self.errorf(text)
        return Fatal(text)

    def stderr(self) -> str:
        return "".join(m.text + "\n" for m in self.lines)
