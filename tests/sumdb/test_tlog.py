"""gomodls.sumdb.tlog against x/mod's tlog: index math, tree hashes, proofs, tiles and the
tile hash reader, tree notes and lookup records, compared on the same inputs."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from gomodls.module.errors import GoError
from gomodls.sumdb import tlog
from gomodls.sumdb.tlog import Tile

from .gosumdb import GoSumdb, b64, gosumdb_fixture, unb64  # noqa: F401  (registers the fixture)

RECORDS = [f"example.com/m{i} v1.{i}.0 h1:{'x' * (i % 7)}=\n" for i in range(40)]


class ListHashes:
    """A HashReader over a list of stored hashes."""

    def __init__(self, hashes: list[bytes]) -> None:
        self.hashes = hashes

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        return [self.hashes[i] for i in indexes]


def build_log(records: list[str]) -> list[bytes]:
    hashes: list[bytes] = []
    for i, rec in enumerate(records):
        hashes += tlog.stored_hashes(i, rec.encode(), ListHashes(hashes))
    return hashes


def test_index_math(gosumdb: GoSumdb) -> None:
    heights = [1, 2, 3, 8]
    go = gosumdb.one("index", max=3000, heights=heights)
    for i in range(3000):
        assert list(tlog.split_stored_hash_index(i)) == go["split"][i], i
        assert tlog.stored_hash_index(*tlog.split_stored_hash_index(i)) == i
        assert tlog.stored_hash_count(i) == go["count"][i], i
        for h in heights:
            assert tlog.tile_for_index(h, i).path() == go["tiles"][str(h)][i], (h, i)


@pytest.fixture(scope="module", name="golog")
def golog_fixture(gosumdb: GoSumdb) -> dict:
    pairs = [[0, 40], [0, 1], [3, 4], [4, 5], [15, 16], [16, 17], [5, 38], [40, 40], [0, 16], [17, 33]]
    return {"pairs": pairs, **gosumdb.one("log", records=RECORDS, h=2, pairs=pairs)}


def test_stored_and_tree_hashes(golog: dict) -> None:
    hashes = build_log(RECORDS)
    assert [tlog.format_hash(h) for h in hashes] == golog["hashes"]
    assert len(hashes) == tlog.stored_hash_count(len(RECORDS))
    for t in range(len(RECORDS) + 1):
        assert tlog.format_hash(tlog.tree_hash(t, ListHashes(hashes))) == golog["trees"][t], t
    assert tlog.tree_hash(0, None) == tlog.EMPTY_HASH == unb64(golog["trees"][0])


def test_record_proofs(golog: dict) -> None:
    r = ListHashes(build_log(RECORDS))
    trees = [unb64(t) for t in golog["trees"]]
    for key, want in golog["record_proofs"].items():
        t, n = map(int, key.split(","))
        p = tlog.prove_record(t, n, r)
        assert [tlog.format_hash(h) for h in p] == want, key
        leaf = tlog.record_hash(RECORDS[n].encode())
        tlog.check_record(p, t, trees[t], n, leaf)
        with pytest.raises(tlog.ProofError, match=r"^invalid transparency proof$"):
            tlog.check_record(p, t, trees[t], n, tlog.record_hash(b"forged\n"))
        if p:
            bad = [*p[:-1], bytes([p[-1][0] ^ 1]) + p[-1][1:]]
            for forged in (bad, p[:-1], [*p, p[0]]):
                with pytest.raises(tlog.ProofError):
                    tlog.check_record(forged, t, trees[t], n, leaf)
    with pytest.raises(GoError, match=r"^tlog: invalid inputs in CheckRecord$"):
        tlog.check_record([], 3, trees[3], 3, trees[0])


def test_tree_proofs(golog: dict) -> None:
    r = ListHashes(build_log(RECORDS))
    trees = [unb64(t) for t in golog["trees"]]
    for key, want in golog["tree_proofs"].items():
        t, n = map(int, key.split(","))
        p = tlog.prove_tree(t, n, r)
        assert [tlog.format_hash(h) for h in p] == want, key
        tlog.check_tree(p, t, trees[t], n, trees[n])
        if n < t:
            # A fork: the old tree is not the prefix of the new one.
            with pytest.raises(tlog.ProofError, match=r"^invalid transparency proof$"):
                tlog.check_tree(p, t, trees[t], n, trees[n - 1] if n > 1 else trees[t])
        if p:
            with pytest.raises(tlog.ProofError):
                tlog.check_tree(p[:-1], t, trees[t], n, trees[n])
            with pytest.raises(tlog.ProofError):
                tlog.check_tree([bytes(32), *p[1:]], t, trees[t], n, trees[n])


def test_new_tiles_and_tile_data(golog: dict) -> None:
    hashes = build_log(RECORDS)
    for (old, new), want in zip(golog["pairs"], golog["new_tiles"], strict=True):
        assert [t.path() for t in tlog.new_tiles(2, old, new)] == want, (old, new)
    data = {t.path(): tlog.read_tile_data(t, ListHashes(hashes)) for t in tlog.new_tiles(2, 0, len(RECORDS))}
    assert data == {p: unb64(d) for p, d in golog["tile_data"].items()}


PATHS = [
    "tile/8/0/000",
    "tile/8/0/001.p/5",
    "tile/8/1/x001/234",
    "tile/3/4/x001/x234/067.p/1",
    "tile/8/data/000.p/3",
    "tile/8/data/x002/001",
    "tile/30/63/000",
    # malformed
    "tile/8/0/1",
    "tile/8/0/0001",
    "tile/8/0/000.p/256",
    "tile/8/0/000.p/0",
    "tile/8/0/000.p/",
    "tile/8/0/x000/001",
    "tile/8/0/001/234",
    "tile/08/0/000",
    "tile/31/0/000",
    "tile/0/0/000",
    "tile/8/-1/000",
    "tile/8/+1/000",
    "tile/8/0/+01",
    "tile/8/0",
    "tiles/8/0/000",
    "tile/8/0/000.p",
    "tile/8/data/000.p/+3",
    "tile/8/0/x1000/000",
    "tile/8/0/abc",
    "tile/8/0/000/",
]


def test_tile_paths(gosumdb: GoSumdb) -> None:
    tiles = [[8, 0, 0, 256], [8, 0, 1234567, 3], [2, -1, 5, 4], [2, 3, 999, 1], [3, 4, 1234067, 8]]
    go = gosumdb.one("tile_paths", paths=PATHS, tiles=tiles)
    for path, want in zip(PATHS, go["parsed"], strict=True):
        if "err" in want:
            with pytest.raises(GoError) as e:
                tlog.parse_tile_path(path)
            assert str(e.value) == want["err"]
        else:
            t = tlog.parse_tile_path(path)
            assert list(t) == want["tile"]
            assert t.path() == path
    assert [Tile(*t).path() for t in tiles] == go["paths"]


class ListTiles:
    """A TileReader computing tiles from stored hashes, recording reads and saves."""

    def __init__(self, h: int, hashes: list[bytes], tamper: str = "") -> None:
        self.h, self.hashes, self.tamper = h, hashes, tamper
        self.read: list[str] = []
        self.saved: list[str] = []

    def height(self) -> int:
        return self.h

    def read_tiles(self, tiles: Sequence[Tile]) -> list[bytes]:
        out = []
        for t in tiles:
            self.read.append(t.path())
            data = tlog.read_tile_data(t, ListHashes(self.hashes))
            if t.path() == self.tamper:
                data = data[:-1] + bytes([data[-1] ^ 1])
            out.append(data)
        return out

    def save_tiles(self, tiles: Sequence[Tile], data: Sequence[bytes]) -> None:
        self.saved += [t.path() for t in tiles]


def tile_reader_cases() -> list[dict]:
    cases = []
    for h in (1, 2, 3):
        for tree_n in (1, 2, 5, 16, 17, 33, 40):
            limit = tlog.stored_hash_index(0, tree_n)
            for indexes in ([0], [limit - 1], list(range(0, limit, 3)), [limit // 2, 1], []):
                cases.append({"h": h, "tree_n": tree_n, "indexes": indexes})
    cases.append({"h": 2, "tree_n": 5, "indexes": [tlog.stored_hash_index(0, 5)]})  # not in tree
    return cases


def test_tile_hash_reader(gosumdb: GoSumdb) -> None:
    hashes = build_log(RECORDS)
    cases = tile_reader_cases()
    go = gosumdb.run([{"op": "tile_reader", "records": RECORDS, **c} for c in cases])
    tampered = []
    for case, want in zip(cases, go, strict=True):
        tree = tlog.Tree(case["tree_n"], tlog.tree_hash(case["tree_n"], ListHashes(hashes)))
        tr = ListTiles(case["h"], hashes)
        try:
            got = [tlog.format_hash(x) for x in tlog.tile_hash_reader(tree, tr).read_hashes(case["indexes"])]
            err = ""
        except GoError as e:
            got, err = [], str(e)
        assert (tr.read or None, tr.saved or None, got, err) == (
            want["tiles"],
            want["saved"],
            want["hashes"],
            want["err"],
        ), case
        if not err:
            assert got == [tlog.format_hash(hashes[i]) for i in case["indexes"]]
            tampered += [{**case, "tamper": p} for p in want["tiles"] or []]
    # Any altered tile is caught, as x/mod catches it, and nothing is saved.
    go = gosumdb.run([{"op": "tile_reader", "records": RECORDS, **c} for c in tampered])
    for case, want in zip(tampered, go, strict=True):
        tree = tlog.Tree(case["tree_n"], tlog.tree_hash(case["tree_n"], ListHashes(hashes)))
        tr = ListTiles(case["h"], hashes, case["tamper"])
        with pytest.raises(GoError) as e:
            tlog.tile_hash_reader(tree, tr).read_hashes(case["indexes"])
        assert str(e.value) == want["err"] == "downloaded inconsistent tile", case
        assert tr.saved == [] and want["saved"] is None


H = tlog.format_hash(tlog.record_hash(b"x")).encode()
TREE_INPUTS = [
    b"go.sum database tree\n5\n" + H + b"\n",
    b"go.sum database tree\n0\n" + H + b"\nextra line\n",
    b"go.sum database tree\n05\n" + H + b"\n",
    b"go.sum database tree\n+5\n" + H + b"\n",
    b"go.sum database tree\n-5\n" + H + b"\n",
    b"go.sum database tree\n5\n" + H,
    b"go.sum database tree\n5\n" + H[:-4] + b"\n",
    b"go.sum database tree v2\n5\n" + H + b"\n",
    b"go.sum database tree\n99999999999999999999\n" + H + b"\n",
    b"go.sum database tree\n5\n" + H[:-1] + b"\n",
    b"",
]

RECORD_INPUTS = [
    b"12\nexample.com/m v1.0.0 h1:abc=\nexample.com/m v1.0.0/go.mod h1:def=\n\nrest\n",
    b"0\na\n\n",
    b"-1\na\n\n",
    b"+7\na\n\n",
    b"x\na\n\n",
    b"12\na\n",
    b"12\n\n\n",
    b"12\na\tb\n\n",
    b"12\na\xffb\n\n",
    b"12",
    b"99999999999999999999\na\n\n",
]


def test_tree_and_record_notes(gosumdb: GoSumdb) -> None:
    go_trees, go_records = gosumdb.run(
        [
            {"op": "parse_tree", "inputs": [b64(x) for x in TREE_INPUTS]},
            {"op": "parse_record", "inputs": [b64(x) for x in RECORD_INPUTS]},
        ]
    )
    for text, want in zip(TREE_INPUTS, go_trees, strict=True):
        if "err" in want:
            with pytest.raises(GoError) as e:
                tlog.parse_tree(text)
            assert str(e.value) == want["err"], text
        else:
            tree = tlog.parse_tree(text)
            assert (tree.n, tlog.format_hash(tree.hash)) == (want["n"], want["hash"])
            assert tlog.format_tree(tree) == unb64(want["format"])
    for msg, want in zip(RECORD_INPUTS, go_records, strict=True):
        if "err" in want:
            with pytest.raises(GoError) as e:
                tlog.parse_record(msg)
            assert str(e.value) == want["err"], msg
        else:
            assert tlog.parse_record(msg) == (want["id"], unb64(want["text"]), unb64(want["rest"])), msg
    assert tlog.format_record(3, b"a\nb\n") == b"3\na\nb\n\n"
    with pytest.raises(GoError, match=r"^malformed record data$"):
        tlog.format_record(3, b"a\n\nb\n")


def test_parse_hash() -> None:
    h = tlog.record_hash(b"r")
    assert tlog.parse_hash(tlog.format_hash(h)) == h
    for bad in ("", "abc", tlog.format_hash(h)[:-2], tlog.format_hash(h + b"x")):
        with pytest.raises(GoError, match=r"^malformed hash$"):
            tlog.parse_hash(bad)
