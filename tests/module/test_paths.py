"""gomodls.module.paths: x/mod's module_test.go cases, error texts, differential tests against Go."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomodls.module import semver
from gomodls.module.errors import GoError, InvalidPathError, InvalidVersionError, ModuleError, version_error
from gomodls.module.paths import (
    ModuleVersion,
    PatternError,
    canonical_version,
    check,
    check_file_path,
    check_import_path,
    check_path,
    check_path_major,
    check_reserved_module_path,
    escape_path,
    escape_version,
    match_path_major,
    match_prefix_patterns,
    path_major_prefix,
    path_match,
    sort_versions,
    split_gopkg_in,
    split_path_version,
    unescape_path,
    unescape_version,
)
from goref import GoRef, assert_same_many
from gostrategies import (
    batch,
    batches,
    canonical_versions,
    escaped,
    expand,
    glob_lists,
    match_names,
    path_majors,
    path_variants,
    paths,
    pattern_name_pairs,
    patterns,
    version_variants,
    versions,
)

# (path, version, ok) from module_test.go's checkTests.
CHECK_TESTS = [
    ("rsc.io/quote", "0.1.0", False),
    ("rsc io/quote", "v1.0.0", False),
    ("github.com/go-yaml/yaml", "v0.8.0", True),
    ("github.com/go-yaml/yaml", "v1.0.0", True),
    ("github.com/go-yaml/yaml", "v2.0.0", False),
    ("github.com/go-yaml/yaml", "v2.1.5", False),
    ("github.com/go-yaml/yaml", "v3.0.0", False),
    ("github.com/go-yaml/yaml/v2", "v1.0.0", False),
    ("github.com/go-yaml/yaml/v2", "v2.0.0", True),
    ("github.com/go-yaml/yaml/v2", "v2.1.5", True),
    ("github.com/go-yaml/yaml/v2", "v3.0.0", False),
    ("gopkg.in/yaml.v0", "v0.8.0", True),
    ("gopkg.in/yaml.v0", "v1.0.0", False),
    ("gopkg.in/yaml.v0", "v2.0.0", False),
    ("gopkg.in/yaml.v0", "v2.1.5", False),
    ("gopkg.in/yaml.v0", "v3.0.0", False),
    ("gopkg.in/yaml.v1", "v0.8.0", False),
    ("gopkg.in/yaml.v1", "v1.0.0", True),
    ("gopkg.in/yaml.v1", "v2.0.0", False),
    ("gopkg.in/yaml.v1", "v2.1.5", False),
    ("gopkg.in/yaml.v1", "v3.0.0", False),
    # Early vgo generated v0 pseudo-versions for gopkg.in .v1 paths; they stay accepted.
    ("gopkg.in/check.v1", "v0.0.0", False),
    ("gopkg.in/check.v1", "v0.0.0-20160102150405-abcdef123456", True),
    ("gopkg.in/yaml.v2", "v1.0.0", False),
    ("gopkg.in/yaml.v2", "v2.0.0", True),
    ("gopkg.in/yaml.v2", "v2.1.5", True),
    ("gopkg.in/yaml.v2", "v3.0.0", False),
    ("rsc.io/quote", "v17.0.0", False),
    ("rsc.io/quote", "v17.0.0+incompatible", True),
]

# (path, CheckPath ok, CheckImportPath ok, CheckFilePath ok) from module_test.go's checkPathTests,
# updated where x/mod has since changed: import paths may now have elements with a leading dot,
# file paths a leading dash, and module paths no longer allow "+".
CHECK_PATH_TESTS = [
    ("x.y/z", True, True, True),
    ("x.y", True, True, True),
    ("", False, False, False),
    ("x.y/\udcffz", False, False, False),
    ("/x.y/z", False, False, False),
    ("x./z", False, False, False),
    (".x/z", False, True, True),
    ("-x/z", False, False, True),
    ("x..y/z", True, True, True),
    ("x.y/z/../../w", False, False, False),
    ("x.y//z", False, False, False),
    ("x.y/z//w", False, False, False),
    ("x.y/z/", False, False, False),
    ("x.y/z/v0", False, True, True),
    ("x.y/z/v1", False, True, True),
    ("x.y/z/v2", True, True, True),
    ("x.y/z/v2.0", False, True, True),
    ("X.y/z", False, True, True),
    ("!x.y/z", False, False, True),
    ("_x.y/z", False, True, True),
    ("x.y!/z", False, False, True),
    ('x.y"/z', False, False, False),
    ("x.y#/z", False, False, True),
    ("x.y$/z", False, False, True),
    ("x.y%/z", False, False, True),
    ("x.y&/z", False, False, True),
    ("x.y'/z", False, False, False),
    ("x.y(/z", False, False, True),
    ("x.y)/z", False, False, True),
    ("x.y*/z", False, False, False),
    ("x.y+/z", False, True, True),
    ("x.y,/z", False, False, True),
    ("x.y-/z", True, True, True),
    ("x.y./zt", False, False, False),
    ("x.y:/z", False, False, False),
    ("x.y;/z", False, False, False),
    ("x.y</z", False, False, False),
    ("x.y=/z", False, False, True),
    ("x.y>/z", False, False, False),
    ("x.y?/z", False, False, False),
    ("x.y@/z", False, False, True),
    ("x.y[/z", False, False, True),
    ("x.y\\/z", False, False, False),
    ("x.y]/z", False, False, True),
    ("x.y^/z", False, False, True),
    ("x.y_/z", False, True, True),
    ("x.y`/z", False, False, False),
    ("x.y{/z", False, False, True),
    ("x.y}/z", False, False, True),
    ("x.y~/z", False, True, True),
    ("x.y/z!", False, False, True),
    ('x.y/z"', False, False, False),
    ("x.y/z#", False, False, True),
    ("x.y/z$", False, False, True),
    ("x.y/z%", False, False, True),
    ("x.y/z&", False, False, True),
    ("x.y/z'", False, False, False),
    ("x.y/z(", False, False, True),
    ("x.y/z)", False, False, True),
    ("x.y/z*", False, False, False),
    ("x.y/z+", False, True, True),
    ("x.y/z,", False, False, True),
    ("x.y/z-", True, True, True),
    ("x.y/z.t", True, True, True),
    ("x.y/z/t", True, True, True),
    ("x.y/z:", False, False, False),
    ("x.y/z;", False, False, False),
    ("x.y/z<", False, False, False),
    ("x.y/z=", False, False, True),
    ("x.y/z>", False, False, False),
    ("x.y/z?", False, False, False),
    ("x.y/z@", False, False, True),
    ("x.y/z[", False, False, True),
    ("x.y/z\\", False, False, False),
    ("x.y/z]", False, False, True),
    ("x.y/z^", False, False, True),
    ("x.y/z_", True, True, True),
    ("x.y/z`", False, False, False),
    ("x.y/z{", False, False, True),
    ("x.y/z}", False, False, True),
    ("x.y/z~", True, True, True),
    ("x.y/x.foo", True, True, True),
    ("x.y/aux.foo", False, False, False),
    ("x.y/prn", False, False, False),
    ("x.y/prn2", True, True, True),
    ("x.y/com", True, True, True),
    ("x.y/com1", False, False, False),
    ("x.y/com1.txt", False, False, False),
    ("x.y/calm1", True, True, True),
    ("github.com/!123/logrus", False, False, True),
    ("github.com/user/unicode/испытание", False, False, True),
    ("../x", False, False, False),
    ("./y", False, False, False),
    ("x:y", False, False, False),
    ("\\temp\\foo", False, False, False),
    (".gitignore", False, True, True),
    (".github/ISSUE_TEMPLATE", False, True, True),
    ("x☺y", False, False, False),
]


def _ok(fn: object, *args: str) -> bool:
    try:
        fn(*args)  # type: ignore[operator]
    except GoError:
        return False
    return True


@pytest.mark.parametrize(("path", "version", "ok"), CHECK_TESTS)
def test_check(path: str, version: str, ok: bool) -> None:
    assert _ok(check, path, version) == ok


@pytest.mark.parametrize(("path", "ok", "import_ok", "file_ok"), CHECK_PATH_TESTS)
def test_check_path_kinds(path: str, ok: bool, import_ok: bool, file_ok: bool) -> None:
    assert _ok(check_path, path) == ok
    assert _ok(check_import_path, path) == import_ok
    assert _ok(check_file_path, path) == file_ok
    prefix, major, _ = split_path_version(path)
    assert prefix + major == path
    if not ok:
        assert not _ok(escape_path, path)
        assert not _ok(unescape_path, path)


@pytest.mark.parametrize(
    ("path", "want"),
    [
        ("x/y.z", 'malformed module path "x/y.z": missing dot in first path element'),
        ("example.com/a b", "malformed module path \"example.com/a b\": invalid char ' '"),
        ("Example.com/a", "malformed module path \"Example.com/a\": invalid char 'E' in first path element"),
        ("example.com/v1", 'malformed module path "example.com/v1": invalid version'),
        ("example.com/.x", 'malformed module path "example.com/.x": leading dot in path element'),
        ("example.com/x.", 'malformed module path "example.com/x.": trailing dot in path element'),
        ("example.com/..", 'malformed module path "example.com/..": invalid path element ".."'),
        ("example.com//x", 'malformed module path "example.com//x": double slash'),
        ("example.com/", 'malformed module path "example.com/": trailing slash'),
        ("/example.com", 'malformed module path "/example.com": empty path element'),
        ("-x.com", 'malformed module path "-x.com": leading dash'),
        ("", 'malformed module path "": empty string'),
        ("x.com/\udcff", 'malformed module path "x.com/\\xff": invalid UTF-8'),
        (
            "x.com/Aux.go",
            'malformed module path "x.com/Aux.go": "Aux" disallowed as path element component on Windows',
        ),
        ("x.com/abc~12", 'malformed module path "x.com/abc~12": trailing tilde and digits in path element'),
        ("x.com/é", "malformed module path \"x.com/é\": invalid char 'é'"),
        ("x.com/a'b", "malformed module path \"x.com/a'b\": invalid char '\\''"),
        ('x.com/a"b', 'malformed module path "x.com/a\\"b": invalid char \'"\''),
        ("x.com/a\tb", "malformed module path \"x.com/a\\tb\": invalid char '\\t'"),
        ("x.com/a\u00a0b", "malformed module path \"x.com/a\\u00a0b\": invalid char '\\u00a0'"),
    ],
)
def test_check_path_errors(path: str, want: str) -> None:
    with pytest.raises(InvalidPathError) as info:
        check_path(path)
    assert str(info.value) == want


def test_error_kind_can_be_changed() -> None:
    # The go command reports tool paths with kind "tool" and main module paths with "module".
    with pytest.raises(InvalidPathError) as info:
        check_import_path("./invalid_path", kind="tool")
    assert str(info.value) == 'malformed tool path "./invalid_path": invalid path element "."'
    info.value.kind = "module"
    assert str(info.value).startswith('malformed module path "./invalid_path"')


def test_check_error_texts() -> None:
    with pytest.raises(ModuleError) as info:
        check("rsc.io/quote", "v2.0.0")
    assert str(info.value) == "rsc.io/quote@v2.0.0: invalid version: should be v0 or v1, not v2"
    with pytest.raises(ModuleError) as info:
        check("example.com/a/v2", "v3.0.0+incompatible")
    assert str(info.value) == "example.com/a/v2@v3.0.0+incompatible: invalid version: should be v2, not v3"
    with pytest.raises(ModuleError) as info:
        check("rsc.io/quote", "0.1.0")
    assert str(info.value) == "rsc.io/quote@0.1.0: invalid version: not a semantic version"


def test_module_error_formats() -> None:
    assert str(ModuleError("m.io/x", "v1.0.0", "boom")) == "m.io/x@v1.0.0: boom"
    assert str(ModuleError("m.io/x", "", "boom")) == "module m.io/x: boom"
    pseudo = InvalidVersionError("v0.0.0-x", "syntax error", pseudo=True)
    assert str(pseudo) == 'pseudo-version "v0.0.0-x" invalid: syntax error'
    assert str(ModuleError("m.io/x", "v9", pseudo)) == "m.io/x@v0.0.0-x: invalid pseudo-version: syntax error"


def test_version_error_does_not_rewrap() -> None:
    inner = ModuleError("m.io/x", "v1.0.0", "boom")
    assert version_error("m.io/x", "v1.0.0", inner) is inner
    wrapped = InvalidPathError("module", "m.io/x", inner)
    assert version_error("m.io/x", "v1.0.0", wrapped) is wrapped
    other = version_error("m.io/y", "v1.0.0", inner)
    assert isinstance(other, ModuleError)
    assert other.err is inner


def test_check_path_major_text() -> None:
    with pytest.raises(InvalidVersionError) as info:
        check_path_major("v2.0.0", "")
    assert str(info.value) == 'version "v2.0.0" invalid: should be v0 or v1, not v2'
    with pytest.raises(InvalidVersionError) as info:
        check_path_major("v1.0.0", ".v2-unstable")
    assert str(info.value) == 'version "v1.0.0" invalid: should be v2, not v1'


@pytest.mark.parametrize(
    ("v", "path_major", "want"),
    [
        ("v0.0.0", "", True),
        ("v0.0.0", "/v2", False),
        ("v0.0.0", ".v0", True),
        ("v0.0.0-20190510104115-cbcb75029529", ".v1", True),
        ("v1.0.0", "/v2", False),
        ("v1.0.0", ".v1", True),
        ("v1.0.0", ".v1-unstable", True),
        ("v2.0.0+incompatible", "", True),
        ("v2.0.0", "", False),
        ("v2.0.0", "/v2", True),
        ("v2.0.0", ".v2", True),
    ],
)
def test_match_path_major(v: str, path_major: str, want: bool) -> None:
    assert match_path_major(v, path_major) == want


@pytest.mark.parametrize(
    ("path", "want"),
    [
        ("x.y/z", ("x.y/z", "", True)),
        ("x.y/z/v2", ("x.y/z", "/v2", True)),
        ("x.y/z/v3", ("x.y/z", "/v3", True)),
        ("x.y/v", ("x.y/v", "", True)),
        ("x.y/z/v1", ("x.y/z/v1", "", False)),
        ("x.y/z/v01", ("x.y/z/v01", "", False)),
        ("x.y/z/v2.1", ("x.y/z/v2.1", "", False)),
        ("gopkg.in/yaml.v0", ("gopkg.in/yaml", ".v0", True)),
        ("gopkg.in/yaml.v1", ("gopkg.in/yaml", ".v1", True)),
        ("gopkg.in/yaml.v2", ("gopkg.in/yaml", ".v2", True)),
        ("gopkg.in/yaml.v3-unstable", ("gopkg.in/yaml", ".v3-unstable", True)),
        ("gopkg.in/yaml", ("gopkg.in/yaml", "", False)),
        ("gopkg.in/yaml.v01", ("gopkg.in/yaml.v01", "", False)),
    ],
)
def test_split_path_version(path: str, want: tuple[str, str, bool]) -> None:
    assert split_path_version(path) == want


def test_split_gopkg_in_only_for_gopkg_in() -> None:
    assert split_gopkg_in("example.com/yaml.v2") == ("example.com/yaml.v2", "", False)
    assert split_gopkg_in("gopkg.in/yaml.v2") == ("gopkg.in/yaml", ".v2", True)


def test_path_major_prefix() -> None:
    assert path_major_prefix("") == ""
    assert path_major_prefix("/v2") == "v2"
    assert path_major_prefix(".v1-unstable") == "v1"
    with pytest.raises(ValueError, match="lacks separator"):
        path_major_prefix("v2")
    with pytest.raises(ValueError, match=r"^pathMajor suffix /v2\.0passed to PathMajorPrefix is not"):
        path_major_prefix("/v2.0")


def test_canonical_version_keeps_incompatible() -> None:
    assert canonical_version("v2.0.0+incompatible") == "v2.0.0+incompatible"
    assert canonical_version("v2.0+incompatible") == ""  # short forms take no build suffix
    assert canonical_version("v2.0.0+meta") == "v2.0.0"
    assert canonical_version("bad+incompatible") == ""


@pytest.mark.parametrize(
    ("path", "esc"),
    [
        (
            "ascii.com/abcdefghijklmnopqrstuvwxyz.-/~_0123456789",
            "ascii.com/abcdefghijklmnopqrstuvwxyz.-/~_0123456789",
        ),
        ("github.com/GoogleCloudPlatform/omega", "github.com/!google!cloud!platform/omega"),
        ("github.com/Azure/azure-sdk-for-go", "github.com/!azure/azure-sdk-for-go"),
        ("github.com/Sirupsen/logrus", "github.com/!sirupsen/logrus"),
    ],
)
def test_escape_round_trip(path: str, esc: str) -> None:
    assert escape_path(path) == esc
    assert unescape_path(esc) == path


@pytest.mark.parametrize(
    "bad",
    [
        "github.com/GoogleCloudPlatform/omega",
        "github.com/!google!cloud!platform!/omega",
        "github.com/!0google!cloud!platform/omega",
        "github.com/!_google!cloud!platform/omega",
        "github.com/!!google!cloud!platform/omega",
        "",
    ],
)
def test_unescape_path_rejects(bad: str) -> None:
    with pytest.raises(GoError, match=r"^invalid escaped module path"):
        unescape_path(bad)


def test_escape_version_texts() -> None:
    assert escape_version("v1.0.0-RC1") == "v1.0.0-!r!c1"
    assert unescape_version("v1.0.0-!r!c1") == "v1.0.0-RC1"
    with pytest.raises(InvalidVersionError) as info:
        escape_version("v1!")
    assert str(info.value) == 'version "v1!" invalid: disallowed version string'
    # Unicode letters pass the file-name check but cannot be escaped.
    with pytest.raises(GoError) as err:
        escape_version("v1-é")
    assert str(err.value) == "internal error: inconsistency in EscapePath"
    with pytest.raises(GoError) as err:
        unescape_version("v1/x")
    assert str(err.value) == "invalid escaped version \"v1/x\": invalid char '/'"


@pytest.mark.parametrize(
    ("globs", "target", "want"),
    [
        ("*/quote", "rsc.io/quote", True),
        ("*/quo", "rsc.io/quote", False),
        ("*/quo??", "rsc.io/quote", True),
        ("*/quo*", "rsc.io/quote", True),
        ("*quo*", "rsc.io/quote", False),
        ("rsc.io", "rsc.io/quote", True),
        ("*.io", "rsc.io/quote", True),
        ("rsc.io/", "rsc.io/quote", True),  # trailing slashes on patterns are ignored
        ("rsc", "rsc.io/quote", False),
        ("rsc*", "rsc.io/quote", True),
        ("rsc.io", "rsc.io/quote/v3", True),
        ("*/quote", "rsc.io/quote/v3", True),
        ("*/quote/*", "rsc.io/quote/v3", True),
        ("*/v3", "rsc.io/quote/v3", False),
        ("*/*/v3", "rsc.io/quote/v3", True),
        ("*/*/*", "rsc.io/quote/v3", True),
        ("*/*/*", "rsc.io/quote", False),
        ("*/*/*,,", "rsc.io/quote", False),
        ("*/*/*,,*/quote", "rsc.io/quote", True),
        (",,*/quote", "rsc.io/quote", True),
        ("[,rsc.io", "rsc.io/quote", True),  # the malformed "[" is skipped
    ],
)
def test_match_prefix_patterns(globs: str, target: str, want: bool) -> None:
    assert match_prefix_patterns(globs, target) == want


@pytest.mark.parametrize(
    ("pattern", "name", "want"),
    [
        ("abc", "abc", True),
        ("*", "abc", True),
        ("*c", "abc", True),
        ("a*", "a", True),
        ("a*/b", "abc/b", True),
        ("a*/b", "a/c/b", False),
        ("a*b*c*d*e*/f", "axbxcxdxe/f", True),
        ("a*b?c*x", "abxbbxdbxebxczzx", True),
        ("a*b?c*x", "abxbbxdbxebxczzy", False),
        ("ab[c]", "abc", True),
        ("ab[b-d]", "abc", True),
        ("ab[^c]", "abc", False),
        ("ab[^b-d]", "abe", True),
        ("a\\*b", "a*b", True),
        ("a?b", "a☺b", True),
        ("a[^a]b", "a☺b", True),
        ("a???b", "a☺b", False),
        ("*x", "xxx", True),
        # "*" may resume inside a multi-byte character, where "[^é]" sees an invalid byte.
        ("*[^é]", "é", True),
    ],
)
def test_path_match(pattern: str, name: str, want: bool) -> None:
    assert path_match(pattern, name) == want


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        ("[", "a"),
        ("[^", "a"),
        ("[^bc", "a"),
        ("a[", "a"),
        ("a[", "ab"),
        ("a[", "x"),
        ("a/b[", "x"),
        ("*x[", "a"),
        ("[]a]", "]"),
        ("[-]", "-"),
        ("[x-]", "x"),
        ("[x-]", "-"),
        ("[a-b-c]", "a"),
        ("\\", "a"),
        ("[\\", "a"),
        ("a*b\\", "ab"),
    ],
)
def test_path_match_bad_pattern(pattern: str, name: str) -> None:
    with pytest.raises(PatternError) as info:
        path_match(pattern, name)
    assert str(info.value) == "syntax error in pattern"


def test_sort_versions() -> None:
    got = sort_versions(
        [("z.io/m", "v1.0.0"), ("a.io/m", "v1.10.0/go.mod"), ("a.io/m", "v1.10.0"), ("a.io/m", "v1.9.0")]
    )
    assert got == [
        ModuleVersion("a.io/m", "v1.9.0"),
        ModuleVersion("a.io/m", "v1.10.0"),
        ModuleVersion("a.io/m", "v1.10.0/go.mod"),
        ModuleVersion("z.io/m", "v1.0.0"),
    ]
    assert str(got[0]) == "a.io/m@v1.9.0"
    assert str(ModuleVersion("a.io/m")) == "a.io/m"


def test_reserved_module_paths() -> None:
    for reserved in ("go", "toolchain"):
        with pytest.raises(GoError, match=r"^module path is reserved$"):
            check_reserved_module_path(reserved)
    check_reserved_module_path("golang.org/toolchain")


# ------------------------------------------------------------------ differential


def test_go_tables_matches_go(goref: GoRef) -> None:
    # The tables above come from an x/mod checkout; make sure Go 1.27.3 still agrees with them.
    args = [(p,) for p, *_ in CHECK_PATH_TESTS]
    assert_same_many(goref, "module.CheckPath", check_path, args)
    assert_same_many(goref, "module.CheckImportPath", check_import_path, args)
    assert_same_many(goref, "module.CheckFilePath", check_file_path, args)
    assert_same_many(goref, "module.Check", check, [(p, v) for p, v, _ in CHECK_TESTS])


@batch
@given(batches(paths))
def test_path_checks_matches_go(goref: GoRef, ps: list[str]) -> None:
    args = [(p,) for p in expand(ps, path_variants)]
    assert_same_many(goref, "module.CheckPath", check_path, args)
    assert_same_many(goref, "module.CheckImportPath", check_import_path, args)
    assert_same_many(goref, "module.CheckFilePath", check_file_path, args)
    assert_same_many(goref, "module.SplitPathVersion", split_path_version, args)
    assert_same_many(goref, "module.EscapePath", escape_path, args)


@batch
@given(
    batches(paths | st.sampled_from([p for p, _, _ in CHECK_TESTS]), max_size=15),
    batches(versions, max_size=15),
)
def test_check_matches_go(goref: GoRef, ps: list[str], vs: list[str]) -> None:
    pairs = list(itertools.product(expand(ps, path_variants), vs))
    assert_same_many(goref, "module.Check", check, pairs)
    assert_same_many(goref, "module.VersionString", lambda p, v: str(ModuleVersion(p, v)), pairs)


@batch
@given(
    batches(versions, max_size=15),
    batches(path_majors | st.text(alphabet="/.v0123-unstable", max_size=6), max_size=20),
)
def test_path_major_matches_go(goref: GoRef, vs: list[str], majors: list[str]) -> None:
    pairs = list(itertools.product(expand(vs, version_variants), majors))
    assert_same_many(goref, "module.CheckPathMajor", check_path_major, pairs)
    assert_same_many(goref, "module.MatchPathMajor", match_path_major, pairs)
    assert_same_many(goref, "module.PathMajorPrefix", path_major_prefix, [(m,) for m in majors])


@batch
@given(batches(versions))
def test_version_functions_matches_go(goref: GoRef, vs: list[str]) -> None:
    args = [(v,) for v in expand(vs, version_variants)]
    assert_same_many(goref, "module.CanonicalVersion", canonical_version, args)
    assert_same_many(goref, "module.EscapeVersion", escape_version, args)
    assert_same_many(goref, "module.UnescapeVersion", unescape_version, args)


@batch
@given(batches(escaped))
def test_unescape_matches_go(goref: GoRef, es: list[str]) -> None:
    args = [(e,) for e in expand(es, path_variants)]
    assert_same_many(goref, "module.UnescapePath", unescape_path, args)
    assert_same_many(goref, "module.UnescapeVersion", unescape_version, args)
    assert_same_many(goref, "module.EscapeVersion", escape_version, args)


@batch
@given(batches(patterns, max_size=40), batches(match_names, max_size=40), batches(pattern_name_pairs))
def test_path_match_matches_go(
    goref: GoRef, pats: list[str], names: list[str], near: list[tuple[str, str]]
) -> None:
    pairs = list(itertools.product(pats, names)) + near
    assert_same_many(goref, "path.Match", path_match, pairs)


@batch
@given(batches(glob_lists, max_size=40), batches(match_names, max_size=40))
def test_match_prefix_patterns_matches_go(goref: GoRef, globs: list[str], names: list[str]) -> None:
    pairs = list(itertools.product(globs, names))
    assert_same_many(goref, "module.MatchPrefixPatterns", match_prefix_patterns, pairs)


_SORT_PATHS = st.sampled_from(["a.io/m", "a.io/m/v2", "b.io/x", "a.io", "é.io", "A.io", "\udcff"])
_FILES = st.sampled_from(["", "", "/go.mod", "/x", "/", "/a/b"])


def _flatten(entries: list[tuple[str, str]]) -> list[str]:
    return [s for entry in entries for s in entry]


@batch
@given(st.lists(st.tuples(_SORT_PATHS, canonical_versions, _FILES), max_size=120))
def test_sort_matches_go_without_ties(goref: GoRef, entries: list[tuple[str, str, str]]) -> None:
    # Distinct canonical versions never compare equal, so Go's order is fully determined.
    pairs = [(p, v + f) for p, v, f in entries]
    want = goref.call("module.Sort", *_flatten(pairs)).out
    assert _flatten([tuple(m) for m in sort_versions(pairs)]) == want


def _go_module_less_or_equal(a: tuple[str, str], b: tuple[str, str]) -> bool:
    # The comparison function of module.Sort, with semver.compare standing in for Go's.
    if a[0] != b[0]:
        return a[0].encode("utf-8", "surrogateescape") < b[0].encode("utf-8", "surrogateescape")
    (va, _, fa), (vb, _, fb) = a[1].partition("/"), b[1].partition("/")
    if va != vb:
        return semver.compare(va, vb) <= 0
    return fa <= fb


@batch
@given(st.lists(st.tuples(_SORT_PATHS, versions, _FILES), max_size=80))
def test_sort_with_ties_is_an_order_go_allows(goref: GoRef, entries: list[tuple[str, str, str]]) -> None:
    pairs = [(p, v + f) for p, v, f in entries]
    got = [tuple(m) for m in sort_versions(pairs)]
    assert sorted(got) == sorted(pairs)
    for a, b in itertools.pairwise(got):
        assert _go_module_less_or_equal(a, b), (a, b)
    # And Go's own result is ordered the same way, up to entries that compare equal.
    go = goref.call("module.Sort", *_flatten(pairs)).out
    go_pairs = list(zip(go[::2], go[1::2], strict=True))
    for a, b in itertools.pairwise(go_pairs):
        assert _go_module_less_or_equal(a, b), (a, b)
