"""Which checksum database to ask, and for which modules: GOSUMDB and GONOSUMDB read as the go
command reads them (cmd/go/internal/modfetch: sumdb.go's dbDial and useSumDB, key.go).

GOSUMDB is "off", a database name with a well-known key ("sum.golang.org"), a verifier key
("<name>+<hash>+<key>"), either followed by the URL to reach the database at (which bypasses
the proxies). "sum.golang.google.cn" is sum.golang.org reached through its mirror in mainland
China. GONOSUMDB (default: GOPRIVATE) lists glob patterns of module path prefixes that are never
looked up. Errors carry the go command's words.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gomodls.module.errors import GoError
from gomodls.module.paths import match_prefix_patterns
from gomodls.sumdb.note import new_verifier

if TYPE_CHECKING:
    from gomodls.base.goenv import GoEnv

__all__ = [
    "KNOWN_GOSUMDB",
    "BadGOSUMDB",
    "Database",
    "SumDBSettings",
    "dial",
    "settings_from_env",
    "use_sumdb",
]

# modfetch/key.go: databases whose key the go command knows by name.
KNOWN_GOSUMDB = {
    "sum.golang.org": "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
}

TOOLCHAIN = "golang.org/toolchain"


class BadGOSUMDB(GoError):
    """GOSUMDB cannot be used (off, empty, malformed): str() is the go command's error."""


@dataclass(frozen=True, slots=True)
class Database:
    """A checksum database as dbDial sets it up."""

    name: str  # the verifier key's name: "sum.golang.org"
    key: str  # the verifier key
    direct: str  # https://<name>: where it is reached when no proxy serves it
    url: str | None  # the URL given in GOSUMDB: used as is, bypassing the proxies


def dial(gosumdb: str) -> Database:
    """modfetch.dbDial: the database GOSUMDB names; BadGOSUMDB with go's error otherwise."""
    if gosumdb == "sum.golang.google.cn":
        gosumdb = "sum.golang.org https://sum.golang.google.cn"
    if gosumdb == "off":
        raise BadGOSUMDB("checksum database disabled by GOSUMDB=off")
    key = gosumdb.split()  # strings.Fields (ASCII and Unicode spaces alike)
    if key and KNOWN_GOSUMDB.get(key[0]):
        key[0] = KNOWN_GOSUMDB[key[0]]
    if not key:
        raise BadGOSUMDB("missing GOSUMDB")
    if len(key) > 2:
        raise BadGOSUMDB("invalid GOSUMDB: too many fields")
    try:
        verifier = new_verifier(key[0])
    except GoError as e:
        raise BadGOSUMDB(f"invalid GOSUMDB: {e}") from None
    name = verifier.name
    problem = _name_problem(name)
    if problem is not None:
        raise BadGOSUMDB(f"invalid sumdb name (must be host[/path]): {name} {problem}")
    url = None
    if len(key) >= 2:
        # Go's url.Parse accepts nearly anything; what it rejects fails at the first request.
        url = key[1]
    return Database(name=name, key=key[0], direct="https://" + name, url=url)


def _name_problem(name: str) -> str | None:
    """None when "https://"+name is a plain host[/path] URL (dbDial's check); else the URL as
    Go's %+v prints it (the fields of url.URL in Go 1.27's order; *Userinfo prints
    through its String method, "" when nil)."""
    try:
        u = urllib.parse.urlsplit("https://" + name)
        _ = u.port  # a malformed port is an error for Go's url.Parse too
    except ValueError:
        return "{}"
    # url.Parse keeps RawPath when the path is not written the way Go would escape it.
    path = urllib.parse.unquote(u.path, errors="surrogateescape")
    raw_path = u.path if _escape_path(path) != u.path else ""
    user, at, host = u.netloc.rpartition("@")
    if not (
        name.endswith("/")
        or at
        or u.query
        or u.fragment
        or "?" in name
        or "#" in name
        or raw_path
        or not host
    ):
        return None
    return (
        f"{{Scheme:https Opaque: User:{user} Host:{host} Path:{path} "
        f"Fragment:{urllib.parse.unquote(u.fragment)} RawQuery:{u.query} RawPath:{raw_path} "
        f"RawFragment: ForceQuery:{'true' if name.endswith('?') else 'false'} OmitHost:false}}"
    )


# What url.URL's escape(s, encodePath) leaves as it is: unreserved characters and the
# sub-delimiters a path may hold (net/url's shouldEscape table).
_PATH_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~$&+,/:;=@")


def _escape_path(path: str) -> str:
    data = path.encode("utf-8", "surrogateescape")
    return "".join(chr(b) if b in _PATH_SAFE else f"%{b:02X}" for b in data)


def use_sumdb(path: str, gosumdb: str, gonosumdb: str, goproxy: str = "") -> bool:
    """modfetch.useSumDB: whether go consults the database for module `path`. Toolchain
    downloads are always checked (unless GOPROXY is a single file:// proxy: a distpack test)."""
    if path == TOOLCHAIN and not (goproxy.startswith("file://") and not any(c in goproxy for c in ",|")):
        return True
    return gosumdb != "off" and not match_prefix_patterns(gonosumdb, path)


@dataclass(frozen=True, slots=True)
class SumDBSettings:
    """The Go environment's say on checksum verification."""

    gosumdb: str
    gonosumdb: str
    goproxy: str
    sumdb_dir: str  # $GOPATH/pkg/sumdb (the first GOPATH entry): the trusted tree heads; "" if no GOPATH
    cache_dir: str  # $GOMODCACHE/cache/download/sumdb: looked-up records and tiles; "" if none

    def use(self, path: str) -> bool:
        return use_sumdb(path, self.gosumdb, self.gonosumdb, self.goproxy)

    def dial(self) -> Database:
        return dial(self.gosumdb)


def settings_from_env(env: GoEnv) -> SumDBSettings:
    """The settings from the Go environment (process environment, go env file, GOROOT/go.env,
    the editor's gomodls.env overrides)."""
    gopath = env.get("GOPATH").split(os.pathsep)[0]
    gomodcache = env.get("GOMODCACHE")
    return SumDBSettings(
        gosumdb=env.get("GOSUMDB"),
        gonosumdb=env.get("GONOSUMDB"),
        goproxy=env.get("GOPROXY"),
        sumdb_dir=os.path.join(gopath, "pkg", "sumdb") if gopath else "",
        cache_dir=os.path.join(gomodcache, "cache", "download", "sumdb") if gomodcache else "",
    )
