"""Shared helpers for the unit tests of gomodls.analysis: real files in a temp directory, the
checks run on one of them, the go command's messages for the same files, and fix round trips."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from gomodls.analysis import CheckContext, Finding, analyze
from gomodls.analysis.context import DiskFiles
from gomodls.analysis.findings import Fix
from gomodls.base.textedit import apply_edits

LOCAL_GO = "1.27.3"  # the oracle's go
WORK = "$WORK"


def write(root: Path, files: Mapping[str, str | bytes]) -> None:
    for name, content in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content)


def check(
    root: Path, name: str = "go.mod", *, local_go: str | None = None, gotoolchain: str = "auto"
) -> list[Finding]:
    path = root / name
    ctx = CheckContext(str(path), DiskFiles(), local_go, gotoolchain)
    return analyze(path.read_text(), ctx)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str) -> Finding:
    """The one finding with this code (and fail with the full list otherwise)."""
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, [(f.code, f.message) for f in findings]
    return hits[0]


def text_at(text: str, rng: tuple[int, int, int, int]) -> str:
    """The text a finding's range covers (code-point columns)."""
    lines = text.split("\n")
    sl, sc, el, ec = rng
    if sl == el:
        return lines[sl][sc:ec]
    return "\n".join([lines[sl][sc:], *lines[sl + 1 : el], lines[el][:ec]])


# --------------------------------------------------------------------------- the go command


_POSITION = re.compile(r"^(?:\$WORK/)?[^\s:]+\.(?:mod|work|sum):\d+(?::\d+)?: ")
_WRAPPERS = re.compile(r"^(?:go: )?(?:errors parsing|error loading) \S+:$")
_READING = re.compile(r"^error reading [^\s:]+: ")


def go_messages(result) -> list[str]:  # type: ignore[no-untyped-def]
    """The go command's error messages, one per error: the temp directory as $WORK; the `go: `
    prefix, the `errors parsing go.mod:` / `error loading go.work:` / `error reading go.mod: `
    wrappers and the `FILE:LINE[:COL]: ` prefixes removed; continuation lines (starting with a
    tab) stay with their message."""
    text = scrub(result.stderr_text, result.workdir)
    out: list[str] = []
    for raw in text.split("\n"):
        if not raw:
            continue
        if raw.startswith("\t") and out:
            out[-1] += "\n" + raw
            continue
        if _WRAPPERS.match(raw):
            continue
        line = raw.removeprefix("go: ")
        line = _READING.sub("", _POSITION.sub("", line))
        out.append(line)
    return out


def go_text(result) -> str:  # type: ignore[no-untyped-def]
    """The go command's whole stderr, scrubbed, without the `go: ` prefix and final newline."""
    return scrub(result.stderr_text, result.workdir).removeprefix("go: ").rstrip("\n")


def scrub(text: str, workdir: str | os.PathLike[str]) -> str:
    """A temp directory as $WORK and its parent as $WORK/.. (for paths like ../elsewhere)."""
    workdir = os.fspath(workdir)
    for d in {workdir, os.path.realpath(workdir)}:
        text = text.replace(d, WORK).replace(os.path.dirname(d) + "/", WORK + "/../")
    return text


def ours(finding: Finding, root: Path) -> str:
    """Our message with the temp directory as $WORK."""
    return scrub(finding.message, root)


# --------------------------------------------------------------------------- fixes


def apply_fix(root: Path, fix: Fix, name: str = "go.mod") -> str:
    """Apply the fix's edits to the files on disk; returns the new text of `name`."""
    assert fix.edits, fix
    for path, edits in fix.edits.items():
        p = Path(path)
        p.write_text(apply_edits(p.read_text(), edits))
    return (root / name).read_text()


def assert_fix(
    root: Path,
    finding: Finding,
    expected: str,
    *,
    name: str = "go.mod",
    fix: int = 0,
    gone: bool = True,
    **check_args,  # type: ignore[no-untyped-def]
) -> list[Finding]:
    """Apply one of the finding's fixes, check the file is exactly `expected` (so nothing else
    changed) and that re-analysis no longer reports the finding's code; returns the findings."""
    before = (root / name).read_text()
    chosen = finding.fixes[fix]
    for edits in chosen.edits.values():
        for e in edits:
            assert e.range[:2] <= e.range[2:], e
    after = apply_fix(root, chosen, name)
    assert after == expected, f"before:\n{before}\nafter:\n{after}"
    findings = check(root, name, **check_args)
    if gone:
        assert finding.code not in codes(findings), [(f.code, f.message) for f in findings]
    return findings
