"""The package map: one package per layer, nothing imports upward, no import cycle between
modules, and nothing loose at the package root (docs/architecture.md describes the layers)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "server" / "gomodls"

# Lowest first. A package may import its own layer and the layers below; packages of one layer
# are siblings (resolve, sumdb and vuln: fetching and verifying what the go command downloads).
LAYERS: list[tuple[str, ...]] = [
    ("base",),  # Go's string, path and environment rules, text edits, files: standard library only
    ("syntax", "module"),  # the lossless tree; module paths and versions
    ("modfile",),  # x/mod's File and WorkFile, go.sum
    ("resolve", "sumdb", "vuln"),  # fetching, the build list; the checksum and vulnerability databases
    ("analysis",),  # the checks: findings and their fixes
    ("gocommand",),  # the user's go command
    ("lsp",),  # the language server
    ("cli", "__main__"),  # the command line
]
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}
ROOT_FILES = {"__init__.py", "__main__.py", "cli.py"}


def modules() -> dict[str, Path]:
    """gomodls.x.y -> its file."""
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = ["gomodls", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, bool]]:
    """The gomodls modules `name` imports, each with whether it is only for type checking."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def targets(node: ast.Import | ast.ImportFrom) -> Iterator[str]:
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
            return
        base = node.module or ""
        if node.level:
            up = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*up, *([node.module] if node.module else [])])
        for a in node.names:
            yield f"{base}.{a.name}" if f"{base}.{a.name}" in known else base

    def walk(node: ast.AST, typing_only: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for c in child.body:
                    yield from walk_one(c, True)
                for c in child.orelse:
                    yield from walk_one(c, typing_only)
            else:
                yield from walk_one(child, typing_only)

    def walk_one(node: ast.AST, typing_only: bool) -> Iterator[tuple[str, bool]]:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in targets(node):
                while target and target not in known:  # gomodls.x.y.name -> gomodls.x.y
                    target = target.rpartition(".")[0]
                if target.startswith("gomodls") and target != name:
                    yield target, typing_only
        else:
            yield from walk(node, typing_only)

    yield from walk(ast.parse(path.read_text(), str(path)), False)


def graph() -> dict[str, set[tuple[str, bool]]]:
    known = modules()
    return {name: set(imports(name, path, known)) for name, path in known.items()}


def layer_of(module: str) -> str:
    """gomodls.lsp.hover -> lsp; gomodls.cli -> cli; the root package itself -> ""."""
    return module.split(".")[1] if "." in module else ""


def test_the_root_holds_only_the_command_line() -> None:
    assert {p.name for p in ROOT.iterdir() if p.is_file() and p.suffix == ".py"} == ROOT_FILES


def test_every_package_has_a_layer() -> None:
    packages = {layer_of(m) for m in modules()} - {""}
    assert sorted(packages - LAYER.keys()) == [], "add the new package to LAYERS (and docs/architecture.md)"


def test_nothing_imports_upward() -> None:
    upward = []
    for module, targets in graph().items():
        if layer_of(module) == "":
            assert not targets, f"the root package imports nothing: {targets}"
            continue
        for target, _ in targets:
            if layer_of(target) and LAYER[layer_of(target)] > LAYER[layer_of(module)]:
                upward.append(f"{module} -> {target}")
    assert sorted(upward) == []


def test_base_is_standard_library_only() -> None:
    for name, path in modules().items():
        if layer_of(name) != "base":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
                for top in (
                    [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                ):
                    assert top is not None
                    root = top.split(".")[0]
                    assert root in ("gomodls", "__future__") or root in STDLIB, f"{name} imports {top}"
                    assert not top.startswith("gomodls") or layer_of(top) in ("", "base"), (
                        f"{name} imports {top}"
                    )


def test_no_import_cycle() -> None:
    """Between modules, counting the imports that run (TYPE_CHECKING ones do not)."""
    runtime = {m: {t for t, typing_only in ts if not typing_only} for m, ts in graph().items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in runtime.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(runtime):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_checks_see_what_they_check() -> None:
    """The graph is not empty: the tests above would pass vacuously otherwise."""
    g = graph()
    assert ("gomodls.lsp.server", False) in g["gomodls.lsp.app"]
    assert ("gomodls.lsp.server", True) in g["gomodls.lsp.resolution"]
    assert any(layer_of(t) == "syntax" for t, _ in g["gomodls.modfile.parsed"])


STDLIB = frozenset(__import__("sys").stdlib_module_names)
