"""Property tests (hypothesis) over the fuzz targets (targets.py): arbitrary bytes, and inputs
built from real files (the corpus, the case files) with random edits and splices, so that most
examples are near-valid go.mod/go.work/go.sum text. GOMODLS_FUZZ_EXAMPLES (300) per target;
raise it to hunt for bugs. Longer, coverage-guided runs: fuzz.py (atheris)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .seeds import seed_texts
from .targets import TARGETS

EXAMPLES = int(os.environ.get("GOMODLS_FUZZ_EXAMPLES", "300"))
SEEDS = seed_texts()


@st.composite
def near_valid(draw: st.DrawFn) -> bytes:
    """A real file with a few random byte edits (deletions, insertions of interesting bytes)."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data)))
        if draw(st.booleans()) and data:
            del data[at : at + draw(st.integers(1, 8))]
        else:
            data[at:at] = draw(
                st.sampled_from(
                    [
                        b"(",
                        b")",
                        b"\n",
                        b"\r\n",
                        b'"',
                        b"`",
                        b"//",
                        b"=>",
                        b" ",
                        b"\t",
                        b"\xff",
                        b"v1.0.0",
                        b"\x00",
                    ]
                )
            )
    return bytes(data)


INPUTS = st.one_of(st.binary(max_size=2048), near_valid(), st.sampled_from(seed_texts(target="settings")))
FAST = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_target(target: str) -> None:
    @FAST
    @given(INPUTS)
    def run(data: bytes) -> None:
        TARGETS[target](data)

    run()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
KEYS = [
    "logLevel",
    "diagnostics",
    "env",
    "go",
    "tidy",
    "codeLenses",
    "upgrades",
    "inlayHints",
    "disabled",
    "severity",
    "allowRun",
]


@FAST
@given(
    st.dictionaries(
        st.sampled_from(KEYS) | st.text(max_size=8),
        JSON | st.dictionaries(st.sampled_from(KEYS), JSON),
        max_size=6,
    )
)
def test_settings_objects(raw: dict[str, object]) -> None:
    TARGETS["settings"](json.dumps(raw).encode())
