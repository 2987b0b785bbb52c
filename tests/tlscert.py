"""A throwaway certificate for TLS test servers on 127.0.0.1: self-signed (its own CA), valid
for IP 127.0.0.1 for two days, made by openssl. Clients trust it through SSL_CERT_FILE, as the
go command and gomodls both do."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path


def make_cert(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) in directory, made once."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "cert.pem", directory / "key.pem"
    if not cert.exists():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
    return cert, key


def server_context(directory: Path) -> ssl.SSLContext:
    cert, key = make_cert(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
