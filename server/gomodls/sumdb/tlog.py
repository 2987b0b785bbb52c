"""The checksum database's tamper-evident log (golang.org/x/mod/sumdb/tlog).

A Merkle tree of records as in Certificate Transparency (RFC 6962): record hashes are
SHA-256(0x00 || data), interior nodes SHA-256(0x01 || left || right). Hashes are stored in the
dense order of Crosby and Wallach ("stored hash index") and published in tiles of height H: a tile
at level L, number N lists the W hashes at tree level H*L starting at N * 2**H. Every function
here is pure: hashes come from a HashReader the caller supplies, which for the checksum database
client is built from tiles it has already fetched (tile_hash_reader and TilePlan, below).

Errors are GoError with x/mod's texts; Go's panics ("bad math") are AssertionError.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from gomodls.base.gostr import quote
from gomodls.module.errors import GoError
from gomodls.sumdb.encoding import b64decode, b64encode

__all__ = [
    "EMPTY_HASH",
    "HASH_SIZE",
    "Hash",
    "HashReader",
    "HashReaderFunc",
    "InconsistentTileError",
    "ProofError",
    "Tile",
    "TilePlan",
    "TileReader",
    "Tree",
    "check_record",
    "check_tree",
    "format_hash",
    "format_record",
    "format_tree",
    "hash_from_tile",
    "new_tiles",
    "node_hash",
    "parse_hash",
    "parse_record",
    "parse_tile_path",
    "parse_tree",
    "prove_record",
    "prove_tree",
    "read_tile_data",
    "record_hash",
    "record_proof_indexes",
    "split_stored_hash_index",
    "stored_hash_count",
    "stored_hash_index",
    "stored_hashes",
    "stored_hashes_for_record_hash",
    "tile_for_index",
    "tile_hash_reader",
    "tree_hash",
    "tree_hash_indexes",
    "tree_proof_indexes",
]

HASH_SIZE = 32
Hash = bytes  # always HASH_SIZE bytes

# The hash of the empty tree (RFC 6962 section 2.1): SHA-256 of the empty string.
EMPTY_HASH: Hash = hashlib.sha256(b"").digest()

_INT64_MAX = (1 << 63) - 1


class InconsistentTileError(GoError):
    """Tiles that do not hash to the signed tree: at least one of them was altered."""

    def __init__(self) -> None:
        super().__init__("downloaded inconsistent tile")


class ProofError(GoError):
    """A record or tree proof that does not prove what it claims."""

    def __init__(self) -> None:
        super().__init__("invalid transparency proof")


def format_hash(h: Hash) -> str:
    """Hash.String: base64."""
    return b64encode(h)


def parse_hash(s: str) -> Hash:
    """tlog.ParseHash."""
    data = b64decode(s)
    if data is None or len(data) != HASH_SIZE:
        raise GoError("malformed hash")
    return data


def _maxpow2(n: int) -> tuple[int, int]:
    """k, the largest power of 2 smaller than n, and log2(k)."""
    level = 0
    while 1 << (level + 1) < n:
        level += 1
    return 1 << level, level


def record_hash(data: bytes) -> Hash:
    """SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: Hash, right: Hash) -> Hash:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def stored_hash_index(level: int, n: int) -> int:
    """Where hash (level, n) is stored: level L's n'th hash comes right after level L+1's
    (2n+1)'th, and level 0's n'th hash at n + n/2 + n/4 + ..."""
    for _ in range(level):
        n = 2 * n + 1
    i = 0
    while n > 0:
        i += n
        n >>= 1
    return i + level


def _trailing_zeros(x: int) -> int:
    return (x & -x).bit_length() - 1 if x else 64


def split_stored_hash_index(index: int) -> tuple[int, int]:
    """The inverse of stored_hash_index: (level, n)."""
    # stored_hash_index(0, n) < 2n, so the record committed just before index is in
    # [index/2, index/2 + log2(index)].
    n = index // 2
    index_n = stored_hash_index(0, n)
    if index_n > index:
        raise AssertionError("bad math")
    while True:
        # Each new record n adds 1 + trailingZeros(n+1) hashes.
        x = index_n + 1 + _trailing_zeros(n + 1)
        if x > index:
            break
        n += 1
        index_n = x
    level = index - index_n
    return level, n >> level


def stored_hash_count(n: int) -> int:
    """How many hashes a tree of n records stores."""
    if n == 0:
        return 0
    num = stored_hash_index(0, n - 1) + 1
    i = n - 1
    while i & 1:  # the subtrees completed by the last leaf
        num += 1
        i >>= 1
    return num


class HashReader(Protocol):
    def read_hashes(self, indexes: Sequence[int]) -> list[Hash]:
        """The hashes at these stored hash indexes, one for each (or raise)."""
        ...


@dataclass(frozen=True)
class HashReaderFunc:
    """A function used as a HashReader."""

    func: Callable[[Sequence[int]], list[Hash]]

    def read_hashes(self, indexes: Sequence[int]) -> list[Hash]:
        return self.func(indexes)


def _read(r: HashReader, indexes: list[int]) -> list[Hash]:
    hashes = r.read_hashes(indexes)
    if len(hashes) != len(indexes):
        raise GoError(f"tlog: ReadHashes({len(indexes)} indexes) = {len(hashes)} hashes")
    return hashes


def stored_hashes(n: int, data: bytes, r: HashReader) -> list[Hash]:
    """The hashes to store, from stored_hash_index(0, n) on, when writing record n."""
    return stored_hashes_for_record_hash(n, record_hash(data), r)


def stored_hashes_for_record_hash(n: int, h: Hash, r: HashReader) -> list[Hash]:
    hashes = [h]
    # Each trailing 1 bit of n completes a subtree with a hash from its left neighbour.
    m = _trailing_zeros(n + 1)
    indexes = [stored_hash_index(i, (n >> i) - 1) for i in reversed(range(m))]
    old = _read(r, indexes)
    for i in range(m):
        h = node_hash(old[m - 1 - i], h)
        hashes.append(h)
    return hashes


def _sub_tree_index(lo: int, hi: int, need: list[int]) -> list[int]:
    """Appends the stored indexes needed for the hash of records [lo, hi)."""
    while lo < hi:
        k, level = _maxpow2(hi - lo + 1)
        if lo & (k - 1):
            raise AssertionError("tlog: bad math in subTreeIndex")
        need.append(stored_hash_index(level, lo >> level))
        lo += k
    return need


def _sub_tree_hash(lo: int, hi: int, hashes: list[Hash]) -> tuple[Hash, list[Hash]]:
    """The hash of records [lo, hi) from the hashes _sub_tree_index asked for, and the rest."""
    num_tree = 0
    while lo < hi:
        k, _ = _maxpow2(hi - lo + 1)
        if lo & (k - 1) or lo >= hi:
            raise AssertionError("tlog: bad math in subTreeHash")
        num_tree += 1
        lo += k
    if len(hashes) < num_tree:
        raise AssertionError("tlog: bad index math in subTreeHash")
    h = hashes[num_tree - 1]
    for i in range(num_tree - 2, -1, -1):
        h = node_hash(hashes[i], h)
    return h, hashes[num_tree:]


def tree_hash_indexes(n: int) -> list[int]:
    """The stored hash indexes tree_hash(n, r) reads (at most 1 + log2 n)."""
    return _sub_tree_index(0, n, []) if n else []


def tree_hash(n: int, r: HashReader | None) -> Hash:
    """The root hash of the tree of n records."""
    if n == 0:
        return EMPTY_HASH
    assert r is not None
    indexes = tree_hash_indexes(n)
    h, rest = _sub_tree_hash(0, n, _read(r, indexes))
    if rest:
        raise AssertionError("tlog: bad index math in TreeHash")
    return h


# A record proof (RFC 6962's "Merkle audit path") and a tree proof ("Merkle consistency
# proof") are lists of hashes.
RecordProof = list[Hash]
TreeProof = list[Hash]


def _leaf_proof_index(lo: int, hi: int, n: int, need: list[int]) -> list[int]:
    if not lo <= n < hi:
        raise AssertionError("tlog: bad math in leafProofIndex")
    if lo + 1 == hi:
        return need
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        need = _leaf_proof_index(lo, lo + k, n, need)
        need = _sub_tree_index(lo + k, hi, need)
    else:
        need = _sub_tree_index(lo, lo + k, need)
        need = _leaf_proof_index(lo + k, hi, n, need)
    return need


def _leaf_proof(lo: int, hi: int, n: int, hashes: list[Hash]) -> tuple[RecordProof, list[Hash]]:
    if not lo <= n < hi:
        raise AssertionError("tlog: bad math in leafProof")
    if lo + 1 == hi:
        return [], hashes  # the verifier knows the leaf hash
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        p, hashes = _leaf_proof(lo, lo + k, n, hashes)
        th, hashes = _sub_tree_hash(lo + k, hi, hashes)
    else:
        th, hashes = _sub_tree_hash(lo, lo + k, hashes)
        p, hashes = _leaf_proof(lo + k, hi, n, hashes)
    return [*p, th], hashes


def record_proof_indexes(t: int, n: int) -> list[int]:
    """The stored hash indexes prove_record(t, n, r) reads."""
    if t < 0 or n < 0 or n >= t:
        raise GoError("tlog: invalid inputs in ProveRecord")
    return _leaf_proof_index(0, t, n, [])


def prove_record(t: int, n: int, r: HashReader) -> RecordProof:
    """The proof that the tree of size t contains record n."""
    indexes = record_proof_indexes(t, n)
    if not indexes:
        return []
    p, rest = _leaf_proof(0, t, n, _read(r, indexes))
    if rest:
        raise AssertionError("tlog: bad index math in ProveRecord")
    return p


def check_record(p: Sequence[Hash], t: int, th: Hash, n: int, h: Hash) -> None:
    """Raises unless p proves that the tree of size t with hash th has record n with hash h."""
    if t < 0 or n < 0 or n >= t:
        raise GoError("tlog: invalid inputs in CheckRecord")
    if _run_record_proof(list(p), 0, t, n, h) != th:
        raise ProofError()


def _run_record_proof(p: list[Hash], lo: int, hi: int, n: int, leaf: Hash) -> Hash:
    """The hash of subtree [lo, hi) implied by proof p for leaf n."""
    if not lo <= n < hi:
        raise AssertionError("tlog: bad math in runRecordProof")
    if lo + 1 == hi:
        if p:  # no unnecessary hashes
            raise ProofError()
        return leaf
    if not p:
        raise ProofError()
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        return node_hash(_run_record_proof(p[:-1], lo, lo + k, n, leaf), p[-1])
    return node_hash(p[-1], _run_record_proof(p[:-1], lo + k, hi, n, leaf))


def _tree_proof_index(lo: int, hi: int, n: int, need: list[int]) -> list[int]:
    if not lo < n <= hi:
        raise AssertionError("tlog: bad math in treeProofIndex")
    if n == hi:
        return need if lo == 0 else _sub_tree_index(lo, hi, need)
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        need = _tree_proof_index(lo, lo + k, n, need)
        need = _sub_tree_index(lo + k, hi, need)
    else:
        need = _sub_tree_index(lo, lo + k, need)
        need = _tree_proof_index(lo + k, hi, n, need)
    return need


def _tree_proof(lo: int, hi: int, n: int, hashes: list[Hash]) -> tuple[TreeProof, list[Hash]]:
    if not lo < n <= hi:
        raise AssertionError("tlog: bad math in treeProof")
    if n == hi:
        if lo == 0:
            return [], hashes  # exactly the old tree: the verifier knows its hash
        th, hashes = _sub_tree_hash(lo, hi, hashes)
        return [th], hashes
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        p, hashes = _tree_proof(lo, lo + k, n, hashes)
        th, hashes = _sub_tree_hash(lo + k, hi, hashes)
    else:
        th, hashes = _sub_tree_hash(lo, lo + k, hashes)
        p, hashes = _tree_proof(lo + k, hi, n, hashes)
    return [*p, th], hashes


def tree_proof_indexes(t: int, n: int) -> list[int]:
    """The stored hash indexes prove_tree(t, n, r) reads."""
    if t < 1 or n < 1 or n > t:
        raise GoError("tlog: invalid inputs in ProveTree")
    return _tree_proof_index(0, t, n, [])


def prove_tree(t: int, n: int, r: HashReader) -> TreeProof:
    """The proof that the tree of size t contains the tree of size n as a prefix."""
    indexes = tree_proof_indexes(t, n)
    if not indexes:
        return []
    p, rest = _tree_proof(0, t, n, _read(r, indexes))
    if rest:
        raise AssertionError("tlog: bad index math in ProveTree")
    return p


def check_tree(p: Sequence[Hash], t: int, th: Hash, n: int, h: Hash) -> None:
    """Raises unless p proves that the tree of size t with hash th contains the tree of size n
    with hash h as a prefix."""
    if t < 1 or n < 1 or n > t:
        raise GoError("tlog: invalid inputs in CheckTree")
    h2, th2 = _run_tree_proof(list(p), 0, t, n, h)
    if th2 != th or h2 != h:
        raise ProofError()


def _run_tree_proof(p: list[Hash], lo: int, hi: int, n: int, old: Hash) -> tuple[Hash, Hash]:
    """The hashes of subtree [lo, hi) in the old tree (of n records) and in the new one."""
    if not lo < n <= hi:
        raise AssertionError("tlog: bad math in runTreeProof")
    if n == hi:
        if lo == 0:
            if p:
                raise ProofError()
            return old, old
        if len(p) != 1:
            raise ProofError()
        return p[0], p[0]
    if not p:
        raise ProofError()
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        oh, th = _run_tree_proof(p[:-1], lo, lo + k, n, old)
        return oh, node_hash(th, p[-1])
    oh, th = _run_tree_proof(p[:-1], lo + k, hi, n, old)
    return node_hash(p[-1], oh), node_hash(p[-1], th)


# Tiles ---------------------------------------------------------------------------------------

# N is written three digits per path element ("x001/x234/067") so no directory grows too big.
_PATH_BASE = 1000


class Tile(NamedTuple):
    """W consecutive hashes at tree level H*L from offset N * 2**H (L = -1: record data)."""

    h: int  # height, 1..30
    l: int  # level in the tiling, -1..63  # noqa: E741 (Go's name)
    n: int  # number within the level
    w: int  # width, 1..2**H (2**H: a complete tile)

    def path(self) -> str:
        """Tile.Path: tile/H/L/NNN[.p/W]."""
        n = self.n
        n_str = f"{n % _PATH_BASE:03d}"
        while n >= _PATH_BASE:
            n //= _PATH_BASE
            n_str = f"x{n % _PATH_BASE:03d}/{n_str}"
        p_str = f".p/{self.w}" if self.w != 1 << self.h else ""
        level = "data" if self.l == -1 else str(self.l)
        return f"tile/{self.h}/{level}/{n_str}{p_str}"


_ATOI = re.compile(r"[+-]?[0-9]+")


def _atoi(s: str) -> int | None:
    """strconv.Atoi; None on error."""
    if not _ATOI.fullmatch(s):
        return None
    v = int(s)
    return v if -(1 << 63) <= v <= _INT64_MAX else None


def parse_tile_path(path: str) -> Tile:
    """tlog.ParseTilePath: the tile of a canonical tile path."""
    bad = GoError(f"malformed tile path {quote(path)}")
    f = path.split("/")
    if len(f) < 4 or f[0] != "tile":
        raise bad
    h = _atoi(f[1])
    is_data = f[2] == "data"
    level = 0 if is_data else _atoi(f[2])
    if h is None or level is None or h < 1 or level < 0 or h > 30:
        raise bad
    w = 1 << h
    if f[-2].endswith(".p"):
        ww = _atoi(f[-1])
        if ww is None or ww <= 0 or ww >= w:
            raise bad
        w = ww
        f[-2] = f[-2].removesuffix(".p")
        f = f[:-1]
    n = 0
    for s in f[3:]:
        nn = _atoi(s.removeprefix("x"))
        if nn is None or nn < 0 or nn >= _PATH_BASE:
            raise bad
        n = n * _PATH_BASE + nn
    t = Tile(h, -1 if is_data else level, n, w)
    if path != t.path():
        raise bad
    return t


def _tile_for_index(h: int, index: int) -> tuple[Tile, int, int]:
    """The least-width tile of height h holding index, and the byte range of its tile data
    whose tile hash (_tile_hash) is that hash."""
    level, n = split_stored_hash_index(index)
    tl = level // h
    level -= tl * h  # level within the tile
    tn = n << level >> h
    n -= tn << h >> level  # n within the tile, at that level
    return Tile(h, tl, tn, (n + 1) << level), (n << level) * HASH_SIZE, ((n + 1) << level) * HASH_SIZE


def tile_for_index(h: int, index: int) -> Tile:
    """tlog.TileForIndex."""
    if h <= 0:
        raise ValueError(f"TileForIndex: invalid height {h}")
    return _tile_for_index(h, index)[0]


def _tile_hash(data: bytes) -> Hash:
    """The hash of the subtree whose leaves are the 2**k hashes in data."""
    if not data:
        raise AssertionError("bad math in tileHash")
    if len(data) == HASH_SIZE:
        return data
    half = len(data) // 2
    return node_hash(_tile_hash(data[:half]), _tile_hash(data[half:]))


def hash_from_tile(t: Tile, data: bytes, index: int) -> Hash:
    """The hash at stored index `index`, from tile t's data (t must hold it)."""
    if t.h < 1 or t.h > 30 or t.l < 0 or t.l >= 64 or t.w < 1 or t.w > 1 << t.h:
        raise GoError(f"invalid tile {t.path()}")
    if len(data) < t.w * HASH_SIZE:
        raise GoError(f"data len {len(data)} too short for tile {t.path()}")
    t1, start, end = _tile_for_index(t.h, index)
    if t.l != t1.l or t.n != t1.n or t.w < t1.w:
        raise GoError(f"index {index} is in {t1.path()} not {t.path()}")
    return _tile_hash(data[start:end])


def new_tiles(h: int, old_tree_size: int, new_tree_size: int) -> list[Tile]:
    """The tiles of height h to publish when the tree grows from old to new size."""
    if h <= 0:
        raise ValueError(f"NewTiles: invalid height {h}")
    tiles = []
    level = 0
    while new_tree_size >> (h * level) > 0:
        old_n = old_tree_size >> (h * level)
        new_n = new_tree_size >> (h * level)
        if old_n != new_n:
            for n in range(old_n >> h, new_n >> h):
                tiles.append(Tile(h, level, n, 1 << h))
            n = new_n >> h
            w = new_n - (n << h)
            if w > 0:
                tiles.append(Tile(h, level, n, w))
        level += 1
    return tiles


def read_tile_data(t: Tile, r: HashReader) -> bytes:
    """The data of tile t, from the log's stored hashes."""
    size = t.w or 1 << t.h
    start = t.n << t.h
    indexes = [stored_hash_index(t.h * t.l, start + i) for i in range(size)]
    return b"".join(_read(r, indexes))


class TileReader(Protocol):
    """tlog.TileReader: tiles from the log's server or a cache (synchronous; see TilePlan for
    fetching them asynchronously)."""

    def height(self) -> int: ...

    def read_tiles(self, tiles: Sequence[Tile]) -> list[bytes]: ...

    def save_tiles(self, tiles: Sequence[Tile], data: Sequence[bytes]) -> None:
        """The tiles were authenticated against the tree: they may be stored."""
        ...


def _tile_parent(t: Tile, k: int, n: int) -> Tile | None:
    """t's k'th parent in the tiles of a tree of size n; None if there is none."""
    level = t.l + k
    tn = t.n >> (k * t.h)
    w = 1 << t.h
    limit = n >> (level * t.h)
    if (tn << t.h) + w >= limit:
        if tn << t.h >= limit:
            return None
        w = limit - (tn << t.h)
    return Tile(t.h, level, tn, w)


class Tree(NamedTuple):
    """A tree head: its size and root hash."""

    n: int
    hash: Hash


class TilePlan:
    """The planning and checking halves of x/mod's tileHashReader.ReadHashes, without the I/O in
    between, so an asynchronous client can fetch the tiles itself.

    ``TilePlan(tree, height, indexes).tiles`` are the tiles to fetch: those that authenticate the
    tree hash, then (parents first) the ones holding the indexes. ``hashes(data)`` checks the
    fetched tiles against the tree (InconsistentTileError when they do not match)
    and returns the requested hashes, which are then proven to be in the tree.
    """

    def __init__(self, tree: Tree, height: int, indexes: Sequence[int]) -> None:
        self.tree = tree
        self.indexes = list(indexes)
        self.tiles: list[Tile] = []
        self._order: dict[Tile, int] = {}  # tiles[_order[t]] == t

        # The tiles to recompute the tree hash: if it matches, they are authentic.
        self._stx = _sub_tree_index(0, tree.n, [])
        self._stx_order: list[int] = []
        for x in self._stx:
            tile = _tile_parent(_tile_for_index(height, x)[0], 0, tree.n)
            assert tile is not None
            self._stx_order.append(self._add(tile))

        # The tiles holding the indexes, with the parents that authenticate them.
        self._index_order: list[int] = []
        limit = stored_hash_index(0, tree.n)
        for x in self.indexes:
            if x >= limit:
                raise GoError("indexes not in tree")
            tile = _tile_for_index(height, x)[0]
            k = 0
            while True:  # up to the first tile already planned (the top one always is)
                p = _tile_parent(tile, k, tree.n)
                if p in self._order:
                    break
                if k > 64:
                    raise AssertionError(f"bad math in tileHashReader: {tree.n} {x}")
                k += 1
            if k == 0:
                self._index_order.append(self._order[p])  # type: ignore[index]
                continue
            for kk in range(k - 1, -1, -1):  # back down, children after their parents
                p = _tile_parent(tile, kk, tree.n)
                if p is None or p.w != 1 << p.h:
                    # Only full tiles have parents; this one has one, so it must be full.
                    raise GoError(f"bad math in tileHashReader: {tree.n} {x} {p}")
                j = self._add(p)
                if kk == 0:
                    self._index_order.append(j)

    def _add(self, tile: Tile) -> int:
        j = self._order.get(tile)
        if j is None:
            j = self._order[tile] = len(self.tiles)
            self.tiles.append(tile)
        return j

    def hashes(self, data: Sequence[bytes]) -> list[Hash]:
        tiles, tree = self.tiles, self.tree
        if len(data) != len(tiles):
            raise GoError(f"TileReader returned bad result slice (len={len(data)}, want {len(tiles)})")
        for tile, d in zip(tiles, data, strict=True):
            if len(d) != tile.w * HASH_SIZE:
                raise GoError(
                    f"TileReader returned bad result slice ({tile.path()} len={len(d)}, want {tile.w * HASH_SIZE})"
                )

        # Authenticate the tiles of the tree hash (parents come before children).
        th = b""
        for i in range(len(self._stx) - 1, -1, -1):
            j = self._stx_order[i]
            h = hash_from_tile(tiles[j], data[j], self._stx[i])
            th = h if i == len(self._stx) - 1 else node_hash(h, th)
        if th != tree.hash:
            # At least one tile is wrong; which one cannot be known.
            raise InconsistentTileError()

        # Authenticate the remaining (full) tiles against their parents.
        first = self._stx_order[-1] + 1 if self._stx else 0
        for i in range(first, len(tiles)):
            tile = tiles[i]
            p = _tile_parent(tile, 1, tree.n)
            j = self._order.get(p) if p is not None else None
            if p is None or j is None:
                raise GoError(f"bad math in tileHashReader {tree.n} {self.indexes}: lost parent of {tile}")
            try:
                h = hash_from_tile(p, data[j], stored_hash_index(p.l * p.h, tile.n))
            except GoError as err:
                raise GoError(
                    f"bad math in tileHashReader {tree.n} {self.indexes}: lost hash of {tile}: {err}"
                ) from None
            if h != _tile_hash(data[i]):
                raise InconsistentTileError()

        return [
            hash_from_tile(tiles[j], data[j], x) for j, x in zip(self._index_order, self.indexes, strict=True)
        ]


@dataclass(frozen=True)
class _TileHashReader:
    tree: Tree
    tr: TileReader

    def read_hashes(self, indexes: Sequence[int]) -> list[Hash]:
        plan = TilePlan(self.tree, self.tr.height(), indexes)
        data = self.tr.read_tiles(plan.tiles)
        hashes = plan.hashes(data)
        self.tr.save_tiles(plan.tiles, data)
        return hashes


def tile_hash_reader(tree: Tree, tr: TileReader) -> HashReader:
    """tlog.TileHashReader: a HashReader that loads tiles of tree from tr and checks them against
    the tree hash, so every hash it returns is proven to be in the tree."""
    return _TileHashReader(tree, tr)


# Tree notes and records ------------------------------------------------------------------------

_TREE_PREFIX = b"go.sum database tree\n"


def format_tree(tree: Tree) -> bytes:
    """tlog.FormatTree: the text a checksum database signs."""
    return f"go.sum database tree\n{tree.n}\n{format_hash(tree.hash)}\n".encode()


def _parse_int64(s: bytes) -> int | None:
    """strconv.ParseInt(s, 10, 64); None on error."""
    if not re.fullmatch(rb"[+-]?[0-9]+", s):
        return None
    v = int(s)
    return v if -(1 << 63) <= v <= _INT64_MAX else None


def parse_tree(text: bytes) -> Tree:
    """tlog.ParseTree (lines after the third are ignored, for future extensions)."""
    bad = GoError("malformed tree note")
    if not text.startswith(_TREE_PREFIX) or text.count(b"\n") < 3 or len(text) > 1_000_000:
        raise bad
    lines = text.split(b"\n", 3)
    n = _parse_int64(lines[1])
    if n is None or n < 0 or lines[1] != str(n).encode():
        raise bad
    h = b64decode(lines[2])
    if h is None or len(h) != HASH_SIZE:
        raise bad
    return Tree(n, h)


def _is_valid_record_text(text: bytes) -> bool:
    """UTF-8, no control characters but newline, ends in a newline, no blank line."""
    try:
        s = text.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if any(c < " " and c != "\n" for c in s) or "\n\n" in s:
        return False
    return s.endswith("\n")


def format_record(record_id: int, text: bytes) -> bytes:
    """tlog.FormatRecord: a lookup answer's record part."""
    if not _is_valid_record_text(text):
        raise GoError("malformed record data")
    return f"{record_id}\n".encode() + text + b"\n"


def parse_record(msg: bytes) -> tuple[int, bytes, bytes]:
    """tlog.ParseRecord: (record id, record text, the rest: the signed tree note)."""
    bad = GoError("malformed record data")
    i = msg.find(b"\n")
    if i < 0:
        raise bad
    id_ = _parse_int64(msg[:i])
    if id_ is None:
        raise bad
    msg = msg[i + 1 :]
    i = msg.find(b"\n\n")
    if i < 0:
        raise bad
    text, rest = msg[: i + 1], msg[i + 2 :]
    if not _is_valid_record_text(text):
        raise bad
    return id_, text, rest
