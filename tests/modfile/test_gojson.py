"""The JSON views written directly (json_parsed) must equal the reference: x/mod's model after
go mod edit's rewriting, SortBlocks and Cleanup (canonical_model) through mod_json/work_json and
encoding/json's MarshalIndent (marshal_indent). The go command itself is the oracle of the
reference in tests/cli; this keeps the fast path equal to it on inputs go never sees here
(invalid UTF-8, HTML characters, duplicates that removeDups drops)."""

from __future__ import annotations

import pytest

from editgen import TEXTS
from gomodls.modfile.gojson import marshal_indent, mod_json, work_json
from gomodls.modfile.model import WorkFile
from gomodls.modfile.parsed import FileKind, NotParsable, canonical_model, json_parsed, parse_text
from modgen import generate

TRICKY = [
    'module "ex<am>ple.com/a&b"\n\ngo 1.21\n\nrequire (\n\tx.org/a v1.0.0 // indirect\n\tx.org/a v1.0.0\n)\n'
    "exclude x.org/b v1.0.0\nexclude x.org/b v1.0.0\nexclude (\n\tx.org/c v1.2.0\n)\n"
    "replace x.org/d => ./d\nreplace x.org/d => ./e\nreplace x.org/f v1.0.0 => x.org/g v1.1.0\n"
    "retract [v1.0.0, v1.0.5] // \u2028odd\u2029 \udcff bytes\ntool x.org/a/cmd\nignore ./x\n",
    "module m\n\nrequire (\n)\n\nexclude ()\n",
    'go 1.22\n\nuse (\n\t./a\n\t"./b c"\n)\n\nreplace x.org/a => ../a\n',
]


def reference(text: str, kind: FileKind) -> str:
    model = canonical_model(parse_text(text, kind))
    return marshal_indent(work_json(model) if isinstance(model, WorkFile) else mod_json(model))


def texts() -> list[tuple[str, FileKind]]:
    out = [(t, FileKind.MOD) for t in TRICKY[:2]] + [(TRICKY[2], FileKind.WORK)]
    out += [(t, FileKind.MOD) for t in TEXTS]
    for seed in range(60):
        for kind in ("mod", "work"):
            g = generate(seed, kind, valid=True)
            data = g.data.decode("utf-8", "surrogateescape")
            out.append((data, FileKind.WORK if kind == "work" else FileKind.MOD))
    return out


@pytest.mark.parametrize(("text", "kind"), texts())
def test_json_equals_reference(text: str, kind: FileKind) -> None:
    try:
        want = reference(text, kind)
    except NotParsable:
        with pytest.raises(NotParsable):
            json_parsed(parse_text(text, kind))
        return
    assert json_parsed(parse_text(text, kind)) == want
