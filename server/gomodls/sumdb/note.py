"""Signed notes (golang.org/x/mod/sumdb/note): the text a checksum database signs, with its
signatures, and the keys that verify them.

A verifier key is ``name+hash+base64(alg || public key)``: the hash is the first four bytes
(big-endian) of SHA-256(name || "\\n" || alg || key), and the only algorithm is 1, Ed25519. A
signed note is a text ending in a newline, a blank line, and signature lines
``— name base64(keyhash || signature)``. Errors carry Go's texts: str() of each is the Go
error's Error().
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from gomodls.base.gostr import GO_SPACE
from gomodls.module.errors import GoError
from gomodls.sumdb.encoding import b64decode, b64encode

__all__ = [
    "AmbiguousVerifierError",
    "InvalidSignatureError",
    "MalformedNoteError",
    "Note",
    "Signature",
    "Signer",
    "UnknownVerifierError",
    "UnverifiedNoteError",
    "Verifier",
    "VerifierKeyError",
    "Verifiers",
    "generate_key",
    "key_hash",
    "new_ed25519_verifier_key",
    "new_signer",
    "new_verifier",
    "open_note",
    "sign",
    "verifier_list",
]

ALG_ED25519 = 1

# Go stops reading signatures after this many (a note is small; a long list is an attack).
MAX_SIGNATURES = 100

SIG_PREFIX = "— ".encode()


class VerifierKeyError(GoError):
    """A malformed verifier or signer key: "malformed verifier id", "unknown verifier algorithm"
    or "invalid verifier hash" (Go uses the same words for signer keys)."""


class MalformedNoteError(GoError):
    def __init__(self) -> None:
        super().__init__("malformed note")


class UnknownVerifierError(GoError):
    """No known key has this name and hash (Open records such signatures as unverified)."""

    def __init__(self, name: str, key_hash: int) -> None:
        super().__init__(f"unknown key {name}+{key_hash:08x}")
        self.name = name
        self.key_hash = key_hash


class AmbiguousVerifierError(GoError):
    def __init__(self, name: str, key_hash: int) -> None:
        super().__init__(f"ambiguous key {name}+{key_hash:08x}")
        self.name = name
        self.key_hash = key_hash


class InvalidSignatureError(GoError):
    """A known key rejected its signature: the note was altered or signed by someone else."""

    def __init__(self, name: str, key_hash: int) -> None:
        super().__init__(f"invalid signature for key {name}+{key_hash:08x}")
        self.name = name
        self.key_hash = key_hash


class UnverifiedNoteError(GoError):
    """The note parsed but no known key signed it; the unverified note is in .note."""

    def __init__(self, note: Note) -> None:
        super().__init__("note has no verifiable signatures")
        self.note = note


def key_hash(name: str, key: bytes) -> int:
    """The uint32 identifying (name, alg || key): the first four bytes of its SHA-256."""
    digest = hashlib.sha256(name.encode() + b"\n" + key).digest()
    return int.from_bytes(digest[:4], "big")


def is_valid_name(name: str) -> bool:
    """Non-empty, no Unicode space (Go's unicode.IsSpace) and no plus sign."""
    return name != "" and "+" not in name and not any(c in GO_SPACE for c in name)


def _parse_hash16(s: str) -> int | None:
    """strconv.ParseUint(s, 16, 32) for an 8-character s; None on error."""
    if len(s) != 8 or not all(c in "0123456789abcdefABCDEF" for c in s):
        return None
    return int(s, 16)


@dataclass(frozen=True)
class Verifier:
    """One server public key: verifies signatures by that key."""

    name: str
    key_hash: int
    public_key: Ed25519PublicKey = field(repr=False, compare=False)

    def verify(self, msg: bytes, sig: bytes) -> bool:
        if len(sig) != 64:  # ed25519.SignatureSize: Go's ed25519.Verify says false
            return False
        try:
            self.public_key.verify(sig, msg)
        except InvalidSignature:
            return False
        return True


def new_verifier(vkey: str) -> Verifier:
    """note.NewVerifier: the Verifier for an encoded key "<name>+<hash>+<keydata>"."""
    name, _, rest = vkey.partition("+")
    hash16, _, key64 = rest.partition("+")
    h = _parse_hash16(hash16)
    key = b64decode(key64)
    if h is None or key is None or not is_valid_name(name) or len(key) == 0:
        raise VerifierKeyError("malformed verifier id")
    if h != key_hash(name, key):
        raise VerifierKeyError("invalid verifier hash")
    alg, raw = key[0], key[1:]
    if alg != ALG_ED25519:
        raise VerifierKeyError("unknown verifier algorithm")
    if len(raw) != 32:
        raise VerifierKeyError("malformed verifier id")
    return Verifier(name, h, Ed25519PublicKey.from_public_bytes(raw))


class Verifiers(Protocol):
    def verifier(self, name: str, key_hash: int) -> Verifier:
        """The verifier for (name, key_hash); UnknownVerifierError when there is none."""
        ...


class _VerifierMap:
    def __init__(self, verifiers: Iterable[Verifier]) -> None:
        self._map: dict[tuple[str, int], list[Verifier]] = {}
        for v in verifiers:
            self._map.setdefault((v.name, v.key_hash), []).append(v)

    def verifier(self, name: str, key_hash: int) -> Verifier:
        found = self._map.get((name, key_hash))
        if found is None:
            raise UnknownVerifierError(name, key_hash)
        if len(found) > 1:
            raise AmbiguousVerifierError(name, key_hash)
        return found[0]


def verifier_list(*verifiers: Verifier) -> Verifiers:
    """note.VerifierList."""
    return _VerifierMap(verifiers)


@dataclass(frozen=True)
class Signature:
    name: str
    key_hash: int
    base64: str  # the encoded key hash and signature, as in the note


@dataclass
class Note:
    text: str
    sigs: list[Signature] = field(default_factory=list)  # verified
    unverified_sigs: list[Signature] = field(default_factory=list)


def _well_formed(msg: bytes) -> bool:
    """Valid UTF-8 without ASCII control characters other than newline."""
    try:
        text = msg.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(c < " " and c != "\n" for c in text)


def open_note(msg: bytes, known: Verifiers | None) -> Note:
    """note.Open: parse msg and check its signatures against the known verifiers.

    A signature by a known key that does not verify raises InvalidSignatureError; signatures by
    unknown keys are kept as unverified; a note no known key signed raises UnverifiedNoteError.
    """
    if known is None:
        known = verifier_list()
    if not _well_formed(msg):
        raise MalformedNoteError()
    split = msg.rfind(b"\n\n")
    if split < 0:
        raise MalformedNoteError()
    text, sigs = msg[: split + 1], msg[split + 2 :]
    if not sigs or not sigs.endswith(b"\n"):
        raise MalformedNoteError()

    note = Note(text.decode("utf-8"))
    seen: set[tuple[str, int]] = set()
    seen_unverified: set[bytes] = set()
    for num, line in enumerate(sigs[:-1].split(b"\n"), 1):
        if not line.startswith(SIG_PREFIX):
            raise MalformedNoteError()
        line = line[len(SIG_PREFIX) :]
        name_b, _, b64_b = line.partition(b" ")
        name, b64 = name_b.decode("utf-8"), b64_b.decode("utf-8")
        raw = b64decode(b64)
        if raw is None or not is_valid_name(name) or b64 == "" or len(raw) < 5:
            raise MalformedNoteError()
        h = int.from_bytes(raw[:4], "big")
        sig = raw[4:]
        if num > MAX_SIGNATURES:
            raise MalformedNoteError()

        try:
            v = known.verifier(name, h)
        except UnknownVerifierError:
            # Drop repeated identical unverified signatures.
            if line not in seen_unverified:
                seen_unverified.add(line)
                note.unverified_sigs.append(Signature(name, h, b64))
            continue
        if v.name != name or v.key_hash != h:
            raise GoError("verifier name or hash doesn't match signature")
        if (name, h) in seen:
            continue  # a repeated signature by one key
        seen.add((name, h))
        if not v.verify(text, sig):
            raise InvalidSignatureError(name, h)
        note.sigs.append(Signature(name, h, b64))

    if not note.sigs:
        raise UnverifiedNoteError(note)
    return note


@dataclass(frozen=True)
class Signer:
    """One server private key (used by tests and test servers to sign tree heads)."""

    name: str
    key_hash: int
    private_key: Ed25519PrivateKey = field(repr=False, compare=False)

    def sign(self, msg: bytes) -> bytes:
        return self.private_key.sign(msg)


def _public_bytes(priv: Ed25519PrivateKey) -> bytes:
    return bytes([ALG_ED25519]) + priv.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def new_signer(skey: str) -> Signer:
    """note.NewSigner: the Signer for "PRIVATE+KEY+<name>+<hash>+<keydata>" (keydata: alg || seed)."""
    priv1, _, rest = skey.partition("+")
    priv2, _, rest = rest.partition("+")
    name, _, rest = rest.partition("+")
    hash16, _, key64 = rest.partition("+")
    h = _parse_hash16(hash16)
    key = b64decode(key64)
    if (
        priv1 != "PRIVATE"
        or priv2 != "KEY"
        or h is None
        or key is None
        or not is_valid_name(name)
        or len(key) == 0
    ):
        raise VerifierKeyError("malformed verifier id")
    alg, seed = key[0], key[1:]
    if alg != ALG_ED25519:
        raise VerifierKeyError("unknown verifier algorithm")
    if len(seed) != 32:
        raise VerifierKeyError("malformed verifier id")
    priv = Ed25519PrivateKey.from_private_bytes(seed)
    # The hash names the public key, so it can only be checked once that is derived.
    if h != key_hash(name, _public_bytes(priv)):
        raise VerifierKeyError("invalid verifier hash")
    return Signer(name, h, priv)


def generate_key(name: str) -> tuple[str, str]:
    """note.GenerateKey: a fresh (signer key, verifier key) pair for a server name."""
    priv = Ed25519PrivateKey.generate()
    pub = _public_bytes(priv)
    h = key_hash(name, pub)
    seed = priv.private_bytes_raw()
    skey = f"PRIVATE+KEY+{name}+{h:08x}+{b64encode(bytes([ALG_ED25519]) + seed)}"
    vkey = f"{name}+{h:08x}+{b64encode(pub)}"
    return skey, vkey


def new_ed25519_verifier_key(name: str, key: bytes) -> str:
    """note.NewEd25519VerifierKey: the verifier key for a raw 32-byte Ed25519 public key."""
    if len(key) != 32:
        raise GoError(f"invalid public key size {len(key)}, expected 32")
    pub = bytes([ALG_ED25519]) + key
    return f"{name}+{key_hash(name, pub):08x}+{b64encode(pub)}"


def sign(note: Note, *signers: Signer) -> bytes:
    """note.Sign: the encoded note with the signers' signatures after the existing ones (an
    existing signature by one of the signers' keys is replaced)."""
    if not note.text.endswith("\n"):
        raise MalformedNoteError()
    text = note.text.encode("utf-8")
    new: list[bytes] = []
    have: set[tuple[str, int]] = set()
    for s in signers:
        have.add((s.name, s.key_hash))
        if not is_valid_name(s.name):
            raise GoError("invalid signer")
        b64 = b64encode(s.key_hash.to_bytes(4, "big") + s.sign(text))
        new.append(SIG_PREFIX + f"{s.name} {b64}\n".encode())
    out = [text, b"\n"]
    for sig in [*note.sigs, *note.unverified_sigs]:
        if not is_valid_name(sig.name):
            raise MalformedNoteError()
        if (sig.name, sig.key_hash) in have:
            continue
        raw = b64decode(sig.base64)
        if raw is None or len(raw) < 4 or int.from_bytes(raw[:4], "big") != sig.key_hash:
            raise MalformedNoteError()
        out.append(SIG_PREFIX + f"{sig.name} {sig.base64}\n".encode())
    return b"".join(out + new)
