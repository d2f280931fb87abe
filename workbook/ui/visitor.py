"""Pre-heated kernels: build the page before anyone asks for it, read the workbook when they do.

With `preheat_kernel` (voila.json) Voila starts a kernel and runs the notebook ahead, so the next
person who opens the page gets it without waiting for Python, the imports and the widgets. What that
kernel read from the workbook is as old as the kernel, though: answers changed in another tab since
would show stale, and a stale text box typed into would save its old words over the new ones. So a
pre-heated kernel waits here for the request (Voila sends its details on `/voila/query/<kernel>`, as
`voila.utils.wait_for_request` reads them) and then the session reads everything again.

Anywhere else (JupyterLab, nbval, a kernel Voila started for a request, the Binder route) there is
nothing to wait for. This module speaks to Voila directly rather than importing `voila.utils`, which
pulls in the whole Jupyter server: seconds of CPU in the kernel that is filling the pool while the
page before it is being drawn.
"""

from __future__ import annotations

import json
import logging
import os

__all__ = ["pending", "wait"]

log = logging.getLogger(__name__)

PREHEAT = "VOILA_PREHEAT"  # "True" in a kernel Voila started ahead of any request
CONNECT_TIMEOUT_S = 5.0


def pending() -> bool:
    """Whether this kernel runs ahead of a visitor who has not arrived yet."""
    return os.environ.get(PREHEAT) == "True"


def wait() -> bool:
    """Block until the visitor's request reaches Voila. Returns False if Voila could not be asked
    (it then reads now: the same as Voila's own helper, and logged so the setup can be fixed)."""
    if not pending():
        return True
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    env = os.environ
    told = False
    try:
        with connect(_query_url(env), open_timeout=CONNECT_TIMEOUT_S) as socket:
            env.update({key: str(value) for key, value in json.loads(socket.recv()).items()})
            told = True
    except (OSError, TimeoutError, WebSocketException, ValueError, AttributeError, KeyError) as error:
        log.warning("could not hear from Voila when the visitor came (%s): reading the workbook now", error)
    env[PREHEAT] = "False"  # Voila sends the request once; from now on this kernel is like any other
    return told


def _query_url(env: os._Environ[str] | dict[str, str]) -> str:
    """Voila's request-info socket for this kernel, built as `voila.utils.wait_for_request` does."""
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{env['VOILA_KERNEL_ID']}"
