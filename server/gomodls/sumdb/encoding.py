"""Go's encoding/base64 StdEncoding, as the checksum database uses it for keys, signatures and
hashes: padded, strict about the alphabet and the padding, and (like Go's decoder) ignoring
carriage returns and newlines."""

from __future__ import annotations

import base64
import binascii

__all__ = ["b64decode", "b64encode"]


def b64encode(data: bytes) -> str:
    """base64.StdEncoding.EncodeToString."""
    return base64.b64encode(data).decode("ascii")


def b64decode(s: str | bytes) -> bytes | None:
    """base64.StdEncoding.DecodeString; None where Go returns an error."""
    if isinstance(s, str):
        if not s.isascii():
            return None
        s = s.encode("ascii")
    if not s.isascii():
        return None
    s = s.replace(b"\r", b"").replace(b"\n", b"")
    if len(s) % 4:
        return None
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        return None
