"""`go list -m all` and `go list -m -json all` output for a `result.Result`, byte for byte.

The text form is modinfo.ModulePublic.String() per line ("path version => path version").
The JSON form is json.MarshalIndent(ModulePublic, "", "\\t") per module: Go's field order,
omitempty, and its HTML-safe escaping.

Some fields name files of the machine the go command runs on, which a pure computation cannot
know; `CacheHooks` supplies them:

* `go_mod_path(mv)`: the module cache path of mv's .mod file
  (``$GOMODCACHE/cache/download/<escaped path>/@v/<escaped version>.mod``), shown as GoMod for
  modules whose go.mod the run read (Go stats that file);
* `module_dir(mv)`: the extracted module directory, if it exists (Dir; `go list -m` never
  downloads zips, so it is there only if something else extracted it);
* `recorded_sum(key)`: the go.sum hash of ``(path, version)`` or ``(path, version/go.mod)``
  already recorded before the run (Sum, GoModSum).

Without hooks these fields are left out. Directories of main modules and directory
replacements come from the Result itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from gomodls.modfile.gojson import marshal_indent
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.buildlist import ModuleGraph
from gomodls.resolve.result import ModuleInfo


@dataclass(frozen=True)
class CacheHooks:
    go_mod_path: Callable[[ModuleVersion], str | None] | None = None
    module_dir: Callable[[ModuleVersion], str | None] | None = None
    recorded_sum: Callable[[ModuleVersion], str | None] | None = None


def module_string(mi: ModuleInfo) -> str:
    """ModulePublic.String() as `go list -m` prints it (no -u, -retracted, -versions)."""
    s = mi.path
    if mi.version:
        s += " " + mi.version
    if mi.replace is not None:
        s += " => " + mi.replace.path
        if mi.replace.version:
            s += " " + mi.replace.version
    return s


def render_text(modules: Sequence[ModuleInfo]) -> str:
    """`go list -m all`."""
    return "".join(module_string(m) + "\n" for m in modules)


def render_json(modules: Sequence[ModuleInfo], hooks: CacheHooks | None = None) -> str:
    """`go list -m -json all`."""
    hooks = hooks or CacheHooks()
    return "".join(marshal_indent(public(m, hooks)) for m in modules)


def public(mi: ModuleInfo, hooks: CacheHooks) -> dict[str, Any]:
    """The ModulePublic fields of mi, in Go's order, empty ones left out."""
    rep = _cache_fields(mi.replace, hooks) if mi.replace is not None else None
    own = _cache_fields(mi, hooks) if mi.replace is None else {}
    out: dict[str, Any] = {}
    _put(out, "Path", mi.path)
    _put(out, "Version", mi.version)
    if mi.replace is not None:
        out["Replace"] = _replace_public(mi.replace, rep or {})
    _put(out, "Time", mi.time)
    _put(out, "Main", mi.main)
    _put(out, "Indirect", mi.indirect)
    if mi.replace is not None:
        # Dir and GoMod come from the replacement.
        _put(out, "Dir", (rep or {}).get("Dir", ""))
        _put(out, "GoMod", (rep or {}).get("GoMod", ""))
    else:
        _put(out, "Dir", own.get("Dir", ""))
        _put(out, "GoMod", own.get("GoMod", ""))
    _put(out, "GoVersion", mi.go_version)
    if mi.error:
        out["Error"] = {"Err": mi.error}
    _put(out, "Sum", own.get("Sum", ""))
    _put(out, "GoModSum", own.get("GoModSum", ""))
    return out


def _replace_public(rep: ModuleInfo, cache: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "Path", rep.path)
    _put(out, "Version", rep.version)
    _put(out, "Time", rep.time)
    _put(out, "Dir", cache.get("Dir", ""))
    _put(out, "GoMod", cache.get("GoMod", ""))
    _put(out, "GoVersion", rep.go_version)
    if rep.error:
        out["Error"] = {"Err": rep.error}
    _put(out, "Sum", cache.get("Sum", ""))
    _put(out, "GoModSum", cache.get("GoModSum", ""))
    return out


def _cache_fields(mi: ModuleInfo, hooks: CacheHooks) -> dict[str, str]:
    """Dir, GoMod, Sum, GoModSum: from the Result for directories, from the hooks otherwise."""
    out = {"Dir": mi.dir, "GoMod": mi.go_mod}
    mod = mi.cache_mod
    if mod is None:
        return out
    if mi.sum_ok_mod:
        if mi.go_mod_fetched and hooks.go_mod_path is not None:
            out["GoMod"] = hooks.go_mod_path(mod) or ""
        if hooks.recorded_sum is not None:
            out["GoModSum"] = hooks.recorded_sum(ModuleVersion(mod.path, mod.version + "/go.mod")) or ""
    if mi.sum_ok_zip:
        if hooks.module_dir is not None:
            out["Dir"] = hooks.module_dir(mod) or ""
        if hooks.recorded_sum is not None:
            out["Sum"] = hooks.recorded_sum(mod) or ""
    return out


def _put(out: dict[str, Any], key: str, value: str | bool) -> None:
    if value:
        out[key] = value


def render_mod_graph(graph: ModuleGraph) -> str:
    """`go mod graph`: every requirement edge of the loaded graph, "m r" per line, modules in
    breadth-first order from the roots (versions after "@", none for main modules)."""
    out: list[str] = []

    def visit(m: ModuleVersion) -> None:
        for r in graph.required_by(m) or ():
            out.append(f"{m} {r}\n")

    graph.g.walk_breadth_first(visit)
    return "".join(out)
