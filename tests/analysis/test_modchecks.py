"""The go command's load-time checks of a main module's go.mod (gomodls.analysis.modchecks), on
real files in a temp directory, with the wording compared against the real go command."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodls.analysis import Severity
from oracle import oracle_fixture  # noqa: F401

from .helpers import LOCAL_GO, assert_fix, check, codes, go_messages, go_text, only, ours, text_at, write

M = "module example.com/m\n\ngo 1.21\n"
REQ_B = "require a.com/b v1.0.0\n"


# --------------------------------------------------------------------------- Go's wording

# (files, code, the go command's arguments, extra environment for the go command)
GO_CASES = [
    pytest.param({"go.mod": "go 1.21\n"}, "missing-module", ("list", "-m"), None, id="missing-module"),
    pytest.param({"go.mod": "module go\n"}, "reserved-module-path", ("list", "-m"), None, id="reserved-go"),
    pytest.param(
        {"go.mod": "module toolchain\n\ngo 1.21\n"},
        "reserved-module-path",
        ("list", "-m"),
        None,
        id="reserved-toolchain",
    ),
    pytest.param(
        {"go.mod": 'module "a b"\n'}, "malformed-module-path", ("list", "-m"), None, id="malformed-space"
    ),
    pytest.param(
        {"go.mod": "module /abs\n"}, "malformed-module-path", ("list", "-m"), None, id="malformed-empty-elem"
    ),
    pytest.param(
        {"go.mod": M + 'tool "a b/c"\n'}, "malformed-tool-path", ("list", "-m"), None, id="malformed-tool"
    ),
    pytest.param(
        {"go.mod": M + "tool ../x\n"}, "malformed-tool-path", ("list", "-m"), None, id="malformed-tool-dotdot"
    ),
    pytest.param(
        {"go.mod": M + "tool example.com/x/cmd\n"},
        "tool-not-provided",
        ("tool", "cmd"),
        None,
        id="tool-not-provided",
    ),
    pytest.param(
        {"go.mod": M + "replace a.com/b => ./b\nreplace a.com/b => ./c\n"},
        "conflicting-replace",
        ("list", "-m"),
        None,
        id="conflicting-replace",
    ),
    pytest.param(
        {"go.mod": M + "replace a.com/b v1.0.0 => a.com/c v1.0.0\nreplace a.com/b v1.0.0 => ./c\n"},
        "conflicting-replace",
        ("list", "-m"),
        None,
        id="conflicting-replace-version",
    ),
    pytest.param(
        {"go.mod": M + REQ_B + "replace a.com/b => ./b\n"},
        "replacement-dir-missing",
        ("list", "-m", "all"),
        None,
        id="replacement-dir-missing",
    ),
    pytest.param(
        {"go.mod": M + REQ_B + "replace a.com/b => ../elsewhere/b\n"},
        "replacement-dir-missing",
        ("list", "-m", "all"),
        None,
        id="replacement-dir-missing-outside",
    ),
    pytest.param(
        {
            "go.mod": M + "require a.com/b v1.2.0\n" + "replace a.com/b v1.2.0 => ./b\n",
            "b/b.go": "package b\n",
        },
        "replacement-no-go-mod",
        ("list", "-m", "all"),
        None,
        id="replacement-no-go-mod",
    ),
    pytest.param(
        {
            "go.mod": M + REQ_B + "replace a.com/b => ./b\n",
            "b/go.mod": "module a.com/b\n\nrequire x\nrequire y v1 v2\n",
        },
        "replacement-go-mod-error",
        ("list", "-m", "all"),
        None,
        id="replacement-go-mod-error",
    ),
    pytest.param(
        {"go.mod": M + REQ_B + "replace a.com/b => ./vendor/b\n", "vendor/b/go.mod": "module a.com/b\n"},
        "replacement-in-vendor",
        ("mod", "vendor"),
        None,
        id="replacement-in-vendor",
    ),
    pytest.param(
        {"go.mod": M + "require a.com/b v1.0.0\nexclude a.com/b v1.0.0\n"},
        "excluded-require",
        ("list", "-m", "all"),
        None,
        id="excluded-require",
    ),
    pytest.param(
        {"go.mod": "go 1.21\n\nretract v1.0.0\n"},
        "retract-without-module",
        ("list", "-m"),
        None,
        id="retract-without-module",
    ),
    pytest.param(
        {"go.mod": "module example.com/m/v2\n\ngo 1.21\n\nretract v1.0.0\n"},
        "version-major-mismatch",
        ("list", "-m"),
        None,
        id="retract-major",
    ),
    pytest.param(
        {"go.mod": "module example.com/m\n\ngo 1.21\n\nretract [v1.0.0, v2.1.0]\n"},
        "version-major-mismatch",
        ("list", "-m"),
        None,
        id="retract-major-interval",
    ),
    pytest.param(
        {"go.mod": "module example.com/m\n\ngo 1.99\n"},
        "go-version-too-new",
        ("list", "-m"),
        None,
        id="go-too-new",
    ),
]


@pytest.mark.parametrize(("files", "code", "args", "env"), GO_CASES)
def test_message_is_the_go_commands(oracle, tmp_path: Path, files, code, args, env) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, files)
    finding = only(check(tmp_path, local_go=LOCAL_GO, gotoolchain="local"), code)
    result = oracle.run(list(args), files, env=env)
    assert result.rc != 0 or code == "excluded-require", result.summary()
    mine = ours(finding, tmp_path)
    assert mine in go_messages(result) or mine == go_text(result), result.summary()


def test_path_mismatch_wording_is_the_go_commands(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The go command checks the declared path of a module *version* replacement (a local
    # directory is trusted); gomodls warns for directories too, with the same detail lines.
    proxy = tmp_path / "proxy" / "a.com" / "c" / "@v"
    proxy.mkdir(parents=True)
    (proxy / "list").write_text("v1.0.0\n")
    (proxy / "v1.0.0.info").write_text('{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}')
    (proxy / "v1.0.0.mod").write_text("module a.com/other\n")
    result = oracle.run(
        ["list", "-m", "all"],
        {"go.mod": M + REQ_B + "replace a.com/b => a.com/c v1.0.0\n"},
        env={"GOPROXY": (tmp_path / "proxy").as_uri()},
    )
    [go] = go_messages(result)
    assert go.startswith("a.com/b@v1.0.0 (replaced by a.com/c@v1.0.0): parsing go.mod:\n")

    mod = tmp_path / "mod"
    write(mod, {"go.mod": M + REQ_B + "replace a.com/b => ./b\n", "b/go.mod": "module a.com/other\n"})
    finding = only(check(mod), "replacement-path-mismatch")
    assert finding.severity is Severity.WARNING
    assert finding.message == "a.com/b@v1.0.0 (replaced by ./b): parsing b/go.mod:\n" + go.split("\n", 1)[1]
    assert text_at((mod / "go.mod").read_text(), finding.range) == "./b"


def test_replacement_go_mod_without_module_line(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": M + REQ_B + "replace a.com/b => ./b\n", "b/go.mod": "go 1.21\n"})
    finding = only(check(tmp_path), "replacement-path-mismatch")
    assert "module declares its path as: (no module line)" in finding.message


def test_replacement_dir_missing_without_requirement(tmp_path: Path) -> None:
    # Not in the module graph: the go command only notices when a package is loaded from it,
    # with modload's wording.
    write(tmp_path, {"go.mod": M + "replace a.com/b => ./b\n"})
    finding = only(check(tmp_path), "replacement-dir-missing")
    assert finding.message == "replacement directory ./b does not exist"
    assert finding.severity is Severity.ERROR


def test_replacement_targets_that_are_fine(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "go.mod": M
            + REQ_B
            + "require a.com/c v1.0.0\nreplace a.com/b => ./b\nreplace a.com/c => a.com/d v1.1.0\n",
            "b/go.mod": "module a.com/b\n",
        },
    )
    assert check(tmp_path) == []


def test_unrequirable_module_path_is_a_hint(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {"go.mod": "module m\n\ngo 1.21\n"}
    write(tmp_path, files)
    finding = only(check(tmp_path), "unrequirable-module-path")
    assert finding.severity is Severity.HINT
    assert (
        finding.message
        == 'malformed module path "m": missing dot in first path element (other modules cannot require this module)'
    )
    assert text_at(files["go.mod"], finding.range) == "m"
    assert oracle.run(["list", "-m"], files).rc == 0  # the go command builds it


def test_module_line_ranges(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": 'module "a b"\n'})
    f = only(check(tmp_path), "malformed-module-path")
    assert (f.range, f.severity) == ((0, 7, 0, 12), Severity.ERROR)
    write(tmp_path, {"go.mod": "// header\nmodule toolchain\n"})
    f = only(check(tmp_path), "reserved-module-path")
    assert f.range == (1, 7, 1, 16)
    write(tmp_path, {"go.mod": "go 1.21\nrequire a.com/b v1.0.0\n"})
    f = only(check(tmp_path), "missing-module")
    assert (f.range, f.severity) == ((0, 0, 0, 0), Severity.ERROR)


def test_module_line_that_fails_to_parse_is_not_missing(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": "module\n\ngo 1.21\n"})
    assert "missing-module" not in codes(check(tmp_path))


# --------------------------------------------------------------------------- go and toolchain


def test_go_too_new_depends_on_gotoolchain(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": "module example.com/m\n\ngo 1.99\n"})
    local = only(check(tmp_path, local_go=LOCAL_GO, gotoolchain="local"), "go-version-too-new")
    assert (local.severity, local.range) == (Severity.ERROR, (2, 3, 2, 7))
    auto = only(check(tmp_path, local_go=LOCAL_GO, gotoolchain="auto"), "go-version-too-new")
    assert auto.severity is Severity.WARNING
    assert auto.message == (
        "go.mod requires go >= 1.99 (running go 1.27.3): the go command will download and switch to a "
        "newer toolchain (GOTOOLCHAIN=auto)"
    )
    plus = only(check(tmp_path, local_go=LOCAL_GO, gotoolchain="go1.22.0+auto"), "go-version-too-new")
    assert plus.severity is Severity.WARNING
    assert "go-version-too-new" not in codes(check(tmp_path, local_go=None))
    write(tmp_path, {"go.mod": "module example.com/m\n\ngo 1.27.3\n"})
    assert check(tmp_path, local_go=LOCAL_GO, gotoolchain="local") == []


def test_toolchain_older_than_go(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "module example.com/m\n\ngo 1.22.1\n\ntoolchain go1.21.0\n\nrequire a.com/b v1.0.0\n"
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "toolchain-older-than-go")
    assert (f.severity, f.unnecessary) == (Severity.WARNING, True)
    assert text_at(text, f.range) == "go1.21.0"
    assert oracle.run(["list", "-m"], {"go.mod": text}).rc == 0  # Go ignores the line
    assert_fix(tmp_path, f, "module example.com/m\n\ngo 1.22.1\n\nrequire a.com/b v1.0.0\n")


def test_toolchain_default_or_newer_is_fine(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": "module example.com/m\n\ngo 1.22.1\n\ntoolchain default\n"})
    assert check(tmp_path) == []
    write(tmp_path, {"go.mod": "module example.com/m\n\ngo 1.22.1\n\ntoolchain go1.22.1\n"})
    assert check(tmp_path) == []


# --------------------------------------------------------------------------- requirements


def test_noncanonical_versions_and_fix(tmp_path: Path) -> None:
    text = (
        M
        + "\nrequire a.com/b v1.2\n\nexclude a.com/c v1\n\nreplace a.com/d v1.0 => a.com/e v2.0.0+incompatible\n"
    )
    write(tmp_path, {"go.mod": text})
    found = [f for f in check(tmp_path) if f.code == "noncanonical-version"]
    assert [(text_at(text, f.range), f.severity) for f in found] == [
        ("v1.2", Severity.WARNING),
        ("v1", Severity.WARNING),
        ("v1.0", Severity.WARNING),
    ]
    assert found[0].message == (
        'a.com/b: version "v1.2" is not canonical: the go command resolves it through the module proxy '
        "and rewrites it (go mod edit -fmt writes v1.2.0)"
    )
    assert [f.fixes[0].title for f in found] == ["Use v1.2.0", "Use v1.0.0", "Use v1.0.0"]
    after = assert_fix(tmp_path, found[1], text.replace("a.com/c v1\n", "a.com/c v1.0.0\n"), gone=False)
    assert len([f for f in after if f.code == "noncanonical-version"]) == 2


def test_duplicate_require_and_fix(tmp_path: Path) -> None:
    text = (
        M + "\nrequire (\n\ta.com/b v1.0.0\n\t// again\n\ta.com/b v1.0.0 // indirect\n\ta.com/c v1.0.0\n)\n"
    )
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "duplicate-require")
    assert (f.severity, f.unnecessary, f.message) == (
        Severity.WARNING,
        True,
        "a.com/b v1.0.0 is already required on line 6",
    )
    assert text_at(text, f.range) == "a.com/b"  # the module path of the second line
    assert [(r.range, r.message) for r in f.related] == [((5, 1, 5, 8), "first required here at v1.0.0")]
    assert_fix(tmp_path, f, M + "\nrequire (\n\ta.com/b v1.0.0\n\ta.com/c v1.0.0\n)\n")


def test_conflicting_require_and_fix(tmp_path: Path) -> None:
    text = M + "\nrequire a.com/b v1.2.0\n\nrequire a.com/b v1.10.0\n"
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "conflicting-require")
    assert f.severity is Severity.ERROR
    assert f.message == "a.com/b is required twice, at v1.2.0 (line 5) and v1.10.0: the build uses v1.10.0"
    assert text_at(text, f.range) == "v1.10.0"  # the second version
    assert [(text_at(text, r.range), r.message) for r in f.related] == [
        ("v1.2.0", "first required here at v1.2.0")
    ]
    assert_fix(tmp_path, f, M + "\nrequire a.com/b v1.2.0\n")


def test_conflicting_require_fix_at_end_of_file_without_newline(tmp_path: Path) -> None:
    text = M + "require a.com/b v1.2.0\nrequire a.com/b v1.3.0"
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "conflicting-require")
    assert_fix(tmp_path, f, M + "require a.com/b v1.2.0")


def test_excluded_require_fixes(tmp_path: Path) -> None:
    text = M + "\nrequire a.com/b v1.0.0\n\nexclude a.com/b v1.0.0\n"
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "excluded-require")
    assert f.severity is Severity.WARNING
    assert text_at(text, f.range) == "v1.0.0"
    assert [(r.range, r.message) for r in f.related] == [((6, 16, 6, 22), "excluded here")]
    assert [x.title for x in f.fixes] == ["Remove this requirement", "Remove the exclude"]
    assert_fix(tmp_path, f, M + "\nexclude a.com/b v1.0.0\n")
    write(tmp_path, {"go.mod": text})
    assert_fix(tmp_path, f, M + "\nrequire a.com/b v1.0.0\n", fix=1)


def test_version_major_mismatch_fixes(tmp_path: Path) -> None:
    text = M + "\nrequire github.com/google/go-cmp v2.0.0\n"
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "version-major-mismatch")
    assert (
        f.message == 'require github.com/google/go-cmp: version "v2.0.0" invalid: should be v0 or v1, not v2'
    )
    assert [x.title for x in f.fixes] == [
        "Use module path github.com/google/go-cmp/v2",
        "Use v2.0.0+incompatible",
    ]
    assert f.fixes[0].preferred
    assert_fix(tmp_path, f, text.replace("go-cmp v2", "go-cmp/v2 v2"))
    write(tmp_path, {"go.mod": text})
    assert_fix(tmp_path, f, text.replace("v2.0.0", "v2.0.0+incompatible"), fix=1)


def test_version_major_mismatch_fix_for_suffixed_and_gopkg_paths(tmp_path: Path) -> None:
    text = M + "\nrequire (\n\texample.com/x/v3 v2.1.0\n\tgopkg.in/yaml.v2 v3.0.1\n)\n"
    write(tmp_path, {"go.mod": text})
    # modfile stops at the first error in a block line; the lines are independent.
    found = [f for f in check(tmp_path) if f.code == "version-major-mismatch"]
    assert [x.title for f in found for x in f.fixes] == [
        "Use module path example.com/x/v2",
        "Use module path gopkg.in/yaml.v3",
    ]
    after = assert_fix(tmp_path, found[0], text.replace("example.com/x/v3", "example.com/x/v2"), gone=False)
    assert codes(after) == ["version-major-mismatch"]
    assert_fix(tmp_path, after[0], text.replace("x/v3", "x/v2").replace("yaml.v2", "yaml.v3"))


# --------------------------------------------------------------------------- replacements


def test_duplicate_replace_and_fix(tmp_path: Path) -> None:
    text = M + "\nreplace a.com/b => a.com/c v1.0.0\n\nreplace (\n\ta.com/b => a.com/c v1.0.0\n)\n"
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "duplicate-replace")
    assert (f.severity, f.unnecessary) == (Severity.WARNING, True)
    assert f.message == "a.com/b is already replaced by a.com/c@v1.0.0 on line 5"
    assert text_at(text, f.range) == "a.com/b"  # what it replaces
    assert [(r.range, r.message) for r in f.related] == [((4, 8, 4, 15), "previous replacement")]
    assert_fix(tmp_path, f, M + "\nreplace a.com/b => a.com/c v1.0.0\n\nreplace (\n)\n")


def test_conflicting_replace_fixes(tmp_path: Path) -> None:
    text = (
        M + "\n// first\nreplace a.com/b v1.0.0 => a.com/c v1.0.0\n// second\nreplace a.com/b v1.0.0 => ./c\n"
    )
    write(tmp_path, {"go.mod": text, "c/go.mod": "module a.com/b\n"})
    f = only(check(tmp_path), "conflicting-replace")
    assert f.severity is Severity.ERROR
    assert f.message == "conflicting replacements for a.com/b@v1.0.0:\n\ta.com/c@v1.0.0\n\t./c"
    assert text_at(text, f.range) == "./c"  # the second target
    assert [(r.range, r.message) for r in f.related] == [((5, 26, 5, 40), "previous replacement")]
    assert [x.title for x in f.fixes] == ["Remove this replacement", "Remove the other replacement"]
    assert_fix(tmp_path, f, M + "\n// first\nreplace a.com/b v1.0.0 => a.com/c v1.0.0\n")
    write(tmp_path, {"go.mod": text})
    assert_fix(tmp_path, f, M + "\n// second\nreplace a.com/b v1.0.0 => ./c\n", fix=1)


def test_replacement_range_is_the_target_token(tmp_path: Path) -> None:
    text = M + REQ_B + 'replace (\n\ta.com/b v1.0.0 => "./my b"\n)\n'
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "replacement-dir-missing")
    assert text_at(text, f.range) == '"./my b"'
    assert "(replaced by ./my b)" in f.message


def test_replacement_dir_appears(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": M + REQ_B + "replace a.com/b => ./b\n"})
    assert codes(check(tmp_path)) == ["replacement-dir-missing"]
    (tmp_path / "b").mkdir()
    assert codes(check(tmp_path)) == ["replacement-no-go-mod"]
    (tmp_path / "b" / "go.mod").write_text("module a.com/b\n")
    assert codes(check(tmp_path)) == []


def test_unused_replace_and_fix(tmp_path: Path) -> None:
    text = M + REQ_B + "\nreplace a.com/b v0.9.0 => a.com/c v1.0.0\n\nreplace a.com/x => a.com/y v1.0.0\n"
    write(tmp_path, {"go.mod": text, "go.sum": ""})
    found = [f for f in check(tmp_path) if f.code == "unused-replace"]
    assert [(f.severity, f.unnecessary, f.message) for f in found] == [
        (
            Severity.INFORMATION,
            True,
            "replacement of a.com/b@v0.9.0 has no effect: the build selects a.com/b v1.0.0 or later (required on line 4)",
        ),
        (
            Severity.INFORMATION,
            True,
            "replacement of a.com/x has no effect: no requirement or go.sum line mentions a.com/x",
        ),
    ]
    assert [text_at(text, f.range) for f in found] == ["a.com/b v0.9.0", "a.com/x"]  # what they replace
    after = assert_fix(
        tmp_path, found[1], M + REQ_B + "\nreplace a.com/b v0.9.0 => a.com/c v1.0.0\n", gone=False
    )
    assert codes(after) == ["unused-replace"]
    assert_fix(tmp_path, after[0], M + REQ_B)


def test_unused_replace_needs_go_sum_to_decide(tmp_path: Path) -> None:
    text = M + "replace a.com/x => a.com/y v1.0.0\n"
    write(tmp_path, {"go.mod": text})
    assert check(tmp_path) == []  # no go.sum: a dependency may need it
    write(tmp_path, {"go.sum": "a.com/x v1.0.0/go.mod h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=\n"})
    assert check(tmp_path) == []  # in the graph
    write(tmp_path, {"go.sum": ""})
    assert codes(check(tmp_path)) == ["unused-replace"]


def test_replacing_the_main_module_is_not_unused(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": M + "replace example.com/m => a.com/y v1.0.0\n", "go.sum": ""})
    assert check(tmp_path) == []


# --------------------------------------------------------------------------- retract


def test_retract_without_module_range(tmp_path: Path) -> None:
    text = "go 1.21\n\nretract (\n\tv1.0.0\n\tv1.1.0\n)\n"
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "retract-without-module")
    assert (f.severity, text_at(text, f.range)) == (Severity.ERROR, "v1.0.0")  # the line Go reports
    write(tmp_path, {"go.mod": "go 1.21\n\nretract v1.0.0 // oops\n"})
    f = only(check(tmp_path), "retract-without-module")
    assert f.range == (2, 0, 2, 7)  # the keyword


def test_retract_versions(tmp_path: Path) -> None:
    text = (
        "module example.com/m/v2\n\ngo 1.21\n\nretract (\n\tv2.0.0\n\tv1.0.0\n\tv2.1\n\t[v2.3.0, v2.2.0]\n)\n"
    )
    write(tmp_path, {"go.mod": text})
    found = check(tmp_path)
    assert [(f.code, text_at(text, f.range)) for f in found] == [
        ("version-major-mismatch", "v1.0.0"),
        ("noncanonical-version", "v2.1"),
        ("empty-retract-interval", "[v2.3.0, v2.2.0]"),
    ]
    assert found[0].message == 'retract example.com/m/v2: version "v1.0.0" invalid: should be v2, not v1'
    assert found[2].message == (
        "retract interval [v2.3.0, v2.2.0] is empty: v2.3.0 is above v2.2.0, so no version is retracted"
    )
    assert found[2].severity is Severity.WARNING
    assert_fix(tmp_path, found[1], text.replace("v2.1\n", "v2.1.0\n"), gone=True)


def test_retract_invalid_version(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # modfile keeps any retract version (its no-op fixer); the go command's fixer then asks the
    # proxy about a non-canonical one. gomodls reports it offline with modfile's wording.
    text = 'module example.com/m\n\ngo 1.21\n\nretract "bad"\n'
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "invalid-version")
    assert (f.severity, text_at(text, f.range)) == (Severity.ERROR, '"bad"')
    assert f.message == 'retract example.com/m: version "bad" invalid: must be of the form v1.2.3'
    result = oracle.run(["list", "-m"], {"go.mod": text})
    assert (result.rc, go_messages(result)) == (1, ["module lookup disabled by GOPROXY=off"])


# --------------------------------------------------------------------------- tools, ignore, blocks


def test_tool_provided_by_main_module_or_requirement(tmp_path: Path) -> None:
    text = M + REQ_B + "tool example.com/m/cmd/x\ntool a.com/b/cmd/y\ntool a.com/bb/z\n"
    write(tmp_path, {"go.mod": text})
    f = only(check(tmp_path), "tool-not-provided")
    assert (f.severity, text_at(text, f.range)) == (Severity.WARNING, "a.com/bb/z")


def test_ignore_dir_missing(tmp_path: Path) -> None:
    text = M + "ignore (\n\t./gone\n\t./here\n\tnode_modules\n)\n"
    write(tmp_path, {"go.mod": text, "here/x.txt": ""})
    f = only(check(tmp_path), "ignore-dir-missing")
    assert (f.severity, f.unnecessary, f.message) == (
        Severity.INFORMATION,
        True,
        "ignored directory ./gone does not exist",
    )
    assert text_at(text, f.range) == "./gone"


def test_many_require_blocks(tmp_path: Path) -> None:
    blocks = "require a.com/a v1.0.0\n\nrequire (\n\ta.com/b v1.0.0\n)\n\nrequire a.com/c v1.0.0\n\nrequire a.com/d v1.0.0\n"
    write(tmp_path, {"go.mod": "module example.com/m\n\ngo 1.27\n\n" + blocks})
    found = [f for f in check(tmp_path) if f.code == "many-require-blocks"]
    assert [(f.severity, f.range) for f in found] == [
        (Severity.INFORMATION, (10, 0, 10, 7)),
        (Severity.INFORMATION, (12, 0, 12, 7)),
    ]
    assert found[0].message == (
        "4 require statements: with go 1.27 and later, go mod tidy merges them into two (direct and indirect requirements)"
    )
    write(tmp_path, {"go.mod": "module example.com/m\n\ngo 1.26\n\n" + blocks})
    assert check(tmp_path) == []


def test_clean_file_has_no_findings(tmp_path: Path) -> None:
    text = (
        "module example.com/m\n\ngo 1.24\n\ntoolchain go1.24.2\n\ngodebug panicnil=1\n\n"
        "require (\n\ta.com/b v1.0.0\n\ta.com/c v1.2.3 // indirect\n)\n\n"
        "exclude a.com/c v1.0.0\n\nreplace a.com/b => ./b\n\nretract [v0.1.0, v0.2.0]\n\ntool a.com/b/cmd\n"
    )
    write(tmp_path, {"go.mod": text, "b/go.mod": "module a.com/b\n"})
    assert check(tmp_path, local_go=LOCAL_GO, gotoolchain="local") == []


def test_many_unterminated_blocks(tmp_path: Path) -> None:
    """Recovery after an unterminated block is one linear pass (it used to recurse per block)."""
    write(tmp_path, {"go.mod": "module (\n" * 5000})
    assert codes(check(tmp_path)) == ["syntax-error"]
