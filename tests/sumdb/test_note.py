"""gomodls.sumdb.note against x/mod's note package: keys, signing, and opening well-formed,
tampered and malformed notes, compared on the same inputs (errors by their Go texts)."""

from __future__ import annotations

import base64

import pytest

from gomodls.module.errors import GoError
from gomodls.sumdb import note
from gomodls.sumdb.note import Note

from .gosumdb import GoSumdb, b64, gosumdb_fixture, unb64  # noqa: F401  (registers the fixture)

# x/mod's documented example.
DOC_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
DOC_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
DOC_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)


@pytest.fixture(scope="module", name="keys")
def keys_fixture(gosumdb: GoSumdb) -> list[dict]:
    """Key pairs x/mod generated from fixed seeds."""
    return gosumdb.run(
        [
            {"op": "gen_key", "name": name, "seed": b64(bytes([i]) * 32)}
            for i, name in enumerate(["sum.example.com", "other.example/db", "EnochRoot"], 1)
        ]
    )


def test_keys(gosumdb: GoSumdb, keys: list[dict]) -> None:
    for k in keys:
        s = note.new_signer(k["skey"])
        v = note.new_verifier(k["vkey"])
        assert (s.name, s.key_hash) == (v.name, v.key_hash)
        go_v = gosumdb.one("verifier", vkey=k["vkey"])
        assert (v.name, v.key_hash) == (go_v["name"], go_v["hash"])
        pub = s.private_key.public_key().public_bytes_raw()
        assert note.new_ed25519_verifier_key(s.name, pub) == k["vkey"]
    skey, vkey = note.generate_key("fresh.example")
    assert note.new_signer(skey).key_hash == note.new_verifier(vkey).key_hash


def bad_vkeys(vkey: str) -> list[str]:
    name, h, key = vkey.split("+")
    raw = base64.b64decode(key)
    return [
        vkey,
        f"{name}+{h}+{key}\n",  # Go's base64 skips newlines
        f"{name}+{h}",
        f"{name}+{h.upper()}+{key}",
        f"{name}+{h[:-1]}+{key}",
        f"{name}+{'0' * 8}+{key}",
        f"{name}+{h}+{key[:-1]}",
        f"{name}+{h}+{b64(raw[:-1])}",
        f"bad name+{h}+{key}",
        f"+{h}+{key}",
        f"{name}+{h}+",
        f"{name}+{h}+{b64(bytes([2]) + raw[1:])}",
        f"{name}\u3000x+{h}+{key}",
        "",
    ]


def test_verifier_key_errors(gosumdb: GoSumdb, keys: list[dict]) -> None:
    vkeys = bad_vkeys(keys[0]["vkey"])
    alg2 = keys[0]["vkey"].split("+")
    raw = bytes([2]) + base64.b64decode(alg2[2])[1:]
    # A well-hashed key of an unknown algorithm.
    vkeys.append(f"{alg2[0]}+{note.key_hash(alg2[0], raw):08x}+{b64(raw)}")
    skeys = [k["skey"] for k in keys] + ["PRIVATE+KEY+x+00000000+AQ==", "PRIVATE+KEY", keys[0]["skey"][8:]]
    go = gosumdb.run(
        [{"op": "verifier", "vkey": k} for k in vkeys] + [{"op": "signer", "skey": k} for k in skeys]
    )
    for k, want in zip(vkeys + skeys, go, strict=True):
        new = note.new_verifier if not k.startswith("PRIVATE") and k not in skeys else note.new_signer
        if "err" in want:
            with pytest.raises(note.VerifierKeyError) as e:
                new(k)
            assert str(e.value) == want["err"], k
        else:
            got = new(k)
            assert (got.name, got.key_hash) == (want["name"], want["hash"]), k


def test_sign_like_xmod(gosumdb: GoSumdb, keys: list[dict]) -> None:
    signers = [note.new_signer(k["skey"]) for k in keys]
    texts = [DOC_TEXT, "go.sum database tree\n5\nabc=\n", "é ünïcode\n", "no newline"]
    go = gosumdb.run([{"op": "sign", "skeys": [k["skey"] for k in keys[:2]], "text": t} for t in texts])
    for text, want in zip(texts, go, strict=True):
        if want["err"]:
            with pytest.raises(GoError) as e:
                note.sign(Note(text), *signers[:2])
            assert str(e.value) == want["err"]
        else:
            assert note.sign(Note(text), *signers[:2]) == unb64(want["msg"])
    doc = gosumdb.one("sign", skeys=[DOC_SKEY], text=DOC_TEXT)
    assert note.sign(Note(DOC_TEXT), note.new_signer(DOC_SKEY)) == unb64(doc["msg"])
    # Re-signing an opened note keeps the other signatures and replaces one by the same key.
    opened = note.open_note(unb64(doc["msg"]), note.verifier_list(note.new_verifier(DOC_VKEY)))
    want = gosumdb.one("sign", skeys=[keys[2]["skey"], DOC_SKEY], msg=doc["msg"], vkeys=[DOC_VKEY])
    assert note.sign(opened, signers[2], note.new_signer(DOC_SKEY)) == unb64(want["msg"])


def messages(keys: list[dict]) -> list[bytes]:
    s0, s1, s2 = (note.new_signer(k["skey"]) for k in keys)
    text = "go.sum database tree\n7\n" + "A" * 43 + "=\n"
    good = note.sign(Note(text), s0)
    both = note.sign(Note(text), s0, s1)
    line = good[good.rindex(b"\n\n") + 2 :]
    sig = line.split(b" ")[-1].strip()
    raw = base64.b64decode(sig)
    return [
        good,
        both,
        note.sign(Note(text), s1, s0),
        note.sign(Note(text), s2),  # only unknown keys
        good + line,  # a repeated signature
        note.sign(Note(text), s1) + note.sign(Note(text), s1)[len(text) + 1 :],  # repeated unknown
        good.replace(b"\n7\n", b"\n8\n"),  # the text altered
        good.replace(sig, b64(raw[:4] + bytes([raw[4] ^ 1]) + raw[5:]).encode()),  # signature altered
        good.replace(sig, b64(raw[:-1]).encode()),  # signature truncated
        good.replace(sig, b64(raw[:4] + b"x").encode()),  # 1-byte signature
        good.replace(sig, b64(raw[:4]).encode()),  # no signature
        good.replace(sig, sig[:-1]),  # bad base64
        good.replace(sig, b""),
        good.replace("— ".encode(), b"- "),
        good.replace(b"\n\n", b"\n"),
        good[:-1],
        good.replace(b"\n7\n", b"\n7\r\n"),
        good.replace(b"\n7\n", b"\n7\xff\n"),
        good.replace(b"\n7\n", b"\n7\t\n"),
        b"text\n\n",
        b"\n\n" + line,
        text.encode() + b"\n" + line * 101,
        text.encode() + b"\n" + line * 100,
        good.replace(b" " + sig, b"  " + sig),
        good + b"\n",
    ]


def test_open_like_xmod(gosumdb: GoSumdb, keys: list[dict]) -> None:
    vkeys = [keys[0]["vkey"], keys[1]["vkey"]]
    known = note.verifier_list(*(note.new_verifier(k) for k in vkeys))
    msgs = messages(keys)
    go = gosumdb.run([{"op": "open", "vkeys": vkeys, "msg": b64(m)} for m in msgs])
    errors = set()
    for msg, want in zip(msgs, go, strict=True):
        if "err" in want:
            with pytest.raises(GoError) as e:
                note.open_note(msg, known)
            assert str(e.value) == want["err"], msg
            errors.add(want["err"])
            if isinstance(e.value, note.UnverifiedNoteError):
                assert e.value.note.text == want["unverified_text"]
                assert [[s.name, s.key_hash, s.base64] for s in e.value.note.unverified_sigs] == want[
                    "unverified"
                ]
        else:
            n = note.open_note(msg, known)
            assert n.text == want["text"]
            assert [[s.name, s.key_hash, s.base64] for s in n.sigs] == want["sigs"]
            assert [[s.name, s.key_hash, s.base64] for s in n.unverified_sigs] == want["unverified"]
    # The battery reaches each of Go's verdicts.
    name, h = keys[0]["vkey"].split("+")[:2]
    assert {
        "malformed note",
        "note has no verifiable signatures",
        f"invalid signature for key {name}+{h}",
    } <= errors


def test_ambiguous_and_unknown() -> None:
    v = note.new_verifier(DOC_VKEY)
    msg = note.sign(Note(DOC_TEXT), note.new_signer(DOC_SKEY))
    with pytest.raises(note.AmbiguousVerifierError, match=r"^ambiguous key PeterNeumann\+c74f20a3$"):
        note.open_note(msg, note.verifier_list(v, v))
    with pytest.raises(note.UnverifiedNoteError):
        note.open_note(msg, None)
    with pytest.raises(note.UnknownVerifierError, match=r"^unknown key PeterNeumann\+c74f20a3$"):
        note.verifier_list().verifier("PeterNeumann", 0xC74F20A3)
