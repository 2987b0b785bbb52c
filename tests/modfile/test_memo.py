"""Per-line memoised semantic results must never differ from a fresh parse, whatever the edits."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editgen import TEXTS, apply_text, edits
from gomodls.modfile.gojson import mod_json, work_json
from gomodls.modfile.model import WorkFile
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_syntax, parse_text
from gomodls.syntax.incremental import apply_edit
from gomodls.syntax.parser import parse

EXAMPLES = int(os.environ.get("GOMODLS_MEMO_EXAMPLES", "800"))


def summary(p: ParsedFile) -> tuple[object, ...]:
    model = p.model
    as_json = work_json(model) if isinstance(model, WorkFile) else mod_json(model)
    errors = [(e.message, e.line, e.col, e.range, e.code) for e in p.errors]
    lines = [
        [(n.syntax.line, type(n).__name__) for n in getattr(model, name, [])]
        for name in ("require", "replace", "retract", "use")
    ]
    return as_json, errors, lines


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_memoised_model_equals_fresh_parse(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(TEXTS), label="file")
    kind = data.draw(st.sampled_from([FileKind.MOD, FileKind.WORK]), label="kind")
    syntax = parse(text, kind.default_name)
    parse_syntax(syntax, kind)  # fills the per-line memo
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        start, end, new = data.draw(edits(text), label="edit")
        text = apply_text(text, start, end, new)
        syntax = apply_edit(syntax, start, end, new)
        assert summary(parse_syntax(syntax, kind)) == summary(parse_text(text, kind))
