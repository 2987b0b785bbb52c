"""The build list of `go list -m all`, exactly as the go command (Go 1.27) computes it.

Pure: no I/O, no network, no asyncio. Everything the go command would read comes through
callbacks that either answer from memory or raise `NotLoaded`::

    result = load(mains, work, source, mod_mode="readonly", info=info, have_sum=have_sum)

* `mains`: the `MainModule`s (root directory + go.mod parsed strictly): one in module mode,
  the go.work `use` modules in order in workspace mode (`work` is then the `Workspace`).
* `source(mv) -> ModSummary`: the go.mod of the module actually loaded after replacement —
  ``(path, version)`` for proxy/cache modules, ``(absolute_dir, "")`` for directory
  replacements (see `gomodls.resolve.summary`).
* `info(mv) -> RevInfo` (optional): the proxy's ``.info`` (``.version``, ``.time``), which
  `go list -m` queries for every listed module version (the ``Time`` field); a `LoadError`
  there becomes the module's ``Error`` and fails the command, as in Go.
* `have_sum(key) -> bool` (optional): whether go.sum (or go.work.sum) has a hash for
  ``(path, version + "/go.mod")`` or ``(path, version)``; under -mod=readonly (outside
  workspaces) the go command refuses go.mod files without one. None means "all present".

When a callback raises `NotLoaded`, `load` keeps going with what it has and raises one
`NotLoaded` listing every go.mod (``missing``) and ``.info`` (``missing_info``) it needs next;
the driver fetches them concurrently and calls `load` again. Each run gets one requirement
level further, so the number of runs is about the depth of the graph; a run over hundreds of
modules takes milliseconds.

The `Result` (resolve/result.py) has the build list in `go list -m all` order with the fields of
`go list -m -json` (`ModuleInfo`), the messages the go command prints (errors with its exact
texts, and whether it fails), whether go.mod needs an update and what it would become
(`GoModUpdate`), the go.sum entries -mod=readonly requires, and one requirement chain per
selected version (`Result.chain`, for `gomodls why`). `gomodls.resolve.listjson` renders the
text and JSON output, and `go mod graph`.

Not modelled: vendoring (-mod=vendor), toolchain switching (the emulated go is `local_go`, as
with GOTOOLCHAIN=local), godebug checks, non-canonical versions in the main go.mod (Go queries
the proxy to fix them; pass `data_needs_fix` if you know one is there), and the parse errors of
the main go.mod and go.work files (report those before calling `load`; so are go.work `use`
lines naming the same directory twice). Where the go command's output depends on goroutine
scheduling we pick its usual outcome: the order of "conflicting replacements found" lines for
two different modules, and whether a replaced module's GoVersion comes from the original
version's go.mod when that version is read, as another module's replacement, only while
listing that other module: Go lists GOMAXPROCS modules at a time in build-list order, and we
assume that a module sees what the modules GOMAXPROCS or more places before it stored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gomodls.base.foreground import paced
from gomodls.base.gostr import quote
from gomodls.module import gover
from gomodls.module.errors import GoError, InvalidPathError
from gomodls.module.paths import ModuleVersion, canonical_version, check_import_path, split_path_version
from gomodls.module.paths import check_path_major as _check_path_major
from gomodls.module.pseudo import is_pseudo_version, pseudo_version_time
from gomodls.resolve.buildlist import (
    PRUNED,
    WORKSPACE,
    GoModDirtyError,
    Loader,
    ModuleGraph,
    Requirements,
    TooNewError,
    convert_pruning,
    expand_graph,
    override_roots,
    pruning_for_go_version,
    update_roots,
)
from gomodls.resolve.mainmods import (
    MainModule,
    ModFileIndex,
    Workspace,
    from_go_mod,
    from_go_work,
    index_mod_file,
    make_main_modules,
    mv,
    short_path,
)
from gomodls.resolve.messages import Fatal, Message, Messages
from gomodls.resolve.result import GoModUpdate, InfoSource, ModuleInfo, Result, RevInfo
from gomodls.resolve.summary import (
    LoadError,
    ModSummary,
    NotLoaded,
    Retraction,
    Source,
    TooManyMissing,
    summary_from_modfile,
    summary_from_text,
)

__all__ = [
    "GoModDirtyError",
    "GoModUpdate",
    "InfoSource",
    "LoadError",
    "MainModule",
    "Message",
    "ModSummary",
    "ModuleInfo",
    "NotLoaded",
    "Result",
    "Retraction",
    "RevInfo",
    "Source",
    "TooManyMissing",
    "TooNewError",
    "Workspace",
    "format_time",
    "load",
    "summary_from_modfile",
    "summary_from_text",
]

LOCAL_GO = "1.27.3"  # the go command this port follows


# --------------------------------------------------------------------------- checks of main files


def _read_main_modules(
    mains: Sequence[MainModule],
    work: Workspace | None,
    msgs: Messages,
    local_go: str,
    gotoolchain: str,
    cwd: str | None,
) -> tuple[list[str], dict[ModuleVersion, ModFileIndex]]:
    """loadModFile's loop over the main go.mod files (after parsing): the checks of
    ReadModFile and of workspace go versions, and indexModFile (whose conflicting
    replacements are fatal at once). Returns the errors and the indices."""
    errs: list[str] = []
    indices: dict[ModuleVersion, ModFileIndex] = {}
    for m in mains:
        f = m.model
        gomod = short_path(m.gomod, cwd)
        err = ""
        if f.go is not None and gover.compare(f.go.version, local_go) > 0:
            if work is not None:
                errs.append(_err_work_too_old(m, work, f.go.version, cwd))
                continue
            err = str(TooNewError(gomod, f.go.version, local_go, gotoolchain))
        elif f.module is None:
            err = (
                f"error reading {gomod}: missing module declaration. To specify the module path:\n"
                "\tgo mod edit -module=example.com/mod"
            )
        elif gover.is_toolchain(f.module.mod.path):
            err = f"error reading {gomod}: invalid module path: {quote(f.module.mod.path)}"
        if err:
            if work is not None:
                err = f"cannot load module {short_path(m.dir, cwd)} listed in go.work file: {err}"
            errs.append(err)
            continue
        if work is not None:
            mv_ = from_go_mod(f)
            wv = from_go_work(work.model)
            if gover.compare(mv_, wv) > 0 and gover.compare(mv_, gover.GO_STRICT_VERSION) >= 0:
                errs.append(_err_work_too_old(m, work, mv_, cwd))
                continue
        indices[m.version] = index_mod_file(f, msgs, m.data_needs_fix)
        try:
            check_import_path(f.module_path, "module")
        except InvalidPathError as e:
            errs.append(str(e))
    return errs, indices


def _err_work_too_old(m: MainModule, work: Workspace, go_version: str, cwd: str | None) -> str:
    verb = "lists" if work.model.go is not None else "implicitly requires"
    return (
        f"module {short_path(m.dir, cwd)} listed in go.work file requires go >= {go_version}, "
        f"but go.work {verb} go {from_go_work(work.model)}; to download and use go {go_version}:\n"
        "\tgo work use"
    )


# --------------------------------------------------------------------------- load


@dataclass
class _State:
    """What loadModFile changes in memory about the main go.mod (module mode)."""

    go: str | None  # the go line (None: none)


def load(
    mains: Sequence[MainModule],
    work: Workspace | None,
    source: Source,
    *,
    mod_mode: str = "readonly",
    mod_explicit: bool = True,
    mod_reason: str = "",
    info: InfoSource | None = None,
    have_sum: Callable[[ModuleVersion], bool] | None = None,
    local_go: str = LOCAL_GO,
    gotoolchain: str = "",
    cwd: str | None = None,
    gomaxprocs: int | None = None,
    max_missing: int | None = None,
) -> Result:
    """`go list -m all` (see the module docstring). Raises NotLoaded while inputs are missing,
    TooManyMissing as soon as more than `max_missing` go.mod files are.

    `mod_mode` is the effective -mod ("mod" or "readonly"; workspaces need "readonly");
    `mod_explicit` whether -mod was given (flag or GOFLAGS), which changes the wording of
    "updates to go.mod needed"; `gotoolchain` is GOTOOLCHAIN as Go prints it in "requires go
    >=" errors; `cwd` the working directory, for the file names in messages; `gomaxprocs` the
    go command's GOMAXPROCS (default: the number of CPUs), which decides one rare race (see the
    module docstring).
    """
    msgs = Messages()
    if work is not None and work.model.go is not None and gover.compare(work.model.go.version, local_go) > 0:
        msgs.error(TooNewError(short_path(work.path, cwd), work.model.go.version, local_go, gotoolchain))
        return Result(msgs.lines, workspace=True)
    if work is not None and mod_mode != "readonly":
        msgs.errorf(
            f'go: -mod may only be set to readonly or vendor when in workspace mode, but it is set to "{mod_mode}"'
            "\n\tRemove the -mod flag to use the default readonly value, "
            "\n\tor set GOWORK=off to disable workspace mode."
        )
        return Result(msgs.lines, workspace=True)
    try:
        errs, indices = _read_main_modules(mains, work, msgs, local_go, gotoolchain, cwd)
        if errs:
            for e in errs:
                msgs.error(e)
            return Result(msgs.lines, workspace=work is not None)
        mms = make_main_modules(mains, work, msgs, indices)
    except Fatal:
        return Result(msgs.lines, workspace=work is not None)

    ld = Loader(
        mms,
        source,
        msgs,
        mod_mode=mod_mode,
        mod_explicit=mod_explicit,
        mod_reason=mod_reason,
        have_sum=have_sum,
        local_go=local_go,
        gotoolchain=gotoolchain,
        max_missing=max_missing,
    )
    return _Lister(ld, info, gomaxprocs or _cpus()).run()


def _cpus() -> int:
    """The go command's default GOMAXPROCS: the CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class _Lister:
    """LoadModFile + ListModules(["all"]) + commitRequirements."""

    def __init__(self, ld: Loader, info: InfoSource | None, gomaxprocs: int) -> None:
        self.ld = ld
        self.gomaxprocs = max(1, gomaxprocs)
        self.info = info
        self.missing_info: set[ModuleVersion] = set()
        self.state = _State(None)
        self._list_index = 0
        self._stored_by: dict[ModuleVersion, int] = {}

    def run(self) -> Result:
        ld = self.ld
        result = Result(ld.msgs.lines, workspace=ld.workspace)
        try:
            try:
                rs = self._load_mod_file()
                self._list(rs, result)
            except NotLoaded as e:
                # The missing inputs were recorded on the way; report all of them.
                raise NotLoaded(ld.pending | e.missing, self.missing_info) from None
            if ld.pending or self.missing_info:
                raise NotLoaded(ld.pending, self.missing_info)
        except Fatal:
            pass
        result.required_sums = ld.required_sums()
        result._replacement = ld.mms.resolve_replacement
        # The result keeps the main modules for their replacements (and the graph keeps the
        # loader); their indexes' requirements were for _commit only: 5 MB at 100,000.
        for index in ld.mms.indices.values():
            index.require = {}
        return result

    # ----------------------------------------------------------------- loadModFile

    def _load_mod_file(self) -> Requirements:
        ld, mms = self.ld, self.ld.mms
        for m in mms.versions:
            # indexModFile records each main module's go line ("" if none).
            f = mms.mod_files[m]
            ld.raw_go_version[m] = f.go.version if f.go else ""

        if ld.workspace:
            assert mms.work is not None
            roots = list(mms.versions)
            roots.append(ModuleVersion("go", from_go_work(mms.work.model)))
            if mms.work.model.toolchain is not None:
                roots.append(ModuleVersion("toolchain", mms.work.model.toolchain.name))
            direct = {r.mod.path for f in mms.mod_files.values() for r in f.require if not r.indirect}
            return Requirements(ld, WORKSPACE, gover.mod_sort(roots), direct)

        main = mms.single()
        f = mms.mod_files[main]
        self.state.go = f.go.version if f.go else None
        roots, direct = self._roots_from_mod_file(main)
        rs = Requirements(ld, pruning_for_go_version(mms.go_version()), gover.mod_sort(roots), direct)

        if rs.has_redundant_root():
            # A path listed twice (or the main module itself): go.mod needs an update.
            rs, err = update_roots(ld, rs.direct, rs)
            if err is not None:
                ld.msgs.error(err)
                raise Fatal(str(err))

        if mms.indices[main].go_version == "":
            if ld.mod_mode == "mod":
                # No go line: -mod=mod adds one (the emulated release) and converts the
                # requirements, which predate graph pruning, to a pruned graph.
                v = ld.local_go
                self.state.go = v
                ld.raw_go_version[main] = v
                rs = override_roots(ld, rs, [ModuleVersion("go", v)])
                if gover.compare(v, gover.EXPLICIT_INDIRECT_VERSION) >= 0:
                    rs, err = convert_pruning(ld, rs, PRUNED)
                    if err is not None:
                        ld.msgs.error(err)
                        raise Fatal(str(err))
            else:
                ld.raw_go_version[main] = gover.DEFAULT_GO_MOD_VERSION
        return rs

    def _roots_from_mod_file(self, main: ModuleVersion) -> tuple[list[ModuleVersion], set[str]]:
        ld = self.ld
        f = ld.mms.mod_files[main]
        index = ld.mms.indices[main]
        roots: list[ModuleVersion] = []
        direct: set[str] = set()
        for r in paced(f.require):  # (in a server's thread: the editor's messages go first)
            m = mv(r.mod)
            if m in index.exclude:
                verb = "dropping" if ld.mod_mode == "mod" else "ignoring"
                ld.msgs.warn(f"go: {verb} requirement on excluded version {m.path} {m.version}")
                continue
            roots.append(m)
            if not r.indirect:
                direct.add(m.path)
        roots.append(ModuleVersion("go", from_go_mod(f)))
        direct.add("go")  # every module directly uses the language and runtime
        if f.toolchain is not None:
            roots.append(ModuleVersion("toolchain", f.toolchain.name))
        return roots, direct

    # ----------------------------------------------------------------- listModules

    def _list(self, rs: Requirements, result: Result) -> None:
        ld = self.ld
        rs, mg, mg_err = expand_graph(ld, rs)
        result.graph = mg
        infos = []
        stored_by: dict[ModuleVersion, int] = {}  # go.mod read while listing -> by which module
        for i, m in enumerate(x for x in mg.build_list() if not gover.is_toolchain(x.path)):
            # Go lists GOMAXPROCS modules at a time, in build-list order, and a module looks
            # rawGoVersion up as it starts: it sees the go.mod files that the graph read, and
            # those that modules listed well before it read; its neighbours are still running.
            self._list_index, self._stored_by = i, stored_by
            start = len(ld.raw_go_version_log)
            infos.append(self._module_info(rs, m))
            for k in ld.raw_go_version_log[start:]:
                stored_by[k] = i
        if ld.pending or self.missing_info:
            return
        result.modules = infos
        result.roots = rs.root_modules
        result.direct = rs.direct
        result.pruning = rs.pruning
        for mi in infos:
            if mi.error:
                ld.msgs.errorf("go: " + mi.error)
        if mg_err is not None:
            ld.msgs.error(mg_err)
            return
        if ld.workspace:
            self._keep_sums(mg)
        else:
            self._commit(rs, mg, result)

    def _keep_sums(self, mg: ModuleGraph) -> None:
        """keepSums (for go.sum / go.work.sum, which we do not write): its replacement lookups
        are all that shows (see MainModuleSet.replacement_from)."""
        mms = self.ld.mms

        def visit(m: ModuleVersion) -> None:
            if mg.required_by(m) is not None:
                mms.resolve_replacement(m)

        mg.g.walk_breadth_first(visit)
        for m in mg.build_list():
            mms.resolve_replacement(m)

    def _listed_go_version(self, m: ModuleVersion) -> str | None:
        """rawGoVersion.Load(m) as the module being listed sees it (see _list)."""
        v = self.ld.raw_go_version.get(m)
        if v is None:
            return None
        by = self._stored_by.get(m)
        if by is not None and by > self._list_index - self.gomaxprocs:
            return None  # read by a module listed concurrently with this one
        return v

    def _module_info(self, rs: Requirements, m: ModuleVersion) -> ModuleInfo:
        """moduleInfo for a module of the build list."""
        ld = self.ld
        if m.version == "" and ld.mms.contains(m.path):
            return ModuleInfo(
                path=m.path,
                main=True,
                go_version=ld.raw_go_version.get(m, ""),
                dir=ld.mms.mod_root[m],
                go_mod=ld.mms.gomod_path[m],
            )
        mi = ModuleInfo(path=m.path, version=m.version, indirect=m.path not in rs.direct)
        v = self._listed_go_version(m)
        if v is not None:
            mi.go_version = v
        r = ld.mms.replacement(m)
        if r.path == "":
            self._complete_from_mod_cache(mi)
            return mi
        # A replaced module: nothing is looked up for the original version.
        rep = ModuleInfo(path=r.path, version=r.version)
        if v is not None:
            # Go looks this up under the original version, which it only knows if that version
            # was loaded as some other module's replacement.
            rep.go_version = v
        if r.version == "":
            rep.dir = ld.mms.replacement_dir(r)
            rep.go_mod = os.path.join(rep.dir, "go.mod")
        self._complete_from_mod_cache(rep)
        mi.replace = rep
        mi.dir = rep.dir
        mi.go_mod = rep.go_mod
        mi.go_version = rep.go_version
        return mi

    def _complete_from_mod_cache(self, mi: ModuleInfo) -> None:
        """completeFromModCache: Time from the .info, GoVersion from the go.mod if unknown."""
        ld = self.ld
        mod = ModuleVersion(mi.path, mi.version)
        if mi.version != "":
            mi.sum_ok_mod = self._checksum_ok(mod, "/go.mod")
            mi.sum_ok_zip = self._checksum_ok(mod, "")
            self._query(mi)
        if mi.go_version == "" and (mi.version == "" or mi.sum_ok_mod):
            try:
                summary, _ = ld.raw_go_mod_summary(mod)
            except NotLoaded:
                summary = None  # recorded in ld.pending
            if summary is not None and summary.go_version:
                mi.go_version = summary.go_version
        if mi.version != "":
            mi.cache_mod = mod
            mi.go_mod_fetched = mod in ld.fetched

    def _checksum_ok(self, mod: ModuleVersion, suffix: str) -> bool:
        ld = self.ld
        if not ld.must_have_sums or ld.have_sum is None:
            return True
        return ld.have_sum(ModuleVersion(mod.path, mod.version + suffix))

    def _query(self, mi: ModuleInfo) -> None:
        """Query(path, version): the .info (Time, and Version as the proxy gives it)."""
        if self.info is None:
            return
        mod = ModuleVersion(mi.path, mi.version)
        try:
            rev = self.info(mod)
        except NotLoaded:
            self.missing_info.add(mod)
            return
        except LoadError as e:
            fallback = self._replacement_stat(mod)
            if fallback is None:
                mi.error = str(e.err)
                return
            mi.version, mi.time = fallback
            return
        mi.version = rev.version or mi.version
        mi.time = format_time(rev.time) if rev.time else ""

    def _replacement_stat(self, mod: ModuleVersion) -> tuple[str, str] | None:
        """replacementRepo.Stat: a replaced version that the proxy does not know still
        resolves, to itself, with the pseudo-version's time (or the zero time)."""
        mms = self.ld.mms
        if mod.path not in mms.highest_replaced:
            return None
        v = canonical_version(mod.version)
        if v != mod.version:
            return None
        _, path_major, ok = split_path_version(mod.path)
        if ok and path_major == "":
            try:
                _check_path_major(v, path_major)
            except GoError:
                if "+" not in v:
                    v += "+incompatible"
        if mms.replacement(ModuleVersion(mod.path, v)).path == "":
            return None
        if is_pseudo_version(v):
            t = pseudo_version_time(v)
            return v, t.strftime("%Y-%m-%dT%H:%M:%SZ")
        return v, "0001-01-01T00:00:00Z"

    # ----------------------------------------------------------------- commitRequirements

    def _commit(self, rs: Requirements, mg: ModuleGraph, result: Result) -> None:
        """UpdateGoModFromReqs and modFileIsDirty: what go.mod becomes, and whether that is a
        real change (-mod=readonly then fails, -mod=mod writes it)."""
        ld = self.ld
        main = ld.mms.single()
        index = ld.mms.indices[main]
        go_version, toolchain = "", ""
        require: list[tuple[ModuleVersion, bool]] = []
        seen: set[str] = set()
        for m in rs.root_modules:
            if m.path == "go":
                go_version = m.version
            elif m.path == "toolchain":
                toolchain = m.version
            elif m.path not in seen:
                # SetRequire keeps one requirement per path (the roots have one version each).
                seen.add(m.path)
                require.append((m, m.path not in rs.direct))
        if gover.compare(go_version, ld.local_go) > 0:
            ld.msgs.error(ld.too_new("updating go.mod", go_version))
            return

        new_go = self.state.go
        if new_go is None or new_go != go_version:
            always_update = ld.mod_mode == "mod"
            if not (new_go is None and go_version == gover.DEFAULT_GO_MOD_VERSION and not always_update):
                new_go = go_version
        if toolchain == "":
            toolchain = "go" + go_version
        tool_vers = gover.from_toolchain(toolchain)
        new_toolchain: str | None = toolchain
        if toolchain == "go" + go_version or gover.compare(tool_vers, gover.GO_STRICT_VERSION) < 0:
            new_toolchain = None

        dirty = (
            index.data_needs_fix
            or (new_go or "") != index.go_version
            or (new_toolchain or "") != index.toolchain
            # (Duplicate exclude and replace lines do not count: the SetRequire functions sort
            # the blocks, which removes them, before Go compares the counts with the index.)
            or len(require) != len(index.require)
        )
        if not dirty:
            for m, indirect in require:
                meta = index.require.get(m)
                # Wrong "// indirect" comments alone are tolerated under -mod=readonly.
                if meta is None or (meta != indirect and ld.mod_mode == "mod"):
                    dirty = True
                    break
        result.go_mod_update = GoModUpdate(new_go, new_toolchain, tuple(require), dirty)
        if dirty and ld.mod_mode != "mod":
            ld.msgs.error(ld.go_mod_dirty())
            return
        self._keep_sums(mg)


_RFC3339 = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|z|[+-]\d\d:\d\d)")


def format_time(t: str) -> str:
    """A .info time as `go list -m -json` prints it: Go parses RFC 3339 and prints RFC 3339
    with nanoseconds, trailing zeros trimmed, and "Z" for a zero offset."""
    m = _RFC3339.fullmatch(t)
    if m is None:
        return t
    frac = (m.group(2) or "")[:10].rstrip("0")
    if frac == ".":
        frac = ""
    off = m.group(3)
    if off in ("Z", "z", "+00:00", "-00:00"):
        off = "Z"
    return m.group(1) + frac + off
