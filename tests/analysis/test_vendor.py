"""vendor/modules.txt against go.mod (gomodls.analysis.vendor): modload's checkVendorConsistency,
each inconsistency compared with the real go command in vendor mode."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gomodls.analysis import CheckContext, Severity, analyze
from gomodls.analysis.context import DiskFiles
from gomodls.analysis.findings import Action
from gomodls.analysis.vendor import parse_modules_txt
from gomodls.modfile.model import ModuleVersion
from oracle import oracle_fixture  # noqa: F401

from .helpers import LOCAL_GO, check, codes, go_messages, go_text, ours, text_at, write

M = "module example.com/m\n\ngo 1.21\n\nrequire a.com/b v1.0.0\n"
VENDOR = {"GOFLAGS": "-mod=vendor"}
PREFIX = "inconsistent vendoring: "
SUFFIX = "\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor"


def go_details(result) -> list[str]:  # type: ignore[no-untyped-def]
    """The per-module lines of the go command's `inconsistent vendoring in DIR:` error."""
    message = go_text(result)
    assert message.startswith("inconsistent vendoring in $WORK:\n"), message
    lines = message.split("\n")
    return [ln.removeprefix("\t") for ln in lines[1 : lines.index("")]]


def our_details(findings) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for f in findings:
        assert f.code == "inconsistent-vendoring"
        assert f.message.startswith(PREFIX) and f.message.endswith(SUFFIX), f.message
        out.append(f.message[len(PREFIX) : -len(SUFFIX)])
    return out


CASES = [
    pytest.param(M, "# a.com/b v1.0.0\na.com/b\n", ["a.com/b"], id="not-explicit"),
    pytest.param(
        M + "\nreplace a.com/b => ./b\n",
        "# a.com/b v1.0.0\n## explicit\na.com/b\n",
        ["a.com/b"],
        id="replaced-not-marked",
    ),
    pytest.param(
        M + "\nreplace a.com/b v1.0.0 => a.com/c v1.1.0\n",
        "# a.com/b v1.0.0 => a.com/c v1.0.0\n## explicit\na.com/b\n",
        ["a.com/b v1.0.0"],
        id="replaced-differently",
    ),
    pytest.param(
        M,
        "# a.com/b v1.0.0\n## explicit\na.com/b\n# a.com/c v1.0.0\n## explicit\na.com/c\n",
        ["module example.com/m"],
        id="explicit-not-required",
    ),
    pytest.param(
        M,
        "# a.com/b v1.0.0\n## explicit\na.com/b\n# a.com/d v1.0.0 => ./d\n# a.com/e => ./e\n",
        ["module example.com/m", "module example.com/m"],
        id="marked-replaced-not-replaced",
    ),
    pytest.param(
        M + "require a.com/c v1.0.0\n\nreplace a.com/x => ./x\n",
        "# a.com/b v1.0.0\na.com/b\n# a.com/c v1.0.0\n## explicit\na.com/c\n# a.com/z v1.0.0\n## explicit\na.com/z\n",
        ["a.com/b", "a.com/x", "module example.com/m"],
        id="several",
    ),
]


@pytest.mark.parametrize(("gomod", "modules_txt", "ranges"), CASES)
def test_inconsistencies_are_the_go_commands(oracle, tmp_path: Path, gomod, modules_txt, ranges) -> None:  # type: ignore[no-untyped-def]
    files = {"go.mod": gomod, "vendor/modules.txt": modules_txt}
    files |= {f"{d}/go.mod": f"module a.com/{d}\n" for d in ("b", "x")}  # the replacement directories
    write(tmp_path, files)
    found = check(tmp_path)
    assert {f.severity for f in found} == {Severity.ERROR}
    assert [text_at(gomod, f.range) for f in found] == ranges
    result = oracle.run(["list", "-m"], files, env=VENDOR)
    assert result.rc == 1, result.summary()
    assert our_details(found) == go_details(result)


def test_vendor_go_too_new_is_the_go_commands(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {"go.mod": M, "vendor/modules.txt": "# a.com/b v1.0.0\n## explicit; go 1.99\na.com/b\n"}
    write(tmp_path, files)
    [f] = check(tmp_path, local_go=LOCAL_GO, gotoolchain="local")
    assert (f.code, f.severity, text_at(M, f.range)) == (
        "vendor-go-too-new",
        Severity.ERROR,
        "module example.com/m",
    )
    result = oracle.run(["list", "-m"], files, env=VENDOR)
    assert ours(f, tmp_path) in go_messages(result)
    [auto] = check(tmp_path, local_go=LOCAL_GO, gotoolchain="auto")
    assert auto.message == "a.com/b in vendor/modules.txt requires go >= 1.99 (running go 1.27.3)"
    assert check(tmp_path, local_go=None) == []


def test_consistent_vendor_directory(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gomod = M + "require a.com/c v1.2.0 // indirect\n\nreplace a.com/b => ./b\n"
    modules_txt = (
        "# a.com/b v1.0.0 => ./b\n## explicit; go 1.21\na.com/b\n"
        "# a.com/c v1.2.0\n## explicit\na.com/c/sub\n# a.com/b => ./b\n"
    )
    files = {"go.mod": gomod, "vendor/modules.txt": modules_txt, "b/go.mod": "module a.com/b\n"}
    write(tmp_path, files)
    assert check(tmp_path, local_go=LOCAL_GO, gotoolchain="local") == []
    assert oracle.run(["list", "-m"], files, env=VENDOR).rc == 0


def test_no_vendor_checks_before_go_1_14_or_without_modules_txt(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": "module example.com/m\n\ngo 1.13\n\nrequire a.com/b v1.0.0\n"})
    assert check(tmp_path) == []
    write(tmp_path, {"vendor/modules.txt": "# a.com/b v1.0.0\na.com/b\n"})
    assert check(tmp_path) == []  # go 1.13: the go command does not use vendor/ by default
    write(tmp_path, {"go.mod": M})
    assert codes(check(tmp_path)) == ["inconsistent-vendoring"]
    write(tmp_path, {"go.mod": "go 1.21\n"})
    assert codes(check(tmp_path)) == ["missing-module"]


def test_no_vendor_checks_for_a_workspace_module(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """In workspace mode the go command ignores a module's own vendor directory (it reads the
    workspace's): no vendor finding for a go.mod that the go.work in effect uses."""
    gomod = "module example.com/m\n\ngo 1.22\n\nrequire a.com/b v1.0.0\n\nreplace a.com/b => ./b\n"
    files = {
        "go.work": "go 1.22\n\nuse ./m\n",
        "m/go.mod": gomod,
        "m/main.go": 'package main\n\nimport _ "a.com/b"\n\nfunc main() {}\n',
        "m/b/go.mod": "module a.com/b\n\ngo 1.21\n",
        "m/b/b.go": "package b\n",
        "m/vendor/modules.txt": "# a.com/b v1.0.0\na.com/b\n",  # inconsistent
    }
    write(tmp_path, files)
    path = str(tmp_path / "m" / "go.mod")

    def found(gowork: str) -> list[str]:
        return codes(analyze(gomod, CheckContext(path, DiskFiles(), LOCAL_GO, "local", gowork)))

    # The go command builds in the workspace (vendor mode is its default at go 1.22: had it read
    # m/vendor it would fail), and fails on m/vendor outside it.
    inside = oracle.run(["build", "./..."], files, cwd="m", env={"GOFLAGS": ""})
    assert inside.rc == 0, inside.summary()
    outside = oracle.run(["build", "./..."], files, cwd="m", env={"GOFLAGS": "", "GOWORK": "off"})
    assert outside.rc == 1 and "inconsistent vendoring" in outside.stderr_text, outside.summary()
    assert found("") == []  # go.work found above the module
    assert found(str(tmp_path / "go.work")) == []  # GOWORK names it
    assert found("off") == ["inconsistent-vendoring", "inconsistent-vendoring"]
    # A go.work that does not use the module: the module is not a workspace module.
    write(tmp_path, {"go.work": "go 1.22\n\nuse ./other\n"})
    assert found("") == ["inconsistent-vendoring", "inconsistent-vendoring"]


def test_fix_runs_go_mod_vendor(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The fix is a command (text edits cannot vendor); running what it runs makes the finding go.
    files = {
        "go.mod": M + "\nreplace a.com/b => ./b\n",
        "main.go": 'package main\n\nimport _ "a.com/b"\n\nfunc main() {}\n',
        "b/go.mod": "module a.com/b\n\ngo 1.21\n",
        "b/b.go": "package b\n",
        "vendor/modules.txt": "# a.com/b v1.0.0\na.com/b\n",
    }
    write(tmp_path, files)
    found = check(tmp_path)
    assert codes(found) == ["inconsistent-vendoring", "inconsistent-vendoring"]
    fix = found[0].fixes[0]
    assert (fix.title, fix.edits, fix.action) == (
        "Run go mod vendor",
        {},
        (Action.VENDOR, [str(tmp_path / "go.mod")]),
    )
    env = oracle.env_for("mod", tmp_path)
    run = subprocess.run(
        [oracle.go, "mod", "vendor"], cwd=tmp_path, env=env, capture_output=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert os.path.exists(tmp_path / "vendor" / "a.com" / "b" / "b.go")
    assert check(tmp_path) == []


def test_parse_modules_txt() -> None:
    vl = parse_modules_txt(
        "# a.com/b v1.0.0 => ./b\n## explicit; go 1.21\na.com/b\na.com/b/sub\n"
        "# a.com/c v1.1.0\n## explicit\n# a.com/c v1.2.0\na.com/c\n"
        "# a.com/d => a.com/e v1.0.0\n# bogus line\n# a.com/f notaversion\nnot a package line\n"
    )
    b, c = ModuleVersion("a.com/b", "v1.0.0"), ModuleVersion("a.com/c", "v1.2.0")
    assert vl.modules == [b, c]
    assert vl.version == {"a.com/b": "v1.0.0", "a.com/c": "v1.2.0"}
    assert vl.meta[b].explicit and vl.meta[b].go_version == "1.21"
    assert vl.meta[b].replacement == ModuleVersion("./b")
    assert vl.meta[ModuleVersion("a.com/c", "v1.1.0")].explicit
    assert vl.replaced == [b, ModuleVersion("a.com/d")]
    assert vl.meta[ModuleVersion("a.com/d")].replacement == ModuleVersion("a.com/e", "v1.0.0")
