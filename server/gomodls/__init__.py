"""gomodls: a language server and command-line tool for go.mod, go.work and go.sum files."""

__version__ = "0.1.0"
