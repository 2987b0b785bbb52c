"""What `go list -m all` computes (`list.load`): the build list as `ModuleInfo`s with the
fields of `go list -m -json`, the go command's messages, what it would write to go.mod
(`GoModUpdate`), and the module graph it read, with the requirement chains `gomodls why` shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from gomodls.module.paths import ModuleVersion
from gomodls.resolve import mvs
from gomodls.resolve.buildlist import ModuleGraph
from gomodls.resolve.messages import Message


class RevInfo(Protocol):
    """What `go list -m` uses of a proxy's .info (gomodls.resolve.fetch.Info has this shape)."""

    @property
    def version(self) -> str: ...

    @property
    def time(self) -> str: ...


InfoSource = Callable[[ModuleVersion], RevInfo]


@dataclass
class ModuleInfo:
    """One module of `go list -m -json` (modinfo.ModulePublic, the fields `go list -m all`
    fills without -u/-versions/-retracted), plus what a renderer needs for the rest.

    `cache_mod` is the module version whose module-cache files Go would show: GoMod (when
    `go_mod_fetched`: the .mod file is in the cache because this run read it), Dir (only if the
    module's zip is extracted there), GoModSum/Sum (from go.sum) — when `sum_ok_mod` /
    `sum_ok_zip` (the -mod=readonly go.sum checks pass).
    """

    path: str
    version: str = ""
    replace: ModuleInfo | None = None
    time: str = ""  # as Go prints it (RFC 3339, nanoseconds trimmed); "" if unknown
    main: bool = False
    indirect: bool = False
    dir: str = ""  # main modules and directory replacements
    go_mod: str = ""  # main modules and directory replacements
    go_version: str = ""
    error: str = ""
    cache_mod: ModuleVersion | None = None
    go_mod_fetched: bool = False
    sum_ok_mod: bool = True
    sum_ok_zip: bool = True

    @property
    def module_version(self) -> ModuleVersion:
        return ModuleVersion(self.path, self.version)


@dataclass(frozen=True)
class GoModUpdate:
    """What the go command makes of the main go.mod (UpdateGoModFromReqs): the go line, the
    toolchain line (None: none), and the requirements with their "// indirect" marks."""

    go: str | None
    toolchain: str | None
    require: tuple[tuple[ModuleVersion, bool], ...]
    dirty: bool  # differs meaningfully from the file (modFileIsDirty): -mod=mod rewrites it


@dataclass
class Result:
    """The outcome of `go list -m all` (see the module docstring)."""

    messages: list[Message]
    modules: list[ModuleInfo] = field(default_factory=list)
    roots: tuple[ModuleVersion, ...] = ()
    direct: frozenset[str] = frozenset()
    pruning: str = ""
    go_mod_update: GoModUpdate | None = None
    required_sums: frozenset[ModuleVersion] = frozenset()
    graph: ModuleGraph | None = None
    workspace: bool = False
    _parents: dict[ModuleVersion, ModuleVersion | None] | None = None
    _replacement: Callable[[ModuleVersion], ModuleVersion] | None = None
    _go_mods_read: frozenset[ModuleVersion] | None = None

    @property
    def ok(self) -> bool:
        """Whether the go command would succeed (exit status 0)."""
        return not any(m.error for m in self.messages)

    @property
    def stderr(self) -> str:
        return "".join(m.text + "\n" for m in self.messages)

    @property
    def errors(self) -> list[str]:
        return [m.text for m in self.messages if m.error]

    @property
    def build_list(self) -> list[ModuleVersion]:
        return [m.module_version for m in self.modules]

    @property
    def go_mod_dirty(self) -> bool:
        return self.go_mod_update is not None and self.go_mod_update.dirty

    def selected(self, path: str) -> str:
        """The selected version of path ("none" if it is not in the graph, "" for a main module)."""
        return self.graph.selected(path) if self.graph is not None else mvs.NONE

    def go_mods_read(self) -> frozenset[ModuleVersion]:
        """The go.mod files (replacements, not what they replace) whose requirements the graph
        holds: the go.mod hashes `go mod tidy` keeps in go.sum (keepSums)."""
        if self._go_mods_read is None:
            found: set[ModuleVersion] = set()
            if self.graph is not None and self._replacement is not None:
                mg, resolve = self.graph, self._replacement

                def visit(m: ModuleVersion) -> None:
                    if m.version and mg.required_by(m) is not None:
                        found.add(resolve(m))

                mg.g.walk_breadth_first(visit)
            self._go_mods_read = frozenset(found)
        return self._go_mods_read

    def chain(self, path: str) -> list[ModuleVersion]:
        """A shortest requirement chain from a main module to the selected version of path
        (main module first), [] if path is not in the graph. Each step is a requirement in the
        go.mod of the previous module (an edge of `go mod graph`); the last one names the
        selected version. The graph is the final one: under -mod=mod after the go command's
        root updates (a root raised to a higher version then imposes it itself); when the
        roots are inconsistent under -mod=readonly, the graph of the go.mod as written."""
        if self.graph is None:
            return []
        target = ModuleVersion(path, self.graph.selected(path))
        if self._parents is None:
            self._parents = self.graph.g.first_requires()
        if target not in self._parents:
            return []
        out = [target]
        parent = self._parents[target]
        while parent is not None:
            out.append(parent)
            parent = self._parents[parent]
        out.reverse()
        return out
