"""Asking the user's go command about modules gomodls must not fetch itself: those GOPROXY
routes to `direct` (GOPROXY=direct, a `,direct` fallback, GOPRIVATE/GONOPROXY paths), whose
source is version control. The go command owns git, GOAUTH, .netrc, GOINSECURE, GOVCS and the
user's credentials; gomodls only asks it, the way modfetch's Repo is asked:

- versions: `go list -m -json -versions -retracted PATH` (every tagged version, as a proxy's
  @v/list: without -retracted the go command hides retracted ones);
- a version's .info: `go list -m -json PATH@VERSION` (modfetch's Stat; the go.mod comes along);
- a version's go.mod alone: `go mod graph` in a module requiring it (modfetch.GoMod: no .info,
  no zip — what the go command does when it needs only the go.mod; `go mod download -json`
  would fetch the zip too), then the file from the module cache;
- latest: `go list -m -json PATH@latest`.

Retractions and deprecations come from the latest version's go.mod, read by the caller as for
any module (`go list -m -retracted` reports them as Retracted, `-u` as Deprecated).

Every run: the go binary the caller found in the user's environment (never a program named by
workspace settings), GOTOOLCHAIN=local, GOPROXY=direct (the route is already decided: a private
path must never reach a proxy through the go command either), GOWORK=off, GOFLAGS reduced to
-modcacherw (nothing that writes a file, reads one or changes the answer), in an empty temporary
directory outside any module, with a time limit and bounded output; one go process at a time per
module path, identical questions asked once. The go command's own words are kept for errors
("unknown revision", "terminal prompts disabled", GOVCS refusals)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gomodls.base.goenv import GoEnv
from gomodls.gocommand.gorun import GoResult, run_go
from gomodls.module import semver
from gomodls.resolve.modcache import ModCache

QUERY_TIMEOUT = 120.0  # a first fetch of a big repository takes a while
MAX_OUTPUT = 4 * 1024 * 1024  # a version list of tens of thousands of versions fits
MAX_GO_MOD = 16 * 1024 * 1024  # codehost.MaxGoMod
MAX_VERSIONS = 100_000
CONCURRENCY = 4  # go processes at once (each may run git)

# The Go variables that gomodls.env settings may pass to the go command: those that say where
# and how modules are fetched. Not those naming a program or a place whose contents the go
# command trusts (GOAUTH commands, GOENV, GOMODCACHE/GOPATH with their VCS checkouts, PATH,
# GOROOT): the go command reads those from the user's own environment and go env file.
SETTABLE = ("GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOVCS", "GOINSECURE")


class GoQueryError(Exception):
    """The go command's answer was an error (its words, without the "go: " and the
    "path@query: " it prefixes), or it could not be asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class ListedModule:
    """The fields of the go command's Module struct (`go help list`) that gomodls uses."""

    path: str
    version: str = ""
    query: str = ""
    time: str = ""  # RFC 3339, as the go command prints it
    versions: tuple[str, ...] = ()


def query_environ(env: GoEnv) -> dict[str, str]:
    """The go command's environment for a query: the server's own, the settable variables of
    gomodls.env, and what every query needs. GOFLAGS is never empty (an empty variable would
    let the go env file's GOFLAGS apply)."""
    out = dict(env.environ)
    for key in SETTABLE:
        if env.overrides.get(key):
            out[key] = env.overrides[key]
    rw = env.goflag("modcacherw")
    out.update(
        GOTOOLCHAIN="local",
        GOPROXY="direct",
        GOWORK="off",
        GO111MODULE="on",
        GOFLAGS="-modcacherw="
        + ("false" if rw in (None, "false", "0", "f", "F", "FALSE", "False") else "true"),
    )
    return out


def _strip_prefix(stderr: str, target: str) -> str:
    """The error without "go: " and the "path@query: " or "module path: " that names what was
    asked (the caller names the module its own way), and without the go command's warnings."""
    lines = [ln for ln in stderr.strip("\n").split("\n") if not ln.startswith("go: warning:")]
    text = "\n".join(lines).strip().removeprefix("go: ")
    for prefix in (target + ": ", f"module {target}: "):
        text = text.removeprefix(prefix)
    return text or "the go command failed without a message"


def _error_of(stderr: str, target: str) -> str:
    """The go command's error about `target` among others (its lines up to the next error)."""
    lines = stderr.split("\n")
    head = f"go: {target}: "
    for i, line in enumerate(lines):
        if line.startswith(head):
            rest = [line[len(head) :]]
            rest += itertools.takewhile(lambda ln: not ln.startswith("go: "), lines[i + 1 :])
            return "\n".join(rest).strip("\n")
    return ""


def _string(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise GoQueryError(f"unexpected go command output: {key} is not a string")
    return value


def _strings(obj: dict[str, Any], key: str, limit: int) -> tuple[str, ...]:
    value = obj.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GoQueryError(f"unexpected go command output: {key} is not a list of strings")
    if len(value) > limit:
        raise GoQueryError(f"unexpected go command output: more than {limit} {key}")
    return tuple(value)


def _object(result: GoResult) -> dict[str, Any]:
    if result.truncated:
        raise GoQueryError(f"go {' '.join(result.args)}: output larger than {MAX_OUTPUT} bytes")
    try:
        obj = json.loads(result.stdout)
    except ValueError:
        raise GoQueryError(f"go {' '.join(result.args)}: output is not JSON") from None
    if not isinstance(obj, dict):
        raise GoQueryError(f"go {' '.join(result.args)}: output is not a JSON object")
    return obj


def parse_listed(result: GoResult) -> ListedModule:
    """The Module of `go list -m -json` (one module), checked field by field."""
    obj = _object(result)
    return ListedModule(
        path=_string(obj, "Path"),
        version=_string(obj, "Version"),
        query=_string(obj, "Query"),
        time=_string(obj, "Time"),
        versions=_strings(obj, "Versions", MAX_VERSIONS),
    )


def _read_go_mod(path: str) -> bytes:
    """The .mod file the go command names: a regular file of bounded size."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise GoQueryError(f"reading {path}: {e.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_GO_MOD:
            raise GoQueryError(f"reading {path}: not a go.mod file of at most {MAX_GO_MOD} bytes")
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(MAX_GO_MOD + 1)[:MAX_GO_MOD]
    finally:
        os.close(fd)


@dataclass(slots=True)
class _Run:
    task: asyncio.Task[GoResult]
    waiters: int = 0


class ModQuery:
    """The go command's answers for modules reached through version control."""

    def __init__(
        self, binary: str, env: GoEnv, *, timeout: float = QUERY_TIMEOUT, concurrency: int = CONCURRENCY
    ) -> None:
        self.binary = binary
        self.environ = query_environ(env)
        self.timeout = timeout
        self._limit = asyncio.Semaphore(concurrency)
        self._paths: dict[str, asyncio.Lock] = {}
        self._inflight: dict[tuple[object, ...], _Run] = {}
        seen = GoEnv(self.environ)  # (the go command's view: with its go env file)
        self._key = "|".join(f"{k}={seen.get(k)}" for k in (*SETTABLE, "GOFLAGS")) + f"|{binary}"
        # Where the go command keeps what it fetches.
        self.modcache = ModCache(seen.get("GOMODCACHE"))
        self.runs = 0  # go processes started (for tests and logs)

    @property
    def key(self) -> str:
        """What the answers depend on besides the module path (for cache keys): the fetching
        variables as the go command reads them (its environment, then its go env file)."""
        return self._key

    # The questions.

    async def versions(self, path: str) -> list[str]:
        """Every tagged version, retracted ones included, in semver order."""
        listed = parse_listed(
            await self._run(path, ["list", "-m", "-json", "-versions", "-retracted", path], path)
        )
        return sorted({v for v in listed.versions if semver.is_valid(v)}, key=semver.sort_key)

    async def info(self, path: str, query: str) -> ListedModule:
        """path@query as the go command resolves it (a version, a revision, "latest")."""
        target = f"{path}@{query}"
        listed = parse_listed(await self._run(path, ["list", "-m", "-json", target], target))
        if listed.path != path or not semver.is_valid(listed.version):
            raise GoQueryError(f"go list -m answered {listed.path}@{listed.version}")
        return listed

    async def latest(self, path: str) -> ListedModule:
        return await self.info(path, "latest")

    async def go_mod(self, path: str, version: str) -> bytes:
        """The go.mod file of path@version, fetched alone, as the go command does when only the
        go.mod is needed (modfetch.GoMod: no .info, no zip, and GoMod's own error words):
        `go mod graph` in a module of its own that requires path@version, with GOPROXY=off and
        GONOPROXY=path so that nothing else is fetched; the file is then read from the module
        cache. Errors about other modules (the requirements of a go.mod without graph pruning,
        when not cached) do not matter."""
        target = f"{path}@{version}"
        gomod = f"module gomodls.invalid/query\n\ngo 1.21\n\nrequire {path} {version}\n"
        result = await self._go(
            path, ["mod", "graph"], module=gomod, env={"GOPROXY": "off", "GONOPROXY": path}
        )
        file = self.modcache.file_path(path, version, ".mod")
        if file is not None:
            return await asyncio.to_thread(_read_go_mod, file)
        self._check(result, target)  # (raises: the command failed)
        own = _error_of(result.stderr, target)
        raise GoQueryError(own or f"go mod graph did not fetch {target}")

    # Running the go command.

    async def _run(self, path: str, args: list[str], target: str) -> GoResult:
        """The go command's successful result for `target`, or GoQueryError with its error."""
        result = await self._go(path, args)
        self._check(result, target)
        return result

    def _check(self, result: GoResult, target: str) -> None:
        if result.timed_out:
            raise GoQueryError(
                f"go {' '.join(result.args)}: did not finish in {self.timeout:g}s and was stopped"
            )
        if result.returncode == 0:
            return
        raise GoQueryError(_strip_prefix(result.stderr, target))

    async def _go(
        self, path: str, args: list[str], *, module: str = "", env: Mapping[str, str] | None = None
    ) -> GoResult:
        """Run the go command about `path`, in an empty directory or, given `module`, in a
        module of its own with that go.mod. Identical questions share one run (stopped when
        nobody waits for it any more); runs for one module path take turns."""
        key = (*args, module, *sorted((env or {}).items()))
        run = self._inflight.get(key)
        if run is None or run.task.cancelled():
            task = asyncio.ensure_future(self._locked(path, args, module, {**self.environ, **(env or {})}))
            run = self._inflight[key] = _Run(task)
            task.add_done_callback(lambda t: self._done(key, t))
        run.waiters += 1
        try:
            return await asyncio.shield(run.task)
        finally:
            run.waiters -= 1
            if run.waiters == 0 and not run.task.done():
                run.task.cancel()

    def _done(self, key: tuple[object, ...], task: asyncio.Task[GoResult]) -> None:
        run = self._inflight.get(key)
        if run is not None and run.task is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # (retrieved: the waiters raise it themselves)

    async def _locked(self, path: str, args: list[str], module: str, environ: Mapping[str, str]) -> GoResult:
        async with self._paths.setdefault(path, asyncio.Lock()), self._limit:
            self.runs += 1
            return await self._start(args, module, environ)

    async def _start(self, args: list[str], module: str, environ: Mapping[str, str]) -> GoResult:
        cwd = _workdir(module)
        try:
            return await run_go(args, cwd, environ, self.timeout, binary=self.binary, max_output=MAX_OUTPUT)
        except OSError as e:
            raise GoQueryError(f"running {self.binary}: {e.strerror or e}") from None
        finally:
            shutil.rmtree(cwd, ignore_errors=True)


def _workdir(module: str) -> str:
    """A new directory outside any module (the go command then answers for the module alone,
    with no main module's requirements, replacements or exclusions), holding `module` as its
    go.mod if given. (A go.mod in the system temporary directory itself is ignored by the go
    command; one further up is not, and is refused.)"""
    directory = tempfile.mkdtemp(prefix="gomodls-query-")
    d = os.path.dirname(os.path.dirname(directory))
    while True:
        if os.path.isfile(os.path.join(d, "go.mod")):
            shutil.rmtree(directory, ignore_errors=True)
            raise GoQueryError(f"cannot ask the go command: {d} above the temporary directory holds a go.mod")
        if d == os.path.dirname(d):
            break
        d = os.path.dirname(d)
    if module:
        with open(os.path.join(directory, "go.mod"), "w", encoding="utf-8") as fh:
            fh.write(module)
    return directory
