"""Build the semantic model from a syntax tree and check every directive, with the messages and
positions of x/mod's modfile.Parse / ParseLax / ParseWork (rule.go, work.go).

Errors accumulate line by line as in Go. Lines that already have a lexer error are not checked
again: their tokens are a recovery guess and a second error on them would only be noise.

`rewrite=True` makes the checks rewrite tokens the way Go's parser does (needless quotes dropped,
versions canonicalised); the formatter uses it on a private copy of the tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gomodls.base.gostr import UnquoteError, all_print, fields, quote, trim_space, unquote
from gomodls.modfile.errors import ModError, Range, token_range
from gomodls.modfile.model import (
    Exclude,
    Go,
    Godebug,
    Ignore,
    ModFile,
    Module,
    ModuleVersion,
    Replace,
    Require,
    Retract,
    Tool,
    Toolchain,
    Use,
    WorkFile,
)
from gomodls.module.errors import InvalidVersionError
from gomodls.module.paths import canonical_version, check_path_major, split_path_version
from gomodls.syntax.tree import MAX_CHUNK, Block, CommentBlock, FileSyntax, Line, PlainLine, Token

GO_VERSION_RE = re.compile(r"([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?\Z")
LAX_GO_VERSION_RE = re.compile(r"v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)\Z", re.S)
TOOLCHAIN_RE = re.compile(r"default\Z|go1(\Z|\.)")
_ODD_ASCII_SPACE = re.compile("[\x1c-\x1f]")
DEPRECATED_RE = re.compile(r"(?:^|\n\n)Deprecated: *(.*?)(?:\Z|\n\n)", re.S)

MOD_BLOCK_VERBS = frozenset(
    {"module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"}
)
WORK_BLOCK_VERBS = frozenset({"godebug", "use", "replace"})
LAX_VERBS = frozenset({"go", "module", "retract", "require", "ignore"})
MOD_VERBS = frozenset({"module", "go", "toolchain", *MOD_BLOCK_VERBS})
WORK_VERBS = frozenset({"go", "toolchain", *WORK_BLOCK_VERBS})

# The common requirement, checked at once (the full checks cost most of a 100,000-line parse):
# an unquoted path that needs no quotes and has no major version suffix (so SplitPathVersion
# gives no major), and a version that is already canonical with a v0 or v1 major, or with
# +incompatible (so CanonicalVersion keeps it and CheckPathMajor accepts it).
_NUM = r"(?:0|[1-9][0-9]*)"
_PRE = r"(?:-(?:[0-9]*[A-Za-z-][0-9A-Za-z-]*|0|[1-9][0-9]*)(?:\.(?:[0-9]*[A-Za-z-][0-9A-Za-z-]*|0|[1-9][0-9]*))*)?"
_CANONICAL_V0_V1 = re.compile(
    rf"v(?:[01]\.{_NUM}\.{_NUM}{_PRE}|{_NUM}\.{_NUM}\.{_NUM}{_PRE}\+incompatible)\Z"
)
_PLAIN_PATH = re.compile(r"(?!gopkg\.in/)[A-Za-z0-9._~+/-]+\Z")
_MAJOR_SUFFIX = re.compile(r"/v[0-9.]*\Z")

_new_tuple = tuple.__new__

REPLACE_USAGE = "usage: {0} module/path [v1.2.3] => other/module v1.4\n\t or {0} module/path [v1.2.3] => ../local/directory"


class _Fail(Exception):
    """Stops checking one line; Go's `add` returns after its first error."""

    def __init__(self, message: str, tokens: list[Token], code: str) -> None:
        super().__init__(message)
        self.message = message
        self.tokens = tokens
        self.code = code


_QUOTE_ALWAYS = re.compile(r"""[ "'`]|//|/\*""")
_PUNCT = re.compile(r"[()\[\]{},]")


def must_quote(s: str) -> bool:
    """modfile.MustQuote."""
    if s == "" or _QUOTE_ALWAYS.search(s):
        return True
    if len(s) > 1 and _PUNCT.search(s):
        return True
    return not all_print(s)


def auto_quote(s: str) -> str:
    return quote(s) if must_quote(s) else s


def is_directory_path(ns: str) -> bool:
    """modfile.IsDirectoryPath: Unix and Windows forms, since go.mod files travel."""
    return (
        ns in (".", "..")
        or ns.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
        or (len(ns) >= 2 and ns[0].isascii() and ns[0].isalpha() and ns[1] == ":")
    )


def is_indirect(line: Line) -> bool:
    text = line.suffix_text()
    if text is None:
        return False
    if text == "// indirect":  # (the usual one, at once)
        return True
    text = text.removeprefix("//")
    # str.split() agrees with strings.Fields on ASCII except for \x1c-\x1f, which Go keeps.
    f = text.split() if text.isascii() and not _ODD_ASCII_SPACE.search(text) else fields(text)
    return (len(f) == 1 and f[0] == "indirect") or (len(f) > 1 and f[0] == "indirect;")


def directive_comment(block: Block | None, line: Line) -> str:
    """parseDirectiveComment: the line's comments, or its block's when the line has none."""
    comments = line.view_comments()
    if block is not None and not comments.before and not comments.suffix:
        comments = block.comments
    lines = [
        trim_space(c.text.removeprefix("//"))
        for c in (*comments.before, *comments.suffix)
        if c.text.startswith("//")
    ]
    return "\n".join(lines)


def parse_deprecation(block: Block | None, line: Line) -> str:
    m = DEPRECATED_RE.search(directive_comment(block, line))
    return m.group(1) if m else ""


# Line.sem of a line that adds nothing (None there: not checked yet).
_NOTHING = object()

# Block lines memoised together (see _Checker._block_chunks; at most the tree's MAX_CHUNK).
CHUNK = MAX_CHUNK

# Directives whose meaning depends on the lines before them ("repeated ... statement"): never memoised.
STATEFUL_VERBS = frozenset({"module", "go", "toolchain"})


class _Checker:
    def __init__(self, syntax: FileSyntax, rewrite: bool, memo_key: str | None) -> None:
        self.syntax = syntax
        self.rewrite = rewrite
        # Results are memoised per line under this key (file kind and mode); never when rewriting,
        # which works on a private copy of the tree.
        self.memo_key = None if rewrite else memo_key
        # The lines' results (Line.sem) are of the parse the tree says (FileSyntax.sem_key):
        # after a parse of another kind or mode, none is taken, and all are made again.
        self.fresh = False
        if self.memo_key is not None and syntax.sem_key != self.memo_key:
            syntax.sem_key = self.memo_key
            self.fresh = True
        self.errors: list[ModError] = []
        # Each release version once (see parse_mod): the strings of the versions met.
        self.versions: dict[str, str] = {}
        # What the model's lists were built from, in order (memoised parses only): each chunk
        # replayed or built, and each entry added on its own.
        self.parts: list[object] | None = [] if self.memo_key is not None else None

    def fail(self, message: str, tokens: list[Token], code: str) -> _Fail:
        return _Fail(message, tokens, code)

    def record(self, line: Line, err: _Fail) -> None:
        start = line.tokens[0]
        toks = err.tokens or line.tokens
        rng: Range = token_range(toks[0], toks[-1])
        self.errors.append(ModError(err.message, start.line, start.col, rng, err.code))

    def block_error(self, block: Block) -> None:
        start = block.header[0]
        message = "unknown block type: " + " ".join(t.text for t in block.header)
        rng = token_range(block.header[0], block.header[-1])
        self.errors.append(ModError(message, start.line, start.col, rng, "unknown-block-type"))

    def run(
        self,
        block_verbs: frozenset[str],
        add: Callable[[Block | None, Line, Token, list[Token] | None], object],
        collect: Callable[[object], None],
        strict: bool = True,
        extend: Callable[[list[object]], None] | None = None,
    ) -> None:
        for stmt in self.syntax.stmts:
            if isinstance(stmt, CommentBlock):
                continue
            if isinstance(stmt, Line):
                self._add(add, collect, None, stmt, stmt.tokens[0], stmt.tokens[1:])
                continue
            if len(stmt.header) > 1 or stmt.verb not in block_verbs:
                if strict:
                    self.block_error(stmt)
                continue
            verb = stmt.header[0]
            if self.memo_key is not None and extend is not None and verb.text not in STATEFUL_VERBS:
                self._block_chunks(add, extend, stmt, verb)
                continue
            if self.memo_key is None:
                # (_add without memo, inline: this loop runs for every line of a large block;
                # a block's entries are all of one type, added together)
                items: list[object] = []
                append = items.append
                for line in stmt.lines:
                    if line.src is not None and line.src.lex_errors:
                        continue
                    try:
                        result = add(stmt, line, verb, None)
                    except _Fail as err:
                        self.record(line, err)
                        continue
                    if result is not None:
                        append(result)
                if items:
                    if extend is None:
                        for item in items:
                            collect(item)
                    else:
                        extend(items)
                continue
            for line in stmt.lines:
                self._add(add, collect, stmt, line, verb, None)

    def _block_chunks(
        self,
        add: Callable[[Block | None, Line, Token, list[Token] | None], object],
        extend: Callable[[list[object]], None],
        block: Block,
        verb: Token,
    ) -> None:
        """The lines of a block by chunks of up to CHUNK lines, each memoised on its first line
        with its last line and length: a chunk whose lines are still the same objects, in the
        same order, gives its results at once. After an edit, the chunk the edit fell in is
        rebuilt (its unchanged lines from their own memo) up to the next chunk still valid; the
        file's other lines cost a few identity checks per chunk, not a step each.

        Only the first and last lines are checked: the block's lines change only by an
        incremental re-parse of some of them (syntax/incremental.py), which drops the chunks
        that may hold them (Block.chunks: a plain line is its own Line, so a line rebuilt may be
        the same object, with other comments), or by a new parse, which makes a new Block. A
        copy of each chunk's lines was 8 bytes a line."""
        key = self.memo_key
        lines = block.lines
        # (the chunks by the id of their first line; those of this parse replace them: a chunk
        # holds its lines, so the ids are of live lines)
        old = block.chunks or {}
        kept: dict[int, object] = {}
        i, n = 0, len(lines)
        while i < n:
            chunk = old.get(id(lines[i]))
            if chunk is not None and chunk[0] == key:  # type: ignore[index]
                first, last, size = chunk[1]  # type: ignore[index]
                if first is lines[i] and i + size <= n and lines[i + size - 1] is last:
                    kept[id(lines[i])] = chunk
                    self._replay(chunk, extend)  # type: ignore[arg-type]
                    i += size
                    continue
            start = i
            items: list[object] = []
            fails: list[tuple[Line, _Fail]] = []
            while True:
                line = lines[i]
                result = self._result(add, key, block, line, verb, None)
                if isinstance(result, _Fail):
                    fails.append((line, result))
                elif result is not None:
                    items.append(result)
                i += 1
                if i >= n or i - start >= CHUNK or id(lines[i]) in old:
                    break
            chunk = (key, (lines[start], lines[i - 1], i - start), items, fails)
            kept[id(lines[start])] = chunk
            self._replay(chunk, extend)
        block.chunks = kept

    def _replay(
        self,
        chunk: tuple[object, tuple[Line, Line, int], list[object], list[tuple[Line, _Fail]]],
        extend: Callable[[list[object]], None],
    ) -> None:
        if chunk[2]:
            extend(chunk[2])
            if self.parts is not None:
                self.parts.append(chunk)
        for line, err in chunk[3]:
            self.record(line, err)  # positions come from the tokens, so they follow edits

    def _result(
        self,
        add: Callable[[Block | None, Line, Token, list[Token] | None], object],
        key: str | None,
        block: Block | None,
        line: Line,
        verb: Token,
        args: list[Token] | None,
    ) -> object:
        """The line's entry, its _Fail, or None (nothing to add, or a line with a lexer error);
        from the line's memo when it has one for `key`."""
        if line.__class__ is not PlainLine and line.src is not None and line.src.lex_errors:
            return None  # (a PlainLine has no lexer errors: its `src` is itself, a property)
        if key is not None and not self.fresh:
            sem = line.sem
            if sem is not None:
                return None if sem is _NOTHING else sem
        try:
            result = add(block, line, verb, args)
        except _Fail as err:
            result = err
        if key is not None:
            # (the result alone, the key once on the tree: a (key, result) tuple a line was
            # 5.6 MB at 100,000 requirements, a slot for the key 0.8 MB)
            line.sem = _NOTHING if result is None else result
        return result

    def _add(
        self,
        add: Callable[[Block | None, Line, Token, list[Token] | None], object],
        collect: Callable[[object], None],
        block: Block | None,
        line: Line,
        verb: Token,
        args: list[Token] | None,
    ) -> None:
        key = self.memo_key if verb.text not in STATEFUL_VERBS else None
        result = self._result(add, key, block, line, verb, args)
        if isinstance(result, _Fail):
            self.record(line, result)  # positions come from the tokens, so they follow edits
        elif result is not None:
            collect(result)
            if self.parts is not None:
                self.parts.append(result)

    # Token helpers shared by the directives.

    def parse_string(self, tok: Token) -> str:
        """parseString: unquote `"..."`, reject other quotes, rewrite to AutoQuote."""
        t = tok.text
        if t.startswith('"'):
            try:
                t = unquote(t)
            except UnquoteError as e:
                raise self.fail(f"invalid quoted string: {e}", [tok], "invalid-quoted-string") from None
        elif any(q in t for q in "\"'`"):
            raise self.fail(
                "invalid quoted string: unquoted string cannot contain quote", [tok], "invalid-quoted-string"
            )
        if self.rewrite:
            tok.text = auto_quote(t)
        return t

    def parse_version(self, verb: str, path: str, tok: Token, canonical: bool = True) -> str:
        """parseVersion with a nil fixer (`canonical`) or with retract's no-op fixer."""
        prefix = f"{verb} {path}: " if path else f"{verb}: "
        raw = tok.text
        try:
            t = self.parse_string(tok)
        except _Fail as e:
            cause = e.message.removeprefix("invalid quoted string: ")
            raise self.fail(
                f"{prefix}version {quote(raw)} invalid: {cause}", [tok], "invalid-version"
            ) from None
        if canonical:
            cv = canonical_version(t)
            if not cv:
                raise self.fail(
                    f"{prefix}version {quote(t)} invalid: must be of the form v1.2.3",
                    [tok],
                    "invalid-version",
                )
            t = cv
        if self.rewrite:
            tok.text = t
        return t

    def path_major(self, path: str, tok: Token, wrap: str = "") -> str:
        _, major, ok = split_path_version(path)
        if not ok:
            raise self.fail(f"{wrap}invalid module path", [tok], "invalid-module-path")
        return major

    def check_major(self, verb: str, path: str, version: str, path_major: str, tok: Token) -> None:
        try:
            check_path_major(version, path_major)
        except InvalidVersionError as e:
            raise self.fail(f"{verb} {path}: {e}", [tok], "version-major-mismatch") from None

    def go_version(self, line: Line, args: list[Token], lax: bool = False) -> str:
        if len(args) != 1:
            raise self.fail("go directive expects exactly one argument", [], "usage")
        v = args[0].text
        if not GO_VERSION_RE.match(v):
            m = LAX_GO_VERSION_RE.match(v) if lax else None
            if m is None:
                raise self.fail(
                    f"invalid go version '{v}': must match format 1.23.0", [args[0]], "invalid-go-version"
                )
            v = m.group(1)
        return v

    def toolchain_name(self, args: list[Token]) -> str:
        if len(args) != 1:
            raise self.fail("toolchain directive expects exactly one argument", [], "usage")
        name = args[0].text
        if not TOOLCHAIN_RE.match(name):
            raise self.fail(
                f"invalid toolchain version '{name}': must match format go1.23.0 or default",
                [args[0]],
                "invalid-toolchain-version",
            )
        return name

    def godebug(self, block: Block | None, line: Line, args: list[Token]) -> Godebug:
        if len(args) != 1 or any(c in args[0].text for c in "\"`',"):
            raise self.fail("usage: godebug key=value", args, "usage")
        key, sep, value = args[0].text.partition("=")
        if not sep:
            raise self.fail("usage: godebug key=value", args, "usage")
        return Godebug(key, value, line, block)

    def replace(self, verb: str, block: Block | None, line: Line, args: list[Token]) -> Replace:
        arrow = 1 if len(args) >= 2 and args[1].text == "=>" else 2
        if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow].text != "=>":
            raise self.fail(REPLACE_USAGE.format(verb), args, "usage")
        s = self.parse_string(args[0])
        path_major = self.path_major(s, args[0], wrap=f"{verb} {s}: ")
        v = ""
        if arrow == 2:
            v = self.parse_version(verb, s, args[1])
            self.check_major(verb, s, v, path_major, args[1])
        new_tok = args[arrow + 1]
        ns = self.parse_string(new_tok)
        nv = ""
        if len(args) == arrow + 2:
            if not is_directory_path(ns):
                if "@" in ns:
                    msg = "replacement module must match format 'path version', not 'path@version'"
                else:
                    msg = "replacement module without version must be directory path (rooted or starting with . or ..)"
                raise self.fail(msg, [new_tok], "invalid-replacement")
            if "\\" in ns:
                raise self.fail(
                    "replacement directory appears to be Windows path (on a non-windows system)",
                    [new_tok],
                    "invalid-replacement",
                )
        else:
            nv = self.parse_version(verb, ns, args[arrow + 2])
            if is_directory_path(ns):
                raise self.fail(
                    f"replacement module directory path {quote(ns)} cannot have version",
                    [new_tok, args[arrow + 2]],
                    "invalid-replacement",
                )
        return Replace(ModuleVersion(s, v), ModuleVersion(ns, nv), line, block)

    def version_interval(self, verb: str, args: list[Token]) -> tuple[str, str, list[Token]]:
        """parseVersionInterval with retract's no-op fixer; returns the tokens left over."""
        if not args or args[0].text == "(":
            raise self.fail("expected '[' or version", args[:1], "invalid-retract")
        if args[0].text != "[":
            v = self.parse_version(verb, "", args[0], canonical=False)
            return v, v, args[1:]
        rest = args[1:]
        if not rest:
            raise self.fail("expected version after '['", args[:1], "invalid-retract")
        low = self.parse_version(verb, "", rest[0], canonical=False)
        rest = rest[1:]
        if not rest or rest[0].text != ",":
            raise self.fail("expected ',' after version", rest[:1] or args[-1:], "invalid-retract")
        rest = rest[1:]
        if not rest:
            raise self.fail("expected version after ','", args[-1:], "invalid-retract")
        high = self.parse_version(verb, "", rest[0], canonical=False)
        rest = rest[1:]
        if not rest or rest[0].text != "]":
            raise self.fail("expected ']' after version", rest[:1] or args[-1:], "invalid-retract")
        return low, high, rest[1:]

    def one_path(self, what: str, args: list[Token]) -> str:
        if len(args) != 1:
            raise self.fail(f"{what} directive expects exactly one argument", args, "usage")
        return self.parse_string(args[0])


def _args(line: Line, args: list[Token] | None) -> list[Token]:
    """The tokens after the verb: `args`, or all of a block line's (None)."""
    return line.tokens if args is None else args


_MOD_LISTS = {
    Godebug: "godebug",
    Require: "require",
    Exclude: "exclude",
    Replace: "replace",
    Retract: "retract",
    Tool: "tool",
    Ignore: "ignore",
}
_WORK_LISTS = {Godebug: "godebug", Use: "use", Replace: "replace"}


def _collector(
    f: ModFile | WorkFile, lists: dict[type, str]
) -> tuple[Callable[[object], None], Callable[[list[object]], None]]:
    """Adds one node, or the nodes of one block (all of one type), to the model's lists."""
    # (the lists are not replaced while the model is built)
    appenders = {t: getattr(f, name).append for t, name in lists.items()}
    extenders = {t: getattr(f, name).extend for t, name in lists.items()}

    def collect(node: object) -> None:
        appenders[type(node)](node)

    def extend(nodes: list[object]) -> None:
        extenders[type(nodes[0])](nodes)

    return collect, extend


def parse_mod(
    syntax: FileSyntax, *, strict: bool = True, rewrite: bool = False, memo: bool = False
) -> tuple[ModFile, list[ModError]]:
    """modfile.Parse (strict) or ParseLax, with a nil version fixer. `memo` keeps each line's
    result on the line for the next parse of the same (incrementally updated) tree."""
    f = ModFile(syntax)
    c = _Checker(syntax, rewrite, f"mod:{strict}" if memo else None)

    def add(block: Block | None, line: Line, verb_tok: Token, args: list[Token] | None) -> object:
        verb = verb_tok.text
        if not strict and verb not in LAX_VERBS:
            return
        if verb in ("require", "exclude"):  # (first: nearly every line is one)
            # (a block line's texts, without making the tokens of a plain line: see SourceLine)
            texts = line.words() if args is None else [t.text for t in args]
            if len(texts) != 2:
                raise c.fail(f"usage: {verb} module/path v1.2.3", _args(line, args), "usage")
            s, v = texts
            plain = bool(_PLAIN_PATH.match(s) and _CANONICAL_V0_V1.match(v) and not _MAJOR_SUFFIX.search(s))
            if not plain:
                args = _args(line, args)
                s = c.parse_string(args[0])
                v = c.parse_version(verb, s, args[1])
                path_major = c.path_major(s, args[0])
                c.check_major(verb, s, v, path_major, args[1])
            # (tuple.__new__: what ModuleVersion(s, v) does, without its Python-level __new__)
            if plain and texts.__class__ is ModuleVersion:  # (parsed before: see share_words below)
                mod = texts
            else:
                # (a release version shared with the parse's other lines of it: a large go.mod
                # repeats them a lot, one string each instead of one a line; not
                # pseudo-versions, nearly all different)
                if plain and "-" not in v:
                    v = c.versions.setdefault(v, v)
                mod = _new_tuple(ModuleVersion, (s, v))
                if plain and args is None and texts.__class__ is tuple:
                    line.src.share_words(mod)  # type: ignore[union-attr]  # (a plain block line: one tuple)
            if verb == "require":
                suffix = line.suffix_text()  # (is_indirect's usual answers, inline)
                indirect = suffix is not None and (suffix == "// indirect" or is_indirect(line))
                return Require(mod, indirect, line, block, plain)  # type: ignore[arg-type]
            return Exclude(mod, line, block, plain)  # type: ignore[arg-type]
        args = _args(line, args)
        if verb == "go":
            if f.go is not None:
                raise c.fail("repeated go statement", [verb_tok], "repeated-statement")
            f.go = Go(c.go_version(line, args, lax=not strict), line)
        elif verb == "toolchain":
            if f.toolchain is not None:
                raise c.fail("repeated toolchain statement", [verb_tok], "repeated-statement")
            f.toolchain = Toolchain(c.toolchain_name(args), line)
        elif verb == "module":
            if f.module is not None:
                raise c.fail("repeated module statement", [verb_tok], "repeated-statement")
            f.module = Module(ModuleVersion(""), parse_deprecation(block, line), line, block)
            if len(args) != 1:
                raise c.fail("usage: module module/path", args, "usage")
            f.module.mod = ModuleVersion(c.parse_string(args[0]))
        elif verb == "godebug":
            return c.godebug(block, line, args)
        elif verb == "replace":
            return c.replace(verb, block, line, args)
        elif verb == "retract":
            rationale = directive_comment(block, line)
            try:
                low, high, rest = c.version_interval(verb, args)
            except _Fail:
                if strict:
                    raise
                return
            if rest and strict:
                raise c.fail(
                    f"unexpected token after version: {quote(rest[0].text)}", rest, "invalid-retract"
                )
            return Retract(low, high, rationale, line, block)
        elif verb == "tool":
            return Tool(c.one_path("tool", args), line, block)
        elif verb == "ignore":
            return Ignore(c.one_path("ignore", args), line, block)
        else:
            raise c.fail(f"unknown directive: {verb}", [verb_tok], "unknown-directive")

    collect, extend = _collector(f, _MOD_LISTS)
    c.run(MOD_BLOCK_VERBS, add, collect, strict, extend)
    if c.parts is not None:
        f.require_parts = [
            (part, items)
            for part in c.parts
            if (items := part[2] if part.__class__ is tuple else [part])[0].__class__ is Require  # type: ignore[index]
        ]
    return f, c.errors


def parse_work(
    syntax: FileSyntax, *, rewrite: bool = False, memo: bool = False
) -> tuple[WorkFile, list[ModError]]:
    """modfile.ParseWork with a nil version fixer."""
    f = WorkFile(syntax)
    c = _Checker(syntax, rewrite, "work" if memo else None)

    def add(block: Block | None, line: Line, verb_tok: Token, args: list[Token] | None) -> object:
        verb = verb_tok.text
        args = _args(line, args)
        if verb == "go":
            if f.go is not None:
                raise c.fail("repeated go statement", [verb_tok], "repeated-statement")
            f.go = Go(c.go_version(line, args), line)
        elif verb == "toolchain":
            if f.toolchain is not None:
                raise c.fail("repeated toolchain statement", [verb_tok], "repeated-statement")
            f.toolchain = Toolchain(c.toolchain_name(args), line)
        elif verb == "godebug":
            return c.godebug(block, line, args)
        elif verb == "use":
            if len(args) != 1:
                raise c.fail("usage: use local/dir", args, "usage")
            return Use(c.parse_string(args[0]), line, block)
        elif verb == "replace":
            return c.replace(verb, block, line, args)
        else:
            raise c.fail(f"unknown directive: {verb}", [verb_tok], "unknown-directive")

    collect, extend = _collector(f, _WORK_LISTS)
    c.run(WORK_BLOCK_VERBS, add, collect, extend=extend)
    return f, c.errors
