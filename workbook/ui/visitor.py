"""Pre-heated kernels: build the page before anyone asks for it, read the workbook when they do.

With `preheat_kernel` (voila.json) Voila starts a kernel and runs the notebook ahead, so the next
person who opens the page gets it without waiting for Python, the imports and the widgets. What that
kernel read from the workbook is as old as the kernel, though: answers changed in another tab since
would show stale, and a stale text box typed into would save its old words over the new ones. So a
pre-heated kernel waits here for the request (Voila sends its details on `/voila/query/<kernel>`, as
`voila.utils.wait_for_request` reads them) and then the session reads everything again, the person
chosen last among it (in step 0, say, after this kernel was built), so the page opens on them.

Anywhere else (JupyterLab, nbval, a kernel Voila started for a request, the Binder route) there is
nothing to wait for. This module speaks to Voila directly rather than importing `voila.utils`, which
pulls in the whole Jupyter server: seconds of CPU in the kernel that is filling the pool while the
page before it is being drawn.
"""

from __future__ import annotations

import json
import logging
import os
import time

__all__ = ["pending", "wait"]

log = logging.getLogger(__name__)

PREHEAT = "VOILA_PREHEAT"  # "True" in a kernel Voila started ahead of any request
# The launcher's query socket opens only for the kernel itself (workbook/serving.py, same name).
KERNEL_KEY_HEADER = "X-Workbook-Kernel-Key"
CONNECT_TIMEOUT_S = 5.0
RETRY_FIRST_S = 0.2
RETRY_MOST_S = 5.0


def pending() -> bool:
    """Whether this kernel runs ahead of a visitor who has not arrived yet."""
    return os.environ.get(PREHEAT) == "True"


def wait() -> None:
    """Block until the visitor's request reaches Voila.

    If Voila cannot be reached (a busy machine, a server restarting, Voila listening on an address
    other than loopback), keep trying rather than read now: a page marked ready before its visitor
    came would show, and let them save over, answers older than the visit. A setup where Voila is
    never reachable leaves the page loading, which is noticed; docs/serving.md says to switch
    preheating off there."""
    if not pending():
        return
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    env = os.environ
    pause = RETRY_FIRST_S
    while True:
        try:
            headers = {KERNEL_KEY_HEADER: _kernel_key()}
            url = _query_url(env)
            with connect(url, open_timeout=CONNECT_TIMEOUT_S, additional_headers=headers) as socket:
                request = json.loads(socket.recv())
            break
        except (OSError, TimeoutError, WebSocketException, ValueError) as error:
            log.warning("no word from Voila about this kernel's visitor yet (%s); trying again", error)
            time.sleep(pause)
            pause = min(pause * 2, RETRY_MOST_S)
    if isinstance(request, dict):
        env.update({key: str(value) for key, value in request.items()})  # as Voila's own helper does
    env[PREHEAT] = "False"  # Voila sends the request once; from now on this kernel is like any other


def _kernel_key() -> str:
    """This kernel's message-signing key (hex), which only it and the server that started it hold."""
    try:
        from IPython import get_ipython
    except ImportError:
        return ""
    kernel = getattr(get_ipython(), "kernel", None)
    key = getattr(getattr(kernel, "session", None), "key", b"")
    return key.hex() if isinstance(key, bytes) else ""


def _query_url(env: os._Environ[str] | dict[str, str]) -> str:
    """Voila's request-info socket for this kernel, built as `voila.utils.wait_for_request` does."""
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
