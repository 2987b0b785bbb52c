"""The go command's checks when it loads a workspace (gomodls.analysis.workchecks): go.work and
the go.mod files of the modules it uses, on disk, compared against the real go command."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodls.analysis import Severity
from oracle import oracle_fixture  # noqa: F401

from .helpers import (
    LOCAL_GO,
    apply_fix,
    assert_fix,
    check,
    codes,
    go_messages,
    go_text,
    only,
    ours,
    text_at,
    write,
)

A = "module example.com/a\n\ngo 1.21\n"
B = "module example.com/b\n\ngo 1.21\n"

GO_CASES = [
    pytest.param(
        {"go.work": "go 1.21\n\nuse ./a\nuse a\n", "a/go.mod": A}, "duplicate-use", "a", id="duplicate-use"
    ),
    pytest.param(
        {"go.work": "go 1.21\n\nuse (\n\t./a\n\t./a/\n)\n", "a/go.mod": A},
        "duplicate-use",
        "./a/",
        id="duplicate-use-block",
    ),
    pytest.param(
        {"go.work": "go 1.21\n\nuse ./a\nuse ./b\n", "a/go.mod": A, "b/go.mod": A},
        "duplicate-module-path",
        "./b",
        id="duplicate-module-path",
    ),
    pytest.param({"go.work": "go 1.21\n\nuse ./a\n"}, "use-dir-missing", "./a", id="use-dir-missing"),
    pytest.param(
        {"go.work": "go 1.21\n\nuse ./a\n", "a/a.go": "package a\n"},
        "use-without-go-mod",
        "./a",
        id="use-without-go-mod",
    ),
    pytest.param(  # module ".", file "go.mod" (base.ShortPath of each; not "./go.mod")
        {"go.work": "go 1.21\n\nuse .\n", "a.go": "package a\n"},
        "use-without-go-mod",
        ".",
        id="use-dot-without-go-mod",
    ),
    pytest.param(
        {"go.work": "go 1.21\n\nuse .\n", "go.mod": "module example.com/a\nfoo\n"},
        "used-module-error",
        ".",
        id="use-dot-parse-errors",
    ),
    pytest.param(
        {"go.work": "go 1.21\n\nuse ./a\n", "a/go.mod": "go 1.21\n"},
        "used-module-error",
        "./a",
        id="used-module-without-module-line",
    ),
    pytest.param(
        {"go.work": "go 1.21\n\nuse ./a\n", "a/go.mod": "module example.com/a\nfoo\nbar\n"},
        "used-module-error",
        "./a",
        id="used-module-parse-errors",
    ),
    pytest.param(
        {"go.work": "go 1.21\n\nuse ./a\n", "a/go.mod": "module example.com/a\n\ngo 1.22\n"},
        "work-go-too-old",
        "./a",
        id="work-go-too-old",
    ),
    pytest.param(
        {"go.work": "use ./a\n", "a/go.mod": "module example.com/a\n\ngo 1.22\n"},
        "work-go-too-old",
        "./a",
        id="work-go-too-old-implicit",
    ),
    pytest.param(
        {"go.work": "go 1.21\n\nuse ./a\n\nreplace example.com/a => ./c\n", "a/go.mod": A, "c/go.mod": A},
        "workspace-module-replaced",
        "example.com/a",
        id="workspace-module-replaced",
    ),
    pytest.param(
        {
            "go.work": "go 1.21\n\nuse ./a\nuse ./b\n",
            "a/go.mod": A + "replace example.com/x => ./x\n",
            "b/go.mod": B + "replace example.com/x => ./x\n",
        },
        "conflicting-workspace-replace",
        "./b",
        id="conflicting-workspace-replace-dirs",
    ),
    pytest.param(
        {
            "go.work": "go 1.21\n\nuse ./a\nuse ./b\n",
            "a/go.mod": A + "replace example.com/x v1.0.0 => example.com/y v1.0.0\n",
            "b/go.mod": B + "replace example.com/x v1.0.0 => example.com/z v1.2.0\n",
        },
        "conflicting-workspace-replace",
        "./b",
        id="conflicting-workspace-replace-versions",
    ),
    pytest.param(
        {"go.work": "go 1.99\n\nuse ./a\n", "a/go.mod": A}, "go-version-too-new", "1.99", id="go-too-new"
    ),
]


@pytest.mark.parametrize(("files", "code", "token"), GO_CASES)
def test_message_is_the_go_commands(oracle, tmp_path: Path, files, code, token) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, files)
    finding = only(check(tmp_path, "go.work", local_go=LOCAL_GO, gotoolchain="local"), code)
    assert finding.severity is Severity.ERROR
    assert text_at(files["go.work"], finding.range) == token
    result = oracle.run(["list", "-m"], files)
    assert result.rc == 1, result.summary()
    mine = ours(finding, tmp_path)
    assert mine in go_messages(result) or mine == go_text(result), result.summary()


def test_a_good_workspace_has_no_findings(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {
        "go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/x => ./x\n",
        "a/go.mod": A + "replace example.com/x => ./ax\n",
        "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x => ./bx\n",
    }
    write(tmp_path, files)
    assert check(tmp_path, "go.work", local_go=LOCAL_GO, gotoolchain="local") == []
    assert oracle.run(["list", "-m"], files).rc == 0


def test_duplicate_use_fix(tmp_path: Path) -> None:
    text = "go 1.21\n\nuse (\n\t./a\n\t// the same again\n\t./a/\n\t./b\n)\n"
    write(tmp_path, {"go.work": text, "a/go.mod": A, "b/go.mod": B})
    f = only(check(tmp_path, "go.work"), "duplicate-use")
    assert f.unnecessary
    assert [r.message for r in f.related] == ["first listed here"]
    assert f.message == f"path {tmp_path / 'a'} appears multiple times in workspace"
    assert_fix(tmp_path, f, "go 1.21\n\nuse (\n\t./a\n\t./b\n)\n", name="go.work")


def test_duplicate_module_path_related(tmp_path: Path) -> None:
    write(tmp_path, {"go.work": "go 1.21\n\nuse ./a\nuse ./b\n", "a/go.mod": A, "b/go.mod": A})
    f = only(check(tmp_path, "go.work"), "duplicate-module-path")
    assert [(r.range, r.message) for r in f.related] == [((2, 4, 2, 7), "./a is also example.com/a")]


def test_use_dir_appears(tmp_path: Path) -> None:
    write(tmp_path, {"go.work": "go 1.21\n\nuse ./a\n"})
    assert codes(check(tmp_path, "go.work")) == ["use-dir-missing"]
    (tmp_path / "a").mkdir()
    assert codes(check(tmp_path, "go.work")) == ["use-without-go-mod"]
    (tmp_path / "a" / "go.mod").write_text(A)
    assert check(tmp_path, "go.work") == []


def test_work_go_too_old_fix_raises_the_go_line(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {
        "go.work": "go 1.21\n\nuse (\n\t./a\n\t./b\n\t./c\n)\n",
        "a/go.mod": "module example.com/a\n\ngo 1.22\n",
        "b/go.mod": "module example.com/b\n\ngo 1.23.1\n",
        "c/go.mod": "module example.com/c\n\ngo 1.20\n",
    }
    write(tmp_path, files)
    found = check(tmp_path, "go.work")
    assert codes(found) == ["work-go-too-old", "work-go-too-old"]
    assert [text_at(files["go.work"], f.range) for f in found] == ["./a", "./b"]
    assert found[1].message == (
        "module b listed in go.work file requires go >= 1.23.1, but go.work lists go 1.21; "
        "to download and use go 1.23.1:\n\tgo work use"
    )
    assert [f.fixes[0].title for f in found] == ["Set the go.work go line to 1.23.1"] * 2
    fixed = assert_fix(tmp_path, found[0], files["go.work"].replace("go 1.21", "go 1.23.1"), name="go.work")
    assert fixed == []
    assert oracle.run(["list", "-m"], files | {"go.work": (tmp_path / "go.work").read_text()}).rc == 0


def test_work_go_too_old_fix_adds_a_go_line(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {"go.work": "use ./a\n", "a/go.mod": "module example.com/a\n\ngo 1.22\n"}
    write(tmp_path, files)
    f = only(check(tmp_path, "go.work"), "work-go-too-old")
    assert_fix(tmp_path, f, "go 1.22\n\nuse ./a\n", name="go.work")
    assert oracle.run(["list", "-m"], files | {"go.work": "go 1.22\n\nuse ./a\n"}).rc == 0


def test_work_go_versions_before_go_1_21_are_not_minimums(tmp_path: Path) -> None:
    write(tmp_path, {"go.work": "go 1.18\n\nuse ./a\n", "a/go.mod": "module example.com/a\n\ngo 1.20\n"})
    assert check(tmp_path, "go.work") == []


def test_workspace_module_replaced_fix(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "go 1.21\n\nuse ./a\n\nreplace (\n\texample.com/a => ./c\n\texample.com/a v1.0.0 => ./c\n)\n"
    files = {"go.work": text, "a/go.mod": A, "c/go.mod": A}
    write(tmp_path, files)
    f = only(check(tmp_path, "go.work"), "workspace-module-replaced")
    expected = "go 1.21\n\nuse ./a\n\nreplace (\n\texample.com/a v1.0.0 => ./c\n)\n"
    assert_fix(tmp_path, f, expected, name="go.work")
    assert oracle.run(["list", "-m"], files | {"go.work": expected}).rc == 0


def test_conflicting_workspace_replace_fixes(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {
        "go.work": "go 1.21\n\nuse ./a\nuse ./b\n",
        "a/go.mod": A + "\nreplace example.com/x => ./x\n",
        "b/go.mod": B + "\nreplace example.com/x => ../x\n",
    }
    write(tmp_path, files)
    f = only(check(tmp_path, "go.work"), "conflicting-workspace-replace")
    assert [x.title for x in f.fixes] == [
        "Use ./a/x for example.com/x in go.work",
        "Use ./x for example.com/x in go.work",
    ]
    assert [(Path(r.path).relative_to(tmp_path).as_posix(), r.range, r.message) for r in f.related] == [
        ("a/go.mod", (4, 25, 4, 28), "a/go.mod replaces example.com/x with ./x"),  # the targets
        ("b/go.mod", (4, 25, 4, 29), "b/go.mod replaces example.com/x with ../x"),
    ]
    expected = "go 1.21\n\nuse ./a\nuse ./b\n\nreplace example.com/x => ./a/x\n"
    assert_fix(tmp_path, f, expected, name="go.work")
    assert oracle.run(["list", "-m"], files | {"go.work": expected}).rc == 0
    write(tmp_path, {"go.work": "go 1.21\n\nuse ./a\nuse ./b"})  # no final newline
    f = only(check(tmp_path, "go.work"), "conflicting-workspace-replace")
    assert_fix(
        tmp_path, f, "go 1.21\n\nuse ./a\nuse ./b\n\nreplace example.com/x => ./x\n", name="go.work", fix=1
    )


def test_conflicting_workspace_replace_with_versions_fix(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {
        "go.work": "go 1.21\n\nuse ./a\nuse ./b\n",
        "a/go.mod": A + "replace example.com/x v1.0.0 => example.com/y v1.0.0\n",
        "b/go.mod": B + 'replace example.com/x v1.0.0 => "example.com/z" v1.2.0\n',
    }
    write(tmp_path, files)
    f = only(check(tmp_path, "go.work"), "conflicting-workspace-replace")
    expected = files["go.work"] + "\nreplace example.com/x v1.0.0 => example.com/z v1.2.0\n"
    assert_fix(tmp_path, f, expected, name="go.work", fix=1)
    assert oracle.run(["list", "-m"], files | {"go.work": expected}).rc == 0


def test_same_replacement_in_two_modules_is_not_a_conflict(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "go.work": "go 1.21\n\nuse ./a\nuse ./b\n",
            "a/go.mod": A + "replace example.com/x => ../shared\n",
            "b/go.mod": B + "replace example.com/x => ../shared\n",
        },
    )
    assert check(tmp_path, "go.work") == []


def test_fix_of_one_go_work_finding_touches_only_go_work(tmp_path: Path) -> None:
    files = {
        "go.work": "go 1.21\n\nuse ./a\nuse ./b\n",
        "a/go.mod": A + "replace example.com/x => ./x\n",
        "b/go.mod": B + "replace example.com/x => ./x\n",
    }
    write(tmp_path, files)
    f = only(check(tmp_path, "go.work"), "conflicting-workspace-replace")
    assert list(f.fixes[0].edits) == [str(tmp_path / "go.work")]
    apply_fix(tmp_path, f.fixes[0], "go.work")
    assert (tmp_path / "a/go.mod").read_text() == files["a/go.mod"]
    assert (tmp_path / "b/go.mod").read_text() == files["b/go.mod"]
