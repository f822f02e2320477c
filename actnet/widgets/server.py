"""The Jupyter server's side of a live explorer: each message to the page sent at once.

A slider move in JupyterLab goes to the kernel over a websocket, and the kernel's answer
comes back as a burst of small messages (busy, the slider's echo, the new image, idle).
With Nagle's algorithm on, the server holds each small write until the browser has
acknowledged the one before, and the browser delays that acknowledgement by up to 40 ms:
every move of every explorer waited about 40 ms for nothing. The Jupyter server leaves
Nagle on for its kernel websockets (Tornado's default), so this server extension gives it
a kernel connection that turns Nagle off (TCP_NODELAY). ``pip install`` of actnet enables
the extension for the environment's Jupyter server with
``etc/jupyter/jupyter_server_config.d/actnet.json``; it leaves a connection class the
server was configured with alone.
"""

from __future__ import annotations

from jupyter_server.services.kernels.connection.channels import (
    ZMQChannelsWebsocketConnection,
)

__all__ = ["PromptKernelConnection"]

_SETTING = "kernel_websocket_connection_class"


class PromptKernelConnection(ZMQChannelsWebsocketConnection):
    """Jupyter's own kernel websocket connection, with TCP_NODELAY on its socket."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()


def _jupyter_server_extension_points():
    return [{"module": "actnet.widgets.server"}]


def _load_jupyter_server_extension(serverapp):
    settings = serverapp.web_app.settings
    if settings.get(_SETTING) is ZMQChannelsWebsocketConnection:
        settings[_SETTING] = PromptKernelConnection
        serverapp.log.info("actnet: kernel messages go to the page at once (TCP_NODELAY)")
