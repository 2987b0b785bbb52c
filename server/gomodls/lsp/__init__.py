"""The language server: a thin pygls layer over the packages below it, and the only package
that imports pygls and lsprotocol."""
