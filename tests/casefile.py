"""Loader for the hand-written conformance cases in ``tests/cases/*.txt``.

The files store INPUTS only; expected outputs always come from the oracle at test time.

Format (txtar-like)::

    # free text before the first header is a comment
    -- <id> <file name> [flag ...] --
    <body: the file content, every line ending in \\n>

* ``<file name>`` is the name the file gets on disk and on the command line (``go.mod``,
  ``go.work``, ``vendor.mod``, ``x.work``); it appears in error messages. ``go.work`` (or the
  ``work`` flag) selects workspace parsing (``go work edit``, our ``--work``).
* Flags: ``noeol`` drops the body's final newline; ``crlf`` turns every ``\\n`` into ``\\r\\n``;
  ``esc`` decodes escapes in the body: ``\\\\``, ``\\n``, ``\\r``, ``\\t``, ``\\xHH`` (one raw byte,
  so ``\\xff`` is invalid UTF-8) and ``\\u{HHHH}`` (a code point, UTF-8 encoded). ``work`` forces
  workspace parsing. ``covers=a,b`` lists the rule tags the case demonstrates (checked by the
  self-check for completeness).
* Body lines that look like a header (``-- x --``) cannot be represented; no case needs one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from oracle import Kind, kind_for_name

CASES_DIR = Path(__file__).parent / "cases"
_HEADER = re.compile(r"^-- (?P<id>\S+) (?P<name>\S+)(?P<flags>(?: \S+)*) --$")
_KNOWN_FLAGS = {"noeol", "crlf", "esc", "work"}


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    data: bytes
    kind: Kind
    flags: frozenset[str] = frozenset()
    covers: frozenset[str] = field(default_factory=frozenset)
    source: str = ""

    @property
    def force_work(self) -> bool:
        return "work" in self.flags


def decode_escapes(text: str) -> bytes:
    """Decode the ``esc`` body escapes into bytes."""
    out = bytearray()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in "\\nrt":
            out += {"\\": b"\\", "n": b"\n", "r": b"\r", "t": b"\t"}[nxt]
            i += 2
        elif nxt == "x":
            out.append(int(text[i + 2 : i + 4], 16))
            i += 4
        elif nxt == "u" and text[i + 2] == "{":
            end = text.index("}", i)
            out += chr(int(text[i + 3 : end], 16)).encode("utf-8", errors="surrogatepass")
            i = end + 1
        else:
            raise ValueError(f"bad escape \\{nxt} in case body")
    return bytes(out)


def _finish(case_id: str, name: str, flags: list[str], body: str, source: str) -> Case:
    plain = {f for f in flags if not f.startswith("covers=")}
    unknown = plain - _KNOWN_FLAGS
    if unknown:
        raise ValueError(f"{source}: case {case_id}: unknown flags {sorted(unknown)}")
    covers = {c for f in flags if f.startswith("covers=") for c in f[len("covers=") :].split(",") if c}
    if "noeol" in plain and body.endswith("\n"):
        body = body[:-1]
    if "crlf" in plain:
        body = body.replace("\n", "\r\n")
    data = decode_escapes(body) if "esc" in plain else body.encode("utf-8")
    kind: Kind = "work" if "work" in plain else kind_for_name(name)
    return Case(case_id, name, data, kind, frozenset(plain), frozenset(covers), source)


def parse_case_file(text: str, source: str = "") -> list[Case]:
    cases: list[Case] = []
    current: tuple[str, str, list[str]] | None = None
    body: list[str] = []
    # split on "\n" only: str.splitlines would also split on \r, \v, \f, U+2028, ...
    pieces = text.split("\n")
    lines = [p + "\n" for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
    for line in lines:
        m = _HEADER.match(line.rstrip("\n"))
        if m:
            if current:
                cases.append(_finish(*current, "".join(body), source))
            current = (m.group("id"), m.group("name"), m.group("flags").split())
            body = []
        elif current:
            body.append(line if line.endswith("\n") else line + "\n")
    if current:
        cases.append(_finish(*current, "".join(body), source))
    return cases


def load_cases(directory: Path = CASES_DIR) -> list[Case]:
    """All cases of all ``*.txt`` files, in file then file-order; ids must be unique."""
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.txt")):
        # bytes, not read_text(): universal newlines would turn \r\n into \n
        for case in parse_case_file(path.read_bytes().decode("utf-8"), path.name):
            if case.id in seen:
                raise ValueError(f"duplicate case id {case.id} in {path.name} and {seen[case.id]}")
            seen[case.id] = path.name
            cases.append(case)
    return cases
