"""The VS Code extension offers exactly the settings the server reads (server/gomodls/lsp/config.py),
with the same defaults: a setting added to the server fails here until vscode-client/package.json
contributes it (that one entry is all the extension needs; see vscode-client/src/settings.ts)."""

from __future__ import annotations

import dataclasses
import json
import typing

from editor_harness import REPO

from gomodls.lsp import config

PACKAGE = json.loads((REPO / "vscode-client" / "package.json").read_text())
PROPERTIES = PACKAGE["contributes"]["configuration"]["properties"]
CLIENT_ONLY = ("server.", "trace.", "gopls.")  # vscode-client/src/settings.ts CLIENT_ONLY_PREFIXES


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def server_settings() -> dict[str, tuple[object, object]]:
    """Dotted camelCase key -> (type, default), nested dataclasses flattened."""
    out: dict[str, tuple[object, object]] = {}

    def walk(cls: type, prefix: str) -> None:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            key = prefix + _camel(f.name)
            if dataclasses.is_dataclass(hints[f.name]):
                walk(hints[f.name], key + ".")
            else:
                out[key] = (hints[f.name], default)

    walk(config.Settings, "")
    return out


def client_server_keys() -> set[str]:
    keys = {k.removeprefix("gomodls.") for k in PROPERTIES}
    return {k for k in keys if not k.startswith(CLIENT_ONLY)}


def test_package_json_lists_every_server_setting() -> None:
    assert client_server_keys() == set(server_settings())


def test_defaults_and_types_match() -> None:
    json_type = {str: "string", bool: "boolean", int: "integer", float: "number"}
    for key, (hint, default) in server_settings().items():
        prop = PROPERTIES[f"gomodls.{key}"]
        origin = typing.get_origin(hint) or hint
        want = {dict: "object", tuple: "array", list: "array"}.get(origin) or json_type.get(origin)
        assert prop["type"] == want, key
        assert prop["default"] == (list(default) if isinstance(default, tuple) else default), key


def test_enums_match() -> None:
    assert PROPERTIES["gomodls.logLevel"]["enum"] == list(config.LOG_LEVELS)
    severity = PROPERTIES["gomodls.diagnostics.severity"]["additionalProperties"]["enum"]
    assert severity == list(config.SEVERITY_NAMES)


def test_client_only_settings_are_not_sent() -> None:
    """They would be reported by the server as unknown settings."""
    src = (REPO / "vscode-client" / "src" / "settings.ts").read_text()
    for prefix in CLIENT_ONLY:
        assert f"'{prefix}'" in src
