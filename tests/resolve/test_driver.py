"""The resolution's set-up (resolve/driver.py): the main go.mod is taken from the editor's parse
when there is one, without reading (for an open document: joining) its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodls.base.files import DiskFiles
from gomodls.base.goenv import GoEnv
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_text
from gomodls.resolve.driver import SetupError, roots_for

GOOD = "module example.com/m\n\ngo 1.22\n\nrequire example.com/a v1.0.0 // indirect\n"


class EditorFiles(DiskFiles):
    """Files as the server's are: `parsed` hands over a kept parse; reads are counted."""

    def __init__(self, kept: dict[str, str]) -> None:
        super().__init__()
        self.kept = kept
        self.reads: list[str] = []

    def read_text(self, path: str) -> str | None:
        self.reads.append(path)
        return self.kept.get(path) or super().read_text(path)

    def parsed(self, path: str, kind: FileKind | None = None) -> ParsedFile | None:
        text = self.kept.get(path)
        return None if text is None else parse_text(text, kind or FileKind.MOD, "go.mod")


def _env(tmp_path: Path) -> GoEnv:
    return GoEnv(environ={"HOME": str(tmp_path), "GOENV": "off", "GOWORK": "off", "GOFLAGS": ""})


def test_main_from_the_editors_parse_reads_no_text(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_text("module example.com/disk\n")  # (what the disk has: the editor's wins)
    files = EditorFiles({str(gomod): GOOD})
    roots = roots_for(str(tmp_path), _env(tmp_path), files)
    assert roots.mains[0].model.module_path == "example.com/m"
    assert files.reads == []


def test_main_with_errors_is_read_and_parsed_again(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_text("x")
    files = EditorFiles({str(gomod): "module example.com/m\nrequire (\n"})
    with pytest.raises(SetupError) as err:
        roots_for(str(tmp_path), _env(tmp_path), files)
    assert files.reads == [str(gomod)]
    assert f"unterminated block started at {gomod}:2:1" in str(err.value)  # (the absolute name)


def test_main_without_kept_parse_reads_the_file(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(GOOD)
    roots = roots_for(str(tmp_path), _env(tmp_path), DiskFiles())
    assert roots.mains[0].model.module_path == "example.com/m"
