"""Output bytes whatever the locale: files holding invalid UTF-8 (and non-ASCII text) through
`gomodls parse --json`, `fmt` and `check` as real processes, under several locales and
PYTHONIOENCODING values, against `go mod edit -json|-print` / `go work edit` byte for byte.

The go command writes bytes: a comment with the bytes \\xff\\xfe comes back as those bytes, an
error quoting a bad directive name quotes its raw bytes, JSON carries U+FFFD. Python's text
streams would fail on them (UnicodeEncodeError under PYTHONIOENCODING=utf-8, ascii, latin-1) or
write something else; the CLI writes bytes too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cliproc import go_env, run_go, run_gomodls
from conformance import mismatch_report
from oracle import (
    Kind,
    Oracle,
    Result,
    kind_for_name,
    oracle_fixture,  # noqa: F401  (registers the `oracle` fixture)
)

# name (as passed on the command line, relative to the directory) -> content
FILES: dict[bytes, bytes] = {
    b"comment/go.mod": b"module m // \xff\xfe\n\n// caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xfe\nrequire x v1.2\n",
    b"quoted/go.mod": b'module m\nrequire "x\xff" v1.0.0 // \xc3\xa9\n',
    b"baddirective/go.mod": b"module m // \xff\nfoo\xff\xfe bar\n",
    b"work/go.work": b"go 1.21 // \xff\xfe caf\xc3\xa9\nuse ./a // \xfe\n",
    b"badwork/go.work": b"go 1.21\nuse ./a\nbad\xff x\n",
    b"d\xff/go.mod": b"module m\nrequire x\n",  # a directory name that is not UTF-8
}

ENVIRONMENTS = {
    "C.UTF-8": {"LC_ALL": "C.UTF-8"},
    "PYTHONIOENCODING=utf-8": {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"},
    "C+utf-8:strict": {"LC_ALL": "C", "PYTHONIOENCODING": "utf-8:strict"},
    "POSIX,no-utf8-mode": {"LC_ALL": "POSIX", "PYTHONUTF8": "0"},
    "latin-1": {"LANG": "C.UTF-8", "PYTHONIOENCODING": "latin-1"},
    "ascii": {"PYTHONIOENCODING": "ascii"},
}


def kind_of(name: bytes) -> Kind:
    return kind_for_name(name.decode("utf-8", "surrogateescape"))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bytes")
    for name, data in FILES.items():
        path = root / name.decode("utf-8", "surrogateescape")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def env_for(oracle: Oracle, tree: Path, name: bytes, extra: dict[str, str] | None = None) -> dict[str, str]:
    kind = kind_of(name)
    env = go_env(oracle, kind, tree, name.decode("utf-8", "surrogateescape"))
    env.update(extra or {})
    return env


@pytest.fixture(scope="module")
def expected(oracle: Oracle, tree: Path) -> dict[tuple[bytes, str], Result]:
    """Go's answers, once: -json and -print of every file."""
    out = {}
    for name in FILES:
        tool = "work" if kind_of(name) == "work" else "mod"
        for flag in ("-json", "-print"):
            out[name, flag] = run_go(oracle, [tool, "edit", flag, name], tree, env_for(oracle, tree, name))
    return out


def test_the_inputs_are_what_they_claim(expected: dict[tuple[bytes, str], Result]) -> None:
    """Not vacuous: go copies the bad bytes to stdout and to stderr."""
    assert b"\xff\xfe" in expected[b"comment/go.mod", "-print"].stdout
    assert b"foo\xff\xfe" in expected[b"baddirective/go.mod", "-json"].stderr
    assert b"bad\xff" in expected[b"badwork/go.work", "-json"].stderr
    assert b"d\xff/go.mod:2:" in expected[b"d\xff/go.mod", "-json"].stderr
    assert "x\ufffd".encode() in expected[b"quoted/go.mod", "-json"].stdout


@pytest.mark.parametrize("label", list(ENVIRONMENTS))
def test_parse_and_fmt_write_gos_bytes(
    oracle: Oracle, tree: Path, expected: dict[tuple[bytes, str], Result], label: str
) -> None:
    problems = []
    for name in FILES:
        env = env_for(oracle, tree, name, ENVIRONMENTS[label])
        for command, flag in ((["parse", "--json"], "-json"), (["fmt"], "-print")):
            ours = run_gomodls([*command, name], tree, env)
            report = mismatch_report(ours, expected[name, flag])
            if report:
                problems.append(f"--- {' '.join(command)} {name!r} under {label}\n{report}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("label", list(ENVIRONMENTS))
def test_fmt_of_several_files_and_diff(
    oracle: Oracle, tree: Path, expected: dict[tuple[bytes, str], Result], label: str
) -> None:
    """`fmt A B ...` is go's -print of each, concatenated (stdout, stderr, worst status);
    -d and -l name the files and show the lines with their bytes."""
    names = [n for n in FILES if kind_of(n) == "mod"]
    env = env_for(oracle, tree, names[0], ENVIRONMENTS[label])
    ours = run_gomodls(["fmt", *names], tree, env)
    go = [expected[n, "-print"] for n in names]
    assert ours.stdout == b"".join(r.stdout for r in go)
    assert ours.stderr == b"".join(r.stderr for r in go)
    assert ours.rc == max(r.rc for r in go)
    diff = run_gomodls(["fmt", "-d", "comment/go.mod"], tree, env)
    assert diff.rc == 0 and diff.stderr == b""
    assert b"-// caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xfe\n" not in diff.stdout  # unchanged line
    assert b" // caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xfe\n" in diff.stdout  # shown as context
    listed = run_gomodls(["fmt", "-l", "comment/go.mod", b"d\xff/go.mod"], tree, env)
    assert listed.stdout == b"comment/go.mod\n" and listed.rc == 1
    assert b"d\xff/go.mod:2: usage" in listed.stderr


@pytest.mark.parametrize("label", list(ENVIRONMENTS))
def test_check_writes_the_bytes_and_valid_json(
    oracle: Oracle, tree: Path, expected: dict[tuple[bytes, str], Result], label: str
) -> None:
    """check's lines carry Go's message bytes; its JSON is valid UTF-8 (U+FFFD for bad bytes,
    as Go's encoding/json writes them)."""
    name = b"baddirective/go.mod"
    env = env_for(oracle, tree, name, ENVIRONMENTS[label])
    go_line = expected[name, "-json"].stderr.splitlines()[
        -1
    ]  # baddirective/go.mod:2: unknown directive: foo\xff\xfe
    go_message = go_line.split(b": ", 1)[1]
    text = run_gomodls(["check", name], tree, env)
    assert text.rc == 1 and b"Traceback" not in text.stderr, text.summary()
    # go's own line, with the severity and the code
    assert text.stdout.splitlines()[0] == go_line.replace(b": ", b": error: ", 1) + b" [unknown-directive]"
    assert go_line.split(b": ", 1)[1] == go_message
    js = run_gomodls(["check", "--format", "json", name, b"d\xff"], tree, env)
    assert js.rc == 1 and js.stderr == b"", js.summary()
    findings = json.loads(js.stdout.decode("utf-8"))  # strict: valid UTF-8
    assert findings[0]["message"] == go_message.decode("utf-8", "replace")
    assert findings[0]["go"] is True
    assert findings[-1]["path"] == "d\ufffd/go.mod"
