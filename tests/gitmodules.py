"""Private modules for the tests: real git repositories, made by the test, that the real go
command reaches with GOPROXY=direct, offline.

The recipe: module paths carry a `.git` qualifier (`example.com/acme/lib.git`), so the go
command needs no `?go-get=1` page to find the repository: it runs `git ls-remote
https://example.com/acme/lib` (and then `git fetch`). A test HOME holds a .gitconfig whose
`url.<base>.insteadOf` rewrites `https://example.com/` to `file://<root>/repos/`, where each
module has a bare repository (`repos/acme/lib.git`; git finds `lib.git` for `lib`). Nothing
leaves the machine, and to the go command the module is as private as a company's: GOPRIVATE
routes it past every proxy and checksum database, GOVCS's private default allows git.

    mods = GitModules(tmp_path)
    lib = mods.repo("acme/lib")                    # module path example.com/acme/lib.git
    lib.commit({"go.mod": lib.gomod(), "lib.go": "package lib\\n"}, tag="v1.0.0")
    env = {**mods.env(), "GOPROXY": "direct", "GOPRIVATE": "example.com", ...}

`GitModules.env()` is what the go command needs for git (HOME with the .gitconfig, no system
config, no prompts); the caller adds the Go variables. `standard_fixture()` builds the modules
most tests use: see its docstring. Commit times are fixed, so the go command's `Time` fields and
pseudo-versions are the same on every run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

HOST = "example.com"


def git_available() -> bool:
    try:
        subprocess.run(["git", "--version"], capture_output=True, check=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


@dataclass
class Repo:
    """One module repository: a work tree under `work` pushed to the bare `bare` after each
    commit. `path` is the module path of its root (`example.com/<name>.git`)."""

    owner: GitModules
    name: str
    work: Path
    bare: Path
    commits: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{HOST}/{self.name}.git"

    def gomod(self, major: str = "", body: str = "", go: str = "1.21") -> str:
        """A go.mod for the module (its /vN path for `major`), with `body` after the go line."""
        path = self.path + (f"/{major}" if major else "")
        return f"module {path}\n\ngo {go}\n" + (f"\n{body}" if body else "")

    def git(self, *args: str) -> str:
        return self.owner.git(*args, cwd=self.work)

    def commit(self, files: dict[str, str], *, tag: str = "", date: str = "", message: str = "") -> str:
        """Write `files` (relative path -> text), commit them at `date` (default: a fixed day
        after the previous commit), tag the commit if asked, push the branch and tags; return
        the commit hash."""
        for rel, text in files.items():
            target = self.work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        self.git("add", "-A")
        when = date or f"2024-01-{len(self.commits) + 1:02d}T12:00:00Z"
        env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        self.owner.git(
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message or f"commit {len(self.commits) + 1}",
            cwd=self.work,
            env=env,
        )
        sha = self.git("rev-parse", "HEAD").strip()
        self.commits.append(sha)
        if tag:
            self.git("tag", tag)
        branch = self.git("rev-parse", "--abbrev-ref", "HEAD").strip()
        self.git("push", "-q", "--tags", str(self.bare), f"HEAD:refs/heads/{branch}")
        return sha

    def tag(self, name: str, rev: str = "HEAD") -> None:
        self.git("tag", name, rev)
        self.git("push", "-q", str(self.bare), f"refs/tags/{name}")


class GitModules:
    """Bare repositories under `root/repos`, reached as https://example.com/... by the go
    command through the test HOME's .gitconfig."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "git-home"
        self.repos = root / "repos"
        self.work = root / "git-work"
        for d in (self.home, self.repos, self.work):
            d.mkdir(parents=True, exist_ok=True)
        (self.home / ".gitconfig").write_text(
            f'[url "{self.repos.as_uri()}/"]\n'
            f"\tinsteadOf = https://{HOST}/\n"
            "[user]\n\tname = gomodls tests\n\temail = tests@example.com\n"
            "[init]\n\tdefaultBranch = main\n"
            "[advice]\n\tdetachedHead = false\n"
        )

    def rewrite(self, prefix: str, base: str) -> None:
        """Another `url.<base>.insteadOf = <prefix>` (e.g. to a local HTTP server)."""
        with open(self.home / ".gitconfig", "a") as fh:
            fh.write(f'[url "{base}"]\n\tinsteadOf = {prefix}\n')

    def env(self) -> dict[str, str]:
        """What git needs to see the rewrite and nothing of the developer's own set-up."""
        return {
            "HOME": str(self.home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
        }

    def git(self, *args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
        full = {"PATH": os.environ.get("PATH", os.defpath), **self.env(), **(env or {})}
        proc = subprocess.run(
            ["git", *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=60, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)} failed:\n{proc.stderr}")
        return proc.stdout

    def repo(self, name: str) -> Repo:
        """A new repository for module example.com/<name>.git."""
        bare = self.repos / f"{name}.git"
        bare.parent.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "--bare", str(bare), cwd=self.root)
        work = self.work / name
        work.mkdir(parents=True)
        self.git("init", "-q", cwd=work)
        return Repo(self, name, work, bare)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Fixture:
    """What `standard_fixture` built: the repositories and the facts tests check against the
    go command (which stays the oracle: these are only the inputs)."""

    lib: Repo
    app: Repo
    pseudo_commit: str


RETRACT_RATIONALE = "v1.1.0 leaks file handles"
DEPRECATION = "use example.com/acme/lib.git/v2 instead"


def standard_fixture(mods: GitModules, public_require: str = "") -> Fixture:
    """Two private modules:

    - example.com/acme/lib.git: v1.0.0, v1.1.0, then v1.2.0 whose go.mod retracts v1.1.0 (with
      a rationale) and deprecates the v1 module; v2.0.0 on the same branch is module
      example.com/acme/lib.git/v2 (the major-branch layout); then an untagged commit on top of
      v1.2.0's content in a branch `next` (a pseudo-version, v1.2.1-0.<time>-<hash>).
    - example.com/acme/app.git: v0.1.0 requiring lib v1.0.0 (and `public_require`, a
      "path version" line for a module of a test proxy, if given); v0.2.0 requiring lib v1.2.0.
    """
    lib = mods.repo("acme/lib")
    lib.commit({"go.mod": lib.gomod(), "lib.go": "package lib\n"}, tag="v1.0.0")
    lib.commit({"lib.go": "package lib\n\nfunc A() {}\n"}, tag="v1.1.0")
    retract = f"retract v1.1.0 // {RETRACT_RATIONALE}\n"
    gomod = f"// Deprecated: {DEPRECATION}\nmodule {lib.path}\n\ngo 1.21\n\n{retract}"
    lib.commit({"go.mod": gomod, "lib.go": "package lib\n\nfunc B() {}\n"}, tag="v1.2.0")
    v1 = lib.commits[-1]
    lib.commit({"go.mod": lib.gomod("v2"), "lib.go": "package lib\n\nfunc C() {}\n"}, tag="v2.0.0")
    # An untagged commit after v1.2.0 (not on main, whose head is v2): a pseudo-version of v1.
    lib.git("checkout", "-q", "-b", "next", v1)
    lib.commit({"lib.go": "package lib\n\nfunc D() {}\n"}, date="2024-02-01T12:00:00Z")
    pseudo = lib.commits[-1]
    lib.git("checkout", "-q", "main")

    app = mods.repo("acme/app")
    extra = f"\t{public_require}\n" if public_require else ""
    app.commit(
        {
            "go.mod": app.gomod(body=f"require (\n\t{lib.path} v1.0.0\n{extra})\n"),
            "app.go": "package app\n",
        },
        tag="v0.1.0",
    )
    app.commit({"go.mod": app.gomod(body=f"require {lib.path} v1.2.0\n")}, tag="v0.2.0")
    return Fixture(lib, app, pseudo)
