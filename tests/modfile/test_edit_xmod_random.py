"""The edit API against x/mod itself (the ``xmod`` harness) on random call sequences.

Every go.mod / go.work of the corpus and every tricky file of ``editcases`` gets a few seeded
random sequences of calls, including the ones no ``go mod edit`` flag reaches (set_require,
set_require_separate_indirect, set_require_at_most_two, add_new_require, set_use) and
SortBlocks / Cleanup in the middle. For each sequence, x/mod's and ours must agree on:

* modfile.Format of the edited tree, before SortBlocks/Cleanup (``format()``);
* the model after the calls (every entry, zeroed ones included), for both of our modes;
* the error text of each call;
* the text after SortBlocks + Cleanup (``formatted()``), i.e. what go mod edit would write;
* the meaning of the minimal edits: x/mod reads ``edited_text()`` and its own result alike.

x/mod's set_* calls iterate Go maps, so the order in which they append to the model is random:
the model lists are compared as multisets when such a call is in the sequence.

``GOMODLS_EDIT_SEEDS`` (2) sequences per file of ``GOMODLS_EDIT_CALLS`` (6) calls; raise them to
hunt for bugs.
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest

from conformance import corpus_files, corpus_root
from editcases import TRICKY_MOD, TRICKY_WORK, Call, model_dump, random_api_calls, unordered, xmod_op
from gomodls.base.textedit import apply_edits as apply_text_edits
from gomodls.modfile.edit import ModEditor, WorkEditor
from gomodls.module.errors import GoError
from xmod import XMod, xmod_fixture  # noqa: F401  (registers the `xmod` fixture)

SEEDS_PER_FILE = int(os.environ.get("GOMODLS_EDIT_SEEDS", "2"))
CALLS_PER_SEQUENCE = int(os.environ.get("GOMODLS_EDIT_CALLS", "6"))


def _inputs() -> list[tuple[str, str, str]]:
    out = [(f"tricky/{name}", "mod", text) for name, text in TRICKY_MOD.items()]
    out += [(f"tricky/{name}", "work", text) for name, text in TRICKY_WORK.items()]
    for f in corpus_files():
        text = f.path.read_bytes().decode("utf-8", errors="surrogateescape")
        out.append((f"corpus/{f.id}", f.kind, text))
    return out


def _editor(kind: str, text: str) -> ModEditor | WorkEditor:
    return ModEditor.from_text(text) if kind == "mod" else WorkEditor.from_text(text)


def _sequences() -> list[tuple[str, str, str, list[Call]]]:
    out = []
    for label, kind, text in _inputs():
        base = _editor(kind, text)
        if not base._parsed.ok:
            continue
        for seed in range(SEEDS_PER_FILE):
            rng = random.Random(f"{label}:{seed}")
            calls = random_api_calls(base.model, rng, CALLS_PER_SEQUENCE)
            # x/mod panics when set_* meets an entry an earlier call zeroed: set_* goes first.
            calls.sort(key=lambda c: not c[0].startswith("set_"))
            out.append((f"{label}#{seed}", kind, text, calls))
    return out


def _run_ours(kind: str, text: str, calls: list[Call]) -> dict[str, Any]:
    editor = _editor(kind, text)
    errors = []
    for method, args in calls:
        try:
            getattr(editor, method)(*args)
            errors.append("")
        except GoError as e:
            errors.append(str(e))
    assert apply_text_edits(text, editor.text_edits()) == editor.edited_text()
    return {
        "edited_text": editor.edited_text(),
        "op_errors": errors,
        "format": editor.format(),
        "formatted": editor.formatted(),
        "model": model_dump(editor.model),
        "model_full": model_dump(editor._replay().model),
    }


def test_random_sequences_agree_with_xmod(xmod: XMod) -> None:
    sequences = _sequences()
    if len(sequences) < 20:
        pytest.skip(f"corpus not found at {corpus_root()} (set GOMODLS_CORPUS); tricky files only")
    cases = []
    for _, kind, text, calls in sequences:
        ops = [xmod_op(c) for c in calls]
        cases.append({"kind": kind, "text": text, "ops": ops, "finish": "none"})
        cases.append({"kind": kind, "text": text, "ops": ops, "finish": "edit"})
    results = xmod.run(cases)
    ours_all = [_run_ours(kind, text, calls) for _, kind, text, calls in sequences]
    # The minimal edits must mean what x/mod's result means: both texts read back by x/mod.
    reread = xmod.run(
        [
            {"kind": kind, "text": text, "ops": [], "finish": "edit"}
            for (_, kind, _, _), ours, edited in zip(sequences, ours_all, results[1::2], strict=True)
            for text in (ours["edited_text"], edited["format"])
        ]
    )
    failures = []
    for i, (label, _, _, calls) in enumerate(sequences):
        raw, edited = results[2 * i], results[2 * i + 1]
        ours = ours_all[i]
        minimal, reference = reread[2 * i], reread[2 * i + 1]
        shuffled = any(m.startswith("set_") for m, _ in calls)
        norm = unordered if shuffled else (lambda v: v)
        problems = []
        if ours["op_errors"] != raw["op_errors"]:
            problems.append(f"errors: ours {ours['op_errors']} x/mod {raw['op_errors']}")
        if ours["format"] != raw["format"]:
            problems.append(f"Format:\n--- x/mod\n{raw['format']}--- ours\n{ours['format']}")
        if norm(ours["model"]) != norm(raw["json"]) or norm(ours["model_full"]) != norm(raw["json"]):
            problems.append(f"model:\n x/mod {raw['json']}\n ours  {ours['model']}")
        if ours["formatted"] != edited["format"]:
            problems.append(f"go mod edit:\n--- x/mod\n{edited['format']}--- ours\n{ours['formatted']}")
        if minimal["parse_error"] or unordered(minimal["json"]) != unordered(reference["json"]):
            problems.append(
                f"minimal edits:\n{ours['edited_text']}--- x/mod reads\n{minimal['parse_error'] or minimal['json']}"
                f"\n--- x/mod's own result reads\n{reference['json']}"
            )
        if problems:
            failures.append(f"== {label} {calls}\n" + "\n".join(problems))
    print(f"{len(sequences)} sequences, {len(sequences) - len(failures)} agree with x/mod")
    assert not failures, f"{len(failures)} of {len(sequences)} disagree:\n" + "\n".join(failures[:5])
