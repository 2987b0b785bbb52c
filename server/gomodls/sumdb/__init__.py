"""The checksum database client (golang.org/x/mod/sumdb), pure: no LSP, no network, no disk.

- note: signed notes and their Ed25519 verifier keys (x/mod sumdb/note).
- tlog: the transparency log's hashes, proofs, tiles and tree notes (x/mod sumdb/tlog).
- client: the lookup algorithm of x/mod's sumdb.Client over an async ClientOps the caller
  implements (network, go's config and cache files).
- encoding: Go's base64 rules for keys, signatures and hashes.
- config: GOSUMDB and GONOSUMDB as the go command reads them (modfetch's dbDial, useSumDB).

The ClientOps against the network and go's files, and go's checkSumDB, are in gomodls.resolve
(sumdbops, sumdbcheck).

str() of every error raised here is the Go error's text.
"""
