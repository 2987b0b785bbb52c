"""The wheel holds every package: the list in pyproject.toml (by hand, because the grammar lives
outside server/) matches the source tree, and the built wheel imports without the source tree
on the path. The README's commands, run as written from a clean copy of the repository (its
quick start installs gomodls into a fresh virtual environment with `pip install .`), print
exactly what the README shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    server = ROOT / "server"
    found = {".".join(p.parent.relative_to(server).parts) for p in (server / "gomodls").rglob("__init__.py")}
    assert listed == found | {"gomodls.grammar"}


def test_the_built_wheel_runs(tmp_path: Path) -> None:
    # As `pip install .` builds it on a fresh clone: in an isolated build environment, from a
    # copy of the sources (a build/ directory left in the tree would leak into the wheel).
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("server", "grammar"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = tmp_path.glob("*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    # -S: no .pth files, so not the editable install's finder (it would supply what the wheel
    # lacks from the source tree); the dependencies come from site-packages on PYTHONPATH.
    env = dict(os.environ) | {"PYTHONPATH": os.pathsep.join([str(site), sysconfig.get_paths()["purelib"]])}
    where = subprocess.run(
        [
            sys.executable,
            "-S",
            "-c",
            "import gomodls.lsp.app, gomodls.resolve.driver; print(gomodls.__file__)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(site))  # the wheel's copy, not the source tree


# ----------------------------------------------------------------------------- the README

FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.M | re.S)
# Shell blocks of the README that have no output to compare, and why they are not run here.
NOT_RUN = {
    "pipx install .": "the install commands: the quick start runs `pip install .` itself",
    "bash scripts/test.sh": "the test suite: this test is part of it",
}


def readme_examples(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(commands, output) for each shell block followed by an output block (a fence without a
    language, with at most prose in between), and the shell blocks without one."""
    blocks = list(FENCE.finditer(text))
    examples, others = [], []
    for block, following in zip(blocks, [*blocks[1:], None], strict=True):
        if block["lang"] != "sh":
            continue
        between = text[block.end() : following.start()] if following else ""
        if following is not None and following["lang"] == "" and not re.search(r"^#", between, re.M):
            examples.append((block["body"], following["body"]))
        else:
            others.append(block["body"])
    return examples, others


def clean_copy(dest: Path) -> None:
    """The repository's files as a fresh clone has them (tracked and new files, not what
    .gitignore leaves out: no .venv, build/, caches)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def test_the_readme_commands_print_what_it_shows(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no list of the repository's files")
    examples, others = readme_examples((ROOT / "README.md").read_text())
    assert len(examples) >= 2, "the quick start and the module graph examples"
    for body in others:
        assert any(body.startswith(prefix) for prefix in NOT_RUN), f"a README command nobody runs: {body}"
    repo = tmp_path / "gomodls"
    clean_copy(repo)
    home = tmp_path / "home"
    home.mkdir()
    # A new user's shell: their PATH (with a python3), a HOME of their own (Go's caches and
    # env file, gomodls's cache), nothing else from this test run's environment.
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "LC_ALL": "C.UTF-8",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    # Where this machine's pip finds packages (its settings and proxies), as the user's shell has them.
    env |= {
        k: v
        for k, v in os.environ.items()
        if k.startswith("PIP_") or k.lower() in ("http_proxy", "https_proxy", "no_proxy", "ssl_cert_file")
    }
    for commands, shown in examples:
        # As typed in a terminal: stdout and stderr on one screen, in the order written.
        run = subprocess.run(
            ["bash", "-c", "exec 2>&1\n" + commands],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        # (less what this machine's pip settings add to `pip install -q`: warnings about local
        # package directories it is told of and cannot read)
        printed = "".join(
            line for line in run.stdout.splitlines(keepends=True) if not line.startswith("WARNING: Location ")
        )
        assert printed == shown, f"$ {commands}\n{run.stdout}"
        # the quick start's check finds errors (exit status 1, as the README says); the rest succeed
        assert run.returncode == (1 if " check " in commands else 0), f"$ {commands}\n{run.stdout}"
