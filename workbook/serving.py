"""What standalone Voila needs from us to serve the app well (named in voila.json, loaded by Voila only).

A closed tab should take its kernel with it: Voila's page sends a `beforeunload` beacon to
`/voila/api/shutdown/<kernel>` carrying the `_xsrf` cookie's value. But Voila streams the page while
its notebook runs, so the cookie tornado would set when a template asks for the token is never sent
(the headers have already gone), the beacon is refused with 403, and every closed tab leaves a kernel
holding the person's words in memory until culling (voila-dashboards/voila#1458). Turning the XSRF
check off would let any web page post to the server; instead the cookie is set up front, while the
page's request is being authenticated and nothing has been written yet.
"""

from __future__ import annotations

import inspect
from typing import Any

from jupyter_server.auth.identity import PasswordIdentityProvider

__all__ = ["PageCookieIdentityProvider"]


class PageCookieIdentityProvider(PasswordIdentityProvider):
    """Voila's default identity provider, which also sets the `_xsrf` cookie on the app's page."""

    async def get_user(self, handler: Any) -> Any:
        user = super().get_user(handler)
        if inspect.isawaitable(user):
            user = await user
        if user is not None and handler.request.method == "GET" and _is_app_page(handler):
            handler.current_user = user  # what the server sets next; the token is made per user
            _ = handler.xsrf_token  # tornado sets the cookie the first time the token is asked for
        return user


def _is_app_page(handler: Any) -> bool:
    from voila.handler import VoilaHandler

    return isinstance(handler, VoilaHandler)
