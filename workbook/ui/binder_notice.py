"""The notice at the top of the dashboard on Binder: a session there is for trying, and it ends.

mybinder.org asks its users never to put personal information in a session, and a session is
deleted when its tab closes or after some idle minutes. So, on Binder only, the dashboard says so
in the words of data/help.toml [binder], and keeps the download of everything written one click
away: the same export the data page makes (`data.export_download`), kept fresh as the person writes.

The notice cannot be dismissed: it is short, and what it says stays true for the whole session.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable

from . import widgets as w
from .data import export_download
from .session import Session

__all__ = ["REFRESH_DELAY_S", "BinderNotice", "binder_notice"]

# At most one rebuild of the download per this many seconds: fields save on every key, and the
# link holds the whole workbook, so rebuilding it per key would resend it per key.
REFRESH_DELAY_S = 1.0

Schedule = Callable[[float, Callable[[], None]], bool]


def _later(delay_s: float, callback: Callable[[], None]) -> bool:
    """Run `callback` on the kernel's event loop after `delay_s`; False when no loop runs (plain
    Python, the tests), where the caller runs it at once."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    loop.call_later(delay_s, callback)
    return True


class BinderNotice:
    """One HTML region: a heading, the content's short paragraphs, and the download link.

    Every word is fixed content, escaped; the link is built by `download_link`, which escapes its
    caption and carries the data as base64, so no stored word reaches the page as markup."""

    def __init__(self, session: Session, schedule: Schedule = _later):
        self.session = session
        self._schedule = schedule
        self._pending = False
        self.widget = w.HTML()
        self.widget.add_class("wb-binder-notice")
        self.widget.add_class("wb-card")
        self.refresh()
        session.observe(lambda _change: self._stale(), names="writes")

    def refresh(self) -> None:
        """Rebuild the notice with a download of the workbook as it is stored now."""
        self._pending = False
        words = self.session.content.binder_notice
        link = export_download(self.session, "wb-binder-download", caption=words.download)
        paragraphs = "".join(f"<p>{html.escape(text)}</p>" for text in words.paragraphs)
        self.widget.value = (
            '<section aria-labelledby="wb-binder-notice-title">'
            f'<h2 id="wb-binder-notice-title">{html.escape(words.title)}</h2>'
            f"{paragraphs}<p>{link}</p></section>"
        )

    def _stale(self) -> None:
        if self._pending:  # a rebuild is already on its way, and will read what was just saved
            return
        self._pending = True
        if not self._schedule(REFRESH_DELAY_S, self.refresh):
            self.refresh()


def binder_notice(session: Session) -> list[w.Widget]:
    """The notice, as a list for the dashboard to splice in: empty when not running on Binder."""
    return [BinderNotice(session).widget] if session.on_binder else []
