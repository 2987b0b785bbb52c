"""go.sum lines checked against the checksum database (`gomodls check --sumdb`; the editor's
check of a go.sum). Each `h1:` line is looked up as the go command would look up a download
with that hash: a line the database contradicts is an error finding on its hash, in the go
command's words (resolve.sumdbcheck); exempt modules (GOSUMDB=off, GONOSUMDB/GOPRIVATE) are counted,
never sent. A database that cannot be reached is not a finding about any line: its errors are
problems (the lines stay unverified); so is a database caught lying (a fork of its history, a
record its tree does not prove): the go command stops there, and every line stays unverified."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gomodls.analysis.findings import Finding, Severity
from gomodls.modfile.gosum import is_h1_hash
from gomodls.resolve.sumdbcheck import DatabaseConfigError, DatabaseMisbehavior, Outcome, VerifyError

if TYPE_CHECKING:
    from gomodls.modfile.gosum import SumFile, SumLine
    from gomodls.resolve.sumdbcheck import SumDBChecker

__all__ = ["SumDBCheck", "check_sum_file"]

CODE = "go-sum-mismatch"  # (the editor's code for the same SECURITY ERROR)


@dataclass(slots=True)
class SumDBCheck:
    findings: list[Finding] = field(default_factory=list)
    verified: int = 0  # lines the database lists exactly
    exempt: int = 0  # lines of modules the go command does not look up either
    unverified: int = 0  # lines not checked: not h1 hashes, or no answer from the database
    problems: list[str] = field(default_factory=list)  # why lines stayed unverified (go's words)
    misbehavior: str | None = None  # the first proof that the database lies (a fork: go's report)


async def check_sum_file(sums: SumFile, checker: SumDBChecker, concurrency: int = 16) -> SumDBCheck:
    out = SumDBCheck()
    limit = asyncio.Semaphore(concurrency)

    async def one(line: SumLine) -> None:
        if not is_h1_hash(line.hash.text):
            out.unverified += 1  # (an unknown algorithm: the go command cannot check it either)
            return
        async with limit:
            try:
                outcome = await checker.check_sum(line.path.text, line.version.text, line.hash.text)
            except DatabaseMisbehavior as e:
                # The database contradicts itself or its proofs: nothing it says counts.
                out.unverified += 1
                if out.misbehavior is None:
                    out.misbehavior = str(e)
                return
            except DatabaseConfigError as e:
                out.unverified += 1
                if not any(p.endswith(e.reason) for p in out.problems):  # (one GOSUMDB, one error)
                    out.problems.append(str(e))
                return
            except VerifyError as e:
                if not e.security:
                    out.unverified += 1
                    if str(e) not in out.problems:
                        out.problems.append(str(e))
                    return
                out.findings.append(
                    Finding(
                        (line.line, line.hash.col, line.line, line.hash.end_col),
                        Severity.ERROR,
                        CODE,
                        str(e),
                    )
                )
                return
        if outcome is Outcome.EXEMPT:
            out.exempt += 1
        else:
            out.verified += 1

    await asyncio.gather(*(one(line) for line in sums.lines))
    out.findings.sort(key=lambda f: f.range)
    return out
