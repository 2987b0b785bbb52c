"""parse_mod checks the common requirement (a plain path, a canonical v0/v1 or +incompatible
version) without the full checks: the model and the errors must be what the full checks give,
for every path and version, including the near misses."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodls.modfile import rules
from gomodls.modfile.gojson import mod_json
from gomodls.modfile.parsed import FileKind, parse_text

PATHS = [
    "example.com/a",
    "example.com/a/v2",
    "example.com/a/v1",
    "example.com/a/v0",
    "example.com/a/v02",
    "example.com/a/v2.1",
    "example.com/a/v",
    "gopkg.in/yaml.v2",
    "gopkg.in/yaml",
    "x.org/a~b+c_d-e",
    '"example.com/q"',
    "ex@mple.com/a",
]
VERSIONS = [
    "v1.2.3",
    "v0.0.0-20240808101112-0004538453d7",
    "v1.2.3-01",
    "v1.2.3-0",
    "v1.2.3-rc.1",
    "v1.2.3-rc.01",
    "v01.2.3",
    "v1.02.3",
    "v1.2",
    "v1",
    "v1.2.3+meta",
    "v2.0.0",
    "v2.0.0+incompatible",
    "v1.0.0+incompatible",
    "v3.1.0-pre+incompatible",
    "v2.0.0-01+incompatible",
    '"v1.2.3"',
    "1.2.3",
]


def _summary(text: str) -> tuple[object, ...]:
    p = parse_text(text, FileKind.MOD)
    return mod_json(p.model), [(e.message, e.line, e.col, e.range, e.code) for e in p.errors]


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[object, ...], tuple[object, ...]]:
    fast = _summary(text)
    with monkeypatch.context() as m:
        m.setattr(rules, "_PLAIN_PATH", re.compile(r"(?!)"))  # never: every line takes the full checks
        slow = _summary(text)
    return fast, slow


@pytest.mark.parametrize("verb", ["require", "exclude"])
def test_table(verb: str, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "".join(f"\t{p} {v}\n" for p in PATHS for v in VERSIONS)
    text = f"module m\n\n{verb} (\n{body})\n{verb} example.com/z v1.0.0 // indirect\n"
    fast, slow = _both(text, monkeypatch)
    assert fast == slow
    assert slow[1]  # the near misses are errors, the rest are entries
    assert len(slow[0].get(verb.capitalize(), [])) > len(PATHS)


_ELEM = st.text(alphabet="abv0129.-_~+", min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    path=st.lists(_ELEM, min_size=1, max_size=4).map("/".join),
    version=st.from_regex(
        r"v[0-3]{1,2}(\.[0-9]{1,2}){0,2}(-[0-9a-z.]{1,5})?(\+[a-z]{1,12})?", fullmatch=True
    ),
)
def test_random(path: str, version: str) -> None:
    text = f"module m\n\nrequire {path} {version}\n"
    with pytest.MonkeyPatch.context() as mp:
        fast, slow = _both(text, mp)
    assert fast == slow
