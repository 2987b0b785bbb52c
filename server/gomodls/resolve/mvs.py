"""Minimal version selection: a port of cmd/go/internal/mvs (graph.go, mvs.go, errors.go).

Module paths and versions are opaque here except for the version "none"; comparisons go
through the `Reqs.max` / `cmp` functions the caller supplies. The go command explores the
requirement graph with goroutines (par.Work); this port walks it with a queue. Go's results do
not depend on the exploration order (selection takes maxima, error paths come from a
breadth-first search over the recorded requirements), so neither do ours.

A `Reqs.required` that raises `NotLoaded` (a go.mod that is not fetched yet) does not stop the
walk: `build_list` finishes with everything it can reach and then raises one `NotLoaded` naming
every missing module, so a caller can fetch them together and run again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from gomodls.module.errors import GoError, InvalidVersionError, ModuleError, version_error
from gomodls.module.gover import mod_sort
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.summary import NotLoaded

Cmp = Callable[[str, str, str], int]

NONE = "none"


class Reqs(Protocol):
    """mvs.Reqs: the requirement graph MVS runs on."""

    def required(self, m: ModuleVersion) -> Sequence[ModuleVersion]:
        """The modules m requires; raises an exception (a GoError) if they cannot be loaded."""
        ...

    def max(self, p: str, v1: str, v2: str) -> str:
        """The larger of v1 and v2 (one of them) for module path p; max(v, "none") == v."""
        ...


class UpgradeReqs(Reqs, Protocol):
    def upgrade(self, m: ModuleVersion) -> ModuleVersion: ...


class DowngradeReqs(Reqs, Protocol):
    def previous(self, m: ModuleVersion) -> ModuleVersion: ...


# --------------------------------------------------------------------------- graph.go


class Graph:
    """mvs.Graph: MVS with requirements pushed by the caller instead of pulled by the traversal."""

    __slots__ = ("_cmp", "_is_root", "_required", "_selected", "roots")

    def __init__(self, cmp: Cmp, roots: Sequence[ModuleVersion]) -> None:
        self._cmp = cmp
        self.roots: tuple[ModuleVersion, ...] = tuple(roots)
        self._required: dict[ModuleVersion, tuple[ModuleVersion, ...]] = {}
        # True for roots, False for reachable non-roots (only membership matters for Require).
        self._is_root: dict[ModuleVersion, bool] = {}
        self._selected: dict[str, str] = {}
        for m in self.roots:
            self._is_root[m] = True
            if cmp(m.path, self.selected(m.path), m.version) < 0:
                self._selected[m.path] = m.version

    def require(self, m: ModuleVersion, reqs: Sequence[ModuleVersion]) -> None:
        """Record that m requires reqs; m must be reachable and not recorded yet."""
        if m not in self._is_root:
            raise AssertionError(f"{m} is not reachable from any root")
        if m in self._required:
            raise AssertionError(f"requirements of {m} have already been set")
        reqs = tuple(reqs)
        self._required[m] = reqs
        cmp, selected, is_root = self._cmp, self._selected, self._is_root
        for dep in reqs:
            if dep not in is_root:
                is_root[dep] = False
            if cmp(dep.path, selected.get(dep.path, NONE), dep.version) < 0:
                selected[dep.path] = dep.version

    def required_by(self, m: ModuleVersion) -> tuple[ModuleVersion, ...] | None:
        """The requirements recorded for m, or None if none were (RequiredBy's ok=false)."""
        return self._required.get(m)

    def selected(self, path: str) -> str:
        return self._selected.get(path, NONE)

    def build_list(self) -> list[ModuleVersion]:
        """The selected versions: the root paths first (in root order), the rest sorted."""
        seen_root: set[str] = set()
        out: list[ModuleVersion] = []
        for r in self.roots:
            if r.path in seen_root:
                continue
            v = self.selected(r.path)
            if v != NONE:
                out.append(ModuleVersion(r.path, v))
            seen_root.add(r.path)
        rest = [(p, v) for p, v in self._selected.items() if p not in seen_root]
        out.extend(mod_sort(rest))
        return out

    def walk_breadth_first(self, f: Callable[[ModuleVersion], None]) -> None:
        """Call f once, breadth first, for every version other than "none" in the graph."""
        queue: deque[ModuleVersion] = deque()
        enqueued: set[ModuleVersion] = set()
        for m in self.roots:
            if m.version != NONE and m not in enqueued:
                queue.append(m)
                enqueued.add(m)
        while queue:
            m = queue.popleft()
            f(m)
            for r in self._required.get(m, ()):
                if r not in enqueued and r.version != NONE:
                    queue.append(r)
                    enqueued.add(r)

    def first_requires(self) -> dict[ModuleVersion, ModuleVersion | None]:
        """For every reachable version, the version that first requires it in a breadth-first
        walk from the roots (None for the roots): the parent links behind find_path."""
        first: dict[ModuleVersion, ModuleVersion | None] = {}
        queue: deque[ModuleVersion] = deque()
        for m in self.roots:
            queue.append(m)
            first[m] = None
        while queue:
            m = queue.popleft()
            for r in self._required.get(m, ()):
                if r not in first:
                    queue.append(r)
                    first[r] = m
        return first

    def find_path(self, f: Callable[[ModuleVersion], bool]) -> list[ModuleVersion] | None:
        """A shortest requirement path from a root to a version for which f is true."""
        first: dict[ModuleVersion, ModuleVersion | None] = {}
        # Go seeds the queue with the roots slice itself (duplicates included).
        queue: deque[ModuleVersion] = deque(self.roots)
        for m in self.roots:
            first[m] = None
        while queue:
            m = queue.popleft()
            if f(m):
                path = [m]
                parent = first[m]
                while parent is not None and parent.path != "":
                    path.append(parent)
                    parent = first[parent]
                path.reverse()
                return path
            for r in self._required.get(m, ()):
                if r not in first:
                    queue.append(r)
                    first[r] = m
        return None


# --------------------------------------------------------------------------- errors.go


class BuildListError(GoError):
    """mvs.BuildListError: an error loading requirements, with the chain that led there."""

    def __init__(
        self,
        err: BaseException,
        path: Sequence[ModuleVersion],
        is_version_change: Callable[[ModuleVersion, ModuleVersion], bool] | None = None,
    ) -> None:
        super().__init__(err, tuple(path))
        self.err = err
        self.stack: list[tuple[ModuleVersion, str]] = []
        for i in range(len(path) - 1):
            reason = "requires"
            if is_version_change is not None and is_version_change(path[i], path[i + 1]):
                reason = "updating to"
            self.stack.append((path[i], reason))
        self.stack.append((path[-1], ""))

    def module(self) -> ModuleVersion:
        return self.stack[-1][0] if self.stack else ModuleVersion("", "")

    def __str__(self) -> str:
        stack = self.stack
        # Leading versionless modules are the main module or a synthetic target: not printed.
        i = 0
        while i < len(stack) and stack[i][0].version == "":
            i += 1
        stack = stack[i:]
        if not stack:
            return str(self.err)
        parts = [f"{m} {reason}\n\t" for m, reason in stack[:-1]]
        m = stack[-1][0]
        err = self.err
        if isinstance(err, ModuleError):
            actual = ModuleVersion(err.path, err.version)
            if isinstance(err.err, InvalidVersionError):
                actual = ModuleVersion(err.path, err.err.version)
            if actual == m:
                parts.append(str(err))
            else:
                parts.append(f"{m} (replaced by {actual}): {err.err}")
        else:
            parts.append(str(version_error(m.path, m.version, err)))
        return "".join(parts)


# --------------------------------------------------------------------------- mvs.go


def _cmp_from_max(reqs: Reqs) -> Cmp:
    def cmp(p: str, v1: str, v2: str) -> int:
        if reqs.max(p, v1, v2) != v1:
            return -1
        if reqs.max(p, v2, v1) != v2:
            return 1
        return 0

    return cmp


def build_list(targets: Sequence[ModuleVersion], reqs: Reqs) -> list[ModuleVersion]:
    """mvs.BuildList: the targets followed by the selected version of every other path."""
    return _build_list(targets, reqs, None)


def _build_list(
    targets: Sequence[ModuleVersion],
    reqs: Reqs,
    upgrade: Callable[[ModuleVersion], ModuleVersion] | None,
) -> list[ModuleVersion]:
    g = Graph(_cmp_from_max(reqs), targets)
    upgrades: dict[ModuleVersion, ModuleVersion] = {}
    errs: dict[ModuleVersion, BaseException] = {}
    missing: set[ModuleVersion] = set()

    queue: deque[ModuleVersion] = deque()
    added: set[ModuleVersion] = set()
    for t in targets:
        if t not in added:
            added.add(t)
            queue.append(t)
    while queue:
        m = queue.popleft()
        required: list[ModuleVersion] = []
        err: BaseException | None = None
        if m.version != NONE:
            try:
                required = list(reqs.required(m))
            except NotLoaded as e:
                missing |= e.missing
            except GoError as e:
                err = e
        u = m
        if upgrade is not None:
            try:
                u = upgrade(m)
            except NotLoaded as e:
                missing |= e.missing
            except GoError as e:
                if err is None:
                    err = e
        if err is not None:
            errs[m] = err
        if u != m:
            upgrades[m] = u
            required.insert(0, u)
        g.require(m, required)
        for r in required:
            if r not in added:
                added.add(r)
                queue.append(r)

    if missing:
        raise NotLoaded(missing)
    if errs:
        err_path = g.find_path(lambda m: m in errs)
        if not err_path:
            raise AssertionError("internal error: could not reconstruct path to module with error")

        def is_upgrade(frm: ModuleVersion, to: ModuleVersion) -> bool:
            return upgrades.get(frm) == to

        raise BuildListError(errs[err_path[-1]], err_path, is_upgrade)

    out = g.build_list()
    if out[: len(targets)] != list(targets):
        raise AssertionError(f"mistake: chose versions {out[: len(targets)]} instead of targets {targets}")
    return out


def req(main: ModuleVersion, base: Iterable[str], reqs: Reqs) -> list[ModuleVersion]:
    """mvs.Req: a minimal requirement list for main that still lists every path in base."""
    blist = build_list([main], reqs)
    max_v = {m.path: m.version for m in blist}

    # Post-order of the requirement graph (requirements cached on the way).
    postorder: list[ModuleVersion] = []
    req_cache: dict[ModuleVersion, Sequence[ModuleVersion]] = {main: ()}

    def walk(m: ModuleVersion) -> None:
        # Iterative DFS with Go's visiting order: a module enters req_cache before its children.
        if m in req_cache:
            return
        req_cache[m] = reqs.required(m)
        stack: list[tuple[ModuleVersion, int]] = [(m, 0)]
        while stack:
            node, i = stack[-1]
            children = req_cache[node]
            if i < len(children):
                stack[-1] = (node, i + 1)
                child = children[i]
                if child not in req_cache:
                    req_cache[child] = reqs.required(child)
                    stack.append((child, 0))
            else:
                stack.pop()
                postorder.append(node)

    for m in blist:
        walk(m)

    have: set[ModuleVersion] = set()

    def walk_have(m: ModuleVersion) -> None:
        stack = [m]
        while stack:
            node = stack.pop()
            if node in have:
                continue
            have.add(node)
            # Reverse so that the first requirement is visited first, as in Go's recursion;
            # only the final set matters, so any order would do.
            stack.extend(reversed(req_cache.get(node, ())))

    minimal: list[ModuleVersion] = []
    have_base: set[str] = set()
    for path in base:
        if path in have_base:
            continue
        m = ModuleVersion(path, max_v.get(path, ""))
        minimal.append(m)
        walk_have(m)
        have_base.add(path)
    for m in reversed(postorder):
        if max_v.get(m.path) != m.version:
            continue  # an older version
        if m not in have:
            minimal.append(m)
            walk_have(m)
    # sort.Slice by path: the paths are unique, so the order is fully determined.
    minimal.sort(key=lambda m: m.path.encode())
    return minimal


def upgrade_all(target: ModuleVersion, reqs: UpgradeReqs) -> list[ModuleVersion]:
    """mvs.UpgradeAll: the build list with every module upgraded to its latest version."""

    def up(m: ModuleVersion) -> ModuleVersion:
        if m.path == target.path:
            return target
        return reqs.upgrade(m)

    return _build_list([target], reqs, up)


class _Override:
    """Reqs that answer `lst` for `target` and defer to `reqs` for everything else."""

    def __init__(self, target: ModuleVersion, lst: Sequence[ModuleVersion], reqs: Reqs) -> None:
        self.target = target
        self.list = list(lst)
        self.reqs = reqs

    def required(self, m: ModuleVersion) -> Sequence[ModuleVersion]:
        if m == self.target:
            return self.list
        return self.reqs.required(m)

    def max(self, p: str, v1: str, v2: str) -> str:
        return self.reqs.max(p, v1, v2)


def upgrade(target: ModuleVersion, reqs: UpgradeReqs, *upgrades: ModuleVersion) -> list[ModuleVersion]:
    """mvs.Upgrade: the build list with the given modules upgraded."""
    lst = list(reqs.required(target))
    path_in_list = {m.path for m in lst}
    upgrade_to: dict[str, str] = {}
    for u in upgrades:
        if u.path not in path_in_list:
            lst.append(ModuleVersion(u.path, NONE))
        if u.path in upgrade_to:
            upgrade_to[u.path] = reqs.max(u.path, upgrade_to[u.path], u.version)
        else:
            upgrade_to[u.path] = u.version

    def up(m: ModuleVersion) -> ModuleVersion:
        v = upgrade_to.get(m.path)
        return ModuleVersion(m.path, v) if v is not None else m

    return _build_list([target], _Override(target, lst, reqs), up)


def downgrade(target: ModuleVersion, reqs: DowngradeReqs, *downgrades: ModuleVersion) -> list[ModuleVersion]:
    """mvs.Downgrade: the build list with the given modules downgraded."""
    lst = build_list([target], reqs)[1:]
    max_v: dict[str, str] = {r.path: r.version for r in lst}
    for d in downgrades:
        v = max_v.get(d.path)
        if v is None or reqs.max(d.path, v, d.version) != d.version:
            max_v[d.path] = d.version

    added: set[ModuleVersion] = set()
    rdeps: dict[ModuleVersion, list[ModuleVersion]] = {}
    excluded: set[ModuleVersion] = set()

    def exclude(m: ModuleVersion) -> None:
        stack = [m]
        while stack:
            x = stack.pop()
            if x in excluded:
                continue
            excluded.add(x)
            stack.extend(rdeps.get(x, ()))

    def add(m: ModuleVersion) -> None:
        if m in added:
            return
        added.add(m)
        v = max_v.get(m.path)
        if v is not None and reqs.max(m.path, m.version, v) != v:
            # m would upgrade an existing dependency: not a strict downgrade.
            exclude(m)
            return
        try:
            required = reqs.required(m)
        except GoError:
            # The go.mod could not be loaded (often an old, invalid one): treat m as unusable.
            exclude(m)
            return
        for r in required:
            add(r)
            if r in excluded:
                exclude(m)
                return
            rdeps.setdefault(r, []).append(m)

    downgraded: list[ModuleVersion] = [target]
    for r in lst:
        add(r)
        skip = False
        while r in excluded:
            p = reqs.previous(r)
            # A pseudo-version target may be skipped by previous(): insert it in its place.
            v = max_v.get(r.path, "")
            if reqs.max(r.path, v, r.version) != v and reqs.max(r.path, p.version, v) != p.version:
                p = ModuleVersion(p.path, v)
            if p.version == NONE:
                skip = True
                break
            add(p)
            r = p
        if not skip:
            downgraded.append(r)

    # Recompute with the versions MVS actually selects for the downgraded modules, so that the
    # dependencies of versions pulled back up do not add spurious requirements.
    actual = build_list([target], _Override(target, downgraded, reqs))
    actual_version = {m.path: m.version for m in actual}
    downgraded = [ModuleVersion(m.path, actual_version[m.path]) for m in lst if m.path in actual_version]
    return build_list([target], _Override(target, downgraded, reqs))
