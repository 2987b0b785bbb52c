"""The edit API against the real go command: `go mod edit FLAGS` / `go work edit FLAGS`.

Inputs: every go.mod / go.work of the corpus (``$GOMODLS_CORPUS``) with a few seeded random flag
sets each, and the tricky files of ``editcases`` with random and hand-picked flag sets. The flags
are translated into editor calls in the go command's order (``editcases.flags_to_calls``).

For each input and flag set:

* ``formatted()`` must equal ``go mod edit FLAGS -print`` byte for byte, and ``json()`` must
  equal ``go mod edit FLAGS -json`` (x/mod's model quirks included);
* the minimal edits: applying ``text_edits()`` to the original gives ``edited_text()``; the
  meaning of ``edited_text()`` (``go mod edit -json`` of it) equals the meaning of what the go
  command wrote (``-json`` of its ``-print`` output), lists compared as multisets; every line of
  the original that the flags do not concern (statement lines, their comments, comment blocks,
  the lines of blocks that keep some line) is still there, verbatim and in order.

``GOMODLS_EDIT_SEEDS`` (1) random flag sets per corpus file (four times as many per tricky file).

(``-json FLAGS`` of the original is not the reference for the last check: x/mod's AddRetract does
not add the new retraction to the model, so that JSON lacks it.)
"""

from __future__ import annotations

import functools
import os
import random
from dataclasses import dataclass
from typing import Any

import pytest

from conformance import corpus_files, corpus_root
from editcases import (
    BROKEN_MOD,
    TRICKY_MOD,
    TRICKY_WORK,
    Call,
    apply_calls,
    flags_to_calls,
    random_mod_flags,
    random_work_flags,
    unordered,
)
from gomodls.base.textedit import apply_edits as apply_text_edits
from gomodls.base.textedit import physical_lines
from gomodls.modfile.edit import ModEditor, WorkEditor
from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_text
from gomodls.syntax.tree import Block, CommentBlock, Line
from oracle import Oracle, Result, oracle_fixture  # noqa: F401  (registers the `oracle` fixture)

SEEDS_PER_CORPUS_FILE = int(os.environ.get("GOMODLS_EDIT_SEEDS", "1"))
SEEDS_PER_TRICKY_FILE = 4 * SEEDS_PER_CORPUS_FILE

HAND_PICKED: dict[str, list[list[str]]] = {
    "comments_everywhere": [
        ["-droprequire=example.com/a", "-require=example.com/b@v1.3.0"],
        ["-dropexclude=example.com/a@v0.9.0", "-dropretract=v1.0.1", "-go=none"],
        ["-require=example.com/new@v1.0.0", "-exclude=example.com/a@v0.9.1", "-retract=v1.2.0"],
        ["-replace=example.com/a=./a", "-dropreplace=example.com/b", "-droprequire=example.com/c"],
        ["-droprequire=example.com/b", "-droprequire=example.com/a"],
        ["-module=example.com/renamed", "-toolchain=go1.23.4"],
    ],
    "one_line_blocks": [
        ["-droprequire=example.com/a", "-dropexclude=example.com/a@v0.1.0", "-dropgodebug=panicnil"],
        ["-require=example.com/b@v1.0.0", "-droptool=example.com/m/cmd/gen", "-tool=example.com/m/cmd/x"],
        ["-godebug=asynctimerchan=1", "-ignore=./vendor", "-replace=example.com/a@v1.0.0=../a1"],
    ],
    "duplicates": [
        ["-require=example.com/a@v1.5.0"],
        ["-tool=example.com/m/u"],
        ["-dropreplace=example.com/a", "-godebug=panicnil=2"],
        ["-exclude=example.com/b@v0.2.0"],
    ],
    "quoted_crlf": [
        ["-require=example.com/c@v1.0.0", "-droprequire=example.com/a"],
        ["-require=example.com/b@v1.2.0", "-go=1.22"],
        ["-dropreplace=example.com/b", "-toolchain=go1.22.0"],
    ],
    "no_newline": [["-require=example.com/b@v1.0.0"], ["-go=1.22"], ["-droprequire=example.com/a"]],
    "messy_spacing": [
        ["-require=example.com/w@v1.0.0", "-exclude=example.com/y@v0.11.0"],
        ["-droprequire=example.com/y", "-dropexclude=example.com/z@v0.1.0"],
    ],
    "indirect_variants": [
        ["-require=example.com/a@v1.1.0", "-require=example.com/b@v1.1.0", "-retract=[v2.0.0,v2.0.5]"],
        ["-droprequire=gopkg.in/yaml.v2", "-dropretract=v2.0.1"],
    ],
    "module_block": [
        ["-go=1.22", "-toolchain=none", "-require=example.com/c@v1.0.0"],
        ["-module=example.com/other/v2"],
    ],
    "empty_blocks": [["-require=example.com/a@v1.0.0", "-exclude=example.com/b@v1.0.0"]],
    "no_module": [["-retract=v1.0.0", "-go=1.22"]],
    "empty": [["-go=1.21", "-require=example.com/a@v1.0.0"], ["-toolchain=go1.21.0"]],
    "tools_and_ignores": [["-droptool=example.com/m/cmd/a", "-ignore=./x", "-dropgodebug=default"]],
    "work_comments": [["-use=./d", "-dropuse=./b"], ["-go=none", "-godebug=panicnil=0"], ["-dropuse=./c"]],
    "work_single_use": [["-use=./b"], ["-dropuse=./a", "-replace=example.com/x=./x"]],
    "work_no_go": [["-go=1.22", "-toolchain=go1.22.1"], ["-toolchain=go1.22.1"]],
    "work_crlf_toolchain": [["-toolchain=none", "-use=./sub"]],
    "work_empty": [["-use=./a", "-go=1.23"]],
}


@dataclass(frozen=True)
class EditCase:
    label: str
    kind: str  # "mod" | "work"
    text: str
    flags: tuple[str, ...]

    @property
    def name(self) -> str:
        return "go.work" if self.kind == "work" else "go.mod"

    @property
    def tool(self) -> str:
        return "work" if self.kind == "work" else "mod"

    def calls(self) -> list[Call]:
        return flags_to_calls(self.kind, self.flags)

    def editor(self) -> ModEditor | WorkEditor:
        return _editor(self)


@functools.cache
def _editor(case: EditCase) -> ModEditor | WorkEditor:
    """The editor with the case's calls applied (shared by the tests: outputs are cached)."""
    editor = ModEditor.from_text(case.text) if case.kind == "mod" else WorkEditor.from_text(case.text)
    apply_calls(editor, case.calls())
    return editor


def _random_flags(kind: str, text: str, rng: random.Random) -> list[str]:
    parsed = parse_text(text, FileKind(kind))
    count = rng.randint(1, 4)
    if isinstance(parsed.model, WorkFile):
        return random_work_flags(parsed.model, rng, count)
    return random_mod_flags(parsed.model, rng, count)


def _cases() -> list[EditCase]:
    out = []
    tricky = [(n, "mod", t) for n, t in TRICKY_MOD.items()] + [(n, "work", t) for n, t in TRICKY_WORK.items()]
    for name, kind, text in tricky:
        for i, flags in enumerate(HAND_PICKED.get(name, [])):
            out.append(EditCase(f"tricky/{name}/hand{i}", kind, text, tuple(flags)))
        for seed in range(SEEDS_PER_TRICKY_FILE):
            flags = _random_flags(kind, text, random.Random(f"{name}:{seed}"))
            out.append(EditCase(f"tricky/{name}/seed{seed}", kind, text, tuple(flags)))
    for f in corpus_files():
        text = f.path.read_text("utf-8")
        for seed in range(SEEDS_PER_CORPUS_FILE):
            flags = _random_flags(f.kind, text, random.Random(f"{f.id}:{seed}"))
            out.append(EditCase(f"corpus/{f.id}/seed{seed}", f.kind, text, tuple(flags)))
    return out


CASES = _cases()


@dataclass
class Expected:
    printed: Result  # go ... edit FLAGS -print
    json: Result  # go ... edit FLAGS -json
    printed_json: Result | None = None  # go ... edit -json of the printed text
    minimal_json: Result | None = None  # go ... edit -json of our edited_text()


def _edit(oracle: Oracle, case: EditCase, text: str, flags: tuple[str, ...], out: str) -> Result:
    return oracle.run(
        [case.tool, "edit", *flags, out, case.name],
        {case.name: text},
        kind="work" if case.kind == "work" else "mod",
    )


@pytest.fixture(scope="module")
def expected(oracle: Oracle) -> dict[str, Expected]:
    first = oracle.map(
        lambda c: Expected(
            _edit(oracle, c, c.text, c.flags, "-print"), _edit(oracle, c, c.text, c.flags, "-json")
        ),
        CASES,
    )

    def second(pair: tuple[EditCase, Expected]) -> None:
        case, exp = pair
        if exp.printed.rc == 0:
            exp.printed_json = _edit(oracle, case, exp.printed.stdout_text, (), "-json")
            exp.minimal_json = _edit(oracle, case, case.editor().edited_text(), (), "-json")

    oracle.map(second, list(zip(CASES, first, strict=True)))
    return {c.label: e for c, e in zip(CASES, first, strict=True)}


def _ids() -> list[Any]:
    if not corpus_files():
        reason = f"corpus not found at {corpus_root()} (set GOMODLS_CORPUS); only the tricky files run"
        return [pytest.param(c, id=c.label) for c in CASES] + [
            pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=reason))
        ]
    return [pytest.param(c, id=c.label) for c in CASES]


PARAMS = _ids()


@pytest.mark.parametrize("case", PARAMS)
def test_go_mod_edit(case: EditCase, expected: dict[str, Expected]) -> None:
    exp = expected[case.label]
    assert exp.printed.rc == 0, f"go rejected {case.flags}: {exp.printed.stderr_text}"
    editor = case.editor()
    assert editor.formatted() == exp.printed.stdout_text, f"flags {case.flags}"
    assert editor.json() == exp.json.stdout_text, f"flags {case.flags}"


@pytest.mark.parametrize("case", PARAMS)
def test_minimal_edits(case: EditCase, expected: dict[str, Expected]) -> None:
    exp = expected[case.label]
    editor = case.editor()
    new_text = editor.edited_text()
    assert apply_text_edits(case.text, editor.text_edits()) == new_text
    assert exp.minimal_json is not None and exp.printed_json is not None
    assert exp.minimal_json.rc == 0, (
        f"flags {case.flags}: go rejects our text:\n{new_text}\n{exp.minimal_json.stderr_text}"
    )
    assert unordered(exp.minimal_json.json()) == unordered(exp.printed_json.json()), (
        f"flags {case.flags}\n{new_text}"
    )
    missing = missing_untouched_lines(case.text, new_text, case.kind, case.calls())
    assert not missing, f"flags {case.flags}: lines lost or changed: {missing}\n{new_text}"


def test_agreement_summary(expected: dict[str, Expected]) -> None:
    """Counts, for the report (run with -s)."""
    total = len(CASES)
    formatted = sum(c.editor().formatted() == expected[c.label].printed.stdout_text for c in CASES)
    meaning = sum(
        expected[c.label].minimal_json is not None
        and unordered(expected[c.label].minimal_json.json())
        == unordered(expected[c.label].printed_json.json())  # type: ignore[union-attr]
        for c in CASES
    )
    print(f"\ngo mod edit agreement: formatted {formatted}/{total}, minimal-edit meaning {meaning}/{total}")
    assert formatted == total and meaning == total


# ----------------------------------------------------------------------------- untouched lines


def _touched_lines(parsed: ParsedFile, calls: list[Call]) -> set[int]:
    """ids of the original lines the calls may rewrite, move or delete (an over-estimate)."""
    f = parsed.model
    touched: set[int] = set()
    added_verbs: set[str] = set()

    def mark(entries: Any, pred: Any) -> None:
        touched.update(id(e.syntax) for e in entries if pred(e))

    for method, args in calls:
        verb = method.split("_")[1]
        if method.startswith("add_"):
            added_verbs.add(verb)
        if verb in ("go", "toolchain", "module"):
            entry = getattr(f, verb)
            if entry is not None:
                touched.add(id(entry.syntax))
        elif verb == "godebug":
            mark(f.godebug, lambda g, k=args[0]: g.key == k)
        elif verb == "replace":
            mark(f.replace, lambda r, p=args[0]: r.old.path == p)
        elif verb == "use" and isinstance(f, WorkFile):
            mark(f.use, lambda u, p=args[0]: u.path == p)
        elif isinstance(f, ModFile):
            if verb in ("require", "exclude"):
                mark(getattr(f, verb), lambda r, p=args[0]: r.mod.path == p)
            elif verb == "retract" and method.startswith("drop"):
                mark(f.retract, lambda r, a=args: (r.low, r.high) == a)
            elif verb in ("tool", "ignore"):
                mark(getattr(f, verb), lambda t, p=args[0]: t.path == p)
    # The last top-level line of a verb that gains a line becomes a block (the last one still
    # there: lines the calls remove are skipped).
    for verb in added_verbs:
        for stmt in reversed([s for s in parsed.syntax.stmts if _verb(s) == verb]):
            if not isinstance(stmt, Line):
                break
            already = id(stmt) in touched
            touched.add(id(stmt))
            if not already:
                break
    # add_tool / add_ignore run SortBlocks, which removes duplicates.
    if isinstance(f, ModFile) and added_verbs & {"tool", "ignore"}:
        for entries, key in ((f.exclude, "mod"), (f.replace, "old"), (f.tool, "path"), (f.ignore, "path")):
            keys = [getattr(e, key) for e in entries]
            mark(entries, lambda e, k=key, ks=keys: ks.count(getattr(e, k)) > 1)
    return touched


def _verb(stmt: Any) -> str:
    if isinstance(stmt, Line):
        return stmt.tokens[0].text if stmt.tokens else ""
    if isinstance(stmt, Block):
        return stmt.verb
    return ""


def _src_lines(src: Any) -> list[int]:
    return list(range(src.line, src.line + src.nlines)) if src is not None else []


def _comment_lines(comments: Any) -> list[int]:
    return [c.line for c in comments if c.src is not None]


def kept_lines(parsed: ParsedFile, touched: set[int], added_verbs: set[str]) -> list[int]:
    """Physical lines that must survive verbatim: untouched statement lines with their Before
    comments, comment blocks, and the frame of every block that keeps a line (an empty block
    may receive the new lines of its verb)."""
    keep: list[int] = []
    for stmt in parsed.syntax.stmts:
        if isinstance(stmt, CommentBlock):
            keep += _comment_lines(stmt.comments.before)
        elif isinstance(stmt, Line):
            if id(stmt) not in touched:
                keep += _comment_lines(stmt.comments.before) + _src_lines(stmt.src)
        else:
            untouched = [line for line in stmt.lines if id(line) not in touched]
            if untouched or not (stmt.lines or stmt.verb in added_verbs):
                keep += _comment_lines(stmt.comments.before) + _src_lines(stmt.src)
                keep += _comment_lines(stmt.rparen.comments.before)
                if stmt.end_src is not stmt.src:
                    keep += _src_lines(stmt.end_src)
            for line in untouched:
                keep += _comment_lines(line.comments.before) + _src_lines(line.src)
    return sorted(set(keep))


def missing_untouched_lines(original: str, new_text: str, kind: str, calls: list[Call]) -> list[str]:
    """The kept lines that are not found, in order, in new_text (line endings aside from the
    final newline, which a last line gains when something is added after it)."""
    parsed = parse_text(original, FileKind(kind))
    phys = physical_lines(original)
    added = {method.split("_")[1] for method, _ in calls if method.startswith("add_")}
    keep = kept_lines(parsed, _touched_lines(parsed, calls), added)
    want = [phys[i].removesuffix("\n") for i in keep if i < len(phys)]
    have = [line.removesuffix("\n") for line in physical_lines(new_text)]
    missing, at = [], 0
    for w in want:
        try:
            at = have.index(w, at) + 1
        except ValueError:
            missing.append(w)
    return missing


# ----------------------------------------------------------------------------- files with errors


BROKEN_EDITS = [
    ["-require=example.com/a@v1.1.0"],
    ["-require=example.com/new@v1.0.0", "-go=1.22"],
    ["-droprequire=example.com/a", "-exclude=example.com/a@v1.0.1"],
]


@pytest.mark.parametrize("name", sorted(BROKEN_MOD))
def test_edits_on_files_with_errors(name: str, oracle: Oracle) -> None:
    """An editor applies quick fixes to files being edited: the broken lines stay untouched,
    and the rest means what `go mod edit` makes of the file without them."""
    text, broken = BROKEN_MOD[name]
    parsed = parse_text(text, FileKind.MOD)
    assert not parsed.ok
    without = "".join(line for line in physical_lines(text) if line.removesuffix("\n") not in broken)
    for flags in BROKEN_EDITS:
        editor = ModEditor(parsed)
        apply_calls(editor, flags_to_calls("mod", flags))
        new_text = editor.edited_text()
        assert apply_text_edits(text, editor.text_edits()) == new_text
        lines = [line.removesuffix("\n") for line in physical_lines(new_text)]
        assert all(b in lines for b in broken), new_text
        ours = oracle.run(
            ["mod", "edit", "-json", "go.mod"],
            {"go.mod": "".join(x for x in physical_lines(new_text) if x.removesuffix("\n") not in broken)},
        )
        go = oracle.run(["mod", "edit", *flags, "-json", "go.mod"], {"go.mod": without})
        assert ours.rc == go.rc == 0, ours.stderr_text + go.stderr_text
        assert unordered(_retracts_aside(ours.json())) == unordered(_retracts_aside(go.json())), new_text


def _retracts_aside(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k != "Retract"}


def test_formatted_refuses_files_with_errors() -> None:
    from gomodls.modfile.parsed import NotParsable

    editor = ModEditor.from_text(BROKEN_MOD["unknown_directive"][0])
    editor.add_require("example.com/b", "v1.0.0")
    with pytest.raises(NotParsable) as err:
        editor.formatted()
    assert "unknown directive: foo" in str(err.value)
    assert editor.text_edits()  # minimal edits still work on a file Go refuses to format
