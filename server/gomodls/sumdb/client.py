"""The checksum database client: the algorithm of golang.org/x/mod/sumdb's Client, async.

``Client(ops).lookup(path, vers)`` returns the go.sum lines the database holds for a module
version, after proving them: the lookup answer's record must be in the tree the answer's signed
note describes (a record proof through tiles, each tile checked against the signed tree hash),
and that tree must extend the latest tree this machine has seen (a tree proof; a fork is reported
through ``ops.security_error`` with x/mod's "SECURITY ERROR" text). The latest tree only moves
forward and is shared with the go command through ``ops`` (go keeps it in
``$GOPATH/pkg/sumdb/<name>/latest``); verified tiles and records are cached through ``ops``.

All I/O is behind ClientOps, so this module has none. Differences from x/mod, for a long-running
server rather than one go command: failed lookups and a failed initialization are retried on the
next call instead of being remembered, and a caller cancelled while waiting does not cancel the
shared work other callers wait for (nor a half-written update of the latest tree).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, Protocol, TypeVar

from gomodls.base.gostr import trim_space
from gomodls.module.errors import GoError
from gomodls.module.paths import escape_path, escape_version, match_prefix_patterns
from gomodls.sumdb import note as notes
from gomodls.sumdb import tlog
from gomodls.sumdb.tlog import Hash, InconsistentTileError, Tile, TilePlan, Tree

__all__ = [
    "Client",
    "ClientOps",
    "GONOSUMDBError",
    "SecurityError",
    "SumdbError",
    "WriteConflict",
]

DEFAULT_TILE_HEIGHT = 8


class ClientOps(Protocol):
    """The client's outside world (x/mod's ClientOps), implemented against go's files and the
    network elsewhere and in memory by the tests."""

    async def read_remote(self, path: str) -> bytes:
        """The server's answer at path ("/lookup/M@V", "/latest", "/tile/8/0/001"); raise for
        anything but 200 OK."""
        ...

    async def read_config(self, file: str) -> bytes:
        """The file "key" (the verifier key) or "<name>/latest" (the latest signed tree note);
        b"" when absent."""
        ...

    async def write_config(self, file: str, old: bytes, new: bytes) -> None:
        """Replace old by new atomically; raise WriteConflict when the file no longer holds old."""
        ...

    async def read_cache(self, file: str) -> bytes:
        """The file "<name>/lookup/M@V" or "<name>/tile/8/0/001"; FileNotFoundError when absent
        (any error counts as absent)."""
        ...

    async def write_cache(self, file: str, data: bytes) -> None:
        """Store a proven record or tile (a failure is logged and otherwise ignored)."""
        ...

    def log(self, msg: str) -> None: ...

    def security_error(self, msg: str) -> None:
        """Report proof of a misbehaving server (the go command prints it and exits)."""
        ...


class WriteConflict(Exception):
    """ClientOps.write_config: the file changed since it was read."""

    def __init__(self) -> None:
        super().__init__("write conflict")


class SumdbError(GoError):
    """A lookup failed; str() is Go's text ("<path>@<vers>: <reason>"), .cause the underlying
    exception (for example the ClientOps error of an unreachable server)."""

    def __init__(self, text: str, cause: BaseException | None = None) -> None:
        super().__init__(text)
        self.cause = cause

    def __str__(self) -> str:
        return str(self.args[0])


class SecurityError(SumdbError):
    """The database or the path to it proved to be lying: a fork of the tree (reported with
    x/mod's text through ClientOps.security_error), a record or tile that does not match the
    signed tree, or a signature that does not verify. Never transient; never to be retried
    around."""


class GONOSUMDBError(GoError):
    """x/mod's ErrGONOSUMDB: the path matches GONOSUMDB, so it is not looked up (nor sent)."""

    def __init__(self) -> None:
        super().__init__("skipped (listed in GONOSUMDB)")


class _When(enum.Enum):
    """Where a tree note stands relative to the latest tree known."""

    PAST = 1
    NOW = 2
    FUTURE = 3


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _SingleFlight(Generic[K, V]):
    """One shared task per key: callers of the same key wait for the same work. Successful
    results are kept when `keep` is set; failures are forgotten (the next call retries). The
    work is shielded from the cancellation of any one caller."""

    def __init__(self, keep: bool) -> None:
        self._keep = keep
        self._tasks: dict[K, asyncio.Task[V]] = {}
        self._done: dict[K, V] = {}

    async def do(self, key: K, work: Callable[[], Awaitable[V]]) -> V:
        if key in self._done:
            return self._done[key]
        task = self._tasks.get(key)
        if task is None:

            async def run() -> V:
                return await work()

            task = asyncio.get_running_loop().create_task(run())
            self._tasks[key] = task
            task.add_done_callback(lambda t: self._finished(key, t))
        return await asyncio.shield(task)

    def _finished(self, key: K, task: asyncio.Task[V]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        # Reading the exception also keeps asyncio from warning about an unretrieved one.
        if not task.cancelled() and task.exception() is None and self._keep:
            self._done[key] = task.result()

    def cancel(self) -> None:
        for task in self._tasks.values():
            task.cancel()


class Client:
    """A checksum database client (x/mod's sumdb.Client); safe for concurrent lookups."""

    def __init__(self, ops: ClientOps) -> None:
        self._ops = ops
        self._did_lookup = False
        self._tile_height = 0
        self._nosumdb = ""
        self._name = ""
        self._verifiers: notes.Verifiers | None = None
        self._init_done = False
        self._init_flight: _SingleFlight[str, None] = _SingleFlight(keep=False)
        self._records: _SingleFlight[str, bytes] = _SingleFlight(keep=True)
        self._tile_flight: _SingleFlight[Tile, bytes] = _SingleFlight(keep=False)
        self._tiles: dict[Tile, bytes] = {}  # tiles proven to be in a signed tree
        self._tile_saved: set[Tile] = set()  # tiles already in (or written to) the ops cache
        self._latest = Tree(0, tlog.EMPTY_HASH)
        self._latest_msg = b""
        self._background: set[asyncio.Task[None]] = set()

    # Settings -------------------------------------------------------------------------------

    def set_tile_height(self, height: int) -> None:
        """SetTileHeight: before the first lookup, at most once (default 8)."""
        if self._did_lookup:
            raise RuntimeError("SetTileHeight used after Lookup")
        if height <= 0:
            raise ValueError("invalid call to SetTileHeight")
        if self._tile_height:
            raise RuntimeError("multiple calls to SetTileHeight")
        self._tile_height = height

    def set_gonosumdb(self, patterns: str) -> None:
        """SetGONOSUMDB: the comma-separated GONOSUMDB patterns, before the first lookup."""
        if self._did_lookup:
            raise RuntimeError("SetGONOSUMDB used after Lookup")
        if self._nosumdb:
            raise RuntimeError("multiple calls to SetGONOSUMDB")
        self._nosumdb = patterns

    def skip(self, path: str) -> bool:
        """Whether lookups of path are refused (GONOSUMDB): no request about it leaves."""
        return match_prefix_patterns(self._nosumdb, path)

    @property
    def name(self) -> str:
        """The database's name (from its key), once initialized."""
        return self._name

    @property
    def latest(self) -> Tree:
        """The latest tree head verified so far."""
        return self._latest

    async def aclose(self) -> None:
        """Cancel the work still in flight (a client is otherwise just dropped)."""
        for flight in (self._init_flight, self._records, self._tile_flight):
            flight.cancel()
        for task in list(self._background):
            task.cancel()

    # Initialization ---------------------------------------------------------------------------

    async def _init(self) -> None:
        if not self._init_done:
            await self._init_flight.do("init", self._init_work)

    async def _init_work(self) -> None:
        try:
            if not self._tile_height:
                self._tile_height = DEFAULT_TILE_HEIGHT
            vkey = await self._ops.read_config("key")
            try:
                text = vkey.decode("utf-8")
            except UnicodeDecodeError:
                raise notes.VerifierKeyError("malformed verifier id") from None
            verifier = notes.new_verifier(trim_space(text))
            self._verifiers = notes.verifier_list(verifier)
            self._name = verifier.name
            data = await self._ops.read_config(self._name + "/latest")
            await self._merge_latest(data)
        except Exception as err:
            cls = SecurityError if isinstance(err, SecurityError) else SumdbError
            raise cls(f"initializing sumdb.Client: {err}", _cause(err)) from err
        self._init_done = True

    # Lookup -----------------------------------------------------------------------------------

    async def lookup(self, path: str, vers: str) -> list[str]:
        """Client.Lookup: the go.sum lines for path at vers (vers may end in "/go.mod" for the
        go.mod-only line), proven against the signed tree. GONOSUMDBError for GONOSUMDB paths,
        SecurityError for proof of misbehaviour, SumdbError otherwise."""
        self._did_lookup = True
        if self.skip(path):
            raise GONOSUMDBError()
        try:
            await self._init()
            remote = f"/lookup/{escape_path(path)}@{escape_version(vers.removesuffix('/go.mod'))}"
            file = self._name + remote
            # Shared by the two lines of one version (and by concurrent lookups of it).
            text = await self._records.do(file, lambda: self._fetch_record(file, remote))
        except Exception as err:
            cls = SecurityError if isinstance(err, SecurityError) else SumdbError
            raise cls(f"{path}@{vers}: {err}", _cause(err)) from err
        prefix = f"{path} {vers} "
        return [line for line in text.decode("utf-8").split("\n") if line.startswith(prefix)]

    async def _fetch_record(self, file: str, remote: str) -> bytes:
        from_cache = True
        try:
            data = await self._ops.read_cache(file)
        except Exception:  # any cache failure counts as a miss, as in x/mod
            from_cache = False
            data = await self._ops.read_remote(remote)
        # Validate the record before using it for anything.
        record_id, text, tree_msg = tlog.parse_record(data)
        await self._merge_latest(tree_msg)
        await self._check_record(record_id, text)
        if not from_cache:
            await self._write_cache(file, data)
        return text

    async def _check_record(self, record_id: int, data: bytes) -> None:
        latest = self._latest
        if record_id >= latest.n:
            raise GoError(f"cannot validate record {record_id} in tree of size {latest.n}")
        (h,) = await self._read_hashes(latest, [tlog.stored_hash_index(0, record_id)])
        if h != tlog.record_hash(data):
            raise SecurityError("cannot authenticate record data in server response")

    # The latest tree ----------------------------------------------------------------------------

    async def _merge_latest(self, msg: bytes) -> None:
        """Merge the signed tree in msg into the latest tree, checking that both are on one
        timeline, and write the latest tree back when it moved forward."""
        if await self._merge_latest_mem(msg) is not _When.FUTURE:
            return
        # Flush in a task of its own: a cancelled caller must not leave the file behind memory.
        task = asyncio.get_running_loop().create_task(self._flush_latest())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        await asyncio.shield(task)

    async def _flush_latest(self) -> None:
        file = self._name + "/latest"
        while True:
            msg = await self._ops.read_config(file)
            if await self._merge_latest_mem(msg) is not _When.PAST:
                return  # the file is now our latest or newer, and memory has caught up
            try:
                await self._ops.write_config(file, msg, self._latest_msg)
                return
            except WriteConflict:
                continue  # someone (another go command) wrote in between: merge that too

    async def _merge_latest_mem(self, msg: bytes) -> _When:
        if not msg:
            # The unsigned, empty timeline.
            return _When.NOW if self._latest.n == 0 else _When.PAST
        assert self._verifiers is not None
        try:
            n = notes.open_note(msg, self._verifiers)
        except GoError as err:
            cls = SecurityError if isinstance(err, notes.InvalidSignatureError) else GoError
            raise cls(f"reading tree note: {err}\nnote:\n{_text(msg)}") from err
        try:
            tree = tlog.parse_tree(n.text.encode("utf-8"))
        except GoError as err:
            raise GoError(f"reading tree: {err}\ntree:\n{n.text}") from err

        latest, latest_msg = self._latest, self._latest_msg
        while True:
            if tree.n <= latest.n:
                # An older (or the same) tree: it must be on our timeline.
                await self._check_trees(tree, msg, latest, latest_msg)
                return _When.PAST if tree.n < latest.n else _When.NOW
            # A newer tree: ours must be its prefix; then move forward, unless another lookup
            # moved the latest tree while we were checking (then check against that one).
            await self._check_trees(latest, latest_msg, tree, msg)
            if self._latest == latest:
                self._latest, self._latest_msg = tree, msg
                return _When.FUTURE
            latest, latest_msg = self._latest, self._latest_msg

    async def _check_trees(self, older: Tree, older_note: bytes, newer: Tree, newer_note: bytes) -> None:
        """Check that older is a prefix of newer; report a fork through ops.security_error."""
        try:
            indexes = tlog.tree_hash_indexes(older.n)
            h = tlog.tree_hash(older.n, await self._hash_reader(newer, indexes))
        except Exception as err:
            cls = SecurityError if isinstance(err, SecurityError) else GoError
            if older.n == newer.n:
                raise cls(f"checking tree#{older.n}: {err}") from err
            raise cls(f"checking tree#{older.n} against tree#{newer.n}: {err}") from err
        if h == older.hash:
            return

        # A fork in the timeline: report both signed notes and the proof that the newer tree's
        # prefix of size older.n hashes to h, not older.hash (the tiles are already here).
        out = ["SECURITY ERROR\n", "go.sum database server misbehavior detected!\n\n"]
        out.append(f"old database:\n\t{_indent(older_note)}\n")
        out.append(f"new database:\n\t{_indent(newer_note)}\n")
        out.append(f"proof of misbehavior:\n\t{tlog.format_hash(h)}")
        try:
            r = await self._hash_reader(newer, tlog.tree_proof_indexes(newer.n, older.n))
            p = tlog.prove_tree(newer.n, older.n, r)
        except Exception as err:
            out.append(f"\tinternal error: {err}\n")
        else:
            try:
                tlog.check_tree(p, newer.n, newer.hash, older.n, h)
            except GoError:
                out.append("\tinternal error: generated inconsistent proof\n")
            else:
                out.extend(f"\n\t{tlog.format_hash(x)}" for x in p)
        self._ops.security_error("".join(out))
        raise SecurityError("security error: misbehaving server")

    # Tiles ----------------------------------------------------------------------------------------

    async def _hash_reader(self, tree: Tree, indexes: Sequence[int]) -> tlog.HashReader:
        """A HashReader answering exactly `indexes` from tiles of tree, fetched and proven now."""
        hashes = dict(zip(indexes, await self._read_hashes(tree, indexes), strict=True))
        return tlog.HashReaderFunc(lambda want: [hashes[i] for i in want])

    async def _read_hashes(self, tree: Tree, indexes: Sequence[int]) -> list[Hash]:
        """tlog.TileHashReader(tree, tiles).ReadHashes(indexes), fetching tiles concurrently."""
        if not indexes:
            return []
        plan = TilePlan(tree, self._tile_height, indexes)
        results = await asyncio.gather(*(self._read_tile(t) for t in plan.tiles), return_exceptions=True)
        for res in results:
            if isinstance(res, BaseException):
                raise res  # the first failure in tile order, as x/mod reports it
        data = [r for r in results if isinstance(r, bytes)]
        try:
            hashes = plan.hashes(data)
        except InconsistentTileError as err:
            raise SecurityError(str(err)) from err
        await self._save_tiles(plan.tiles, data)
        return hashes

    def _tile_file(self, tile: Tile) -> str:
        return f"{self._name}/{tile.path()}"

    async def _read_tile(self, tile: Tile) -> bytes:
        data = self._tiles.get(tile)
        if data is not None:
            return data
        return await self._tile_flight.do(tile, lambda: self._fetch_tile(tile))

    async def _fetch_tile(self, tile: Tile) -> bytes:
        """From the cache (only proven tiles are written there), else from the server; a
        partial tile may be cut from the full one."""
        try:
            data = await self._ops.read_cache(self._tile_file(tile))
        except Exception:
            pass
        else:
            self._tile_saved.add(tile)
            return data
        full = tile._replace(w=1 << tile.h)
        if tile != full:
            try:
                data = await self._ops.read_cache(self._tile_file(full))
            except Exception:
                pass
            else:
                self._tile_saved.add(tile)  # the full tile is already saved
                return data[: len(data) // full.w * tile.w]
        try:
            return await self._ops.read_remote("/" + tile.path())
        except Exception as err:
            if tile == full:
                raise
            # A partial tile is gone once the tile is complete: try the full one.
            try:
                data = await self._ops.read_remote("/" + full.path())
            except Exception:
                raise err from None
            # Only the prefix gets proven (and saved); the full tile is fetched again when needed.
            return data[: len(data) // full.w * tile.w]

    async def _save_tiles(self, tiles: Sequence[Tile], data: Sequence[bytes]) -> None:
        """The tiles are proven: keep them in memory and write the new ones to the cache."""
        save = []
        for tile, d in zip(tiles, data, strict=True):
            self._tiles[tile] = d
            if tile not in self._tile_saved:
                self._tile_saved.add(tile)  # not retried on a failed write, as in x/mod
                save.append((tile, d))
        for tile, d in save:
            await self._write_cache(self._tile_file(tile), d)

    async def _write_cache(self, file: str, data: bytes) -> None:
        # x/mod's WriteCache cannot fail: a cache that cannot be written only costs a refetch.
        try:
            await self._ops.write_cache(file, data)
        except Exception as err:
            self._ops.log(f"writing {file}: {err}")


def _cause(err: BaseException) -> BaseException:
    """The innermost cause of a chain of wrapped errors (the ops error, typically)."""
    while isinstance(err, SumdbError) and err.cause is not None:
        err = err.cause
    while err.__cause__ is not None:
        err = err.__cause__
    return err


def _text(msg: bytes) -> str:
    return msg.decode("utf-8", errors="replace")


def _indent(msg: bytes) -> str:
    return _text(msg).replace("\n", "\n\t")
