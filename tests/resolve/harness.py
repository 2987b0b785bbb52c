"""Runs a generated scenario through the real go command and through gomodls.resolve, and
compares the two (see test_list_conformance.py)."""

from __future__ import annotations

import itertools
import os
import shutil
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.module.errors import GoError, ModuleError
from gomodls.module.paths import ModuleVersion, escape_path, escape_version
from gomodls.resolve.fetch import Info
from gomodls.resolve.list import (
    LoadError,
    MainModule,
    ModSummary,
    NotLoaded,
    Result,
    Workspace,
    load,
    summary_from_text,
)
from gomodls.resolve.listjson import CacheHooks, render_json
from gomodls.resolve.mainmods import short_path

from .graphgen import Scenario

# readonly: the generated go.mod; tidy: the go.mod as `go list -m all` -mod=mod left it (so
# that -mod=readonly mostly succeeds); both with a go.sum.
Mode = Literal["mod", "readonly", "tidy", "work"]


@dataclass
class Case:
    """One scenario in one mode, with everything needed on both sides."""

    sc: Scenario
    mode: Mode
    proxy_dir: str
    modcache: str
    go_sum: str = ""  # go.sum text written next to the main go.mod (readonly mode)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def proxy_url(self) -> str:
        return "file://" + self.proxy_dir


_counter = itertools.count()


def make_case(sc: Scenario, mode: Mode, root: str, gomod: str | None = None) -> Case:
    """The case of sc in mode; gomod replaces the main go.mod (for "tidy")."""
    proxy = os.path.join(root, f"proxy-{sc.seed}" + ("-work" if sc.workspace else ""))
    if not os.path.isdir(proxy):
        sc.write_proxy(proxy)
    case = Case(sc, mode, proxy, os.path.join(root, f"modcache-{next(_counter)}"))
    case.files = dict(sc.files)
    if gomod is not None:
        case.files[f"{sc.main_dirs[0]}/go.mod"] = gomod
    if mode in ("readonly", "tidy"):
        import random

        rng = random.Random(sc.seed * 7 + 1)
        drop = 0.0 if rng.random() < 0.7 else 0.05
        case.go_sum = sc.go_sum_lines(rng, drop)
        case.files[f"{sc.main_dirs[0]}/go.sum"] = case.go_sum
    return case


def run_go(oracle, case: Case, args: list[str] | None = None):  # type: ignore[no-untyped-def]
    """`go list -m -json all` (or `go ARGS`) on the case, in a fresh module cache."""
    sc = case.sc
    env = {
        "GOPROXY": case.proxy_url,
        "GONOSUMDB": "*",
        "GOMODCACHE": case.modcache,
        "GOFLAGS": "-mod=mod" if case.mode == "mod" else "-mod=readonly",
    }
    collect = [f"{d}/go.mod" for d in sc.main_dirs]
    try:
        return oracle.run(
            args or ["list", "-m", "-json", "all"],
            case.files,
            kind="work" if case.mode == "work" else "mod",
            env=env,
            cwd=sc.cwd,
            collect=collect,
        )
    finally:
        _rmtree(case.modcache)


def _rmtree(path: str) -> None:
    if not os.path.exists(path):
        return
    for dirpath, dirnames, _ in os.walk(path):
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755)
    shutil.rmtree(path, ignore_errors=True)


class ScenarioInputs:
    """The inputs of `load` for a scenario whose files live under `workdir`."""

    def __init__(self, case: Case, workdir: str) -> None:
        self.case = case
        self.sc = case.sc
        self.workdir = workdir
        self.cwd = os.path.join(workdir, self.sc.cwd) if self.sc.cwd != "." else workdir
        self.sums: dict[ModuleVersion, str] = {}
        for line in case.go_sum.splitlines():
            p, v, h = line.split()
            self.sums[ModuleVersion(p, v)] = h

    def mains(self) -> list[MainModule]:
        out = []
        for d in self.sc.main_dirs:
            parsed = parse_text(self.case.files[f"{d}/go.mod"], FileKind.MOD, "go.mod")
            assert parsed.ok, parsed.errors
            assert isinstance(parsed.model, ModFile)
            out.append(MainModule(os.path.join(self.workdir, d), parsed.model))
        return out

    def work(self) -> Workspace | None:
        if not self.sc.workspace:
            return None
        parsed = parse_text(self.sc.files["go.work"], FileKind.WORK, "go.work")
        assert parsed.ok, parsed.errors
        assert isinstance(parsed.model, WorkFile)
        return Workspace(os.path.join(self.workdir, "go.work"), parsed.model)

    def _url(self, mv: ModuleVersion, ext: str) -> str:
        # As the go command prints file:// URLs: "!" of case escaping is percent-encoded.
        rel = quote(f"{escape_path(mv.path)}/@v/{escape_version(mv.version)}.{ext}", safe="/-._~+@")
        return f"{self.case.proxy_url}/{rel}"

    def source(self, key: ModuleVersion) -> ModSummary:
        if key.version == "":
            rel = os.path.relpath(key.path, self.workdir)
            gomod = os.path.join(key.path, "go.mod")
            text = self.sc.files.get(f"{rel}/go.mod")
            name = short_path(gomod, self.cwd)
            if text is None:
                raise LoadError(GoError(f"reading {name}: open {gomod}: no such file or directory"))
            return summary_from_text(text, None, name)
        pv = self.sc.proxy.get((key.path, key.version))
        if pv is None or pv.mod is None:
            raise LoadError(
                ModuleError(
                    key.path, key.version, f"reading {self._url(key, 'mod')}: no such file or directory"
                )
            )
        return summary_from_text(pv.mod, key)

    def info(self, mv: ModuleVersion) -> Info:
        pv = self.sc.proxy.get((mv.path, mv.version))
        if pv is None or not pv.info:
            raise LoadError(
                ModuleError(
                    mv.path, mv.version, f"reading {self._url(mv, 'info')}: no such file or directory"
                )
            )
        return Info(mv.version, pv.time)

    def have_sum(self, key: ModuleVersion) -> bool:
        return key in self.sums

    def hooks(self) -> CacheHooks:
        def go_mod_path(mv: ModuleVersion) -> str:
            return os.path.join(
                self.case.modcache,
                "cache",
                "download",
                escape_path(mv.path),
                "@v",
                escape_version(mv.version) + ".mod",
            )

        return CacheHooks(go_mod_path=go_mod_path, recorded_sum=lambda k: self.sums.get(k))

    def load(self, source=None, info=None) -> Result:
        return load(
            self.mains(),
            self.work(),
            source or self.source,
            mod_mode="mod" if self.case.mode == "mod" else "readonly",
            mod_explicit=True,
            info=info or self.info,
            have_sum=self.have_sum if self.case.mode in ("readonly", "tidy") else None,
            gotoolchain="local",
            cwd=self.cwd,
        )


def load_in_rounds(inputs: ScenarioInputs) -> tuple[Result, int]:
    """`load` driven like a real driver: nothing fetched at first, then whatever it asks for."""
    have: set[ModuleVersion] = set()
    have_info: set[ModuleVersion] = set()

    def source(key: ModuleVersion) -> ModSummary:
        if key not in have:
            raise NotLoaded(key)
        return inputs.source(key)

    def info(mv: ModuleVersion) -> Info:
        if mv not in have_info:
            raise NotLoaded((), [mv])
        return inputs.info(mv)

    rounds = 0
    while True:
        rounds += 1
        try:
            return inputs.load(source, info), rounds
        except NotLoaded as e:
            assert e.missing or e.missing_info
            assert not (e.missing & have) and not (e.missing_info & have_info)
            have |= e.missing
            have_info |= e.missing_info


def render(inputs: ScenarioInputs, result: Result) -> str:
    return render_json(result.modules, inputs.hooks())


def rewritten_go_mod(text: str) -> tuple[str | None, str | None, frozenset[tuple[ModuleVersion, bool]]]:
    """The go line, toolchain line and requirements (with "// indirect") of a go.mod."""
    parsed = parse_text(text, FileKind.MOD, "go.mod")
    f = parsed.model
    assert isinstance(f, ModFile)
    reqs = frozenset((ModuleVersion(r.mod.path, r.mod.version), r.indirect) for r in f.require)
    return (f.go.version if f.go else None, f.toolchain.name if f.toolchain else None, reqs)


def compare(case: Case, go, ours: Result, inputs: ScenarioInputs) -> list[str]:
    """The differences between the go command's run and ours ([] if none)."""
    problems = []
    if ours.ok != (go.rc == 0):
        problems.append(f"go exit status {go.rc}, ours ok={ours.ok}")
    out = render(inputs, ours) if ours.ok else ""
    if out != go.stdout_text:
        import difflib

        diff = difflib.unified_diff(go.stdout_text.splitlines(True), out.splitlines(True), "go", "ours")
        problems.append("stdout differs:\n" + "".join(list(diff)[:80]))
    if ours.stderr != go.stderr_text:
        problems.append(f"stderr differs:\n--- go\n{go.stderr_text}--- ours\n{ours.stderr}")
    if case.mode == "mod":
        d = case.sc.main_dirs[0]
        after = go.files.get(f"{d}/go.mod")
        before = case.files[f"{d}/go.mod"]
        changed = after is not None and after.decode() != before
        if changed and not ours.go_mod_dirty:
            problems.append("go rewrote go.mod, ours says it needs no update")
        elif ours.go_mod_dirty:
            # Go writes only if the formatted file differs: compare the contents either way.
            upd = ours.go_mod_update
            assert upd is not None and after is not None
            theirs = rewritten_go_mod(after.decode())
            mine = (upd.go, upd.toolchain, frozenset(upd.require))
            if theirs != mine:
                problems.append(f"rewritten go.mod differs:\n go:   {theirs}\n ours: {mine}")
    return problems
