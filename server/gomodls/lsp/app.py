"""Build the language server: the core plus every feature module."""

from __future__ import annotations

from gomodls.lsp import (
    actions,
    completion,
    formatting,
    hover,
    lenses,
    links,
    modulechecks,
    modulehover,
    semantic,
    structure,
    tidy,
    vendor,
    vulns,
    work,
)
from gomodls.lsp.server import GomodServer, register_core

FEATURES = (
    actions,
    vendor,
    completion,
    formatting,
    hover,
    lenses,
    links,
    modulechecks,
    modulehover,
    semantic,
    structure,
    tidy,
    vulns,
    work,
)


def create_server() -> GomodServer:
    server = GomodServer()
    register_core(server)
    for module in FEATURES:
        module.register(server)
    return server
