"""Self-check of the test infrastructure alone (no gomodls code): the go oracle, the case files
and the random generator. Expected values here describe GO's behaviour, as documented in the
spec (gomod-spec.md §4.4 F1-F9, §5.1), so the oracle itself is verified before it judges us.
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from collections import Counter
from pathlib import Path

import pytest

import modgen
from casefile import decode_escapes, load_cases, parse_case_file
from catalogue import MESSAGES, classify
from conformance import corpus_files, corpus_kind
from oracle import (
    EXPECTED_GO_VERSION,
    EditCall,
    Kind,
    Oracle,
    oracle_fixture,  # noqa: F401  (registers the `oracle` fixture)
    parse_errors,
)

GEN_N = int(os.environ.get("GOMODLS_SELFCHECK_N", "200"))

SPEC_EXAMPLES: dict[str, tuple[Kind, str, int, str]] = {
    "F1": (
        "mod",
        "// Header\n"
        'module "example.com/m"   // the module\n'
        "go 1.21\n"
        "require (\n"
        "    example.com/c   v1.0.0 // indirect\n"
        "    example.com/b v1.2\n"
        '    example.com/a  "v1.0.0"\n'
        ")\n"
        "replace example.com/x   =>   ./x\n",
        0,
        "// Header\n"
        "module example.com/m // the module\n"
        "\n"
        "go 1.21\n"
        "\n"
        "require (\n"
        "\texample.com/a v1.0.0\n"
        "\texample.com/b v1.2.0\n"
        "\texample.com/c v1.0.0 // indirect\n"
        ")\n"
        "\n"
        "replace example.com/x => ./x\n",
    ),
    "F2": (
        "mod",
        "module example.com/m\t\t//   mod comment   \n"
        "// floating comment right after module\n"
        "require (\n"
        "\texample.com/a v1.0.0\n"
        "\texample.com/b v1.0.0\n"
        "\t  // before rparen\n"
        ")\n"
        "// final\n",
        0,
        "module example.com/m //   mod comment\n"
        "\n"
        "// floating comment right after module\n"
        "require (\n"
        "\texample.com/a v1.0.0\n"
        "\texample.com/b v1.0.0\n"
        "// before rparen\n"
        ")\n"
        "\n"
        "// final\n",
    ),
    "F3": (
        "mod",
        "module example.com/m\n"
        "require ( // lparen comment\n"
        "\texample.com/a v1.0.0 // line comment\n"
        ") // rparen comment\n"
        "exclude (\n"
        "\t// lonely comment\n"
        ")\n"
        "require (\n"
        "\texample.com/b v1.0.0\n"
        ")\n"
        "replace ()\n",
        0,
        "module example.com/m\n"
        "\n"
        "require example.com/a v1.0.0 // line comment\n"
        "\n"
        "require example.com/b v1.0.0\n",
    ),
    "F4": (
        "mod",
        "module example.com/m\n"
        "require (\n"
        "\n"
        "\texample.com/z v1.0.0\n"
        "\texample.com/y v1.0.0\n"
        "\n"
        "\n"
        "\t// group 2\n"
        "\texample.com/b v1.0.0\n"
        "\n"
        "\texample.com/a v1.0.0\n"
        "\n"
        ")\n",
        0,
        "module example.com/m\n"
        "\n"
        "require (\n"
        "\n"
        "\texample.com/a v1.0.0\n"
        "\n"
        "\t// group 2\n"
        "\texample.com/b v1.0.0\n"
        "\texample.com/y v1.0.0\n"
        "\texample.com/z v1.0.0\n"
        ")\n",
    ),
    "F5": (
        "mod",
        "module example.com/m\n"
        "go 1.21\n"
        "replace example.com/x v1.0.0 => ./one\n"
        "replace (\n"
        "\texample.com/x v1.0.0 => ./two\n"
        "\texample.com/w => ../w\n"
        ")\n"
        "exclude (\n"
        "\texample.com/e v1.10.0\n"
        "\texample.com/e v1.9.0\n"
        "\texample.com/e v1.10.0\n"
        ")\n"
        "retract (\n"
        "\tv1.0.0\n"
        "\t[v1.1.0, v1.2.0]\n"
        "\tv1.3.0\n"
        ")\n"
        "tool (\n"
        "\texample.com/m/z\n"
        "\texample.com/m/a\n"
        "\texample.com/m/z\n"
        ")\n",
        0,
        "module example.com/m\n"
        "\n"
        "go 1.21\n"
        "\n"
        "replace (\n"
        "\texample.com/w => ../w\n"
        "\texample.com/x v1.0.0 => ./two\n"
        ")\n"
        "\n"
        "exclude (\n"
        "\texample.com/e v1.9.0\n"
        "\texample.com/e v1.10.0\n"
        ")\n"
        "\n"
        "retract (\n"
        "\tv1.3.0\n"
        "\t[v1.1.0, v1.2.0]\n"
        "\tv1.0.0\n"
        ")\n"
        "\n"
        "tool (\n"
        "\texample.com/m/a\n"
        "\texample.com/m/z\n"
        ")\n",
    ),
    "F6": (
        "mod",
        "module example.com/m\ngo 1.20\nexclude (\n\texample.com/e v1.9.0\n\texample.com/e v1.10.0\n)\n",
        0,
        "module example.com/m\n\ngo 1.20\n\nexclude (\n\texample.com/e v1.10.0\n\texample.com/e v1.9.0\n)\n",
    ),
    "F7": (
        "mod",
        'module example.com/tidy\n\ngo 1.23.0\n\nrequire (\n\n    "example.com/t" v0.1.0\n\n\n\n)\n',
        0,
        "module example.com/tidy\n\ngo 1.23.0\n\nrequire example.com/t v0.1.0\n",
    ),
    "F8": (
        "work",
        "go   1.22\n"
        "use (\n"
        "  ./b   // b\n"
        "  ./a\n"
        ")\n"
        'use "./c"\n'
        "use ./c\n"
        "replace example.com/x  v1.0.0 =>   ./x\n"
        "replace example.com/x v1.0.0 => ./y\n",
        0,
        "go 1.22\n"
        "\n"
        "use (\n"
        "\t./a\n"
        "\t./b // b\n"
        ")\n"
        "\n"
        "use ./c\n"
        "\n"
        "use ./c\n"
        "\n"
        "replace example.com/x v1.0.0 => ./y\n",
    ),
    "F9": (
        "work",
        "go 1.22\nreplace example.com/x v1.0.0=>./x\n",
        1,
        "go: errors parsing go.work:\n"
        "errors parsing go.work:\n"
        "go.work:2: usage: replace module/path [v1.2.3] => other/module v1.4\n"
        "\t or replace module/path [v1.2.3] => ../local/directory\n",
    ),
}


# ----------------------------------------------------------------------------- the oracle


def test_go_version(oracle: Oracle) -> None:
    assert EXPECTED_GO_VERSION in oracle.version()


@pytest.mark.parametrize("name", sorted(SPEC_EXAMPLES))
def test_spec_format_examples(oracle: Oracle, name: str) -> None:
    kind, text, rc, expected = SPEC_EXAMPLES[name]
    r = oracle.edit_print(text, kind)
    assert r.rc == rc
    if rc == 0:
        assert r.stdout_text == expected
        assert r.stderr == b""
    else:
        assert r.stdout == b""
        assert r.stderr_text == expected


def test_json_shape(oracle: Oracle) -> None:
    r = oracle.edit_json(b"", "mod")
    assert (r.rc, r.stdout, r.stderr) == (0, b'{\n\t"Module": {\n\t\t"Path": ""\n\t}\n}\n', b"")
    r = oracle.edit_json("module m\ngodebug a=1\nrequire x v1.2 // indirect\nretract v1.0.0\n")
    assert r.json() == {
        "Module": {"Path": "m"},
        "GoDebug": [{"Key": "a", "Value": "1"}],
        "Require": [{"Path": "x", "Version": "v1.2.0", "Indirect": True}],
        "Retract": [{"Low": "v1.0.0", "High": "v1.0.0"}],
    }
    w = oracle.edit_json("go 1.22\ngodebug a=1\nuse ./a\n", "work")
    assert w.json() == {"Go": "1.22", "Godebug": [{"Key": "a", "Value": "1"}], "Use": [{"DiskPath": "./a"}]}
    assert oracle.edit_json(b"", "work").stdout == b"{}\n"


def test_errors_and_headers(oracle: Oracle) -> None:
    r = oracle.edit_json("module example.com/m\n  require example.com/a\nrequire (\n\tx\n)\nfoo\n")
    assert r.rc == 1 and r.stdout == b""
    assert r.stderr_text == (
        "go: errors parsing go.mod:\n"
        "go.mod:2:3: usage: require module/path v1.2.3\n"
        "go.mod:4:2: usage: require module/path v1.2.3\n"
        "go.mod:6: unknown directive: foo\n"
    )
    assert [(e.line, e.col) for e in r.errors()] == [(2, 3), (4, 2), (6, None)]
    w = oracle.edit_json("go 1.22\nuse ./a ./b\n", "work")
    assert w.rc == 1
    assert w.stderr_text == (
        "go: errors parsing go.work:\nerrors parsing go.work:\ngo.work:2: usage: use local/dir\n"
    )
    other = oracle.edit_json("go 1.22\nuse ./a ./b\n", "work", name="x.work")
    assert other.stderr_text.startswith("go: errors parsing x.work:\nerrors parsing go.work:\nx.work:2:")
    vendor = oracle.edit_print("foo\n", "mod", name="vendor.mod")
    assert vendor.stderr_text == "go: errors parsing vendor.mod:\nvendor.mod:1: unknown directive: foo\n"


def test_parse_errors_continuation_lines() -> None:
    errs = parse_errors(
        "go: errors parsing go.mod:\ngo.mod:2: usage: replace a\n\t or replace b\n"
        "go.mod:3:4: x: y\ngo: something else\n"
    )
    assert [(e.line, e.col, e.msg) for e in errs] == [
        (2, None, "usage: replace a\n\t or replace b"),
        (3, 4, "x: y"),
        (None, None, "go: something else"),
    ]


def test_bytes_reach_go_untouched(oracle: Oracle) -> None:
    bom = oracle.edit_json(b"\xef\xbb\xbfmodule m\n")
    assert bom.stderr_text.endswith("go.mod:1: unexpected input character '\\ufeff'\n")
    nul = oracle.edit_json(b"module m\x00\n")
    assert nul.stderr_text.endswith("go.mod:1:9: unexpected input character '\\x00'\n")
    bad = oracle.edit_print(b"module example.com/\xff\n")
    assert bad.rc == 0 and bad.stdout == b"module example.com/\xff\n"
    crlf = oracle.edit_print(b"module m\r\nrequire (\r\n\tx v1.0.0\r\n)\r\n")
    assert crlf.stdout == b"module m\n\nrequire x v1.0.0\n"


def test_environment_is_isolated(oracle: Oracle, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {
        "GOFLAGS": "-mod=vendor",
        "GOWORK": "/nonexistent/go.work",
        "GOPROXY": "https://bad.invalid",
        "GOTOOLCHAIN": "go1.99.0",
        "GOENV": "/nonexistent",
        "GO111MODULE": "off",
    }.items():
        monkeypatch.setenv(key, value)
    r = oracle.run(["env", "-json"], {"go.mod": "module m\n"})
    env = json.loads(r.stdout)
    assert env["GOFLAGS"] == "-mod=mod" and env["GOWORK"] == "off" and env["GOPROXY"] == "off"
    assert env["GOTOOLCHAIN"] == "local" and env["GOTELEMETRY"] == "off" and env["GOSUMDB"] == "off"
    assert env["GOMODCACHE"].startswith(str(oracle.root)) and env["GOCACHE"].startswith(str(oracle.root))
    assert (oracle.root / "home/.config/go/telemetry/mode").read_text() == "off"
    w = oracle.run(["env", "GOWORK", "GOFLAGS"], {"go.work": "go 1.22\n"})
    assert w.stdout_text.splitlines() == [f"{w.workdir}/go.work", "-mod=readonly"]
    assert oracle.edit_json("module m\n").ok


def test_run_go_list_and_collect(oracle: Oracle) -> None:
    r = oracle.run(["list", "-m"], {"go.mod": "module example.com/m\n\ngo 1.21\n"})
    assert (r.rc, r.stdout_text) == (0, "example.com/m\n")
    no_module = oracle.run(["list", "-m"], {"go.mod": "go 1.21\nretract v1.0.0\n"})
    assert no_module.rc == 1
    assert no_module.stderr_text == (
        "go: errors parsing go.mod:\ngo.mod:2: no module directive found, so retract cannot be used\n"
    )
    files = {"go.work": "go 1.22\nuse ./a\n", "a/go.mod": "module example.com/a\n\ngo 1.22\n"}
    ws = oracle.run(["list", "-m"], files)
    assert (ws.rc, ws.stdout_text) == (0, "example.com/a\n")
    edited = oracle.run(
        ["mod", "edit", "-go=1.22", "go.mod"], {"go.mod": "module m\n"}, collect=["go.mod", "nope"]
    )
    assert edited.files == {"go.mod": b"module m\n\ngo 1.22\n", "nope": None}


def _make_proxy(root: Path) -> None:
    """A file:// proxy serving example.com/a v1.0.0."""
    d = root / "example.com" / "a" / "@v"
    d.mkdir(parents=True)
    (d / "list").write_text("v1.0.0\n")
    (d / "v1.0.0.info").write_text('{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}')
    (d / "v1.0.0.mod").write_text("module example.com/a\n\ngo 1.21\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("example.com/a@v1.0.0/go.mod", "module example.com/a\n\ngo 1.21\n")
        z.writestr("example.com/a@v1.0.0/a.go", "package a\n")
    (d / "v1.0.0.zip").write_bytes(buf.getvalue())


def test_proxy_download_and_readonly_cleanup(tmp_path: Path) -> None:
    _make_proxy(tmp_path / "proxy")
    o = Oracle(proxy=tmp_path / "proxy")
    try:
        r = o.run(["mod", "download", "-json", "example.com/a@v1.0.0"], {"go.mod": "module m\n\ngo 1.21\n"})
        assert r.rc == 0, r.summary()
        info = json.loads(r.stdout)
        assert info["Version"] == "v1.0.0"
        extracted = Path(info["Dir"]) / "a.go"
        assert extracted.read_text() == "package a\n"
        assert not extracted.stat().st_mode & stat.S_IWUSR  # read-only: close() must chmod
        root = o.root
    finally:
        o.close()
    assert not root.exists()


def test_batch_equals_sequential(oracle: Oracle) -> None:
    texts = [f"module m{i}\nrequire x v1.{i}\n".encode() for i in range(12)] + [b"foo\n", b"/* x */\n"]
    batch = oracle.edit_batch(EditCall(t, "mod", "-print") for t in texts)
    seq = [oracle.edit_print(t) for t in texts]
    assert [(r.rc, r.stdout, r.stderr) for r in batch] == [(r.rc, r.stdout, r.stderr) for r in seq]


# ----------------------------------------------------------------------------- case files


REQUIRED_FORMAT_TAGS = {
    "F1",
    "F2",
    "F3",
    "F4",
    "F5",
    "F6",
    "F7",
    "F8",
    "F9",
    "print-blank-between",
    "print-collapse-blank",
    "print-trailing",
    "print-empty",
    "print-suffix-space",
    "print-trimspace",
    "print-rparen-comment-col0",
    "print-punct-spacing",
    "removedups-exclude",
    "removedups-replace",
    "removedups-tool",
    "removedups-ignore",
    "removedups-keep-require",
    "removedups-keep-retract",
    "removedups-keep-use",
    "sort-lexicographic",
    "sort-exclude-semver",
    "sort-exclude-lexicographic",
    "sort-retract-desc",
    "sort-moves-comments",
    "cleanup-empty",
    "cleanup-collapse",
    "cleanup-no-collapse-rparen-comment",
    "blank-markers",
    "comment-placement",
    "quote-drop",
    "quote-keep",
    "canonical",
    "paren-quirk",
    "work-rules",
    "crlf",
}


def test_case_file_format() -> None:
    text = (
        "# comment\n-- a go.mod --\nmodule m\n-- b go.work noeol crlf covers=x,y --\ngo 1.22\nuse .\n"
        "-- c x.work esc work --\n\\u{feff}\\x00\\xff\\\\q\\t\n-- d go.mod --\n"
    )
    a, b, c, d = parse_case_file(text, "t")
    assert (a.id, a.kind, a.data) == ("a", "mod", b"module m\n")
    assert (b.kind, b.data, b.covers) == ("work", b"go 1.22\r\nuse .", frozenset({"x", "y"}))
    assert (c.kind, c.force_work, c.data) == ("work", True, b"\xef\xbb\xbf\x00\xff\\q\t\n")
    assert d.data == b""
    assert decode_escapes("\\u{e0001}") == "\U000e0001".encode()


def test_cases_load_and_cover_format_rules() -> None:
    cases = load_cases()
    assert len(cases) >= 250
    assert len({c.id for c in cases}) == len(cases)
    covered = set().union(*(c.covers for c in cases))
    assert REQUIRED_FORMAT_TAGS - covered == set()


def test_cases_reach_every_catalogue_message(oracle: Oracle) -> None:
    cases = load_cases()
    results = oracle.edit_batch(EditCall(c.data, c.kind, "-json", c.name) for c in cases)
    seen: Counter[str] = Counter()
    unclassified = []
    for case, r in zip(cases, results, strict=True):
        for e in r.errors():
            name = classify(e.msg)
            if name is None:
                unclassified.append((case.id, e))
            seen[name or "?"] += 1
    assert unclassified == []
    assert set(MESSAGES) - set(seen) == set()
    ok = sum(r.ok for r in results)
    print(f"{len(cases)} cases: {ok} accepted, {len(cases) - ok} rejected by go")


def test_print_errors_equal_json_errors(oracle: Oracle) -> None:
    """`-print` fails exactly like `-json` (same parse step), for every failing case."""
    cases = load_cases()
    calls = [EditCall(c.data, c.kind, flag, c.name) for c in cases for flag in ("-json", "-print")]
    results = oracle.edit_batch(calls)
    for i, case in enumerate(cases):
        j, p = results[2 * i], results[2 * i + 1]
        assert j.rc == p.rc, case.id
        if j.rc:
            assert (j.stdout, j.stderr) == (p.stdout, p.stderr), case.id


def test_corpus_discovery() -> None:
    files = corpus_files()
    if not files:
        pytest.skip("corpus not present (set GOMODLS_CORPUS)")
    kinds = Counter(f.kind for f in files)
    assert kinds["mod"] > 100 and kinds["work"] > 10
    assert corpus_kind(Path("x/go.sum")) is None and corpus_kind(Path("x/go.work.sum")) is None
    assert corpus_kind(Path("a__b/history/go.mod@2019-04-01_afabcc0b")) == "mod"
    assert corpus_kind(Path("moby__moby/vendor.mod")) == "mod"


# ----------------------------------------------------------------------------- the generator


@pytest.mark.parametrize("kind", ["mod", "work"])
@pytest.mark.parametrize("valid", [True, False])
def test_generator_is_deterministic(kind: Kind, valid: bool) -> None:
    first = [modgen.generate(s, kind, valid) for s in range(30)]
    again = [modgen.generate(s, kind, valid) for s in range(30)]
    assert [g.data for g in first] == [g.data for g in again]
    assert [g.faults for g in first] == [g.faults for g in again]
    assert len({g.data for g in first}) >= 29


@pytest.mark.parametrize("kind", ["mod", "work"])
def test_generator_valid_files_are_accepted(oracle: Oracle, kind: Kind) -> None:
    gens = list(modgen.samples(GEN_N, kind, True))
    results = oracle.edit_batch(EditCall(g.data, kind) for g in gens)
    rejected = [(g.seed, r.stderr_text) for g, r in zip(gens, results, strict=True) if not r.ok]
    rate = 1 - len(rejected) / len(gens)
    print(f"valid {kind}: accepted {rate:.1%} of {len(gens)}")
    assert rate >= 0.99, rejected[:5]
    features = set().union(*(g.features for g in gens))
    verbs = (
        {"module", "require", "exclude", "replace", "retract", "tool", "ignore", "godebug"}
        if kind == "mod"
        else {"use", "replace", "godebug"}
    )
    wanted = {f"verb:{v}" for v in verbs} | {
        "crlf",
        "quoted",
        "quoted-escape",
        "empty-block",
        "one-line-block",
        "blank-in-block",
        "unicode-comment",
        "no-final-newline",
        "indent-tab",
        "indent-space",
    }
    if kind == "mod":
        wanted |= {
            "deprecated",
            "indirect",
            "retract-interval",
            "pseudo-version",
            "incompatible",
            "noncanonical",
            "build-metadata",
            "vN-path",
            "gopkg.in",
            "replace-dir",
            "replace-module",
            "replace-versioned",
            "space-path",
        }
    assert wanted - features == set()


@pytest.mark.parametrize("kind", ["mod", "work"])
def test_generator_broken_files_are_rejected(oracle: Oracle, kind: Kind) -> None:
    gens = list(modgen.samples(GEN_N, kind, False))
    results = oracle.edit_batch(EditCall(g.data, kind) for g in gens)
    accepted = [(g.seed, g.faults) for g, r in zip(gens, results, strict=True) if r.ok]
    rate = 1 - len(accepted) / len(gens)
    messages = Counter(classify(e.msg) for r in results for e in r.errors())
    multi = sum(len(r.errors()) > 1 for r in results)
    print(
        f"broken {kind}: rejected {rate:.1%} of {len(gens)}; {multi} with several errors; "
        f"{len(messages)} distinct catalogue messages"
    )
    assert rate >= 0.95, accepted[:5]
    assert None not in messages
    assert multi >= len(gens) // 10
    faults = Counter(f for g in gens for f in g.faults)
    applicable = {n for n in modgen.FAULTS if kind == "mod" or n not in modgen.MOD_ONLY}
    assert applicable - set(faults) == set()
    assert len(messages) >= (35 if kind == "mod" else 22)


@pytest.mark.parametrize("kind", ["mod", "work"])
def test_generator_mutated_is_deterministic_and_mixed(oracle: Oracle, kind: Kind) -> None:
    gens = [modgen.generate_mutated(s, kind) for s in range(GEN_N // 2)]
    assert [g.data for g in gens] == [modgen.generate_mutated(s, kind).data for s in range(GEN_N // 2)]
    results = oracle.edit_batch(EditCall(g.data, kind) for g in gens)
    rejected = sum(not r.ok for r in results)
    print(f"mutated {kind}: {rejected}/{len(gens)} rejected by go")
    assert 0.2 * len(gens) < rejected < len(gens)
    assert all(classify(e.msg) for r in results for e in r.errors())
