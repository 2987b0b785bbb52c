"""What the module graph needs from one go.mod file, and how a source of go.mod files answers.

A `Source` maps the module actually loaded (after replacement) to its `ModSummary`:

* ``(path, version)`` for a module served by a proxy or found in the module cache;
* ``(absolute_dir, "")`` for a directory replacement (the summary of ``absolute_dir/go.mod``).

It raises `NotLoaded` when that go.mod is not available yet (the driver fetches it and runs the
pure algorithm again) and `LoadError` when getting it failed for good. `LoadError.err` is the Go
error value: for proxy modules what the go command's fetcher returns (a `ModuleError`
``path@version: reading URL: ...``, printed as is); for directories the bare message
(``reading ../x/go.mod: ...``), which the graph wraps as Go does (``module ../x: ...``).

The summary carries the raw go.mod facts only (as modfile.ParseLax reads them); everything the
go command derives from them — the implicit ``go`` requirement of go >= 1.21 files, pruning, the
"module declares its path" and "missing module line" checks, excludes — is done by the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.module import semver
from gomodls.module.errors import GoError, version_error
from gomodls.module.paths import ModuleVersion


@dataclass(frozen=True, slots=True)
class Retraction:
    """One retract directive: the interval [low, high] and its rationale."""

    low: str
    high: str
    rationale: str = ""

    def covers(self, version: str) -> bool:
        return semver.compare(self.low, version) <= 0 <= semver.compare(self.high, version)


@dataclass(frozen=True, slots=True)
class ModSummary:
    """modload.modFileSummary before the go command's derivations (see the module docstring)."""

    module: ModuleVersion  # the module line: (path, ""); path "" if the file has none
    go: str = ""  # the go line's version, "" if none
    toolchain: str = ""
    requires: tuple[ModuleVersion, ...] = ()
    retract: tuple[Retraction, ...] = ()
    deprecated: str = ""
    ignore: tuple[str, ...] = ()


class NotLoaded(Exception):
    """Inputs that are not available yet: go.mod files (`missing`, Source keys) and proxy
    .info files (`missing_info`).

    A Source (or info callback) raises it for one module; `load` raises it once with everything
    it needs next.
    """

    def __init__(
        self,
        missing: ModuleVersion | Iterable[ModuleVersion] = (),
        missing_info: Iterable[ModuleVersion] = (),
    ) -> None:
        if isinstance(missing, ModuleVersion):
            missing = (missing,)
        self.missing: frozenset[ModuleVersion] = frozenset(missing)
        self.missing_info: frozenset[ModuleVersion] = frozenset(missing_info)
        names = sorted(map(str, self.missing)) + [f"{m} (.info)" for m in sorted(self.missing_info)]
        super().__init__(f"not loaded yet: {', '.join(names)}")

    @property
    def mv(self) -> ModuleVersion:
        """One of the missing modules (the smallest, for determinism)."""
        return min(self.missing | self.missing_info)


class LoadError(Exception):
    """Getting a go.mod failed for good; `err` is the Go error (see the module docstring).

    `fetched` says that the file itself was obtained (it is in the module cache) but could not
    be used, e.g. it does not parse: `go list -m` still shows its cache path then.
    """

    def __init__(self, err: GoError | str, *, fetched: bool = False) -> None:
        self.err: GoError = err if isinstance(err, GoError) else GoError(err)
        self.fetched = fetched
        super().__init__(str(self.err))

    def __str__(self) -> str:
        return str(self.err)


Source = Callable[[ModuleVersion], ModSummary]


def summary_from_modfile(f: ModFile) -> ModSummary:
    """The summary of a parsed go.mod (strict or lax)."""
    return ModSummary(
        module=ModuleVersion(f.module.mod.path, "") if f.module else ModuleVersion("", ""),
        go=f.go.version if f.go else "",
        toolchain=f.toolchain.name if f.toolchain else "",
        requires=tuple(ModuleVersion(r.mod.path, r.mod.version) for r in f.require),
        retract=tuple(Retraction(r.low, r.high, r.rationale) for r in f.retract),
        deprecated=f.module.deprecated if f.module else "",
        ignore=tuple(i.path for i in f.ignore),
    )


def summary_from_text(text: str, mv: ModuleVersion | None = None, name: str = "go.mod") -> ModSummary:
    """Parse a dependency's go.mod like the go command (modfile.ParseLax) into a summary.

    On a parse error raises `LoadError` with rawGoModSummary's message,
    ``parsing NAME: NAME:LINE:COL: ...``, wrapped as ``path@version: ...`` when `mv` is given
    (pass it for proxy modules; leave it out for directory replacements, see the module
    docstring). NAME is the file name the go command prints: "go.mod" for proxy modules, the
    path relative to the working directory (if shorter) for directories.
    """
    parsed = parse_text(text, FileKind.MOD, name, strict=False)
    errors = parsed.go_errors
    if errors:
        msg = "parsing {}: {}".format(name, "\n".join(e.go_string(name) for e in errors))
        err: GoError = GoError(msg)
        if mv is not None:
            err = version_error(mv.path, mv.version, err)
        raise LoadError(err, fetched=True)
    model = parsed.model
    assert isinstance(model, ModFile)
    return summary_from_modfile(model)
