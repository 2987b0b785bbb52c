"""The requirements of a go.mod by path, kept up to date across edits.

The checks run at every keystroke and look requirements up by path (excluded, replaced,
required twice). Built from scratch, the index is a pass over every requirement: ~50 ms at
100,000. A memoised parse (modfile/rules.py) hands over its requirements in parts (chunks of
block lines, lone requirements) that stay the same objects while their lines do not change, so
the index of the next version is the previous one with the parts that went away taken out and
the new ones put in.
"""

from __future__ import annotations

import itertools
import operator

from gomodls.base.gcpause import paused_gc
from gomodls.modfile.model import CANONICAL, INDIRECT, ModFile, ModuleVersion, Require

_PATH = operator.attrgetter("mod.path")

# Past this share of the requirements changed, a fresh build is as fast as following the edit.
_REBUILD_SHARE = 2


def _direct_of(reqs: list[Require]) -> list[tuple[str, str]]:
    # (the requirements' own ModuleVersions, tuples of path and version: a new tuple each was
    # 4 MB at 100,000 requirements)
    return [r.mod for r in reqs if not r.flags & INDIRECT]


class RequireKey:
    """The requirements of a go.mod as the build list sees them (path, version, // indirect),
    kept by the parts of the memoised parse: a part whose lines did not change is the same
    object, and so is its key. Two keys compare part by part (unchanged parts by identity) when
    their parts cover the same numbers of requirements, else requirement by requirement. Built
    and compared whole, this was 40–100 ms on the event loop at 100,000 requirements after
    every edit (a resolution's fingerprint, lsp/resolution.py) and in every graph check."""

    __slots__ = ("parts",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, parts: tuple[PartKey, ...]) -> None:
        self.parts = parts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RequireKey):
            return NotImplemented
        a, b = self.parts, other.parts
        if len(a) == len(b) and all(x is y or len(x[0]) == len(y[0]) for x, y in zip(a, b, strict=True)):
            return a == b  # (the same boundaries: part by part)
        return _flat(a, 0) == _flat(b, 0) and _flat(a, 1) == _flat(b, 1)

    def entries(self) -> list[tuple[str, str, bool]]:
        """Path, version and // indirect of every requirement, in order."""
        return [
            (m.path, m.version, bool(i))
            for mods, flags in self.parts
            for m, i in zip(mods, flags, strict=True)
        ]

    def __repr__(self) -> str:
        return f"RequireKey({sum(len(p[0]) for p in self.parts)} requirements in {len(self.parts)} parts)"


# A part's key: its requirements' module versions (the model's own tuples, shared, not copied:
# a tuple of path, version and indirect per requirement was 7 MB at 100,000) and their
# `// indirect` flags, one byte each.
PartKey = tuple[tuple[ModuleVersion, ...], bytes]


def _flat(parts: tuple[PartKey, ...], i: int) -> list[object]:
    return list(itertools.chain.from_iterable(p[i] for p in parts))


# id(part) -> (part, its key). The parts are kept alive here, so that an id is never another
# part's; past a few versions' worth, the table starts again from the latest model's parts.
_PART_KEYS: dict[int, tuple[object, PartKey]] = {}


def _key_of(reqs: list[Require]) -> PartKey:
    return tuple([r.mod for r in reqs]), bytes([r.flags & INDIRECT for r in reqs])


def require_key(model: ModFile) -> RequireKey:
    """The key of the model's requirements (what the build list depends on in them)."""
    parts = model.require_parts
    if parts is None:
        return RequireKey((_key_of(model.require),))
    if len(_PART_KEYS) > 4 * len(parts) + 1024:
        _PART_KEYS.clear()
    keys = []
    for part, reqs in parts:
        hit = _PART_KEYS.get(id(part))
        if hit is None or hit[0] is not part:
            hit = _PART_KEYS[id(part)] = (part, _key_of(reqs))
        keys.append(hit[1])
    return RequireKey(tuple(keys))


class RequireIndex:
    """`by_path`: each required path's requirement (the last, for a path required twice);
    `unique`: no path is required twice; `noncanonical`: the requirements not written as Go
    writes them (quoted paths, non-canonical versions), in the file's order."""

    __slots__ = ("_direct", "_parts", "by_path", "model", "noncanonical", "unique")

    def __init__(self, model: ModFile) -> None:
        self.model = model
        requires = model.require
        paths = list(map(_PATH, requires))
        self.by_path: dict[str, Require] = dict(zip(paths, requires, strict=True))
        self.unique = len(self.by_path) == len(paths)
        # part id -> (part, its requirements, the noncanonical ones); None once another index
        # took this one's tables over.
        self._parts: dict[int, tuple[object, list[Require], list[Require]]] | None = None
        self._direct: dict[int, list[tuple[str, str]]] = {}  # part id -> direct() of its requirements
        if model.require_parts is not None:
            self._parts = {
                id(part): (part, reqs, [r for r in reqs if not r.flags & CANONICAL])
                for part, reqs in model.require_parts
            }
            self.noncanonical = [r for _, _, nc in self._parts.values() for r in nc]
            if self.unique:
                # Built with the index, at the document's first check (didOpen), instead of by
                # the first code action (60 ms at 100,000 requirements; only direct() of a
                # unique index is asked for) and the first resolution's fingerprint (50 ms, on
                # the event loop after the first edits).
                with paused_gc():  # (300,000 tuples that live on: collections would walk the new tree)
                    self._direct = {i: _direct_of(reqs) for i, (_, reqs, _) in self._parts.items()}
                    require_key(model)
        else:
            self.noncanonical = [r for r in requires if not r.canonical]

    def direct(self) -> list[tuple[str, str]]:
        """Path and version of the requirements not marked // indirect, in the file's order
        (kept per part: after an edit, only the parts it touched are looked at)."""
        if self._parts is None:
            return [(r.mod.path, r.mod.version) for r in self.model.require if not r.indirect]
        out: list[tuple[str, str]] = []
        for i, (_, reqs, _) in self._parts.items():
            found = self._direct.get(i)
            if found is None:
                found = self._direct[i] = _direct_of(reqs)
            out += found
        return out

    @classmethod
    def following(cls, previous: RequireIndex | None, model: ModFile) -> RequireIndex:
        """The index of `model`, from the index of an earlier parse of the same document when
        that is cheaper. `previous` must not be used afterwards (its tables are taken over)."""
        parts = model.require_parts
        old = previous._parts if previous is not None else None
        if previous is None or old is None or parts is None or not previous.unique:
            return cls(model)
        new = {id(part): (part, reqs) for part, reqs in parts}
        removed = [old[i][1] for i in old.keys() - new.keys()]
        added = [new[i][1] for i in new.keys() - old.keys()]
        if sum(map(len, removed)) + sum(map(len, added)) > len(model.require) // _REBUILD_SHARE:
            return cls(model)
        by_path = previous.by_path
        undo: list[tuple[str, Require | None]] = []  # to put `previous` back when falling back

        def rebuild() -> RequireIndex:
            for path, r in reversed(undo):
                if r is None:
                    by_path.pop(path, None)
                else:
                    by_path[path] = r
            return cls(model)

        for reqs in removed:
            for r in reqs:
                path = r.mod.path
                if by_path.get(path) is not r:
                    return rebuild()
                undo.append((path, r))
                del by_path[path]
        for reqs in added:
            for r in reqs:
                path = r.mod.path
                if path in by_path:  # required twice now: the rare case, built from scratch
                    return rebuild()
                undo.append((path, None))
                by_path[path] = r
        index = cls.__new__(cls)
        index.model = model
        index.by_path = by_path
        index.unique = True
        kept = old
        parts_table = {}
        for part, reqs in parts:
            entry = kept.get(id(part))
            if entry is None:
                entry = (part, reqs, [r for r in reqs if not r.flags & CANONICAL])
            parts_table[id(part)] = entry
        index._parts = parts_table
        direct = previous._direct
        index._direct = {
            i: d if (d := direct.get(i)) is not None else _direct_of(reqs)
            for i, (_, reqs, _) in parts_table.items()
        }
        index.noncanonical = [r for _, _, nc in parts_table.values() for r in nc]
        previous._parts = None
        return index
