"""The wheel holds every package: the list in pyproject.toml (by hand, because the grammar lives
outside server/) matches the source tree, and the built wheel runs the CLI on the shipped
examples without the source tree on the path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

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
    check = subprocess.run(
        [sys.executable, "-S", "-m", "gomodls", "check", "examples/"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert check.returncode == 1 and "[version-major-mismatch]" in check.stdout, check.stderr
    resolve = subprocess.run(
        [sys.executable, "-S", "-m", "gomodls", "resolve", "examples/resolve"],
        capture_output=True,
        text=True,
        env=env | {"GOPROXY": (ROOT / "examples" / "proxy").as_uri(), "GOFLAGS": "", "GOWORK": "off"},
        cwd=ROOT,
    )
    assert resolve.returncode == 0, resolve.stderr
    assert "example.com/strutil v1.1.0" in resolve.stdout
