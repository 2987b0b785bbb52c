"""What an open document of a large go.mod keeps, per line (issue 15: the server's memory at
100,000 requirements): its text, tree, model and requirement index, as the server builds them
(Document.open, .parsed, .require_index()), measured with tracemalloc on a generated file.

The bound has a margin of about 5% over what is measured (475 bytes a line on CPython 3.11;
701 before a plain block line was made its own Line (PlainLine), line numbers were kept by runs
(LineBase), comments of plain lines as their text, the semantic memo's key and chunks once per
tree and block, Require's flags in one slot and release versions interned; 751 before
suffix-only lines' Comments were made lazily and two SourceLine slots went; main before the
memory round: 949): it fails when a per-line object or copy comes back (a tuple a line is 56
bytes or more; a Comments on a third of the lines, ~34 a line), not on noise.
tracemalloc counts what Python allocates, exactly and the same at every run."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from gomodls.lsp.documents import Document

BOUND = 500  # bytes a line
LINES = 20_000


def big_gomod(n: int) -> str:
    """A go.mod of n requirements, as bench/bigmod.py writes them: a third `// indirect`, some
    pseudo-versions and +incompatible versions, a comment line every 100."""
    lines = ["module example.com/huge", "", "go 1.22", "", "require ("]
    for i in range(n):
        if i % 100 == 0:
            lines.append(f"\t// group {i // 100}")
        if i % 50 == 7:
            version = f"v0.0.0-2024{1 + i % 12:02d}{1 + i % 28:02d}101112-{i * 2654435761 % (1 << 48):012x}"
        elif i % 97 == 3:
            version = f"v{2 + i % 5}.{i % 13}.0+incompatible"
        else:
            version = f"v{i % 2}.{i % 37}.{i % 11}"
        indirect = " // indirect" if i % 3 == 1 else ""
        lines.append(f"\tgithub.com/org{i // 1000:03d}/project-{i:06d} {version}{indirect}")
    return "\n".join([*lines, ")", ""])


@pytest.fixture
def traced() -> object:
    Document.open("file:///tmp/m/go.mod", 1, "module m\n")  # (first-use imports and tables)
    gc.collect()
    tracemalloc.start()
    yield
    tracemalloc.stop()


def test_open_document_bytes_per_line(traced: object) -> None:
    text = big_gomod(LINES)
    start = tracemalloc.get_traced_memory()[0]
    doc = Document.open("file:///tmp/m/go.mod", 1, text)
    index = doc.parsed.require_index()
    kept = tracemalloc.get_traced_memory()[0] - start
    lines = len(doc.lines)
    assert len(doc.parsed.model.require) == LINES and index.unique  # type: ignore[union-attr]
    per_line = kept / lines
    assert per_line < BOUND, f"{per_line:.0f} bytes a line (bound {BOUND})"
    # (and not absurdly low: the measurement measured something)
    assert per_line > len(text) / lines


def test_requirements_share_their_words(traced: object) -> None:
    """A plain requirement line's words, its model's module version, the index's direct list
    and the build list key hold one tuple, not copies."""
    doc = Document.open("file:///tmp/m/go.mod", 1, big_gomod(300))
    parsed = doc.parsed
    reqs = parsed.model.require  # type: ignore[union-attr]
    assert all(r.mod is r.syntax.src.words() for r in reqs)  # type: ignore[union-attr]
    direct = parsed.require_index().direct()
    assert [m for m in direct] == [r.mod for r in reqs if not r.indirect]
    assert all(a is r.mod for a, r in zip(direct, (r for r in reqs if not r.indirect), strict=True))
