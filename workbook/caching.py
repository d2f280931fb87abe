"""What the app's server tells the browser about compressing and keeping its responses.

Both routes use it: standalone Voila (`make app`, or `voila` by hand, through the identity provider
voila.json names) and jupyter server with Voila's extension (Binder, which loads this module as a
server extension from binder/jupyter_server_config.py).

- **Compressed.** Responses are gzip-compressed when the browser says it accepts that: tornado's own
  `GZipContentEncoding`, which takes every `text/*` type, JavaScript (`text/javascript` as the
  static handlers serve it, and `application/javascript`), JSON and SVG, and leaves fonts and images
  that are compressed already alone. Voila's page, JavaScript and CSS are about 5 MB as they lie on
  disk and about 1.4 MB compressed. tornado's `compress_response` setting cannot switch it on in
  standalone Voila: the setting is read only while the web application is built, and Voila applies
  `Voila.tornado_settings` to the application *after* building it (that is why `/voila/static/*.js`
  stayed uncompressed with the setting in voila.json). So `install()` adds the transform to the
  application itself, the same way on both routes. Compressing Voila's 5 MB of static files took
  the server about 0.2 s of CPU on each first visit, so each file's compressed form is kept in
  memory (`StaticGZip`, at most `GZIP_STORE_BYTES`), keyed by its address and validator, and sent
  as it is the next time.
- **Static files that cannot change kept for a year.** A file whose address names its content, by a
  `?v=<hash>` tornado or the template computed from the file or a content hash in its name
  (`remoteEntry.c8c9eed2cdefdeac.js`), gets `public, max-age=31536000, immutable`: a new version
  has a new address, so the browser never needs to ask again. Voila's labextensions route sends
  `no-cache` even for those, which cost a round trip per file on every visit.
- **Voila's code chunks under an address with a version.** Voila's frontend loads its code in
  about 80 chunks named by number only (`/voila/static/7155.voila.js`), which an upgraded Voila
  reuses for different code. Without a header the browser keeps them on a guess (a tenth of the
  file's age), so after an upgrade a returning browser could run new code with old chunks; asking
  each time instead (`no-cache`) made a warm visit 0.3 to 0.5 s slower here, 80 round trips
  before the page can start. So `install()` also serves the same files under
  `/voila/static/v-<digest of every file there>/`, immutable, and the workbook template points the
  frontend there (`fullStaticUrl`, through the `workbook_versioned_static` filter, which changes
  the address only in a server that serves it, so a server without this module still works).
- **Other static files checked each time.** Anything else under Voila's static routes without a
  version in its address gets `no-cache`: kept, but revalidated (a 304 of a few hundred bytes).
- **Nothing holding a person's words is ever stored.** Every HTML page (the app's page is built with
  the person's answers in its kernel, and on a shared computer the browser's disk cache is readable
  by whoever uses it next) and every API response (`.../api/...`: kernels, contents, sessions) gets
  `no-store`, so they are neither kept on disk nor shown again from the back/forward history.

Besides compressing, only `Cache-Control` is set (and the HTTP/1.0 `Expires` and `Pragma` it replaces
dropped), and only on these routes: the Content-Security-Policy and the other security headers are
the handlers' own and pass through unchanged. JupyterLab's own static files on
the Binder route keep jupyter server's caching; they are compressed too.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.utils import url_path_join
from tornado.httputil import HTTPHeaders, HTTPServerRequest
from tornado.routing import PathMatches, Router, Rule

__all__ = [
    "IMMUTABLE",
    "NEVER_STORE",
    "REVALIDATE",
    "CacheControl",
    "StaticGZip",
    "cache_control_for",
    "install",
    "static_digest",
    "versioned_static_url",
]

IMMUTABLE = "public, max-age=31536000, immutable"  # a year: the longest the HTTP spec recommends
REVALIDATE = "no-cache"  # keep, but ask the server (If-None-Match / If-Modified-Since) before using
NEVER_STORE = "no-store"

# Voila's static routes, under the server's base URL (the same on both routes).
STATIC_ROUTES = ("voila/static/", "voila/templates/", "voila/labextensions/")
# A content hash in a file name, as webpack and rspack write them: `84.09c61a35dce1705f.js`,
# `remoteEntry.c8c9eed2cdefdeac.js`, `9834b82ad26e2a37583d.woff2`.
_HASHED_NAME = re.compile(r"(^|[./-])[0-9a-f]{16,}\.[A-Za-z0-9]+$")
_API = re.compile(r"(^|/)api(/|$)")
_VERSION_SEGMENT = re.compile(r"^voila/static/v-[0-9a-f]{16,}/")  # the address install() adds
VERSION_LENGTH = 20  # hex digits of the digest: enough that two versions never share one
_log = logging.getLogger(__name__)
# Voila's static URL (`page_config.fullStaticUrl`) -> the versioned one, for each application of this
# process that serves it (filled by install(), read by the template's filter).
_VERSIONED_STATIC: dict[str, str] = {}
_SETTING = "workbook_versioned_static"  # in the application's settings once install() added the route
# Statuses whose response is the file itself (or a confirmation that the cached copy still is).
_FILE_STATUSES = frozenset({200, 203, 206, 304})
_CACHE_HEADERS_OF_OLD = ("Expires", "Pragma")  # HTTP/1.0 companions a `Cache-Control` replaces


def cache_control_for(
    path: str, query: Mapping[str, Sequence[bytes]], content_type: str, status: int, base_url: str = "/"
) -> str | None:
    """The `Cache-Control` a response should carry, or None to leave the handler's own.

    `path` is the request's path, `query` its arguments as tornado parses them, `content_type` the
    response's `Content-Type`.
    """
    if status == 101:  # a websocket's handshake: not a response anything caches
        return None
    relative = _relative(path, base_url)
    if relative is not None and relative.startswith(STATIC_ROUTES) and status in _FILE_STATUSES:
        name = relative.rsplit("/", 1)[-1]
        versioned = "v" in query or _HASHED_NAME.search(name) or _VERSION_SEGMENT.match(relative)
        return IMMUTABLE if versioned else REVALIDATE
    if content_type.split(";")[0].strip().lower() == "text/html":
        return NEVER_STORE
    if relative is not None and _API.search(relative):
        return NEVER_STORE
    return None


class CacheControl(tornado.web.OutputTransform):
    """Sets `Cache-Control` on each response as `cache_control_for` decides, before it is sent."""

    def __init__(self, request: HTTPServerRequest, base_url: str = "/") -> None:
        super().__init__(request)
        self.path = request.path
        self.query = request.query_arguments
        self.base_url = base_url

    def transform_first_chunk(
        self, status_code: int, headers: HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, HTTPHeaders, bytes]:
        policy = cache_control_for(
            self.path, self.query, headers.get("Content-Type", ""), status_code, self.base_url
        )
        if policy is not None:
            headers["Cache-Control"] = policy
            if policy != IMMUTABLE:  # Voila's page sends `Expires: 0` and `Pragma: no-cache`
                for old in _CACHE_HEADERS_OF_OLD:
                    headers.pop(old, None)
        return status_code, headers, chunk


WEBSOCKET_COMPRESSION: dict[str, int] = {}  # tornado's defaults: zlib level 6, its own window
GZIP_STORE_BYTES = 32 * 1024 * 1024  # compressed static files kept in memory; Voila's are about 3 MB


class StaticGZip(tornado.web.GZipContentEncoding):
    """tornado's gzip, which also keeps the compressed form of each file under Voila's static
    routes and sends that again instead of compressing the same file for every new browser.

    A file is known by its address and by the validator its handler sends (`Etag`, a hash of the
    content, or `Last-Modified`) and its length, so a file changed on disk is compressed afresh.
    Only whole answers to GET (status 200) are kept; anything else is compressed as tornado does.
    """

    _store: OrderedDict[tuple[str, ...], bytes] = OrderedDict()  # least recently used first
    _stored_bytes = 0

    def __init__(self, request: HTTPServerRequest, base_url: str = "/") -> None:
        super().__init__(request)
        relative = _relative(request.path, base_url) or ""
        static = request.method == "GET" and relative.startswith(STATIC_ROUTES)
        self._address = request.uri if static else None
        self._key: tuple[str, ...] | None = None
        self._parts: list[bytes] = []
        self._replaying = False

    def transform_first_chunk(
        self, status_code: int, headers: HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, HTTPHeaders, bytes]:
        validator = headers.get("Etag") or headers.get("Last-Modified")
        if self._gzipping and self._address and status_code == 200 and validator:
            key = (self._address, validator, headers.get("Content-Length", ""))
            kept = self._store.get(key)
            if kept is not None and "Content-Encoding" not in headers:
                self._store.move_to_end(key)
                self._replaying = True
                headers["Vary"] = (
                    f"{headers['Vary']}, Accept-Encoding" if "Vary" in headers else "Accept-Encoding"
                )
                headers["Content-Encoding"] = "gzip"
                headers["Content-Length"] = str(len(kept))  # every later chunk is sent as nothing
                return status_code, headers, kept
            self._key = key
        # tornado's compresses the first chunk through transform_chunk(), below, which keeps it.
        return super().transform_first_chunk(status_code, headers, chunk, finishing)

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        if self._replaying:
            return b""
        chunk = super().transform_chunk(chunk, finishing)
        self._keep(chunk, finishing)
        return chunk

    def _keep(self, chunk: bytes, finishing: bool) -> None:
        if self._key is None or not self._gzipping:
            return
        self._parts.append(chunk)
        if finishing:
            body = b"".join(self._parts)
            store = type(self)
            if self._key not in store._store and len(body) <= GZIP_STORE_BYTES:
                store._store[self._key] = body
                store._stored_bytes += len(body)
                while store._stored_bytes > GZIP_STORE_BYTES:
                    _, dropped = store._store.popitem(last=False)
                    store._stored_bytes -= len(dropped)
            self._key = None


def _relative(path: str, base_url: str) -> str | None:
    """`path` below the server's base URL (`voila/static/...`), or None if it is not below it."""
    base = url_path_join(base_url, "/")
    return path[len(base) :] if path.startswith(base) else None


def install(app: tornado.web.Application) -> None:
    """Compress and set the cache policy on every response of `app`, and serve Voila's static files
    under a versioned address too; installing twice is harmless."""
    base_url = str(app.settings.get("base_url") or "/")
    transforms: list[Any] = app.transforms
    if tornado.web.GZipContentEncoding in transforms:  # `compress_response` was set after all
        transforms.remove(tornado.web.GZipContentEncoding)
    for transform in (StaticGZip, CacheControl):
        if not any(getattr(t, "func", None) is transform for t in transforms):
            # tornado calls each entry with the request, once per response
            made: Callable[[HTTPServerRequest], Any] = partial(transform, base_url=base_url)
            transforms.append(made)
    # The kernel's WebSocket too (permessage-deflate, when the browser offers it): the widgets'
    # state is JSON that shrinks several times, and on a slow phone network it is the page's own
    # bytes. jupyter server's kernel socket reads this setting at each connection.
    if app.settings.get("websocket_compression_options") is None:  # jupyter server puts None there
        app.settings["websocket_compression_options"] = WEBSOCKET_COMPRESSION
    _serve_versioned_static(app, base_url)


def versioned_static_url(url: str) -> str:
    """Jinja filter for the workbook template: Voila's static address (`fullStaticUrl`) with its
    version, if this process serves that address (`install()`); otherwise `url` as it is."""
    return _VERSIONED_STATIC.get(url.rstrip("/"), url)


def static_digest(folders: Iterable[str]) -> str:
    """A digest of every file Voila's static route can serve (names and contents), which changes
    whenever any of them does: the version in the address."""
    digest = hashlib.sha256()
    for folder in folders:
        root = Path(folder)
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(os.fsencode(path.relative_to(root)) + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:VERSION_LENGTH]


def _serve_versioned_static(app: tornado.web.Application, base_url: str) -> None:
    """Add `<base>voila/static/v-<digest>/(.*)`, the same handler and folders as Voila's own
    `<base>voila/static/(.*)`, just ahead of it (so behind any check put in front of every route)."""
    static_url = url_path_join(base_url, "voila/static")
    if app.settings.get(_SETTING):  # installed on this application already
        return
    found = _find_rule(app.default_router, url_path_join(base_url, "/voila/static/(.*)") + "$")
    if found is None:  # Voila's extension is not loaded here, or was loaded after this module
        _log.warning("no Voila static route under %s: its chunks stay unversioned (no-cache)", base_url)
        return
    router, index, rule = found
    paths = rule.target_kwargs.get("paths") or ()
    versioned = f"{static_url}/v-{static_digest(paths)}"
    matcher = PathMatches(re.escape(versioned) + "/(.*)$")
    router.rules.insert(index, Rule(matcher, rule.target, rule.target_kwargs))
    app.settings[_SETTING] = versioned
    _VERSIONED_STATIC[static_url] = versioned


def _find_rule(router: Router, pattern: str) -> tuple[Any, int, Rule] | None:
    for index, rule in enumerate(getattr(router, "rules", ())):
        matcher = rule.matcher
        if isinstance(matcher, PathMatches) and matcher.regex.pattern == pattern:
            return router, index, rule
        inner = _find_rule(rule.target, pattern) if hasattr(rule.target, "rules") else None
        if inner is not None:
            return inner
    return None


# As a jupyter server extension (binder/jupyter_server_config.py enables it).
def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "workbook.caching"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    install(server_app.web_app)
    server_app.log.info("workbook.caching: responses compressed, cache policy set")
