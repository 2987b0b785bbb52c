"""A burst of 500 rapid incremental edits (insertions, deletions, replacements, with newlines and
non-ASCII text, some notifications carrying several changes), sent without waiting: the last
publication is for the final version and equals what a fresh open of the final text gets, and
no publication ever goes back to an older version."""

from __future__ import annotations

import random
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from gomodls.analysis import CheckContext, analyze_parsed
from gomodls.analysis.context import DiskFiles
from gomodls.modfile.parsed import FileKind, parse_text

from .helpers import Doc

BASE = """// Module m: é😀 commentary
module example.com/m

go 1.21

require (
\ta.com/b v1.0.0 // é
\ta.com/c v1.2 // indirect
)

replace a.com/b => ./b // 😀

exclude a.com/d v1.0.0
retract [v1.0.0, v1.1.0] // oops
godebug panicnil=1
"""

PIECES = [
    "a",
    "z",
    "0",
    ".",
    "/",
    " ",
    "\t",
    "\n",
    "\n\n",
    "é",
    "😀",
    "ß",
    "\u2028",
    "\x0c",
    "\x85",
    "(",
    ")",
    "=>",
    "//",
    '"',
    "`",
    "[",
    "]",
    ",",
    "v1.2.3",
    "v2.0.0",
    "require ",
    "a.com/x ",
    "replace ",
    "go 1.22\n",
    "module ",
    "ignore ./é😀\n",
    "tool a.com/b/cmd\n",
    "exclude a.com/b v1\n",
    "require a.com/b v1.0.0\n",
]

N = 500


def fresh_findings(path: Path, text: str) -> list[tuple[str, str]]:
    ctx = CheckContext(str(path), DiskFiles(), "1.27.3", "local")
    return [(f.code, f.message) for f in analyze_parsed(parse_text(text, FileKind.MOD, path.name), ctx)]


def piece(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))


def random_op(rng: random.Random, text: str) -> tuple[int, int, str]:
    n = len(text)
    r = rng.random()
    if r < 0.5 or n < 40:
        at = rng.randint(0, n)
        return at, at, piece(rng)
    start = rng.randint(0, n - 1)
    end = min(n, start + rng.randint(1, 12 if r < 0.9 else 80))
    return start, end, "" if r < 0.8 else piece(rng)


def shape(diags: list[types.Diagnostic]) -> list[tuple[object, ...]]:
    return [(d.range, d.code, d.severity, d.message, d.source, d.tags) for d in diags]


async def test_burst_of_500_edits(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    (root / "b").mkdir()
    (root / "b" / "go.mod").write_text("module a.com/b\n")
    rng = random.Random(f"burst-{client.profile}")  # type: ignore[attr-defined]
    doc = Doc.open(client, root / "go.mod", BASE)
    await doc.diagnostics()

    started = time.monotonic()
    for i in range(N):
        if i % 50 == 49:  # several changes in one notification
            ops = []
            text = doc.text
            for _ in range(3):
                start, end, new = random_op(rng, text)
                ops.append((start, end, new))
                text = text[:start] + new + text[end:]
            doc.changes(ops)
        else:
            doc.change(*random_op(rng, doc.text))
    final = await doc.diagnostics(timeout=120)
    elapsed = time.monotonic() - started
    assert doc.version == N + 1

    versions = [p.version for p in doc.publications()]
    assert versions == sorted(versions), "a stale result was published over a newer one"
    assert versions[-1] == doc.version
    assert any(ch in doc.text for ch in "é😀\u2028\x0c\x85"), "the burst should leave non-ASCII text behind"

    # The server's text is ours: same findings as an in-process analysis of the final text.
    assert [(d.code, d.message) for d in final] == fresh_findings(doc.path, doc.text)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc.ident)
    )
    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc.ident)
    )
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc.ident))

    # A fresh open of the final text gets the same answers.
    doc.close()
    fresh = Doc.open(client, doc.path, doc.text, write=False)
    assert shape(await fresh.diagnostics()) == shape(final)
    assert (
        await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=fresh.ident)
        )
        == symbols
    )
    fresh_tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=fresh.ident)
    )
    assert fresh_tokens.data == tokens.data
    assert (
        await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=fresh.ident))
        == folds
    )
    assert elapsed < 60, f"{N} edits took {elapsed:.1f}s"
