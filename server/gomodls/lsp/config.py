"""Settings: typed, camelCase in JSON, every field with a documented default. They arrive as
initializationOptions and through workspace/configuration (section "gomodls"); a bad value is
reported in one message and its default is used instead, so a typo never disables the server.

Documentation of every setting: docs/settings.md (tests check that it lists them all)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from gomodls.base.goenv import names_program

SEVERITY_NAMES = ("error", "warning", "information", "hint", "off")
LOG_LEVELS = ("error", "warning", "info", "debug")
TIDY_DIAGNOSTICS = ("onSave", "off")
UPGRADE_LEVELS = ("off", "patch", "minor", "latest")
INLAY_HINTS = ("selected", "latest")
VULNCHECK = ("off", "direct", "all")


@dataclass(frozen=True, slots=True)
class DiagnosticSettings:
    disabled: tuple[str, ...] = ()  # codes never reported
    severity: dict[str, str] = field(default_factory=dict)  # code -> error|warning|information|hint|off


@dataclass(frozen=True, slots=True)
class GoSettings:
    allow_run: bool = True  # whether gomodls may run the user's go command (tidy, work sync, vendor)


@dataclass(frozen=True, slots=True)
class TidySettings:
    diagnostics: str = "onSave"  # when go mod tidy runs for diagnostics: onSave (and open) | off


@dataclass(frozen=True, slots=True)
class Settings:
    log_level: str = "info"
    diagnostics: DiagnosticSettings = field(default_factory=DiagnosticSettings)
    # Go environment overrides (GOPROXY, GOFLAGS, ...); never one that names a program or a
    # search path (PATH, GOROOT, GOENV, CC ...): those come from the server's own environment.
    env: dict[str, str] = field(default_factory=dict)
    go: GoSettings = field(default_factory=GoSettings)
    tidy: TidySettings = field(default_factory=TidySettings)
    code_lenses: bool = True
    upgrades: str = "minor"  # which upgrade-available hints: off | patch | minor | latest (new majors too)
    inlay_hints: tuple[str, ...] = ("selected",)  # what inlay hints show after requirements
    vulncheck: str = "all"  # known vulnerabilities (GOVULNDB): off | direct (own requirements) | all

    def severity_for(self, code: str) -> str | None:
        """The configured severity name for a code, "off", or None for the default."""
        if code in self.diagnostics.disabled:
            return "off"
        return self.diagnostics.severity.get(code)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from the client's JSON (the "gomodls" section, or an object holding it), with
    one problem message per invalid value."""
    base = base or Settings()
    problems: list[str] = []
    if raw is None:
        return base, problems
    if isinstance(raw, dict) and isinstance(raw.get("gomodls"), dict):
        raw = raw["gomodls"]
    if not isinstance(raw, dict):
        return base, [f"gomodls settings must be an object, got {type(raw).__name__}"]
    known = {_camel(f.name): f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = known.get(key)
        if name is None:
            problems.append(f"unknown setting gomodls.{key}")
            continue
        parsed = _PARSERS[name](value, f"gomodls.{key}", problems)
        if parsed is not None:
            values[name] = parsed
    return replace(base, **values), problems


def _log_level(value: Any, where: str, problems: list[str]) -> str | None:
    if value in LOG_LEVELS:
        return str(value)
    problems.append(f"{where} must be one of {', '.join(LOG_LEVELS)}; using the default")
    return None


def _str_map(value: Any, where: str, problems: list[str]) -> dict[str, str] | None:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        problems.append(f"{where} must be an object of strings; using the default")
        return None
    return dict(value)


def _env(value: Any, where: str, problems: list[str]) -> dict[str, str] | None:
    env = _str_map(value, where, problems)
    if env is None:
        return None
    refused = sorted(k for k, v in env.items() if names_program(k, v))
    if refused:
        problems.append(
            f"{where}: {', '.join(refused)} ignored: settings never choose a program to run "
            "(set it in the environment the editor starts gomodls with)"
        )
    return {k: v for k, v in env.items() if k not in refused}


def _diagnostics(value: Any, where: str, problems: list[str]) -> DiagnosticSettings | None:
    if not isinstance(value, dict):
        problems.append(f"{where} must be an object; using the default")
        return None
    out = DiagnosticSettings()
    for key, item in value.items():
        if key == "disabled":
            if isinstance(item, list) and all(isinstance(c, str) for c in item):
                out = replace(out, disabled=tuple(item))
            else:
                problems.append(f"{where}.disabled must be a list of diagnostic codes; using the default")
        elif key == "severity":
            severity = _str_map(item, f"{where}.severity", problems)
            if severity is None:
                continue
            bad = {c: s for c, s in severity.items() if s not in SEVERITY_NAMES}
            for code, s in bad.items():
                problems.append(
                    f"{where}.severity.{code}: {s!r} is not one of {', '.join(SEVERITY_NAMES)}; ignored"
                )
            out = replace(out, severity={c: s for c, s in severity.items() if c not in bad})
        else:
            problems.append(f"unknown setting {where}.{key}")
    return out


def _upgrades(value: Any, where: str, problems: list[str]) -> str | None:
    if value in UPGRADE_LEVELS:
        return str(value)
    problems.append(f"{where} must be one of {', '.join(UPGRADE_LEVELS)}; using the default")
    return None


def _vulncheck(value: Any, where: str, problems: list[str]) -> str | None:
    if value in VULNCHECK:
        return str(value)
    problems.append(f"{where} must be one of {', '.join(VULNCHECK)}; using the default")
    return None


def _inlay_hints(value: Any, where: str, problems: list[str]) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(v in INLAY_HINTS for v in value):
        return tuple(value)
    problems.append(f"{where} must be a list of {', '.join(INLAY_HINTS)}; using the default")
    return None


def _bool(value: Any, where: str, problems: list[str]) -> bool | None:
    if isinstance(value, bool):
        return value
    problems.append(f"{where} must be true or false; using the default")
    return None


def _go(value: Any, where: str, problems: list[str]) -> GoSettings | None:
    if not isinstance(value, dict):
        problems.append(f"{where} must be an object; using the default")
        return None
    out = GoSettings()
    for key, item in value.items():
        if key == "allowRun":
            allow = _bool(item, f"{where}.allowRun", problems)
            out = out if allow is None else replace(out, allow_run=allow)
        else:
            problems.append(f"unknown setting {where}.{key}")
    return out


def _tidy(value: Any, where: str, problems: list[str]) -> TidySettings | None:
    if not isinstance(value, dict):
        problems.append(f"{where} must be an object; using the default")
        return None
    out = TidySettings()
    for key, item in value.items():
        if key == "diagnostics":
            if item in TIDY_DIAGNOSTICS:
                out = replace(out, diagnostics=item)
            else:
                problems.append(
                    f"{where}.diagnostics must be one of {', '.join(TIDY_DIAGNOSTICS)}; using the default"
                )
        else:
            problems.append(f"unknown setting {where}.{key}")
    return out


_PARSERS = {
    "log_level": _log_level,
    "diagnostics": _diagnostics,
    "env": _env,
    "go": _go,
    "tidy": _tidy,
    "code_lenses": _bool,
    "upgrades": _upgrades,
    "inlay_hints": _inlay_hints,
    "vulncheck": _vulncheck,
}
