"""The Go environment, read the way the go command reads it (cmd/go/internal/cfg): the process
environment first (non-empty values), then the user's go env file (`go env -w` writes it;
`$GOENV`, default `os.UserConfigDir()/go/env`, `GOENV=off` disables it), then `$GOROOT/go.env`,
then the go command's built-in defaults. Editor settings may override all of these."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from gomodls.base.files import read_regular_text

# $GOROOT/go.env of Go 1.27, used when no GOROOT is known.
GOROOT_GO_ENV_DEFAULTS = {
    "GOPROXY": "https://proxy.golang.org,direct",
    "GOSUMDB": "sum.golang.org",
    "GOTOOLCHAIN": "auto",
}


# Variables that name a program to run, or where programs (and files configuring them) are
# found. Editor settings may come from the workspace, which a repository chooses: they must not
# decide what gomodls, or the go command it runs, executes (docs/security.md, "Trust boundary").
# (GOTOOLCHAIN is not one: gomodls always runs go with GOTOOLCHAIN=local.)
PROGRAM_VARIABLES = frozenset(
    {
        "PATH",
        "GOROOT",
        "GOENV",  # a go env file can set all of these
        "GOAUTH",  # "GOAUTH=command" runs a program
        "GOCACHEPROG",
        "GOPACKAGESDRIVER",
        "CC",
        "CXX",
        "FC",
        "AR",
        "PKG_CONFIG",
        "GCCGO",
        "SSH_ASKPASS",
        "HOME",  # .gitconfig, .netrc, the go env file
        "XDG_CONFIG_HOME",
        "SHELL",
    }
)
PROGRAM_PREFIXES = ("GIT_", "CGO_", "LD_", "DYLD_")
PROGRAM_FLAGS = ("toolexec", "exec")  # GOFLAGS flags naming programs


def names_program(key: str, value: str) -> bool:
    """Whether setting `key=value` chooses a program to run (or where one is looked for)."""
    key = key.upper()
    if key in PROGRAM_VARIABLES or key.startswith(PROGRAM_PREFIXES):
        return True
    if key == "GOFLAGS":
        return any(f.lstrip("-").partition("=")[0] in PROGRAM_FLAGS for f in value.split())
    return False


def user_config_dir(environ: Mapping[str, str]) -> str | None:
    """os.UserConfigDir."""
    if sys.platform == "win32":
        return environ.get("AppData") or None
    if sys.platform == "darwin":
        home = environ.get("HOME")
        return os.path.join(home, "Library", "Application Support") if home else None
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if xdg:
        return xdg if os.path.isabs(xdg) else None
    home = environ.get("HOME")
    return os.path.join(home, ".config") if home else None


def env_file_path(environ: Mapping[str, str]) -> str | None:
    goenv = environ.get("GOENV", "")
    if goenv:
        return None if goenv == "off" else goenv
    config = user_config_dir(environ)
    return os.path.join(config, "go", "env") if config else None


def parse_env_file(text: str) -> dict[str, str]:
    """cfg.readEnvFile: KEY=VALUE lines, values taken literally; anything else is ignored."""
    out: dict[str, str] = {}
    for line in text.split("\n"):
        key, sep, value = line.partition("=")
        if sep and key and "A" <= key[0] <= "Z":
            out[key] = value
    return out


def _read(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    text = read_regular_text(path)
    return parse_env_file(text) if text is not None else {}


@dataclass(slots=True)
class GoEnv:
    """Effective values of the go command's configuration variables."""

    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    overrides: Mapping[str, str] = field(default_factory=dict)
    goroot: str | None = None
    _user: dict[str, str] = field(default_factory=dict)
    _goroot_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._user = _read(env_file_path(self.environ))
        root = self.goroot or self.environ.get("GOROOT") or self._user.get("GOROOT")
        self._goroot_env = _read(os.path.join(root, "go.env")) if root else {}

    def _lookup(self, key: str) -> str:
        for source in (self.overrides, self.environ, self._user, self._goroot_env, GOROOT_GO_ENV_DEFAULTS):
            value = source.get(key, "")
            if value:
                return value
        return ""

    def get(self, key: str) -> str:
        value = self._lookup(key)
        if value:
            return value
        if key == "GOPATH":
            home = self.environ.get("HOME") or self.environ.get("USERPROFILE") or ""
            return os.path.join(home, "go") if home else ""
        if key == "GOMODCACHE":
            gopath = self.get("GOPATH").split(os.pathsep)[0]
            return os.path.join(gopath, "pkg", "mod") if gopath else ""
        if key in ("GONOPROXY", "GONOSUMDB"):
            return self.get("GOPRIVATE")
        if key == "GOAUTH":
            return "netrc"
        return ""

    def goflag(self, name: str) -> str | None:
        """The value of `-name=value` in GOFLAGS (the last one wins), or None."""
        value = None
        for flag in self.get("GOFLAGS").split():
            flag = flag.lstrip("-")
            key, sep, v = flag.partition("=")
            if key == name:
                value = v if sep else ""
        return value


def find_go_work(module_dir: str, env: GoEnv) -> str | None:
    """The go.work the go command would use for a module in `module_dir`."""
    return find_work_file(module_dir, env.get("GOWORK"))


def find_work_file(
    directory: str, gowork: str, is_file: Callable[[str], bool] = os.path.isfile
) -> str | None:
    """modload's findWorkspaceFile: GOWORK=off means none, another GOWORK value names it (it must
    be absolute), else the first go.work in the directory or above. (`is_file` lets the server
    ask its open-document overlay, so that a go.work created in the editor counts.)"""
    if gowork == "off":
        return None
    if gowork:
        return gowork if os.path.isabs(gowork) else None
    d = os.path.abspath(directory)
    while True:
        candidate = os.path.join(d, "go.work")
        if is_file(candidate):
            return candidate
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent
