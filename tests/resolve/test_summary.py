"""The plain-file shortcut of `summary_from_text` against the full parser (modfile.ParseLax).

The shortcut reads the common shape of a dependency's go.mod without building a syntax tree and
gives up on anything else; whenever it answers, the answer must be the full parser's. Checked on
every go.mod of the graph-conformance universes and on plain files with random damage."""

from __future__ import annotations

import random

import pytest

from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.resolve.summary import LoadError, ModSummary, _plain_summary, summary_from_modfile

from .graphgen import generate, wide_universe

PATHS = ["example.com/a", "example.com/b/v2", "gopkg.in/yaml.v3", "example.com/C", "x", "example.com/c/v1"]
VERSIONS = ["v1.0.0", "v2.1.0", "v1.2", "v3.0.0", "v2.0.0+incompatible", "v0.0.0-20200101000000-abcdefabcdef"]
VERSIONS += ["v1.0.0-rc.1", "1.0.0", "v1.0.0+meta", "latest"]
GO = ["1.21", "1.21.0", "1.22rc1", "1.16", "v1.20", "1.2.3.4", "1.021"]
NOISE = [
    "// a comment", "// Deprecated: use b", "/* x */", "(", ")", '"quoted"', "`raw`", "\r", "\ufeff", "\x00",
    "//indirect", "=>", "[", "]", ",", "{", "\t", "\\",
]  # fmt: skip


def full(text: str) -> ModSummary | None:
    parsed = parse_text(text, FileKind.MOD, "go.mod", strict=False)
    if parsed.go_errors:
        return None
    assert isinstance(parsed.model, ModFile)
    return summary_from_modfile(parsed.model)


def plain_file(rng: random.Random) -> str:
    lines = [f"module {rng.choice(PATHS)}", ""]
    if rng.random() < 0.8:
        lines.append(f"go {rng.choice(GO)}")
    for _ in range(rng.randint(0, 3)):
        kind = rng.random()
        req = f"{rng.choice(PATHS)} {rng.choice(VERSIONS)}"
        if kind < 0.4:
            lines.append(f"require {req}" + (" // indirect" if rng.random() < 0.3 else ""))
        elif kind < 0.7:
            lines += (
                ["require ("] + [f"\t{rng.choice(PATHS)} {rng.choice(VERSIONS)}" for _ in range(3)] + [")"]
            )
        elif kind < 0.8:
            lines.append(f"replace {rng.choice(PATHS)} => ../x")
        elif kind < 0.9:
            lines += ["exclude (", f"\t{req}", ")"]
        else:
            lines.append(f"toolchain go{rng.choice(GO)}")
    return "\n".join(lines) + "\n"


def damaged(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(0, 3)):
        at = rng.randrange(len(text) + 1)
        r = rng.random()
        if r < 0.5:
            text = text[:at] + rng.choice(NOISE) + text[at:]
        elif r < 0.7:
            text = text[:at] + text[at + rng.randint(1, 5) :]
        elif r < 0.85:
            text = text[:at] + "\n" + text[at:]
        else:
            text = (
                text[:at]
                + rng.choice(["go 1.20\n", "module m\n", "retract v1.0.0\n", "ignore ./x\n"])
                + text[at:]
            )
    return text


def test_plain_shortcut_agrees_with_the_full_parser() -> None:
    rng = random.Random(1)
    answered = 0
    for _ in range(4000):
        text = damaged(rng, plain_file(rng))
        fast = _plain_summary(text)
        if fast is not None:
            answered += 1
            assert fast == full(text), repr(text)
    assert answered > 300  # not vacuous: the shortcut answers the plain ones


def test_plain_shortcut_on_the_generated_universes() -> None:
    answered = total = 0
    for seed in range(60):
        for sc in (generate(seed), generate(seed, workspace=True)):
            for text in [pv.mod for pv in sc.proxy.values() if pv.mod is not None] + list(sc.files.values()):
                total += 1
                fast = _plain_summary(text)
                if fast is not None:
                    answered += 1
                    assert fast == full(text), repr(text)
    mods, _ = wide_universe()
    for text in mods.values():
        assert _plain_summary(text) == full(text) is not None
    assert answered > total // 2


@pytest.mark.parametrize(
    "text",
    [
        "module m\nrequire(\n\tx v1.0.0\n)\n",  # "require(" is two tokens for Go
        "// Deprecated: no\nmodule m\n",
        "module m // Deprecated: no\n",
        "module m\nrequire x v1.2\n",  # canonicalized by ParseLax
        "module m\nrequire example.com/b/v2 v1.0.0\n",  # a major-version error
        "module m\nrequire (\n\tx v1.0.0\n",  # unterminated
        "module m\nretract v1.0.0\n",
        "require x v1.0.0\n",  # no module line
        "module m\r\ngo 1.21\r\n",
        'module "m"\n',
    ],
)
def test_plain_shortcut_leaves_the_unusual_to_the_full_parser(text: str) -> None:
    assert _plain_summary(text) is None


def test_errors_still_come_from_the_full_parser() -> None:
    from gomodls.module.paths import ModuleVersion
    from gomodls.resolve.summary import summary_from_text

    with pytest.raises(LoadError, match=r"example.com/m@v1.0.0: parsing go.mod: go.mod:2:"):
        summary_from_text("module m\nrequire x\n", ModuleVersion("example.com/m", "v1.0.0"))


def test_not_loaded_names_what_is_missing() -> None:
    from gomodls.module.paths import ModuleVersion
    from gomodls.resolve.summary import NotLoaded

    e = NotLoaded([ModuleVersion("example.com/b", "v1.0.0"), ModuleVersion("example.com/a", "v1.0.0")])
    assert str(e) == "not loaded yet: example.com/a@v1.0.0, example.com/b@v1.0.0"
