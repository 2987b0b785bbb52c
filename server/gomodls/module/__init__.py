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

from gomodls.module import gover, semver
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
