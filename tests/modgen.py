"""Seeded random generator of go.mod and go.work texts, valid and broken.

``generate(seed, kind, valid)`` returns a :class:`Generated` whose ``data`` is the file's bytes.
The same (seed, kind, valid) always gives the same bytes (``random.Random`` seeded with a string,
which is hashed with SHA-512 and so independent of ``PYTHONHASHSEED``).

VALID files use every verb of the kind (go.mod: module with ``// Deprecated:`` paragraphs, go,
toolchain, godebug, require with ``// indirect`` variants, exclude, replace to directories and to
modules, retract with single versions, ``[low, high]`` intervals and rationale comments, tool,
ignore; go.work: go, toolchain, godebug, use, replace), as single lines, blocks, one-line blocks
and empty blocks, with comments and blank lines everywhere, quoted tokens (including escapes),
non-canonical versions (``v1.2``, ``+meta``), ``+incompatible``, pseudo-versions, ``/vN`` and
gopkg.in paths, unicode in comments, CRLF line endings, tabs, spaces and odd indentation. They
should be accepted by ``go mod edit -json`` / ``go work edit -json``.

BROKEN files start from a valid document and get one to three *faults* from :data:`FAULTS`:
semantic faults (unknown directives and blocks, argument counts, repeated statements, bad go and
toolchain versions, bad quoting, raw strings, bad versions, major-version mismatches, invalid
``/v1`` paths, every replace and retract error, ...) accumulate in Go, while at most one syntax
fault (``/*`` comments, unterminated strings and blocks, text after ``)``, BOM, control
characters, U+00A0, NUL, ...) stops Go at the first one. ``Generated.faults`` names what was
injected; ``Generated.features`` tags what the file contains (for coverage checks).

``generate_mutated(seed, kind)`` applies 1-4 blind character-level edits to a valid file
(the result may or may not parse); ``Generated.faults`` lists the edits.

Run ``python tests/modgen.py SEED [mod|work] [valid|broken|mutated]`` to print one file.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["mod", "work"]

# ----------------------------------------------------------------------------- document model


@dataclass
class Line:
    """A statement (top level: first token is the verb) or a line inside a block."""

    tokens: list[str]
    before: list[str] = field(default_factory=list)  # whole-line comments; "" = blank line
    suffix: str | None = None
    indent: str | None = None  # override of the indentation
    raw: str | None = None  # rendered verbatim instead of tokens (broken inputs only)


@dataclass
class Block:
    header: list[str]
    lines: list[Line] = field(default_factory=list)
    before: list[str] = field(default_factory=list)
    lparen_suffix: str | None = None
    rparen_before: list[str] = field(default_factory=list)
    rparen_suffix: str | None = None
    inline_empty: str | None = None  # "()" or "( )": empty block on the header line
    unterminated: bool = False
    after_rparen: str | None = None  # text right after ")" (broken inputs only)


@dataclass
class CommentBlock:
    comments: list[str]


Stmt = Line | Block | CommentBlock


@dataclass
class Style:
    eol: str = "\n"
    mixed_eol: bool = False
    indent: str = "\t"
    sep: str = " "
    top_indent: float = 0.0  # probability of indenting a top-level statement
    trailing_ws: float = 0.0
    final_newline: bool = True
    punct_glue: float = 0.5  # probability of no space around [ ] ,


@dataclass
class Doc:
    kind: Kind
    stmts: list[Stmt] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)  # blank lines after each statement
    style: Style = field(default_factory=Style)
    features: set[str] = field(default_factory=set)
    prefix: str = ""  # raw text before everything (a BOM, ...)
    suffix_raw: str = ""  # raw text after everything (an unterminated string, ...)

    def add(self, stmt: Stmt, index: int | None = None, gap: int = 1) -> None:
        if index is None:
            self.stmts.append(stmt)
            self.gaps.append(gap)
        else:
            self.stmts.insert(index, stmt)
            self.gaps.insert(index, gap)


@dataclass
class Generated:
    data: bytes
    kind: Kind
    valid: bool
    seed: int
    features: set[str] = field(default_factory=set)
    faults: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "go.work" if self.kind == "work" else "go.mod"

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="surrogateescape")


# ----------------------------------------------------------------------------- vocabularies

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "foo",
    "bar",
    "baz",
    "qux",
    "kit",
    "lib",
    "util",
    "core",
    "api",
    "cli",
    "x",
    "y",
    "z",
    "tools",
    "net",
    "yaml",
    "proto",
    "sdk",
]
HOSTS = [
    "example.com",
    "example.org",
    "github.com/acme",
    "golang.org/x",
    "go.uber.org",
    "k8s.io",
    "gitlab.com/group/sub",
    "cloud.google.com/go",
    "go.etcd.io",
    "rsc.io",
]
ODD_PATHS = [
    "m",
    "example.com/ünïcode",
    "example.com/a+b~c",
    "example.com/a_b.c-d",
    "example.com/UPPER/Case",
    "x/y.z",
    "example.com/a@b",
    "日本/語",
    "example.com/%41",
    "",
]
GO_VERSIONS = [
    "1.21",
    "1.21.0",
    "1.22.5",
    "1.23",
    "1.24.0",
    "1.25",
    "1.16",
    "1.17",
    "1.20",
    "1.20.14",
    "1.21rc1",
    "1.21.0rc1",
    "1.2beta1",
    "1.999",
    "1.26.1",
    "1.27",
]
TOOLCHAINS = [
    "go1.21.0",
    "default",
    "go1",
    "go1.22rc1",
    "go1.2rc1-gccgo",
    "go1.23.4",
    "go1.foo",
    "go1.27.3",
    "go1.",
]
GODEBUGS = [
    "panicnil=1",
    "asynctimerchan=0",
    "default=go1.21",
    "x509sha1=1",
    "httpmuxgo121=1",
    "tlsrsakex=1",
    "=x",
    "k=",
    "a==b",
    "gotypesalias=0",
    "multipathtcp=0",
    "zipinsecurepath=1",
]
DIRS = [
    "./x",
    "../x",
    "../../a/b",
    "/abs/path",
    ".",
    "..",
    "./sub/dir",
    "C:/x",
    "../fork",
    "./third_party/y",
    "./ünï",
    "/",
]
IGNORES = ["./node_modules", "static", "docs/build", "../x", "./.git", "testdata", "a/b/c"]
TOOLS = [
    "example.com/m/cmd/gen",
    "golang.org/x/tools/cmd/stringer",
    "example.com/tool",
    "github.com/acme/lint/v2/cmd/lint",
    "./cmd/local",
    "honnef.co/go/tools/cmd/staticcheck",
]
COMMENT_TEXTS = [
    "a comment",
    "TODO: remove",
    "héllo wörld",
    "日本語のコメント",
    "emoji 🎉🚀",
    "RTL שלום",
    "combining e\u0301",
    "zero\u200bwidth",
    "nbsp\u00a0inside",
    "tab\tinside",
    '<html> & "json"',
    "line\u2028sep",
    "/* not a block */",
    "require x v1.0.0",
    "( ) [ ] { } ,",
    "// double",
    "trailing spaces   ",
    "back\\slash",
    "`raw`",
    "'single'",
    "=> arrow",
    "",
    "   leading spaces",
]
ODD_COMMENT_TEXTS = [
    "nul\x00byte",
    "bom\ufeffinside",
    "bad utf8 \udcff\udcfe",
    "cr\ronly",
    "ctrl\x01\x1b",
    "del\x7f",
]
IDENT_ESCAPES = {
    "a": ["\\x61", "\\u0061", "\\141", "\\U00000061"],
    "e": ["\\x65", "\\u0065"],
    "o": ["\\x6f", "\\157"],
    "m": ["\\x6d"],
    "/": ["\\x2f", "\\u002f"],
}


class Gen:
    """Random choices for one file (all randomness flows through ``self.r``)."""

    def __init__(self, seed: int, kind: Kind, valid: bool) -> None:
        self.r = random.Random(f"modgen:{kind}:{'valid' if valid else 'broken'}:{seed}")
        self.kind = kind
        self.features: set[str] = set()

    # -- small helpers

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def pick(self, items: list[str] | tuple[str, ...]) -> str:
        return self.r.choice(items)

    def tag(self, *names: str) -> None:
        self.features.update(names)

    def word(self) -> str:
        return self.pick(WORDS)

    def comment(self) -> str:
        if self.chance(0.03):
            self.tag("odd-comment-bytes")
            text = self.pick(ODD_COMMENT_TEXTS)
        else:
            text = self.pick(COMMENT_TEXTS)
        if any(ord(c) > 127 for c in text):
            self.tag("unicode-comment")
        return self.pick(["// ", "//", "//  ", "//\t"]) + text

    def comments(self, p: float, most: int = 2) -> list[str]:
        out: list[str] = []
        while self.chance(p) and len(out) < most:
            out.append(self.comment())
        return out

    def quote(self, value: str) -> str:
        """A Go interpreted string literal for value, sometimes with needless escapes."""
        self.tag("quoted")
        out = ['"']
        for ch in value:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ch in IDENT_ESCAPES and self.chance(0.15):
                self.tag("quoted-escape")
                out.append(self.pick(IDENT_ESCAPES[ch]))
            else:
                out.append(ch)
        out.append('"')
        return "".join(out)

    def maybe_quote(self, value: str, p: float = 0.08) -> str:
        needs = " " in value or value == ""
        return self.quote(value) if needs or self.chance(p) else value

    # -- paths and versions

    def base_path(self) -> str:
        parts = [self.pick(HOSTS), self.word()]
        if self.chance(0.3):
            parts.append(self.word())
        return "/".join(parts)

    def semver(self, major: int, p_odd: float = 0.25) -> str:
        minor, patch = self.r.randint(0, 30), self.r.randint(0, 12)
        v = f"v{major}.{minor}.{patch}"
        if not self.chance(p_odd):
            return v
        form = self.r.randint(0, 6)
        if form == 0:
            self.tag("prerelease")
            return v + self.pick(["-rc.1", "-beta", "-alpha.0.1", "-pre", "-0.dev"])
        if form == 1:
            self.tag("pseudo-version")
            return f"v{major}.{minor}.{patch}-0.{self.timestamp()}-{self.hash()}"
        if form == 2:
            self.tag("noncanonical")
            return f"v{major}.{minor}"
        if form == 3:
            self.tag("noncanonical")
            return f"v{major}"
        if form == 4:
            self.tag("build-metadata")
            return v + self.pick(["+meta", "+build.1", "+20200101"])
        if form == 5:
            self.tag("pseudo-version")
            return f"v{major}.0.0-{self.timestamp()}-{self.hash()}"
        return v

    def timestamp(self) -> str:
        return (
            f"20{self.r.randint(10, 26):02d}{self.r.randint(1, 12):02d}{self.r.randint(1, 28):02d}"
            f"{self.r.randint(0, 23):02d}{self.r.randint(0, 59):02d}{self.r.randint(0, 59):02d}"
        )

    def hash(self) -> str:
        return "".join(self.r.choice("0123456789abcdef") for _ in range(12))

    def dep(self) -> tuple[str, str]:
        """A (path, version) pair that passes modulePathMajor and CheckPathMajor."""
        form = self.r.randint(0, 9)
        if form <= 4:
            if self.chance(0.15):
                self.tag("incompatible")
                return self.base_path(), f"v{self.r.randint(2, 9)}.{self.r.randint(0, 9)}.0+incompatible"
            return self.base_path(), self.semver(self.r.randint(0, 1))
        if form <= 6:
            n = self.r.randint(2, 12)
            self.tag("vN-path")
            if self.chance(0.1):
                self.tag("incompatible")
                return f"{self.base_path()}/v{n}", f"v{n}.1.0+incompatible"
            return f"{self.base_path()}/v{n}", self.semver(n)
        if form == 7:
            return self.gopkg_in()
        if form == 8:
            self.tag("odd-path")
            path = self.pick(ODD_PATHS)
            if path.endswith(("/%41",)) or "@" in path:
                path = self.base_path()
            return path, self.semver(self.r.randint(0, 1))
        self.tag("space-path")
        return f"example.com/{self.word()} {self.word()}", self.semver(1)

    def gopkg_in(self) -> tuple[str, str]:
        self.tag("gopkg.in")
        n = self.r.randint(0, 3)
        name = self.pick(["yaml", "check", "ini", "inf", "tomb"])
        path = f"gopkg.in/{name}.v{n}"
        if self.chance(0.2):
            path = f"gopkg.in/{self.word()}/{name}.v{n}"
        if self.chance(0.15) and n > 0:
            path += "-unstable"
        if n == 1 and self.chance(0.3):
            return path, f"v0.0.0-{self.timestamp()}-{self.hash()}"
        return path, self.semver(n, p_odd=0.1)

    def module_path(self) -> str:
        if self.chance(0.15):
            self.tag("odd-module-path")
            return self.pick(ODD_PATHS)
        path = self.base_path()
        if self.chance(0.2):
            path += f"/v{self.r.randint(2, 9)}"
        return path


# ----------------------------------------------------------------------------- valid documents


def _gap(g: Gen) -> int:
    return g.r.choice([0, 1, 1, 1, 2, 3])


def valid_doc(g: Gen) -> Doc:
    doc = Doc(g.kind, style=_style(g))
    if g.chance(0.03):
        g.tag("only-comments")
        doc.add(CommentBlock(g.comments(0.7, 3) or ["// c"]), gap=_gap(g))
        return doc
    makers = _mod_makers(g) if g.kind == "mod" else _work_makers(g)
    g.r.shuffle(makers)
    for make in makers:
        for stmt in make():
            if g.chance(0.12):
                doc.add(CommentBlock(g.comments(0.5, 3) or ["// floating"]), gap=g.r.choice([0, 1, 2]))
            doc.add(stmt, gap=_gap(g))
    if g.chance(0.2):
        doc.add(CommentBlock(g.comments(0.6, 3) or ["// trailing"]), gap=0)
    return doc


def _style(g: Gen) -> Style:
    s = Style()
    if g.chance(0.2):
        g.tag("crlf")
        s.eol = "\r\n"
    s.mixed_eol = g.chance(0.05)
    s.indent = g.pick(["\t", "\t", "    ", "  ", "", " \t", "\t\t", "        "])
    g.tag("indent-tab" if "\t" in s.indent else "indent-space" if s.indent else "indent-none")
    s.sep = g.pick([" ", " ", " ", "  ", "\t", " \t "])
    s.top_indent = g.r.choice([0.0, 0.0, 0.0, 0.1])
    s.trailing_ws = g.r.choice([0.0, 0.0, 0.1])
    s.final_newline = g.chance(0.9)
    if not s.final_newline:
        g.tag("no-final-newline")
    s.punct_glue = g.r.random()
    return s


def _mod_makers(g: Gen) -> list[Callable[[], list[Stmt]]]:
    makers: list[Callable[[], list[Stmt]]] = []
    if g.chance(0.9):
        makers.append(lambda: [module_stmt(g)])
    if g.chance(0.8):
        makers.append(lambda: [Line(["go", g.pick(GO_VERSIONS)], g.comments(0.1), _suffix(g, 0.1))])
    if g.chance(0.3):
        makers.append(lambda: [Line(["toolchain", g.pick(TOOLCHAINS)], g.comments(0.1), _suffix(g, 0.1))])
    verbs = {
        "godebug": 0.3,
        "require": 0.9,
        "exclude": 0.3,
        "replace": 0.5,
        "retract": 0.35,
        "tool": 0.25,
        "ignore": 0.2,
    }
    for verb, p in verbs.items():
        if g.chance(p):
            makers.append(lambda verb=verb: verb_stmts(g, verb))
    return makers


def _work_makers(g: Gen) -> list[Callable[[], list[Stmt]]]:
    makers: list[Callable[[], list[Stmt]]] = []
    if g.chance(0.85):
        makers.append(lambda: [Line(["go", g.pick(GO_VERSIONS)], g.comments(0.1), _suffix(g, 0.1))])
    if g.chance(0.3):
        makers.append(lambda: [Line(["toolchain", g.pick(TOOLCHAINS)], g.comments(0.1), _suffix(g, 0.1))])
    for verb, p in {"godebug": 0.3, "use": 0.9, "replace": 0.4}.items():
        if g.chance(p):
            makers.append(lambda verb=verb: verb_stmts(g, verb))
    return makers


def _suffix(g: Gen, p: float) -> str | None:
    return g.comment() if g.chance(p) else None


DEPRECATIONS = [
    ["// Deprecated: use example.com/new instead."],
    ["// Deprecated:use example.com/new"],
    ["// Some text.", "//", "// Deprecated: second paragraph", "// continues here."],
    ["// Deprecated: first", "//", "// Deprecated: second"],
    ["// deprecated: lowercase is not a deprecation"],
    ["// Deprecated:"],
    ["// Not Deprecated: inline"],
    ["//Deprecated:   spaces   "],
    ['// Deprecated: <b>html</b> & "quotes" \u2028 sep'],
]


def module_stmt(g: Gen) -> Stmt:
    g.tag("verb:module")
    path = g.maybe_quote(g.module_path(), 0.1)
    before = g.comments(0.2)
    suffix = _suffix(g, 0.15)
    if g.chance(0.3):
        g.tag("deprecated")
        if g.chance(0.8):
            before = before + list(g.r.choice(DEPRECATIONS))
        else:
            suffix = "// Deprecated: in suffix"
    if g.chance(0.08):
        g.tag("block:module")
        return Block(["module"], [Line([path], suffix=suffix)], before=before, lparen_suffix=_suffix(g, 0.2))
    return Line(["module", path], before, suffix)


def verb_stmts(g: Gen, verb: str) -> list[Stmt]:
    """One to three statements of verb: single lines, blocks, one-line and empty blocks."""
    g.tag(f"verb:{verb}")
    out: list[Stmt] = []
    for _ in range(g.r.choice([1, 1, 1, 2, 3])):
        shape = g.r.random()
        if shape < 0.4:
            out.append(_single(g, verb))
        elif shape < 0.9:
            out.append(_block(g, verb, g.r.randint(2, 7)))
        elif shape < 0.96:
            g.tag("one-line-block")
            out.append(_block(g, verb, 1))
        else:
            out.append(_empty_block(g, verb))
    return out


def _single(g: Gen, verb: str) -> Line:
    args, suffix = verb_args(g, verb)
    return Line([verb, *args], g.comments(0.15), suffix)


def _block(g: Gen, verb: str, n: int) -> Block:
    g.tag(f"block:{verb}")
    b = Block([verb], before=g.comments(0.15), lparen_suffix=_suffix(g, 0.1))
    for i in range(n):
        args, suffix = verb_args(g, verb)
        before: list[str] = []
        if g.chance(0.15) and i > 0:
            g.tag("blank-in-block")
            before.append("")
        before += g.comments(0.15)
        if g.chance(0.05):
            before.append("")
        b.lines.append(Line(args, before, suffix))
    if g.chance(0.1):
        g.tag("comment-before-rparen")
        b.rparen_before = g.comments(0.9) + ([""] if g.chance(0.3) else [])
    elif g.chance(0.08):
        b.rparen_before = [""]
    b.rparen_suffix = _suffix(g, 0.08)
    return b


def _empty_block(g: Gen, verb: str) -> Block:
    g.tag("empty-block")
    b = Block([verb], before=g.comments(0.2))
    form = g.r.randint(0, 3)
    if form == 0:
        b.inline_empty = "()"
    elif form == 1:
        b.inline_empty = "( )"
    elif form == 2:
        b.rparen_before = g.comments(0.8)
    b.rparen_suffix = _suffix(g, 0.2)
    return b


def verb_args(g: Gen, verb: str) -> tuple[list[str], str | None]:
    """Valid argument tokens for verb, and a suffix comment."""
    if verb == "require":
        path, version = g.dep()
        return [g.maybe_quote(path), g.maybe_quote(version, 0.04)], _indirect(g)
    if verb == "exclude":
        path, version = g.dep()
        return [g.maybe_quote(path), g.maybe_quote(version, 0.04)], _suffix(g, 0.1)
    if verb == "replace":
        return replace_args(g), _suffix(g, 0.1)
    if verb == "retract":
        return retract_args(g), _suffix(g, 0.3)
    if verb == "godebug":
        return [g.pick(GODEBUGS)], _suffix(g, 0.1)
    if verb == "tool":
        return [g.maybe_quote(g.pick(TOOLS))], _suffix(g, 0.1)
    if verb == "ignore":
        value = g.pick(IGNORES) if g.chance(0.9) else "dir with space"
        return [g.maybe_quote(value)], _suffix(g, 0.1)
    if verb == "use":
        value = g.pick([*DIRS, "a", "./dir with space", "./a/", ""])
        return [g.maybe_quote(value)], _suffix(g, 0.15)
    raise ValueError(verb)


def _indirect(g: Gen) -> str | None:
    if not g.chance(0.35):
        return _suffix(g, 0.08)
    g.tag("indirect")
    return g.pick(
        [
            "// indirect",
            "// indirect",
            "//indirect",
            "// indirect; reason",
            "// Indirect",
            "// indirect note",
            "//  indirect  ",
            "// indirect;",
        ]
    )


def replace_args(g: Gen) -> list[str]:
    path, version = g.dep()
    old = [g.maybe_quote(path)]
    if g.chance(0.4):
        g.tag("replace-versioned")
        old.append(version)
    if g.chance(0.5):
        g.tag("replace-dir")
        target = g.pick(DIRS) if g.chance(0.9) else "./dir with space"
        return [*old, "=>", g.maybe_quote(target)]
    g.tag("replace-module")
    new_path, _ = g.dep()
    return [*old, "=>", g.maybe_quote(new_path), g.semver(g.r.randint(0, 5))]


def retract_args(g: Gen) -> list[str]:
    major = g.r.randint(0, 1)
    if g.chance(0.6):
        v = g.semver(major, p_odd=0.1)
        if g.chance(0.03):
            g.tag("retract-odd-version")
            v = g.pick(["1.0", "v1.2", "foo"])
        if g.chance(0.02):
            g.tag("retract-quoted-odd")  # the formatter writes the unquoted value back raw
            return [g.pick(['""', '"v1 x"', '"a//b"', '"\\x76\\x31.0.0"', '"(v1)"'])]
        return [g.maybe_quote(v, 0.05)]
    g.tag("retract-interval")
    lo, hi = g.semver(major, 0.05), g.semver(major, 0.05)
    return ["[", g.maybe_quote(lo, 0.05), ",", g.maybe_quote(hi, 0.05), "]"]


# ----------------------------------------------------------------------------- rendering

_PUNCT = {"[", "]", ",", "(", ")", "{", "}"}


class Renderer:
    def __init__(self, g: Gen, style: Style) -> None:
        self.g = g
        self.s = style
        self.out: list[str] = []

    def eol(self) -> str:
        if self.s.mixed_eol and self.g.chance(0.3):
            self.g.tag("mixed-eol")
            return "\r\n" if self.s.eol == "\n" else "\n"
        return self.s.eol

    def trailing(self) -> str:
        return self.g.pick([" ", "\t", "  "]) if self.g.chance(self.s.trailing_ws) else ""

    def join(self, tokens: list[str]) -> str:
        text = ""
        for i, tok in enumerate(tokens):
            if i > 0:
                glue = (tok in _PUNCT or tokens[i - 1] in _PUNCT) and self.g.chance(self.s.punct_glue)
                if not glue and tokens[i - 1].startswith('"') and tok not in _PUNCT and self.g.chance(0.03):
                    self.g.tag("glued-after-string")
                    glue = True
                text += "" if glue else self.s.sep
            text += tok
        return text

    def suffix(self, text: str, comment: str | None) -> str:
        if comment is None:
            return text
        glue = not text.endswith("/") and self.g.chance(0.05)
        return text + ("" if glue else self.g.pick([" ", " ", "\t", "   "])) + comment

    def emit(self, text: str) -> None:
        self.out.append(text + self.trailing() + self.eol())

    def comments(self, comments: list[str], indent: str) -> None:
        for c in comments:
            self.emit(indent + c if c else (indent if self.g.chance(0.2) else ""))

    def line(self, line: Line, indent: str) -> None:
        ind = indent if line.indent is None else line.indent
        self.comments(line.before, ind)
        body = line.raw.replace("\n", self.s.eol) if line.raw is not None else self.join(line.tokens)
        self.emit(self.suffix(ind + body, line.suffix))

    def block(self, b: Block, indent: str) -> None:
        self.comments(b.before, indent)
        head = indent + self.join(b.header)
        if b.inline_empty is not None:
            self.emit(self.suffix(head + self.s.sep + b.inline_empty, b.rparen_suffix))
            return
        self.emit(self.suffix(head + self.s.sep + "(", b.lparen_suffix))
        for line in b.lines:
            self.line(line, indent + self.s.indent)
        if b.unterminated:
            return
        self.comments(b.rparen_before, self.g.pick([indent, indent + self.s.indent]))
        close = indent + ")" + (b.after_rparen or "")
        self.emit(self.suffix(close, b.rparen_suffix))

    def doc(self, doc: Doc) -> str:
        self.out.append(doc.prefix)
        for stmt, gap in zip(doc.stmts, doc.gaps, strict=True):
            indent = self.g.pick([" ", "  ", "\t"]) if self.g.chance(self.s.top_indent) else ""
            if isinstance(stmt, CommentBlock):
                self.comments(stmt.comments, indent)
            elif isinstance(stmt, Block):
                self.block(stmt, indent)
            else:
                self.line(stmt, indent)
            for _ in range(gap):
                self.emit("")
        text = "".join(self.out)
        if not self.s.final_newline:
            text = text.rstrip("\r\n")
        return text + doc.suffix_raw


def render(g: Gen, doc: Doc) -> bytes:
    text = Renderer(g, doc.style).doc(doc)
    return text.encode("utf-8", errors="surrogateescape")


# ----------------------------------------------------------------------------- faults

# A fault mutates the document; it returns False when it does not apply.
Fault = Callable[[Gen, Doc], bool]


def _insert_top(g: Gen, doc: Doc, stmt: Stmt) -> None:
    doc.add(stmt, g.r.randint(0, len(doc.stmts)), gap=_gap(g))


def _blocks(doc: Doc, verb: str | None = None) -> list[Block]:
    return [
        s
        for s in doc.stmts
        if isinstance(s, Block)
        and s.inline_empty is None
        and not s.unterminated
        and (verb is None or s.header == [verb])
    ]


def _insert_line(g: Gen, doc: Doc, verb: str, args: list[str]) -> None:
    """Insert a `verb args` statement at top level or as a line of an existing verb block."""
    blocks = _blocks(doc, verb)
    if args and blocks and g.chance(0.4):
        b = g.r.choice(blocks)
        b.lines.insert(g.r.randint(0, len(b.lines)), Line(args, g.comments(0.1), _suffix(g, 0.1)))
    else:
        _insert_top(g, doc, Line([verb, *args], g.comments(0.1), _suffix(g, 0.1)))


def _line_fault(verb: str, args: Callable[[Gen], list[str]], kinds: tuple[Kind, ...] = ("mod",)) -> Fault:
    def fault(g: Gen, doc: Doc) -> bool:
        if doc.kind not in kinds:
            return False
        _insert_line(g, doc, verb, args(g))
        return True

    return fault


def _choice_args(*options: list[str]) -> Callable[[Gen], list[str]]:
    return lambda g: list(g.r.choice(options))


def f_unknown_directive(g: Gen, doc: Doc) -> bool:
    verbs = [
        "foo",
        "requires",
        "Module",
        "include",
        "=>",
        "v1.0.0",
        ")",
        "]",
        "[",
        '"module"',
        "provide",
        "go.mod",
        "replace:",
        "REQUIRE",
        "ünknown",
        "{",
    ]
    if doc.kind == "mod":
        verbs.append("use")
    if doc.kind == "work":
        verbs += ["module", "require", "exclude", "retract", "tool", "ignore"]
    verb = g.pick(verbs)
    args = [g.word() for _ in range(g.r.randint(0, 2))]
    _insert_top(g, doc, Line([verb, *args], g.comments(0.1), _suffix(g, 0.1)))
    return True


def f_unknown_block(g: Gen, doc: Doc) -> bool:
    if doc.kind == "mod":
        headers = [
            ["foo"],
            ["go"],
            ["toolchain"],
            ["requires"],
            ["require", "foo"],
            ["use"],
            ["replace", "x"],
            ["Require"],
            ['"require"'],
        ]
    else:
        headers = [
            ["require"],
            ["module"],
            ["exclude"],
            ["retract"],
            ["tool"],
            ["ignore"],
            ["foo"],
            ["go"],
            ["toolchain"],
            ["use", "x"],
        ]
    b = Block(list(g.r.choice(headers)), before=g.comments(0.1))
    for _ in range(g.r.randint(0, 2)):
        b.lines.append(Line([g.word(), g.word()]))
    if not b.lines and g.chance(0.5):
        b.inline_empty = "()"
    _insert_top(g, doc, b)
    return True


def _repeated(verb: str, values: list[str], kinds: tuple[Kind, ...]) -> Fault:
    def fault(g: Gen, doc: Doc) -> bool:
        if doc.kind not in kinds:
            return False
        have = any(isinstance(s, Line) and s.tokens[:1] == [verb] for s in doc.stmts)
        for _ in range(1 if have else 2):
            _insert_top(g, doc, Line([verb, g.pick(values)]))
        return True

    return fault


def f_module_usage(g: Gen, doc: Doc) -> bool:
    if doc.kind != "mod":
        return False
    args = g.r.choice([[], ["a", "b"], ["example.com/a", "v1.0.0"]])
    _insert_top(g, doc, Line(["module", *args]))
    return True


BAD_GO = [
    "1",
    "v1.21",
    "1.21-rc1",
    "1.2.beta1",
    "01.2",
    "1.21.0.0",
    "1.021",
    "go1.21",
    "1.21rc",
    '"1.21"',
    "1.x",
    "latest",
    "1.21.0-rc.1",
    "1.21RC1",
    "1.2.3.4",
    "1.",
    ".1",
    "1.21+meta",
]
BAD_TOOLCHAIN = [
    "1.21",
    "go2",
    "gotip",
    "Go1.21",
    '"go1.21"',
    "go",
    "default1",
    "go1x",
    "go12",
    "local",
    "go1-21",
    "DEFAULT",
]
BAD_QUOTED = ['"example.com/\\q"', '"a\\x1"', '"\\u12"', '"a\\\'b"', '"\\z"', '"\\400"']
UNQUOTED_QUOTES = ["ex'ample.com/a", 'a"b', "`raw`", "a`b", "'x'", "`example.com/a`"]
BAD_VERSIONS = [
    "1.0.0",
    "v1.2-pre",
    "latest",
    "master",
    "v1.0.0.0",
    "v01.0.0",
    "v1.0.0-",
    "v1.0.0+",
    "v1.0.0-01",
    "vv1",
    "v",
    "V1.0.0",
    "v1.2.3-rc..1",
    "abcdef123456",
    "v1.0.0+incompatible+x",
    "v1.0.0-rc.01",
    "v1.2.3.",
    "v1.2.3-+",
]
INVALID_PATHS = [
    "example.com/a/v1",
    "example.com/a/v0",
    "example.com/a/v2.1",
    "example.com/a/v02",
    "gopkg.in/yaml",
    "gopkg.in/yaml.v02",
    "gopkg.in/a.vx",
    "example.com/v1",
]


def _bad_path_token(g: Gen) -> str:
    return g.pick(BAD_QUOTED + UNQUOTED_QUOTES)


def f_bad_quote(g: Gen, doc: Doc) -> bool:
    bad = _bad_path_token(g)
    if doc.kind == "work":
        verb, args = g.r.choice(
            [
                ("use", [bad]),
                ("replace", [bad, "=>", "./x"]),
                ("replace", ["example.com/a", "=>", bad]),
                ("replace", ["example.com/a", "=>", "example.com/b", bad]),
            ]
        )
    else:
        verb, args = g.r.choice(
            [
                ("module", [bad]),
                ("require", [bad, "v1.0.0"]),
                ("exclude", [bad, "v1.0.0"]),
                ("tool", [bad]),
                ("ignore", [bad]),
                ("replace", [bad, "=>", "./x"]),
                ("replace", ["example.com/a", "=>", bad]),
                ("require", ["example.com/a", bad]),
                ("retract", [bad]),
                ("replace", ["example.com/a", "=>", "example.com/b", bad]),
            ]
        )
    _insert_line(g, doc, verb, args)
    return True


def f_backslash_newline(g: Gen, doc: Doc) -> bool:
    verb = "use" if doc.kind == "work" else g.pick(["require", "tool", "ignore"])
    first = '"example.com/a\\'
    rest = 'b"' + (" v1.0.0" if verb == "require" else "")
    _insert_top(g, doc, Line([], raw=f"{verb} {first}\n{rest}"))
    return True


def f_godebug(g: Gen, doc: Doc) -> bool:
    args = g.r.choice(
        [
            ["panicnil"],
            ["a=1", "b=2"],
            ['a="x"'],
            ["a='1'"],
            ["a=`1`"],
            [],
            ["a=b,c"],
            ["a", "=", "b"],
            ["'a'=1"],
        ]
    )
    _insert_line(g, doc, "godebug", args)
    return True


def f_require_usage(g: Gen, doc: Doc) -> bool:
    verb = g.pick(["require", "exclude"])
    path, version = g.dep()
    args = g.r.choice(
        [
            [g.maybe_quote(path)],
            [g.maybe_quote(path), version, "extra"],
            [],
            [g.maybe_quote(path), version, "(", ")"],
        ]
    )
    _insert_line(g, doc, verb, args)
    return True


def f_bad_version(g: Gen, doc: Doc) -> bool:
    verb = g.pick(["require", "exclude"])
    bad = g.pick(BAD_VERSIONS)
    _insert_line(g, doc, verb, [g.maybe_quote(g.base_path()), g.maybe_quote(bad, 0.2)])
    return True


def f_major_mismatch(g: Gen, doc: Doc) -> bool:
    verb = g.pick(["require", "exclude"])
    base = g.base_path()
    path, version = g.r.choice(
        [
            (base, f"v{g.r.randint(2, 9)}.0.0"),
            (f"{base}/v2", "v1.0.0"),
            (f"{base}/v2", "v3.0.0+incompatible"),
            ("gopkg.in/yaml.v2", "v3.0.0"),
            ("gopkg.in/check.v1", "v0.1.0"),
            (f"{base}/v3", "v2.1.0"),
            ("gopkg.in/x.v2-unstable", "v1.0.0"),
            (base, "v2.0.0-20200101000000-abcdefabcdef"),
        ]
    )
    _insert_line(g, doc, verb, [path, version])
    return True


def f_invalid_path(g: Gen, doc: Doc) -> bool:
    path = g.pick(INVALID_PATHS)
    if doc.kind == "mod" and g.chance(0.5):
        _insert_line(g, doc, g.pick(["require", "exclude"]), [path, "v1.0.0"])
    else:
        _insert_line(g, doc, "replace", [path, "=>", "./x"])
    return True


def f_replace(g: Gen, doc: Doc) -> bool:
    a = g.base_path()
    args = g.r.choice(
        [
            [a, "./a"],
            [a, "=>"],
            [f"{a}=>./a"],
            [a, "v1.0.0=>./x"],
            [a, "v1.0.0", "=>", "b", "v1.0.0", "x"],
            [a, "=", ">", "./b"],
            [a, "->", "./b"],
            [],
            [a],
            [a, "=>", "./b", "v1.0.0", "x"],
            [a, "=>", "example.com/b"],
            [a, "=>", "b"],
            [a, "=>", ".hidden"],
            [a, "=>", "example.com/b@v1.0.0"],
            [a, "=>", ".\\x"],
            [a, "=>", "..\\x"],
            [a, "=>", "C:\\x"],
            [a, "=>", "\\x"],
            [a, "=>", "./a\\b"],
            [a, "=>", "./a", "v1.0.0"],
            [a, "=>", "/abs", "v1.0.0"],
            [a, "=>", "C:/x", "v1.0.0"],
            [a, "=>", "..", "v1.0.0"],
            [a, "1.0", "=>", "./x"],
            [a, "v2.0.0", "=>", "./x"],
            [a, "=>", "example.com/b", "latest"],
            [f"{a}/v2", "v1.0.0", "=>", "./x"],
            [a, "=>", '"./a b"', "v1.0.0"],
        ]
    )
    _insert_line(g, doc, "replace", args)
    return True


def f_retract(g: Gen, doc: Doc) -> bool:
    if doc.kind != "mod":
        return False
    args = g.r.choice(
        [
            [],
            ["(", "v1.0.0", ")"],
            ["["],
            ["[", "v1.0.0"],
            ["[", "v1.0.0", "v1.1.0", "]"],
            ["[", "v1.0.0", ","],
            ["[", "v1.0.0", ",", "v1.1.0"],
            ["[", "v1.0.0", ",", "v1.1.0", "]", "x"],
            ["v1.0.0", "v1.1.0"],
            ["{", "v1.0.0", "}"],
            ['"\\q"'],
            ["[", "v1.0.0", ",", "]"],
            ["[", ",", "v1.0.0", "]"],
            ["(", ")", "v1.0.0"],
            ["v1.0.0", ","],
            ["[", "v1.0.0", ",", "v1.1.0", ",", "v1.2.0", "]"],
        ]
    )
    _insert_line(g, doc, "retract", args)
    return True


def f_arg_count(g: Gen, doc: Doc) -> bool:
    if doc.kind == "work":
        verb, args = g.r.choice(
            [
                ("use", []),
                ("use", ["./a", "./b"]),
                ("go", []),
                ("go", ["1.21", "1.22"]),
                ("toolchain", []),
                ("toolchain", ["go1.21", "x"]),
            ]
        )
    else:
        verb, args = g.r.choice(
            [
                ("tool", []),
                ("tool", ["a", "b"]),
                ("ignore", []),
                ("ignore", ["a", "b"]),
                ("go", []),
                ("go", ["1.21", "x"]),
                ("toolchain", []),
                ("toolchain", ["go1.21", "go1.22"]),
            ]
        )
    if verb in ("go", "toolchain"):
        _insert_top(g, doc, Line([verb, *args]))
    else:
        _insert_line(g, doc, verb, args)
    return True


def f_bad_go_version(g: Gen, doc: Doc) -> bool:
    if g.chance(0.5):
        _insert_top(g, doc, Line(["go", g.pick(BAD_GO)]))
    else:
        _insert_top(g, doc, Line(["toolchain", g.pick(BAD_TOOLCHAIN)]))
    return True


def f_use_in_mod_or_mod_verbs(g: Gen, doc: Doc) -> bool:
    if doc.kind == "mod":
        _insert_top(g, doc, Line(["use", "./a"]))
    else:
        _insert_top(
            g,
            doc,
            Line(
                [
                    g.pick(["module", "require", "exclude", "retract", "tool", "ignore"]),
                    "example.com/a",
                    "v1.0.0",
                ]
            ),
        )
    return True


# -- syntax faults (Go stops at the first one)


def _random_line(g: Gen, doc: Doc) -> Line | None:
    lines: list[Line] = [s for s in doc.stmts if isinstance(s, Line) and s.raw is None and s.tokens]
    for b in _blocks(doc):
        lines += [ln for ln in b.lines if ln.raw is None and ln.tokens]
    return g.r.choice(lines) if lines else None


def _plain_tokens(line: Line) -> list[int]:
    """Indexes of identifier tokens (not strings or punctuation, not ending in "/")."""
    return [
        i
        for i, t in enumerate(line.tokens)
        if not t.startswith(('"', "`")) and t not in _PUNCT and not t.endswith("/")
    ]


def f_slash_star(g: Gen, doc: Doc) -> bool:
    line = _random_line(g, doc)
    if line is None or not _plain_tokens(line) or g.chance(0.5):
        text = g.pick(["/* c */", "/*", "/**/ module x"])
        blocks = _blocks(doc)
        if blocks and g.chance(0.4):
            b = g.r.choice(blocks)
            b.lines.insert(g.r.randint(0, len(b.lines)), Line([], raw=text))
        else:
            _insert_top(g, doc, Line([], raw=text))
        return True
    i = g.r.choice(_plain_tokens(line))
    line.tokens[i] = line.tokens[i] + g.pick(["/*x", "/*", "/**/"])
    return True


def f_string_newline(g: Gen, doc: Doc) -> bool:
    verb = "use" if doc.kind == "work" else g.pick(["require", "module", "tool", "replace"])
    tail = g.pick(['"example.com/a v1.0.0', '"./a', '"unterminated', '"esc\\"aped', '"'])
    _insert_top(g, doc, Line([], raw=f"{verb} {tail}"))
    return True


def f_string_eof(g: Gen, doc: Doc) -> bool:
    doc.style.final_newline = True
    doc.suffix_raw = g.pick(
        ['require "example.com/a', 'module "abc\\', '"', "use `raw", "x `", 'tool "a\\"b']
    )
    return True


BAD_CHARS = [
    "\ufeff",
    "\x00",
    "\x0b",
    "\x0c",
    "\x01",
    "\x1b",
    "\x7f",
    "\u00a0",
    "\u0085",
    "\u2028",
    "\u2029",
    "\u200b",
    "\u3000",
    "\u00ad",
    "\ue000",
    "\U000e0001",
    "\x08",
    "\x07",
    "\u1680",
]


def f_bad_char(g: Gen, doc: Doc) -> bool:
    ch = g.pick(BAD_CHARS)
    line = _random_line(g, doc)
    where = g.r.randint(0, 3)
    if where == 0 or line is None or not _plain_tokens(line):
        doc.prefix = ch + doc.prefix
        return True
    i = g.r.choice(_plain_tokens(line))
    tok = line.tokens[i]
    k = g.r.randint(0, len(tok)) if where == 1 else (0 if where == 2 else len(tok))
    line.tokens[i] = tok[:k] + ch + tok[k:]
    return True


def f_unterminated_block(g: Gen, doc: Doc) -> bool:
    verbs = ["use", "replace", "godebug"] if doc.kind == "work" else ["require", "replace", "exclude", "foo"]
    b = Block([g.pick(verbs)], before=g.comments(0.2))
    for _ in range(g.r.randint(0, 2)):
        b.lines.append(Line([g.word(), "v1.0.0"], suffix=_suffix(g, 0.2)))
    b.unterminated = True
    doc.add(b, gap=g.r.choice([0, 0, 1]))
    if g.chance(0.3):
        doc.style.final_newline = False
    return True


def f_after_rparen(g: Gen, doc: Doc) -> bool:
    blocks = _blocks(doc)
    if not blocks:
        b = Block(["require" if doc.kind == "mod" else "use"], [Line(["example.com/a", "v1.0.0"])])
        _insert_top(g, doc, b)
        blocks = [b]
    g.r.choice(blocks).after_rparen = g.pick([" x", " )", " (", ' "s"', "x", " ,", " ]", "(", " v1.0.0 y"])
    return True


SEMANTIC_FAULTS: dict[str, Fault] = {
    "unknown-directive": f_unknown_directive,
    "unknown-block": f_unknown_block,
    "repeated-go": _repeated("go", GO_VERSIONS, ("mod", "work")),
    "repeated-toolchain": _repeated("toolchain", TOOLCHAINS, ("mod", "work")),
    "repeated-module": _repeated("module", ["example.com/a", "example.com/b"], ("mod",)),
    "module-usage": f_module_usage,
    "arg-count": f_arg_count,
    "bad-go-or-toolchain": f_bad_go_version,
    "bad-quote": f_bad_quote,
    "backslash-newline": f_backslash_newline,
    "godebug-usage": f_godebug,
    "require-usage": f_require_usage,
    "bad-version": f_bad_version,
    "major-mismatch": f_major_mismatch,
    "invalid-path": f_invalid_path,
    "replace": f_replace,
    "retract": f_retract,
    "wrong-file-verbs": f_use_in_mod_or_mod_verbs,
}
MOD_ONLY = {"repeated-module", "module-usage", "require-usage", "bad-version", "major-mismatch", "retract"}
SYNTAX_FAULTS: dict[str, Fault] = {
    "slash-star": f_slash_star,
    "string-newline": f_string_newline,
    "string-eof": f_string_eof,
    "bad-char": f_bad_char,
    "unterminated-block": f_unterminated_block,
    "after-rparen": f_after_rparen,
}
FAULTS: dict[str, Fault] = {**SEMANTIC_FAULTS, **SYNTAX_FAULTS}


def broken_doc(g: Gen) -> tuple[Doc, list[str]]:
    doc = valid_doc(g)
    names = [n for n in SEMANTIC_FAULTS if g.kind == "mod" or n not in MOD_ONLY]
    faults: list[str] = []
    for _ in range(g.r.choice([0, 1, 1, 1, 2, 2, 3]) if g.chance(0.3) else g.r.choice([1, 1, 2, 2, 3])):
        name = g.pick(names)
        if FAULTS[name](g, doc):
            faults.append(name)
    if not faults or g.chance(0.3):
        name = g.pick(list(SYNTAX_FAULTS))
        if FAULTS[name](g, doc):
            faults.append(name)
    if g.chance(0.05):
        _valid_oddity(g, doc)
    return doc, faults


def _valid_oddity(g: Gen, doc: Doc) -> None:
    """Something odd that Go accepts: invalid UTF-8 in a path identifier (U+FFFD is printable)."""
    for stmt in doc.stmts:
        if (
            isinstance(stmt, Line)
            and stmt.raw is None
            and len(stmt.tokens) == 2
            and stmt.tokens[0] in ("module", "tool", "ignore", "use")
            and stmt.tokens[1][:1].isalnum()
        ):
            stmt.tokens[1] += g.pick(["\udcff", "\udcc3", "\udce2\udc82"])
            g.tag("invalid-utf8-ident")
            return


# ----------------------------------------------------------------------------- API


def generate(seed: int, kind: Kind = "mod", valid: bool = True) -> Generated:
    g = Gen(seed, kind, valid)
    if valid:
        doc, faults = valid_doc(g), []
        if g.chance(0.02):
            _valid_oddity(g, doc)
    else:
        doc, faults = broken_doc(g)
    data = render(g, doc)
    return Generated(data, kind, valid, seed, set(g.features), faults)


MUTATION_PALETTE = [
    "(",
    ")",
    '"',
    "`",
    "\\",
    "/",
    "*",
    "[",
    "]",
    ",",
    "=>",
    " ",
    "\n",
    "\r",
    "\t",
    "'",
    "//",
    "/*",
    "\u00a0",
    "\x00",
    "v",
    "{",
    "}",
    "\ufeff",
    "\udcff",
    "é",
    "=",
    "@",
    ".",
    "-",
]


def generate_mutated(seed: int, kind: Kind = "mod") -> Generated:
    """The valid file of the same seed with 1-4 random character-level edits (it may or may not
    still parse).

    Unlike the BROKEN faults these edits know nothing about the grammar, so they reach odd
    corners (a quote inside a comment, a paren glued to a version, a deleted newline, ...).
    """
    g = Gen(seed, kind, True)
    doc = valid_doc(g)
    text = Renderer(g, doc.style).doc(doc)
    r = random.Random(f"modgen:{kind}:mutated:{seed}")
    ops: list[str] = []
    for _ in range(r.randint(1, 4)):
        pos = r.randint(0, len(text))
        op = r.choice(["insert", "insert", "delete", "duplicate", "replace"])
        piece = r.choice(MUTATION_PALETTE)
        if op == "insert" or not text:
            text, op = text[:pos] + piece + text[pos:], "insert"
        elif op == "delete":
            text = text[:pos] + text[pos + 1 :]
        elif op == "duplicate":
            text = text[:pos] + text[pos : pos + 3] + text[pos:]
        else:
            text = text[:pos] + piece + text[pos + 1 :]
        ops.append(f"{op}@{pos}" + (f":{piece!r}" if op in ("insert", "replace") else ""))
    data = text.encode("utf-8", errors="surrogateescape")
    return Generated(data, kind, False, seed, set(g.features), ops)


def gen_valid(seed: int, kind: Kind = "mod") -> bytes:
    return generate(seed, kind, True).data


def gen_broken(seed: int, kind: Kind = "mod") -> bytes:
    return generate(seed, kind, False).data


def samples(n: int, kind: Kind = "mod", valid: bool = True, start: int = 0) -> Iterator[Generated]:
    for seed in range(start, start + n):
        yield generate(seed, kind, valid)


def _main(argv: list[str]) -> int:
    seed = int(argv[0]) if argv else 0
    kind: Kind = "work" if len(argv) > 1 and argv[1] == "work" else "mod"
    mode = argv[2] if len(argv) > 2 else "valid"
    gen = generate_mutated(seed, kind) if mode == "mutated" else generate(seed, kind, mode != "broken")
    sys.stdout.buffer.write(gen.data)
    sys.stderr.write(f"\n# features={sorted(gen.features)} faults={gen.faults}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
