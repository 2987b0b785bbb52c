"""Hand-made module graphs for gomodls.resolve.list (no go command needed). The expected
values are what Go 1.27.3 does on these inputs (checked with the go command on a file:// proxy
serving PROXY; its fetch errors name the file:// URL instead of the one used here)."""

from __future__ import annotations

import json

import pytest

from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.module.errors import ModuleError
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.fetch import Info
from gomodls.resolve.list import (
    LoadError,
    MainModule,
    ModSummary,
    NotLoaded,
    Result,
    Workspace,
    format_time,
    load,
    summary_from_text,
)
from gomodls.resolve.listjson import CacheHooks, render_json, render_mod_graph, render_text

MV = ModuleVersion

PROXY = {
    ("example.com/a", "v1.0.0"): "module example.com/a\n\ngo 1.17\n\nrequire example.com/b v1.1.0\n",
    ("example.com/a", "v1.1.0"): "module example.com/a\n\ngo 1.17\n",
    ("example.com/b", "v1.0.0"): "module example.com/b\n\ngo 1.17\n",
    ("example.com/b", "v1.1.0"): "module example.com/b\n\ngo 1.22.0\n\nrequire example.com/c v1.0.0\n",
    ("example.com/b", "v1.2.0"): "module example.com/b\n\ngo 1.17\n",
    ("example.com/c", "v1.0.0"): "module example.com/c\n",
    ("example.com/old", "v1.0.0"): "module example.com/old\n\ngo 1.16\n\nrequire example.com/b v1.2.0\n",
    ("example.com/wrong", "v1.0.0"): "module example.com/other\n\ngo 1.17\n",
    ("example.com/fork", "v1.5.0"): "module example.com/a\n\ngo 1.20\n",
}


def source(key: ModuleVersion) -> ModSummary:
    text = PROXY.get((key.path, key.version))
    if text is None:
        raise LoadError(ModuleError(key.path, key.version, "reading https://proxy/x: 404 Not Found"))
    return summary_from_text(text, key)


def info(mv: ModuleVersion) -> Info:
    return Info(mv.version, "2024-01-02T03:04:05.500Z")


def main(text: str, dir: str = "/w/m") -> MainModule:
    parsed = parse_text(text, FileKind.MOD)
    assert parsed.ok, parsed.errors
    assert isinstance(parsed.model, ModFile)
    return MainModule(dir, parsed.model)


def run(text: str, **kw: object) -> Result:
    return load([main(text)], None, source, info=info, **kw)  # type: ignore[arg-type]


def test_pruned_graph_upgrades_a_root_and_needs_go_mod_update() -> None:
    gomod = "module m\n\ngo 1.22.0\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n"
    r = run(gomod, mod_mode="mod")
    assert r.ok
    # b v1.1.0 becomes a root, so its requirement on c enters the pruned graph.
    assert [str(m.module_version) for m in r.modules] == [
        "m",
        "example.com/a@v1.0.0",
        "example.com/b@v1.1.0",
        "example.com/c@v1.0.0",
    ]
    assert r.go_mod_update is not None and r.go_mod_update.dirty
    assert (MV("example.com/b", "v1.1.0"), False) in r.go_mod_update.require
    # After the update b v1.1.0 is a root itself.
    assert r.chain("example.com/b") == [MV("m", ""), MV("example.com/b", "v1.1.0")]

    ro = run(gomod, mod_mode="readonly")
    assert not ro.ok and ro.modules
    assert (
        ro.stderr == "go: updates to go.mod needed, disabled by -mod=readonly; to update it:\n\tgo mod tidy\n"
    )
    # Without the update, the graph shows who raised b.
    assert ro.chain("example.com/b") == [
        MV("m", ""),
        MV("example.com/a", "v1.0.0"),
        MV("example.com/b", "v1.1.0"),
    ]
    implicit = run(gomod, mod_mode="readonly", mod_explicit=False)
    assert implicit.stderr == "go: updates to go.mod needed; to update it:\n\tgo mod tidy\n"


def test_unpruned_dependency_loads_transitively() -> None:
    r = run("module m\n\ngo 1.22.0\n\nrequire example.com/old v1.0.0\n", mod_mode="mod")
    assert r.ok, r.stderr
    assert r.selected("example.com/b") == "v1.2.0"
    assert render_text(r.modules) == "m\nexample.com/b v1.2.0\nexample.com/old v1.0.0\n"
    assert not r.go_mod_dirty


def test_json_fields() -> None:
    r = run(
        "module m\n\ngo 1.22.0\n\nrequire example.com/a v1.0.0 // indirect\n\nreplace example.com/b => example.com/fork v1.5.0\n",
        mod_mode="mod",
    )
    assert r.ok, r.stderr
    out = render_json(r.modules, CacheHooks(go_mod_path=lambda mv: f"/cache/{mv.path}@{mv.version}.mod"))
    assert out.startswith('{\n\t"Path": "m",\n')
    objs = [json.loads("{" + chunk) for chunk in ("\n" + out).split("\n{")[1:]]
    assert objs[0] == {
        "Path": "m",
        "Main": True,
        "Dir": "/w/m",
        "GoMod": "/w/m/go.mod",
        "GoVersion": "1.22.0",
    }
    assert objs[1] == {
        "Path": "example.com/a",
        "Version": "v1.0.0",
        "Time": "2024-01-02T03:04:05.5Z",
        "Indirect": True,
        "GoMod": "/cache/example.com/a@v1.0.0.mod",
        "GoVersion": "1.17",
    }
    # b is pruned out (a is at go 1.17): its replacement is only read for the listing, so the
    # fork's module line (example.com/a) is never checked.
    assert objs[2] == {
        "Path": "example.com/b",
        "Version": "v1.1.0",
        "Replace": {
            "Path": "example.com/fork",
            "Version": "v1.5.0",
            "Time": "2024-01-02T03:04:05.5Z",
            "GoMod": "/cache/example.com/fork@v1.5.0.mod",
            "GoVersion": "1.20",
        },
        "Indirect": True,
        "GoMod": "/cache/example.com/fork@v1.5.0.mod",
        "GoVersion": "1.20",
    }
    assert (
        render_text(r.modules) == "m\nexample.com/a v1.0.0\nexample.com/b v1.1.0 => example.com/fork v1.5.0\n"
    )


def test_module_path_mismatch_and_fetch_errors() -> None:
    r = run("module m\n\ngo 1.22.0\n\nrequire example.com/wrong v1.0.0\n")
    assert r.stderr == (
        "go: example.com/wrong@v1.0.0: parsing go.mod:\n"
        "\tmodule declares its path as: example.com/other\n"
        "\t        but was required as: example.com/wrong\n"
    )
    r = run(
        "module m\n\ngo 1.22.0\n\nrequire example.com/old v1.0.0\n\nreplace example.com/b v1.2.0 => example.com/b v1.9.0\n"
    )
    assert r.stderr == (
        "go: example.com/old@v1.0.0 requires\n"
        "\texample.com/b@v1.2.0 (replaced by example.com/b@v1.9.0): reading https://proxy/x: 404 Not Found\n"
    )


def test_excluded_requirements() -> None:
    gomod = "module m\n\ngo 1.22.0\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.1.0\n)\n\nexclude example.com/b v1.1.0\n"
    r = run(gomod, mod_mode="mod")
    assert r.messages[0].text == "go: dropping requirement on excluded version example.com/b v1.1.0"
    assert r.ok and r.selected("example.com/b") == "none"  # dropped, not bumped
    ro = run(gomod, mod_mode="readonly")
    assert ro.messages[0].text == "go: ignoring requirement on excluded version example.com/b v1.1.0"
    assert not ro.ok


def test_missing_go_sum_entry() -> None:
    have = {MV("example.com/a", "v1.1.0/go.mod")}
    r = run(
        "module m\n\ngo 1.22.0\n\nrequire example.com/a v1.1.0\n\nrequire example.com/b v1.0.0\n",
        have_sum=have.__contains__,
    )
    assert r.stderr == (
        "go: example.com/b@v1.0.0: missing go.sum entry for go.mod file; to add it:\n\tgo mod download example.com/b\n"
    )
    assert r.required_sums == {MV("example.com/a", "v1.1.0/go.mod"), MV("example.com/b", "v1.0.0/go.mod")}


def test_rounds_follow_graph_depth() -> None:
    fetched: set[ModuleVersion] = set()
    fetched_info: set[ModuleVersion] = set()

    def lazy(key: ModuleVersion) -> ModSummary:
        if key not in fetched:
            raise NotLoaded(key)
        return source(key)

    def lazy_info(mv: ModuleVersion) -> Info:
        if mv not in fetched_info:
            raise NotLoaded((), [mv])
        return info(mv)

    asked = []
    while True:
        try:
            r = load(
                [main("module m\n\ngo 1.16\n\nrequire example.com/old v1.0.0\n")], None, lazy, info=lazy_info
            )
            break
        except NotLoaded as e:
            asked.append(sorted(map(str, e.missing | e.missing_info)))
            fetched.update(e.missing)
            fetched_info.update(e.missing_info)
    assert asked == [
        ["example.com/old@v1.0.0"],
        ["example.com/b@v1.2.0"],
        ["example.com/b@v1.2.0", "example.com/old@v1.0.0"],  # the .info files
    ]
    assert r.ok, r.stderr


def test_workspace() -> None:
    a = main(
        "module example.com/wa\n\ngo 1.22.0\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/c v1.0.0\n)\n\n"
        "replace example.com/c => ../local/c\n",
        "/ws/a",
    )
    b = main("module example.com/wb\n\ngo 1.22.0\n\nrequire example.com/b v1.2.0 // indirect\n", "/ws/b")
    work = parse_text("go 1.22.0\n\nuse (\n\t./b\n\t./a\n)\n", FileKind.WORK).model
    assert isinstance(work, WorkFile)

    def src(key: ModuleVersion) -> ModSummary:
        if key == MV("/ws/local/c", ""):
            return ModSummary(MV("example.com/c", ""), go="1.21")
        return source(key)

    r = load([b, a], Workspace("/ws/go.work", work), src, info=info)
    assert r.ok, r.stderr
    assert [m.path for m in r.modules if m.main] == ["example.com/wa", "example.com/wb"]
    c = next(m for m in r.modules if m.path == "example.com/c")
    assert c.replace is not None and c.replace.path == "./local/c" and c.dir == "/ws/local/c"
    assert c.go_version == "1.21"
    assert "example.com/wa example.com/a@v1.0.0\n" in render_mod_graph(r.graph)  # type: ignore[arg-type]
    bad = load([b, a], Workspace("/ws/go.work", work), src, mod_mode="mod")
    assert bad.stderr.startswith("go: -mod may only be set to readonly or vendor when in workspace mode")


def test_main_module_checks() -> None:
    r = run("module m\n\ngo 1.30\n")
    assert r.stderr == "go: /w/m/go.mod requires go >= 1.30 (running go 1.27.3)\n"
    r = load([main("module m\n\ngo 1.30\n")], None, source, gotoolchain="local", cwd="/w/m")
    assert r.stderr == "go: go.mod requires go >= 1.30 (running go 1.27.3; GOTOOLCHAIN=local)\n"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("2020-01-02T03:04:05Z", "2020-01-02T03:04:05Z"),
        ("2020-01-02T03:04:05.120000Z", "2020-01-02T03:04:05.12Z"),
        ("2020-01-02T03:04:05.000Z", "2020-01-02T03:04:05Z"),
        ("2020-01-02T03:04:05+00:00", "2020-01-02T03:04:05Z"),
        ("2020-01-02T03:04:05+02:00", "2020-01-02T03:04:05+02:00"),
    ],
)
def test_format_time(raw: str, want: str) -> None:
    assert format_time(raw) == want


QUIRK = {
    ("example.com/a", "v1.0.0"): "module example.com/a\n\ngo 1.17\n",
    ("example.com/b", "v1.0.0"): "module example.com/b\n\ngo 1.18\n",
    ("example.com/c", "v1.0.0"): "module example.com/c\n\ngo 1.20\n",
    (
        "example.com/x",
        "v1.0.0",
    ): "module example.com/x\n\ngo 1.17\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n",
    (
        "example.com/y",
        "v1.0.0",
    ): "module example.com/y\n\ngo 1.16\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n",
}


@pytest.mark.parametrize(("req", "b_go"), [("example.com/x", "1.20"), ("example.com/y", "1.18")])
def test_replaced_go_version_is_looked_up_under_the_original_version(req: str, b_go: str) -> None:
    """a => b v1.0.0 and b => c v1.0.0: when the graph reads b v1.0.0's go.mod (as a's
    replacement: y is unpruned, x is not), Go reports b's go version for b's replacement c.
    (Checked with the go command with GOMAXPROCS=2.)"""
    gomod = (
        f"module m\n\ngo 1.22.0\n\nrequire {req} v1.0.0\n\n"
        "replace example.com/a v1.0.0 => example.com/b v1.0.0\n\n"
        "replace example.com/b v1.0.0 => example.com/c v1.0.0\n"
    )
    r = load(
        [main(gomod)],
        None,
        lambda k: summary_from_text(QUIRK[(k.path, k.version)], k),
        mod_mode="mod",
        gomaxprocs=2,  # b is listed right after a, so it does not see what a's listing read
    )
    got = {m.path: (m.go_version, m.replace.go_version if m.replace else None) for m in r.modules}
    assert got["example.com/a"] == ("1.18", "1.18")
    assert got["example.com/b"] == (b_go, b_go)


def test_a_load_in_a_thread_holds_back_while_the_foreground_is_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a server, `load` runs in a thread: between modules it waits while a client message is
    being handled (base/foreground.py), and loads the same graph."""
    import threading

    from gomodls.base import foreground

    gomod = "module m\n\ngo 1.22.0\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n"
    calm = run(gomod, mod_mode="mod")
    monkeypatch.setattr(foreground, "MAX_PAUSE", 0.02)
    monkeypatch.setattr(foreground, "RUN", 0.0)
    before = foreground.pauses
    seen = foreground.arrived()
    got: list[Result] = []
    try:
        thread = threading.Thread(target=lambda: got.append(run(gomod, mod_mode="mod")))
        thread.start()
        thread.join(10)
    finally:
        foreground.handled(seen)
    assert foreground.pauses > before
    assert [m.module_version for m in got[0].modules] == [m.module_version for m in calm.modules]
    assert got[0].stderr == calm.stderr
