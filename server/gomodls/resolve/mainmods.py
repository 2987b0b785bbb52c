"""The main modules and what their go.mod (and go.work) files impose on everyone else:
replacements and exclusions. A port of modload's MainModuleSet, makeMainModules, indexModFile
and the replacement lookups of modfile.go (replacement, replacementFrom,
canonicalizeReplacePath, resolveReplacement, replaceRelativeTo).

Paths are OS paths (os.path), like the go command's filepath.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from gomodls.base.foreground import paced
from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.rules import is_directory_path
from gomodls.module.gover import DEFAULT_GO_MOD_VERSION, DEFAULT_GO_WORK_VERSION, mod_compare
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.messages import Messages


@dataclass(frozen=True)
class MainModule:
    """One main module: its root directory (absolute) and its go.mod, parsed strictly.

    `data_needs_fix` tells that the go command's VersionFixer would rewrite a version of this
    go.mod (a non-canonical version); the go.mod then always counts as needing an update.
    """

    dir: str
    model: ModFile
    gomod_path: str = ""  # default: dir/go.mod
    data_needs_fix: bool = False

    @property
    def path(self) -> str:
        return self.model.module_path

    @property
    def gomod(self) -> str:
        return self.gomod_path or os.path.join(self.dir, "go.mod")

    @property
    def version(self) -> ModuleVersion:
        return ModuleVersion(self.path, "")


@dataclass(frozen=True)
class Workspace:
    """A go.work file (absolute path) and its model; its `use` modules are the main modules."""

    path: str
    model: WorkFile


def mv(m: object) -> ModuleVersion:
    """Our ModuleVersion from a model's: the model's own when it is one (nearly always: a copy
    of each was 6 MB at 100,000 requirements, twice, for as long as the graph is kept)."""
    if m.__class__ is ModuleVersion:
        return m  # type: ignore[return-value]
    return ModuleVersion(m.path, m.version)  # type: ignore[attr-defined]


def from_go_mod(f: ModFile | None) -> str:
    """gover.FromGoMod."""
    return f.go.version if f is not None and f.go is not None else DEFAULT_GO_MOD_VERSION


def from_go_work(wf: WorkFile | None) -> str:
    """gover.FromGoWork."""
    return wf.go.version if wf is not None and wf.go is not None else DEFAULT_GO_WORK_VERSION


def to_directory_path(path: str) -> str:
    """modload.ToDirectoryPath: make a relative directory unambiguous ("./x")."""
    if is_directory_path(path):
        return path
    return "./" + os.path.normpath(path).replace(os.sep, "/")


def short_path(path: str, cwd: str | None) -> str:
    """base.ShortPath: path relative to the working directory when that is shorter.

    (Go also checks that both names reach the same file; without I/O we assume they do.)
    """
    if not cwd:
        return path
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return rel if len(rel) < len(path) else path


@dataclass
class ModFileIndex:
    """modload.modFileIndex: the go.mod facts as first read (to tell later whether it changed)."""

    module: ModuleVersion
    go_version: str
    toolchain: str
    require: dict[ModuleVersion, bool]  # module version -> indirect
    replace: dict[ModuleVersion, ModuleVersion]
    exclude: set[ModuleVersion]
    data_needs_fix: bool = False


def index_mod_file(f: ModFile, msgs: Messages, data_needs_fix: bool = False) -> ModFileIndex:
    return ModFileIndex(
        module=ModuleVersion(f.module_path, ""),
        go_version=f.go.version if f.go else "",
        toolchain=f.toolchain.name if f.toolchain else "",
        require={mv(r.mod): r.indirect for r in paced(f.require)},
        replace=to_replace_map([(mv(r.old), mv(r.new)) for r in f.replace], msgs),
        exclude={mv(x.mod) for x in f.exclude},
        data_needs_fix=data_needs_fix,
    )


def to_replace_map(
    replacements: Sequence[tuple[ModuleVersion, ModuleVersion]], msgs: Messages
) -> dict[ModuleVersion, ModuleVersion]:
    out: dict[ModuleVersion, ModuleVersion] = {}
    for old, new in replacements:
        prev = out.get(old)
        if prev is not None and prev != new:
            raise msgs.fatal(f"go: conflicting replacements for {old}:\n\t{prev}\n\t{new}")
        out[old] = new
    return out


@dataclass
class MainModuleSet:
    """modload.MainModuleSet, for the parts that matter to the module graph."""

    versions: list[ModuleVersion]
    mod_root: dict[ModuleVersion, str]
    mod_files: dict[ModuleVersion, ModFile]
    indices: dict[ModuleVersion, ModFileIndex]
    gomod_path: dict[ModuleVersion, str]
    work: Workspace | None = None
    work_file_replace_map: dict[ModuleVersion, ModuleVersion] = field(default_factory=dict)
    highest_replaced: dict[str, str] = field(default_factory=dict)
    msgs: Messages = field(default_factory=Messages)
    _replaced_paths: frozenset[str] | None = None

    def replaced_paths(self) -> frozenset[str]:
        """Every path with a replacement somewhere (lookups of other paths are trivial)."""
        if self._replaced_paths is None:
            paths = {old.path for old in self.work_file_replace_map}
            for ix in self.indices.values():
                paths.update(old.path for old in ix.replace)
            self._replaced_paths = frozenset(paths)
        return self._replaced_paths

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(m.path for m in self.versions)

    def contains(self, path: str) -> bool:
        return any(m.path == path for m in self.versions)

    def single(self) -> ModuleVersion:
        if len(self.versions) != 1:
            raise AssertionError("internal error: mustGetSingleMainModule called with several main modules")
        return self.versions[0]

    def go_version(self) -> str:
        """MainModuleSet.GoVersion: the go.work's go version in workspace mode, else go.mod's."""
        if self.work is not None:
            return from_go_work(self.work.model)
        if len(self.versions) == 1:
            return from_go_mod(self.mod_files[self.versions[0]])
        return DEFAULT_GO_MOD_VERSION

    def excludes(self) -> list[set[ModuleVersion]]:
        """The non-empty exclude sets of the main modules, in main-module order."""
        return [ix.exclude for m in self.versions if (ix := self.indices.get(m)) and ix.exclude]

    # ----------------------------------------------------------------- replacements

    def replacement_from(self, mod: ModuleVersion) -> tuple[ModuleVersion, str]:
        """replacementFrom: the replacement for mod (as written) and the root of the module
        whose go.mod declared it ("" if go.work did, or if there is none)."""
        if mod.path not in self.replaced_paths():
            return _NO_REPLACEMENT, ""
        if self.contains(mod.path) and mod.version == "":
            return ModuleVersion("", ""), ""  # never replace the workspace version of a main module
        r = _replacement(mod, self.work_file_replace_map)
        if r is not None:
            return r[1], ""
        found, found_mod_root = ModuleVersion("", ""), ""
        for v in self.versions:
            index = self.indices.get(v)
            if index is None:
                continue
            r = _replacement(mod, index.replace)
            if r is None:
                continue
            frm, new = r
            mod_root = self.mod_root[v]
            # Go never updates its foundFrom variable, so it compares with "": a later module's
            # versioned replacement that differs from the one found conflicts with it. Go prints
            # this (base.Errorf, no "go: ") at every lookup: callers look up as often as Go does.
            if found_mod_root != "" and frm != "" and found != new:
                self.msgs.errorf(
                    f"conflicting replacements found for {mod} in workspace modules defined by "
                    f"{self.gomod_path[self._version_at(found_mod_root)]} and {self.gomod_path[v]}"
                )
                return found, found_mod_root
            found, found_mod_root = new, mod_root
        return found, found_mod_root

    def _version_at(self, mod_root: str) -> ModuleVersion:
        for m, root in self.mod_root.items():
            if root == mod_root:
                return m
        raise KeyError(mod_root)

    def replacement(self, mod: ModuleVersion) -> ModuleVersion:
        """Replacement: mod's replacement, relative directories made relative to the workspace
        directory in workspace mode (as written in go.mod otherwise); ("", "") if none."""
        if mod.path not in self.replaced_paths():
            return _NO_REPLACEMENT
        r, mod_root = self.replacement_from(mod)
        return self._canonicalize_replace_path(r, mod_root)

    def _canonicalize_replace_path(self, r: ModuleVersion, mod_root: str) -> ModuleVersion:
        if os.path.isabs(r.path) or r.version != "" or mod_root == "":
            return r
        if self.work is None:
            return r
        abs_path = os.path.normpath(os.path.join(mod_root, r.path))
        try:
            rel = os.path.relpath(abs_path, os.path.dirname(self.work.path))
        except ValueError:
            return ModuleVersion(to_directory_path(os.path.normpath(abs_path)), r.version)
        return ModuleVersion(to_directory_path(rel), r.version)

    def resolve_replacement(self, m: ModuleVersion) -> ModuleVersion:
        """The module actually loaded for m: its replacement, or m itself."""
        r = self.replacement(m)
        return r if r.path != "" else m

    def replace_relative_to(self) -> str:
        """The directory relative replacement paths are relative to."""
        if self.work is not None:
            return os.path.dirname(self.work.path)
        return self.mod_root[self.single()]

    def replacement_dir(self, r: ModuleVersion) -> str:
        """The absolute directory of a directory replacement r (version "")."""
        if os.path.isabs(r.path):
            return r.path
        if self.work is not None and self.contains(r.path):
            return self.mod_root[ModuleVersion(r.path, "")]
        return os.path.normpath(os.path.join(self.replace_relative_to(), r.path))


_NO_REPLACEMENT = ModuleVersion("", "")


def _replacement(
    mod: ModuleVersion, replace: dict[ModuleVersion, ModuleVersion]
) -> tuple[str, ModuleVersion] | None:
    """modload.replacement: (the version replaced — "" for a wildcard, the replacement)."""
    r = replace.get(mod)
    if r is not None:
        return mod.version, r
    r = replace.get(ModuleVersion(mod.path, ""))
    if r is not None:
        return "", r
    return None


def make_main_modules(
    mains: Sequence[MainModule],
    work: Workspace | None,
    msgs: Messages,
    indices: dict[ModuleVersion, ModFileIndex] | None = None,
) -> MainModuleSet:
    """makeMainModules: index the main modules (unless `indices` has them), check workspace
    replacements.

    Records base.Errorf messages in msgs and raises Fatal for base.Fatalf ones.
    """
    versions = [m.version for m in mains]
    mms = MainModuleSet(
        versions=versions,
        mod_root={m.version: m.dir for m in mains},
        mod_files={m.version: m.model for m in mains},
        indices={},
        gomod_path={m.version: m.gomod for m in mains},
        work=work,
        msgs=msgs,
    )
    for m in mains:
        ix = (indices or {}).get(m.version)
        mms.indices[m.version] = ix if ix is not None else index_mod_file(m.model, msgs, m.data_needs_fix)

    work_replaces: list[tuple[ModuleVersion, ModuleVersion]] = []
    if work is not None:
        work_replaces = [(mv(r.old), mv(r.new)) for r in work.model.replace]
        mms.work_file_replace_map = to_replace_map(work_replaces, msgs)

    seen_paths: set[str] = set()
    for v in versions:
        if v.path in seen_paths:
            msgs.errorf(f"go: module {v.path} appears multiple times in workspace")
        seen_paths.add(v.path)

    replaced_by_work_file: set[str] = set()
    replacements: dict[ModuleVersion, ModuleVersion] = {}
    for old, new in work_replaces:
        if old.path in seen_paths and old.version == "":
            msgs.errorf(
                f"go: workspace module {old.path} is replaced at all versions in the go.work file. To fix, "
                "remove the replacement from the go.work file or specify the version at which to replace the module."
            )
        replaced_by_work_file.add(old.path)
        _note_highest(mms.highest_replaced, old)
        replacements[old] = new

    for m in mains:
        cur_module_replaces: set[ModuleVersion] = set()
        for r in m.model.replace:
            old, new = mv(r.old), mv(r.new)
            if old.path in replaced_by_work_file:
                continue
            if work is not None and new.version == "" and not os.path.isabs(new.path):
                # Relative paths of different go.mod files name different directories.
                new = ModuleVersion(os.path.normpath(os.path.join(m.dir, new.path)), "")
            prev = replacements.get(old)
            if prev is not None and old not in cur_module_replaces and prev != new:
                raise msgs.fatal(
                    f"go: conflicting replacements for {old}:\n\t{prev}\n\t{new}\n"
                    f'use "go work edit -replace {old}=[override]" to resolve'
                )
            cur_module_replaces.add(old)
            replacements[old] = new
            _note_highest(mms.highest_replaced, old)
    return mms


def _note_highest(highest: dict[str, str], old: ModuleVersion) -> None:
    v = highest.get(old.path)
    if v is None or mod_compare(old.path, old.version, v) > 0:
        highest[old.path] = old.version
