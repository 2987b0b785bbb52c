"""The semantic model of go.mod and go.work files (x/mod's modfile.File and WorkFile).

Each node points back at the syntax `Line` it came from, so every fact has a position.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gomodls.module.paths import ModuleVersion
from gomodls.syntax.tree import Block, FileSyntax, Line


@dataclass(eq=False, slots=True)
class Module:
    mod: ModuleVersion
    deprecated: str
    syntax: Line
    block: Block | None = None


@dataclass(eq=False, slots=True)
class Go:
    version: str
    syntax: Line


@dataclass(eq=False, slots=True)
class Toolchain:
    name: str
    syntax: Line


@dataclass(eq=False, slots=True)
class Godebug:
    key: str
    value: str
    syntax: Line
    block: Block | None = None


# Require.flags
INDIRECT, CANONICAL = 1, 2


@dataclass(eq=False, slots=True, init=False)
class Require:
    """`indirect`; `canonical`: written as Go writes it, an unquoted path and a canonical
    version (checks of the written form skip it; a file of 100,000 requirements is checked at
    every keystroke). The two flags share one small int (`flags`): a slot less a requirement."""

    mod: ModuleVersion
    syntax: Line
    block: Block | None
    flags: int

    def __init__(
        self,
        mod: ModuleVersion,
        indirect: bool = False,
        syntax: Line = None,  # type: ignore[assignment]
        block: Block | None = None,
        canonical: bool = False,
        flags: int | None = None,  # (for dataclasses.replace)
    ) -> None:
        self.mod = mod
        self.syntax = syntax
        self.block = block
        self.flags = indirect | (canonical << 1) if flags is None else flags

    @property
    def indirect(self) -> bool:
        return bool(self.flags & 1)

    @indirect.setter
    def indirect(self, value: bool) -> None:
        self.flags = (self.flags & 2) | bool(value)

    @property
    def canonical(self) -> bool:
        return bool(self.flags & 2)


@dataclass(eq=False, slots=True)
class Exclude:
    mod: ModuleVersion
    syntax: Line
    block: Block | None = None
    canonical: bool = False  # as Require.canonical


@dataclass(eq=False, slots=True)
class Replace:
    old: ModuleVersion
    new: ModuleVersion
    syntax: Line
    block: Block | None = None


@dataclass(eq=False, slots=True)
class Retract:
    low: str
    high: str
    rationale: str
    syntax: Line
    block: Block | None = None


@dataclass(eq=False, slots=True)
class Tool:
    path: str
    syntax: Line
    block: Block | None = None


@dataclass(eq=False, slots=True)
class Ignore:
    path: str
    syntax: Line
    block: Block | None = None


@dataclass(eq=False, slots=True)
class Use:
    path: str
    syntax: Line
    block: Block | None = None
    module_path: str = ""  # x/mod's Use.ModulePath; the go command never fills it in


@dataclass(eq=False, slots=True)
class ModFile:
    syntax: FileSyntax
    module: Module | None = None
    go: Go | None = None
    toolchain: Toolchain | None = None
    godebug: list[Godebug] = field(default_factory=list)
    require: list[Require] = field(default_factory=list)
    exclude: list[Exclude] = field(default_factory=list)
    replace: list[Replace] = field(default_factory=list)
    retract: list[Retract] = field(default_factory=list)
    tool: list[Tool] = field(default_factory=list)
    ignore: list[Ignore] = field(default_factory=list)
    # The requirements as the memoised parse produced them, in order: (part, its requirements),
    # where a part is a chunk of block lines or a lone requirement, the same object in the next
    # parse when its lines did not change (modfile/requireindex.py follows edits by these).
    # None when the parse was not memoised.
    require_parts: list[tuple[object, list[Require]]] | None = None

    @property
    def module_path(self) -> str:
        return self.module.mod.path if self.module else ""


@dataclass(eq=False, slots=True)
class WorkFile:
    syntax: FileSyntax
    go: Go | None = None
    toolchain: Toolchain | None = None
    godebug: list[Godebug] = field(default_factory=list)
    use: list[Use] = field(default_factory=list)
    replace: list[Replace] = field(default_factory=list)
