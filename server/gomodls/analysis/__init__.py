"""Offline checks of go.mod, go.work and go.sum files: the parser's errors (Go's first), then what
the go command checks when it loads the files, then gomodls's own. Pure: no LSP, and other
files are read through `CheckContext.files`."""

from __future__ import annotations

from gomodls.analysis.context import CheckContext
from gomodls.analysis.findings import Finding, Fix, Severity, TextEdit
from gomodls.analysis.lines import args
from gomodls.analysis.modchecks import check_mod, major_fixes
from gomodls.analysis.vendor import check_vendor
from gomodls.analysis.workchecks import check_work
from gomodls.modfile.errors import ModError
from gomodls.modfile.gosum import SumFile, parse_sum
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_text
from gomodls.syntax.tree import Block, Line

__all__ = ["CheckContext", "Finding", "Severity", "analyze", "analyze_parsed", "analyze_sum"]

SUM_SEVERITY = {
    "duplicate-sum-line": Severity.WARNING,
    "unknown-sum-hash": Severity.WARNING,
    "invalid-sum-version": Severity.WARNING,
    "ignored-sum-hash": Severity.INFORMATION,
}
UNNECESSARY_SUM_CODES = frozenset({"duplicate-sum-line", "ignored-sum-hash"})


def analyze(text: str, ctx: CheckContext, name: str | None = None) -> list[Finding]:
    """`name`: the file's name in messages (Go's unterminated-block error quotes it), by
    default ctx.path; `gomodls check` passes the path as given, as the go command prints it."""
    kind = FileKind.of(ctx.path)
    if kind is FileKind.SUM:
        return analyze_sum(parse_sum(text, ctx.path), ctx)
    return analyze_parsed(parse_text(text, kind, name or ctx.path), ctx)


def analyze_parsed(parsed: ParsedFile, ctx: CheckContext) -> list[Finding]:
    # parsed.errors lists Go's own report first (its first syntax error, or every semantic error
    # when there is none): marked, so that `check` can put them first whatever their position.
    reported = {id(e) for e in parsed.go_errors}
    out = [_from_error(parsed, e, ctx, go=id(e) in reported) for e in parsed.errors]
    if parsed.kind is FileKind.WORK:
        out += check_work(parsed, ctx)
    else:
        out += check_mod(parsed, ctx)
        out += check_vendor(parsed, ctx)
    return out


def analyze_sum(sumfile: SumFile, ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    # The go command stops at the first line without three fields (modfetch.readGoSum).
    go_error = next((e for e in sumfile.errors if e.code == "malformed-go-sum"), None)
    for e in sumfile.errors:
        fixes: list[Fix] = []
        if e.code in UNNECESSARY_SUM_CODES:
            fixes.append(
                Fix(
                    "Remove this line", {ctx.path: [TextEdit((e.line, 0, e.line + 1, 0), "")]}, preferred=True
                )
            )
        out.append(
            Finding(
                e.range,
                SUM_SEVERITY.get(e.code, Severity.ERROR),
                e.code,
                e.message,
                fixes,
                unnecessary=e.code in UNNECESSARY_SUM_CODES,
                go=e is go_error,
                go_position=(e.line, 0) if e is go_error else None,  # "go.sum:4: ...", no column
            )
        )
    return out


def _from_error(parsed: ParsedFile, e: ModError, ctx: CheckContext, go: bool = False) -> Finding:
    fixes: list[Fix] = []
    if e.code == "version-major-mismatch":
        line = _line_at(parsed, e.line)
        if line is not None and len(args(line)) >= 2:
            a = args(line)
            # require/exclude: path version; replace: the failing version is the old one.
            path_tok, version_tok = a[0], a[1]
            fixes = major_fixes(
                path_tok.text.strip('"'), version_tok.text.strip('"'), path_tok, version_tok, ctx.path
            )
    return Finding(
        e.range, Severity.ERROR, e.code, e.message, fixes, go=go, go_position=(e.line, e.col) if go else None
    )


def _line_at(parsed: ParsedFile, line_no: int) -> Line | None:
    for stmt in parsed.syntax.stmts:
        if isinstance(stmt, Line) and stmt.line == line_no:
            return stmt
        if isinstance(stmt, Block):
            for line in stmt.lines:
                if line.line == line_no:
                    return line
    return None
