"""Files that matter but are not open: the server registers file watchers when the client can
take them dynamically, and re-diagnoses the open documents that depend on a changed file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from .helpers import Doc, wait_until

DYNAMIC = {"visual-studio-code", "emacs"}
GLOBS = {"**/go.mod", "**/go.work", "**/go.sum", "**/go.work.sum", "**/vendor/modules.txt"}


def disk(client: LanguageClient, path: Path, content: str | None) -> None:
    """Change a file on disk and tell the server, as the client's file watcher would."""
    existed = path.exists()
    if content is None:
        path.unlink()
        kind = types.FileChangeType.Deleted
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        kind = types.FileChangeType.Changed if existed else types.FileChangeType.Created
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=kind)])
    )


async def settle(client: LanguageClient, quiet: float = 1.0, timeout: float = 20.0) -> None:
    """Wait until no diagnostics have been published for `quiet` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    count, since = len(client.published), loop.time()  # type: ignore[attr-defined]
    while loop.time() - since < quiet:
        assert loop.time() < deadline, "diagnostics kept being published"
        await asyncio.sleep(0.05)
        if len(client.published) != count:  # type: ignore[attr-defined]
            count, since = len(client.published), loop.time()  # type: ignore[attr-defined]


def codes(diags: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diags]


async def test_watchers_and_changes_on_disk(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    if client.profile in DYNAMIC:  # type: ignore[attr-defined]
        regs = await wait_until(lambda: client.registrations, what="client/registerCapability")  # type: ignore[attr-defined]
        [reg] = regs
        assert reg.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        options = reg.register_options
        watchers = options["watchers"] if isinstance(options, dict) else options.watchers
        globs = {w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in watchers}
        assert globs == GLOBS

    mod = Doc.open(
        client,
        root / "m" / "go.mod",
        "module example.com/m\n\ngo 1.21\n\nrequire a.com/b v1.0.0\n\nreplace a.com/b => ../b\n",
    )
    assert codes(await mod.diagnostics()) == ["replacement-dir-missing"]
    if client.profile not in DYNAMIC:  # type: ignore[attr-defined]
        await asyncio.sleep(0.2)
        assert client.registrations == []  # type: ignore[attr-defined]
    (root / "b").mkdir()  # directories are not watched: the next change of the document sees it
    mod.replace("v1.0.0\n", "v1.0.0\n\n")
    assert codes(await mod.diagnostics()) == ["replacement-no-go-mod"]

    gomod_b = root / "b" / "go.mod"
    disk(client, gomod_b, "module a.com/b\n")
    await mod.diagnostics_where(lambda ds: ds == [])
    disk(client, gomod_b, "module a.com/other\n")
    await mod.diagnostics_where(lambda ds: codes(ds) == ["replacement-path-mismatch"])
    disk(client, gomod_b, None)
    await mod.diagnostics_where(lambda ds: codes(ds) == ["replacement-no-go-mod"])
    disk(client, gomod_b, "module a.com/b\n")
    await mod.diagnostics_where(lambda ds: ds == [])

    # go.sum decides whether a replacement is unused; vendor/modules.txt brings vendoring checks.
    mod.replace("\nreplace a.com/b", "\nreplace a.com/x => a.com/y v1.0.0\nreplace a.com/b")
    assert codes(await mod.diagnostics()) == []
    disk(client, root / "m" / "go.sum", "")
    await mod.diagnostics_where(lambda ds: codes(ds) == ["unused-replace"])
    disk(client, root / "m" / "vendor" / "modules.txt", "# a.com/b v1.0.0\na.com/b\n")
    await mod.diagnostics_where(lambda ds: codes(ds).count("inconsistent-vendoring") == 3)
    disk(client, root / "m" / "vendor" / "modules.txt", None)
    disk(client, root / "m" / "go.sum", None)
    await mod.diagnostics_where(lambda ds: ds == [])

    # A go.work and the go.mod files of the modules it uses.
    (root / "a").mkdir()
    disk(client, root / "a" / "go.mod", "module example.com/a\n\ngo 1.22\n")
    work = Doc.open(client, root / "go.work", "go 1.21\n\nuse ./a\nuse ./b\n")
    assert codes(await work.diagnostics()) == ["work-go-too-old"]
    disk(client, root / "a" / "go.mod", "module example.com/a\n\ngo 1.21\n")
    await work.diagnostics_where(lambda ds: ds == [])

    # An open document is read from the editor, not the disk, and its edits re-diagnose the
    # documents that depend on it.
    b = Doc.open(client, gomod_b, "module a.com/b\n", write=False)
    await b.diagnostics()
    b.replace("a.com/b", "a.com/renamed")
    await mod.diagnostics_where(lambda ds: codes(ds) == ["replacement-path-mismatch"])
    b.close()  # back to the disk's version
    await mod.diagnostics_where(lambda ds: ds == [])

    # Unrelated changes re-diagnose nothing. (First let the background work the edits above
    # started — module graphs of m and the workspace — publish what it finds, so that only a
    # publication caused by the change itself is counted.)
    await settle(client)
    before = len(client.published)  # type: ignore[attr-defined]
    disk(client, root / "elsewhere" / "go.mod", "module example.com/elsewhere\n")
    await asyncio.sleep(0.3)
    assert len(client.published) == before  # type: ignore[attr-defined]
