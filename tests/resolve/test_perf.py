"""`load` stays fast on a large graph (all go.mod files available): the editor re-resolves on
every edit. The bound is generous (slow CI machines); the typical times are in the report."""

from __future__ import annotations

import time

import pytest

from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.graph import MainModule, load, summary_from_text

from .graphgen import wide_universe


@pytest.mark.parametrize("main_go", ["1.22.0", "1.16"])  # pruned and unpruned main module
@pytest.mark.parametrize("mod_mode", ["mod", "readonly"])
def test_load_300_modules(main_go: str, mod_mode: str) -> None:
    mods, gomod = wide_universe(main_go=main_go)
    summaries = {ModuleVersion(*k): summary_from_text(t, ModuleVersion(*k)) for k, t in mods.items()}
    model = parse_text(gomod, FileKind.MOD).model
    assert isinstance(model, ModFile)
    mains = [MainModule("/w/main", model)]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        result = load(mains, None, summaries.__getitem__, mod_mode=mod_mode)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - start)
    assert len(result.modules) > 200
    print(f"go {main_go} -mod={mod_mode}: {len(result.modules)} modules in {best * 1000:.1f} ms")
    assert best < 1.0
