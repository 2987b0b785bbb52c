"""Go toolchain versions, as cmd/go/internal/gover and internal/gover handle them.

Go versions are not semver: they have no "v", and look like "1.21", "1.21rc1" or "1.21.3".
Since Go 1.21, "1.N" names the language version, which sorts before the release candidates and
releases of that version: 1.21 < 1.21rc1 < 1.21.0. Before 1.21, "1.N" meant "1.N.0". Toolchain
names add a "go" prefix and may carry a suffix: "go1.21.3", "go1.21.3-bigcorp".

The "go" and "toolchain" pseudo-modules (mod_* functions) use these versions instead of semver.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from gomodls.base.foreground import paced
from gomodls.base.gostr import go_string_key
from gomodls.module import semver
from gomodls.module.paths import ModuleVersion
from gomodls.module.pseudo import dec_decimal

__all__ = [
    "DEFAULT_GO_MOD_VERSION",
    "DEFAULT_GO_WORK_VERSION",
    "EXPLICIT_INDIRECT_VERSION",
    "EXPLICIT_MODULES_TXT_IMPORT_VERSION",
    "GO_MOD_TOOL_VERSION",
    "GO_STRICT_VERSION",
    "NARROW_ALL_VERSION",
    "SEPARATE_INDIRECT_VERSION",
    "SIMPLIFY_REQUIRE_VERSION",
    "TIDY_GO_MOD_SUM_VERSION",
    "GoVersion",
    "compare",
    "from_toolchain",
    "go_mod_lookup",
    "is_lang",
    "is_prerelease",
    "is_toolchain",
    "is_valid",
    "lang",
    "max_version",
    "mod_compare",
    "mod_is_prefix",
    "mod_is_prerelease",
    "mod_is_valid",
    "mod_major_minor",
    "mod_sort",
    "parse",
    "prev",
]

# Version thresholds of the go command (cmd/go/internal/gover/version.go).
NARROW_ALL_VERSION = "1.16"  # "all" stops closing over tests of dependencies
DEFAULT_GO_MOD_VERSION = "1.16"  # assumed for a go.mod without a go line
DEFAULT_GO_WORK_VERSION = "1.18"  # assumed for a go.work without a go line
EXPLICIT_INDIRECT_VERSION = "1.17"  # go.mod lists every module providing an imported package
SEPARATE_INDIRECT_VERSION = "1.17"  # "// indirect" requirements get their own block
SIMPLIFY_REQUIRE_VERSION = "1.27"  # at most two require blocks (direct, indirect)
TIDY_GO_MOD_SUM_VERSION = "1.21"  # go mod tidy keeps go.sum lines needed by tests of deps
GO_STRICT_VERSION = "1.21"  # go lines are strict; "too new" is fatal
EXPLICIT_MODULES_TXT_IMPORT_VERSION = "1.23"  # vendored packages must be in modules.txt
GO_MOD_TOOL_VERSION = "1.24"  # the tool directive


class GoVersion(NamedTuple):
    """internal/gover.Version: major[.minor[.patch]][kind[pre]], numbers as decimal strings.

    A malformed version parses to the zero value, all fields "".
    """

    major: str = ""
    minor: str = ""
    patch: str = ""
    kind: str = ""  # "", "alpha", "beta", "rc" (any lower-case word parses)
    pre: str = ""


_ZERO = GoVersion()
_DIGITS = frozenset("0123456789")


def _cut_int(x: str) -> tuple[str, str] | None:
    """The leading decimal number of x and the rest; None if absent or with a leading zero."""
    i = 0
    while i < len(x) and x[i] in _DIGITS:
        i += 1
    if i == 0 or (x[0] == "0" and i != 1):
        return None
    return x[:i], x[i:]


def _int_key(n: str) -> tuple[int, str]:
    # CmpInt: decimal strings without leading zeros order by length, then lexically; "" is least.
    return (len(n), n)


@lru_cache(maxsize=4096)
def parse(x: str) -> GoVersion:
    """internal/gover.Parse: the parsed form of x, or GoVersion() if x is malformed."""
    cut = _cut_int(x)
    if cut is None:
        return _ZERO
    major, x = cut
    if x == "":
        return GoVersion(major, "0", "0")  # "1" means "1.0.0"
    if x[0] != ".":
        return _ZERO
    cut = _cut_int(x[1:])
    if cut is None:
        return _ZERO
    minor, x = cut
    if x == "":
        # A missing patch means ".0" before Go 1.21, and the language version from 1.21 on.
        return GoVersion(major, minor, "0" if _int_key(minor) < _int_key("21") else "")
    if x[0] == ".":
        cut = _cut_int(x[1:])
        # Patch releases have no prereleases ("1.21.3rc1" is malformed).
        if cut is None or cut[1] != "":
            return _ZERO
        return GoVersion(major, minor, cut[0])
    i = 0
    while i < len(x) and x[i] not in _DIGITS:
        if not "a" <= x[i] <= "z":
            return _ZERO
        i += 1
    if i == 0:
        return _ZERO
    kind, x = x[:i], x[i:]
    if x == "":
        return GoVersion(major, minor, "", kind)
    cut = _cut_int(x)
    if cut is None or cut[1] != "":
        return _ZERO
    return GoVersion(major, minor, "", kind, cut[0])


def _key(x: str) -> tuple[object, ...]:
    v = parse(x)
    # kind compares as a string: "" < "alpha" < "beta" < "rc".
    return (_int_key(v.major), _int_key(v.minor), _int_key(v.patch), v.kind, _int_key(v.pre))


def compare(x: str, y: str) -> int:
    """gover.Compare: -1, 0 or +1 as x <, ==, > y; malformed versions are equal and least.

    x and y have no "go" prefix: "1.21", not "go1.21".
    """
    kx, ky = _key(x), _key(y)
    return (kx > ky) - (kx < ky)


def max_version(x: str, y: str) -> str:
    """gover.Max: the greater of x and y; x if they compare equal."""
    return y if compare(x, y) < 0 else x


def is_valid(x: str) -> bool:
    """gover.IsValid: whether x is a well-formed Go version."""
    return parse(x) != _ZERO


def is_lang(x: str) -> bool:
    """gover.IsLang: whether x is a language version ("1.21") rather than a release ("1.21.0")."""
    v = parse(x)
    return v != _ZERO and v.patch == "" and v.kind == "" and v.pre == ""


def lang(x: str) -> str:
    """gover.Lang: the language version of x: lang("1.2.3") == "1.2"; "" if x is malformed."""
    v = parse(x)
    if v.minor == "" or (v.major == "1" and v.minor == "0"):
        return v.major
    return f"{v.major}.{v.minor}"


def is_prerelease(x: str) -> bool:
    """gover.IsPrerelease: whether x is an alpha, beta, rc (or other lettered) prerelease."""
    return parse(x).kind != ""


def prev(x: str) -> str:
    """gover.Prev: the previous major release: prev("1.2") == "1.1", prev("1.3rc4") == "1.2".

    Returns the major version itself for 1.0 and 1.1 (and for malformed x, "").
    """
    v = parse(x)
    if _int_key(v.minor) <= _int_key("1"):
        return v.major
    return f"{v.major}.{dec_decimal(v.minor)}"


_SUFFIX_SEPARATORS = (" ", "\t", "-")


def from_toolchain(name: str) -> str:
    """gover.FromToolchain: the Go version of a toolchain name: "go1.2.3-bigcorp" -> "1.2.3".

    Returns "" if name is not "go" + a valid version, optionally followed by a suffix introduced
    by "-", space or tab. Names with a path separator are rejected, since exec.LookPath would
    resolve them relative to the current directory.
    """
    if "/" in name or "\\" in name:
        return ""
    if not name.startswith("go"):
        return ""
    v = name[2:]
    cut = min((i for i in map(v.find, _SUFFIX_SEPARATORS) if i >= 0), default=-1)
    if cut >= 0:
        v = v[:cut]
    return v if is_valid(v) else ""


def _maybe_toolchain_version(name: str) -> str:
    return name if is_valid(name) else from_toolchain(name)


def is_toolchain(path: str) -> bool:
    """gover.IsToolchain: whether path is the "go" or "toolchain" pseudo-module."""
    return path in ("go", "toolchain")


def mod_compare(path: str, x: str, y: str) -> int:
    """gover.ModCompare: compare versions of module path (Go versions for go and toolchain)."""
    if path == "go":
        return compare(x, y)
    if path == "toolchain":
        return compare(_maybe_toolchain_version(x), _maybe_toolchain_version(y))
    return semver.compare(x, y)


def _mod_key(path: str, vers: str) -> tuple[object, ...]:
    if path == "go":
        return _key(vers)
    if path == "toolchain":
        return _key(_maybe_toolchain_version(vers))
    return semver.precedence_key(vers)


def mod_sort(versions: Iterable[tuple[str, str]]) -> list[ModuleVersion]:
    """gover.ModSort: module.Sort that knows the go and toolchain version orderings.

    As for paths.sort_versions, entries Go considers equal keep a deterministic order here.
    """

    def key(m: tuple[str, str]) -> tuple[object, ...]:
        path, version = m
        vers, slash, file = version.partition("/")
        return (go_string_key(path), _mod_key(path, vers), go_string_key(slash + file))

    items = list(versions)
    keys = [key(m) for m in paced(items)]  # (in a server's thread: the editor's messages go first)
    # (the callers' ModuleVersions themselves when they are: a copy of each was 6 MB at
    # 100,000 requirements, for as long as the module graph is kept)
    ordered = [items[i] for i in sorted(range(len(items)), key=keys.__getitem__)]
    return [m if m.__class__ is ModuleVersion else ModuleVersion(*m) for m in ordered]  # type: ignore[misc]


def mod_is_valid(path: str, vers: str) -> bool:
    """gover.ModIsValid: whether vers is valid version syntax for module path."""
    if path == "toolchain":
        return is_valid(from_toolchain(vers))
    if path == "go":
        return is_valid(vers)
    return semver.is_valid(vers)


def mod_is_prefix(path: str, vers: str) -> bool:
    """gover.ModIsPrefix: whether vers is a version prefix ("v1", "v1.2", "1.21") for path.

    The caller is expected to have checked mod_is_valid(path, vers).
    """
    if path == "toolchain":
        return is_lang(from_toolchain(vers))
    if path == "go":
        return is_lang(vers)
    return "-" not in vers and "+" not in vers and vers.count(".") < 2


def mod_is_prerelease(path: str, vers: str) -> bool:
    """gover.ModIsPrerelease: whether vers is a prerelease for module path."""
    if path == "toolchain":
        return is_prerelease(from_toolchain(vers))
    if path == "go":
        return is_prerelease(vers)
    return semver.prerelease(vers) != ""


def mod_major_minor(path: str, vers: str) -> str:
    """gover.ModMajorMinor: the "major.minor" truncation of vers, for "@patch" queries."""
    if path == "toolchain":
        return "go" + lang(from_toolchain(vers))
    if path == "go":
        return lang(vers)
    return semver.major_minor(vers)


# unicode.IsSpace, which bytes.TrimSpace and strings.TrimSpace use. Python's str.strip would
# also remove U+001C..U+001F.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
)


def go_mod_lookup(gomod: str, key: str) -> str:
    """gover.GoModLookup: the value of the first line "KEY value" in go.mod or go.work text.

    Meant for unfactored verbs such as "go" and "toolchain"; the line is found without parsing
    the file, and a "//" comment after the value is dropped.
    """
    for line in gomod.split("\n"):
        line = line.strip(_GO_SPACE)
        if not line.startswith(key):
            continue
        rest = line[len(key) :]
        if not rest or rest[0] not in (" ", "\t"):
            continue
        return rest.partition("//")[0].strip(_GO_SPACE)
    return ""
