"""End-to-end tests: the real server over stdio, driven by pytest-lsp with the capability
profiles of the clients gomodls supports."""

from __future__ import annotations

import os
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

CLIENTS = ["visual-studio-code", "neovim@v0.7.0", "neovim", "emacs"]
SERVER = [sys.executable, "-m", "gomodls", "serve", "--stdio"]


def server_env(tmp_home: str) -> dict[str, str]:
    """A private Go environment: no user go env file, no proxy, nothing from the developer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        HOME=tmp_home,
        XDG_CONFIG_HOME=os.path.join(tmp_home, ".config"),
        GOPROXY="off",
        GOFLAGS="",
        GOTOOLCHAIN="local",
    )
    return env


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=CLIENTS)
async def client(
    lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
):
    root = tmp_path_factory.mktemp("ws")
    registrations: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    lsp_client.registrations = registrations  # type: ignore[attr-defined]
    params = types.InitializeParams(capabilities=client_capabilities(request.param), root_uri=root.as_uri())
    await lsp_client.initialize_session(params)
    lsp_client.root = root  # type: ignore[attr-defined]
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()
