"""Help now: the not-therapy notice and where to find help, in the dashboard's footer and every
notebook's, and the "what to do instead" pages of the bands that stop contact.

Every number comes from data/help.toml with who runs it and where it is listed; nothing here is
typed by hand. The text is fixed content, escaped all the same.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..messages import HelpRoute
from . import widgets as w

__all__ = ["help_footer", "render_routes"]

NOT_THERAPY = (
    "This workbook is not therapy. If things feel too heavy, talk to someone you trust or your "
    "doctor. If you might hurt yourself, or you are in danger, get help now:"
)


def render_routes(routes: Iterable[HelpRoute]) -> str:
    """A list of help routes, each with its contact and, one tap away, where it is listed."""
    items = "".join(
        f"<li><b>{html.escape(r.name)}</b>: {html.escape(r.contact)} "
        f'<span class="wb-help">({html.escape(r.where)})</span>'
        f'<details class="wb-source"><summary>Who runs it</summary>{html.escape(r.source)}</details></li>'
        for r in routes
    )
    return f'<ul class="wb-routes">{items}</ul>'


def help_footer(routes: Iterable[HelpRoute]) -> w.HTML:
    """The footer: the not-therapy notice and the crisis lines."""
    crisis = [r for r in routes if "crisis" in r.kinds]
    footer = w.HTML(
        f'<footer class="wb-footer"><p>{html.escape(NOT_THERAPY)}</p>{render_routes(crisis)}</footer>'
    )
    footer.add_class("wb-help-footer")
    return footer
