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

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gomodls.module import semver
from gomodls.module.errors import GoError, InvalidVersionError, version_error
from gomodls.module.paths import ModuleVersion, canonical_version, check_path_major, split_path_version

if TYPE_CHECKING:
    from gomodls.modfile.model import ModFile


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


class TooManyMissing(Exception):
    """A run of `load` given `max_missing` has met more missing go.mod files than that: it
    stops there instead of walking the rest (its NotLoaded would name them all, and a caller
    that gives up past that many need not wait for it: a round over 100,000 missing go.mod
    files took seconds and ~70 MB, only to be refused)."""

    def __init__(self, missing: int) -> None:
        super().__init__(f"over {missing} go.mod files missing")
        self.missing = missing


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
        super().__init__()

    def __str__(self) -> str:
        # (written when asked for, not at each raise: sorting and joining 100,000 names holds
        # the interpreter lock for tens of milliseconds in one C call, in a server's thread)
        names = sorted(map(str, self.missing)) + [f"{m} (.info)" for m in sorted(self.missing_info)]
        return f"not loaded yet: {', '.join(names)}"

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
        requires=tuple([r.mod for r in f.require]),  # (the model's ModuleVersions, shared)
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
    fast = _plain_summary(text)
    if fast is not None:
        return fast
    from gomodls.modfile.parsed import FileKind, parse_text

    parsed = parse_text(text, FileKind.MOD, name, strict=False)
    errors = parsed.go_errors
    if errors:
        msg = "parsing {}: {}".format(name, "\n".join(e.go_string(name) for e in errors))
        err: GoError = GoError(msg)
        if mv is not None:
            err = version_error(mv.path, mv.version, err)
        raise LoadError(err, fetched=True)
    model = parsed.model
    return summary_from_modfile(model)  # type: ignore[arg-type]


# A resolution reads hundreds of dependency go.mod files; the full parser (a lossless syntax tree
# and the model) costs ten times what their summary needs. Most of them are plain: a module
# line, a go line, requirements and directives ParseLax ignores, in tokens without quotes,
# brackets or odd characters. `_plain_summary` reads exactly those and gives up (None: use the
# full parser) at anything else, so the summary is always the one ParseLax gives.
_PLAIN_CODE = re.compile(r"[A-Za-z0-9._~/+!@=>()\t -]*\Z")
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9._~/+!@=>()\t\n -]*\Z")
_GO_VERSION = re.compile(r"([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?\Z")
_LAX_VERBS = frozenset({"go", "module", "retract", "require", "ignore"})  # the rest: ignored


# Requirements repeat from file to file: each (path, version) is checked once.
_plain_requirements: dict[tuple[str, str], ModuleVersion | None] = {}


def _plain_requirement(args: list[str]) -> ModuleVersion | None:
    if len(args) != 2:
        return None
    key = (args[0], args[1])
    try:
        return _plain_requirements[key]
    except KeyError:
        pass
    path, version = key
    mv: ModuleVersion | None = ModuleVersion(path, version)
    if canonical_version(version) != version:
        mv = None  # (ParseLax would canonicalize it, or fail)
    else:
        _, major, ok = split_path_version(path)
        if not ok:
            mv = None
        else:
            try:
                check_path_major(version, major)
            except InvalidVersionError:
                mv = None
    if len(_plain_requirements) < 100_000:
        _plain_requirements[key] = mv
    return mv


def _plain_summary(text: str) -> ModSummary | None:
    # Without comments one match checks every character of the file.
    whole = "//" not in text
    if whole and not _PLAIN_TEXT.match(text):
        return None
    module: str | None = None
    go = ""
    requires: list[ModuleVersion] = []
    block: str | None = None  # the verb of the block being read
    for code in text.split("\n"):
        if not whole:
            code, comment, _ = code.partition("//")
            if comment and (module is None or (code and code[-1] not in " \t")):
                return None  # a comment that may say "Deprecated:", or "//" inside a token
            if not _PLAIN_CODE.match(code):
                return None
        tokens = code.split()
        if not tokens:
            continue
        parens = "(" in code or ")" in code
        if parens and any(len(t) > 1 and ("(" in t or ")" in t) for t in tokens):
            return None  # Go's lexer splits "require(" in two
        if block is not None:
            if parens:
                if tokens != [")"]:
                    return None
                block = None
            elif block == "require":
                mv = _plain_requirement(tokens)
                if mv is None:
                    return None
                requires.append(mv)
            continue
        verb = tokens[0]
        if parens:
            if len(tokens) != 2 or tokens[1] != "(" or (verb in _LAX_VERBS and verb != "require"):
                return None
            block = verb
        elif verb == "require":
            mv = _plain_requirement(tokens[1:])
            if mv is None:
                return None
            requires.append(mv)
        elif verb == "module":
            if module is not None or len(tokens) != 2:
                return None
            module = tokens[1]
        elif verb == "go":
            if go or len(tokens) != 2 or not _GO_VERSION.match(tokens[1]):
                return None
            go = tokens[1]
        elif verb in _LAX_VERBS:
            return None  # retract, ignore: the full parser
    if block is not None or module is None:
        return None
    return ModSummary(ModuleVersion(module, ""), go, "", tuple(requires))
