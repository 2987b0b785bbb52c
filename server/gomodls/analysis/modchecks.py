"""What the go command checks in a main module's go.mod when it loads it (modload), beyond
modfile's parse, and what an expert would flag next to it. Offline: the file itself, files on
disk through `ctx.files`, and the local go version."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

from gomodls.analysis.context import CheckContext
from gomodls.analysis.findings import Finding, Fix, Related, Severity
from gomodls.analysis.godebug import check_godebug
from gomodls.analysis.lines import (
    args,
    delete_line,
    godebug_range,
    path_range,
    replace_token,
    replace_tokens,
    replaced_range,
    replacement_range,
    verb_range,
    version_range,
)
from gomodls.base.gostr import quote
from gomodls.modfile.errors import token_range
from gomodls.modfile.gosum import parse_sum
from gomodls.modfile.model import ModFile, Replace, Require
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_text
from gomodls.modfile.requireindex import RequireIndex
from gomodls.modfile.rules import is_directory_path
from gomodls.module import gover, semver
from gomodls.module.errors import GoError, InvalidVersionError
from gomodls.module.paths import (
    canonical_version,
    check_import_path,
    check_path,
    check_path_major,
    split_path_version,
)
from gomodls.syntax.tree import Block

RESERVED_MODULE_PATHS = frozenset({"go", "toolchain"})


def check_mod(parsed: ParsedFile, ctx: CheckContext) -> list[Finding]:
    f = parsed.model
    assert isinstance(f, ModFile)
    out: list[Finding] = []
    index = parsed.require_index()
    for check in (
        _module_line,
        _go_and_toolchain,
        _godebugs,
        functools.partial(_versions, index=index),
        functools.partial(_requires, index=index),
        functools.partial(_replaces, index=index),
        _retracts,
        _tools,
        _ignores,
        _require_blocks,
    ):
        out.extend(check(parsed, f, ctx))
    return out


def _module_line(parsed: ParsedFile, f: ModFile, ctx: CheckContext) -> Iterator[Finding]:
    if f.module is None:
        if not _has_module_statement(parsed):
            yield Finding(
                (0, 0, 0, 0),
                Severity.ERROR,
                "missing-module",
                "missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod",
            )
        return
    path = f.module.mod.path
    toks = args(f.module.syntax)
    if len(toks) != 1:
        return
    rng = token_range(toks[0])
    if path in RESERVED_MODULE_PATHS:
        yield Finding(rng, Severity.ERROR, "reserved-module-path", f"invalid module path: {quote(path)}")
        return
    try:
        check_import_path(path, kind="module")
    except GoError as e:
        yield Finding(rng, Severity.ERROR, "malformed-module-path", str(e))
        return
    try:
        check_path(path)
    except GoError as e:
        # The go command builds such a module (only import-path rules apply to the main module),
        # but no other module can require it.
        yield Finding(
            rng, Severity.HINT, "unrequirable-module-path", f"{e} (other modules cannot require this module)"
        )


def _has_module_statement(parsed: ParsedFile) -> bool:
    """A module line that failed to parse still counts: its own error says what is wrong."""
    return any(
        (isinstance(s, Block) and s.verb == "module")
        or (not isinstance(s, Block) and s.line >= 0 and first_word(s) == "module")
        for s in parsed.syntax.stmts
    )


def first_word(stmt: object) -> str:
    """The verb of a single-line statement ("" for blocks and comments)."""
    tokens = getattr(stmt, "tokens", None)
    return tokens[0].text if tokens else ""


def _go_and_toolchain(parsed: ParsedFile, f: ModFile, ctx: CheckContext) -> Iterator[Finding]:
    name = os.path.basename(ctx.path) or "go.mod"
    if f.go is not None:
        yield from too_new(name, f.go.version, args(f.go.syntax)[0], ctx)
    if f.go is not None and f.toolchain is not None and f.toolchain.name != "default":
        tc = gover.from_toolchain(f.toolchain.name)
        if tc and gover.compare(tc, f.go.version) < 0:
            yield Finding(
                token_range(args(f.toolchain.syntax)[0]),
                Severity.WARNING,
                "toolchain-older-than-go",
                f"toolchain {f.toolchain.name} is older than go {f.go.version}: the go command never runs a "
                "toolchain older than the go line, so this line has no effect",
                [
                    Fix(
                        "Remove the toolchain line",
                        {ctx.path: [delete_line(parsed.syntax, f.toolchain.syntax)]},
                    )
                ],
                unnecessary=True,
            )


def too_new(what: str, version: str, tok: object, ctx: CheckContext) -> Iterator[Finding]:
    """gover.TooNewError, as an error when GOTOOLCHAIN forbids switching toolchains."""
    if not ctx.local_go or gover.compare(version, ctx.local_go) <= 0:
        return
    rng = token_range(tok)  # type: ignore[arg-type]
    toolchain = ctx.gotoolchain or "auto"
    if toolchain == "auto" or toolchain.endswith("+auto"):
        yield Finding(
            rng,
            Severity.WARNING,
            "go-version-too-new",
            f"{what} requires go >= {version} (running go {ctx.local_go}): the go command will download and "
            f"switch to a newer toolchain (GOTOOLCHAIN={toolchain})",
        )
    else:
        yield Finding(
            rng,
            Severity.ERROR,
            "go-version-too-new",
            f"{what} requires go >= {version} (running go {ctx.local_go}; GOTOOLCHAIN={toolchain})",
        )


def _godebugs(parsed: ParsedFile, f: ModFile, ctx: CheckContext) -> Iterator[Finding]:
    for g in f.godebug:
        err = check_godebug(g.key, g.value, ctx.local_go)
        if err:
            yield Finding(godebug_range(g.syntax, g.key, err), Severity.ERROR, godebug_code(err), err)


def godebug_code(err: str) -> str:
    """The diagnostic code for an error of check_godebug (go.mod and go.work alike)."""
    if err.startswith("removed"):
        return "removed-godebug"
    return "unknown-godebug" if err.startswith("unknown") else "invalid-godebug"


def _versions(parsed: ParsedFile, f: ModFile, ctx: CheckContext, index: RequireIndex) -> Iterator[Finding]:
    """Versions that modfile canonicalises but the go command resolves through the proxy."""
    # (those parsed as written in canonical form have nothing to say)
    toks = [(r.mod.path, args(r.syntax)[1]) for r in index.noncanonical]
    toks += [(x.mod.path, args(x.syntax)[1]) for x in f.exclude if not x.canonical]
    for r in f.replace:
        _, old_v, _, new_v = replace_tokens(r)
        toks += [(r.old.path, t) for t in (old_v,) if t is not None]
        toks += [(r.new.path, t) for t in (new_v,) if t is not None]
    for path, tok in toks:
        written = tok.text.strip('"')
        cv = canonical_version(written)
        if cv and cv != written:
            yield Finding(
                token_range(tok),
                Severity.WARNING,
                "noncanonical-version",
                f"{path}: version {quote(written)} is not canonical: the go command resolves it through the "
                f"module proxy and rewrites it (go mod edit -fmt writes {cv})",
                [Fix(f"Use {cv}", {ctx.path: [replace_token(tok, cv)]}, preferred=True)],
            )


def _requires(parsed: ParsedFile, f: ModFile, ctx: CheckContext, index: RequireIndex) -> Iterator[Finding]:
    if not index.unique:
        yield from _duplicate_requires(parsed, f, ctx)
    excluded = {x.mod: x for x in f.exclude if x.mod.path in index.by_path}
    if not excluded:
        return
    if index.unique:
        hits = {id(r): r for m in excluded if (r := index.by_path[m.path]).mod == m}
        dropped = sorted(hits.values(), key=lambda r: r.syntax.line)  # (the requirements' order)
    else:
        dropped = [r for r in f.require if r.mod in excluded]
    for r in dropped:
        x = excluded[r.mod]
        yield Finding(
            version_range(r.syntax),
            Severity.WARNING,
            "excluded-require",
            f"dropping requirement on excluded version {r.mod.path} {r.mod.version}",
            [
                Fix("Remove this requirement", {ctx.path: [delete_line(parsed.syntax, r.syntax)]}),
                Fix("Remove the exclude", {ctx.path: [delete_line(parsed.syntax, x.syntax)]}),
            ],
            [Related(ctx.path, version_range(x.syntax), "excluded here")],
        )


def _duplicate_requires(parsed: ParsedFile, f: ModFile, ctx: CheckContext) -> Iterator[Finding]:
    first: dict[str, Require] = {}
    for r in f.require:
        prev = first.get(r.mod.path)
        if prev is None:
            first[r.mod.path] = r
            continue
        same = prev.mod.version == r.mod.version
        # The same requirement twice: its path; two versions: the version.
        token = path_range if same else version_range
        here = Related(ctx.path, token(prev.syntax), f"first required here at {prev.mod.version}")
        remove = Fix(
            "Remove this requirement", {ctx.path: [delete_line(parsed.syntax, r.syntax)]}, preferred=True
        )
        if same:
            yield Finding(
                path_range(r.syntax),
                Severity.WARNING,
                "duplicate-require",
                f"{r.mod.path} {r.mod.version} is already required on line {prev.syntax.line + 1}",
                [remove],
                [here],
                unnecessary=True,
            )
        else:
            higher = (
                prev.mod.version if semver.compare(prev.mod.version, r.mod.version) > 0 else r.mod.version
            )
            yield Finding(
                version_range(r.syntax),
                Severity.ERROR,
                "conflicting-require",
                f"{r.mod.path} is required twice, at {prev.mod.version} (line {prev.syntax.line + 1}) and "
                f"{r.mod.version}: the build uses {higher}",
                [remove],
                [here],
            )


def _replaces(parsed: ParsedFile, f: ModFile, ctx: CheckContext, index: RequireIndex) -> Iterator[Finding]:
    seen: dict[tuple[str, str], Replace] = {}
    for r in f.replace:
        key = (r.old.path, r.old.version)
        prev = seen.get(key)
        seen[key] = r
        if prev is None:
            continue
        remove = Fix("Remove this replacement", {ctx.path: [delete_line(parsed.syntax, r.syntax)]})
        if prev.new == r.new:
            # The same replacement twice: what it replaces; two targets: the target.
            yield Finding(
                replaced_range(r),
                Severity.WARNING,
                "duplicate-replace",
                f"{r.old} is already replaced by {r.new} on line {prev.syntax.line + 1}",
                [remove],
                [Related(ctx.path, replaced_range(prev), "previous replacement")],
                unnecessary=True,
            )
        else:
            yield Finding(
                replacement_range(r),
                Severity.ERROR,
                "conflicting-replace",
                f"conflicting replacements for {r.old}:\n\t{prev.new}\n\t{r.new}",
                [
                    remove,
                    Fix(
                        "Remove the other replacement", {ctx.path: [delete_line(parsed.syntax, prev.syntax)]}
                    ),
                ],
                [Related(ctx.path, replacement_range(prev), "previous replacement")],
            )
    if not f.replace:
        return
    # The requirements of each path, found once: one scan per replacement would make a file
    # of many requirements and replacements quadratic.
    replaced = {r.old.path for r in f.replace}
    required: dict[str, list[Require]] = {}
    if index.unique:
        required = {p: [index.by_path[p]] for p in replaced if p in index.by_path}
    else:
        for q in [q for q in f.require if q.mod.path in replaced]:
            required.setdefault(q.mod.path, []).append(q)
    for r in f.replace:
        yield from _replacement_target(parsed, r, ctx, required.get(r.old.path, []))
        yield from _noop_replace(parsed, f, r, ctx, required.get(r.old.path, []))


def _replacement_target(
    parsed: ParsedFile, r: Replace, ctx: CheckContext, requires: list[Require]
) -> Iterator[Finding]:
    if r.new.version or not is_directory_path(r.new.path):
        return
    tok = replace_tokens(r)[2]
    rng = token_range(tok)
    if os.path.normpath(r.new.path).split(os.sep)[0] == "vendor":
        yield Finding(
            rng,
            Severity.ERROR,
            "replacement-in-vendor",
            f"replacement path {r.new.path} inside vendor directory",
        )
        return
    target = r.new.path if os.path.isabs(r.new.path) else os.path.join(ctx.dir, r.new.path)
    target = os.path.normpath(target)
    gomod = os.path.join(target, "go.mod")
    shown = short_path(gomod, ctx.dir)
    # The go command loads the replacement's go.mod when the module is in the graph, at the
    # version the main module requires (mvs.BuildListError: "m@v (replaced by dir): ...").
    required = r.old.version or max((q.mod.version for q in requires), key=semver.sort_key, default="")
    who = (
        f"{r.old.path}@{required} (replaced by {r.new.path})"
        if required
        else f"{r.old} (replaced by {r.new.path})"
    )
    if not ctx.files.is_dir(target):
        yield Finding(
            rng,
            Severity.ERROR,
            "replacement-dir-missing",
            f"{who}: reading {shown}: open {gomod}: no such file or directory"
            if required
            else f"replacement directory {r.new.path} does not exist",
        )
        return
    text = ctx.files.read_text(gomod)
    if text is None:
        yield Finding(
            rng,
            Severity.ERROR,
            "replacement-no-go-mod",
            f"{who}: reading {shown}: open {gomod}: no such file or directory",
        )
        return
    dep = parse_text(text, FileKind.MOD, gomod, strict=False)
    if dep.go_errors:
        errors = "\n".join(e.go_string(gomod) for e in dep.go_errors)
        yield Finding(
            rng,
            Severity.ERROR,
            "replacement-go-mod-error",
            f"{who}: parsing {shown}: {errors}",
        )
        return
    declared = dep.model.module_path  # type: ignore[union-attr]
    if declared != r.old.path:
        yield Finding(
            rng,
            Severity.WARNING,
            "replacement-path-mismatch",
            f"{who}: parsing {shown}:\n"
            f"\tmodule declares its path as: {declared or '(no module line)'}\n"
            f"\t        but was required as: {r.old.path}",
        )


def short_path(path: str, cwd: str) -> str:
    """base.ShortPath, with the directory of the file checked as the working directory: the
    relative form when it is shorter."""
    rel = os.path.relpath(path, cwd)
    return rel if len(rel) < len(path) else path


@functools.lru_cache(maxsize=16)
def sum_paths(text: str) -> frozenset[str]:
    """The module paths a go.sum mentions (parsed once per content: every replace asks)."""
    return frozenset(s.path.text for s in parse_sum(text).lines)


def _noop_replace(
    parsed: ParsedFile, f: ModFile, r: Replace, ctx: CheckContext, required: list[Require]
) -> Iterator[Finding]:
    """A replacement that cannot apply: the module is not required here and not in go.sum (so
    not in the build graph when go.sum is complete), or it names a version below the one the
    main module requires (the build selects at least that one)."""
    if f.module is not None and r.old.path == f.module.mod.path:
        return
    reason = ""
    if r.old.version and required:
        floor = max((q.mod.version for q in required), key=lambda v: semver.sort_key(v))
        if semver.compare(r.old.version, floor) < 0:
            reason = f"the build selects {r.old.path} {floor} or later (required on line {required[0].syntax.line + 1})"
    elif not required:
        sum_text = ctx.files.read_text(os.path.join(ctx.dir, "go.sum"))
        if sum_text is not None and r.old.path not in sum_paths(sum_text):
            reason = f"no requirement or go.sum line mentions {r.old.path}"
    if reason:
        yield Finding(
            replaced_range(r),
            Severity.INFORMATION,
            "unused-replace",
            f"replacement of {r.old} has no effect: {reason}",
            [
                Fix(
                    "Remove this replacement",
                    {ctx.path: [delete_line(parsed.syntax, r.syntax)]},
                    preferred=True,
                )
            ],
            unnecessary=True,
        )


def _retracts(parsed: ParsedFile, f: ModFile, ctx: CheckContext) -> Iterator[Finding]:
    """modfile.fixRetract with the go command's fixer."""
    if not f.retract:
        return
    if f.module is None:
        yield Finding(
            verb_range(f.retract[0].syntax),
            Severity.ERROR,
            "retract-without-module",
            "no module directive found, so retract cannot be used",
        )
        return
    path = f.module.mod.path
    _, path_major, ok = split_path_version(path)
    if not ok:
        return
    for r in f.retract:
        for tok in args(r.syntax):
            if tok.text in ("[", ",", "]"):
                continue
            v = tok.text.strip('"')
            cv = canonical_version(v)
            if not cv:
                yield Finding(
                    token_range(tok),
                    Severity.ERROR,
                    "invalid-version",
                    f"retract {path}: version {quote(v)} invalid: must be of the form v1.2.3",
                )
            elif cv != v:
                yield Finding(
                    token_range(tok),
                    Severity.WARNING,
                    "noncanonical-version",
                    f"retract {path}: version {quote(v)} is not canonical: the go command resolves it through the module proxy",
                    [Fix(f"Use {cv}", {ctx.path: [replace_token(tok, cv)]}, preferred=True)],
                )
            else:
                try:
                    check_path_major(v, path_major)
                except InvalidVersionError as e:
                    yield Finding(
                        token_range(tok), Severity.ERROR, "version-major-mismatch", f"retract {path}: {e}"
                    )
        if (
            r.low
            and r.high
            and semver.is_valid(r.low)
            and semver.is_valid(r.high)
            and semver.compare(r.low, r.high) > 0
        ):
            interval = args(r.syntax)
            yield Finding(
                token_range(interval[0], interval[-1]),
                Severity.WARNING,
                "empty-retract-interval",
                f"retract interval [{r.low}, {r.high}] is empty: {r.low} is above {r.high}, so no version is retracted",
            )


def _tools(parsed: ParsedFile, f: ModFile, ctx: CheckContext) -> Iterator[Finding]:
    if not f.tool:
        return
    providers = [f.module_path] if f.module_path else []
    providers += [r.mod.path for r in f.require]
    for t in f.tool:
        rng = token_range(args(t.syntax)[0])
        try:
            check_import_path(t.path, kind="tool")
        except GoError as e:
            yield Finding(rng, Severity.ERROR, "malformed-tool-path", str(e))
            continue
        if not any(t.path == p or t.path.startswith(p + "/") for p in providers):
            yield Finding(
                rng,
                Severity.WARNING,
                "tool-not-provided",
                f"no required module provides package {t.path}; to add it:\n\tgo get {t.path}",
            )


def _ignores(parsed: ParsedFile, f: ModFile, ctx: CheckContext) -> Iterator[Finding]:
    for i in f.ignore:
        if i.path.startswith(("./", "../")) or i.path in (".", ".."):
            target = os.path.normpath(os.path.join(ctx.dir, i.path))
            if not ctx.files.is_dir(target):
                yield Finding(
                    token_range(args(i.syntax)[0]),
                    Severity.INFORMATION,
                    "ignore-dir-missing",
                    f"ignored directory {i.path} does not exist",
                    unnecessary=True,
                )


def _require_blocks(parsed: ParsedFile, f: ModFile, ctx: CheckContext) -> Iterator[Finding]:
    if f.go is None or gover.compare(f.go.version, gover.SIMPLIFY_REQUIRE_VERSION) < 0:
        return
    groups = [
        s
        for s in parsed.syntax.stmts
        if first_word(s) == "require" or (isinstance(s, Block) and s.verb == "require")
    ]
    if len(groups) <= 2:
        return
    for g in groups[2:]:
        head = g.header[0] if isinstance(g, Block) else g.tokens[0]  # type: ignore[union-attr]
        yield Finding(
            token_range(head),
            Severity.INFORMATION,
            "many-require-blocks",
            f"{len(groups)} require statements: with go {gover.SIMPLIFY_REQUIRE_VERSION} and later, go mod tidy merges "
            "them into two (direct and indirect requirements)",
        )


def major_fixes(path: str, version: str, path_tok: object, version_tok: object, file: str) -> list[Fix]:
    """Fixes for a version whose major does not match the module path."""
    prefix, path_major, ok = split_path_version(path)
    major = semver.major(version)
    if not ok or not major or version.endswith("+incompatible"):
        return []
    n = int(major[1:])
    fixes: list[Fix] = []
    if prefix.startswith("gopkg.in/"):
        new_path = f"{prefix}.v{n}"
    else:
        new_path = prefix if n < 2 else f"{prefix}/v{n}"
    if new_path != path:
        fixes.append(
            Fix(f"Use module path {new_path}", {file: [replace_token(path_tok, new_path)]}, preferred=True)
        )  # type: ignore[arg-type]
    if not path_major and n >= 2:
        fixes.append(
            Fix(
                f"Use {version}+incompatible", {file: [replace_token(version_tok, version + "+incompatible")]}
            )
        )  # type: ignore[arg-type]
    return [fx for fx in fixes if _major_ok(fx, version, new_path)]


def _major_ok(fix: Fix, version: str, new_path: str) -> bool:
    if fix.title.startswith("Use module path"):
        _, pm, ok = split_path_version(new_path)
        try:
            check_path_major(version, pm)
        except InvalidVersionError:
            return False
        return ok
    return True
