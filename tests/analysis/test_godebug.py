"""godebug lines (gomodls.analysis.godebug, modload.CheckGodebug): the shipped table against
the toolchain's internal/godebugs, and every message against the real go command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gomodls.analysis import Severity
from gomodls.analysis.godebug import check_godebug, table
from oracle import find_go, oracle_fixture  # noqa: F401

from .helpers import LOCAL_GO, check, go_messages, only, ours, text_at, write

M = "module example.com/m\n\ngo 1.23\n\n"


def goroot_table() -> str:
    go = find_go()
    if go is None:
        pytest.skip("go binary not found")
    path = Path(go).resolve().parents[1] / "src" / "internal" / "godebugs" / "table.go"
    if not path.is_file():
        pytest.skip(f"no {path}")
    return path.read_text()


def test_table_is_the_toolchains() -> None:
    src = goroot_table()
    t = table()
    assert t.go == "go1.27.3"
    all_block = src[src.index("var All = []Info{") : src.index("\n}\n", src.index("var All = []Info{"))]
    settings = {}
    live = "\n".join(ln for ln in all_block.split("\n") if not ln.strip().startswith("//"))
    for entry in re.findall(r"\{(Name: [^}]*)\}", live):
        fields = dict(re.findall(r'(\w+): ("[^"]*"|\w+)', entry))
        settings[fields["Name"].strip('"')] = (
            fields.get("Package", '""').strip('"'),
            int(fields.get("Changed", "0")),
            fields.get("Old", '""').strip('"'),
        )
    assert {s.name: (s.package, s.changed, s.old) for s in t.settings.values()} == settings
    removed_block = src[src.index("var Removed = []RemovedInfo{") :]
    removed = {}
    entries = re.findall(r'^\s*\{Name: "(\w+)", Removed: (\d+), Old: (.*)\},', removed_block, re.M)
    for name, minor, old in entries:
        values = {"one": ("1",), "zero": ("0",)}.get(old.strip()) or tuple(re.findall(r'"(\d+)"', old))
        removed[name] = (int(minor), values)
    assert {r.name: (r.removed, r.old) for r in t.removed.values()} == removed
    assert len(removed) >= 9


def test_every_known_setting_is_accepted(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    names = sorted(table().settings)
    text = M + "godebug (\n" + "".join(f"\t{n}=1\n" for n in names) + ")\n"
    write(tmp_path, {"go.mod": text})
    assert check(tmp_path, local_go=LOCAL_GO) == []
    assert oracle.run(["list", "-m"], {"go.mod": text}).rc == 0


def test_removed_settings_are_the_go_commands(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    removed = sorted(table().removed.values(), key=lambda r: r.name)
    lines = [(r.name, v) for r in removed for v in r.old]
    text = M + "godebug (\n" + "".join(f"\t{k}={v}\n" for k, v in lines) + ")\n"
    write(tmp_path, {"go.mod": text})
    found = check(tmp_path, local_go=LOCAL_GO)
    assert [(f.code, f.severity, text_at(text, f.range)) for f in found] == [
        ("removed-godebug", Severity.ERROR, v)
        for k, v in lines  # the old value
    ]
    result = oracle.run(["list", "-m"], {"go.mod": text})
    assert result.rc == 1
    go = go_messages(result)
    assert [ours(f, tmp_path) for f in found] == go
    assert go[0].startswith(
        'removed GODEBUG "asynctimerchan" set to old value "1" (https://go.dev/doc/godebug#go-127)'
    )


def test_removed_settings_at_their_final_default_are_accepted(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = M + "godebug (\n\tx509sha1=0\n\ttlskyber=1\n\tasynctimerchan=0\n)\n"
    write(tmp_path, {"go.mod": text})
    assert check(tmp_path, local_go=LOCAL_GO) == []
    assert oracle.run(["list", "-m"], {"go.mod": text}).rc == 0


# The line, its code, and the part of its key=value token the range covers.
CASES = [
    pytest.param("godebug nosuchsetting=1\n", "unknown-godebug", "nosuchsetting", id="unknown"),
    pytest.param("godebug default=go1.99\n", "invalid-godebug", "go1.99", id="default-too-new"),
    pytest.param("godebug default=1.21\n", "invalid-godebug", "1.21", id="default-not-goversion"),
    pytest.param("godebug default=go1.x\n", "invalid-godebug", "go1.x", id="default-bad-version"),
    pytest.param("godebug x509sha1=1\n", "removed-godebug", "1", id="removed"),
]


@pytest.mark.parametrize(("line", "code", "token"), CASES)
@pytest.mark.parametrize("name", ["go.mod", "go.work"])
def test_messages_are_the_go_commands(
    oracle, tmp_path: Path, line: str, code: str, token: str, name: str
) -> None:  # type: ignore[no-untyped-def]
    if name == "go.mod":
        files = {"go.mod": M + line}
    else:
        files = {"go.work": "go 1.23\n\nuse ./a\n\n" + line, "a/go.mod": "module example.com/a\n\ngo 1.23\n"}
    write(tmp_path, files)
    f = only(check(tmp_path, name, local_go=LOCAL_GO, gotoolchain="local"), code)
    assert (f.severity, text_at(files[name], f.range)) == (Severity.ERROR, token)
    result = oracle.run(["list", "-m"], files)
    assert result.rc == 1
    assert ours(f, tmp_path) in go_messages(result), result.summary()


def test_default_too_new_needs_the_local_version(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": M + "godebug default=go1.99\n"})
    assert check(tmp_path, local_go=None) == []
    write(tmp_path, {"go.mod": M + "godebug default=go1.21\n"})
    assert check(tmp_path, local_go=LOCAL_GO) == []


def test_check_godebug_rules_that_the_parser_makes_unreachable() -> None:
    # Spaces and commas cannot reach CheckGodebug from a go.mod line (the parser refuses
    # them), but the rules are the go command's and apply to -godebug flags.
    assert check_godebug("a b", "1", None) == "key contains space"
    assert check_godebug("panicnil", "1\t2", None) == "value contains space"
    assert check_godebug("a,b", "1", None) == "key contains comma"
    assert check_godebug("panicnil", "1,2", None) == "value contains comma"
    assert check_godebug("nosuch", "1", None, verb="GODEBUG") == 'unknown GODEBUG "nosuch"'
    assert check_godebug("default", "go1.28", "1.27.3") == "default=go1.28 too new (toolchain is go1.27.3)"
    assert check_godebug("panicnil", "anything", None) is None
