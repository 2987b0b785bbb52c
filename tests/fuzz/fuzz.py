"""Coverage-guided fuzzing of the targets in targets.py with atheris (libFuzzer).

    python tests/fuzz/fuzz.py TARGET [SEED_DIR] [libFuzzer flags...]

e.g. `python tests/fuzz/fuzz.py modfile -max_total_time=600` for a ten-minute run (every target:
GOMODLS_FUZZ_SECONDS=600 python -m pytest tests/fuzz/test_atheris.py). gomodls's modules are
instrumented for coverage; the seed corpus (the shared corpus and the case files) is written to a
temporary directory unless SEED_DIR is given. An input that raises, or runs longer than
libFuzzer's -timeout (default here 10 s), is a failure: libFuzzer saves it as crash-*/timeout-*
in the current directory and exits non-zero."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parents[1] / "server")]

import atheris  # noqa: E402

with atheris.instrument_imports(include=["gomodls"]):
    from fuzz.seeds import seed_texts
    from fuzz.targets import TARGETS


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: fuzz.py {{{'|'.join(TARGETS)}}} [SEED_DIR] [libFuzzer flags]")
    target = TARGETS[sys.argv[1]]
    rest = sys.argv[2:]
    if rest and not rest[0].startswith("-"):
        seeds = rest.pop(0)
    else:
        seeds = tempfile.mkdtemp(prefix="gomodls-fuzz-")
        for i, data in enumerate(seed_texts(target=sys.argv[1])):
            Path(seeds, f"seed-{i:04d}").write_bytes(data)
    flags = [f for f in rest if f.startswith("-")]
    if not any(f.startswith("-timeout=") for f in flags):
        flags.append("-timeout=10")
    if not any(f.startswith("-rss_limit_mb=") for f in flags):
        flags.append("-rss_limit_mb=1024")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    atheris.Setup([sys.argv[0], *flags, seeds], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
