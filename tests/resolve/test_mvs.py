"""The table tests of cmd/go/internal/mvs (mvs_test.go), run against gomodls.resolve.mvs, plus
tests of the incremental Graph and of BuildListError texts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from gomodls.module.errors import GoError, ModuleError
from gomodls.module.paths import ModuleVersion
from gomodls.resolve import mvs
from gomodls.resolve.buildlist import cmp_version
from gomodls.resolve.summary import NotLoaded

TABLE = Path(__file__).with_name("mvs_testdata.txt")


def m(s: str) -> ModuleVersion:
    return ModuleVersion(s[:1], s[1:])


def ms(words: Sequence[str]) -> list[ModuleVersion]:
    return [m(w) for w in words]


class ReqsMap(dict[ModuleVersion, list[ModuleVersion]]):
    """mvs_test.go's reqsMap: versions compare as strings, "none" lowest, "" highest."""

    def max(self, _: str, v1: str, v2: str) -> str:
        if v1 == "none" or v2 == "":
            return v2
        if v2 == "none" or v1 == "":
            return v1
        return v2 if v1 < v2 else v1

    def upgrade(self, mod: ModuleVersion) -> ModuleVersion:
        u = ModuleVersion("", "none")
        for k in self:
            if (
                k.path == mod.path
                and self.max(k.path, u.version, k.version) == k.version
                and not k.version.endswith(".hidden")
            ):
                u = k
        if u.path == "":
            raise GoError(f"missing module: {ModuleVersion(mod.path, '')}")
        return u

    def previous(self, mod: ModuleVersion) -> ModuleVersion:
        p = ModuleVersion("", "")
        for k in self:
            if (
                k.path == mod.path
                and p.version < k.version < mod.version
                and not k.version.endswith(".hidden")
            ):
                p = k
        if p.path == "":
            return ModuleVersion(mod.path, "none")
        return p

    def required(self, mod: ModuleVersion) -> list[ModuleVersion]:
        if mod not in self:
            raise GoError(f"missing module: {mod}")
        return self[mod]


def _table() -> list[tuple[str, ReqsMap, list[tuple[str, Callable[[], list[ModuleVersion]], str]]]]:
    """(name, reqs, [(key, function, expected)]) for each "name:" section of the table."""
    sections: list[tuple[str, ReqsMap, list[tuple[str, Callable[[], list[ModuleVersion]], str]]]] = []
    for raw in TABLE.read_text().split("\n"):
        line = raw.strip()
        if line.startswith("#") or line == "":
            continue
        key, _, val = line.partition(":")
        key, val = key.strip(), val.strip()
        kf = key.split()
        if kf[0] == "name":
            sections.append((val, ReqsMap(), []))
            continue
        name, reqs, fns = sections[-1]
        del name
        if kf[0] == "build":
            fns.append((key, lambda r=reqs, a=kf: mvs.build_list([m(a[1])], r), val))
        elif kf[0] == "upgrade*":
            fns.append((key, lambda r=reqs, a=kf: mvs.upgrade_all(m(a[1]), r), val))
        elif kf[0] == "upgradereq":

            def upgradereq(r: ReqsMap = reqs, a: list[str] = kf) -> list[ModuleVersion]:
                lst = mvs.upgrade(m(a[1]), r, *ms(a[2:]))
                up = ReqsMap(r)
                up[m(a[1])] = lst
                return mvs.req(m(a[1]), [], up)

            fns.append((key, upgradereq, val))
        elif kf[0] == "upgrade":
            fns.append((key, lambda r=reqs, a=kf: mvs.upgrade(m(a[1]), r, *ms(a[2:])), val))
        elif kf[0] == "downgrade":
            fns.append((key, lambda r=reqs, a=kf: mvs.downgrade(m(a[1]), r, *ms(a[1:])), val))
        elif kf[0] == "req":
            fns.append((key, lambda r=reqs, a=kf: mvs.req(m(a[1]), a[2:], r), val))
        elif len(kf) == 1 and "A" <= key[0] <= "Z":
            rs = []
            for f in val.split():
                r = m(f)
                reqs.setdefault(r, [])
                rs.append(r)
            reqs[m(key)] = rs
        else:
            raise AssertionError(f"bad line: {line!r}")
    return sections


SECTIONS = _table()


def test_table_is_complete() -> None:
    assert len(SECTIONS) >= 39
    assert sum(len(fns) for _, _, fns in SECTIONS) == 77  # every build, req, upgrade... line


@pytest.mark.parametrize("section", SECTIONS, ids=[s[0] for s in SECTIONS])
def test_mvs_table(
    section: tuple[str, ReqsMap, list[tuple[str, Callable[[], list[ModuleVersion]], str]]],
) -> None:
    _, _, fns = section
    assert fns, "no functions tested"
    for key, fn, want in fns:
        assert fn() == ms(want.split()), key


# --------------------------------------------------------------------------- Graph


def mv(path: str, version: str) -> ModuleVersion:
    return ModuleVersion(path, version)


def test_graph_selection_and_build_list_order() -> None:
    main = mv("example.com/main", "")
    g = mvs.Graph(cmp_version, [main])
    g.require(main, [mv("b.example/x", "v1.0.0"), mv("a.example/y", "v1.2.0")])
    g.require(mv("b.example/x", "v1.0.0"), [mv("a.example/y", "v1.3.0"), mv("c.example/z", "v0.1.0")])
    assert g.selected("a.example/y") == "v1.3.0"
    assert g.selected("nope") == "none"
    # Roots first, then the rest sorted by path.
    assert g.build_list() == [
        main,
        mv("a.example/y", "v1.3.0"),
        mv("b.example/x", "v1.0.0"),
        mv("c.example/z", "v0.1.0"),
    ]
    with pytest.raises(AssertionError, match="not reachable"):
        g.require(mv("d.example/q", "v1.0.0"), [])
    with pytest.raises(AssertionError, match="already been set"):
        g.require(main, [])


def test_graph_find_path_is_shortest_and_walk_is_breadth_first() -> None:
    main = mv("m", "")
    a, b, c, d = (mv(p, "v1.0.0") for p in "abcd")
    g = mvs.Graph(cmp_version, [main])
    g.require(main, [a, b])
    g.require(a, [c])
    g.require(c, [d])
    g.require(b, [d])
    assert g.find_path(lambda x: x == d) == [main, b, d]
    seen: list[ModuleVersion] = []
    g.walk_breadth_first(seen.append)
    assert seen == [main, a, b, c, d]
    assert g.find_path(lambda x: x.path == "zz") is None


def test_build_list_error_text() -> None:
    main = mv("m", "")
    a, b = mv("example.com/a", "v1.0.0"), mv("example.com/b", "v1.1.0")
    plain = mvs.BuildListError(GoError("boom"), [main, a, b])
    assert str(plain) == "example.com/a@v1.0.0 requires\n\texample.com/b@v1.1.0: boom"
    replaced = mvs.BuildListError(ModuleError("example.com/fork", "v2.0.0", "gone"), [main, b])
    assert str(replaced) == "example.com/b@v1.1.0 (replaced by example.com/fork@v2.0.0): gone"
    same = mvs.BuildListError(ModuleError("example.com/b", "v1.1.0", "gone"), [main, b])
    assert str(same) == "example.com/b@v1.1.0: gone"
    only_main = mvs.BuildListError(GoError("no"), [main])
    assert str(only_main) == "no"


def test_build_list_collects_every_missing_module() -> None:
    class Lazy(ReqsMap):
        def required(self, mod: ModuleVersion) -> list[ModuleVersion]:
            if mod.version == "2":
                raise NotLoaded(mod)
            return super().required(mod)

    reqs = Lazy({m("A"): ms(["B2", "C1"]), m("C1"): ms(["D2"])})
    with pytest.raises(NotLoaded) as e:
        mvs.build_list([m("A")], reqs)
    assert e.value.missing == {m("B2"), m("D2")}
