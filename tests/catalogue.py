"""The go.mod / go.work error message catalogue (gomod-spec.md §3) as regular expressions.

Used by the self-checks to prove that the hand-written cases and the random generator reach
every message the strict parsers (``go mod edit`` / ``go work edit``) can print. ``classify``
maps one message (without the ``FILE:LINE[:COL]: `` prefix) to its catalogue name.
"""

from __future__ import annotations

import re

_V = r"[^\n]*"

# name -> regex over the message text (fullmatch). Order matters only for readability.
MESSAGES: dict[str, str] = {
    "slash-star-comment": r"mod files must use // comments \(not /\* \*/ comments\)",
    "eof-in-string": r"unexpected EOF in string",
    "newline-in-string": r"unexpected newline in string",
    "unexpected-char": r"unexpected input character '" + _V + "'",
    "unterminated-block": r"syntax error \(unterminated block started at [^:]+:\d+:\d+\)",
    "newline-after-paren": r"syntax error \(expected newline after closing paren\)",
    "unknown-block": r"unknown block type: " + _V,
    "unknown-directive": r"unknown directive: " + _V,
    "repeated-go": r"repeated go statement",
    "go-args": r"go directive expects exactly one argument",
    "go-version": r"invalid go version '" + _V + r"': must match format 1\.23\.0",
    "repeated-toolchain": r"repeated toolchain statement",
    "toolchain-args": r"toolchain directive expects exactly one argument",
    "toolchain-version": r"invalid toolchain version '" + _V + r"': must match format go1\.23\.0 or default",
    "repeated-module": r"repeated module statement",
    "module-usage": r"usage: module module/path",
    "quoted-invalid-syntax": r"invalid quoted string: invalid syntax",
    "quoted-contains-quote": r"invalid quoted string: unquoted string cannot contain quote",
    "godebug-usage": r"usage: godebug key=value",
    "require-usage": r"usage: require module/path v1\.2\.3",
    "exclude-usage": r"usage: exclude module/path v1\.2\.3",
    "replace-usage": r"usage: replace module/path \[v1\.2\.3\] => other/module v1\.4\n\t or replace "
    r"module/path \[v1\.2\.3\] => \.\./local/directory",
    "replace-at-version": r"replacement module must match format 'path version', not 'path@version'",
    "replace-not-dir": r"replacement module without version must be directory path "
    r"\(rooted or starting with \. or \.\.\)",
    "replace-windows": r"replacement directory appears to be Windows path \(on a non-windows system\)",
    "replace-dir-version": r"replacement module directory path \"" + _V + r"\" cannot have version",
    "retract-unexpected-token": r"unexpected token after version: \"" + _V + '"',
    "retract-expected-bracket": r"expected '\[' or version",
    "retract-version-after-bracket": r"expected version after '\['",
    "retract-comma": r"expected ',' after version",
    "retract-version-after-comma": r"expected version after ','",
    "retract-close-bracket": r"expected '\]' after version",
    "tool-args": r"tool directive expects exactly one argument",
    "ignore-args": r"ignore directive expects exactly one argument",
    "use-usage": r"usage: use local/dir",
    "version-form": r"(require|exclude|replace|retract) ?"
    + _V
    + r": version \""
    + _V
    + r"\" invalid: must be of the form v1\.2\.3",
    "version-quote": r"(require|exclude|replace|retract) ?"
    + _V
    + r": version \""
    + _V
    + r"\" invalid: (invalid syntax|unquoted string cannot contain quote)",
    "invalid-module-path": r"invalid module path",
    "replace-invalid-module-path": r"replace " + _V + r": invalid module path",
    "major-mismatch": r"(require|exclude|replace) "
    + _V
    + r": version \""
    + _V
    + r"\" invalid: should be "
    + _V
    + ", not "
    + _V,
}

# Messages that `go mod edit` / `go work edit` cannot print: they need fix != nil (the go command
# loading the main module), the edit flags, or the API.
NOT_REACHABLE_BY_EDIT = {
    "no module directive found, so retract cannot be used",
    "must be of the form %s.2.3",
    "should be %s+incompatible (or module %s/%v)",
    "invalid language version %q",
    "invalid toolchain name %q",
    "internal error / internal lexer error / internal parse error",
}

_COMPILED = {name: re.compile(rx, re.S) for name, rx in MESSAGES.items()}


def classify(msg: str) -> str | None:
    """The catalogue name of a message, or None when it matches nothing."""
    for name, rx in _COMPILED.items():
        if rx.fullmatch(msg):
            return name
    return None
