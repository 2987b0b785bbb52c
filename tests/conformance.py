"""Helpers for comparing our CLI with the go command: running ``gomodls.cli.main`` in-process,
finding the corpus, and scoring batches of results.

Our CLI is called in-process for speed, with the current directory set to a scratch directory
that holds the input under its real name and the file name passed relative (``go.mod``), exactly
like the oracle runs ``go mod edit -json go.mod``. stdout/stderr are captured through text
wrappers over byte buffers (UTF-8, ``surrogateescape``), so the CLI may write text (``print``)
or bytes (``sys.stdout.buffer``) and the comparison is byte for byte with Go's output.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from oracle import Kind, Result, decode

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_ENV = "GOMODLS_CORPUS"


# ----------------------------------------------------------------------------- our CLI


def _capture() -> tuple[io.BytesIO, io.TextIOWrapper]:
    buf = io.BytesIO()
    return buf, io.TextIOWrapper(
        buf, encoding="utf-8", errors="surrogateescape", newline="", write_through=True
    )


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_cli(argv: Sequence[str], files: dict[str, bytes], workdir: Path) -> Result:
    """Run ``gomodls.cli.main(argv)`` in ``workdir`` (cleared and filled with ``files``)."""
    from gomodls.cli import main  # imported lazily: a missing CLI fails each test, not collection

    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.iterdir():
        if old.is_file():
            old.unlink()
    for name, data in files.items():
        (workdir / name).write_bytes(data)
    out_buf, out = _capture()
    err_buf, err = _capture()
    with _chdir(workdir), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = _exit_code(main(list(argv)))
        except SystemExit as exc:
            rc = _exit_code(exc.code)
        out.flush()
        err.flush()
    return Result(rc, out_buf.getvalue(), err_buf.getvalue(), str(workdir))


def cli_argv(command: str, name: str, force_work: bool = False) -> list[str]:
    """``parse --json [--work] NAME`` or ``fmt [--work] NAME``."""
    head = ["parse", "--json"] if command == "parse" else ["fmt"]
    return [*head, *(["--work"] if force_work else []), name]


def ours(command: str, data: bytes, name: str, workdir: Path, force_work: bool = False) -> Result:
    return run_cli(cli_argv(command, name, force_work), {name: data}, workdir)


# ----------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class CorpusFile:
    id: str  # path relative to the corpus root
    path: Path
    kind: Kind

    @property
    def name(self) -> str:
        return "go.work" if self.kind == "work" else "go.mod"


def corpus_root() -> Path:
    """``$GOMODLS_CORPUS`` or ``<repo>/../shared/corpus``."""
    env = os.environ.get(CORPUS_ENV)
    return Path(env) if env else (REPO_ROOT.parent / "shared" / "corpus").resolve()


def corpus_kind(path: Path) -> Kind | None:
    """go.mod-syntax files (``go.mod``, ``vendor.mod``, ``go.mod@<date>``) and ``go.work``."""
    base = path.name.split("@", 1)[0].split("__")[-1]
    if base.endswith(".work"):
        return "work"
    if base.endswith(".mod"):
        return "mod"
    return None  # go.sum, go.work.sum, README.md, MANIFEST.tsv


def corpus_files(root: Path | None = None) -> list[CorpusFile]:
    root = root or corpus_root()
    if not root.is_dir():
        return []
    out = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        kind = corpus_kind(path)
        if kind is not None:
            out.append(CorpusFile(path.relative_to(root).as_posix(), path, kind))
    return out


# ----------------------------------------------------------------------------- comparison


def describe_diff(label: str, ours_b: bytes, theirs_b: bytes, limit: int = 60) -> str:
    a, b = decode(theirs_b).splitlines(keepends=True), decode(ours_b).splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, f"{label} (go)", f"{label} (gomodls)", lineterm=""))
    # body lines are shown with escapes (tabs, \r, odd bytes visible); headers as they are
    text = "".join(
        (x if i < 2 or x.startswith("@@") else repr(x)[1:-1]) + "\n" for i, x in enumerate(lines[:limit])
    )
    return text + ("...\n" if len(lines) > limit else "")


def mismatch_report(ours_r: Result, go_r: Result) -> str:
    """Empty when identical (rc, stdout bytes, stderr bytes); otherwise a readable diff."""
    parts = []
    if ours_r.rc != go_r.rc:
        parts.append(f"exit status: go={go_r.rc} gomodls={ours_r.rc}\n")
    if ours_r.stdout != go_r.stdout:
        parts.append(describe_diff("stdout", ours_r.stdout, go_r.stdout))
    if ours_r.stderr != go_r.stderr:
        parts.append(describe_diff("stderr", ours_r.stderr, go_r.stderr))
    return "".join(parts)


@dataclass
class Score:
    """Agreement counters for a batch of (ours, go) result pairs."""

    total: int = 0
    status_ok: int = 0  # same exit status
    output_ok: int = 0  # same stdout (JSON / formatted text; empty on failure)
    failures: int = 0  # pairs where go failed
    lines_ok: int = 0  # same list of error line numbers (go failed)
    exact_ok: int = 0  # identical stderr (go failed)
    problems: list[str] = field(default_factory=list)

    def add(self, label: str, ours_r: Result, go_r: Result) -> None:
        self.total += 1
        status = ours_r.rc == go_r.rc
        output = ours_r.stdout == go_r.stdout
        self.status_ok += status
        self.output_ok += output
        if go_r.rc != 0:
            self.failures += 1
            self.lines_ok += ours_r.error_lines() == go_r.error_lines()
            self.exact_ok += ours_r.stderr == go_r.stderr
        if not (status and output and ours_r.stderr == go_r.stderr):
            self.problems.append(f"--- {label}\n{mismatch_report(ours_r, go_r)}")

    @property
    def exact_rate(self) -> float:
        return self.exact_ok / self.failures if self.failures else 1.0

    def summary(self, title: str, show: int = 8) -> str:
        head = (
            f"{title}: {self.total} runs; exit status {self.status_ok}/{self.total}; "
            f"stdout {self.output_ok}/{self.total}; go failed on {self.failures}: "
            f"error lines {self.lines_ok}/{self.failures}, exact stderr {self.exact_ok}/{self.failures} "
            f"({self.exact_rate:.1%}); mismatching runs: {len(self.problems)}\n"
        )
        return head + "".join(self.problems[:show])
