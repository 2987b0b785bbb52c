"""Findings -> LSP diagnostics, with the user's severity overrides and disabled codes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lsprotocol import types

from gomodls.analysis.findings import Finding, Severity
from gomodls.lsp.config import Settings
from gomodls.lsp.documents import uri_of
from gomodls.lsp.positions import Encoding, to_range

SOURCE = "gomodls"
_SEVERITY_BY_NAME = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "information": Severity.INFORMATION,
    "hint": Severity.HINT,
}


def effective_severity(finding: Finding, settings: Settings) -> Severity | None:
    name = settings.severity_for(finding.code)
    if name == "off":
        return None
    return _SEVERITY_BY_NAME.get(name or "", finding.severity)


def to_diagnostic(
    finding: Finding,
    lines: Sequence[str],
    encoding: Encoding,
    settings: Settings,
    lines_of: Callable[[str], Sequence[str] | None],
    related_support: bool = True,
) -> types.Diagnostic | None:
    severity = effective_severity(finding, settings)
    if severity is None:
        return None
    related = None
    if related_support and finding.related:
        related = []
        for r in finding.related:
            other = lines_of(r.path)
            if other is not None:
                related.append(
                    types.DiagnosticRelatedInformation(
                        types.Location(uri_of(r.path), to_range(other, r.range, encoding)), r.message
                    )
                )
    return types.Diagnostic(
        range=to_range(lines, finding.range, encoding),
        message=finding.message,
        severity=types.DiagnosticSeverity(int(severity)),
        code=finding.code,
        source=SOURCE,
        tags=_tags(finding),
        related_information=related or None,
        # (the first advisory's page, e.g. https://pkg.go.dev/vuln/GO-2024-0001)
        code_description=types.CodeDescription(href=finding.advisories[0].url)
        if finding.advisories
        else None,
    )


def _tags(finding: Finding) -> list[types.DiagnosticTag] | None:
    tags = []
    if finding.unnecessary:
        tags.append(types.DiagnosticTag.Unnecessary)
    if finding.deprecated:
        tags.append(types.DiagnosticTag.Deprecated)
    return tags or None
