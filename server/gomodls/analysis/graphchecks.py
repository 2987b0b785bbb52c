"""Checks that need the module graph and the proxies' answers (pure: the caller passes what is
known). Findings are placed on the current text, so a graph resolved for an older version of
the file still points at the right lines; what depends on the exact requirements (go.mod needs
updates, go.sum needs) is only reported when the graph is of the current requirements."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from gomodls.analysis.findings import Action, Finding, Fix, LazyEdits, Severity
from gomodls.analysis.lines import args, line_range
from gomodls.base.textedit import TextEdit, line_edits
from gomodls.modfile.errors import Range, token_range
from gomodls.modfile.gosum import SumFile
from gomodls.modfile.model import ModFile, Require
from gomodls.module import gover, semver
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.driver import checksum_mismatch
from gomodls.resolve.failures import is_transient
from gomodls.resolve.moduleinfo import ModuleFacts, retracted_message, short_message
from gomodls.resolve.result import GoModUpdate, Result
from gomodls.resolve.upgrades import Upgrades


class SumState(Enum):
    """What the checksum database says of one go.sum line (`go help module-auth`)."""

    VERIFIED = "verified"  # the database records this hash
    EXEMPT = "exempt"  # never sent: GOSUMDB=off, or the path matches GONOSUMDB/GOPRIVATE
    PENDING = "pending"  # being looked up
    MISMATCH = "mismatch"  # the database records another hash: go's SECURITY ERROR
    FAILED = "failed"  # the lookup failed (database unreachable, a bad answer); retried later


@dataclass(frozen=True, slots=True)
class SumVerdict:
    state: SumState
    message: str = ""  # go's words for MISMATCH and FAILED; what exempts for EXEMPT

    @property
    def writable(self) -> bool:
        """Whether the go command would write the line: verified, or exempt from verification."""
        return self.state in (SumState.VERIFIED, SumState.EXEMPT)


NO_SUMDB = SumVerdict(SumState.EXEMPT, "GOSUMDB=off")


@dataclass(slots=True)
class GraphView:
    """What is known about the module graph of the file being checked."""

    result: Result | None = None
    current: bool = False  # the result is of the file's current requirements
    facts: Callable[[str], ModuleFacts | None] = lambda path: None
    newer_major: Callable[[str], tuple[str, str] | None] = lambda path: None
    upgrade_level: str = "minor"
    sums: SumFile | None = None  # the module's go.sum as it is now (None: no go.sum)
    sum_text: str = ""
    sum_path: str = ""
    mod_hash: Callable[[ModuleVersion], str | None] = lambda mv: None
    zip_hash: Callable[[ModuleVersion], str | None] = lambda mv: None  # of a zip in the module cache
    # The checksum database's word on a go.sum line (path, version as in go.sum, hash).
    sum_verdict: Callable[[str, str, str], SumVerdict] = lambda path, version, h: NO_SUMDB
    # What the go command would write (computed when the fix is looked at), if it would.
    go_mod_edits: Callable[[], list[TextEdit]] | None = None
    go_mod_update: GoModUpdate | None = None
    doc_uri: str = ""
    doc_version: int | None = None


def _version_token(r: Require) -> Range:
    a = args(r.syntax)
    return token_range(a[1]) if len(a) > 1 else line_range(r.syntax)


def _upgrade_fix(view: GraphView, title: str, targets: dict[str, str], preferred: bool = False) -> Fix:
    argument = {"uri": view.doc_uri, "version": view.doc_version, "targets": targets}
    return Fix(title, {}, preferred, action=(Action.UPGRADE, [argument]))


def check_go_mod(model: ModFile, path: str, view: GraphView) -> list[Finding]:
    out: list[Finding] = []
    excluded: dict[str, set[str]] = {}
    for x in model.exclude:
        excluded.setdefault(x.mod.path, set()).add(x.mod.version)
    frozen = {p: frozenset(vs) for p, vs in excluded.items()}
    for r in model.require:
        out.extend(_requirement(r, view, frozen.get(r.mod.path, frozenset())))
    if view.result is not None and view.current:
        out.extend(_graph_errors(model, view.result))
        out.extend(_needs_updates(model, path, view))
        out.extend(_missing_sums(model, view))
    return out


def _requirement(r: Require, view: GraphView, excluded: frozenset[str]) -> list[Finding]:
    """`excluded`: the versions of r's module that go.mod excludes."""
    facts = view.facts(r.mod.path)
    if facts is None or not semver.is_valid(r.mod.version):
        return []
    out: list[Finding] = []
    rng = _version_token(r)
    retraction = facts.retraction(r.mod.version)
    up = facts.upgrades(r.mod.version, excluded)
    if retraction is not None:
        fixes = []
        if up.latest:
            fixes.append(
                _upgrade_fix(
                    view,
                    f"Upgrade to {up.latest}, the latest unretracted version",
                    {r.mod.path: up.latest},
                    True,
                )
            )
        out.append(
            Finding(
                rng,
                Severity.WARNING,
                "retracted-version",
                f"{r.mod.path}@{r.mod.version}: {retracted_message(retraction)}",
                fixes,
            )
        )
    if facts.deprecated:
        fixes = []
        named = _named_module(facts.deprecated)
        if named:
            fixes.append(Fix(f"Open {named} on pkg.go.dev", {}, action=(Action.OPEN_MODULE, [named])))
        a = args(r.syntax)
        out.append(
            Finding(
                token_range(a[0]) if a else rng,
                Severity.WARNING,
                "deprecated-module",
                f"module {r.mod.path} is deprecated: {short_message(facts.deprecated, '')}",
                fixes,
                deprecated=True,
            )
        )
    if retraction is None and view.upgrade_level != "off":
        out.extend(_upgrade(r, rng, up, view))
    return out


_MODULE_IN_TEXT = re.compile(r"\b((?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[A-Za-z0-9._~+-]+)+)")


def _named_module(message: str) -> str:
    """The first module-looking path in a deprecation message ("use example.com/new instead")."""
    m = _MODULE_IN_TEXT.search(message)
    return m.group(1).rstrip(".") if m else ""


def _upgrade(r: Require, rng: Range, up: Upgrades, view: GraphView) -> list[Finding]:
    level = view.upgrade_level
    target = up.patch if level == "patch" else up.minor
    major = view.newer_major(r.mod.path) if level == "latest" else None
    if not target and major is None:
        return []
    fixes: list[Fix] = []
    if up.patch:
        fixes.append(_upgrade_fix(view, f"Upgrade to {up.patch} (latest patch)", {r.mod.path: up.patch}))
    if up.minor and up.minor != up.patch and level != "patch":
        fixes.append(_upgrade_fix(view, f"Upgrade to {up.minor} (latest minor)", {r.mod.path: up.minor}))
    parts = []
    if target:
        parts.append(f"{r.mod.path} can be upgraded to {target}")
    if major is not None:
        new_path, version = major
        parts.append(
            f"a new major version exists: {new_path} {version} (a different module path: "
            "its packages are imported with the new path)"
        )
        fixes.append(
            _upgrade_fix(
                view,
                f"Add a requirement on {new_path} {version} (imports must change to the new path)",
                {new_path: version},
            )
        )
    return [Finding(rng, Severity.HINT, "upgrade-available", "; ".join(parts), fixes)]


# The proxies cannot be reached (offline, GOPROXY=off): not a problem of the file. The language
# server says so once instead (a transport failure reads `Get "URL": dial tcp ...: connect: connection refused`).
def unreachable(message: str) -> bool:
    """Whether a load error says the proxies could not answer (GOPROXY=off, a 5xx, the
    network) rather than something about the file: never a squiggle, one message at most."""
    return "module lookup disabled by GOPROXY=off" in message or is_transient(message)


def _graph_errors(model: ModFile, result: Result) -> list[Finding]:
    """The go command's errors, on the requirement they name (else on the module line)."""
    out = []
    for message in result.errors:
        text = message.removeprefix("go: ")
        if "updates to go.mod needed" in text or unreachable(text):
            continue  # reported per requirement by _needs_updates; or not a problem of the file
        where = next((r for r in model.require if f"{r.mod.path}@{r.mod.version}" in text), None)
        if where is not None:
            rng = _version_token(where)
        elif model.module is not None:
            rng = line_range(model.module.syntax)
        else:
            rng = (0, 0, 0, 0)
        code = "missing-go-sum-entry" if "missing go.sum entry" in text else "module-graph-error"
        if code == "missing-go-sum-entry":
            continue  # _missing_sums reports these, with the fix
        if any(f.range == rng for f in out):
            continue  # one per requirement: the first (the .info and .mod of a version fail alike)
        out.append(Finding(rng, Severity.ERROR, code, text))
    return out


def _needs_updates(model: ModFile, path: str, view: GraphView) -> list[Finding]:
    update = view.go_mod_update
    if update is None or not update.dirty or view.go_mod_edits is None:
        return []
    edits = view.go_mod_edits
    fix = Fix("Update go.mod as the go command would", LazyEdits(lambda: {path: edits()}), True)
    out: list[Finding] = []
    wanted = {m.path: (m.version, indirect) for m, indirect in update.require}
    written = {r.mod.path: r for r in model.require}
    for p, (version, _) in wanted.items():
        r = written.get(p)
        # (A version written another way, v1.2 for v1.2.0, is noncanonical-version's finding.)
        if r is not None and semver.compare(r.mod.version, version) < 0:
            out.append(
                Finding(
                    _version_token(r),
                    Severity.WARNING,
                    "go-mod-needs-update",
                    f"{p} {r.mod.version} is lower than the version the module graph selects, {version}: "
                    "the go command would update go.mod (-mod=readonly fails: updates to go.mod needed)",
                    [fix],
                )
            )
    anchor = line_range(model.module.syntax) if model.module is not None else (0, 0, 0, 0)
    missing = [f"{p} {v}" for p, (v, _) in wanted.items() if p not in written]
    if missing:
        out.append(
            Finding(
                anchor,
                Severity.WARNING,
                "go-mod-needs-update",
                "go.mod needs requirements the module graph implies: " + ", ".join(missing),
                [fix],
            )
        )
    current_go = model.go.version if model.go is not None else ""
    if update.go and current_go and gover.compare(update.go, current_go) > 0:
        needing = _needs_go(view.result, update.go)
        assert model.go is not None
        out.append(
            Finding(
                token_range(args(model.go.syntax)[0]),
                Severity.WARNING,
                "dependency-needs-newer-go",
                f"{needing} requires go >= {update.go}, newer than this module's go {current_go}: "
                "the go command would raise the go line",
                [fix],
            )
        )
    return out


def _needs_go(result: Result | None, version: str) -> str:
    for mi in result.modules if result is not None else []:
        if not mi.main and mi.go_version == version:
            return f"{mi.path}@{mi.version}"
    return "a dependency"


def _missing_sums(model: ModFile, view: GraphView) -> list[Finding]:
    """go.mod hashes the go command checks under -mod=readonly that go.sum lacks."""
    assert view.result is not None
    have = view.sums.hashes() if view.sums is not None else {}
    # (Only go.mod files that could be read: otherwise the go command fails on the read first.)
    missing = sorted(
        mv
        for mv in view.result.required_sums
        if (mv.path, mv.version) not in have
        and view.mod_hash(ModuleVersion(mv.path, mv.version.removesuffix("/go.mod"))) is not None
    )
    if not missing or not view.sum_path:
        return []
    add, held = sum_lines_to_add(view, missing)
    sum_text, sum_path = view.sum_text, view.sum_path
    fixes = (
        [
            Fix(
                "Add missing go.sum entries",
                LazyEdits(lambda: {sum_path: merge_sum_lines(sum_text, add)}),
                True,
            )
        ]
        if add
        else []
    )
    pending = [line for line, v in held if v.state is SumState.PENDING]
    if pending and not add:
        fixes = [Fix("Add missing go.sum entries", {}, True, disabled=_waiting(pending))]
    out = []
    written = {r.mod.path: r for r in model.require}
    for key in missing:
        mv = ModuleVersion(key.path, key.version.removesuffix("/go.mod"))
        chain = view.result.chain(mv.path)
        direct = written.get(mv.path) or (written.get(chain[1].path) if len(chain) > 1 else None)
        rng = (
            line_range(direct.syntax)
            if direct is not None
            else (line_range(model.module.syntax) if model.module is not None else (0, 0, 0, 0))
        )
        out.append(
            Finding(
                rng,
                Severity.ERROR,
                "missing-go-sum-entry",
                f"{mv}: missing go.sum entry for go.mod file; to add it:\n\tgo mod download {mv.path}"
                + "".join(
                    f"\n{_held_note(line, v)}"
                    for line, v in held
                    if line.startswith(f"{mv.path} {mv.version}")
                ),
                fixes,
            )
        )
    return out


def _waiting(lines: list[str]) -> str:
    return f"waiting for the checksum database to verify {len(lines)} hash(es)"


def _held_note(line: str, verdict: SumVerdict) -> str:
    """Why a go.sum line is not in the fix (nothing unverified is written)."""
    if verdict.state is SumState.PENDING:
        what = line.rsplit(" ", 1)[0].replace(" ", "@")
        return f"{what}: being verified with the checksum database (the fix adds it once verified)"
    return verdict.message.rstrip("\n")


def sum_lines_to_add(
    view: GraphView, keys: list[ModuleVersion]
) -> tuple[list[str], list[tuple[str, SumVerdict]]]:
    """The go.mod hashes we fetched for keys ("path", "version/go.mod"), and the module's own hash
    where its zip is in the module cache (what `go mod download M`, the go command's advice,
    adds), as go.sum lines to add. Only lines the checksum database verified (or that are exempt
    from it) are added, as the go command does; the others are returned with its verdict."""
    have = view.sums.hashes() if view.sums is not None else {}
    new = []
    held: list[tuple[str, SumVerdict]] = []
    for key in keys:
        mv = ModuleVersion(key.path, key.version.removesuffix("/go.mod"))
        candidates = [(key.version, view.mod_hash(mv))]
        if (mv.path, mv.version) not in have:
            candidates.append((mv.version, view.zip_hash(mv)))
        for version, h in candidates:
            if h is None:
                continue
            line = f"{mv.path} {version} {h}"
            verdict = view.sum_verdict(mv.path, version, h)
            if verdict.writable:
                new.append(line)
            else:
                held.append((line, verdict))
    return new, held


def merge_sum_lines(old: str, new: list[str]) -> list[TextEdit]:
    """Edits of go.sum's text `old` adding the lines `new`, sorted like the go command writes it."""
    lines = [ln for ln in old.split("\n") if ln.strip()]
    merged = sorted(set(lines) | set(new), key=_sum_sort_key)
    return line_edits(old, "\n".join(merged) + "\n")


def _sum_sort_key(line: str) -> tuple[str, str]:
    f = line.split()
    return (f[0], f[1]) if len(f) > 1 else (line, "")


def sum_line_findings(sums: SumFile, view: GraphView) -> list[Finding]:
    """go.sum lines whose hash the checksum database or a fetched go.mod contradicts: they
    depend on go.sum, the database's verdicts and the go.mod hashes known, not on go.mod (the
    editor keeps them across edits of go.mod)."""
    out: list[Finding] = []
    for s in sums.lines:
        if not s.hash.text.startswith("h1:"):
            continue
        verdict = view.sum_verdict(s.path.text, s.version.text, s.hash.text)
        if verdict.state is SumState.MISMATCH:
            rng = (s.line, s.hash.col, s.line, s.hash.end_col)
            out.append(Finding(rng, Severity.ERROR, "go-sum-mismatch", verdict.message))
            continue
        if not s.go_mod:
            continue
        downloaded = view.mod_hash(ModuleVersion(s.path.text, s.module_version))
        if downloaded is not None and downloaded != s.hash.text:
            mv = ModuleVersion(s.path.text, s.module_version)
            out.append(
                Finding(
                    (s.line, s.hash.col, s.line, s.hash.end_col),
                    Severity.ERROR,
                    "go-sum-mismatch",
                    checksum_mismatch(mv, downloaded, s.hash.text),
                )
            )
    return out


def check_go_sum(
    sums: SumFile, view: GraphView, go_version: str, line_findings: list[Finding] | None = None
) -> list[Finding]:
    """Hash mismatches with the checksum database and with what was fetched (security), and
    lines the graph no longer needs. `line_findings`: `sum_line_findings` of the same go.sum,
    verdicts and go.mod hashes, computed before."""
    out = list(line_findings) if line_findings is not None else sum_line_findings(sums, view)
    result = view.result
    if (
        result is None
        or not view.current
        or not result.ok
        or result.workspace
        or result.go_mod_dirty
        # tidy's -compat default keeps go 1.16's unpruned checksums for a go 1.17 module
        or (go_version and gover.compare(go_version, "1.17") >= 0 > gover.compare(go_version, "1.18"))
    ):
        return out
    read = result.go_mods_read()
    selected = {(mi.replace or mi).module_version for mi in result.modules if not mi.main}
    unused = [
        s
        for s in sums.lines
        if (ModuleVersion(s.path.text, s.module_version) not in (read if s.go_mod else selected))
        and not (s.go_mod and ModuleVersion(s.path.text, s.version.text) in result.required_sums)
    ]
    if not unused:
        return out
    keep = {s.line for s in unused}
    text_lines = view.sum_text.split("\n")
    new_text = "\n".join(t for i, t in enumerate(text_lines) if i not in keep)
    fix = Fix("Remove unused go.sum lines", {view.sum_path: line_edits(view.sum_text, new_text)})
    for s in unused:
        out.append(
            Finding(
                (s.line, 0, s.line, len(text_lines[s.line])),
                Severity.INFORMATION,
                "unused-go-sum-line",
                f"{s.path.text} {s.version.text} is not needed by the module graph: go mod tidy removes it",
                [fix],
                unnecessary=True,
            )
        )
    return out
