"""Checking go.sum hashes against the checksum database, as the go command does when it
downloads a module (modfetch/fetch.go: checkModSum's useSumDB branch, checkSumDB).

For a module version the caller has hashes for (the module zip's "h1:" and the go.mod's
"/go.mod h1:"), :meth:`SumDBChecker.check_sum` answers VERIFIED (the database lists that hash)
or EXEMPT (GOSUMDB=off, or the path matches GONOSUMDB/GOPRIVATE: not one request is sent), or
raises a :class:`VerifyError` whose str() is the go command's message (without its "go: "
prefix):

* :class:`ChecksumMismatch`: the database lists another hash — "M@V: verifying module: checksum
  mismatch\\n\\tdownloaded: h1:...\\n\\t<db>: h1:...\\n\\nSECURITY ERROR\\n...";
* :class:`ChecksumMissing`: the database answered for the module, without this line;
* :class:`DatabaseMisbehavior`: the database contradicts the tree head it signed before (a
  fork: the x/mod client's "SECURITY ERROR\\ngo.sum database server misbehavior detected!..."
  text, exactly; after one, every later check fails with it, as the go command stops there), or
  served a record or tile its signed tree does not prove ("M@V: verifying module: M@V: checking
  tree#2 against tree#3: downloaded inconsistent tile");
* :class:`DatabaseUnavailable`: no answer could be had ("M@V: verifying module: M@V: reading
  <url>: 503 Service Unavailable"): a transient failure, not a finding about the module;
* :class:`DatabaseConfigError`: GOSUMDB cannot be used ("M@V: verifying go.mod: invalid
  GOSUMDB: too many fields").

`security` tells the first three from the rest.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable

from gomodls.module.errors import GoError, ModuleError
from gomodls.resolve.sumdbops import SumDBOps
from gomodls.resolve.transport import Transport
from gomodls.sumdb.client import Client, SecurityError
from gomodls.sumdb.config import BadGOSUMDB, Database, SumDBSettings

__all__ = [
    "SUMDB_ABSENT",
    "SUMDB_MISMATCH",
    "ChecksumMismatch",
    "ChecksumMissing",
    "DatabaseConfigError",
    "DatabaseMisbehavior",
    "DatabaseUnavailable",
    "Outcome",
    "SumDBChecker",
    "VerifyError",
]

# modfetch/fetch.go, word for word.
SUMDB_MISMATCH = """

SECURITY ERROR
This download does NOT match the one reported by the checksum server.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'.
"""

SUMDB_ABSENT = """

SECURITY ERROR
This download does NOT match one reported by the checksum server.
The checksum server has provided checksums, but the checksums do
not contain an entry for the download.
The checksum server may be malfunctioning, or an attacker may have
intercepted the checksum request.
The download cannot be verified.

For more information, see 'go help module-auth'.
"""


class Outcome(enum.Enum):
    VERIFIED = "verified"  # the database lists exactly this hash
    EXEMPT = "exempt"  # GOSUMDB=off or GONOSUMDB/GOPRIVATE: the go command does not ask either


class VerifyError(GoError):
    """A hash the go command would refuse. str() is its message."""

    security = False  # the go command says SECURITY ERROR
    transient = False  # asking again later may succeed

    def __init__(self, message: str, path: str = "", version: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.version = version

    def __str__(self) -> str:
        return self.message


class ChecksumMismatch(VerifyError):
    security = True

    def __init__(self, message: str, path: str, version: str, have: str, want: str) -> None:
        super().__init__(message, path, version)
        self.have = have  # the caller's hash
        self.want = want  # the database's


class ChecksumMissing(VerifyError):
    security = True


class DatabaseMisbehavior(VerifyError):
    security = True


class DatabaseUnavailable(VerifyError):
    transient = True


class DatabaseConfigError(VerifyError):
    def __init__(self, message: str, path: str, version: str, reason: str) -> None:
        super().__init__(message, path, version)
        self.reason = reason  # GOSUMDB's problem alone ("invalid GOSUMDB: too many fields")


class SumDBChecker:
    """One database client per Go environment, as the go command has one per process: the
    tree head it trusts is shared with every go command on the same GOPATH."""

    def __init__(
        self,
        settings: SumDBSettings,
        transport: Transport,
        *,
        client: Callable[[SumDBOps], Client] = Client,
    ) -> None:
        self.settings = settings
        self.transport = transport
        self._make_client = client
        self._client: Client | None = None
        self._db: Database | None = None
        self._dial_error: BadGOSUMDB | None = None
        self._misbehavior: str | None = None
        self.ops: SumDBOps | None = None

    def exempt(self, path: str) -> bool:
        """useSumDB's negation: GOSUMDB=off, or path matches GONOSUMDB (default GOPRIVATE)."""
        return not self.settings.use(path)

    def _dial(self) -> tuple[Database, Client]:
        if self._client is None and self._dial_error is None:
            try:
                self._db = self.settings.dial()
            except BadGOSUMDB as e:
                self._dial_error = e
            else:
                self.ops = SumDBOps(self._db, self.settings, self.transport)
                # (The go command never calls SetGONOSUMDB: useSumDB decides, and it checks
                # golang.org/toolchain even when GONOSUMDB matches.)
                self._client = self._make_client(self.ops)
        if self._dial_error is not None:
            raise self._dial_error
        assert self._db is not None and self._client is not None
        return self._db, self._client

    async def check_sum(self, path: str, version: str, h: str) -> Outcome:
        """checkSumDB for one hash: `version` ends in "/go.mod" for a go.mod's hash."""
        if self.exempt(path):
            return Outcome.EXEMPT
        base_version, go_mod = version, False
        if version.endswith("/go.mod"):
            base_version, go_mod = version.removesuffix("/go.mod"), True
        noun = "go.mod" if go_mod else "module"

        def message(text: str) -> str:
            return str(ModuleError(path, base_version, f"verifying {noun}: {text}"))

        if self._misbehavior is not None:
            raise DatabaseMisbehavior(self._misbehavior, path, base_version)
        try:
            db, client = self._dial()
        except BadGOSUMDB as e:
            raise DatabaseConfigError(message(str(e)), path, base_version, str(e)) from None
        try:
            lines = await client.lookup(path, version)
        except SecurityError as e:
            assert self.ops is not None
            if self.ops.security_errors:
                # A fork: the go command prints x/mod's report as it is, and stops.
                self._misbehavior = self.ops.security_errors[-1]
                raise DatabaseMisbehavior(self._misbehavior, path, base_version) from None
            # A record or tile its tree does not prove: an ordinary error for the go command.
            raise DatabaseMisbehavior(message(str(e)), path, base_version) from None
        except asyncio.CancelledError:
            raise
        except Exception as e:  # the lookup's own error, in Go's words
            raise DatabaseUnavailable(message(str(e)), path, base_version) from None
        have = f"{path} {version} {h}"
        prefix = f"{path} {version} h1:"
        for line in lines:
            if line == have:
                return Outcome.VERIFIED
            if line.startswith(prefix):
                want = line[len(prefix) - len("h1:") :]
                text = f"checksum mismatch\n\tdownloaded: {h}\n\t{db.name}: {want}{SUMDB_MISMATCH}"
                raise ChecksumMismatch(message(text), path, base_version, h, want)
        raise ChecksumMissing(
            message(f"checksum missing from sumdb response{SUMDB_ABSENT}"), path, base_version
        )

    async def check_module(
        self, path: str, version: str, zip_hash: str | None = None, go_mod_hash: str | None = None
    ) -> Outcome:
        """Both hashes of a module version, the go.mod's first (the go command checks it first:
        it reads go.mod files before it downloads zips)."""
        outcome = Outcome.EXEMPT if self.exempt(path) else Outcome.VERIFIED
        if outcome is Outcome.EXEMPT:
            return outcome
        if go_mod_hash is not None:
            await self.check_sum(path, version + "/go.mod", go_mod_hash)
        if zip_hash is not None:
            await self.check_sum(path, version, zip_hash)
        return outcome

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
