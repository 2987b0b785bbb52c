"""Loading the module graph for real: find the main modules (and the workspace) of a
directory, then run the pure `list.load` and fetch, concurrently, whatever go.mod and .info
files it says it needs next, until it completes. Fetched summaries are kept for the session, so
re-resolving after an edit needs no I/O for what was already seen."""

from __future__ import annotations

import asyncio
import functools
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gomodls.base.files import read_regular_text
from gomodls.base.gcpause import paused_gc
from gomodls.base.goenv import GoEnv, find_go_work
from gomodls.base.gofilepath import short_path
from gomodls.modfile.gosum import EMPTY_GO_MOD_HASH, parse_sum
from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_text
from gomodls.module import gover
from gomodls.module.errors import GoError, version_error
from gomodls.module.paths import ModuleVersion
from gomodls.module.sumhash import go_mod_hash
from gomodls.resolve.cache import ProxyCache
from gomodls.resolve.failures import Failures
from gomodls.resolve.fetch import Fetcher, Info, parse_info
from gomodls.resolve.known import KnownModules
from gomodls.resolve.list import LOCAL_GO, InfoSource, load
from gomodls.resolve.mainmods import MainModule, Workspace
from gomodls.resolve.modcache import Stamp
from gomodls.resolve.proxies import NO_GO, DirectRoute, FetchError
from gomodls.resolve.result import Result
from gomodls.resolve.summary import LoadError, ModSummary, NotLoaded, TooManyMissing, summary_from_text

if TYPE_CHECKING:
    from gomodls.base.files import FileSource


class SetupError(Exception):
    """The module or workspace cannot be loaded at all (the go command's words). `errors`: each
    error the go command reports (it prints each after `go: `); the message joins them."""

    def __init__(self, *errors: str) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


class ResolveLimit(Exception):
    """A resolution went past one of gomodls's bounds (MAX_MODULES, a time limit): said in one
    sentence, instead of loading without end from a proxy that keeps answering. `transient`:
    the time limit (slow proxies may recover), not the size."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


MAX_MODULES = 50_000  # module versions whose go.mod one resolver keeps (the largest real graphs: ~2,000)


@dataclass(slots=True)
class Roots:
    """What `list.load` starts from."""

    mains: list[MainModule]
    work: Workspace | None
    parse_errors: list[str] = field(default_factory=list)  # the go command's report, if any


def find_module_root(directory: str) -> str | None:
    d = os.path.abspath(directory)
    while True:
        if os.path.isfile(os.path.join(d, "go.mod")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _parse(path: str, text: str, kind: FileKind) -> ParsedFile:
    return parse_text(text, kind, os.path.basename(path))


def roots_for(directory: str, env: GoEnv, files: FileSource) -> Roots:
    """The main modules the go command would use when run in `directory`."""
    work_path = find_go_work(directory, env)
    if work_path is not None:
        text = files.read_text(work_path)
        if text is None:
            raise SetupError(f"reading go.work: open {work_path}: no such file or directory")
        wparsed = _parse(work_path, text, FileKind.WORK)
        if wparsed.go_errors:
            name = os.path.basename(work_path)
            raise SetupError(
                f"errors parsing {name}:\n" + "\n".join(e.go_string(name) for e in wparsed.go_errors)
            )
        assert isinstance(wparsed.model, WorkFile)
        # modload.loadModFile: every used module is read, and every failure reported (joined).
        cwd = os.path.abspath(directory)
        mains, errors = [], []
        for u in wparsed.model.use:
            d = os.path.normpath(
                u.path if os.path.isabs(u.path) else os.path.join(os.path.dirname(work_path), u.path)
            )
            try:
                mains.append(_main(d, files, cwd))
            except SetupError as e:
                errors.append(f"cannot load module {short_path(d, cwd)} listed in go.work file: {e}")
        if errors:
            raise SetupError(*errors)
        return Roots(mains, Workspace(work_path, wparsed.model))
    root = find_module_root(directory)
    if root is None:
        raise SetupError(
            "go.mod file not found in current directory or any parent directory; see 'go help modules'"
        )
    return Roots([_main(root, files, os.path.abspath(directory))], None)


def build_mod(roots: Roots, mod_flag: str | None, is_dir: Callable[[str], bool] = os.path.isdir) -> str:
    """modload.setDefaultBuildMod: the -mod the go command uses — the flag (GOFLAGS) if set,
    else "vendor" when a vendor directory made for this mode (module or workspace) sits beside
    go.mod (or go.work) and its go version is at least 1.14, else "readonly"."""
    if mod_flag is not None:
        return mod_flag
    if roots.work is not None:
        go = roots.work.model.go.version if roots.work.model.go else ""
        vendor = os.path.join(os.path.dirname(roots.work.path), "vendor")
    else:
        main = roots.mains[0]
        go = main.model.go.version if main.model.go else ""
        vendor = os.path.join(main.dir, "vendor")
    if go and gover.compare(go, "1.14") >= 0 and is_dir(vendor):
        # ... and its modules.txt was made in the same mode: "## workspace" first for go.work's.
        text = read_regular_text(os.path.join(vendor, "modules.txt")) or ""
        first = text[:512].partition("\n")[0]
        for_workspace = first.startswith("## ") and "workspace" in (a.strip() for a in first[3:].split(";"))
        if for_workspace == (roots.work is not None):
            return "vendor"
    return "readonly"


# `go list -m all` in vendor mode: the vendor directory lists modules, not the module graph.
CANNOT_LIST_ALL_FROM_VENDOR = (
    "go: can't compute 'all' using the vendor directory\n\t(Use -mod=mod or -mod=readonly to bypass.)"
)


def _main(directory: str, files: FileSource, cwd: str) -> MainModule:
    """modload.ReadModFile of directory/go.mod, its errors worded like the go command's (file
    names shortened against `cwd` as base.ShortPath does)."""
    gomod = os.path.join(directory, "go.mod")
    name = short_path(gomod, cwd)
    parsed = _parse_main(files, gomod)
    if parsed is None:
        raise SetupError(f"open {name}: no such file or directory")
    if parsed.go_errors:
        raise SetupError(f"errors parsing {name}:\n" + "\n".join(e.go_string(name) for e in parsed.go_errors))
    assert isinstance(parsed.model, ModFile)
    if parsed.model.module is None:
        raise SetupError(
            f"error reading {name}: missing module declaration. To specify the module path:\n"
            "\tgo mod edit -module=example.com/mod"
        )
    return MainModule(directory, parsed.model, gomod)


FETCH_CONCURRENCY = 16  # fetches of one round in flight (the transport's own limit is as many)


async def _each(jobs: list[Callable[[], Awaitable[object]]], concurrency: int = FETCH_CONCURRENCY) -> None:
    """Run the jobs, `concurrency` at a time. A round of hundreds started at once put hundreds of
    steps (cache lookups, file reads finishing) in the event loop's ready queue together, and a
    keystroke arriving then waited behind all of them."""
    pending = iter(jobs)

    async def worker() -> None:
        for job in pending:
            await job()

    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(jobs)))))


def _parse_main(files: FileSource, gomod: str) -> ParsedFile | None:
    """The editor's files keep the parse of an open go.mod (and of others, by text): a re-resolution
    after typing pauses need not parse it again, on the event loop, nor join an open document's
    lines into its text (4.7 MB at 100,000 requirements) that nothing reads. With errors it is
    parsed again under its absolute name, as ReadModFile passes it: the one message that quotes
    the file, "unterminated block started at FILE:L:C", keeps it whole. None: no such file."""
    kept = getattr(files, "parsed", None)
    if kept is not None:
        parsed = kept(gomod, FileKind.MOD)
        if isinstance(parsed, ParsedFile) and not parsed.go_errors:
            return parsed
    text = files.read_text(gomod)
    return None if text is None else parse_text(text, FileKind.MOD, gomod)


def sum_hashes(roots: Roots, files: FileSource) -> dict[tuple[str, str], set[str]]:
    """The h1: hashes of go.sum (and, in a workspace, go.work.sum and every module's go.sum),
    by (path, version) and (path, version + "/go.mod")."""
    paths = [os.path.join(m.dir, "go.sum") for m in roots.mains]
    if roots.work is not None:
        paths.append(roots.work.path + ".sum")
    known: dict[tuple[str, str], set[str]] = {}
    for path in paths:
        text = files.read_text(path)
        if text is not None:
            for key, hashes in _sum_file_hashes(text).items():
                h1 = {h for h in hashes if h.startswith("h1:")}
                if h1:
                    known.setdefault(key, set()).update(h1)
    return known


# Python's str.split() splits at these as well; Go's strings.Fields (modfetch.readGoSum) does not.
_NOT_GO_SPACE = re.compile("[\x1c-\x1f]")


def _sum_file_hashes(text: str) -> dict[tuple[str, str], list[str]]:
    """parse_sum(text).hashes() without the checks that only diagnostics need: every resolution
    reads go.sum, which has a line per module version."""
    if not text.isascii() or _NOT_GO_SPACE.search(text):
        return parse_sum(text).hashes()
    out: dict[tuple[str, str], list[str]] = {}
    for line in text.split("\n"):
        fields = line.split()
        if len(fields) == 3 and fields[2] != EMPTY_GO_MOD_HASH:
            out.setdefault((fields[0], fields[1]), []).append(fields[2])
    return out


GO_SUM_MISMATCH = """

SECURITY ERROR
This download does NOT match an earlier download recorded in go.sum.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'."""


def checksum_mismatch(mv: ModuleVersion, downloaded: str, recorded: str, sum_file: str = "go.sum") -> str:
    """modfetch.checkGoSum's error for a go.mod whose hash is not the one go.sum records."""
    return (
        f"verifying {mv.path}@{mv.version}/go.mod: checksum mismatch\n\tdownloaded: {downloaded}"
        f"\n\t{sum_file}:     {recorded}{GO_SUM_MISMATCH}"
    )


@dataclass(frozen=True, slots=True)
class ResolveOptions:
    """How the go command loads the graph: its -mod mode, its version and GOTOOLCHAIN."""

    mod_mode: str = "readonly"  # -mod: readonly unless GOFLAGS says otherwise
    mod_explicit: bool = False  # whether -mod was set (it changes Go's wording)
    local_go: str | None = None  # the version of the go command emulated (None: the one ported)
    gotoolchain: str = ""  # as Go prints it in "requires go >=" errors
    with_info: bool = True  # query .info files (the Time field of go list -m -json)
    check_sums: bool = True  # False: go.sum is not consulted (the graph of the go.mod as written)
    max_seconds: float | None = None  # the time limit of one resolution (ResolveLimit past it)

    @classmethod
    def for_env(
        cls, env: GoEnv, local_go: str | None, *, mod_mode: str | None = None, check_sums: bool = True
    ) -> ResolveOptions:
        """The options of the go command run in `env` (GOFLAGS, GOTOOLCHAIN): `mod_mode`, when
        given, replaces the -mod of GOFLAGS."""
        mod = env.goflag("mod")
        return cls(
            mod_mode=mod_mode or mod or "readonly",
            mod_explicit=mod is not None,
            local_go=local_go,
            gotoolchain=env.get("GOTOOLCHAIN"),
            check_sums=check_sums,
        )


@dataclass(slots=True)
class Resolution:
    result: Result
    rounds: int
    seconds: float
    # go.mod files refused because go.sum records another hash (Go stops at the first one)
    security_errors: list[str] = field(default_factory=list)


class Resolver:
    """Fetches for `list.load`; keeps proxy go.mod summaries and .info answers for the session
    (they never change); reads directory replacements fresh through `files` on every run."""

    @classmethod
    def for_env(
        cls,
        env: GoEnv,
        files: FileSource,
        *,
        cwd: str | None = None,
        load_in_thread: bool = False,
        direct: DirectRoute | None = None,
        no_direct: str = NO_GO,
    ) -> Resolver:
        """The resolver of the command line and of the server: the proxies of `env`, gomodls's
        disk cache beside the module cache, and version control through `direct` (the go
        command), or `no_direct` saying why not."""
        fetcher = Fetcher(env, cache=ProxyCache(), direct=direct, no_direct=no_direct)
        return cls(fetcher, files, cwd=cwd, load_in_thread=load_in_thread)

    def __init__(
        self, fetcher: Fetcher, files: FileSource, cwd: str | None = None, load_in_thread: bool = False
    ) -> None:
        self.fetcher = fetcher
        self.files = files
        self.cwd = cwd
        # A server runs `load` (pure, CPU-bound, tens of ms on a large graph) in a worker thread,
        # so that requests are answered meanwhile.
        self.load_in_thread = load_in_thread
        # What was fetched (a go.mod that does not parse is a LoadError for good: a version's
        # content never changes) ...
        self._summaries: dict[ModuleVersion, ModSummary | LoadError] = {}
        self._infos: dict[ModuleVersion, Info | LoadError] = {}
        # ... and what could not be fetched, for FAILURE_TTL seconds (resolve/failures.py).
        self._failed_mods: Failures[LoadError] = Failures()
        self._failed_infos: Failures[LoadError] = Failures()
        # go.mod contents as fetched, hashed when a go.sum check or an editor asks (hashing
        # every file would cost a fifth of a resolution)
        self._mod_data: dict[ModuleVersion, bytes | str] = {}
        self._known: dict[str, KnownModules] = {}

    def _known_for(self, roots: Roots) -> KnownModules | None:
        """What earlier processes derived for these main modules (needs gomodls's disk cache)."""
        if self.fetcher.cache is None:
            return None
        key = "\x00".join([m.dir for m in roots.mains] + ([roots.work.path] if roots.work else []))
        if key not in self._known:
            self._known[key] = KnownModules(self.fetcher.cache.known_directory, self.fetcher.modcache, key)
        return self._known[key]

    def mod_hashes_known(self) -> int:
        """How many go.mod files were fetched (a memo key of what `mod_hash` answers: entries
        are added, never dropped, and a module version's go.mod never changes)."""
        return len(self._mod_data)

    def mod_hash(self, mv: ModuleVersion) -> str | None:
        """The h1: hash of mv's go.mod as fetched, if it was."""
        got = self._mod_data.get(mv)
        if isinstance(got, bytes):
            got = self._mod_data[mv] = go_mod_hash(got)
        return got

    def _source(
        self,
        sums: dict[tuple[str, str], set[str]],
        refused: dict[ModuleVersion, str],
        known: KnownModules | None,
        mv: ModuleVersion,
    ) -> ModSummary:
        if not mv.version:
            return self._directory(mv.path)
        got = self._summaries.get(mv) or self._failed_mods.get(mv) or self._take_local_mod(mv, known)
        if got is None:
            raise NotLoaded(mv)
        if isinstance(got, LoadError):
            raise got
        recorded = sums.get((mv.path, mv.version + "/go.mod"))
        downloaded = self.mod_hash(mv) if recorded else None
        if recorded and downloaded is not None and downloaded not in recorded:
            # Go refuses the content (and stops); so do we, for this module.
            refused[mv] = checksum_mismatch(mv, downloaded, min(recorded))
            raise LoadError(refused[mv])
        return got

    def _directory(self, directory: str) -> ModSummary:
        gomod = os.path.join(directory, "go.mod")
        text = self.files.read_text(gomod)
        name = gomod
        if self.cwd:
            rel = os.path.relpath(gomod, self.cwd)
            name = rel if len(rel) < len(gomod) else gomod
        if text is None:
            # (os.PathError names the path opened: the absolute one)
            raise LoadError(f"reading {name}: open {gomod}: no such file or directory")
        return summary_from_text(text, None, name)

    def _info(self, known: KnownModules | None, mv: ModuleVersion) -> Info:
        got = self._infos.get(mv) or self._failed_infos.get(mv) or self._take_local_info(mv, known)
        if got is None:
            raise NotLoaded(missing_info=[mv])
        if isinstance(got, LoadError):
            raise got
        return got

    async def _fetch_mod(self, mv: ModuleVersion, known: KnownModules | None) -> None:
        try:
            data = await self.fetcher.mod(mv.path, mv.version)
        except FetchError as e:
            self._failed_mods.add(mv, LoadError(version_error(mv.path, mv.version, GoError(str(e)))))
            return
        self._store_mod(mv, data, None, known)

    # What the local caches hold (the module cache, gomodls's disk cache) is taken the moment
    # `load` asks for it: a file read, no task, no request. Only what must be fetched from a
    # proxy ends a run of `load` with NotLoaded, so that with warm caches one run does it all
    # (otherwise each run gets one requirement level further, and a run over hundreds of modules
    # costs more than the files it reads).

    def _take_local_mod(self, mv: ModuleVersion, known: KnownModules | None) -> ModSummary | LoadError | None:
        fact = known.mod(mv) if known else None
        if fact:
            self._summaries[mv], self._mod_data[mv] = fact
            return fact[0]
        got = self.fetcher.cached(mv.path, mv.version, ".mod")
        if got is None:
            return None
        self._store_mod(mv, *got, known)
        return self._summaries[mv]

    def _take_local_info(self, mv: ModuleVersion, known: KnownModules | None) -> Info | None:
        info = known.info(mv) if known else None
        if info:
            self._infos[mv] = info
            return info
        got = self.fetcher.cached(mv.path, mv.version, ".info")
        if got is None:
            return None
        try:
            info = parse_info(got[0])
        except FetchError:
            return None  # (a broken file: the fetcher's own answer)
        self._store_info(mv, info, got[1], known)
        return info

    def _store_mod(self, mv: ModuleVersion, data: bytes, stamp: Stamp, known: KnownModules | None) -> None:
        self._mod_data[mv] = data
        try:
            summary = self._summaries[mv] = summary_from_text(data.decode("utf-8", "surrogateescape"), mv)
        except LoadError as e:
            self._summaries[mv] = e
            return
        if known:
            known.learn_mod(mv, stamp, summary, data)

    def _store_info(self, mv: ModuleVersion, info: Info, stamp: Stamp, known: KnownModules | None) -> None:
        self._infos[mv] = info
        if known:
            known.learn_info(mv, stamp, info)

    async def _fetch_info(self, mv: ModuleVersion, known: KnownModules | None) -> None:
        try:
            # (fetched: not in the module cache, or it would have been taken)
            self._store_info(mv, await self.fetcher.info(mv.path, mv.version), None, known)
        except FetchError as e:
            err = GoError(str(e))
            self._failed_infos.add(mv, LoadError(err if e.bare else version_error(mv.path, mv.version, err)))

    def known(self, mv: ModuleVersion) -> ModSummary | None:
        got = self._summaries.get(mv)
        return got if isinstance(got, ModSummary) else None

    async def resolve(self, roots: Roots, options: ResolveOptions = ResolveOptions()) -> Resolution:
        """Load until complete. Raises ResolveLimit past MAX_MODULES module versions or
        `options.max_seconds`."""
        try:
            async with asyncio.timeout(options.max_seconds):
                return await self._resolve(roots, options)
        except TimeoutError:
            raise ResolveLimit(
                f"loading the module graph took over {options.max_seconds:g} s (the module proxies "
                "answer slowly or not at all); gave up",
                transient=True,
            ) from None

    async def _resolve(self, roots: Roots, options: ResolveOptions) -> Resolution:
        started = time.perf_counter()

        def read() -> tuple[dict[tuple[str, str], set[str]], KnownModules | None]:
            with paused_gc():  # (both make thousands of small objects that stay)
                return sum_hashes(roots, self.files), self._known_for(roots)

        # go.sum files and the kept facts: file reads and parsing, off the event loop in a server.
        recorded, known = await asyncio.to_thread(read) if self.load_in_thread else read()
        refused: dict[ModuleVersion, str] = {}
        source = functools.partial(self._source, recorded, refused, known)
        wants_sums = options.check_sums and options.mod_mode == "readonly" and roots.work is None
        have_sum = (lambda mv: (mv.path, mv.version) in recorded) if wants_sums else None
        info: InfoSource | None = functools.partial(self._info, known) if options.with_info else None

        def run() -> Result:
            with paused_gc():
                return load(
                    roots.mains,
                    roots.work,
                    source,
                    mod_mode=options.mod_mode,
                    mod_explicit=options.mod_explicit,
                    info=info,
                    have_sum=have_sum,
                    local_go=options.local_go or LOCAL_GO,
                    gotoolchain=options.gotoolchain,
                    cwd=self.cwd,
                    # (more missing than that: ResolveLimit below, without walking the rest)
                    max_missing=MAX_MODULES - len(self._summaries),
                )

        rounds = 0
        while True:
            missing: frozenset[ModuleVersion] | None = None
            try:
                result = await asyncio.to_thread(run) if self.load_in_thread else run()
            except TooManyMissing:
                pass  # (more than MAX_MODULES: refused below)
            except NotLoaded as e:
                # (Only what is missing is kept: the exception's traceback holds the frames of
                # the round, with its whole graph and loader, which the fetches below need not
                # keep alive, nor the ResolveLimit's context.)
                missing, missing_info = e.missing, e.missing_info
            else:
                if known:
                    known.save()
                return Resolution(result, rounds, time.perf_counter() - started, list(refused.values()))
            rounds += 1
            if missing is None or len(self._summaries) + len(missing) > MAX_MODULES:
                raise ResolveLimit(
                    f"the module graph has over {MAX_MODULES} module versions; gomodls stops loading it"
                )
            await _each(
                [functools.partial(self._fetch_mod, mv, known) for mv in missing if mv not in self._summaries]
                + [
                    functools.partial(self._fetch_info, mv, known)
                    for mv in missing_info
                    if mv not in self._infos
                ]
            )
            del missing, missing_info
