"""x/mod's edit API (modfile/rule.go, work.go, read.go) on gomodls's syntax tree and model.

    editor = ModEditor(parse_text(text, FileKind.MOD))
    editor.add_require("example.com/a", "v1.2.3")
    editor.drop_replace("example.com/b", "")
    editor.formatted()    # what `go mod edit -require=... -dropreplace=...` writes
    editor.text_edits()   # minimal edits against the original text, for an editor

The methods are a faithful port of x/mod's (same names in Python style, same placement rules:
addLine's hints, the last block of the verb, setRequireSeparateIndirect's block choices and
comment moves, markRemoved then Cleanup; the same validation errors), quirks included: a new
retraction is not added to the model's `retract` list, Cleanup does not drop cleared `tool` /
`ignore` entries (nor go.work `godebug` ones), SetUse adds every use again.

The caller's tree is never touched: the editor works on a private copy (`clone_syntax` and a
re-parse of the model on the copy, as `canonical_model` does). The file may have errors on other
lines: lines that failed to parse are not in the model, are never chosen as a place for new lines,
and are kept untouched by `text_edits()`. `formatted()` and `json()` need a file that parses, like
the go command.

Two outputs come from the same recorded edits, replayed on fresh copies:

* `formatted()` / `json()`: the edits with x/mod's exact semantics, then SortBlocks, Cleanup and
  Format: byte for byte what `go mod edit -print` / `-json` prints with the same flags;
* `text_edits()` / `edited_text()`: the edits in "minimal" mode (no sorting, no collapsing of
  blocks, duplicates removed only where x/mod removes them in the middle of an operation), printed
  by `editprint.PreservingPrinter`, so untouched lines keep their exact bytes.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, Self, TypeVar

from gomodls.base.gcpause import paused_gc
from gomodls.base.gostr import quote, trim_space
from gomodls.base.textedit import TextEdit
from gomodls.modfile.canonical import (
    SEMANTIC_EXCLUDE_SORT_GO,
    cleanup,
    cleanup_model,
    compare_line,
    compare_line_exclude,
    compare_line_retract,
)
from gomodls.modfile.editprint import PreservingPrinter, Snapshot, text_edits
from gomodls.modfile.gojson import marshal_indent, mod_json, work_json
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
    Tool,
    Toolchain,
    Use,
    WorkFile,
)
from gomodls.modfile.parsed import FileKind, NotParsable, ParsedFile, parse_text
from gomodls.modfile.rules import (
    GO_VERSION_RE,
    MOD_BLOCK_VERBS,
    TOOLCHAIN_RE,
    WORK_BLOCK_VERBS,
    auto_quote,
    is_indirect,
    parse_mod,
    parse_work,
)
from gomodls.module import semver
from gomodls.module.errors import GoError, InvalidVersionError
from gomodls.module.paths import canonical_version, check_path_major, path_major_prefix, split_path_version
from gomodls.syntax.printer import format_stmts
from gomodls.syntax.tree import (
    Block,
    Comment,
    CommentBlock,
    Comments,
    FileSyntax,
    Line,
    Paren,
    Stmt,
    Token,
    TokenKind,
    clone_syntax,
)

__all__ = [
    "EditError",
    "ModEditor",
    "Requirement",
    "TextEdit",
    "UseSpec",
    "WorkEditor",
    "check_canonical_version",
    "editor_for",
]


class EditError(GoError):
    """An edit x/mod refuses (`invalid language version "x"`, ...). Version checks of
    AddExclude / AddRetract raise module.InvalidVersionError, as in Go."""


class Requirement(NamedTuple):
    """An argument of set_require and friends (x/mod's *Require without Syntax)."""

    path: str
    version: str
    indirect: bool = False


class UseSpec(NamedTuple):
    """An argument of WorkEditor.set_use (x/mod's *Use without Syntax)."""

    path: str
    module_path: str = ""


F = TypeVar("F", bound=Callable[..., None])


def _edit(method: F) -> F:
    """Record a successful top-level edit, so the outputs can replay it. Edits calling other
    edits (AddRequire calls AddNewRequire) are recorded once."""

    @functools.wraps(method)
    def run(self: _Editor, *args: Any) -> None:
        args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
        self._depth += 1
        try:
            method(self, *args)
        finally:
            self._depth -= 1
        if self._depth == 0:
            self._ops.append((method.__name__, args))
            self._printed = self._full = None

    return run  # type: ignore[return-value]


def _token(text: str) -> Token:
    if text.startswith('"'):
        kind = TokenKind.STRING
    elif len(text) == 1 and text in "()[]{},":
        kind = TokenKind.PUNCT
    else:
        kind = TokenKind.IDENT
    return Token(kind, text, 0, len(text), None)


def _tokens(texts: Iterable[str]) -> list[Token]:
    return [_token(t) for t in texts]


def check_canonical_version(path: str, vers: str) -> None:
    """checkCanonicalVersion (rule.go): vers must be canonical and match path's major version."""
    _, path_major, path_major_ok = split_path_version(path)
    if vers == "" or vers != canonical_version(vers):
        if path_major == "":
            raise InvalidVersionError(vers, "must be of the form v1.2.3")
        raise InvalidVersionError(vers, f"must be of the form {path_major_prefix(path_major)}.2.3")
    if not path_major_ok:
        return
    try:
        check_path_major(vers, path_major)
    except InvalidVersionError:
        if path_major == "":
            # The user probably meant v2.3.4+incompatible rather than "v0 or v1".
            raise InvalidVersionError(
                vers, f"should be {vers}+incompatible (or module {path}/{semver.major(vers)})"
            ) from None
        raise


# ----------------------------------------------------------------------------- the common part


class _Editor(ABC):
    """The syntax-level machinery of x/mod (FileSyntax.addLine, updateLine, markRemoved,
    removeDups, SortBlocks, Cleanup) and the edits go.mod and go.work share. A subclass edits
    one kind of file: it says how the file's model is read and which lines it holds."""

    kind: FileKind
    block_verbs: frozenset[str]
    _file: ModFile | WorkFile

    def __init__(self, parsed: ParsedFile) -> None:
        if parsed.kind is not self.kind:
            raise ValueError(f"{type(self).__name__} edits {self.kind.default_name} files, not {parsed.kind}")
        self._parsed = parsed
        self._ops: list[tuple[str, tuple[Any, ...]]] = []
        self._printed: tuple[list[TextEdit], str] | None = None
        self._full: _Editor | None = None
        self._setup(minimal=True)

    @classmethod
    def from_text(cls, text: str, filename: str | None = None) -> Self:
        return cls(parse_text(text, cls.kind, filename))

    def _setup(self, minimal: bool) -> None:
        self._depth = 0
        self._minimal = minimal
        with paused_gc():
            self._syntax: FileSyntax = clone_syntax(self._parsed.syntax)
            self._file = self._parse(self._syntax)
        self._snap = Snapshot.take(self._syntax) if minimal else None
        # Sets of objects by id() hold the objects too: an id is unique only while its object
        # lives, and Cleanup drops entries and lines.
        self._bad = self._unusable()
        self._cleared: dict[int, object] = {}  # model entries x/mod has zeroed (*r = Require{})
        # Minimal mode keeps structurally removed lines and blocks in the tree (to print the
        # deletions); these hide them from the edits, as x/mod no longer sees them.
        self._gone: dict[int, Line] = {}
        self._hidden: dict[int, Block] = {}

    @abstractmethod
    def _parse(self, syntax: FileSyntax) -> ModFile | WorkFile:
        """The model of the (private) syntax tree, with x/mod's rewriting of its entries."""

    @abstractmethod
    def _model_lines(self) -> Iterable[Line]:
        """The lines that made it into the model."""

    def _unusable(self) -> dict[int, Stmt]:
        """Lines and blocks that did not make it into the model (errors): never a place for new
        lines, never rewritten."""
        good = {id(line) for line in self._model_lines()}
        bad: dict[int, Stmt] = {}
        for stmt in self._syntax.stmts:
            if isinstance(stmt, Line) and id(stmt) not in good:
                bad[id(stmt)] = stmt
            elif isinstance(stmt, Block):
                if len(stmt.header) != 1 or stmt.verb not in self.block_verbs or stmt.rparen.token is None:
                    bad[id(stmt)] = stmt
                bad.update((id(line), line) for line in stmt.lines if id(line) not in good)
        return bad

    @property
    @abstractmethod
    def model(self) -> ModFile | WorkFile:
        """The model after the edits so far (x/mod's File / WorkFile, before Cleanup)."""

    # -- outputs

    def format(self) -> str:
        """modfile.Format of the edited file, without SortBlocks or Cleanup (what x/mod's own
        tests compare)."""
        state = self._replay()
        return format_stmts(state._syntax.stmts, state._syntax.comments)

    def formatted(self) -> str:
        """What `go mod edit` / `go work edit` writes after these edits: SortBlocks, Cleanup,
        Format."""
        state = self._finished()
        return format_stmts(state._syntax.stmts, state._syntax.comments)

    def json(self) -> str:
        """What `go mod edit -json` / `go work edit -json` prints after these edits."""
        f = self._finished()._file
        return marshal_indent(work_json(f) if isinstance(f, WorkFile) else mod_json(f))

    def _finished(self) -> _Editor:
        """The edits replayed with x/mod's semantics, then SortBlocks and Cleanup (cached until
        the next edit)."""
        if self._full is None:
            self._full = self._replay()
            self._full._finish()
        return self._full

    def text_edits(self) -> list[TextEdit]:
        """Minimal edits against the original text (0-based lines, code-point columns)."""
        return self._print()[0]

    def edited_text(self) -> str:
        """The original text with `text_edits()` applied."""
        return self._print()[1]

    def _print(self) -> tuple[list[TextEdit], str]:
        if self._printed is None:
            assert self._snap is not None
            printer = PreservingPrinter(self._snap, self._syntax.stmts, self._compare_for)
            self._printed = text_edits(self._snap.text, self._snap.phys, printer.pieces())
        return self._printed

    def _replay(self) -> Any:
        if not self._parsed.ok:
            raise NotParsable(self._parsed.go_errors)
        other = object.__new__(type(self))
        other._parsed, other._ops, other._printed, other._full = self._parsed, [], None, None
        other._setup(minimal=False)
        for name, args in self._ops:
            getattr(other, name)(*args)
        return other

    def _finish(self) -> None:
        """What go mod edit does after the edits: SortBlocks, Cleanup."""
        self._sort_blocks()
        self._cleanup()

    # -- FileSyntax methods (read.go)

    def _visible(self, stmt: Stmt) -> bool:
        """Whether x/mod still has stmt in FileSyntax.Stmt."""
        return id(stmt) not in (self._hidden if isinstance(stmt, Block) else self._gone)

    def _lines(self, block: Block) -> list[Line]:
        """The block's lines as x/mod still has them."""
        if not self._gone:
            return block.lines
        return [line for line in block.lines if id(line) not in self._gone]

    def _hint_candidate(self, stmt: Stmt, verb: str) -> bool:
        if id(stmt) in self._bad or not self._visible(stmt):
            return False
        if isinstance(stmt, Line):
            return bool(stmt.tokens) and stmt.tokens[0].text == verb
        return isinstance(stmt, Block) and stmt.header[0].text == verb

    def _add_line(self, hint: Stmt | Line | None, tokens: list[str]) -> tuple[Line, Block | None]:
        """FileSyntax.addLine: after hint when given (inside its block if the verbs agree,
        turning a lone line into a block), else at the end of the last statement of the verb,
        else at the end of the file. Returns the new line and its block."""
        stmts = self._syntax.stmts
        verb = tokens[0]
        if hint is None:
            hint = next((s for s in reversed(stmts) if self._hint_candidate(s, verb)), None)
        if hint is not None:
            for i, stmt in enumerate(stmts):
                if not self._visible(stmt):
                    continue
                if isinstance(stmt, Line) and stmt is hint:
                    if not stmt.tokens or stmt.tokens[0].text != verb:
                        return self._insert_after(i, tokens), None
                    block = Block([stmt.tokens[0]], Paren(None), [stmt], Paren(None))
                    stmt.tokens, stmt.in_block = stmt.tokens[1:], True
                    stmts[i] = block
                    return self._append_to(block, tokens), block
                if isinstance(stmt, Block):
                    if stmt is hint:
                        if stmt.header[0].text != verb:
                            return self._insert_after(i, tokens), None
                        return self._append_to(block := stmt, tokens), block
                    lines = self._lines(stmt)
                    for j, line in enumerate(lines):
                        if line is hint:
                            if stmt.header[0].text != verb:
                                return self._insert_after(i, tokens), None
                            new = Line(_tokens(tokens[1:]), in_block=True)
                            stmt.lines.insert(stmt.lines.index(lines[j]) + 1, new)
                            return new, stmt
        new = Line(_tokens(tokens))
        stmts.append(new)
        return new, None

    def _add_line_typed_nil(self, hint: Line | None, tokens: list[str]) -> tuple[Line, Block | None]:
        """addLine called with a `*Line` hint variable, as AddExclude and addReplace do: a nil
        *Line is a non-nil Expr, so without a hint the line is appended to the end of the file
        instead of to the last block of the verb."""
        if hint is not None:
            return self._add_line(hint, tokens)
        new = Line(_tokens(tokens))
        self._syntax.stmts.append(new)
        return new, None

    def _insert_after(self, i: int, tokens: list[str]) -> Line:
        new = Line(_tokens(tokens))
        self._syntax.stmts.insert(i + 1, new)
        return new

    @staticmethod
    def _append_to(block: Block, tokens: list[str]) -> Line:
        new = Line(_tokens(tokens[1:]), in_block=True)
        block.lines.append(new)
        return new

    @staticmethod
    def _update_line(line: Line, tokens: list[str]) -> None:
        """FileSyntax.updateLine: new tokens, same comments."""
        line.tokens = _tokens(tokens[1:] if line.in_block else tokens)

    @staticmethod
    def _mark_removed(line: Line) -> None:
        """Line.markRemoved: dropped (with its Before comments) by Cleanup."""
        line.tokens = []
        line.comments.suffix = []
        line.removed = True

    def _clear(self, entry: Any, **zero: Any) -> None:
        """x/mod's `*r = Require{}`: the entry matches nothing and Cleanup drops it."""
        for name, value in zero.items():
            setattr(entry, name, value)
        self._cleared[id(entry)] = entry

    # -- SortBlocks, removeDups, Cleanup

    def _compare_for(self, block: Block) -> Callable[[Line, Line], int]:
        return compare_line

    def _sort_blocks(self) -> None:
        """SortBlocks: removeDups, then a stable sort of each block (not in minimal mode: the
        lines keep their places, new ones are placed by the printer)."""
        self._remove_dups()
        if self._minimal:
            return
        for stmt in self._syntax.stmts:
            if isinstance(stmt, Block):
                stmt.lines.sort(key=functools.cmp_to_key(self._compare_for(stmt)))

    def _dup_lists(self) -> list[tuple[str, Callable[[Any], object], bool]]:
        """(model list attribute, key, first_wins) for removeDups, in x/mod's order."""
        return [("replace", lambda r: r.old, False)]

    def _remove_dups(self) -> None:
        """removeDups: the first exclude/tool/ignore wins, the last replace wins. Like x/mod, one
        kill set serves all lists, and a zeroed entry's key is Go's nil Syntax."""
        kill: set[int | None] = set()
        killed: list[Line] = []

        def key(entry: Any) -> int | None:
            return None if id(entry) in self._cleared else id(entry.syntax)

        for attr, dup_key, first_wins in self._dup_lists():
            entries = getattr(self._file, attr)
            seen: set[object] = set()
            for entry in entries if first_wins else reversed(entries):
                k = dup_key(entry)
                if k in seen:
                    kill.add(key(entry))
                    if key(entry) is not None:
                        killed.append(entry.syntax)
                    continue
                seen.add(k)
            setattr(self._file, attr, [e for e in entries if key(e) not in kill])
        if self._minimal:
            self._hide_lines(killed)
            return
        stmts: list[Stmt] = []
        for stmt in self._syntax.stmts:
            if isinstance(stmt, Line) and id(stmt) in kill:
                continue
            if isinstance(stmt, Block):
                stmt.lines = [line for line in stmt.lines if id(line) not in kill]
                if not stmt.lines:
                    continue  # x/mod drops every empty block here, killed lines or not
            stmts.append(stmt)
        self._syntax.stmts = stmts

    def _hide_lines(self, lines: Iterable[Line]) -> None:
        """Minimal mode's structural removal: the lines are deleted from the text and x/mod no
        longer sees them, nor the blocks they leave empty."""
        for line in lines:
            self._mark_removed(line)
            self._gone[id(line)] = line
        for stmt in self._syntax.stmts:
            if isinstance(stmt, Block) and not self._lines(stmt):
                self._hidden[id(stmt)] = stmt

    def _cleanup(self) -> None:
        """File.Cleanup / WorkFile.Cleanup: drop zeroed entries, removed lines, empty blocks;
        collapse one-line blocks (minimal mode keeps them and only hides what x/mod drops)."""
        cleanup_model(self._file)
        if not self._minimal:
            self._syntax.stmts = cleanup(self._syntax.stmts)
            return
        removed = [line for stmt in self._syntax.stmts for line in _all_lines(stmt) if line.removed]
        self._hide_lines(removed)

    @_edit
    def sort_blocks(self) -> None:
        """SortBlocks (x/mod): removeDups, then sort each block."""
        self._sort_blocks()

    @_edit
    def cleanup(self) -> None:
        """Cleanup (x/mod): drop what the edits removed."""
        self._cleanup()

    # -- edits shared by go.mod and go.work

    @_edit
    def drop_go_stmt(self) -> None:
        f = self._file
        if f.go is not None:
            self._mark_removed(f.go.syntax)
            f.go = None

    @_edit
    def drop_toolchain_stmt(self) -> None:
        f = self._file
        if f.toolchain is not None:
            self._mark_removed(f.toolchain.syntax)
            f.toolchain = None

    @_edit
    def add_godebug(self, key: str, value: str) -> None:
        """Set the first godebug line for key, remove the others; or add a line at the end of
        the last godebug block."""
        need = True
        for g in self._file.godebug:
            if g.key != key:
                continue
            if need:
                g.value = value
                self._update_line(g.syntax, ["godebug", f"{key}={value}"])
                need = False
            else:
                self._mark_removed(g.syntax)
                self._clear(g, key="", value="")
        if need:
            line, block = self._add_line(None, ["godebug", f"{key}={value}"])
            self._file.godebug.append(Godebug(key, value, line, block))

    @_edit
    def drop_godebug(self, key: str) -> None:
        for g in self._file.godebug:
            if g.key == key:
                self._mark_removed(g.syntax)
                self._clear(g, key="", value="")

    @_edit
    def add_replace(self, old_path: str, old_version: str, new_path: str, new_version: str) -> None:
        """Point the first replacement of old_path[@old_version] (any version when old_version
        is empty) at new_path[@new_version], removing the others; or add one after the last
        replacement of old_path, or at the end of the last replace block."""
        tokens = ["replace", auto_quote(old_path)]
        if old_version:
            tokens.append(old_version)
        tokens += ["=>", auto_quote(new_path)]
        if new_version:
            tokens.append(new_version)
        need = True
        hint: Line | None = None
        for r in self._file.replace:
            if r.old.path == old_path and (old_version == "" or r.old.version == old_version):
                if need:
                    # x/mod keeps r.old, even when the line loses its version.
                    r.new = ModuleVersion(new_path, new_version)
                    self._update_line(r.syntax, tokens)
                    need = False
                    continue
                self._mark_removed(r.syntax)
                self._clear(r, old=ModuleVersion(""), new=ModuleVersion(""))
            if r.old.path == old_path:
                hint = r.syntax
        if need:
            line, block = self._add_line_typed_nil(hint, tokens)
            new = Replace(
                ModuleVersion(old_path, old_version), ModuleVersion(new_path, new_version), line, block
            )
            self._file.replace.append(new)

    @_edit
    def drop_replace(self, old_path: str, old_version: str) -> None:
        for r in self._file.replace:
            if r.old.path == old_path and r.old.version == old_version:
                self._mark_removed(r.syntax)
                self._clear(r, old=ModuleVersion(""), new=ModuleVersion(""))

    @staticmethod
    def _check_go_version(version: str) -> None:
        if not GO_VERSION_RE.match(version):
            raise EditError(f"invalid language version {quote(version)}")

    @staticmethod
    def _check_toolchain(name: str) -> None:
        if not TOOLCHAIN_RE.match(name):
            raise EditError(f"invalid toolchain name {quote(name)}")


def _all_lines(stmt: Stmt) -> list[Line]:
    if isinstance(stmt, Line):
        return [stmt]
    if isinstance(stmt, Block):
        return stmt.lines
    return []


# ----------------------------------------------------------------------------- go.mod


def _has_comments(c: Comments) -> bool:
    """setRequireSeparateIndirect's hasComments: comments other than "// indirect"."""
    return bool(
        c.before
        or c.after
        or len(c.suffix) > 1
        or (len(c.suffix) == 1 and trim_space(c.suffix[0].text.removeprefix("//")) != "indirect")
    )


class ModEditor(_Editor):
    """x/mod's File edit methods on a go.mod file."""

    kind = FileKind.MOD
    block_verbs = MOD_BLOCK_VERBS
    _file: ModFile

    @property
    def model(self) -> ModFile:
        return self._file

    def _parse(self, syntax: FileSyntax) -> ModFile:
        return parse_mod(syntax, strict=True, rewrite=True)[0]

    def _model_lines(self) -> Iterable[Line]:
        f = self._file
        singles = [x for x in (f.module, f.go, f.toolchain) if x is not None]
        lists: list[Sequence[Any]] = [f.godebug, f.require, f.exclude, f.replace, f.retract, f.tool, f.ignore]
        return [x.syntax for x in singles] + [x.syntax for entries in lists for x in entries]

    def _dup_lists(self) -> list[tuple[str, Callable[[Any], object], bool]]:
        return [
            ("exclude", lambda x: x.mod, True),
            ("replace", lambda r: r.old, False),
            ("tool", lambda t: t.path, True),
            ("ignore", lambda i: i.path, True),
        ]

    def _compare_for(self, block: Block) -> Callable[[Line, Line], int]:
        go = self._file.go
        if block.verb == "exclude" and go and semver.compare("v" + go.version, SEMANTIC_EXCLUDE_SORT_GO) >= 0:
            return compare_line_exclude
        if block.verb == "retract":
            return compare_line_retract
        return compare_line

    # -- module, go, toolchain

    @_edit
    def add_module_stmt(self, path: str) -> None:
        f = self._file
        if f.module is None:
            line, block = self._add_line(None, ["module", auto_quote(path)])
            f.module = Module(ModuleVersion(path), "", line, block)
        else:
            f.module.mod = ModuleVersion(path)
            self._update_line(f.module.syntax, ["module", auto_quote(path)])

    @_edit
    def add_go_stmt(self, version: str) -> None:
        """Set the go version; a new go line goes right after the module statement."""
        self._check_go_version(version)
        f = self._file
        if f.go is None:
            hint = f.module.syntax if f.module is not None else None
            f.go = Go(version, self._add_line(hint, ["go", version])[0])
        else:
            f.go.version = version
            self._update_line(f.go.syntax, ["go", version])

    @_edit
    def add_toolchain_stmt(self, name: str) -> None:
        """Set the toolchain; a new line goes after the go line, else after the module line."""
        self._check_toolchain(name)
        f = self._file
        if f.toolchain is None:
            hint = f.go.syntax if f.go else f.module.syntax if f.module else None
            f.toolchain = Toolchain(name, self._add_line(hint, ["toolchain", name])[0])
        else:
            f.toolchain.name = name
            self._update_line(f.toolchain.syntax, ["toolchain", name])

    # -- require

    @_edit
    def add_require(self, path: str, version: str) -> None:
        """Set the first require line for path to version, removing the others; or add a new
        line at the end of the last require block."""
        need = True
        for r in self._file.require:
            if r.mod.path != path:
                continue
            if need:
                r.mod = ModuleVersion(path, version)
                self._update_line(r.syntax, ["require", auto_quote(path), version])
                need = False
            else:
                self._drop_require_entry(r)
        if need:
            self.add_new_require(path, version, False)

    @_edit
    def add_new_require(self, path: str, version: str, indirect: bool) -> None:
        """Add a require line at the end of the last require block, whatever is there."""
        line, block = self._add_line(None, ["require", auto_quote(path), version])
        r = Require(ModuleVersion(path, version), False, line, block)
        self._set_indirect(r, indirect)
        self._file.require.append(r)

    @_edit
    def set_require(self, reqs: Sequence[Requirement]) -> None:
        """Make the requirements exactly reqs, keeping the first line of each path with its
        comments (except the indirect marking); new ones go to the last require block."""
        need: dict[str, tuple[str, bool]] = {}
        for req in reqs:
            prev = need.get(req.path)
            if prev is not None and prev[0] != req.version:
                raise ValueError(
                    f"SetRequire called with conflicting versions for path {req.path} ({prev[0]} and {req.version})"
                )
            need[req.path] = (req.version, req.indirect)
        for r in self._file.require:
            found = need.get(r.mod.path)
            if found is not None:
                self._set_version(r, found[0])
                self._set_indirect(r, found[1])
            else:
                self._drop_require_entry(r)
            need.pop(r.mod.path, None)  # after a removal the path is "", as in x/mod
        for path, (version, indirect) in need.items():
            self.add_new_require(path, version, indirect)
        self._sort_blocks()

    @_edit
    def set_require_separate_indirect(self, reqs: Sequence[Requirement]) -> None:
        """SetRequire that keeps direct and indirect requirements in separate blocks (what
        go mod tidy uses)."""
        self._set_require_separate_indirect(reqs, simplify=False)

    @_edit
    def set_require_at_most_two(self, reqs: Sequence[Requirement]) -> None:
        """set_require_separate_indirect that consolidates everything into at most two blocks,
        ignoring the existing blocks and their comments."""
        self._set_require_separate_indirect(reqs, simplify=True)

    @_edit
    def drop_require(self, path: str) -> None:
        for r in self._file.require:
            if r.mod.path == path:
                self._drop_require_entry(r)

    @_edit
    def set_indirect(self, path: str, indirect: bool) -> None:
        """Add or remove the "// indirect" marking of the requirements on path (x/mod's
        Require.setIndirect, not exported by x/mod)."""
        for r in self._file.require:
            if r.mod.path == path:
                self._set_indirect(r, indirect)

    def _drop_require_entry(self, r: Require) -> None:
        self._mark_removed(r.syntax)
        self._clear(r, mod=ModuleVersion(""), indirect=False)

    @staticmethod
    def _set_version(r: Require, version: str) -> None:
        """Require.setVersion."""
        r.mod = ModuleVersion(r.mod.path, version)
        line = r.syntax
        if not line.tokens:
            return
        if line.in_block:
            before = line.comments.before
            if len(before) == 1 and before[0].text == "":
                line.comments.before = []  # a blank line above goes (golang.org/issue/33779)
            if len(line.tokens) >= 2:
                line.tokens = [line.tokens[0], _token(version), *line.tokens[2:]]
        elif len(line.tokens) >= 3:
            line.tokens = [*line.tokens[:2], _token(version), *line.tokens[3:]]

    @staticmethod
    def _set_indirect(r: Require, indirect: bool) -> None:
        """Require.setIndirect: add or remove the "// indirect" suffix comment (Comment objects
        are shared with the caller's tree: replaced, never changed)."""
        r.indirect = indirect
        line = r.syntax
        if is_indirect(line) == indirect:
            return
        suffix = list(line.comments.suffix)
        if indirect:
            if not suffix:
                line.comments.suffix = [Comment("// indirect", suffix=True)]
                return
            text = trim_space(suffix[0].text.removeprefix("//"))
            suffix[0] = Comment("// indirect; " + text if text else "// indirect", suffix=True)
            line.comments.suffix = suffix
            return
        if trim_space(suffix[0].text.removeprefix("//")) == "indirect":
            line.comments.suffix = []  # x/mod drops every suffix comment here
            return
        old = suffix[0].text
        suffix[0] = Comment("//" + old[old.index("indirect;") + len("indirect;") :], suffix=True)
        line.comments.suffix = suffix

    def _set_require_separate_indirect(self, reqs: Sequence[Requirement], simplify: bool) -> None:
        """setRequireSeparateIndirect (rule.go), step for step."""
        f = self._file
        stmts = self._syntax.stmts
        need = {req.path: req for req in reqs}
        line_indirect = {id(r.syntax): need[r.mod.path].indirect for r in f.require if r.mod.path in need}

        last_direct = last_indirect = last_require = -1
        count = 0
        line_to_block: dict[int, Block] = {}
        direct_comments: list[Comment] = []
        indirect_comments: list[Comment] = []
        for i, stmt in enumerate(stmts):
            if id(stmt) in self._bad or not self._visible(stmt):
                continue
            if isinstance(stmt, Line):
                if not stmt.tokens or stmt.tokens[0].text != "require":
                    continue
                last_require, count = i, count + 1
                if not _has_comments(stmt.comments):
                    if is_indirect(stmt):
                        last_indirect = i
                    else:
                        last_direct = i
            elif isinstance(stmt, Block):
                if stmt.header[0].text != "require":
                    continue
                last_require, count = i, count + 1
                lines = self._lines(stmt)
                all_direct = all_indirect = bool(lines) and not _has_comments(stmt.comments)
                for line in lines:
                    line_to_block[id(line)] = stmt
                    if _has_comments(line.comments):
                        all_direct = all_indirect = False
                    elif is_indirect(line):
                        all_direct = False
                    else:
                        all_indirect = False
                if all_direct:
                    last_direct = i
                if all_indirect:
                    last_indirect = i
                if simplify:
                    any_direct = any(line_indirect.get(id(line)) is False for line in lines)
                    target = indirect_comments if (not any_direct and lines) else direct_comments
                    if target and stmt.comments.before:
                        target.append(Comment("//"))
                    target += stmt.comments.before
                    stmt.comments.before = []

        one_flat_uncommented = count == 1 and not _has_comments(stmts[last_require].comments)

        def insert_block(i: int) -> Block:
            block = Block([_token("require")], Paren(None), [], Paren(None))
            stmts.insert(i, block)
            return block

        def ensure_block(i: int) -> Block:
            stmt = stmts[i]
            if isinstance(stmt, Block):
                return stmt
            assert isinstance(stmt, Line)
            block = Block([_token("require")], Paren(None), [stmt], Paren(None))
            stmt.tokens, stmt.in_block = stmt.tokens[1:], True
            stmts[i] = block
            return block

        if last_direct < 0:
            if last_indirect >= 0:
                last_direct = last_indirect
                last_indirect += 1
            elif last_require >= 0:
                last_direct = last_require + 1
            else:
                last_direct = len(stmts)
            direct_block = insert_block(last_direct)
        else:
            direct_block = ensure_block(last_direct)
        if last_indirect < 0:
            last_indirect = last_direct + 1
            indirect_block = insert_block(last_indirect)
        else:
            indirect_block = ensure_block(last_indirect)

        if simplify:
            if direct_comments:
                direct_block.comments.before = [*direct_block.comments.before, *direct_comments]
            if indirect_comments:
                indirect_block.comments.before = [*indirect_block.comments.before, *indirect_comments]

        have: dict[str, Require] = {}
        for r in f.require:
            path = r.mod.path
            if path not in need or path in have:
                self._drop_require_entry(r)
                continue
            have[path] = r
            want = need[path]
            self._set_version(r, want.version)
            self._set_indirect(r, want.indirect)
            in_block = line_to_block.get(id(r.syntax))
            if want.indirect and (simplify or one_flat_uncommented or in_block is direct_block):
                self._move_require(r, indirect_block)
            elif not want.indirect and (simplify or one_flat_uncommented or in_block is indirect_block):
                self._move_require(r, direct_block)
        for path, want in need.items():
            if path not in have:
                block = indirect_block if want.indirect else direct_block
                line = Line(_tokens([auto_quote(path), want.version]), in_block=True)
                r = Require(ModuleVersion(path, want.version), want.indirect, line, block)
                if want.indirect:
                    self._set_indirect(r, True)
                block.lines.append(line)
                f.require.append(r)
        self._sort_blocks()

    @staticmethod
    def _move_require(r: Require, block: Block) -> None:
        """moveReq for an existing requirement: a copy of its line (comments included) goes to
        block; the old line is removed."""
        old = r.syntax
        tokens = old.tokens
        if not old.in_block and tokens and tokens[0].text == "require":
            tokens = tokens[1:]
        c = old.comments
        line = Line(list(tokens), Comments(list(c.before), list(c.suffix), list(c.after)), True)
        old.tokens, old.removed = [], True
        r.syntax, r.block = line, block
        block.lines.append(line)

    # -- exclude, retract, tool, ignore

    @_edit
    def add_exclude(self, path: str, version: str) -> None:
        """Exclude path@version (a no-op if already excluded), after the last exclude of path
        or at the end of the last exclude block. The version must be canonical."""
        check_canonical_version(path, version)
        hint: Line | None = None
        for x in self._file.exclude:
            if x.mod.path == path and x.mod.version == version:
                return
            if x.mod.path == path:
                hint = x.syntax
        line, block = self._add_line_typed_nil(hint, ["exclude", auto_quote(path), version])
        self._file.exclude.append(Exclude(ModuleVersion(path, version), line, block))

    @_edit
    def drop_exclude(self, path: str, version: str) -> None:
        for x in self._file.exclude:
            if x.mod.path == path and x.mod.version == version:
                self._mark_removed(x.syntax)
                self._clear(x, mod=ModuleVersion(""))

    @_edit
    def add_retract(self, low: str, high: str, rationale: str = "") -> None:
        """Retract [low, high] (a single version when low == high), with the rationale as
        comments above. Like x/mod, the new retraction is not added to model.retract."""
        f = self._file
        path = f.module.mod.path if f.module is not None else ""
        check_canonical_version(path, high)
        check_canonical_version(path, low)
        if low == high:
            tokens = ["retract", auto_quote(low)]
        else:
            tokens = ["retract", "[", auto_quote(low), ",", auto_quote(high), "]"]
        line, _ = self._add_line(None, tokens)
        if rationale:
            line.comments.before = [
                *line.comments.before,
                *(Comment("// " + text) for text in rationale.split("\n")),
            ]

    @_edit
    def drop_retract(self, low: str, high: str) -> None:
        for r in self._file.retract:
            if r.low == low and r.high == high:
                self._mark_removed(r.syntax)
                self._clear(r, low="", high="", rationale="")

    @_edit
    def add_tool(self, path: str) -> None:
        """Add a tool line (nothing if present), then SortBlocks as x/mod does."""
        if any(t.path == path for t in self._file.tool):
            return
        line, block = self._add_line(None, ["tool", path])
        self._file.tool.append(Tool(path, line, block))
        self._sort_blocks()

    @_edit
    def drop_tool(self, path: str) -> None:
        for t in self._file.tool:
            if t.path == path:
                self._mark_removed(t.syntax)
                self._clear(t, path="")

    @_edit
    def add_ignore(self, path: str) -> None:
        """Add an ignore line (nothing if present), then SortBlocks as x/mod does."""
        if any(i.path == path for i in self._file.ignore):
            return
        line, block = self._add_line(None, ["ignore", path])
        self._file.ignore.append(Ignore(path, line, block))
        self._sort_blocks()

    @_edit
    def drop_ignore(self, path: str) -> None:
        for i in self._file.ignore:
            if i.path == path:
                self._mark_removed(i.syntax)
                self._clear(i, path="")


# ----------------------------------------------------------------------------- go.work


class WorkEditor(_Editor):
    """x/mod's WorkFile edit methods on a go.work file."""

    kind = FileKind.WORK
    block_verbs = WORK_BLOCK_VERBS
    _file: WorkFile

    @property
    def model(self) -> WorkFile:
        return self._file

    def _parse(self, syntax: FileSyntax) -> WorkFile:
        return parse_work(syntax, rewrite=True)[0]

    def _model_lines(self) -> Iterable[Line]:
        f = self._file
        singles = [x for x in (f.go, f.toolchain) if x is not None]
        lists: list[Sequence[Any]] = [f.godebug, f.use, f.replace]
        return [x.syntax for x in singles] + [x.syntax for entries in lists for x in entries]

    def _first_statement(self) -> int:
        """Index of the first statement that is not a comment block (or the end)."""
        stmts = self._syntax.stmts
        return next(
            (i for i, s in enumerate(stmts) if not isinstance(s, CommentBlock) and self._visible(s)),
            len(stmts),
        )

    @_edit
    def add_go_stmt(self, version: str) -> None:
        """Set the go version; a new go line goes before the first statement (after the
        file's leading comments)."""
        self._check_go_version(version)
        f = self._file
        if f.go is None:
            line = Line(_tokens(["go", version]))
            f.go = Go(version, line)
            self._syntax.stmts.insert(self._first_statement(), line)
        else:
            f.go.version = version
            self._update_line(f.go.syntax, ["go", version])

    @_edit
    def add_toolchain_stmt(self, name: str) -> None:
        """Set the toolchain; a new line goes after the go line, else before the first
        statement."""
        self._check_toolchain(name)
        f = self._file
        if f.toolchain is not None:
            f.toolchain.name = name
            self._update_line(f.toolchain.syntax, ["toolchain", name])
            return
        line = Line(_tokens(["toolchain", name]))
        f.toolchain = Toolchain(name, line)
        stmts = self._syntax.stmts
        at = next(
            (
                i + 1
                for i, s in enumerate(stmts)
                if isinstance(s, Line)
                and s.tokens
                and s.tokens[0].text == "go"
                and id(s) not in self._bad
                and self._visible(s)
            ),
            None,
        )
        stmts.insert(self._first_statement() if at is None else at, line)

    @_edit
    def add_use(self, path: str, module_path: str = "") -> None:
        """Set the first use of path (its module path), removing the others; or add one at the
        end of the last use block."""
        need = True
        for d in self._file.use:
            if d.path != path:
                continue
            if need:
                d.module_path = module_path
                self._update_line(d.syntax, ["use", auto_quote(path)])
                need = False
            else:
                self._mark_removed(d.syntax)
                self._clear(d, path="", module_path="")
        if need:
            self.add_new_use(path, module_path)

    @_edit
    def add_new_use(self, path: str, module_path: str = "") -> None:
        line, block = self._add_line(None, ["use", auto_quote(path)])
        self._file.use.append(Use(path, line, block, module_path))

    @_edit
    def set_use(self, uses: Sequence[UseSpec]) -> None:
        """WorkFile.SetUse: drop the uses not listed, then add every listed one (x/mod adds
        the ones already present again), then SortBlocks."""
        need = {u.path: u.module_path for u in uses}
        for d in self._file.use:
            if d.path in need:
                d.module_path = need[d.path]
            else:
                self._mark_removed(d.syntax)
                self._clear(d, path="", module_path="")
        for path, module_path in need.items():
            self.add_new_use(path, module_path)
        self._sort_blocks()

    @_edit
    def drop_use(self, path: str) -> None:
        for d in self._file.use:
            if d.path == path:
                self._mark_removed(d.syntax)
                self._clear(d, path="", module_path="")


def editor_for(parsed: ParsedFile) -> ModEditor | WorkEditor:
    """The editor for a parsed go.mod or go.work."""
    if parsed.kind is FileKind.WORK:
        return WorkEditor(parsed)
    if parsed.kind is FileKind.MOD:
        return ModEditor(parsed)
    raise ValueError(f"cannot edit a {parsed.kind} file")
