"""One scenario per diagnostic kind: the files on disk, the document opened, the code expected,
and how the problem is then fixed (the server's quick fix, an edit typed in the editor, a
change on disk announced through workspace/didChangeWatchedFiles, or a command)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gomodls.modfile.gosum import EMPTY_GO_MOD_HASH
from gomodls.module.sumhash import go_mod_hash

M = "module example.com/m\n\ngo 1.21\n"
H1 = go_mod_hash(b"module a.com/b\n")
H2 = go_mod_hash(b"module a.com/b\n\ngo 1.21\n")
A = "module example.com/a\n\ngo 1.21\n"
MAIN_GO = 'package main\n\nimport _ "a.com/b"\n\nfunc main() {}\n'


@dataclass(frozen=True)
class Action:
    title: str  # the quick fix to apply


@dataclass(frozen=True)
class Edit:
    old: str  # typed in the editor: replace the first `old` by `new`
    new: str


@dataclass(frozen=True)
class Disk:
    files: dict[str, str | None]  # written (None: deleted), then announced as watched-file changes


@dataclass(frozen=True)
class Command:
    name: str  # the quick fix is this command


@dataclass(frozen=True)
class Case:
    code: str
    text: str
    fix: Action | Edit | Disk | Command
    name: str = ""
    file: str = "go.mod"
    files: dict[str, str] = field(default_factory=dict)
    token: str | None = None  # the text the range covers, when worth spelling out
    needs_go: bool = False  # appears once the server knows the local go version

    @property
    def id(self) -> str:
        return self.name or self.code


CASES: list[Case] = [
    # ----------------------------------------------------------------- the parser
    Case("syntax-error", M + "require (\n\ta.com/b v1.0.0\n", Edit("v1.0.0\n", "v1.0.0\n)\n")),
    Case("unknown-directive", M + "foo bar\n", Edit("foo bar\n", ""), token="foo"),
    Case("unknown-block-type", M + "require foo (\n)\n", Edit("require foo (", "require (")),
    Case("invalid-quoted-string", 'module "example.com/m\\q"\n', Edit("m\\q", "m")),
    Case("invalid-version", M + "require a.com/b vx\n", Edit("vx", "v1.0.0"), token="vx"),
    Case("invalid-module-path", M + "require a.com/b/v1 v1.0.0\n", Edit("b/v1", "b")),
    Case("version-major-mismatch", M + "require a.com/b v2.0.0\n", Action("Use module path a.com/b/v2")),
    Case("invalid-go-version", "module example.com/m\n\ngo 1.x\n", Edit("1.x", "1.21"), token="1.x"),
    Case("invalid-toolchain-version", M + "toolchain 1.21\n", Edit("toolchain 1.21", "toolchain go1.21.0")),
    Case(
        "invalid-replacement",
        M + "replace a.com/b => ./x v1.0.0\n",
        Edit("./x v1.0.0", "./x"),
        files={"x/go.mod": "module a.com/b\n"},
    ),
    Case("invalid-retract", M + "retract [v1.0.0\n", Edit("[v1.0.0", "[v1.0.0, v1.1.0]")),
    Case("repeated-statement", M + "go 1.22\n", Edit("go 1.22\n", "")),
    Case("usage", M + "require a.com/b\n", Edit("a.com/b", "a.com/b v1.0.0")),
    # ----------------------------------------------------------------- go.mod checks
    Case("missing-module", "go 1.21\n", Edit("go 1.21", "module example.com/m\n\ngo 1.21")),
    Case(
        "reserved-module-path",
        "module go\n\ngo 1.21\n",
        Edit("module go", "module example.com/go"),
        token="go",
    ),
    Case(
        "malformed-module-path", 'module "a b"\n\ngo 1.21\n', Edit('"a b"', "example.com/ab"), token='"a b"'
    ),
    Case("unrequirable-module-path", "module m\n\ngo 1.21\n", Edit("module m", "module example.com/m")),
    Case(
        "go-version-too-new",
        "module example.com/m\n\ngo 1.99\n",
        Edit("1.99", "1.21"),
        token="1.99",
        needs_go=True,
    ),
    Case(
        "toolchain-older-than-go",
        "module example.com/m\n\ngo 1.22\n\ntoolchain go1.21.0\n",
        Action("Remove the toolchain line"),
        token="go1.21.0",
    ),
    Case("unknown-godebug", M + "godebug nosuch=1\n", Edit("nosuch", "panicnil"), token="nosuch"),
    Case("removed-godebug", M + "godebug x509sha1=1\n", Edit("=1", "=0"), token="1"),
    Case("invalid-godebug", M + "godebug default=1.21\n", Edit("=1.21", "=go1.21"), token="1.21"),
    Case("noncanonical-version", M + "require a.com/b v1.2\n", Action("Use v1.2.0"), token="v1.2"),
    Case(
        "duplicate-require",
        M + "require a.com/b v1.0.0\nrequire a.com/b v1.0.0\n",
        Action("Remove this requirement"),
        token="a.com/b",
    ),
    Case(
        "conflicting-require",
        M + "require a.com/b v1.0.0\nrequire a.com/b v1.1.0\n",
        Action("Remove this requirement"),
        token="v1.1.0",
    ),
    Case(
        "excluded-require",
        M + "require a.com/b v1.0.0\nexclude a.com/b v1.0.0\n",
        Action("Remove the exclude"),
        token="v1.0.0",
    ),
    Case(
        "duplicate-replace",
        M + "replace a.com/b => a.com/c v1.0.0\nreplace a.com/b => a.com/c v1.0.0\n",
        Action("Remove this replacement"),
        token="a.com/b",
    ),
    Case(
        "conflicting-replace",
        M + "replace a.com/b => a.com/c v1.0.0\nreplace a.com/b => a.com/d v1.0.0\n",
        Action("Remove the other replacement"),
        token="a.com/d v1.0.0",
    ),
    Case(
        "replacement-in-vendor",
        M + "require a.com/b v1.0.0\nreplace a.com/b => ./vendor/b\n",
        Edit("./vendor/b", "./b"),
        files={"vendor/b/go.mod": "module a.com/b\n", "b/go.mod": "module a.com/b\n"},
        token="./vendor/b",
    ),
    Case(
        "replacement-dir-missing",
        M + "require a.com/b v1.0.0\nreplace a.com/b => ./b\n",
        Edit("./b", "./other"),
        files={"other/go.mod": "module a.com/b\n"},
        token="./b",
    ),
    Case(
        "replacement-no-go-mod",
        M + "require a.com/b v1.0.0\nreplace a.com/b => ./b\n",
        Disk({"b/go.mod": "module a.com/b\n"}),
        files={"b/b.go": "package b\n"},
    ),
    Case(
        "replacement-go-mod-error",
        M + "require a.com/b v1.0.0\nreplace a.com/b => ./b\n",
        Disk({"b/go.mod": "module a.com/b\n"}),
        files={"b/go.mod": "module a.com/b\nrequire x\n"},
    ),
    Case(
        "replacement-path-mismatch",
        M + "require a.com/b v1.0.0\nreplace a.com/b => ./b\n",
        Disk({"b/go.mod": "module a.com/b\n"}),
        files={"b/go.mod": "module a.com/c\n"},
    ),
    Case(
        "unused-replace",
        M + "replace a.com/x => a.com/y v1.0.0\n",
        Action("Remove this replacement"),
        files={"go.sum": ""},
        token="a.com/x",
    ),
    Case(
        "retract-without-module",
        "go 1.21\n\nretract v1.0.0\n",
        Edit("go 1.21", "module example.com/m\ngo 1.21"),
        token="retract",
    ),
    Case("invalid-version", M + 'retract "bad"\n', Edit('"bad"', "v1.0.0"), name="invalid-retract-version"),
    Case(
        "empty-retract-interval",
        M + "retract [v1.2.0, v1.1.0]\n",
        Edit("[v1.2.0, v1.1.0]", "[v1.1.0, v1.2.0]"),
        token="[v1.2.0, v1.1.0]",
    ),
    Case(
        "version-major-mismatch",
        "module example.com/m/v2\n\ngo 1.21\n\nretract v1.0.0 // not this module's major\n",
        Edit("retract v1.0.0", "retract v2.0.0"),
        name="retract-wrong-major",
        token="v1.0.0",
    ),
    Case("malformed-tool-path", M + "tool ../x\n", Edit("../x", "example.com/m/cmd/x"), token="../x"),
    Case(
        "tool-not-provided",
        M + "tool a.com/b/cmd\n",
        Edit("tool a.com/b/cmd", "require a.com/b v1.0.0\n\ntool a.com/b/cmd"),
        token="a.com/b/cmd",
    ),
    Case("ignore-dir-missing", M + "ignore ./gone\n", Edit("./gone", "./here"), files={"here/x.txt": ""}),
    Case(
        "many-require-blocks",
        "module example.com/m\n\ngo 1.27\n\nrequire a.com/a v1.0.0\n\nrequire a.com/b v1.0.0\n\nrequire a.com/c v1.0.0\n",
        Edit("go 1.27", "go 1.26"),
    ),
    Case(
        "inconsistent-vendoring",
        M + "require a.com/b v1.0.0\n\nreplace a.com/b => ./b\n",
        Command("gomodls.vendor"),
        files={
            "main.go": MAIN_GO,
            "b/go.mod": "module a.com/b\n\ngo 1.21\n",
            "b/b.go": "package b\n",
            "vendor/modules.txt": "# a.com/b v1.0.0 => ./b\na.com/b\n# a.com/b => ./b\n",
        },
    ),
    Case(
        "vendor-go-too-new",
        M + "require a.com/b v1.0.0\n",
        Disk({"vendor/modules.txt": "# a.com/b v1.0.0\n## explicit; go 1.21\na.com/b\n"}),
        files={"vendor/modules.txt": "# a.com/b v1.0.0\n## explicit; go 1.99\na.com/b\n"},
        needs_go=True,
    ),
    # ----------------------------------------------------------------- go.work checks
    Case(
        "duplicate-use",
        "go 1.21\n\nuse ./a\nuse ./a\n",
        Action("Remove this use"),
        file="go.work",
        files={"a/go.mod": A},
    ),
    Case(
        "use-dir-missing", "go 1.21\n\nuse ./a\n", Edit("./a", "./b"), file="go.work", files={"b/go.mod": A}
    ),
    Case(
        "use-without-go-mod",
        "go 1.21\n\nuse ./a\n",
        Disk({"a/go.mod": A}),
        file="go.work",
        files={"a/a.go": "package a\n"},
        token="./a",
    ),
    Case(
        "used-module-error",
        "go 1.21\n\nuse ./a\n",
        Disk({"a/go.mod": A}),
        file="go.work",
        files={"a/go.mod": "go 1.21\n"},
    ),
    Case(
        "duplicate-module-path",
        "go 1.21\n\nuse ./a\nuse ./b\n",
        Disk({"b/go.mod": "module example.com/b\n\ngo 1.21\n"}),
        file="go.work",
        files={"a/go.mod": A, "b/go.mod": A},
        token="./b",
    ),
    Case(
        "work-go-too-old",
        "go 1.21\n\nuse ./a\n",
        Action("Set the go.work go line to 1.22"),
        file="go.work",
        files={"a/go.mod": "module example.com/a\n\ngo 1.22\n"},
    ),
    Case(
        "workspace-module-replaced",
        "go 1.21\n\nuse ./a\n\nreplace example.com/a => ./c\n",
        Action("Remove this replacement"),
        file="go.work",
        files={"a/go.mod": A, "c/go.mod": A},
        token="example.com/a",
    ),
    Case(
        "conflicting-workspace-replace",
        "go 1.21\n\nuse ./a\nuse ./b\n",
        Action("Use ./a/x for example.com/x in go.work"),
        file="go.work",
        files={
            "a/go.mod": A + "replace example.com/x => ./x\n",
            "b/go.mod": "module example.com/b\n\ngo 1.21\n\nreplace example.com/x => ./x\n",
        },
    ),
    Case(
        "go-version-too-new",
        "go 1.99\n\nuse ./a\n",
        Edit("1.99", "1.21"),
        name="work-go-version-too-new",
        file="go.work",
        files={"a/go.mod": A},
        needs_go=True,
    ),
    Case(
        "unknown-godebug",
        "go 1.23\n\nuse ./a\n\ngodebug nosuch=1\n",
        Edit("nosuch", "panicnil"),
        name="work-unknown-godebug",
        file="go.work",
        files={"a/go.mod": A},
        token="nosuch",
    ),
    # ----------------------------------------------------------------- go.sum
    Case("malformed-go-sum", "a.com/b v1.0.0\n", Edit("v1.0.0", f"v1.0.0 {H2}"), file="go.sum"),
    Case("invalid-sum-version", f"a.com/b 1.0 {H2}\n", Edit(" 1.0 ", " v1.0.0 "), file="go.sum", token="1.0"),
    Case(
        "ignored-sum-hash",
        f"a.com/b v1.0.0/go.mod {EMPTY_GO_MOD_HASH}\n",
        Action("Remove this line"),
        file="go.sum",
    ),
    Case("bad-sum-hash", "a.com/b v1.0.0 h1:short\n", Edit("h1:short", H2), file="go.sum", token="h1:short"),
    Case("unknown-sum-hash", "a.com/b v1.0.0 h2:x\n", Edit("h2:x", H2), file="go.sum"),
    Case(
        "duplicate-sum-line",
        f"a.com/b v1.0.0/go.mod {H1}\na.com/b v1.0.0/go.mod {H1}\n",
        Action("Remove this line"),
        file="go.sum",
    ),
    Case(
        "conflicting-sum-hash",
        f"a.com/b v1.0.0/go.mod {H1}\na.com/b v1.0.0/go.mod {H2}\n",
        Edit(f"a.com/b v1.0.0/go.mod {H2}\n", ""),
        file="go.sum",
    ),
    Case(
        "duplicate-sum-line",
        f"a.com/b v1.0.0 {H1}\na.com/b v1.0.0 {H1}\n",
        Action("Remove this line"),
        name="go.work.sum-duplicate",
        file="go.work.sum",
    ),
]
