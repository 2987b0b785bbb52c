"""format_fast (the command line's `fmt` of require blocks whose lines are mostly formatted,
without a tree for those lines) against the usual way, format_parsed(parse_once(...)): where it
answers, it must answer the same text; where the usual way finds errors, it must not answer. On
every corpus go.mod (as it is and formatted), on generated files, on random require blocks made
of the lines it accepts and their near misses, and on formatted blocks with random lines written
otherwise (mixed layouts, CRLF, lines out of order, duplicates), some of them also against the
go command."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance import corpus_files
from gomodls.modfile import fastfmt
from gomodls.modfile.fastfmt import format_fast
from gomodls.modfile.parsed import FileKind, NotParsable, format_parsed, parse_once
from modgen import MUTATION_PALETTE, generate, generate_mutated
from oracle import Oracle, oracle_fixture  # noqa: F401  (registers the `oracle` fixture)


def reference(text: str) -> str | None:
    try:
        return format_parsed(parse_once(text, FileKind.MOD))
    except NotParsable:
        return None


def same_or_none(text: str) -> bool:
    """Checks format_fast on `text` against the reference; whether it answered."""
    fast = format_fast(text, FileKind.MOD)
    if fast is None:
        return False
    assert fast == reference(text), text
    return True


CORPUS = [c for c in corpus_files() if c.kind == "mod"]


@pytest.mark.skipif(not CORPUS, reason="no corpus (set GOMODLS_CORPUS)")
def test_corpus() -> None:
    taken = 0
    for c in CORPUS:
        text = c.path.read_bytes().decode("utf-8", "surrogateescape")
        taken += same_or_none(text)
        formatted = reference(text)
        if formatted is not None:
            taken += same_or_none(formatted)
    # (most of the corpus is tidy: the fast path must be the one taken, or this tests nothing)
    assert taken > len(CORPUS)


def test_generated() -> None:
    for seed in range(150):
        for gen in (generate(seed, "mod", True), generate(seed, "mod", False), generate_mutated(seed, "mod")):
            text = gen.data.decode("utf-8", "surrogateescape")
            same_or_none(text)
            formatted = reference(text)
            if formatted is not None:
                same_or_none(formatted)


# Paths and versions the fast path accepts, and near misses of every rule it relies on.
PATHS = [
    "example.com/a",
    "example.com/a/b",
    "x.org/a~b+c_d-e",
    "example.com/a/v2",
    "example.com/a/v3",
    "example.com/a/v10",
    "gopkg.in/yaml.v2",
    "gopkg.in/check.v1",
    "gopkg.in/inf.v0",
    "gopkg.in/a/json-patch.v4",
    # (the first ten are valid with some of the versions; the fast path accepts those)
    "example.com/a/v2/sub",
    "example.com/v2",
    "example.com/a/v1",
    "example.com/a/v0",
    "example.com/a/v02",
    "example.com/a/v2.1",
    "example.com/a/v",
    "example.com/a/v1.",
    "v2",
    "gopkg.in/yaml.v2.v3",
    "gopkg.in/yaml.v02",
    "gopkg.in/yaml.v10",
    "gopkg.in/yaml.v2-unstable",
    "gopkg.in/v2",
    "gopkg.in/.v2",
    "gopkg.in//yaml.v2",
    "gopkg.in/yaml",
    "gopkg.in",
    '"example.com/q"',
    "ex@mple.com/a",
    "example.com//a",
    "example.com/a/",
    "/example.com/a",
    "example.com/é",
]
VERSIONS = [
    "v1.2.3",
    "v0.0.0-20240808101112-0004538453d7",
    "v0.0.0",
    "v0.1.0",
    "v4.13.0",
    "v10.1.0",
    "v1.2.3-rc.1",
    "v1.2.3-0",
    "v1.2.3-0a",
    "v1.2.3-01",
    "v1.2.3-rc.01",
    "v1.2.3-",
    "v01.2.3",
    "v02.0.0",
    "v1.02.3",
    "v1.2",
    "v1",
    "v1.2.3+meta",
    "v1.2.3+incompatible",
    "v2.0.0",
    "v2.1.0-pre",
    "v3.0.0",
    "v10.0.0",
    "v2.0.0+incompatible",
    "v3.1.0-pre+incompatible",
    "v2.0.0-01+incompatible",
    '"v1.2.3"',
    "1.2.3",
]
SUFFIXES = [
    "",
    " // indirect",
    " //indirect",
    " //",
    " // a /* b",
    " // trailing ",
    " //\ttab",
    " // ünï",
    "  // two spaces",
    "\t// tab",
    " // indirect; x",
]
OTHER_LINES = ["\t// comment", "\t// trailing ", "", "  // spaces", "\t", "// at margin", "\t/* x */"]
BEFORE = [
    "",
    "exclude (\n\texample.com/e v1.0.0\n",  # (unclosed: `require (` is a line of this block)
    'module "m\\\n',  # (a string going on to the next line)
    "require (\n",
    "replace x.org/a => ./a\n",
]
AFTER = [")\n", ")", "\t// last\n)\n", "\n)\n", ") // c\n", ")\n)\n", "", "\t)\n", ") x\n"]


def block(*lines: str) -> str:
    return "module m\n\nrequire (\n" + "".join(line + "\n" for line in lines) + ")\n"


def test_table() -> None:
    """Every path and version, and every comment, in a block whose other line is plain."""
    texts = [block(f"\t{p} {v}", "\tzz.org/z v1.0.0") for p in PATHS for v in VERSIONS]
    texts += [block(f"\texample.com/a v1.0.0{s}", "\tzz.org/z v1.0.0") for s in SUFFIXES]
    taken = sum(map(same_or_none, texts))
    assert 0 < taken < len(texts)


def test_table_other_lines() -> None:
    """Comment and blank lines, one or two, before, between and after two plain lines."""
    a, b = "\tx.org/a v1.0.0", "\tx.org/b v1.0.0 // indirect"
    for x in OTHER_LINES:
        for y in [*OTHER_LINES, None]:
            extra = [x] if y is None else [x, y]
            for lines in ([*extra, a, b], [a, *extra, b], [a, b, *extra]):
                same_or_none(block(*lines))


def test_placeholder_text_in_the_file() -> None:
    mark = "gomodls-fmt-placeholder.invalid/"
    for k in "01":
        text = block(f"\t{mark}{k}a v0.0.0", f"\t{mark}{k}b v0.0.0") + block(
            "\tx.org/a v1.0.0", "\tx.org/b v1.0.0"
        )
        same_or_none(text.replace("module m\n\n", "", 1))


def random_line(rng: random.Random) -> str:
    if rng.random() < 0.08:
        return rng.choice(OTHER_LINES)
    if rng.random() < 0.88:  # (mostly lines the fast path may accept)
        path, version, suffix = rng.choice(PATHS[:10]), rng.choice(VERSIONS[:3]), rng.choice(SUFFIXES[:4])
        major = re.search(r"[/.]v([0-9]+)$", path)
        if major and not (version.startswith("v0.0.0-") and path.endswith(".v1")):
            version = f"v{major[1]}.0.1"
    else:
        path, version, suffix = rng.choice(PATHS), rng.choice(VERSIONS), rng.choice(SUFFIXES)
    return f"\t{path} {version}{suffix}"


def random_mod(rng: random.Random) -> str:
    parts = ["module example.com/m\n\ngo 1.22\n\n"]
    for _ in range(rng.randint(1, 3)):
        lines = [random_line(rng) for _ in range(rng.randint(0, 6))]
        if rng.random() < 0.6:
            lines.sort()
        if rng.random() < 0.1:
            parts.append(rng.choice(BEFORE[1:]))
        body = "".join(line + "\n" for line in lines)
        parts.append(f"require (\n{body}{rng.choice(AFTER) if rng.random() < 0.3 else AFTER[0]}\n")
    return "".join(parts)


def random_mods(n: int, seed: int) -> list[str]:
    rng = random.Random(f"fastfmt-{seed}")
    return [random_mod(rng) for _ in range(n)]


def test_random_blocks() -> None:
    taken = sum(same_or_none(text) for text in random_mods(3000, 0))
    assert taken > 300  # (enough of them take the fast path)


def test_random_blocks_against_go(oracle: Oracle) -> None:
    """The go command itself on some of the files the fast path answers for."""
    texts = [t for t in random_mods(600, 1) if format_fast(t, FileKind.MOD) is not None][:150]
    assert len(texts) > 50
    results = oracle.map(lambda t: oracle.edit_print(t.encode(), "mod"), texts)
    for text, result in zip(texts, results, strict=True):
        assert result.rc == 0, (text, result.stderr)
        assert format_fast(text, FileKind.MOD) == result.stdout.decode(), text


_ELEM = st.text(alphabet="abgv0129.-_~+/", min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(
    paths=st.lists(_ELEM, min_size=2, max_size=2),
    versions=st.lists(
        st.from_regex(r"v[0-3]{1,2}(\.[0-9]{1,2}){0,2}(-[0-9a-z.]{1,5})?(\+[a-z]{1,12})?", fullmatch=True),
        min_size=2,
        max_size=2,
    ),
)
def test_random_lines(paths: list[str], versions: list[str]) -> None:
    lines = sorted(f"\t{p} {v}\n" for p, v in zip(paths, versions, strict=True))
    same_or_none(f"module m\n\nrequire (\n{''.join(lines)})\n")


def test_large_block_is_taken() -> None:
    """The case it is for: a long tidy block, with a comment every so often and a blank line."""
    body = "".join(
        ("\t// group\n" if i % 50 == 0 else "")
        + ("\n" if i == 120 else "")
        + f"\texample.com/p{i:05d} v1.{i % 7}.0{' // indirect' if i % 3 else ''}\n"
        for i in range(1000)
    )
    text = f"module m\n\nrequire (\n{body})\n\nrequire (\n\tx.org/a/v2 v2.0.0\n\tx.org/b v0.1.0\n)\n"
    assert same_or_none(text)
    lines = body.splitlines(keepends=True)
    random.Random(0).shuffle(lines)  # (out of order: sorted by the fast path)
    assert same_or_none(text.replace(body, "".join(lines).replace("\n\n\n", "\n\n").lstrip("\n")))


# Ways to write a requirement line otherwise than Go does, and other lines to put among them:
# each gives the line (without its newline) from the path, the version and the suffix.
REWRITES = [
    lambda p, v, s: f"\t{p}  {v}{s}",
    lambda p, v, s: f"\t{p}\t{v}{s}",
    lambda p, v, s: f'\t"{p}" {v}{s}',
    lambda p, v, s: f'\t{p} "{v}"{s}',
    lambda p, v, s: f"\t{p} {v.rsplit('.', 1)[0] if v.count('.') == 2 and not set('-+') & set(v) else v}{s}",
    lambda p, v, s: f"\t{p} {v}{s}  ",
    lambda p, v, s: f"\t{p} {v} //indirect ",
    lambda p, v, s: f"\t{p} {v} //  x  ",
    lambda p, v, s: f"    {p} {v}{s}",
    lambda p, v, s: f"{p} {v}{s}",
    lambda p, v, s: f"\t{p} {v}{s}\r",
    lambda p, v, s: f"\t{p} {v}{s}\n\n",
    lambda p, v, s: f"\t// moved\n\t{p} {v}{s}",
    lambda p, v, s: f"\t//  spaced  \n\t{p} {v}{s}",
    lambda p, v, s: f"\t\n\t{p} {v}{s}",
    lambda p, v, s: f"\ta.example/first v1.0.0\n\t{p} {v}{s}",  # (out of order)
    lambda p, v, s: f"\tzz.example/last v1.0.0{s}\n\t{p} {v}{s}",
]
# Requirements with equal keys, one of them left to the usual way (the fast path gives up).
TWINS = [
    lambda p, v, s: f"\t{p} {v}{s}\n\t{p} {v}",
    lambda p, v, s: f"\t{p} {v}{s}\n\t{p}  {v} // twin",
]
# Lines the go command refuses, or that change the blocks' structure.
BROKEN_REWRITES = [
    lambda p, v, s: f"\t{p} {v}{s} \\",
    lambda p, v, s: f"\t{p} {v[1:]}{s}",
    lambda p, v, s: f"\t{p}/v2 {v}{s}",
    lambda p, v, s: f"\t{p} {v}{s})",
    lambda p, v, s: ")",
    lambda p, v, s: f"\t{p} {v}{s} /* c */",
    lambda p, v, s: f"\trequire (\n\t{p} {v}",
    lambda p, v, s: f'\t{p} "{v}\\',
]


def mixed_mod(rng: random.Random, n: int, rate: float, crlf: float = 0.0, broken: bool = True) -> str:
    """A go.mod whose require block (and a second, smaller one) is `n` requirements written as
    Go writes them, each rewritten with probability `rate`; lines end in CRLF with probability
    `crlf`. The blocks are in order, but for what the rewrites move. `broken`: rewrites the go
    command refuses too, and twins."""
    rewrites = REWRITES + TWINS + BROKEN_REWRITES if broken else REWRITES
    lines = []
    for i in range(n):
        path = f"example.com/g{i // 10:02d}/p{i:04d}"
        version = rng.choice(
            ["v1.2.3", "v0.0.0-20240101000000-abcdefabcdef", "v0.4.0", "v2.0.0+incompatible"]
        )
        suffix = rng.choice(["", "", " // indirect", " //c"])
        if i % 13 == 0:
            lines.append(rng.choice(["\t// group", "", "\t// two\n\t// lines"]))
        if rng.random() < rate:
            lines.append(rng.choice(rewrites)(path, version, suffix))
        else:
            lines.append(f"\t{path} {version}{suffix}")
    if lines and lines[0] == "":
        lines[0] = "\t// first"
    body = "".join(line + "\n" for line in lines)
    text = (
        f"module example.com/m\n\ngo 1.22\n\nrequire (\n{body})\n\n"
        "require (\n\tx.org/a v1.0.0\n\tx.org/b v1.0.0 // indirect\n)\n\nexclude x.org/a v0.9.0\n"
    )
    if crlf:
        text = "".join(line + ("\r\n" if rng.random() < crlf else "\n") for line in text.split("\n")[:-1])
    return text


def test_mixed_layouts() -> None:
    """Formatted blocks with some lines written otherwise, a few RUN_GROUPS at a time."""
    rng = random.Random("fastfmt-mixed")
    taken = total = 0
    for _ in range(400):
        text = mixed_mod(rng, rng.randint(1, 60), rng.choice([0.02, 0.1, 0.3]), rng.choice([0, 0, 0.5, 1]))
        total += 1
        taken += same_or_none(text)
    assert taken > total / 3


def test_mixed_layouts_in_short_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same with runs matched a few groups at a time (the server's chunks, in small)."""
    monkeypatch.setattr(fastfmt, "_RUN", fastfmt.run_expression(3))
    rng = random.Random("fastfmt-mixed-short")
    taken = sum(same_or_none(mixed_mod(rng, rng.randint(1, 40), rng.choice([0.05, 0.2]))) for _ in range(300))
    assert taken > 100


def test_each_rewrite_alone() -> None:
    """Every rewrite, in a block of lines otherwise formatted, first, in the middle and last."""
    good = [f"\texample.com/m{i:02d} v1.0.{i}" for i in range(6)]
    for rewrite in REWRITES + TWINS + BROKEN_REWRITES:
        for at in (0, 3, 6):
            for p in ("example.com/m03x", "a.example/z", "example.com/m03"):
                lines = [*good[:at], rewrite(p, "v1.2.3", " // indirect"), *good[at:]]
                same_or_none(block(*lines))
                same_or_none(block(*lines).replace("\n", "\r\n"))


def test_out_of_order_runs_around_printed_lines() -> None:
    """Runs out of order, and lines left to the usual way that sort into the middle of a run."""
    rng = random.Random("fastfmt-order")
    taken = 0
    for _ in range(300):
        lines = [f"\texample.com/m{i:03d} v1.0.0" + (" // c" if i % 4 == 0 else "") for i in range(30)]
        rng.shuffle(lines) if rng.random() < 0.3 else None
        for _ in range(rng.randint(1, 4)):
            j = rng.randrange(len(lines))
            lines[j] = lines[j].replace(" v1", "  v1")
        if rng.random() < 0.4:
            lines.insert(rng.randrange(len(lines)), f"\texample.com/m{rng.randrange(30):03d}  v1.0.0 // dup")
        taken += same_or_none(block(*lines))
    assert taken > 100


def test_mixed_layouts_against_go(oracle: Oracle) -> None:
    """The go command itself on mixed layouts the fast path answers for."""
    rng = random.Random("fastfmt-mixed-go")
    texts = []
    while len(texts) < 60:
        text = mixed_mod(rng, rng.randint(5, 80), rng.choice([0.05, 0.2]), rng.choice([0, 0, 1]))
        if format_fast(text, FileKind.MOD) is not None:
            texts.append(text)
    results = oracle.map(lambda t: oracle.edit_print(t.encode(), "mod"), texts)
    for text, result in zip(texts, results, strict=True):
        assert result.rc == 0, (text, result.stderr)
        assert format_fast(text, FileKind.MOD) == result.stdout.decode(), text


def test_large_mixed_block_is_taken() -> None:
    """The case it is for: a long block with a line in fifty written otherwise, as CRLF too."""
    rng = random.Random("fastfmt-large")
    text = mixed_mod(rng, 5000, 0.02, broken=False)
    assert same_or_none(text)
    assert same_or_none(text.replace("\n", "\r\n"))


def mutated(rng: random.Random, text: str, edits: int) -> str:
    """`text` with `edits` blind character edits (inserted pieces of modgen's palette, CR, tab,
    newline; deleted and duplicated characters), anywhere."""
    palette = [*MUTATION_PALETTE, "\r", "\t", "\n", "\n\n", " //", "v", "."]
    for _ in range(edits):
        pos = rng.randrange(len(text) + 1)
        match rng.choice(["insert", "insert", "delete", "duplicate"]):
            case "insert":
                text = text[:pos] + rng.choice(palette) + text[pos:]
            case "delete":
                text = text[:pos] + text[pos + 1 :]
            case _:
                text = text[:pos] + text[pos : pos + 1] * 2 + text[pos + 1 :]
    return text


def test_random_mutations() -> None:
    """Formatted files with blind character edits: wherever they land, the fast path answers
    the usual way's text or nothing."""
    rng = random.Random("fastfmt-mutations")
    taken = valid = 0
    for _ in range(600):
        text = mutated(rng, mixed_mod(rng, rng.randint(2, 40), 0.0, rng.choice([0, 0, 1])), rng.randint(1, 6))
        taken += same_or_none(text)
        valid += reference(text) is not None
    # (most edits make errors; of the files still valid, the fast path takes nearly all)
    assert valid > 50 and taken > 0.8 * valid, (valid, taken)


def test_random_mutations_against_go(oracle: Oracle) -> None:
    rng = random.Random("fastfmt-mutations-go")
    texts = []
    while len(texts) < 60:
        text = mutated(rng, mixed_mod(rng, rng.randint(5, 40), 0.0), rng.randint(1, 4))
        if format_fast(text, FileKind.MOD) is not None:
            texts.append(text)
    results = oracle.map(lambda t: oracle.edit_print(t.encode("utf-8", "surrogateescape"), "mod"), texts)
    for text, result in zip(texts, results, strict=True):
        assert result.rc == 0, (text, result.stderr)
        assert format_fast(text, FileKind.MOD) == result.stdout.decode("utf-8", "surrogateescape"), text


def test_equal_keys_around_a_run() -> None:
    """A line left to the usual way whose key equals a run's line, the printed lines out of
    order around the run: where the stable sort puts each of the two depends on their places
    in the file, which the print does not show."""
    texts = [
        block("\tex.com/x  v1.0.0 // left", "\tex.com/x v1.0.0 // run", "\tex.com/a  v1.0.0"),
        block(
            "\tex.com/x  v1.0.0 // left",
            "\tex.com/x v1.0.0 // run",
            "\tex.com/a  v1.0.0",
            "\tex.com/y v1.0.0",
        ),
        block("\tex.com/a  v1.0.0", "\tex.com/x v1.0.0 // run", "\tex.com/x  v1.0.0 // left"),
        block("\tex.com/x v1.0.0 // run", "\tex.com/x  v1.0.0 // left", "\tex.com/y v1.0.0"),
        block("\tex.com/z  v1.0.0", "\tex.com/m v1.0.0", "\tex.com/m  v1.0.0 // left", "\tex.com/a  v1.0.0"),
    ]
    for text in texts:
        same_or_none(text)
        same_or_none(text.replace("\n", "\r\n"))
