"""Seeded random module universes for the module-graph conformance tests.

`generate(seed)` returns a `Scenario`: a module proxy (every module version's go.mod and .info,
and the @v/list files), and the files of a main module (module mode) or of a workspace of 2-3
modules (go.work with `use` and replaces), including local directories that replace modules.

What the universes contain, all at random: dozens of modules with several versions each
(releases, prereleases, pseudo-versions), `/v2` paths, `+incompatible` versions, paths with
upper-case letters (case-escaped in the proxy), go.mod files without a go line or at go 1.16
(unpruned graphs) and at go 1.17+ (pruned), up to 1.24 (go >= 1.21 adds the `go` requirement),
cycles, retractions, `// indirect` comments, modules whose go.mod declares another path, forks
declaring the path they replace, and — in some universes — requirements of versions that do not
exist. Main modules add duplicate requirements, excludes, versioned and wildcard replaces to other
module versions and to local directories, toolchain lines, and sometimes no go line.

The same seed always gives the same scenario (random.Random(seed)).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field

from gomodls.module import gover
from gomodls.module.paths import escape_path, escape_version
from gomodls.module.sumhash import go_mod_hash

WORDS = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu",
]  # fmt: skip
DOMAINS = ["example.com", "golang.example.org", "git.example.net/team"]
RELEASES = ["v0.1.0", "v0.2.0", "v0.9.1", "v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0-rc.1", "v1.3.0", "v1.10.0"]
PSEUDOS = ["v0.0.0-20190102150405-abcdef012345", "v1.2.1-0.20200304050607-0123456789ab"]
V2 = ["v2.0.0", "v2.1.0", "v2.2.0-beta.1", "v2.2.0"]
INCOMPATIBLE = ["v2.0.0+incompatible", "v3.1.0+incompatible"]
DEP_GO = [None, "1.14", "1.16", "1.16", "1.17", "1.18", "1.20", "1.21", "1.21.0", "1.22.0", "1.22.5", "1.23.0"]  # fmt: skip
MAIN_GO = ["1.16", "1.17", "1.20", "1.21.0", "1.22.0", "1.23.0", "1.24.0", "1.24.0"]


@dataclass
class ProxyVersion:
    mod: str | None  # the .mod file (None: missing)
    time: str
    info: bool = True  # has a .info file
    listed: bool = True


@dataclass
class Scenario:
    seed: int
    workspace: bool
    proxy: dict[tuple[str, str], ProxyVersion] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text
    main_dirs: list[str] = field(default_factory=list)  # relative dirs of the main modules, in order
    cwd: str = "."  # where the go command runs (relative)

    def mod_text(self, path: str, version: str) -> str | None:
        pv = self.proxy.get((path, version))
        return pv.mod if pv else None

    def go_sum_lines(self, rng: random.Random, drop: float) -> str:
        """go.sum lines for the go.mod file of every module version (dropping some)."""
        lines = []
        for (path, version), pv in sorted(self.proxy.items()):
            if pv.mod is None or rng.random() < drop:
                continue
            lines.append(f"{path} {version}/go.mod {go_mod_hash(pv.mod.encode())}\n")
        return "".join(lines)

    def write_proxy(self, root: str) -> None:
        import os

        lists: dict[str, list[str]] = {}
        for (path, version), pv in self.proxy.items():
            d = os.path.join(root, escape_path(path), "@v")
            os.makedirs(d, exist_ok=True)
            ev = escape_version(version)
            if pv.mod is not None:
                with open(os.path.join(d, ev + ".mod"), "w") as f:
                    f.write(pv.mod)
            if pv.info:
                with open(os.path.join(d, ev + ".info"), "w") as f:
                    f.write(json.dumps({"Version": version, "Time": pv.time}))
            if pv.listed:
                lists.setdefault(path, []).append(version)
        for path, versions in lists.items():
            with open(os.path.join(root, escape_path(path), "@v", "list"), "w") as f:
                f.write("".join(v + "\n" for v in versions))


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.paths: list[str] = []
        self.versions: dict[str, list[str]] = {}
        self.sc = Scenario(seed, workspace=False)
        self.broken = self.rng.random() < 0.15  # universes with errors on purpose

    # ----------------------------------------------------------------- universe

    def universe(self, published_mains: list[str] = ()) -> None:  # type: ignore[assignment]
        """Modules, their versions and go.mod files; published_mains: main module paths that
        also have published versions (which other modules may require)."""
        rng = self.rng
        for p in published_mains:
            self.paths.append(p)
            self.versions[p] = ["v1.0.0"] if rng.random() < 0.7 else ["v0.1.0", "v1.0.0"]
        n = rng.randint(12, 60)
        names = rng.sample([f"{w}{i or ''}" for w in WORDS for i in range(3)], n)
        for name in names:
            domain = rng.choice(DOMAINS)
            kind = rng.random()
            if name[0] in "bk" and kind < 0.5:
                name = name.capitalize()  # needs case escaping in the proxy
            path = f"{domain}/{name}"
            if kind < 0.12:
                path += "/v2"
                pool = V2
            else:
                pool = RELEASES + PSEUDOS
            versions = sorted(set(rng.sample(pool, rng.randint(1, min(5, len(pool))))))
            if kind > 0.9:
                versions += rng.sample(INCOMPATIBLE, rng.randint(1, 2))
            self.paths.append(path)
            self.versions[path] = versions
        # Module versions' go.mod files, once every path exists (requirements point anywhere).
        for idx, path in enumerate(self.paths):
            for v in self.versions[path]:
                self.sc.proxy[(path, v)] = ProxyVersion(
                    self.dep_mod(idx, path, v), self.time(), listed="-0." not in v and "-2019" not in v
                )

    def time(self) -> str:
        rng = self.rng
        t = f"{rng.randint(2018, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        r = rng.random()
        if r < 0.1:
            return t + ".250000Z"
        if r < 0.15:
            return t + "+02:00"
        return t + "Z"

    def pick_version(self, path: str) -> str:
        if self.broken and self.rng.random() < 0.03:
            return "v1.99.0" if not path.endswith("/v2") else "v2.99.0"
        return self.rng.choice(self.versions[path])

    def dep_mod(self, idx: int, path: str, version: str) -> str:
        rng = self.rng
        lines = []
        declared = path
        r = rng.random()
        if r < (0.03 if self.broken else 0.004):
            declared = path + "-renamed"
        if "+incompatible" in version:
            return f"module {path}\n"  # what proxies serve for pre-module major versions
        if not (self.broken and r > 0.995):
            lines.append(f"module {declared}")
        go = rng.choice(DEP_GO)
        if self.broken and rng.random() < 0.01:
            go = "1.28.0"  # newer than the emulated go command
        if go is not None:
            lines.append(f"\ngo {go}")
        reqs = []
        for _ in range(rng.choice([0, 0, 1, 1, 2, 2, 3, 4])):
            # Mostly "later" modules (a DAG), sometimes earlier ones (cycles).
            j = (
                rng.randrange(idx + 1, len(self.paths))
                if idx + 1 < len(self.paths) and rng.random() < 0.85
                else rng.randrange(len(self.paths))
            )
            dep = self.paths[j]
            if dep == path and rng.random() < 0.7:
                continue
            reqs.append((dep, self.pick_version(dep), rng.random() < 0.3))
        if reqs:
            if rng.random() < 0.5:
                lines.append("\nrequire (")
                for dep, v, ind in reqs:
                    lines.append(f"\t{dep} {v}" + (" // indirect" if ind else ""))
                lines.append(")")
            else:
                for dep, v, ind in reqs:
                    lines.append(f"require {dep} {v}" + (" // indirect" if ind else ""))
        if rng.random() < 0.15:
            lines.append(f"\nretract {rng.choice(self.versions[path])} // oops")
        if rng.random() < 0.05:
            lines.append(f"exclude {rng.choice(self.paths)} v1.0.0")  # ignored in dependencies
        return "\n".join(lines) + "\n"

    # ----------------------------------------------------------------- main modules

    def main_mod(self, path: str, base: str, others: list[str], *, ws_dir: str | None = None) -> str:
        """A main go.mod; base is the directory holding it (relative to the work dir)."""
        rng = self.rng
        lines = [f"module {path}"]
        if not (rng.random() < 0.05):
            lines.append(f"\ngo {rng.choice(MAIN_GO)}")
        if rng.random() < 0.1:
            lines.append(f"\ntoolchain go{rng.choice(['1.21.0', '1.22.1', '1.24.0', '1.20'])}")
        roots = rng.sample(self.paths, min(len(self.paths), rng.randint(1, 12)))
        lines.append("\nrequire (")
        for dep in roots:
            lines.append(f"\t{dep} {self.pick_version(dep)}" + (" // indirect" if rng.random() < 0.3 else ""))
            if rng.random() < 0.05:
                lines.append(f"\t{dep} {self.pick_version(dep)}")  # a duplicate requirement
        for o in others:
            # Workspace modules requiring each other: usually at a published version.
            if rng.random() < 0.5 and ((o, "v1.0.0") in self.sc.proxy or rng.random() < 0.2):
                lines.append(f"\t{o} v1.0.0")
        if rng.random() < 0.03:
            lines.append(f"\t{path} v1.0.0")  # a requirement on itself
        lines.append(")")
        for _ in range(rng.choice([0, 0, 1, 2])):
            p = rng.choice(self.paths)
            lines.append(f"exclude {p} {rng.choice(self.versions[p])}")
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            lines.append("replace " + self.replace(base, ws_dir))
        if rng.random() < 0.05 and lines[-1].startswith(("exclude", "replace")):
            lines.append(lines[-1])  # a duplicate exclude or replace line
        return "\n".join(lines) + "\n"

    def replace(self, base: str, ws_dir: str | None) -> str:
        """One replacement `old => new`; base: directory of the file it goes into."""
        rng = self.rng
        old = rng.choice(self.paths)
        old_v = "" if rng.random() < 0.5 else " " + rng.choice(self.versions[old])
        r = rng.random()
        if r < 0.35:
            new = rng.choice(self.paths)
            return f"{old}{old_v} => {new} {self.pick_version(new)}"
        if r < 0.5:
            return f"{old}{old_v} => {old} {self.pick_version(old)}"
        if r < 0.65:
            # A fork: another path whose go.mod declares the path it replaces.
            fork = f"example.com/fork/{old.replace('/', '-')}"
            v = "v1.0.0"
            self.sc.proxy[(fork, v)] = ProxyVersion(
                self.dep_mod(self.paths.index(old), old, "v1.0.0").replace(
                    f"module {old}-renamed", f"module {old}"
                ),
                self.time(),
            )
            return f"{old}{old_v} => {fork} {v}"
        # A local directory: beside the main module(s), or inside the module's directory.
        name = old.replace("/", "_").replace(".", "_")
        if rng.random() < 0.3:
            self.local_dir(f"{base}/third_party/{name}".removeprefix("./"), old)
            return f"{old}{old_v} => ./third_party/{name}"
        rel_dir = f"local/{name}"
        self.local_dir(rel_dir, old)
        depth = base.count("/") + 1 if base not in ("", ".") else 0
        prefix = "../" * depth if depth else "./"
        return f"{old}{old_v} => {prefix}{rel_dir}"

    def local_dir(self, rel_dir: str, path: str) -> None:
        rng = self.rng
        if rel_dir + "/go.mod" in self.sc.files:
            return
        if self.broken and rng.random() < 0.2:
            return  # a directory without go.mod
        declared = path if rng.random() < 0.8 else f"example.com/local/{rel_dir.rsplit('/', 1)[-1]}"
        text = self.dep_mod(self.paths.index(path), path, "v1.0.0")
        lines = text.splitlines()
        if lines and lines[0].startswith("module "):
            lines[0] = f"module {declared}"
        self.sc.files[rel_dir + "/go.mod"] = "\n".join(lines) + "\n"

    # ----------------------------------------------------------------- scenarios

    def module_mode(self) -> Scenario:
        self.universe(["example.com/main"] if self.rng.random() < 0.15 else [])
        self.sc.files["main/go.mod"] = self.main_mod("example.com/main", "main", [])
        self.sc.main_dirs = ["main"]
        self.sc.cwd = "main"
        return self.sc

    def workspace_mode(self) -> Scenario:
        rng = self.rng
        n = rng.randint(2, 3)
        names = ["ws/a", "ws/b", "ws/c"][:n]
        mpaths = [f"example.com/{x}" for x in names]
        # Published versions of (some) workspace modules, for requirements between them.
        self.universe([p for p in mpaths if rng.random() < 0.7])
        self.sc.workspace = True
        for d, p in zip(names, mpaths, strict=True):
            others = [o for o in mpaths if o != p]
            self.sc.files[f"{d}/go.mod"] = self.main_mod(p, d, others, ws_dir=".")
        # Usually a go version at least that of every module (else the go command refuses).
        go = rng.choice(["1.21.0", "1.22.0", "1.24.0", None])
        if rng.random() < 0.85:
            for d in names:
                m = re.search(r"^go (\S+)", self.sc.files[f"{d}/go.mod"], re.M)
                if m and (go is None or gover.compare(m.group(1), go) > 0):
                    go = m.group(1)
        lines = [] if go is None else [f"go {go}", ""]
        if rng.random() < 0.1:
            lines += ["toolchain go1.25.0", ""]
        order = names[:]
        rng.shuffle(order)
        lines.append("use (")
        lines.extend(f"\t./{d}" for d in order)
        lines.append(")")
        for _ in range(rng.choice([0, 1, 2])):
            lines.append("replace " + self.replace(".", "."))
        self.sc.files["go.work"] = "\n".join(lines) + "\n"
        self.sc.main_dirs = order
        self.sc.cwd = "."
        return self.sc


def generate(seed: int, workspace: bool = False) -> Scenario:
    g = _Gen(seed)
    return g.workspace_mode() if workspace else g.module_mode()


def wide_universe(
    n: int = 300, roots: int = 150, main_go: str = "1.22.0", seed: int = 1
) -> tuple[dict[tuple[str, str], str], str]:
    """A large acyclic universe for timing: n modules with three versions each (go 1.16 to
    1.22, up to six requirements), and a main go.mod requiring `roots` of them. Returns the
    go.mod texts by (path, version) and the main go.mod."""
    rng = random.Random(seed)
    paths = [f"example.com/m{i:03d}" for i in range(n)]
    versions = ["v1.0.0", "v1.1.0", "v1.2.0"]
    mods = {}
    for i, p in enumerate(paths):
        for v in versions:
            reqs = [
                f"require {paths[rng.randrange(i + 1, n)]} {rng.choice(versions)}\n"
                for _ in range(rng.randint(0, 6))
                if i + 1 < n
            ]
            go = rng.choice(["1.16", "1.17", "1.21.0", "1.22.0"])
            mods[(p, v)] = f"module {p}\n\ngo {go}\n\n" + "".join(reqs)
    main = f"module example.com/main\n\ngo {main_go}\n\nrequire (\n"
    main += "".join(f"\t{p} {rng.choice(versions)}\n" for p in rng.sample(paths, roots)) + ")\n"
    return mods, main
