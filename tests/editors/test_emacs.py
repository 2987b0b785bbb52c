"""Emacs 28 (Debian emacs-nox + elpa-eglot 1.9 + elpa-go-mode) and Emacs 30 (bookworm-backports,
built-in eglot 1.17), batch, running the configuration of docs/editors/emacs.md verbatim as the
init file: Flymake diagnostics, hover (request and ElDoc), a code action applied, the file saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_harness import HERE, INSTALL_HINT, doc_block, emacs_28, emacs_30, make_workspace, run_driver

CASES = {
    # Emacs 28 with Debian's elpa packages (eglot 1.9, go-mode: go.mod opens in go-dot-mod-mode),
    # activated before the init file as interactive Emacs does (batch Emacs does not by itself).
    "emacs-28": (
        emacs_28,
        "Emacs 28 with elpa-eglot (apt emacs-nox elpa-eglot elpa-go-mode)",
        ["--batch", "-f", "package-activate-all"],
    ),
    # Emacs 30 runs with -Q, so Debian's eglot 1.9 does not shadow its own; without go-mode,
    # go.mod opens in the documented fallback mode.
    "emacs-30": (emacs_30, "Emacs 30 (unpacked from bookworm-backports)", ["-Q", "--batch"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_emacs(case: str, tmp_path: Path) -> None:
    find, what, args = CASES[case]
    emacs = find()
    if emacs is None:
        pytest.skip(f"{what} is not installed: {INSTALL_HINT}")
    w = make_workspace(tmp_path, case)
    init = w.home / ".emacs.d" / "init.el"
    init.parent.mkdir(parents=True)
    init.write_text(doc_block("emacs.md", "emacs-init"))
    run = run_driver(
        w, case, [str(emacs), *args, "-l", str(init), "-l", str(HERE / "emacs" / "driver.el")], timeout=90
    )
    assert run.returncode == 0 and not run.failures(), run.report()
