"""vendor/modules.txt against go.mod: modload's readVendorList and checkVendorConsistency
(single-module mode). The go command refuses to build ("inconsistent vendoring") on any of these.
In workspace mode (a go.work that uses the module) the go command ignores the module's own
vendor directory (it uses the workspace's, made by go work vendor), so nothing is reported."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from gomodls.analysis.context import CheckContext
from gomodls.analysis.findings import Action, Finding, Fix, Severity
from gomodls.analysis.lines import line_range, path_range, replaced_range
from gomodls.base.files import FileSource
from gomodls.base.goenv import find_work_file
from gomodls.modfile.model import ModFile, ModuleVersion, WorkFile
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_text
from gomodls.module import gover, semver
from gomodls.module.errors import GoError
from gomodls.module.paths import check_import_path


@dataclass(slots=True)
class VendorMeta:
    explicit: bool = False
    replacement: ModuleVersion | None = None
    go_version: str = ""


@dataclass(slots=True)
class VendorList:
    modules: list[ModuleVersion] = field(default_factory=list)  # modules with packages, in file order
    meta: dict[ModuleVersion, VendorMeta] = field(default_factory=dict)
    replaced: list[ModuleVersion] = field(default_factory=list)
    version: dict[str, str] = field(default_factory=dict)


def parse_modules_txt(text: str) -> VendorList:
    out = VendorList()
    mod: ModuleVersion | None = None
    for line in text.split("\n"):
        if line.startswith("# "):
            f = line.split()
            mod = None
            if len(f) < 3:
                continue
            if semver.is_valid(f[2]):
                mod, rest = ModuleVersion(f[1], f[2]), f[3:]
            elif f[2] == "=>":
                mod, rest = ModuleVersion(f[1]), f[2:]
            else:
                continue
            if len(rest) >= 2 and rest[0] == "=>":
                meta = out.meta.setdefault(mod, VendorMeta())
                if len(rest) == 2:
                    meta.replacement = ModuleVersion(rest[1])
                    out.replaced.append(mod)
                elif len(rest) == 3 and semver.is_valid(rest[2]):
                    meta.replacement = ModuleVersion(rest[1], rest[2])
                    out.replaced.append(mod)
            continue
        if mod is None or not mod.path:
            continue
        if line.startswith("## "):
            meta = out.meta.setdefault(mod, VendorMeta())
            for entry in line[3:].split(";"):
                entry = entry.strip()
                if entry == "explicit":
                    meta.explicit = True
                if entry.startswith("go "):
                    meta.go_version = entry[3:]
            continue
        words = line.split()
        if len(words) == 1 and _is_import_path(words[0]):
            # A vendored package: its module is in the build list at this version.
            v = out.version.get(mod.path)
            if v is None or gover.mod_compare(mod.path, v, mod.version) < 0:
                out.modules.append(mod)
                out.version[mod.path] = mod.version
    return out


def _is_import_path(path: str) -> bool:
    try:
        check_import_path(path)
    except GoError:
        return False
    return True


def check_vendor(parsed: ParsedFile, ctx: CheckContext) -> list[Finding]:
    f = parsed.model
    if not isinstance(f, ModFile) or f.module is None:
        return []
    text = ctx.files.read_text(os.path.join(ctx.dir, "vendor", "modules.txt"))
    if text is None:
        return []
    go_version = f.go.version if f.go else gover.DEFAULT_GO_MOD_VERSION
    if gover.compare(go_version, "1.14") < 0:
        return []  # vendor/modules.txt had too little information before Go 1.14
    if workspace_using(ctx.dir, ctx.gowork, ctx.files) is not None:
        return []
    return list(_inconsistencies(f, parse_modules_txt(text), ctx))


def workspace_using(module_dir: str, gowork: str, files: FileSource) -> str | None:
    """The go.work the go command runs in for the module in `module_dir`, if it uses the module."""
    path = find_work_file(module_dir, gowork, lambda p: files.read_text(p) is not None)
    text = files.read_text(path) if path else None
    if path is None or text is None:
        return None
    work = parse_text(text, FileKind.WORK, path).model
    if not isinstance(work, WorkFile):
        return None
    work_dir = os.path.dirname(path)
    target = os.path.normpath(os.path.abspath(module_dir))
    for use in work.use:
        if os.path.normpath(os.path.join(work_dir, use.path)) == target:
            return path
    return None


def _finding(rng: tuple[int, int, int, int], detail: str, ctx: CheckContext) -> Finding:
    return Finding(
        rng,
        Severity.ERROR,
        "inconsistent-vendoring",
        f"inconsistent vendoring: {detail}\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor",
        [Fix("Run go mod vendor", {}, action=(Action.VENDOR, [ctx.path]))],
    )


def _describe(m: ModuleVersion) -> str:
    return f"{m.path}@{m.version}" if m.version else m.path


def _inconsistencies(f: ModFile, vl: VendorList, ctx: CheckContext) -> Iterator[Finding]:
    module_line = line_range(f.module.syntax)  # type: ignore[union-attr]
    for r in f.require:
        if not vl.meta.get(r.mod, VendorMeta()).explicit:
            yield _finding(
                path_range(r.syntax),
                f"{_describe(r.mod)}: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt",
                ctx,
            )
    replaces = {r.old: r for r in f.replace}  # the last one wins, as in the go command
    seen: set[ModuleVersion] = set()
    for r in f.replace:
        if r.old in seen:
            continue
        seen.add(r.old)
        effective = replaces[r.old].new
        vr = vl.meta.get(r.old, VendorMeta()).replacement
        if vr is None:
            yield _finding(
                replaced_range(r),
                f"{_describe(r.old)}: is replaced in go.mod, but not marked as replaced in vendor/modules.txt",
                ctx,
            )
        elif vr != effective:
            yield _finding(
                replaced_range(r),
                f"{_describe(r.old)}: is replaced by {_describe(effective)} in go.mod, but marked as replaced by "
                f"{_describe(vr)} in vendor/modules.txt",
                ctx,
            )
    required = {r.mod for r in f.require}
    for mod in vl.modules:
        if vl.meta.get(mod, VendorMeta()).explicit and mod not in required:
            yield _finding(
                module_line,
                f"{_describe(mod)}: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod",
                ctx,
            )
    for mod in vl.replaced:
        if mod not in replaces and ModuleVersion(mod.path) not in replaces:
            yield _finding(
                module_line,
                f"{_describe(mod)}: is marked as replaced in vendor/modules.txt, but not replaced in go.mod",
                ctx,
            )
    for mod, meta in vl.meta.items():
        if meta.go_version and ctx.local_go and gover.compare(meta.go_version, ctx.local_go) > 0:
            yield Finding(
                module_line,
                Severity.ERROR,
                "vendor-go-too-new",
                f"{mod.path} in vendor/modules.txt requires go >= {meta.go_version} (running go {ctx.local_go}"
                f"{too_new_explain(ctx)})",
            )


def too_new_explain(ctx: CheckContext) -> str:
    """gover.TooNewError's explanation of why the go command does not switch toolchains."""
    toolchain = ctx.gotoolchain
    return f"; GOTOOLCHAIN={toolchain}" if toolchain and toolchain != "auto" else ""
