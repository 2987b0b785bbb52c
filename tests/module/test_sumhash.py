"""gomodls.module.sumhash: h1 hashes of file lists, go.mod files, zips and directories."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomodls.module.errors import GoError
from gomodls.module.sumhash import dir_files, dir_hash, go_mod_hash, hash1, zip_hash
from goref import GoRef, to_go
from gostrategies import INVALID_BYTES, batch


def _h(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _htop(summary: str) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(summary.encode()).digest()).decode()


def _want_xyz_abc(prefix: str = "") -> str:
    # The expectation of dirhash's hash_test.go: the summary lines, sorted by name.
    return _htop(f"{_h(b'data for abc')}  {prefix}abc\n{_h(b'data for xyz')}  {prefix}xyz\n")


def test_hash1() -> None:
    files = [(name, f"data for {name}".encode()) for name in ("xyz", "abc")]
    assert hash1(files) == _want_xyz_abc()
    # Contents may also be given lazily, as bytes or as a stream.
    lazy = [("xyz", lambda: b"data for xyz"), ("abc", lambda: io.BytesIO(b"data for abc"))]
    assert hash1(lazy) == _want_xyz_abc()


def test_hash1_rejects_newlines() -> None:
    with pytest.raises(GoError) as info:
        hash1([("xyz", b""), ("a\nbc", b"")])
    assert str(info.value) == "dirhash: filenames with newlines are not supported"


def test_go_mod_hash() -> None:
    data = b"module example.com/m\n\ngo 1.21\n"
    assert go_mod_hash(data) == _htop(f"{_h(data)}  go.mod\n")


def test_zip_hash(tmp_path: Path) -> None:
    path = tmp_path / "m.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("prefix/xyz", b"data for xyz")
        z.writestr("prefix/abc", b"data for abc")
    assert zip_hash(path) == _want_xyz_abc("prefix/")


def _write_tree(root: Path) -> None:
    (root / "xyz").write_bytes(b"data for xyz")
    (root / "abc").write_bytes(b"data for abc")


def test_dir_hash(tmp_path: Path) -> None:
    _write_tree(tmp_path)
    assert dir_hash(tmp_path, "prefix") == _want_xyz_abc("prefix/")
    assert dir_files(tmp_path, "foo/bar@v2.3.4") == ["foo/bar@v2.3.4/abc", "foo/bar@v2.3.4/xyz"]


def test_dir_files_needs_a_directory(tmp_path: Path) -> None:
    file = tmp_path / "not-a-directory.txt"
    file.write_text("This is a file.")
    with pytest.raises(GoError, match=r"is not a directory$"):
        dir_files(file, "")


# ------------------------------------------------------------------ differential

_NAMES = st.one_of(
    st.sampled_from(
        ["go.mod", "a", "a/b", "a.txt", "A", "é", "e\u0301", "\U0001f600", "x y", "", "a\nb", "\t"]
    ),
    st.text(alphabet=st.sampled_from([*"ab/.-_é", *INVALID_BYTES[:2]]), max_size=8),
)
_CONTENTS = st.binary(max_size=64) | st.sampled_from([b"", b"module m\n", b"\x00" * 100_000])


@batch
@given(st.lists(st.tuples(_NAMES, _CONTENTS), max_size=12, unique_by=lambda f: f[0]))
def test_hash1_matches_go(goref: GoRef, files: list[tuple[str, bytes]]) -> None:
    go = goref.call("dirhash.Hash1", *[x for name, content in files for x in (name, content)])
    try:
        got = hash1(files)
    except GoError as err:
        assert str(err) == go.err
    else:
        assert go.err is None
        assert [got] == go.out


@batch
@given(st.lists(_CONTENTS, min_size=1, max_size=20))
def test_go_mod_hash_matches_go(goref: GoRef, contents: list[bytes]) -> None:
    go = goref.call_many("dirhash.Hash1", [("go.mod", c) for c in contents])
    assert [[go_mod_hash(c)] for c in contents] == [r.out for r in go]


# Zip entry names: ASCII, UTF-8 (Python sets the UTF-8 flag), directories, duplicates, and names
# stored as raw code page 437 bytes without the flag (patched in after writing).
_ZIP_NAMES = st.sampled_from(
    ["m@v1/go.mod", "m@v1/a.go", "m@v1/dir/", "m@v1/é.go", "m@v1/x", "m@v1/x", "m@v1/CP437\x01", "m@v1/b\\c"]
)


def _write_zip(path: Path, entries: list[tuple[str, bytes, bool]]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, content, deflate in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            z.writestr(info, content)
    # Replace the placeholder byte with 0x82 (é in code page 437), keeping the UTF-8 flag unset.
    data = path.read_bytes().replace(b"CP437\x01", b"CP437\x82")
    path.write_bytes(data)


@batch
@given(st.lists(st.tuples(_ZIP_NAMES, _CONTENTS, st.booleans()), max_size=10))
def test_zip_hash_matches_go(goref: GoRef, entries: list[tuple[str, bytes, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.warns() if _has_duplicates(entries) else _nothing():
        path = Path(tmp) / "m.zip"
        _write_zip(path, entries)
        go = goref.call("dirhash.HashZip", str(path))
        if go.err is None:
            assert [zip_hash(path)] == go.out
        else:
            with pytest.raises(GoError) as info:
                zip_hash(path)
            assert str(info.value) == go.err


def _has_duplicates(entries: list[tuple[str, bytes, bool]]) -> bool:
    names = [name for name, _, _ in entries]
    return len(names) != len(set(names))


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_TREE_NAMES = st.sampled_from(["a", "b.go", "A", "é", "x y", "go.mod", ".hidden", "z~1"])
_PREFIXES = st.sampled_from(["prefix", "", "foo/bar@v2.3.4", "a/../b", "/abs", "./x", "x/", "p//q", "é"])


@st.composite
def _trees(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    files = draw(
        st.lists(
            st.tuples(st.lists(_TREE_NAMES, min_size=1, max_size=3).map("/".join), _CONTENTS),
            max_size=8,
            unique_by=lambda f: f[0],
        )
    )
    # A path cannot be both a file and a directory.
    names = {name for name, _ in files}
    return [(n, c) for n, c in files if not any(other.startswith(n + "/") for other in names)]


@batch
@given(_trees(), _PREFIXES, st.booleans())
def test_dir_hash_matches_go(goref: GoRef, files: list[tuple[str, bytes]], prefix: str, link: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        for name, content in files:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(content)
        if link and files:
            # A symbolic link to a file is listed and hashed as that file's content.
            os.symlink(root / files[0][0], root / "link")
        go_files = goref.call("dirhash.DirFiles", str(root), prefix)
        assert go_files.err is None
        assert dir_files(root, prefix) == sorted(go_files.out, key=to_go)
        go_hash = goref.call("dirhash.HashDir", str(root), prefix)
        if go_hash.err is None:
            assert [dir_hash(root, prefix)] == go_hash.out
        else:
            # A prefix that cleaning changes ("a/../b") makes Go open the wrong names.
            assert go_hash.err.endswith("no such file or directory")
            with pytest.raises(FileNotFoundError):
                dir_hash(root, prefix)


def test_dir_symlinks_matches_go(goref: GoRef, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "f").write_bytes(b"x")
    # Walk does not follow a link to a directory but lists it as a file, which then fails to read.
    os.symlink(root / "sub", root / "dirlink")
    assert dir_files(root, "p") == sorted(goref.call("dirhash.DirFiles", str(root), "p").out)
    assert goref.call("dirhash.HashDir", str(root), "p").err is not None
    with pytest.raises(IsADirectoryError):
        dir_hash(root, "p")
    # A link as the root is not a directory either.
    assert (
        goref.call("dirhash.DirFiles", str(root / "dirlink"), "").err
        == f"{root / 'dirlink'} is not a directory"
    )
    with pytest.raises(GoError) as info:
        dir_files(root / "dirlink", "")
    assert str(info.value) == f"{root / 'dirlink'} is not a directory"
