"""The `gomodls` command: parse, fmt, check, resolve, why and serve.

Every failure is one clear line on stderr and a non-zero exit status, never a traceback:
1 for problems found in the input, 2 for usage errors and unreadable input.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TextIO

from gomodls import __version__
from gomodls.base.gofilepath import short_path

if TYPE_CHECKING:  # (imported by the commands that need them: the others start faster)
    from gomodls.analysis import CheckContext, Finding
    from gomodls.analysis.findings import Fix
    from gomodls.analysis.vulnchecks import Assessment
    from gomodls.base.files import FileSource
    from gomodls.base.goenv import GoEnv
    from gomodls.gocommand.toolchain import LocalGo
    from gomodls.modfile.errors import ModError
    from gomodls.modfile.parsed import FileKind
    from gomodls.resolve.driver import Resolution, ResolveOptions, Resolver, Roots

MAX_FILE_BYTES = 16 * 1024 * 1024
SEVERITIES = ("error", "warning", "information", "hint")
CHECKED_NAMES = ("go.mod", "go.work", "go.sum", "go.work.sum")  # what `check DIR` checks
FORMATTED_NAMES = ("go.mod", "go.work")  # what `fmt DIR` formats (like gofmt DIR's *.go)
SKIPPED_DIRS = frozenset({"testdata", "node_modules"})


class InputError(Exception):
    """Input the command cannot use: reported as `gomodls: <path>: <reason>`."""


def write_bytes(stream: TextIO, text: str) -> None:
    """Write `text` to stdout or stderr as bytes: UTF-8, with the invalid bytes read from a file
    (kept as surrogates, see read_source) written back as they were. The go command writes
    bytes, whatever the locale; Python's text layer would fail on them (UnicodeEncodeError under
    PYTHONIOENCODING=utf-8) or transcode them. A stream without a byte layer (a StringIO in a
    test) gets the text."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    stream.flush()  # whatever went through the text layer first (argparse) stays first
    # By pieces of a million characters: the JSON or formatted text of a large go.mod is not
    # copied whole once more (a surrogate is one character: a piece never splits one).
    for start in range(0, len(text), _PIECE):
        buffer.write(_bytes(text[start : start + _PIECE]))


_PIECE = 1 << 20


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def out(text: str) -> None:
    write_bytes(sys.stdout, text)


def err(text: str) -> None:
    write_bytes(sys.stderr, text)


def _go_env() -> GoEnv:
    from gomodls.base.goenv import GoEnv  # (not needed by parse and fmt, which start faster without)

    return GoEnv()


def _local_go() -> LocalGo | None:
    from gomodls.gocommand.toolchain import local_go

    return local_go()


def _reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, FileNotFoundError):
        return "no such file or directory"
    reason = e.strerror or str(e)
    return reason[:1].lower() + reason[1:]  # as Go words them: "no space left on device"


def read_source(path: str, *, check: bool = False) -> str:
    """Read a go.mod / go.work / go.sum as text, keeping invalid UTF-8 bytes (as Go does).

    `parse` and `fmt` print only Go's first error, so binary data already gives one message
    there, and they read pipes (`gomodls fmt <(...)`) as the go command does. `check` reports
    every error, so it refuses binary data up front, and it reads regular files only: a FIFO
    found in a tree would otherwise block it until some process writes to it."""
    try:
        if os.path.isdir(path):
            raise InputError(f"{path}: is a directory")
        fd = os.open(path, os.O_RDONLY | (os.O_NONBLOCK if check else 0))
        with open(fd, "rb") as fh:
            st = os.fstat(fd)
            if check and not stat.S_ISREG(st.st_mode):
                raise InputError(f"{path}: not a regular file, skipped")
            if check:
                os.set_blocking(fd, True)
            data = fh.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                size = max(st.st_size, len(data))
                raise InputError(f"{path}: file too large ({size / 1048576:.1f} MB; the limit is 16 MB)")
    except OSError as e:
        raise InputError(f"{path}: {_reason(e)}") from None
    if check and _looks_binary(data):
        raise InputError(f"{path}: binary data, not a go.mod, go.work or go.sum file")
    return data.decode("utf-8", "surrogateescape")


_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v")


def _looks_binary(data: bytes) -> bool:
    """NUL bytes among many other control bytes. A stray NUL in a text file is not binary: it
    gets the go command's "unexpected input character" error, with its position."""
    sample = data[:8192]
    if b"\0" not in sample:
        return False
    controls = sum(1 for b in sample if (b < 0x20 and b not in _TEXT_CONTROLS) or b == 0x7F)
    return controls * 10 > len(sample)


def _parse_error_report(kind: FileKind, path: str, errors: list[ModError]) -> str:
    """The go command's report: `go mod edit` names the file as given in each error;
    `go work edit` shortens it and wraps the errors once more (modload.ReadWorkFile)."""
    from gomodls.modfile.parsed import FileKind

    header = f"go: errors parsing {short_path(path)}:\n"
    name = path
    if kind is FileKind.WORK:
        header += "errors parsing go.work:\n"
        name = short_path(path)
    return header + "".join(e.go_string(name) + "\n" for e in errors)


def _kind(path: str, work: bool) -> FileKind:
    # (gomodls.modfile.parsed is imported by the commands that parse, not at the command
    # line's import: `serve` turns its code cache on first, lsp/codecache.py)
    from gomodls.modfile.parsed import FileKind

    if work:
        return FileKind.WORK
    kind = FileKind.of(path)
    if kind is FileKind.SUM:
        raise InputError(f"{path}: go.sum files have no JSON form; use gomodls check")
    return kind


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """No cyclic garbage collection while a command parses: a large file's tree is millions of
    small objects that live until the output is written, and every collection would walk them
    all (a third of `parse --json` on 100,000 requirements) to free nothing. Callers that go on
    to another file collect the previous one's tree themselves."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Set by main() when the process ends with _exit_now after the command.
_exiting = False
# The last file's tree, when the process ends with _exit_now: otherwise the command's return
# would free its objects one by one (a twentieth of `fmt` on 100,000 requirements) just before
# the process ends anyway.
_left_for_exit: list[object] = []


def _keep_until_exit(obj: object) -> None:
    if _exiting:
        _left_for_exit[:] = [obj]


def cmd_parse(args: argparse.Namespace) -> int:
    from gomodls.modfile.parsed import json_parsed, parse_once

    kind = _kind(args.file, args.work)
    with _without_gc():
        parsed = parse_once(read_source(args.file), kind, args.file)
        _keep_until_exit(parsed)
        if parsed.go_errors:
            err(_parse_error_report(kind, args.file, parsed.go_errors))
            return 1
        out(json_parsed(parsed))
    return 0


def _write_all(fd: int, data: bytes, offset: int = 0) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view, offset = view[n:], offset + n


def write_in_place(path: str, original: bytes, formatted: bytes) -> None:
    """gofmt -w's writeFile: the file is rewritten in place, so it keeps its mode, owner, hard
    links and ACLs, and a symbolic link keeps pointing at it (the target is what changes); a
    file the user may not write is not written (permission denied), whatever the directory
    allows. As gofmt does, a backup copy next to it comes first (so a directory the user may
    not write fails too), restores the file if the write fails half way, and is removed after."""
    import tempfile

    try:
        st = os.stat(path)
    except OSError as e:
        raise InputError(f"{path}: {_reason(e)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file, not written")
    directory = os.path.dirname(path) or "."
    try:
        fd, backup = tempfile.mkstemp(prefix=os.path.basename(path) + ".", dir=directory)
    except OSError as e:
        raise InputError(f"{path}: cannot write a backup copy in {directory}: {_reason(e)}") from None
    try:
        os.fchmod(fd, stat.S_IMODE(st.st_mode))
        _write_all(fd, original)
    except OSError as e:
        os.close(fd)
        os.unlink(backup)
        raise InputError(f"{path}: cannot write a backup copy in {directory}: {_reason(e)}") from None
    os.close(fd)
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError as e:
        os.unlink(backup)  # nothing was written
        raise InputError(f"{path}: {_reason(e)}") from None
    try:
        try:
            _write_all(fd, formatted)
            os.ftruncate(fd, len(formatted))
            os.fsync(fd)
        except OSError as e:
            try:
                _write_all(fd, original)
                os.ftruncate(fd, len(original))
            except OSError as e2:
                raise InputError(
                    f"{path}: {_reason(e)}; restoring the original failed ({_reason(e2)}): "
                    f"it is saved in {backup}"
                ) from None
            os.unlink(backup)
            raise InputError(f"{path}: {_reason(e)} (the file is unchanged)") from None
    finally:
        os.close(fd)
    os.unlink(backup)


def _fmt_targets(paths: Sequence[str], work: bool) -> Iterator[tuple[str, bool] | InputError]:
    """The files to format, with whether --work applies: a directory is walked like gofmt walks
    one (its go.mod and go.work files, each read as its name says, in gofmt's order; the
    directories `check` skips are skipped), and finding none in it is not an error (gofmt
    prints nothing either)."""
    for path in paths:
        if os.path.isdir(path):
            problems: list[str] = []
            found = list(_walk_lexical(path, problems, FORMATTED_NAMES))
            yield from (InputError(p) for p in problems)
            yield from ((f, False) for f in found)
        else:
            yield path, work


def cmd_fmt(args: argparse.Namespace) -> int:
    with _without_gc():
        return _fmt_all(args)


def _fmt_all(args: argparse.Namespace) -> int:
    from gomodls.modfile.fastfmt import format_fast
    from gomodls.modfile.parsed import NotParsable, format_parsed, parse_once

    status = 0
    for i, target in enumerate(_fmt_targets(args.files, args.work)):
        if i:
            # The trees of the files before (see _without_gc): made since the collector was
            # paused, they are all in its youngest generation, and collecting that one alone
            # walks them, not everything the process has imported.
            gc.collect(0)
        if isinstance(target, InputError):
            err(f"gomodls: {target}\n")
            status = max(status, 2)
            continue
        path, work = target
        try:
            kind = _kind(path, work)
            source = read_source(path)
            # (already formatted require blocks without a tree; None: the usual way decides)
            formatted = format_fast(source, kind, path)
            if formatted is None:
                parsed = parse_once(source, kind, path)
                _keep_until_exit(parsed)
                try:
                    formatted = format_parsed(parsed)
                except NotParsable as e:
                    err(_parse_error_report(kind, path, e.errors))
                    status = 1
                    continue
        except InputError as e:
            err(f"gomodls: {e}\n")
            status = max(status, 2)
            continue
        changed = formatted != source
        if args.list:
            if changed:
                out(path + "\n")
                status = max(status, 1)
        elif args.diff:
            if changed:
                import difflib  # (here: parse and fmt start faster without it)

                out(
                    "".join(
                        difflib.unified_diff(
                            source.splitlines(keepends=True),
                            formatted.splitlines(keepends=True),
                            f"{path}.orig",
                            path,
                        )
                    )
                )
        elif args.write:
            if changed:
                try:
                    write_in_place(path, _bytes(source), _bytes(formatted))
                except InputError as e:
                    err(f"gomodls: {e}\n")
                    status = max(status, 2)
        else:
            out(formatted)
    return status


@dataclass(frozen=True, slots=True)
class Report:
    """One reported problem, with 1-based positions (columns in runes, as Go counts them)."""

    path: str
    line: int  # 1-based
    col: int  # 1-based, in runes as Go counts them
    severity: str
    message: str
    code: str
    go: bool = False  # one of the errors the go command reports for this file
    finding: Finding | None = field(default=None, compare=False, repr=False)  # (for SARIF)
    # The text output's position: the go command's (`line` or `line:col`) for its own errors, so
    # that they read as go prints them; `line:col` of the text at fault for the others.
    at: str = field(default="", compare=False)

    def text(self) -> str:
        message = self.message.replace("\n\t", " ").replace("\n", " ")
        return f"{self.path}:{self.at or f'{self.line}:{self.col}'}: {self.severity}: {message} [{self.code}]"


def _go_at(f: Finding) -> str:
    """modfile.Error.Error()'s position: the column only when it is not the first one."""
    if f.go_position is None:
        return ""
    line, col = f.go_position
    return f"{line + 1}:{col + 1}" if col > 0 else f"{line + 1}"


def check_file(path: str, ctx_base: CheckContext, extra: Sequence[Finding] = ()) -> list[Report]:
    """The file's findings (and `extra` ones: vulnerabilities): the errors the go command
    reports first, in its order (for a go.mod with a syntax error, only that error, wherever it
    is), then the rest by position."""
    from gomodls.analysis import analyze

    source = read_source(path, check=True)
    ctx = replace(ctx_base, path=os.path.abspath(path))
    findings = analyze(source, ctx, path) + list(extra)
    go_first = [f for f in findings if f.go]
    rest = sorted((f for f in findings if not f.go), key=lambda f: (f.range[0], f.range[1]))
    return [
        Report(path, f.range[0] + 1, f.range[1] + 1, f.severity.label, f.message, f.code, f.go, f, _go_at(f))
        for f in go_first + rest
    ]


def _walk(root: str, problems: list[str], names: Sequence[str] = CHECKED_NAMES) -> Iterator[str]:
    """The files called one of `names` under `root`, skipping hidden, `_`-prefixed, testdata and
    node_modules directories (as `go ... ./...` does); directories that cannot be read go to
    `problems`."""

    def failed(e: OSError) -> None:
        where = e.filename if e.filename is not None else root
        reason = "permission denied" if isinstance(e, PermissionError) else (e.strerror or str(e))
        problems.append(f"{where}: {reason}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=failed):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")) and d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            if name in names:
                yield os.path.join(dirpath, name)


def _walk_lexical(root: str, problems: list[str], names: Sequence[str]) -> Iterator[str]:
    """gofmt's walk (filepath.WalkDir): the entries of each directory in lexical order, files and
    directories interleaved, paths joined like filepath.Join (`fmt -l .` prints `a/go.mod`), no
    symbolic link to a directory followed; the directories `_walk` skips are skipped."""
    try:
        with os.scandir(root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        problems.append(f"{root}: {_reason(e)}")
        return
    for entry in entries:
        path = os.path.normpath(os.path.join(root, entry.name))
        if entry.is_dir(follow_symlinks=False):
            if not entry.name.startswith((".", "_")) and entry.name not in SKIPPED_DIRS:
                yield from _walk_lexical(path, problems, names)
        elif entry.name in names:
            yield path


def _targets(paths: Sequence[str]) -> Iterator[str | InputError]:
    """Files to check, and the problems met finding them (each reported, the rest still checked)."""
    for path in paths:
        if os.path.isdir(path):
            problems: list[str] = []
            found = list(_walk(path, problems))
            yield from (InputError(p) for p in problems)
            if not found and not problems:
                yield InputError(f"{path}: no go.mod, go.work or go.sum files found")
            yield from found
        else:
            yield path


def _check_context() -> CheckContext:
    from gomodls.analysis import CheckContext
    from gomodls.analysis.context import DiskFiles

    env = _go_env()
    go = _local_go()
    return CheckContext(
        "", DiskFiles(), go.version if go else None, env.get("GOTOOLCHAIN"), env.get("GOWORK")
    )


def cmd_check(args: argparse.Namespace) -> int:
    findings: list[Report] = []
    status = 0
    ctx = _check_context()
    shown = SEVERITIES[: SEVERITIES.index(args.severity) + 1]
    targets = list(_targets(args.paths))
    vulns: dict[str, list[Finding]] = {}
    if args.vulns:
        gomods = [t for t in targets if isinstance(t, str) and os.path.basename(t) == "go.mod"]
        report = _VulnReport()
        if gomods:
            import asyncio

            asyncio.run(_check_vulns(gomods, args.format == "sarif", report))
        for line in report.notes:
            err(f"gomodls: {line}\n")
        for line in report.problems:
            err(f"gomodls: {line}\n")
            status = 2
        vulns = report.findings
    sums: dict[str, list[Finding]] = {}
    if args.sumdb:
        targets = _with_sum_files(targets)
        sumdb = _SumDBReport()
        sum_files = [t for t in targets if isinstance(t, str) and os.path.basename(t) in SUM_NAMES]
        import asyncio

        asyncio.run(_check_sumdb(sum_files, sumdb))
        for line in sumdb.problems:
            err(f"gomodls: {line}\n")
            status = 2
        if sumdb.misbehavior is not None:
            # go prints its fork report as it is, other proofs of lying as errors.
            text = sumdb.misbehavior
            text = text if text.startswith("SECURITY ERROR\n") else f"gomodls: {text}"
            err(text if text.endswith("\n") else text + "\n")
            status = 1
        err(sumdb.summary())
        sums = sumdb.findings
    checked = 0
    for target in targets:
        try:
            if isinstance(target, InputError):
                raise target
            reports = check_file(target, ctx, [*vulns.get(target, ()), *sums.get(target, ())])
            findings.extend(r for r in reports if r.severity in shown)
            checked += 1
        except InputError as e:
            err(f"gomodls: {e}\n")
            status = 2
    import json  # (here: parse and fmt start faster without it)

    if args.format == "json":
        out(json.dumps([_finding_dict(f) for f in findings], indent=2) + "\n")
    elif args.format == "sarif":
        from gomodls.analysis.sarif import Located, sarif_log

        located = [Located(r.path, r.finding) for r in findings if r.finding is not None]
        # (bytes of a file that are not UTF-8 become U+FFFD: JSON cannot carry them)
        out(_valid_text(json.dumps(sarif_log(located, __version__), indent=2, ensure_ascii=False)) + "\n")
    else:
        out("".join(f.text() + "\n" for f in findings))
        if checked and any(os.path.isdir(p) for p in args.paths):  # (nothing read: the errors said why)
            sys.stdout.flush()  # (the findings first, where both streams go to one terminal)
            err(f"gomodls: {_summary(checked, findings, shown)}\n")
    if any(f.severity == "error" for f in findings):
        status = max(status, 1)
    if args.vulns and status < 2:
        from gomodls.analysis.vulnchecks import any_affected

        if any_affected(f for fs in vulns.values() for f in fs):
            status = 1
    return status


SUM_NAMES = ("go.sum", "go.work.sum")


def _with_sum_files(targets: list[str | InputError]) -> list[str | InputError]:
    """The targets, each go.mod followed by the go.sum beside it and each go.work by its
    go.work.sum (when they exist and are not targets already)."""
    seen = {os.path.abspath(t) for t in targets if isinstance(t, str)}
    out: list[str | InputError] = []
    for t in targets:
        out.append(t)
        if isinstance(t, str) and os.path.basename(t) in ("go.mod", "go.work"):
            beside = os.path.join(os.path.dirname(t), "go.sum" if t.endswith("go.mod") else "go.work.sum")
            if os.path.abspath(beside) not in seen and os.path.isfile(beside):
                seen.add(os.path.abspath(beside))
                out.append(beside)
    return out


@dataclass(slots=True)
class _SumDBReport:
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by go.sum path as given
    verified: int = 0
    exempt: int = 0
    unverified: int = 0
    problems: list[str] = field(default_factory=list)
    misbehavior: str | None = None

    def summary(self) -> str:
        more = f", {self.unverified} not verified" if self.unverified else ""
        return f"gomodls: verified {self.verified} lines, {self.exempt} exempt{more}\n"


MAX_SUMDB_PROBLEMS = 5  # an unreachable database fails every line: the first few say why


async def _check_sumdb(sum_files: list[str], report: _SumDBReport) -> None:
    """Every line of each go.sum and go.work.sum against the checksum database (GOSUMDB), as
    the go command checks a download with that hash; one database client for them all."""
    from gomodls.analysis.sumdbchecks import check_sum_file
    from gomodls.base.files import read_regular_text
    from gomodls.modfile.gosum import parse_sum
    from gomodls.resolve.sumdbcheck import SumDBChecker
    from gomodls.resolve.transport import Transport
    from gomodls.sumdb.config import settings_from_env

    env = _go_env()
    transport = Transport(env.environ, goauth=env.get("GOAUTH"))
    checker = SumDBChecker(settings_from_env(env), transport)
    problems: list[str] = []
    try:
        for path in sum_files:
            text = read_regular_text(path)
            if text is None:
                continue  # (check_file reports the unreadable file)
            found = await check_sum_file(parse_sum(text, os.path.basename(path)), checker)
            report.findings[path] = found.findings
            report.verified += found.verified
            report.exempt += found.exempt
            report.unverified += found.unverified
            problems.extend(p for p in found.problems if p not in problems)
            if found.misbehavior is not None and report.misbehavior is None:
                report.misbehavior = found.misbehavior
    finally:
        await checker.aclose()
        await transport.close()
    report.problems = problems[:MAX_SUMDB_PROBLEMS]
    if len(problems) > MAX_SUMDB_PROBLEMS:
        report.problems.append(
            f"... and {len(problems) - MAX_SUMDB_PROBLEMS} more errors of the checksum database"
        )


_PLURALS = {"error": "errors", "warning": "warnings", "information": "information", "hint": "hints"}


def _summary(checked: int, findings: Sequence[Report], shown: Sequence[str]) -> str:
    """`check DIR`'s last line (stderr): how many files were read, and the findings shown by
    severity, e.g. `4 files checked: 3 errors, 1 warning, 0 information`."""
    counts = [(sum(1 for f in findings if f.severity == s), s) for s in shown]
    by_severity = ", ".join(f"{n} {s if n == 1 else _PLURALS[s]}" for n, s in counts)
    return f"{checked} file{'' if checked == 1 else 's'} checked: {by_severity}"


@dataclass(slots=True)
class _VulnReport:
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by go.mod path as given
    problems: list[str] = field(default_factory=list)  # what could not be checked
    notes: list[str] = field(default_factory=list)  # how far to trust what was checked


VULN_PLAN_TIMEOUT = 60.0  # seconds for the module graph of one upgrade (SARIF fixes)


async def _check_vulns(gomods: list[str], fixes: bool, report: _VulnReport) -> None:
    """The known vulnerabilities of each go.mod's build list: each module or workspace
    resolved once, as `gomodls resolve` does (after the updates go.mod needs, -mod=mod; a
    workspace as it is), its build list looked up in GOVULNDB. With `fixes`, each finding
    carries the edit of its upgrade (a resolution per affected module: only SARIF shows it)."""
    from gomodls.analysis.vulnchecks import assess, check_vulns, describe_age
    from gomodls.base.files import DiskFiles
    from gomodls.gocommand.direct import GoCommandDirect
    from gomodls.gocommand.modquery import ModQuery
    from gomodls.modfile.model import ModFile
    from gomodls.modfile.parsed import FileKind, parse_text
    from gomodls.resolve.driver import ResolveOptions, Resolver, SetupError, roots_for
    from gomodls.resolve.moduleinfo import ModuleFactsService
    from gomodls.vuln.client import BadVulnDB, VulnDB, database_url
    from gomodls.vuln.scan import scan

    env = _go_env()
    try:
        db_url = database_url(env)
    except BadVulnDB as e:
        report.problems.append(f"{e}; vulnerabilities were not checked")
        return
    files = DiskFiles()
    go = _local_go()
    local = go.version if go else None
    # Modules from version control (GOPROXY=direct, GOPRIVATE): the go command fetches them.
    direct = GoCommandDirect(ModQuery(go.binary, env)) if go else None
    fetcher = Resolver.for_env(env, files, direct=direct).fetcher
    facts = ModuleFactsService(fetcher)
    db = VulnDB(db_url, fetcher.transport, fetcher.cache)
    resolved: dict[str, Resolution | str] = {}
    try:
        for gomod in gomods:
            directory = os.path.dirname(os.path.abspath(gomod))
            try:
                roots = roots_for(directory, env, files)
            except SetupError as e:
                report.problems.append(f"{gomod}: vulnerabilities not checked: {str(e).splitlines()[0]}")
                continue
            key = roots.work.path if roots.work is not None else roots.mains[0].dir
            if key not in resolved:
                mode = "readonly" if roots.work is not None else "mod"
                options = ResolveOptions.for_env(env, local, mod_mode=mode, check_sums=False)
                done = await Resolver(fetcher, files, cwd=directory).resolve(roots, options)
                errors = done.result.errors
                resolved[key] = errors[0].removeprefix("go: ").splitlines()[0] if errors else done
            outcome = resolved[key]
            if isinstance(outcome, str):
                report.problems.append(f"{gomod}: vulnerabilities not checked: {outcome}")
                continue
            found = await scan(outcome.result, db, facts)
            snapshot = found.snapshot
            if snapshot.index is None:
                problem = f"vulnerability database {db.url} unavailable: {snapshot.error}; vulnerabilities were not checked"
                if problem not in report.problems:
                    report.problems.append(problem)
                continue
            if snapshot.stale:
                note = f"vulnerability data from {describe_age(snapshot.age())} ({snapshot.error.splitlines()[0]})"
                if note not in report.notes:
                    report.notes.append(note)
            path = os.path.abspath(gomod)
            text = files.read_text(path) or ""
            model = parse_text(text, FileKind.MOD, gomod).model
            if not isinstance(model, ModFile):
                continue
            assessment = assess(
                outcome.result,
                snapshot,
                found.facts.get,
                excluded={(x.mod.path, x.mod.version) for x in model.exclude},
                imports=found.imports,
                reached=found.reach.packages,
                reach_complete=found.reach.complete,
            )
            upgrade_fix = None
            if fixes:
                resolver = Resolver(fetcher, files, cwd=directory)
                upgrade_fix = await _upgrade_fixes(assessment, text, path, env, files, resolver, local)
            report.findings[gomod] = check_vulns(model, assessment, "all", upgrade_fix)
    finally:
        await fetcher.close()


async def _upgrade_fixes(
    assessment: Assessment,
    text: str,
    path: str,
    env: GoEnv,
    files: FileSource,
    resolver: Resolver,
    local: str | None,
) -> Callable[[str, dict[str, str]], Fix | None]:
    """The fix of each affected module's upgrade, as the go.mod `go get M@fixed` writes."""
    from gomodls.analysis.findings import Fix
    from gomodls.base.textedit import line_edits
    from gomodls.resolve.driver import ResolveOptions
    from gomodls.resolve.upgradeplan import plan_upgrade

    options = ResolveOptions.for_env(env, local, mod_mode="mod", check_sums=False)
    edits = {}
    for mf in assessment.modules:
        if mf.fixed:
            new_text, note = await plan_upgrade(
                text, path, {mf.module.path: mf.fixed}, env, files, resolver, options, VULN_PLAN_TIMEOUT
            )
            if not note and new_text != text:
                edits[mf.module.path] = line_edits(text, new_text)

    def fix(title: str, targets: dict[str, str]) -> Fix | None:
        found = edits.get(next(iter(targets)))
        return Fix(title, {path: found}, True) if found else None

    return fix


JSON_FIELDS = ("path", "line", "col", "severity", "message", "code", "go")


def _finding_dict(f: Report) -> dict[str, object]:
    """A finding as JSON. Text from the file may hold invalid UTF-8, which JSON cannot carry:
    those bytes become U+FFFD, as in Go's encoding/json (and `go mod edit -json`)."""
    return {
        name: _valid_text(value) if isinstance(value, str) else value
        for name in JSON_FIELDS
        if (value := getattr(f, name)) is not None
    }


def _valid_text(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the language server; only what serving needs is imported here, so it starts fast."""
    from gomodls.base import malloc

    malloc.tune()  # (before the server allocates much: see base/malloc.py)

    # The imports make ~120,000 objects, nearly all for the whole session: collecting while
    # they are made took ~30 ms of the start, for nothing. They are frozen (out of the
    # collector's way) once made; the garbage among them is reclaimed by the server's first
    # idle collection (lsp/heap.py), not before the first diagnostics.
    gc.disable()
    from gomodls.lsp import codecache

    # Before anything else is imported: most of the start-up is generated code (lsprotocol's
    # attrs classes, every dataclass) and, without .pyc files, gomodls's own modules.
    codecache.enable()
    import logging

    handler: logging.Handler = (
        logging.FileHandler(args.log_file, encoding="utf-8")
        if args.log_file
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("pygls").setLevel(logging.WARNING)

    from gomodls.lsp.app import create_server

    server = create_server()
    gc.freeze()
    gc.enable()
    profile_to = os.environ.get("GOMODLS_PROFILE")  # a cProfile dump of the session, for performance work
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        if args.tcp:
            host, _, port = args.tcp.rpartition(":")
            server.start_tcp(host or "127.0.0.1", int(port))
        else:
            server.start_io()
    finally:
        if profile_to:
            profiler.disable()
            profiler.dump_stats(profile_to)
    return server.exit_status


def _resolution_setup(directory: str) -> tuple[GoEnv, Roots, Resolver, ResolveOptions]:
    """The Go environment, the roots, a resolver and its options for `directory`, as the go
    command sees them."""
    from gomodls.base.files import DiskFiles
    from gomodls.gocommand.direct import GoCommandDirect
    from gomodls.gocommand.modquery import ModQuery
    from gomodls.resolve.driver import ResolveOptions, Resolver, SetupError, build_mod, roots_for

    if not os.path.isdir(directory):
        raise InputError(f"{directory}: not a directory")
    env = _go_env()
    files = DiskFiles()
    try:
        roots = roots_for(directory, env, files)
    except SetupError as e:
        err("".join(f"go: {e}\n" for e in e.errors))
        raise SystemExit(1) from None
    mod = env.goflag("mod")
    if roots.work is not None and mod not in (None, "readonly", "vendor"):
        err("go: -mod may only be set to readonly or vendor when in workspace mode\n")
        raise SystemExit(1)
    go = _local_go()
    options = ResolveOptions.for_env(env, go.version if go else None)
    options = dataclasses.replace(options, mod_mode=build_mod(roots, mod))
    # Modules from version control (GOPROXY=direct, GOPRIVATE): the go command fetches them.
    direct = GoCommandDirect(ModQuery(go.binary, env)) if go else None
    # `gomodls resolve DIR` is `go -C DIR list -m all`: file names in messages are relative to DIR.
    resolver = Resolver.for_env(env, files, cwd=os.path.abspath(directory), direct=direct)
    return env, roots, resolver, options


def _resolve(resolver: Resolver, roots: Roots, options: ResolveOptions) -> Resolution:
    """Run the resolution. The coroutine given to asyncio.run returns nothing on purpose: on the
    way out asyncio.run (Python 3.11) looks at the SIGINT handler, a partial holding its main
    task, and formatting that (in a ValueError message that signal.getsignal catches) formats
    the task's result — a second or more for the repr of a build list of hundreds of modules."""
    import asyncio

    done: list[Resolution] = []

    async def main() -> None:
        try:
            done.append(await resolver.resolve(roots, options))
        finally:
            await resolver.fetcher.close()

    asyncio.run(main())
    return done[0]


def cmd_resolve(args: argparse.Namespace) -> int:
    from gomodls.module.paths import ModuleVersion
    from gomodls.resolve.driver import sum_hashes
    from gomodls.resolve.listjson import CacheHooks, render_json, render_text
    from gomodls.resolve.modcache import ModCache

    env, roots, resolver, options = _resolution_setup(args.dir)
    if options.mod_mode == "vendor":
        err(_vendor_refusal(roots, env) + "\n")
        return 1
    resolution = _resolve(resolver, roots, options)
    if resolution.security_errors:
        err(resolution.security_errors[0] + "\n")  # Go stops at the first one
        return 1
    result = resolution.result
    err(result.stderr)
    if not result.ok:
        return 1
    if args.json:
        cache = ModCache(env.get("GOMODCACHE"))
        sums = sum_hashes(roots, resolver.files)

        def recorded_sum(key: ModuleVersion) -> str | None:
            # modfetch.RecordedSum: go.sum files that disagree record nothing.
            hashes = sums.get((key.path, key.version))
            return next(iter(hashes)) if hashes and len(hashes) == 1 else None

        hooks = CacheHooks(
            go_mod_path=lambda mv: cache.file_path(mv.path, mv.version, ".mod"),
            module_dir=lambda mv: cache.download_dir(mv.path, mv.version),
            recorded_sum=recorded_sum,
        )
        out(render_json(result.modules, hooks))
    else:
        out(render_text(result.modules))
    return 0


def _vendor_refusal(roots: Roots, env: GoEnv) -> str:
    """What `go list -m all` says in vendor mode: the vendor directory's inconsistencies with
    go.mod first (modload.checkVendorConsistency, when loading go.mod), else that it cannot list
    the module graph from the vendor directory."""
    from gomodls.analysis.context import CheckContext
    from gomodls.analysis.vendor import check_vendor
    from gomodls.base.files import DiskFiles
    from gomodls.modfile.parsed import FileKind, parse_text
    from gomodls.resolve.driver import CANNOT_LIST_ALL_FROM_VENDOR

    if roots.work is None:
        main = roots.mains[0]
        text = DiskFiles().read_text(main.gomod) or ""
        go = _local_go()
        ctx = CheckContext(main.gomod, DiskFiles(), go.version if go else None, env.get("GOTOOLCHAIN"), "off")
        details = [
            f.message.removeprefix("inconsistent vendoring: ").partition("\n\tTo sync")[0]
            for f in check_vendor(parse_text(text, FileKind.MOD, "go.mod"), ctx)
            if f.code == "inconsistent-vendoring"
        ]
        if details:
            return (
                f"go: inconsistent vendoring in {main.dir}:\n"
                + "".join(f"\t{d}\n" for d in details)
                + "\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n"
                "\tTo sync the vendor directory, run:\n\t\tgo mod vendor"
            )
    return CANNOT_LIST_ALL_FROM_VENDOR


def cmd_why(args: argparse.Namespace) -> int:
    _, roots, resolver, options = _resolution_setup(args.dir)
    resolution = _resolve(resolver, roots, options)
    if resolution.security_errors:
        err(resolution.security_errors[0] + "\n")
        return 1
    result = resolution.result
    err(result.stderr)
    if not result.ok:
        return 1
    chain = result.chain(args.module)
    if not chain:
        out(f"# {args.module}\n(the build list does not contain module {args.module})\n")
        return 1
    selected = chain[-1]
    out(f"# {selected}\n" + "".join(f"{mv}\n" for mv in chain))
    return 0


def _tcp_address(value: str) -> str:
    _, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return value


def _exit_now(status: int) -> None:
    """End the process without tearing the interpreter down: after a resolution that takes a
    tenth of `gomodls resolve`'s time (freeing the graph, the parsed files, closing the cache),
    after `parse` or `fmt` of a large file a third of theirs (freeing millions of tree objects).
    Only as a program (main() without argv): in-process callers get their status back."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        status = 1
    os._exit(status)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gomodls", description="Language server and tools for go.mod, go.work and go.sum."
    )
    parser.add_argument("--version", action="version", version=f"gomodls {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="print a go.mod or go.work as JSON, like `go mod edit -json`")
    p.add_argument("--json", action="store_true", required=True, help="print JSON (the only output form)")
    p.add_argument("--work", action="store_true", help="treat FILE as a go.work whatever its name")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(run=cmd_parse)

    p = sub.add_parser("fmt", help="format go.mod / go.work files like `go mod edit -fmt`")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("-w", dest="write", action="store_true", help="write the result back to the file")
    mode.add_argument("-d", dest="diff", action="store_true", help="print a unified diff")
    mode.add_argument("-l", dest="list", action="store_true", help="list files that are not formatted")
    p.add_argument("--work", action="store_true", help="treat the files as go.work files")
    p.add_argument(
        "files",
        nargs="+",
        metavar="PATH",
        help="files, or directories: their go.mod and go.work files, searched recursively like gofmt",
    )
    p.set_defaults(run=cmd_fmt)

    p = sub.add_parser(
        "check",
        help="report problems in go.mod, go.work and go.sum files (offline unless --vulns or --sumdb)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (the default), a JSON array, or a SARIF 2.1.0 log (GitHub code scanning)",
    )
    p.add_argument(
        "--vulns",
        action="store_true",
        help="also report known vulnerabilities of each go.mod's build list (GOVULNDB; resolves the graph)",
    )
    p.add_argument(
        "--sumdb",
        action="store_true",
        help="also verify every go.sum and go.work.sum line against the checksum database (GOSUMDB; "
        "GONOSUMDB/GOPRIVATE modules are exempt)",
    )
    p.add_argument(
        "--severity",
        choices=SEVERITIES,
        default="information",
        help="the least severe findings to show (default: information; hints are style advice)",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files, or directories: their go.mod, go.work, go.sum and go.work.sum files, searched recursively",
    )
    p.set_defaults(run=cmd_check)

    p = sub.add_parser(
        "resolve", help="print the build list, like `go list -m all` (-json: `go list -m -json all`)"
    )
    p.add_argument("--json", action="store_true", help="print JSON objects like go list -m -json all")
    p.add_argument(
        "dir", nargs="?", default=".", metavar="DIR", help="the module or workspace directory (default .)"
    )
    p.set_defaults(run=cmd_resolve)

    p = sub.add_parser("why", help="show the requirement chain that selects a module's version")
    p.add_argument("module", metavar="MODULE")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR")
    p.set_defaults(run=cmd_why)

    p = sub.add_parser("serve", help="run the language server (stdio by default)")
    p.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    p.add_argument(
        "--tcp", metavar="HOST:PORT", type=_tcp_address, help="listen on a TCP port instead (for debugging)"
    )
    p.add_argument("--log-file", metavar="FILE", help="write the log here instead of stderr")
    p.set_defaults(run=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    exits_now = argv is None and args.run in (cmd_parse, cmd_fmt, cmd_resolve, cmd_why)
    global _exiting
    _exiting = exits_now
    if exits_now and args.run in (cmd_parse, cmd_fmt):
        # The process ends with _exit_now, never freeing the tree: with the collector off for
        # good, _without_gc leaves it off, and the first allocation after it would otherwise
        # start a collection of the youngest generation, which holds every object of the tree
        # (a tenth of `parse --json` on 100,000 requirements, to free nothing).
        gc.disable()
    try:
        status = int(args.run(args))
        if exits_now:
            _exit_now(status)
        return status
    except InputError as e:
        err(f"gomodls: {e}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
