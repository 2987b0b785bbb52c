"""The Go vulnerability database: its OSV entries and index (osv, index), which versions they
affect and what to upgrade to (affects, match), and the client that reads GOVULNDB offline
first (client). No LSP here; the client's I/O goes through a transport and gomodls's disk
cache, both replaceable."""
