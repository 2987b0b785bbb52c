"""Module paths and versions as golang.org/x/mod/module defines them.

Covers the validity rules for module, import and file paths (check_path, check_import_path,
check_file_path), major version suffixes (/vN and gopkg.in's .vN), the case-escaping used in
module caches and proxy URLs, and GOPRIVATE-style prefix patterns (with a port of path.Match).
Errors are raised as gomodls.module.errors classes whose str() is Go's error text.
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Iterable
from typing import NamedTuple

from gomodls.base.gostr import go_bytes, go_string_key, is_letter, is_valid_utf8, quote, quote_rune
from gomodls.module import semver
from gomodls.module.errors import GoError, InvalidPathError, InvalidVersionError, ModuleError

__all__ = [
    "ModuleVersion",
    "PatternError",
    "canonical_version",
    "check",
    "check_file_path",
    "check_import_path",
    "check_path",
    "check_path_major",
    "check_reserved_module_path",
    "escape_path",
    "escape_version",
    "match_path_major",
    "match_prefix_patterns",
    "path_major_prefix",
    "path_match",
    "sort_versions",
    "split_gopkg_in",
    "split_path_version",
    "unescape_path",
    "unescape_version",
]


class ModuleVersion(NamedTuple):
    """module.Version: a module path and version, both unescaped."""

    path: str
    version: str = ""

    def __str__(self) -> str:
        return f"{self.path}@{self.version}" if self.version else self.path


class _Kind(enum.Enum):
    """pathKind: which character rules apply."""

    MODULE = "module"
    IMPORT = "import"
    FILE = "file"


_MOD_PATH_CHARS = frozenset(string.ascii_letters + string.digits + "-._~")
_IMPORT_PATH_CHARS = _MOD_PATH_CHARS | {"+"}
# ASCII allowed in file names: alphanumerics plus some punctuation. Shell specials, path
# separators and characters Windows or macOS reject are left out; space is allowed.
_FILE_NAME_ASCII = frozenset(string.ascii_letters + string.digits + "!#$%&()+,-.=@[]^_{}~ ")
# The first element of a module path is by convention a lower-case LDH domain name.
_FIRST_PATH_CHARS = frozenset(string.ascii_lowercase + string.digits + "-.")
_ASCII_DIGITS = frozenset(string.digits)

_BAD_WINDOWS_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)


def _char_ok(c: str, kind: _Kind) -> bool:
    if kind is _Kind.MODULE:
        return c in _MOD_PATH_CHARS
    if kind is _Kind.IMPORT:
        return c in _IMPORT_PATH_CHARS
    if c < "\x80":
        return c in _FILE_NAME_ASCII
    # Beyond ASCII only letters, to limit case-folding and normalisation surprises.
    return is_letter(c)


def _check_elem(elem: str, kind: _Kind) -> str | None:
    """checkElem: the reason elem is not a valid path element, or None."""
    if not elem:
        return "empty path element"
    if elem.count(".") == len(elem):
        return f"invalid path element {quote(elem)}"
    if elem[0] == "." and kind is _Kind.MODULE:
        return "leading dot in path element"
    if elem[-1] == ".":
        return "trailing dot in path element"
    for c in elem:
        if not _char_ok(c, kind):
            return f"invalid char {quote_rune(c)}"

    # Windows reserves some names, whatever the case and the extension.
    short = elem.partition(".")[0]
    # Only ASCII can fold to these ASCII names (no Unicode character folds to their letters).
    if short.isascii() and short.upper() in _BAD_WINDOWS_NAMES:
        return f"{quote(short)} disallowed as path element component on Windows"

    if kind is _Kind.FILE:
        # Windows short names only matter for import paths.
        return None

    # Windows short names look like NAME~1.
    tilde = short.rfind("~")
    if 0 <= tilde < len(short) - 1 and all(c in _ASCII_DIGITS for c in short[tilde + 1 :]):
        return "trailing tilde and digits in path element"
    return None


def _check_path(path: str, kind: _Kind) -> str | None:
    """checkPath: the reason path is not valid for kind, or None."""
    if not is_valid_utf8(path):
        return "invalid UTF-8"
    if not path:
        return "empty string"
    if path[0] == "-" and kind is not _Kind.FILE:
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path[-1] == "/":
        return "trailing slash"
    for elem in path.split("/"):
        err = _check_elem(elem, kind)
        if err is not None:
            return err
    return None


def _module_path_problem(path: str) -> str | None:
    err = _check_path(path, _Kind.MODULE)
    if err is not None:
        return err
    i = path.find("/")
    if i < 0:
        i = len(path)
    if i == 0:
        return "leading slash"
    first = path[:i]
    if "." not in first:
        return "missing dot in first path element"
    if path[0] == "-":
        return "leading dash in first path element"
    for c in first:
        if c not in _FIRST_PATH_CHARS:
            return f"invalid char {quote_rune(c)} in first path element"
    if not split_path_version(path)[2]:
        return "invalid version"
    return None


def check_path(path: str) -> None:
    """module.CheckPath: raise InvalidPathError unless path is a valid module path.

    A module path is an import path whose first element is a lower-case domain name with a dot,
    whose elements do not start with a dot, and whose major version suffix (/vN or gopkg.in's .vN)
    is well formed.
    """
    err = _module_path_problem(path)
    if err is not None:
        raise InvalidPathError("module", path, err)


def check_import_path(path: str, kind: str = "import") -> None:
    """module.CheckImportPath: raise InvalidPathError unless path is a valid import path.

    kind only changes the error text ("malformed KIND path ..."): the go command checks the main
    module's path and tool paths with these rules, as kinds "module" and "tool".
    """
    err = _check_path(path, _Kind.IMPORT)
    if err is not None:
        raise InvalidPathError(kind, path, err)


def check_file_path(path: str) -> None:
    """module.CheckFilePath: raise InvalidPathError unless path is a valid slash-separated file path."""
    err = _check_path(path, _Kind.FILE)
    if err is not None:
        raise InvalidPathError("file", path, err)


def check_reserved_module_path(path: str) -> None:
    """modload.CheckReservedModulePath: "go" and "toolchain" cannot be a user's module path."""
    if path in ("go", "toolchain"):
        raise GoError("module path is reserved")


def check(path: str, version: str) -> None:
    """module.Check: path must be a valid module path, version a semantic version matching it."""
    check_path(path)
    if not semver.is_valid(version):
        raise ModuleError(path, "", InvalidVersionError(version, "not a semantic version"))
    path_major = split_path_version(path)[1]
    try:
        check_path_major(version, path_major)
    except InvalidVersionError as err:
        raise ModuleError(path, "", err) from None


def split_path_version(path: str) -> tuple[str, str, bool]:
    """module.SplitPathVersion: split path into (prefix, path_major, ok).

    path_major is "" or "/vN" with N >= 2 (for gopkg.in, ".vN" for any N), and
    prefix + path_major == path. ok is False if the last element looks like a major version suffix
    that check_path would reject, such as "/v1", "/v01" or "/v1.2".
    """
    if path.startswith("gopkg.in/"):
        return split_gopkg_in(path)
    i = len(path)
    dot = False
    while i > 0 and (path[i - 1] in _ASCII_DIGITS or path[i - 1] == "."):
        dot = dot or path[i - 1] == "."
        i -= 1
    if i <= 1 or i == len(path) or path[i - 1] != "v" or path[i - 2] != "/":
        return path, "", True
    prefix, path_major = path[: i - 2], path[i - 2 :]
    if dot or len(path_major) <= 2 or path_major[2] == "0" or path_major == "/v1":
        return path, "", False
    return prefix, path_major, True


def split_gopkg_in(path: str) -> tuple[str, str, bool]:
    """split_path_version for gopkg.in paths, which end in .vN, optionally followed by -unstable."""
    if not path.startswith("gopkg.in/"):
        return path, "", False
    i = len(path)
    if path.endswith("-unstable"):
        i -= len("-unstable")
    while i > 0 and path[i - 1] in _ASCII_DIGITS:
        i -= 1
    if i <= 1 or path[i - 1] != "v" or path[i - 2] != ".":
        # Every gopkg.in path must end in .vN.
        return path, "", False
    prefix, path_major = path[: i - 2], path[i - 2 :]
    if len(path_major) <= 2 or (path_major[2] == "0" and path_major != ".v0"):
        return path, "", False
    return prefix, path_major, True


def _trim_unstable(path_major: str) -> str:
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        return path_major[: -len("-unstable")]
    return path_major


def check_path_major(v: str, path_major: str) -> None:
    """module.CheckPathMajor: raise InvalidVersionError if version v does not suit path_major."""
    path_major = _trim_unstable(path_major)
    if v.startswith("v0.0.0-") and path_major == ".v1":
        # Old pseudo-versions of gopkg.in .v1 modules were generated as v0.0.0-...
        return
    m = semver.major(v)
    if path_major == "":
        if m in ("v0", "v1") or semver.build(v) == "+incompatible":
            return
        path_major = "v0 or v1"
    elif path_major[0] in ("/", "."):
        if m == path_major[1:]:
            return
        path_major = path_major[1:]
    raise InvalidVersionError(v, f"should be {path_major}, not {m}")


def match_path_major(v: str, path_major: str) -> bool:
    """module.MatchPathMajor: whether check_path_major(v, path_major) accepts v."""
    try:
        check_path_major(v, path_major)
    except InvalidVersionError:
        return False
    return True


def path_major_prefix(path_major: str) -> str:
    """module.PathMajorPrefix: the major version tag prefix ("v2") implied by path_major.

    Raises ValueError (a panic in Go) if path_major is not a major version suffix.
    """
    if path_major == "":
        return ""
    if path_major[0] not in ("/", "."):
        raise ValueError(f"pathMajor suffix {path_major} passed to PathMajorPrefix lacks separator")
    path_major = _trim_unstable(path_major)
    m = path_major[1:]
    if m != semver.major(m):
        # Go's message lacks the space before "passed".
        raise ValueError(
            f"pathMajor suffix {path_major}passed to PathMajorPrefix is not a valid major version"
        )
    return m


def canonical_version(v: str) -> str:
    """module.CanonicalVersion: semver.canonical, but keeping a "+incompatible" suffix."""
    cv = semver.canonical(v)
    if semver.build(v) == "+incompatible":
        cv += "+incompatible"
    return cv


def _version_sort_key(m: tuple[str, str]) -> tuple[object, ...]:
    path, version = m
    # go.sum lists "v1.2.3/go.mod" next to "v1.2.3": the part after a slash breaks ties.
    vers, slash, file = version.partition("/")
    return (go_string_key(path), semver.precedence_key(vers), go_string_key(slash + file))


def sort_versions(versions: Iterable[tuple[str, str]]) -> list[ModuleVersion]:
    """module.Sort: order by path, then version precedence, then any "/file" suffix.

    Where Go's comparison finds two entries equal although they differ (distinct invalid
    versions, or versions differing only in build metadata), Go leaves their order unspecified;
    here the suffix and then the input order decide.
    """
    return [ModuleVersion(p, v) for p, v in sorted(versions, key=_version_sort_key)]


_UPPER = re.compile("[A-Z]")


def _escape_string(s: str) -> str:
    for c in s:
        if c == "!" or c >= "\x80":
            # The callers' checks should rule these out; the escaping depends on it.
            raise GoError("internal error: inconsistency in EscapePath")
    return _UPPER.sub(lambda m: "!" + m.group().lower(), s)


def escape_path(path: str) -> str:
    """module.EscapePath: replace each upper-case letter with "!" and its lower-case form.

    path must be a valid module path (else InvalidPathError).
    """
    check_path(path)
    return _escape_string(path)


def escape_version(v: str) -> str:
    """module.EscapeVersion: the escaped form of a version, which must be a valid file name."""
    if _check_elem(v, _Kind.FILE) is not None or "!" in v:
        raise InvalidVersionError(v, "disallowed version string")
    return _escape_string(v)


def _unescape_string(escaped: str) -> str | None:
    out: list[str] = []
    bang = False
    for c in escaped:
        if c >= "\x80":
            return None
        if bang:
            bang = False
            if not "a" <= c <= "z":
                return None
            out.append(c.upper())
        elif c == "!":
            bang = True
        elif "A" <= c <= "Z":
            return None
        else:
            out.append(c)
    return None if bang else "".join(out)


def unescape_path(escaped: str) -> str:
    """module.UnescapePath: the module path for an escaped path; GoError if invalid."""
    path = _unescape_string(escaped)
    if path is None:
        raise GoError(f"invalid escaped module path {quote(escaped)}")
    try:
        check_path(path)
    except InvalidPathError as err:
        raise GoError(f"invalid escaped module path {quote(escaped)}: {err}") from None
    return path


def unescape_version(escaped: str) -> str:
    """module.UnescapeVersion: the version for an escaped version; GoError if invalid."""
    v = _unescape_string(escaped)
    if v is None:
        raise GoError(f"invalid escaped version {quote(escaped)}")
    err = _check_elem(v, _Kind.FILE)
    if err is not None:
        # Go quotes the unescaped version here, unlike in unescape_path.
        raise GoError(f"invalid escaped version {quote(v)}: {err}")
    return v


def match_prefix_patterns(globs: str, target: str) -> bool:
    """module.MatchPrefixPatterns: whether a path prefix of target matches one of globs.

    globs is a comma-separated list of path_match patterns, as in GOPRIVATE; a pattern with N
    slashes is matched against the first N+1 elements of target. Empty and malformed patterns
    are ignored, and so are trailing slashes on patterns.
    """
    for glob in globs.split(","):
        glob = glob.removesuffix("/")
        if not glob:
            continue
        n = glob.count("/")
        parts = target.split("/")
        if len(parts) <= n:
            continue  # not enough path elements
        prefix = "/".join(parts[: n + 1])
        try:
            if path_match(glob, prefix):
                return True
        except PatternError:
            pass
    return False


class PatternError(GoError):
    """path.ErrBadPattern."""

    def __init__(self) -> None:
        super().__init__("syntax error in pattern")


# path.Match works on bytes, decoding UTF-8 only for "?" and character classes, so that "*" may
# resume matching inside a multi-byte character. It is ported on bytes to keep that behaviour.

_RUNE_ERROR = 0xFFFD
_STAR, _QUESTION, _LBRACKET, _RBRACKET, _BACKSLASH, _CARET, _DASH, _SLASH = b"*?[]\\^-/"


def _decode_rune(s: bytes) -> tuple[int, int]:
    """utf8.DecodeRune: the first rune of s and its width; (RuneError, 1) if invalid."""
    b0 = s[0]
    if b0 < 0x80:
        return b0, 1
    n = 2 if b0 < 0xE0 else 3 if b0 < 0xF0 else 4
    try:
        return ord(s[:n].decode("utf-8")), n
    except UnicodeDecodeError:
        return _RUNE_ERROR, 1


def path_match(pattern: str, name: str) -> bool:
    """path.Match: whether name matches the shell pattern; PatternError if it is malformed.

    "*" matches any run of non-slash characters, "?" one non-slash character, "[...]" a class
    ("[^...]" negated, with "lo-hi" ranges) and "\\c" the character c.
    """
    return _match(go_bytes(pattern), go_bytes(name))


def _match(pattern: bytes, name: bytes) -> bool:
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            # A trailing * matches the rest of the name unless it has a slash.
            return _SLASH not in name
        # Match at the current position; the last chunk must also use up the name.
        t = _match_chunk(chunk, name)
        if t is not None and (not t or pattern):
            name = t
            continue
        if star and (t := _match_after_star(chunk, name, last=not pattern)) is not None:
            name = t
            continue
        # Before reporting a mismatch, make sure the rest of the pattern is well formed.
        while pattern:
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, b"")
        return False
    return not name


def _match_after_star(chunk: bytes, name: bytes, last: bool) -> bytes | None:
    # Let the star absorb 1, 2, ... bytes (never a slash) and retry the chunk.
    i = 0
    while i < len(name) and name[i] != _SLASH:
        t = _match_chunk(chunk, name[i + 1 :])
        if t is not None and not (last and t):
            return t
        i += 1
    return None


def _scan_chunk(pattern: bytes) -> tuple[bool, bytes, bytes]:
    """The next run of non-star pattern, whether stars preceded it, and the rest."""
    stripped = pattern.lstrip(b"*")
    star = len(stripped) != len(pattern)
    pattern = stripped
    in_range = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == _BACKSLASH:
            # A trailing backslash is diagnosed by _match_chunk.
            if i + 1 < len(pattern):
                i += 1
        elif c == _LBRACKET:
            in_range = True
        elif c == _RBRACKET:
            in_range = False
        elif c == _STAR and not in_range:
            return star, pattern[:i], pattern[i:]
        i += 1
    return star, pattern, b""


def _match_chunk(chunk: bytes, s: bytes) -> bytes | None:
    """matchChunk: the rest of s after chunk matched its beginning, or None.

    After a mismatch the chunk is still parsed to the end, so that malformed patterns are
    always reported (PatternError).
    """
    failed = False
    while chunk:
        failed = failed or not s
        c = chunk[0]
        if c == _LBRACKET:
            r = 0
            if not failed:
                r, n = _decode_rune(s)
                s = s[n:]
            chunk = chunk[1:]
            negated = bool(chunk) and chunk[0] == _CARET
            if negated:
                chunk = chunk[1:]
            matched = False
            nrange = 0
            while True:
                if chunk and chunk[0] == _RBRACKET and nrange > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == _DASH:
                    hi, chunk = _get_esc(chunk[1:])
                matched = matched or lo <= r <= hi
                nrange += 1
            failed = failed or matched == negated
        elif c == _QUESTION:
            if not failed:
                failed = s[0] == _SLASH
                s = s[_decode_rune(s)[1] :]
            chunk = chunk[1:]
        else:
            if c == _BACKSLASH:
                chunk = chunk[1:]
                if not chunk:
                    raise PatternError()
            if not failed:
                failed = chunk[0] != s[0]
                s = s[1:]
            chunk = chunk[1:]
    return None if failed else s


def _get_esc(chunk: bytes) -> tuple[int, bytes]:
    """getEsc: a possibly escaped character of a character class, and the rest of the chunk."""
    if not chunk or chunk[0] in (_DASH, _RBRACKET):
        raise PatternError()
    if chunk[0] == _BACKSLASH:
        chunk = chunk[1:]
        if not chunk:
            raise PatternError()
    r, n = _decode_rune(chunk)
    if r == _RUNE_ERROR and n == 1:
        raise PatternError()
    rest = chunk[n:]
    if not rest:
        raise PatternError()
    return r, rest
