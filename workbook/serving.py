"""What standalone Voila needs from us to serve the app well (named in voila.json, or used by the launcher).

A closed tab should take its kernel with it: Voila's page sends a `beforeunload` beacon to
`/voila/api/shutdown/<kernel>` carrying the `_xsrf` cookie's value. But Voila streams the page while
its notebook runs, so the cookie tornado would set when a template asks for the token is never sent
(the headers have already gone), the beacon is refused with 403, and every closed tab leaves a kernel
holding the person's words in memory until culling (voila-dashboards/voila#1458). Turning the XSRF
check off would let any web page post to the server; instead the cookie is set up front, while the
page's request is being authenticated and nothing has been written yet.

Only its owner gets in (`workbook/launch.py`, which `make app` runs, puts these together):

- A token in the address (`?token=`) is swapped for the login cookie at once: the page redirects to
  the same address without it, so the key is not left in the address bar, in the history, or in the
  request details Voila hands a pre-heated kernel over its unauthenticated `/voila/query` socket.
- A request whose Host is not this computer's own name is refused with 403 before any route sees it,
  static files and websockets included, as jupyter server's `check_host` refuses one (standalone
  Voila sets `allow_remote_access=True` and would answer it): a web page whose name an attacker
  points at 127.0.0.1 (DNS rebinding) gets nothing.
- Responses are compressed, and cached only where that is safe (`workbook/caching.py`): standalone
  Voila applies voila.json's `tornado_settings` only after building its web application, too late
  for `compress_response`, so the identity provider, the one class of ours voila.json has Voila
  build that hears of that application, installs it there once the server runs. That covers `voila`
  started by hand as well as the launcher.
- Voila's `/voila/query/<kernel>` socket, which hands a pre-heated kernel its visitor's request,
  asks for no login: another account on the machine could read a kernel's id from `ps`, connect
  first and leave the owner's page loading for ever. The launcher answers it only to a caller that
  shows the kernel's own message-signing key (`KERNEL_KEY_HEADER`, sent by `ui/visitor.py` from
  inside the kernel), which only the kernel and the server know.
"""

from __future__ import annotations

import hmac
import inspect
import ipaddress
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import tornado.web
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.utils import url_path_join
from tornado.httputil import HTTPServerRequest
from tornado.ioloop import IOLoop
from tornado.routing import Matcher, PathMatches, Rule
from traitlets import Bool
from voila.request_info_handler import RequestInfoSocketHandler

from . import caching

__all__ = [
    "KERNEL_KEY_HEADER",
    "ForeignHostRefused",
    "KernelOnlyRequestInfo",
    "PageCookieIdentityProvider",
    "guard_request_info",
    "is_local_host",
    "refuse_foreign_hosts",
]

# The header a pre-heated kernel proves itself with on the query socket (ui/visitor.py sends it).
KERNEL_KEY_HEADER = "X-Workbook-Kernel-Key"
_KERNEL_ID = r"(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)"  # as jupyter server and Voila write it

LOCAL_HOSTNAMES = frozenset({"localhost"})  # jupyter server's default `local_hostnames`
TOKEN_ARGUMENT = "token"


class PageCookieIdentityProvider(PasswordIdentityProvider):
    """Voila's default identity provider, which also sets the `_xsrf` cookie on the app's page,
    takes a token out of the page's address once it has been swapped for the login cookie, and
    installs compression and the cache policy on standalone Voila (`workbook/caching.py`)."""

    # Logging in with the token would otherwise offer to set a password, written to a
    # jupyter_server_config.json in the folder Voila runs in: a second key, kept on disk.
    allow_password_change = Bool(False, config=True, help="Never: the token is made afresh each start.")

    def get_handlers(self) -> list[tuple[str, object]]:
        # Standalone Voila asks for these right after building its web application (Voila.start ->
        # init_handlers), the first moment it exists, but before adding its routes to it: install
        # once the server runs, before it answers anything. Under jupyter server the parent has no
        # `app`: there the server extension in workbook/caching.py does it.
        app = getattr(self.parent, "app", None)
        if isinstance(app, tornado.web.Application):
            IOLoop.current().add_callback(caching.install, app)
        else:
            self.log.warning("no web application yet: responses are not compressed (workbook/caching.py)")
        return super().get_handlers()

    async def get_user(self, handler: Any) -> Any:
        user = super().get_user(handler)
        if inspect.isawaitable(user):
            user = await user
        if user is None or handler.request.method != "GET" or not _is_a_page(handler):
            return user
        if handler.get_query_argument(TOKEN_ARGUMENT, None) is not None:
            handler.redirect(_without_token(handler.request))  # the login cookie is set already
            return user
        if _is_app_page(handler):
            handler.current_user = user  # what the server sets next; the token is made per user
            _ = handler.xsrf_token  # tornado sets the cookie the first time the token is asked for
        return user


def _without_token(request: HTTPServerRequest) -> str:
    """The same address without `token=`, always a path on this server (never `//elsewhere`)."""
    query = parse_qsl(request.query, keep_blank_values=True)
    kept = urlencode([(key, value) for key, value in query if key != TOKEN_ARGUMENT])
    path = "/" + request.path.lstrip("/")
    return f"{path}?{kept}" if kept else path


def _is_a_page(handler: Any) -> bool:
    from voila.handler import BaseVoilaHandler

    return isinstance(handler, BaseVoilaHandler)


def _is_app_page(handler: Any) -> bool:
    from voila.handler import VoilaHandler

    return isinstance(handler, VoilaHandler)


def is_local_host(host: str, also: Iterable[str] = ()) -> bool:
    """Whether a request's Host header names this computer, decided as jupyter server's `check_host`
    decides it: any loopback address (`127.0.0.1`, `[::1]`), `localhost`, or a name in `also`."""
    match = re.match(r"^(.*?)(:\d+)?$", host.strip().lower())
    name = match.group(1) if match else ""
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name in LOCAL_HOSTNAMES or name in {other.lower() for other in also}:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class _ForeignHost(Matcher):
    """Matches every request whose Host is not this computer's own name."""

    def __init__(self, also: Iterable[str]) -> None:
        self.also = frozenset(also)

    def match(self, request: HTTPServerRequest) -> dict[str, Any] | None:
        return None if is_local_host(request.host, self.also) else {}


class ForeignHostRefused(tornado.web.ErrorHandler):
    """403 for a request addressed to some other name, whatever it asked for."""

    def initialize(self, log: logging.Logger) -> None:
        super().initialize(403)
        self.log = log

    def prepare(self) -> None:
        self.log.warning("Refused a request with Host %r: not a name of this computer", self.request.host)
        super().prepare()


def refuse_foreign_hosts(app: tornado.web.Application, also: Iterable[str], log: logging.Logger) -> None:
    """Put the Host check in front of every route of `app`, as the first rule tornado tries."""
    router = app.default_router
    rule = Rule(_ForeignHost(also), ForeignHostRefused, {"log": log})
    router.rules.insert(0, router.process_rule(rule))


class KernelOnlyRequestInfo(RequestInfoSocketHandler):
    """Voila's request-info socket, opened only for the kernel it is about."""

    def initialize(self, kernel_manager: Any) -> None:
        self.kernel_manager = kernel_manager

    async def get(self, *args: Any, **kwargs: Any) -> None:
        kernel_id = kwargs.get("kernel_id") or (args[0] if args else "")
        try:
            key = self.kernel_manager.get_kernel(kernel_id).session.key
        except KeyError:
            key = b""
        offered = self.request.headers.get(KERNEL_KEY_HEADER, "")
        if not key or not hmac.compare_digest(offered.encode(), key.hex().encode()):
            raise tornado.web.HTTPError(403)
        await super().get(*args, **kwargs)


def guard_request_info(app: tornado.web.Application, server_url: str, kernel_manager: Any) -> None:
    """Answer `/voila/query/<kernel>` with `KernelOnlyRequestInfo`, ahead of Voila's own route."""
    path = url_path_join(server_url, r"/voila/query/" + _KERNEL_ID)
    router = app.default_router
    rule = Rule(PathMatches(path), KernelOnlyRequestInfo, {"kernel_manager": kernel_manager})
    router.rules.insert(0, router.process_rule(rule))
