"""The Jupyter server sends a live explorer's new image at once, not after a delayed ACK."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
import tomllib
from jupyter_core.paths import jupyter_config_path
from jupyter_server.extension.config import ExtensionConfigManager
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

from actnet.widgets import server
from actnet.widgets.server import PromptKernelConnection

ROOT = Path(__file__).resolve().parents[1]
CONFIG = "jupyter-config/jupyter_server_config.d/actnet.json"


def test_the_kernel_connection_turns_nagle_off_before_jupyter_connects(monkeypatch):
    calls = []
    handler = KernelWebsocketHandler.__new__(KernelWebsocketHandler)  # no live socket
    handler.set_nodelay = lambda value: calls.append(("set_nodelay", value))
    monkeypatch.setattr(
        ZMQChannelsWebsocketConnection, "connect", lambda self: calls.append(("connect",))
    )
    PromptKernelConnection(websocket_handler=handler).connect()
    assert calls == [("set_nodelay", True), ("connect",)]


def _serverapp(connection_class):
    return SimpleNamespace(
        web_app=SimpleNamespace(settings={"kernel_websocket_connection_class": connection_class}),
        log=logging.getLogger("test"),
    )


def test_the_extension_gives_the_server_the_prompt_connection():
    app = _serverapp(ZMQChannelsWebsocketConnection)
    server._load_jupyter_server_extension(app)
    assert app.web_app.settings["kernel_websocket_connection_class"] is PromptKernelConnection


def test_the_extension_leaves_a_connection_the_server_was_configured_with_alone():
    class Gateway(ZMQChannelsWebsocketConnection):
        pass

    app = _serverapp(Gateway)
    server._load_jupyter_server_extension(app)
    assert app.web_app.settings["kernel_websocket_connection_class"] is Gateway


def test_pip_install_puts_the_file_that_enables_the_extension_in_the_environment():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"
    ]
    assert data_files == {"etc/jupyter/jupyter_server_config.d": [CONFIG]}
    enabled = json.loads((ROOT / CONFIG).read_text())["ServerApp"]["jpserver_extensions"]
    assert enabled == {"actnet.widgets.server": True}
    assert server._jupyter_server_extension_points() == [{"module": "actnet.widgets.server"}]


def test_the_environment_s_jupyter_server_loads_the_extension():
    """What ``pip install .`` leaves in the environment, and the test command's editable
    install too (tasks.py copies the data-files an editable install leaves out): the
    Jupyter server of this environment finds the extension enabled."""
    found = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
    if "actnet.widgets.server" not in found:
        pytest.fail(
            "no file in this environment's Jupyter config enables actnet.widgets.server: "
            "`pip install .` or `python3 tasks.py test` puts it there"
        )
    assert found["actnet.widgets.server"] is True
