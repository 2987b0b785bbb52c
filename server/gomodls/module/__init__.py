"""Pure ports of Go's module-version machinery: no I/O (except hashing files), no LSP.

- semver: golang.org/x/mod/semver (versions like "v1.2.3-pre+build").
- paths: golang.org/x/mod/module path rules, major version suffixes, escaping, prefix patterns.
- pseudo: pseudo-versions ("v0.0.0-20200101000000-abcdef123456").
- gover: Go toolchain versions ("1.21" < "1.21rc1" < "1.21.0") from cmd/go/internal/gover.
- sumhash: the "h1:" hashes of go.sum (golang.org/x/mod/sumdb/dirhash).

Behaviour and error texts match Go 1.27.3: str() of every error raised here is the Go error's
Error() text. The most used names are re-exported here; semver and gover are best used as
modules (semver.compare, gover.compare) since their function names overlap.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gomodls.module import gover, semver
    from gomodls.module.errors import (
        GoError,
        InvalidPathError,
        InvalidVersionError,
        ModuleError,
        version_error,
    )
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
    from gomodls.module.pseudo import (
        is_pseudo_version,
        is_zero_pseudo_version,
        pseudo_version,
        pseudo_version_base,
        pseudo_version_rev,
        pseudo_version_time,
        pseudo_version_timestamp,
        zero_pseudo_version,
    )
    from gomodls.module.sumhash import dir_hash, go_mod_hash, hash1, zip_hash

# Where each re-exported name lives. They are imported when first asked for (PEP 562), not with
# the package: `gomodls parse` needs only paths and semver, and importing gover, pseudo and
# sumhash (datetime, hashlib) with them cost a tenth of its start-up.
_SUBMODULE = {
    "GoError": "errors",
    "InvalidPathError": "errors",
    "InvalidVersionError": "errors",
    "ModuleError": "errors",
    "ModuleVersion": "paths",
    "PatternError": "paths",
    "canonical_version": "paths",
    "check": "paths",
    "check_file_path": "paths",
    "check_import_path": "paths",
    "check_path": "paths",
    "check_path_major": "paths",
    "check_reserved_module_path": "paths",
    "dir_hash": "sumhash",
    "escape_path": "paths",
    "escape_version": "paths",
    "go_mod_hash": "sumhash",
    "gover": "gover",
    "hash1": "sumhash",
    "is_pseudo_version": "pseudo",
    "is_zero_pseudo_version": "pseudo",
    "match_path_major": "paths",
    "match_prefix_patterns": "paths",
    "path_major_prefix": "paths",
    "path_match": "paths",
    "pseudo_version": "pseudo",
    "pseudo_version_base": "pseudo",
    "pseudo_version_rev": "pseudo",
    "pseudo_version_time": "pseudo",
    "pseudo_version_timestamp": "pseudo",
    "semver": "semver",
    "sort_versions": "paths",
    "split_gopkg_in": "paths",
    "split_path_version": "paths",
    "unescape_path": "paths",
    "unescape_version": "paths",
    "version_error": "errors",
    "zero_pseudo_version": "pseudo",
    "zip_hash": "sumhash",
}


def __getattr__(name: str) -> object:
    sub = _SUBMODULE.get(name)
    if sub is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{sub}")
    value = module if sub == name else getattr(module, name)
    globals()[name] = value
    return value


__all__ = [
    "GoError",
    "InvalidPathError",
    "InvalidVersionError",
    "ModuleError",
    "ModuleVersion",
    "PatternError",
    "canonical_version",
    "check",
    "check_file_path",
    "check_import_path",
    "check_path",
    "check_path_major",
    "check_reserved_module_path",
    "dir_hash",
    "escape_path",
    "escape_version",
    "go_mod_hash",
    "gover",
    "hash1",
    "is_pseudo_version",
    "is_zero_pseudo_version",
    "match_path_major",
    "match_prefix_patterns",
    "path_major_prefix",
    "path_match",
    "pseudo_version",
    "pseudo_version_base",
    "pseudo_version_rev",
    "pseudo_version_time",
    "pseudo_version_timestamp",
    "semver",
    "sort_versions",
    "split_gopkg_in",
    "split_path_version",
    "unescape_path",
    "unescape_version",
    "version_error",
    "zero_pseudo_version",
    "zip_hash",
]
