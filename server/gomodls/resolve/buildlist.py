"""The module graph of the main module(s): a port of modload's buildlist.go (Requirements,
ModuleGraph, readModGraph, expandGraph, updateRoots, updatePrunedRoots, updateUnprunedRoots,
convertPruning, overrideRoots) and of the go.mod summaries of modfile.go (goModSummary,
rawGoModSummary, summaryFromModFile), for `go list -m all` (no packages are loaded, so the
package-driven parts of updateRoots — pkgs, add, spot checks — are empty here).

`Loader` is the go command's modload.Loader state that the graph reads: the main modules, the
-mod mode, go.sum, and the memo of go.mod summaries (rawGoModSummaryCache, rawGoVersion).

Missing go.mod files: the source raises `NotLoaded`. Loading a graph goes on past it with what
it has (the missing module just has no known requirements), remembers it in `Loader.pending`,
and raises `NotLoaded` for all of them at the end of that graph load. The next run finds them
fetched and reaches one level deeper, so a driver needs about as many runs as the graph is deep.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from gomodls.base import foreground
from gomodls.base.foreground import paced
from gomodls.module import gover
from gomodls.module.errors import GoError, version_error
from gomodls.module.gover import mod_compare, mod_sort
from gomodls.module.paths import ModuleVersion
from gomodls.resolve import mvs
from gomodls.resolve.mainmods import MainModuleSet
from gomodls.resolve.messages import Messages
from gomodls.resolve.summary import (
    LoadError,
    ModSummary,
    NotLoaded,
    Retraction,
    Source,
    TooManyMissing,
    summary_from_modfile,
)

Pruning = Literal["pruned", "unpruned", "workspace"]
PRUNED: Pruning = "pruned"
UNPRUNED: Pruning = "unpruned"
WORKSPACE: Pruning = "workspace"


@lru_cache(maxsize=1024)
def go_compare(x: str, y: str) -> int:
    """gover.Compare, memoized (go.mod files repeat a handful of go versions)."""
    return gover.compare(x, y)


def pruning_for_go_version(go_version: str) -> Pruning:
    """Modules at go 1.17 or later list every dependency they need: their graphs are pruned."""
    if go_compare(go_version, gover.EXPLICIT_INDIRECT_VERSION) < 0:
        return UNPRUNED
    return PRUNED


def cmp_version(p: str, v1: str, v2: str) -> int:
    """modload.cmpVersion: gover.ModCompare, with "" (a main module) above every version.

    (Memoized, but for "none": the graph compares the same few versions over and over, while
    "none" against a version is the first sighting of a path, asked once per path and never
    again: 100,000 requirements filled the memo with 65,536 such entries, 13 MB kept for the
    session.)"""
    if v2 == "":
        return 0 if v1 == "" else -1
    if v1 == "":
        return 1
    if v1 == mvs.NONE:
        return mod_compare(p, v1, v2)
    return _mod_compare_memo(p, v1, v2)


@lru_cache(maxsize=1 << 16)
def _mod_compare_memo(p: str, v1: str, v2: str) -> int:
    return mod_compare(p, v1, v2)


class GoModDirtyError(GoError):
    """errGoModDirty: the go.mod needs an update that -mod=readonly forbids."""

    def __init__(self, mod_mode: str, explicit: bool, reason: str = "") -> None:
        super().__init__(mod_mode, explicit, reason)
        self.mod_mode, self.explicit, self.reason = mod_mode, explicit, reason

    def __str__(self) -> str:
        if self.explicit:
            return f"updates to go.mod needed, disabled by -mod={self.mod_mode}; to update it:\n\tgo mod tidy"
        if self.reason:
            return (
                f"updates to go.mod needed, disabled by -mod={self.mod_mode}\n\t({self.reason})\n"
                "\tto update it:\n\tgo mod tidy"
            )
        return "updates to go.mod needed; to update it:\n\tgo mod tidy"


class TooNewError(GoError):
    """gover.TooNewError: a go.mod or go.work needs a newer Go than the one emulated."""

    def __init__(self, what: str, go_version: str, local: str, gotoolchain: str = "") -> None:
        super().__init__(what, go_version)
        self.what, self.go_version, self.local, self.gotoolchain = what, go_version, local, gotoolchain

    def __str__(self) -> str:
        explain = ""
        if self.gotoolchain and self.gotoolchain != "auto":
            explain = "; GOTOOLCHAIN=" + self.gotoolchain
        return f"{self.what} requires go >= {self.go_version} (running go {self.local}{explain})"


@dataclass(frozen=True, slots=True)
class Summary:
    """modload.modFileSummary: a go.mod as the graph uses it."""

    module: ModuleVersion
    go_version: str = ""
    toolchain: str = ""
    pruning: Pruning = PRUNED  # Go's zero value; summaries of go.mod files always set it
    require: tuple[ModuleVersion, ...] = ()
    retract: tuple[Retraction, ...] = ()
    deprecated: str = ""


class Loader:
    """The modload.Loader state the module graph depends on (see the module docstring)."""

    def __init__(
        self,
        mms: MainModuleSet,
        source: Source,
        msgs: Messages,
        *,
        mod_mode: str,
        mod_explicit: bool = True,
        mod_reason: str = "",
        have_sum: Callable[[ModuleVersion], bool] | None = None,
        local_go: str = "1.27.3",
        gotoolchain: str = "",
        max_missing: int | None = None,
    ) -> None:
        self.mms = mms
        self.max_missing = max_missing  # TooManyMissing past this many pending go.mod files
        self.source = source
        self.msgs = msgs
        self.mod_mode = mod_mode
        self.mod_explicit = mod_explicit
        self.mod_reason = mod_reason
        self.have_sum = have_sum
        self.local_go = local_go
        self.gotoolchain = gotoolchain
        self.workspace = mms.work is not None
        # rawGoModSummaryCache: keyed by the module actually loaded (Go's form of the key).
        self._raw: dict[ModuleVersion, tuple[Summary | None, GoError | None]] = {}
        self._summaries: dict[ModuleVersion, tuple[Summary | None, GoError | None]] = {}
        # rawGoVersion: the go line of every go.mod read so far (first one wins, as LoadOrStore).
        self.raw_go_version: dict[ModuleVersion, str] = {}
        self.raw_go_version_log: list[ModuleVersion] = []  # the keys of go.mod files, as read
        self.pending: set[ModuleVersion] = set()  # source keys we need and do not have
        self.fetched: set[ModuleVersion] = set()  # actual modules whose go.mod file was obtained
        # The modules whose go.mod hash was checked (`required_sums` has go.sum's keys of them:
        # made once the load completes, not a key per module in every round of a large graph)
        self.required_go_mods: set[ModuleVersion] = set()

    # ----------------------------------------------------------------- settings

    @property
    def must_have_complete_requirements(self) -> bool:
        return self.mod_mode != "mod" and not self.workspace

    @property
    def must_have_sums(self) -> bool:
        return self.mod_mode == "readonly" and not self.workspace

    def go_mod_dirty(self) -> GoModDirtyError:
        return GoModDirtyError(self.mod_mode, self.mod_explicit, self.mod_reason)

    def too_new(self, what: str, go_version: str) -> TooNewError:
        return TooNewError(what, go_version, self.local_go, self.gotoolchain)

    def have_go_mod_sum(self, actual: ModuleVersion) -> bool:
        """modfetch.HaveSum for actual's go.mod (recorded in required_sums)."""
        self.required_go_mods.add(actual)
        return self.have_sum is None or self.have_sum(ModuleVersion(actual.path, actual.version + "/go.mod"))

    def required_sums(self) -> frozenset[ModuleVersion]:
        """The go.sum keys ("path", "version/go.mod") of the go.mod hashes checked."""
        return frozenset(ModuleVersion(m.path, m.version + "/go.mod") for m in self.required_go_mods)

    def source_key(self, actual: ModuleVersion) -> ModuleVersion:
        """The Source's key for the module actually loaded: (absolute dir, "") for directories."""
        if actual.version == "":
            return ModuleVersion(self.mms.replacement_dir(actual), "")
        return actual

    # ----------------------------------------------------------------- summaries

    def raw_go_mod_summary(self, m: ModuleVersion) -> tuple[Summary | None, GoError | None]:
        """rawGoModSummary: m's go.mod ignoring replacements and excludes. Raises NotLoaded."""
        if gover.is_toolchain(m.path):
            if m.path == "go" and gover.compare(m.version, gover.GO_STRICT_VERSION) >= 0:
                # go 1.21.3 requires toolchain go1.21.3.
                return Summary(m, require=(ModuleVersion("toolchain", "go" + m.version),)), None
            return Summary(m), None
        if m.version == "" and self.workspace and self.mms.contains(m.path):
            return self._summary_from(m, summary_from_modfile(self.mms.mod_files[m]))
        cached = self._raw.get(m)
        if cached is not None:
            return cached
        key = self.source_key(m)
        try:
            s = self.source(key)
        except NotLoaded as e:
            self.pending |= e.missing
            if self.max_missing is not None and len(self.pending) > self.max_missing:
                # (the round can only end in a NotLoaded naming all of them: a graph's walk
                # raises it whenever anything is pending, before any later error)
                raise TooManyMissing(len(self.pending)) from None
            raise
        except LoadError as e:
            err = e.err
            if m.version == "":
                err = version_error(m.path, m.version, err)
            if e.fetched:
                self.fetched.add(m)
            result: tuple[Summary | None, GoError | None] = (None, err)
        else:
            self.fetched.add(m)
            result = self._summary_from(m, s)
        self._raw[m] = result
        return result

    def _summary_from(self, m: ModuleVersion, s: ModSummary) -> tuple[Summary | None, GoError | None]:
        """summaryFromModFile."""
        require = list(s.requires)
        err: GoError | None = None
        if s.go:
            if m not in self.raw_go_version:
                self.raw_go_version[m] = s.go
                self.raw_go_version_log.append(m)
            pruning = pruning_for_go_version(s.go)
            if go_compare(s.go, gover.GO_STRICT_VERSION) >= 0:
                require.append(ModuleVersion("go", s.go))
                if go_compare(s.go, self.local_go) > 0:
                    err = self.too_new("module " + str(m), s.go)
        else:
            pruning = UNPRUNED
        summary = Summary(s.module, s.go, s.toolchain, pruning, tuple(require), s.retract, s.deprecated)
        return (None if err else summary), err

    def go_mod_summary(self, m: ModuleVersion) -> tuple[Summary | None, GoError | None]:
        """goModSummary: m's go.mod after replacement, checks and excludes. Raises NotLoaded.

        Memoized, except for the replacement lookup: Go repeats it at every call, and a lookup
        can print an error (conflicting workspace replacements) each time.
        """
        if m.version == "" and not self.workspace and self.mms.contains(m.path):
            raise AssertionError("internal error: goModSummary called on a main module")
        if gover.is_toolchain(m.path):
            return self.raw_go_mod_summary(m)
        actual = self.mms.resolve_replacement(m)
        cached = self._summaries.get(m)
        if cached is not None:
            return cached
        result = self._go_mod_summary(m, actual)
        self._summaries[m] = result
        return result

    def _go_mod_summary(
        self, m: ModuleVersion, actual: ModuleVersion
    ) -> tuple[Summary | None, GoError | None]:
        if self.must_have_sums and actual.version != "" and not self.have_go_mod_sum(actual):
            msg = f"missing go.sum entry for go.mod file; to add it:\n\tgo mod download {m.path}"
            return None, version_error(actual.path, actual.version, GoError(msg))
        summary, err = self.raw_go_mod_summary(actual)
        if err is not None or summary is None:
            return None, err
        if actual.version != "":
            # A directory replacement may declare any path; a module version may not.
            mpath = summary.module.path
            if mpath == "":
                return None, version_error(
                    actual.path, actual.version, GoError("parsing go.mod: missing module line")
                )
            if mpath not in (m.path, actual.path):
                return None, version_error(
                    actual.path,
                    actual.version,
                    GoError(
                        "parsing go.mod:\n"
                        f"\tmodule declares its path as: {mpath}\n"
                        f"\t        but was required as: {m.path}"
                    ),
                )
        for excluded in self.mms.excludes():
            if any(r in excluded for r in summary.require):
                summary = Summary(
                    summary.module,
                    summary.go_version,
                    summary.toolchain,
                    summary.pruning,
                    tuple(r for r in summary.require if r not in excluded),
                    summary.retract,
                    summary.deprecated,
                )
        return summary, None


# --------------------------------------------------------------------------- Requirements


class Requirements:
    """modload.Requirements: a logically immutable set of root requirements."""

    def __init__(
        self, ld: Loader, pruning: Pruning, roots: Sequence[ModuleVersion], direct: Iterable[str]
    ) -> None:
        roots = tuple(roots)
        if not any(m.path == "go" for m in roots):
            raise AssertionError("go: internal error: missing go root module")
        if pruning != WORKSPACE:
            if ld.workspace:
                raise AssertionError("in workspace mode, but pruning is not workspace in newRequirements")
            for i, m in enumerate(roots):
                if m.version == "" and ld.mms.contains(m.path):
                    raise AssertionError(
                        f"newRequirements called with untrimmed build list: rootModules[{i}]"
                    )
                if m.path == "" or m.version == "":
                    raise AssertionError(f"bad requirement: rootModules[{i}] = {m}")
        self.ld = ld
        self.pruning: Pruning = pruning
        self.root_modules = roots
        self.direct: frozenset[str] = frozenset(direct)
        self.max_root_version: dict[str, str] = {}
        for i, m in enumerate(paced(roots)):
            if i > 0:
                prev = roots[i - 1]
                if prev.path > m.path or (
                    prev.path == m.path and mod_compare(m.path, prev.version, m.version) > 0
                ):
                    raise AssertionError(f"newRequirements called with unsorted roots: {roots}")
            v = self.max_root_version.get(m.path)
            if v is not None and mod_compare(m.path, v, m.version) >= 0:
                continue
            self.max_root_version[m.path] = m.version
        if not self.max_root_version.get("go"):
            raise AssertionError('newRequirements called without a "go" version')
        self._graph: tuple[ModuleGraph, GoError | None] | None = None

    def go_version(self) -> str:
        return self.root_selected("go")[0]

    def root_selected(self, path: str) -> tuple[str, bool]:
        if self.ld.mms.contains(path):
            return "", True
        v = self.max_root_version.get(path)
        if v is not None:
            return v, True
        return "", False

    def has_redundant_root(self) -> bool:
        for i, m in enumerate(self.root_modules):
            if self.ld.mms.contains(m.path) or (i > 0 and m.path == self.root_modules[i - 1].path):
                return True
        return False

    @property
    def graph_loaded(self) -> bool:
        return self._graph is not None

    def graph(self) -> tuple[ModuleGraph, GoError | None]:
        """The graph of the roots, loaded once (raises NotLoaded while go.mod files are missing)."""
        if self._graph is None:
            self._graph = read_mod_graph(self.ld, self.pruning, self.root_modules, None)
        return self._graph

    def share_graph(self, other: Requirements) -> None:
        """Reuse other's loaded graph (the roots are the same)."""
        if other._graph is not None and self._graph is None:
            self._graph = other._graph


# --------------------------------------------------------------------------- ModuleGraph


class ModuleGraph:
    """modload.ModuleGraph: the requirement graph as loaded, with the errors met."""

    def __init__(self, g: mvs.Graph) -> None:
        self.g = g
        self.load_errors: dict[ModuleVersion, GoError | None] = {}  # loadCache: None = loaded fine
        self._build_list: list[ModuleVersion] | None = None

    def required_by(self, m: ModuleVersion) -> tuple[ModuleVersion, ...] | None:
        return self.g.required_by(m)

    def selected(self, path: str) -> str:
        return self.g.selected(path)

    def build_list(self) -> list[ModuleVersion]:
        if self._build_list is None:
            self._build_list = self.g.build_list()
        return self._build_list

    def find_error(self) -> GoError | None:
        path = self.g.find_path(lambda m: self.load_errors.get(m) is not None)
        if path:
            err = self.load_errors[path[-1]]
            assert err is not None
            return mvs.BuildListError(err, path, None)
        return None

    def all_roots_selected(self, ld: Loader) -> bool:
        if ld.workspace:
            roots: Sequence[ModuleVersion] = ld.mms.versions
        else:
            roots = self.g.required_by(ld.mms.single()) or ()
        return all(self.selected(m.path) == m.version for m in roots)


def read_mod_graph(
    ld: Loader,
    pruning: Pruning,
    roots: Sequence[ModuleVersion],
    unprune: dict[ModuleVersion, bool] | None,
) -> tuple[ModuleGraph, GoError | None]:
    """readModGraph: the graph from the roots, with graph pruning.

    Raises NotLoaded (after exploring everything reachable) if go.mod files are missing.
    """
    unprune = unprune or {}
    graph_roots = list(roots) if ld.workspace else list(ld.mms.versions)
    mg = ModuleGraph(mvs.Graph(cmp_version, graph_roots))
    if pruning != WORKSPACE:
        if ld.workspace:
            raise AssertionError("pruning is not workspace in workspace mode")
        mg.g.require(ld.mms.single(), roots)

    has_error = False
    # What was enqueued, by pruning, and the queue as two deques in step: no (module, pruning)
    # tuple per module (5.6 MB for 100,000 requirements, all enqueued at once).
    loading: dict[Pruning, set[ModuleVersion]] = {PRUNED: set(), UNPRUNED: set(), WORKSPACE: set()}
    queue: deque[ModuleVersion] = deque()
    queue_pruning: deque[Pruning] = deque()
    summaries: dict[ModuleVersion, Summary | None] = {}

    def load_one(m: ModuleVersion) -> Summary | None:
        nonlocal has_error
        if m in summaries:
            return summaries[m]
        try:
            summary, err = ld.go_mod_summary(m)
        except NotLoaded:
            summaries[m] = None  # pending: retried in the next run
            return None
        summaries[m] = summary
        mg.load_errors[m] = err
        if err is None and summary is not None:
            mg.g.require(m, summary.require)
        else:
            has_error = True
        return summary

    def enqueue(m: ModuleVersion, p: Pruning) -> None:
        if m.version == mvs.NONE:
            return
        seen = loading[p]
        if m in seen:
            # Unpruned loading follows cycles: each (module, pruning) is loaded once.
            return
        seen.add(m)
        queue.append(m)
        queue_pruning.append(p)

    def drain() -> None:
        while queue:
            foreground.pause()  # (in a server's thread: the editor's messages go first)
            m, p = queue.popleft(), queue_pruning.popleft()
            summary = load_one(m)
            if summary is None:
                continue  # the error is reported by find_error
            # A go.mod below go 1.17 does not list everything its packages need: load its
            # transitive requirements too. (And everything, in an unpruned graph.)
            next_pruning = UNPRUNED if p == UNPRUNED else summary.pruning
            for r in summary.require:
                if p != PRUNED or summary.pruning == UNPRUNED or unprune.get(r, False):
                    enqueue(r, next_pruning)

    for m in roots:
        enqueue(m, pruning)
    drain()

    if pruning == WORKSPACE:
        # Reload the dependencies of the main modules that are not at their selected versions:
        # their requirements do not reflect what the selected versions need.
        has_deps_in_all: set[str] = {m.path for m in roots}
        seen: set[ModuleVersion] = set()
        while True:
            needs: set[ModuleVersion] = set()
            for p in has_deps_in_all:
                m = ModuleVersion(p, mg.g.selected(p))
                if m not in seen:
                    needs.add(m)
                    continue
                for r in mg.g.required_by(m) or ():
                    s = ModuleVersion(r.path, mg.g.selected(r.path))
                    if mod_compare(r.path, s.version, r.version) > 0 and s not in seen:
                        needs.add(s)
            if not needs:
                break
            for m in needs:
                enqueue(m, WORKSPACE)
                seen.add(m)
                has_deps_in_all.add(m.path)
            drain()

    if ld.pending:
        raise NotLoaded(ld.pending)
    if has_error:
        return mg, mg.find_error()
    return mg, None


# --------------------------------------------------------------------------- root updates


def expand_graph(ld: Loader, rs: Requirements) -> tuple[Requirements, ModuleGraph, GoError | None]:
    """expandGraph: load the graph; if some root is not selected, make the roots consistent."""
    mg, mg_err = rs.graph()
    if mg_err is not None:
        return rs, mg, mg_err
    if not mg.all_roots_selected(ld):
        new_rs, rs_err = update_roots(ld, rs.direct, rs)
        if rs_err is not None:
            return rs, mg, rs_err
        rs = new_rs
        mg, mg_err = rs.graph()
    return rs, mg, mg_err


def update_roots(ld: Loader, direct: frozenset[str], rs: Requirements) -> tuple[Requirements, GoError | None]:
    """updateRoots, with no packages loaded and nothing to add."""
    if rs.pruning == UNPRUNED:
        return update_unpruned_roots(ld, direct, rs)
    if rs.pruning == PRUNED:
        return update_pruned_roots(ld, direct, rs)
    # Workspace: the roots do not change (only direct could); keep the loaded graph.
    new_rs = Requirements(ld, WORKSPACE, rs.root_modules, direct)
    new_rs.share_graph(rs)
    return new_rs, None


def update_pruned_roots(
    ld: Loader, direct: frozenset[str], rs: Requirements
) -> tuple[Requirements, GoError | None]:
    """updatePrunedRoots: every root once, at its selected version (no packages, nothing added)."""
    roots = list(rs.root_modules)
    roots_upgraded = False
    while True:
        mg: ModuleGraph | None = None
        if roots_upgraded:
            if ld.must_have_complete_requirements:
                # Changing the roots of a pruned module may change the selected versions.
                return rs, ld.go_mod_dirty()
            rs = Requirements(ld, PRUNED, roots, direct)
            mg, err = rs.graph()
            if err is not None:
                return rs, err
        elif rs.graph_loaded:
            mg = rs.graph()[0]
        # else: spotCheckRoots over the roots providing loaded packages — there are none.

        roots = []
        roots_upgraded = False
        in_root_paths = {m.path for m in ld.mms.versions}
        for m in rs.root_modules:
            if m.path in in_root_paths:
                continue  # a redundant copy: the selected version of the path is kept already
            v = mg.selected(m.path) if mg is not None else rs.root_selected(m.path)[0]
            roots.append(ModuleVersion(m.path, v))
            in_root_paths.add(m.path)
            if v != m.version:
                roots_upgraded = True
        if not roots_upgraded:
            if ld.mod_mode != "mod":
                # Only duplicates were removed: keep rs (and its graph).
                return rs, None
            break

    if rs.pruning == PRUNED and tuple(roots) == rs.root_modules and direct == rs.direct:
        return rs, None
    return Requirements(ld, PRUNED, roots, direct), None


class MvsReqs:
    """modload.mvsReqs: mvs.Reqs over go.mod summaries, the main module requiring `roots`."""

    def __init__(self, ld: Loader, roots: Sequence[ModuleVersion]) -> None:
        self.ld = ld
        self.roots = list(roots)

    def required(self, m: ModuleVersion) -> Sequence[ModuleVersion]:
        if m.version == "" and self.ld.mms.contains(m.path):
            return self.roots
        if m.version == mvs.NONE:
            return ()
        summary, err = self.ld.go_mod_summary(m)
        if err is not None:
            raise err
        assert summary is not None
        return summary.require

    def max(self, p: str, v1: str, v2: str) -> str:
        return v2 if cmp_version(p, v1, v2) < 0 else v1


def update_unpruned_roots(
    ld: Loader, direct: frozenset[str], rs: Requirements
) -> tuple[Requirements, GoError | None]:
    """updateUnprunedRoots: the direct paths and consistent versions as roots (nothing added)."""
    mg, err = rs.graph()
    if err is not None:
        return rs, err

    if ld.must_have_complete_requirements:
        # Only check that no update is needed; cosmetic changes are ignored (go.dev/issue/34822).
        for m in rs.root_modules:
            if m.version != mg.selected(m.path):
                return rs, ld.go_mod_dirty()
        for path in direct:
            if not rs.root_selected(path)[1]:
                return rs, ld.go_mod_dirty()
        return rs, None

    root_paths: list[str] = []
    in_root_paths: set[str] = set()
    for root in rs.root_modules:
        # A root still at its selected version stays, even if redundant, to avoid churn.
        if root.path not in in_root_paths and mg.selected(root.path) == root.version:
            root_paths.append(root.path)
            in_root_paths.add(root.path)
    keep = mg.build_list()[len(ld.mms.versions) :]
    for m in keep:
        if m.path in direct and m.path not in in_root_paths:
            root_paths.append(m.path)
            in_root_paths.add(m.path)

    roots: list[ModuleVersion] = []
    for main in ld.mms.versions:
        try:
            roots.extend(mvs.req(main, root_paths, MvsReqs(ld, keep)))
        except GoError as e:
            return rs, e
    if len(ld.mms.versions) > 1:
        roots = mod_sort(roots)
    if rs.pruning == UNPRUNED and tuple(roots) == rs.root_modules and direct == rs.direct:
        return rs, None
    return Requirements(ld, UNPRUNED, roots, direct), None


def convert_pruning(ld: Loader, rs: Requirements, pruning: Pruning) -> tuple[Requirements, GoError | None]:
    """convertPruning between pruned and unpruned graphs."""
    if rs.pruning == pruning:
        return rs, None
    if WORKSPACE in (rs.pruning, pruning):
        raise AssertionError("attempting to convert to/from workspace pruning and another pruning type")
    if pruning == UNPRUNED:
        return update_unpruned_roots(ld, rs.direct, rs)
    # Promoting every module of an unpruned build list to a root gives the same graph, pruned.
    mg, err = rs.graph()
    if err is not None:
        return rs, err
    return Requirements(ld, PRUNED, mg.build_list()[len(ld.mms.versions) :], rs.direct), None


def override_roots(ld: Loader, rs: Requirements, replace: Sequence[ModuleVersion]) -> Requirements:
    """overrideRoots: replace the roots of the given paths."""
    drop = {m.path for m in replace}
    roots = [m for m in rs.root_modules if m.path not in drop]
    roots.extend(replace)
    return Requirements(ld, rs.pruning, mod_sort(roots), rs.direct)
