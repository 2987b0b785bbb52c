"""The settings of the actions that run the go command: parsed, defaulted, documented."""

from __future__ import annotations

from pathlib import Path

from gomodls.lsp.config import Settings, parse_settings

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "settings.md").read_text()


def test_defaults_and_values() -> None:
    s = Settings()
    assert (s.go.allow_run, s.tidy.diagnostics, s.code_lenses) == (True, "onSave", True)
    s, problems = parse_settings(
        {"go": {"allowRun": False}, "tidy": {"diagnostics": "off"}, "codeLenses": False}
    )
    assert problems == [] and (s.go.allow_run, s.tidy.diagnostics, s.code_lenses) == (False, "off", False)


def test_invalid_values_keep_the_defaults() -> None:
    s, problems = parse_settings(
        {"go": {"allowRun": "yes", "other": 1}, "tidy": {"diagnostics": "always"}, "codeLenses": 0}
    )
    assert (s.go.allow_run, s.tidy.diagnostics, s.code_lenses) == (True, "onSave", True)
    assert problems == [
        "gomodls.go.allowRun must be true or false; using the default",
        "unknown setting gomodls.go.other",
        "gomodls.tidy.diagnostics must be one of onSave, off; using the default",
        "gomodls.codeLenses must be true or false; using the default",
    ]
    assert parse_settings({"go": 1, "tidy": []})[1] == [
        "gomodls.go must be an object; using the default",
        "gomodls.tidy must be an object; using the default",
    ]


def test_documented() -> None:
    for name in ("gomodls.go.allowRun", "gomodls.tidy.diagnostics", "gomodls.codeLenses"):
        assert f"| `{name}` |" in DOCS, name


def test_env_never_names_a_program() -> None:
    s, problems = parse_settings(
        {
            "env": {
                "GOPROXY": "off",
                "GOFLAGS": "-mod=mod",
                "GOTOOLCHAIN": "local",
                "PATH": "/evil",
                "GOROOT": "/evil",
                "GIT_SSH_COMMAND": "/evil",
                "LD_PRELOAD": "/evil.so",
                "GOAUTH": "/evil",
            }
        }
    )
    assert s.env == {"GOPROXY": "off", "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
    assert problems == [
        "gomodls.env: GIT_SSH_COMMAND, GOAUTH, GOROOT, LD_PRELOAD, PATH ignored: settings never choose "
        "a program to run (set it in the environment the editor starts gomodls with)"
    ]
    s, problems = parse_settings({"env": {"GOFLAGS": "-mod=mod -toolexec=/evil"}})
    assert s.env == {} and len(problems) == 1
