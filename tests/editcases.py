"""Inputs for the edit API tests: hand-made tricky files, `go mod edit` / `go work edit` flags
and their translation to editor calls (in the go command's order), seeded random edits, and the
mapping of editor calls to x/mod calls for the ``xmod`` harness.

Expected results never come from here: they come from the go command (``oracle``) or from x/mod
itself (``xmod``).
"""

from __future__ import annotations

import json
import posixpath
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gomodls.modfile.edit import ModEditor, Requirement, UseSpec, WorkEditor
from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.rules import is_directory_path, must_quote
from gomodls.module.errors import GoError
from gomodls.module.paths import check_import_path, split_path_version

Call = tuple[str, tuple[Any, ...]]

# ----------------------------------------------------------------------------- tricky files

TRICKY_MOD: dict[str, str] = {
    "comments_everywhere": """// header comment

// Deprecated: use example.com/new
module example.com/m // module suffix

// go line
go 1.21 // go suffix

// before require block
require ( // lparen
	// group one
	example.com/a v1.0.0 // a comment

	example.com/b v1.2.0 // indirect; note b
	// before rparen
) // rparen

require example.com/c v0.3.0 // indirect

// exclude
exclude example.com/a v0.9.0

replace example.com/b => ./b // local

retract (
	// rationale one
	v1.0.1
	[v1.1.0, v1.1.5] // oops
)

// trailing comment
""",
    "one_line_blocks": """module example.com/m

require (
	example.com/a v1.0.0
)

exclude (
	example.com/a v0.1.0
)

replace (
	example.com/a => ../a
)

godebug (
	panicnil=1
)

tool (
	example.com/m/cmd/gen
)

ignore (
	./static
)
""",
    "duplicates": """module example.com/m

go 1.22

require example.com/a v1.0.0 // first
require example.com/a v1.1.0 // second
require (
	example.com/a v1.2.0 // third
	example.com/b v1.0.0
)

exclude example.com/b v0.1.0
exclude example.com/b v0.1.0 // dup

replace example.com/a => ./a1
replace example.com/a => ./a2

tool example.com/m/t
tool example.com/m/t

godebug panicnil=1
godebug panicnil=0
""",
    "quoted_crlf": (
        'module "example.com/m"\r\n\r\ngo 1.20\r\n\r\nrequire (\r\n\t"example.com/a" "v1.0.0"\r\n'
        "    example.com/b   v1.1 // non-canonical\r\n)\r\n\r\n"
        'replace "example.com/b" => "./b dir"\r\n'
    ),
    "no_newline": "module example.com/m\n\nrequire example.com/a v1.0.0",
    "messy_spacing": """module   example.com/m
go    1.21
require (
    example.com/z v1.0.0 // indirect
  example.com/y v1.0.0


    example.com/x v1.0.0
)
exclude example.com/z v0.1.0
exclude   (
	example.com/z v0.2.0
	example.com/y v0.10.0
	example.com/y v0.9.0
)
""",
    "indirect_variants": """module example.com/m/v2

go 1.19

require (
	example.com/a v1.0.0 //indirect
	example.com/b v1.0.0 // indirect; kept for the test
	example.com/c v1.0.0 // Indirect
	example.com/d v1.0.0 //
	example.com/e/v3 v3.1.0
	gopkg.in/yaml.v2 v2.4.0 // indirect
)

retract v2.0.1 // broken
""",
    "module_block": """// Deprecated: gone
module (
	example.com/m
)

go 1.21.0

toolchain go1.22.1

require example.com/a v1.0.0
require example.com/b v1.0.0
""",
    "empty_blocks": """module example.com/m

require ()

exclude (
	// only a comment
)

go 1.20
""",
    "no_module": "go 1.21\n\nrequire example.com/a v1.0.0\n",
    "empty": "",
    "tools_and_ignores": """module example.com/m

go 1.24

tool (
	example.com/m/cmd/b
	example.com/m/cmd/a
)

ignore ./node_modules

godebug (
	default=go1.21
	panicnil=1 // kept
)
""",
}

TRICKY_WORK: dict[str, str] = {
    "work_comments": """// workspace
go 1.22 // go

// uses
use (
	./a // first
	./b

	// group
	./c
)

replace example.com/x => ./x // local x

godebug panicnil=1
""",
    "work_single_use": "go 1.21\n\nuse ./a\n",
    "work_no_go": "// only a comment\n\nuse (\n\t./z\n\t./a\n)\n",
    "work_crlf_toolchain": "go 1.22.0\r\n\r\ntoolchain go1.22.2\r\n\r\nuse .\r\n",
    "work_empty": "",
}

# Files with errors on some lines (for the minimal edits only): the broken lines must survive.
BROKEN_MOD: dict[str, tuple[str, list[str]]] = {
    # name: (text, lines that are broken)
    "unknown_directive": (
        "module example.com/m\n\nfoo bar\n\nrequire example.com/a v1.0.0\n",
        ["foo bar"],
    ),
    "bad_require_in_block": (
        "module example.com/m\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/bad\n\texample.com/c v1.0.0\n)\n",
        ["\texample.com/bad"],
    ),
    "bad_version": (
        "module example.com/m\n\nrequire example.com/x 1.0\n\nrequire example.com/a v1.0.0\n",
        ["require example.com/x 1.0"],
    ),
    "lex_error": (
        'module example.com/m\n\nrequire "example.com/q v1.0.0\n\ngo 1.21\n',
        ['require "example.com/q v1.0.0'],
    ),
}


# ----------------------------------------------------------------------------- flags


def to_directory_path(path: str) -> str:
    """modload.ToDirectoryPath (for -use / -dropuse)."""
    if is_directory_path(path):
        return path
    return "./" + posixpath.normpath(path)


def _path_version(arg: str) -> tuple[str, str]:
    path, _, version = arg.partition("@")
    return path.strip(), version.strip()


def _interval(arg: str) -> tuple[str, str]:
    if not arg.startswith("["):
        return arg, arg
    low, _, high = arg[1:-1].partition(",")
    return low.strip(), high.strip()


def flags_to_calls(kind: str, flags: Sequence[str]) -> list[Call]:
    """The editor calls `go mod edit FLAGS` / `go work edit FLAGS` makes, in its order:
    -module, -go, -toolchain first, then the other flags as given (edit.go)."""
    first: dict[str, Call] = {}
    rest: list[Call] = []
    for flag in flags:
        name, _, arg = flag.lstrip("-").partition("=")
        if name in ("go", "toolchain"):
            method = f"drop_{name}_stmt" if arg == "none" else f"add_{name}_stmt"
            first[name] = (method, () if arg == "none" else (arg,))
        elif name == "module":
            first[name] = ("add_module_stmt", (arg,))
        else:
            rest.append(_edit_call(kind, name, arg))
    ordered = [first[k] for k in ("module", "go", "toolchain") if k in first]
    return ordered + rest


def _edit_call(kind: str, name: str, arg: str) -> Call:
    if name == "godebug":
        key, _, value = arg.partition("=")
        return "add_godebug", (key, value)
    if name in ("require", "exclude", "dropexclude"):
        path, version = _path_version(arg)
        return {"require": "add_require", "exclude": "add_exclude", "dropexclude": "drop_exclude"}[name], (
            path,
            version,
        )
    if name == "replace":
        old, _, new = arg.partition("=")
        old_path, old_version = _path_version(old)
        new = new.strip()
        new_path, new_version = (new, "") if is_directory_path(new) else _path_version(new)
        return "add_replace", (old_path, old_version, new_path, new_version)
    if name == "dropreplace":
        path, version = (arg, "") if is_directory_path(arg) else _path_version(arg)
        return "drop_replace", (path, version)
    if name == "retract":
        return "add_retract", (*_interval(arg), "")
    if name == "dropretract":
        return "drop_retract", _interval(arg)
    if name == "use":
        return "add_use", (to_directory_path(arg), "")
    if name == "dropuse":
        return "drop_use", (to_directory_path(arg),)
    simple = {
        "dropgodebug": "drop_godebug",
        "droprequire": "drop_require",
        "tool": "add_tool",
        "droptool": "drop_tool",
        "ignore": "add_ignore",
        "dropignore": "drop_ignore",
    }
    return simple[name], (arg,)


def apply_calls(editor: ModEditor | WorkEditor, calls: Sequence[Call]) -> None:
    for method, args in calls:
        getattr(editor, method)(*args)


# ----------------------------------------------------------------------------- random flags


def _import_path_ok(path: str) -> bool:
    try:
        check_import_path(path)
    except GoError:
        return False
    return True


def _major(path: str) -> int:
    _, path_major, _ = split_path_version(path)
    digits = path_major.removesuffix("-unstable").lstrip("/.v")
    return int(digits) if digits else 1


def _version(path: str, rng: random.Random) -> str:
    return f"v{_major(path)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"


@dataclass
class _Pools:
    requires: list[str]
    excludes: list[tuple[str, str]]
    replaces: list[tuple[str, str]]
    retracts: list[tuple[str, str]]
    godebugs: list[str]
    tools: list[str]
    ignores: list[str]
    uses: list[str]


def _pools(model: ModFile | WorkFile) -> _Pools:
    if isinstance(model, WorkFile):
        return _Pools(
            [],
            [],
            [(r.old.path, r.old.version) for r in model.replace if _import_path_ok(r.old.path)],
            [],
            [g.key for g in model.godebug if g.key],
            [],
            [],
            [u.path for u in model.use],
        )
    return _Pools(
        [r.mod.path for r in model.require if _import_path_ok(r.mod.path)],
        [(x.mod.path, x.mod.version) for x in model.exclude if _import_path_ok(x.mod.path)],
        [(r.old.path, r.old.version) for r in model.replace if _import_path_ok(r.old.path)],
        [(r.low, r.high) for r in model.retract if not must_quote(r.low) and not must_quote(r.high)],
        [g.key for g in model.godebug if g.key],
        [t.path for t in model.tool if _import_path_ok(t.path)],
        [i.path for i in model.ignore if i.path and "@" not in i.path and not must_quote(i.path)],
        [],
    )


def _pick(rng: random.Random, existing: Sequence[str], fresh: str, p_existing: float = 0.7) -> str:
    return rng.choice(existing) if existing and rng.random() < p_existing else fresh


def _replace_flag(rng: random.Random, pools: _Pools, n: int, drop: bool) -> str | None:
    if drop:
        if not pools.replaces:
            return None
        path, version = rng.choice(pools.replaces)
        return f"-dropreplace={path}@{version}" if version else f"-dropreplace={path}"
    olds = [p for p, _ in pools.replaces] + pools.requires
    old = _pick(rng, olds, f"example.com/rep{n}")
    if rng.random() < 0.4:
        old += "@" + _version(old, rng)
    new = f"./local/dir{n}" if rng.random() < 0.5 else f"example.com/fork{n}@v1.{n}.0"
    return f"-replace={old}={new}"


def random_mod_flags(model: ModFile, rng: random.Random, count: int) -> list[str]:
    pools = _pools(model)
    module_path = model.module.mod.path if model.module else ""
    flags: list[str] = []
    kinds = [
        "require",
        "require",
        "droprequire",
        "exclude",
        "dropexclude",
        "replace",
        "dropreplace",
        "retract",
        "dropretract",
        "go",
        "toolchain",
        "godebug",
        "dropgodebug",
        "tool",
        "droptool",
        "ignore",
        "dropignore",
    ]
    for n in range(count * 3):
        if len(flags) >= count:
            break
        kind = rng.choice(kinds)
        flag = _mod_flag(kind, rng, pools, module_path, n)
        if flag is not None:
            flags.append(flag)
    return flags


def _mod_flag(kind: str, rng: random.Random, pools: _Pools, module_path: str, n: int) -> str | None:
    if kind == "require":
        path = _pick(rng, pools.requires, f"example.com/new{n}")
        return f"-require={path}@{_version(path, rng)}"
    if kind == "droprequire":
        return f"-droprequire={rng.choice(pools.requires)}" if pools.requires else None
    if kind == "exclude":
        path = _pick(rng, pools.requires + [p for p, _ in pools.excludes], f"example.com/ex{n}", 0.8)
        return f"-exclude={path}@{_version(path, rng)}"
    if kind == "dropexclude":
        return "-dropexclude={}@{}".format(*rng.choice(pools.excludes)) if pools.excludes else None
    if kind in ("replace", "dropreplace"):
        return _replace_flag(rng, pools, n, kind == "dropreplace")
    if kind == "retract":
        if module_path and not _import_path_ok(module_path):
            return None
        major = _major(module_path) if module_path else 1
        low = f"v{major}.{rng.randint(0, 5)}.{rng.randint(0, 9)}"
        if rng.random() < 0.5:
            return f"-retract={low}"
        return f"-retract=[{low},v{major}.{rng.randint(6, 9)}.0]"
    if kind == "dropretract":
        if not pools.retracts:
            return None
        low, high = rng.choice(pools.retracts)
        return f"-dropretract={low}" if low == high else f"-dropretract=[{low},{high}]"
    if kind == "go":
        return rng.choice(
            ["-go=none", f"-go=1.{rng.randint(16, 26)}", f"-go=1.{rng.randint(21, 26)}.{n % 4}"]
        )
    if kind == "toolchain":
        return rng.choice(["-toolchain=none", f"-toolchain=go1.{rng.randint(21, 26)}.{n % 5}"])
    if kind == "godebug":
        key = _pick(rng, pools.godebugs, rng.choice(["panicnil", "asynctimerchan", "httpmuxgo121"]), 0.5)
        return f"-godebug={key}={rng.randint(0, 1)}"
    if kind == "dropgodebug":
        return f"-dropgodebug={_pick(rng, pools.godebugs, 'panicnil')}"
    if kind == "tool":
        return f"-tool={_pick(rng, pools.tools, f'example.com/tools/cmd/t{n}', 0.3)}"
    if kind == "droptool":
        return f"-droptool={rng.choice(pools.tools)}" if pools.tools else None
    if kind == "ignore":
        return f"-ignore={_pick(rng, pools.ignores, f'./ignored{n}', 0.3)}"
    if kind == "dropignore":
        return f"-dropignore={rng.choice(pools.ignores)}" if pools.ignores else None
    raise AssertionError(kind)


def random_work_flags(model: WorkFile, rng: random.Random, count: int) -> list[str]:
    pools = _pools(model)
    flags: list[str] = []
    kinds = ["use", "use", "dropuse", "replace", "dropreplace", "go", "toolchain", "godebug", "dropgodebug"]
    for n in range(count * 3):
        if len(flags) >= count:
            break
        kind = rng.choice(kinds)
        if kind == "use":
            flag: str | None = f"-use={_pick(rng, pools.uses, f'./mod{n}', 0.3)}"
        elif kind == "dropuse":
            flag = f"-dropuse={rng.choice(pools.uses)}" if pools.uses else None
        else:
            flag = _mod_flag(kind, rng, pools, "", n)
        if flag is not None:
            flags.append(flag)
    return flags


# ----------------------------------------------------------------------------- x/mod calls

_GO_NAMES = {
    "add_module_stmt": "AddModuleStmt",
    "add_go_stmt": "AddGoStmt",
    "drop_go_stmt": "DropGoStmt",
    "add_toolchain_stmt": "AddToolchainStmt",
    "drop_toolchain_stmt": "DropToolchainStmt",
    "add_godebug": "AddGodebug",
    "drop_godebug": "DropGodebug",
    "add_require": "AddRequire",
    "add_new_require": "AddNewRequire",
    "set_require": "SetRequire",
    "set_require_separate_indirect": "SetRequireSeparateIndirect",
    "set_require_at_most_two": "SetRequireAtMostTwo",
    "drop_require": "DropRequire",
    "add_exclude": "AddExclude",
    "drop_exclude": "DropExclude",
    "add_replace": "AddReplace",
    "drop_replace": "DropReplace",
    "add_retract": "AddRetract",
    "drop_retract": "DropRetract",
    "add_tool": "AddTool",
    "drop_tool": "DropTool",
    "add_ignore": "AddIgnore",
    "drop_ignore": "DropIgnore",
    "add_use": "AddUse",
    "add_new_use": "AddNewUse",
    "set_use": "SetUse",
    "drop_use": "DropUse",
    "sort_blocks": "SortBlocks",
    "cleanup": "Cleanup",
}


def xmod_op(call: Call) -> list[Any]:
    method, args = call
    out: list[Any] = [_GO_NAMES[method]]
    for a in args:
        if isinstance(a, tuple | list):
            out.append([list(x) for x in a])
        else:
            out.append(a)
    return out


def model_dump(model: ModFile | WorkFile) -> dict[str, Any]:
    """Our model in the shape the harness prints (every entry, model order)."""
    if isinstance(model, WorkFile):
        out: dict[str, Any] = {}
        if model.go:
            out["Go"] = model.go.version
        if model.toolchain:
            out["Toolchain"] = model.toolchain.name
        out["Godebug"] = [[g.key, g.value] for g in model.godebug] or None
        out["Use"] = [[u.path, u.module_path] for u in model.use] or None
        out["Replace"] = [
            [r.old.path, r.old.version, r.new.path, r.new.version] for r in model.replace
        ] or None
        return out
    out = {}
    if model.module:
        out["Module"] = {"Path": model.module.mod.path, "Deprecated": model.module.deprecated}
    if model.go:
        out["Go"] = model.go.version
    if model.toolchain:
        out["Toolchain"] = model.toolchain.name
    out["Godebug"] = [[g.key, g.value] for g in model.godebug] or None
    out["Require"] = [[r.mod.path, r.mod.version, r.indirect] for r in model.require] or None
    out["Exclude"] = [[x.mod.path, x.mod.version] for x in model.exclude] or None
    out["Replace"] = [[r.old.path, r.old.version, r.new.path, r.new.version] for r in model.replace] or None
    out["Retract"] = [[r.low, r.high, r.rationale] for r in model.retract] or None
    out["Tool"] = [t.path for t in model.tool] or None
    out["Ignore"] = [i.path for i in model.ignore] or None
    return out


def unordered(value: Any) -> Any:
    """JSON with every list sorted (requirement order is not meaningful)."""
    if isinstance(value, dict):
        return {k: unordered(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((unordered(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


# ----------------------------------------------------------------------------- random API calls


def random_api_calls(model: ModFile | WorkFile, rng: random.Random, count: int) -> list[Call]:
    """Random edit calls at the API level, including those no flag reaches (set_require*,
    add_new_require, set_use, sort_blocks/cleanup in the middle)."""
    if isinstance(model, WorkFile):
        flags = random_work_flags(model, rng, count)
        calls = flags_to_calls("work", flags)
        uses = [u.path for u in model.use]
        if rng.random() < 0.3:
            keep = [UseSpec(p) for p in uses if rng.random() < 0.6] + [UseSpec(f"./set{count}")]
            calls.insert(rng.randint(0, len(calls)), ("set_use", (tuple(keep),)))
        if rng.random() < 0.3:
            calls.insert(rng.randint(0, len(calls)), ("add_new_use", (f"./new{count}", "")))
    else:
        flags = random_mod_flags(model, rng, count)
        calls = flags_to_calls("mod", flags)
        if model.require and rng.random() < 0.5:
            calls.insert(rng.randint(0, len(calls)), _set_require_call(model, rng))
        if rng.random() < 0.3:
            path = f"example.com/nr{count}"
            calls.insert(
                rng.randint(0, len(calls)), ("add_new_require", (path, "v1.0.0", rng.random() < 0.5))
            )
    for step in ("sort_blocks", "cleanup"):
        if rng.random() < 0.25:
            calls.insert(rng.randint(0, len(calls)), (step, ()))
    return calls


def _set_require_call(model: ModFile, rng: random.Random) -> Call:
    method = rng.choice(["set_require", "set_require_separate_indirect", "set_require_at_most_two"])
    seen: dict[str, Requirement] = {}
    for r in model.require:
        if r.mod.path in seen or rng.random() < 0.2:
            continue
        version = r.mod.version if rng.random() < 0.6 else _version(r.mod.path, rng)
        indirect = r.indirect if rng.random() < 0.6 else not r.indirect
        seen[r.mod.path] = Requirement(r.mod.path, version, indirect)
    for n in range(rng.randint(0, 3)):
        seen[f"example.com/set{n}"] = Requirement(f"example.com/set{n}", "v1.0.0", rng.random() < 0.5)
    return method, (tuple(seen.values()),)
