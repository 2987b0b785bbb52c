"""The requirements of a go.mod by path, kept up to date across edits.

The checks run at every keystroke and look requirements up by path (excluded, replaced,
required twice). Built from scratch, the index is a pass over every requirement: ~50 ms at
100,000. A memoised parse (modfile/rules.py) hands over its requirements in parts (chunks of
block lines, lone requirements) that stay the same objects while their lines do not change, so
the index of the next version is the previous one with the parts that went away taken out and
the new ones put in.
"""

from __future__ import annotations

import operator

from gomodls.modfile.model import ModFile, Require

_PATH = operator.attrgetter("mod.path")

# Past this share of the requirements changed, a fresh build is as fast as following the edit.
_REBUILD_SHARE = 2


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
                id(part): (part, reqs, [r for r in reqs if not r.canonical])
                for part, reqs in model.require_parts
            }
            self.noncanonical = [r for _, _, nc in self._parts.values() for r in nc]
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
                found = self._direct[i] = [(r.mod.path, r.mod.version) for r in reqs if not r.indirect]
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
                entry = (part, reqs, [r for r in reqs if not r.canonical])
            parts_table[id(part)] = entry
        index._parts = parts_table
        index._direct = {i: d for i, d in previous._direct.items() if i in parts_table}
        index.noncanonical = [r for _, _, nc in parts_table.values() for r in nc]
        previous._parts = None
        return index
