"""The readiness card: the band, the score, the earliest date, the next step and the reasons.

It redraws after every saved change (answers, events, situation), so it is always current. The next
step and the reasons contain the other person's name, which the user typed: everything that goes
into HTML here is escaped first.
"""

from __future__ import annotations

import html

from ..guidance import GuidanceRules, help_pages_for
from ..messages import HelpPage
from ..model import Assessment, long_date, quantity
from . import widgets as w
from .help import render_routes
from .session import Session
from .view import View

__all__ = ["WHY", "ReadinessCard", "render_card", "render_details", "render_page", "render_summary"]

WHY = "Why this suggestion"  # the compact card's disclosure


def render_card(
    assessment: Assessment | None,
    name: str | None,
    rules: GuidanceRules,
    compact: bool = False,
    pages: tuple[HelpPage, ...] = (),
) -> str:
    """The card's HTML. Pure: every piece of text is escaped. Compact leaves out reasons and flags.

    Under a band that stops contact the score comes last and small, never as "ready"; `pages` are
    the "what to do instead" pages (guidance.help_pages_for), shown after the next step."""
    if assessment is None:
        return render_summary(None, name, rules)
    band = f"wb-band-{assessment.band.value}"
    summary = _summary(assessment, name, rules)
    return (
        f'<div class="wb-card-body {band}">{summary}'
        f"{render_details(assessment, rules, compact=compact, pages=pages)}</div>"
    )


def render_summary(assessment: Assessment | None, name: str | None, rules: GuidanceRules) -> str:
    """The compact card's first lines: who it is for, the band, the next step (the rest is one
    tap away, in `render_details`)."""
    if assessment is None:
        return (
            '<div class="wb-card-body"><p class="wb-next-step">'
            "Add a person to see what the workbook suggests.</p></div>"
        )
    return f'<div class="wb-card-body">{_summary(assessment, name, rules)}</div>'


def _summary(assessment: Assessment, name: str | None, rules: GuidanceRules) -> str:
    band = rules.bands[assessment.band]
    return (
        f'<div class="wb-help wb-for">What the workbook suggests for {html.escape(name or "")}</div>'
        f'<div class="wb-band-title">{html.escape(band.title)}</div>'
        f'<p class="wb-next-step">{html.escape(assessment.next_step)}</p>'
    )


def render_details(
    assessment: Assessment | None,
    rules: GuidanceRules,
    *,
    compact: bool = False,
    pages: tuple[HelpPage, ...] = (),
) -> str:
    """What follows the next step: what to do instead, the earliest date, the reasons, the flags
    (not on the compact card: the timeline shows them by each message) and the score."""
    if assessment is None:
        return ""
    if assessment.score is None:
        score = "<p>Your readiness score appears once the ten questions in step 2 are answered.</p>"
    else:
        score = (
            f'<p><b>Your readiness: <span class="wb-score">{assessment.score}</span> / 100</b>'
            f'<br><span class="wb-help">This measures how ready you are, not your chances.'
            f" It is not a prediction.</span></p>"
        )
    stops = assessment.band.stops_contact
    if stops and assessment.score is not None:
        score = (
            f'<p class="wb-score-secondary">Your readiness score, for your own reflection only: '
            f'<span class="wb-score">{assessment.score}</span> / 100. It never outweighs what they '
            "have asked or done.</p>"
        )
    when = ""
    if assessment.earliest_contact is not None:
        when = (
            f'<p><b>Earliest contact:</b> <span class="wb-earliest">'
            f"{html.escape(long_date(assessment.earliest_contact))}</span></p>"
        )
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in assessment.reasons)
    why = f'<p><b>Why:</b></p><ul class="wb-reasons">{reasons}</ul>'
    flags = ""
    if assessment.flags and not compact:
        # In plain words, never as codes: the sentence from data/guidance.toml and how many.
        items = "".join(
            f"<li>{html.escape(rules.flag_texts[f.code])} "
            f"({quantity(len(f.events), 'message', 'messages')})</li>"
            for f in assessment.flags
        )
        flags = f"<p><b>Looking back at your messages:</b></p><ul>{items}</ul>"
    instead = "".join(render_page(page) for page in pages)
    return f'<div class="wb-card-details">{instead}{when}{why}{flags}{score}</div>'


def render_page(page: HelpPage) -> str:
    """One "what to do instead" page: its paragraphs, then its help routes with their sources."""
    text = "".join(f"<p>{html.escape(p)}</p>" for p in page.paragraphs)
    return (
        f'<section class="wb-instead" aria-label="{html.escape(page.title)}">'
        f'<div class="wb-help">What to do instead</div>'
        f"<b>{html.escape(page.title)}</b>{text}{render_routes(page.routes)}</section>"
    )


class ReadinessCard(View):
    """A live card for the chosen person (it says itself when there is no one yet).

    The compact card (the dashboard's, always in view) shows who it is for, the band and the start
    of the next step; "Why this suggestion" opens the rest in place (a disclosure: aria.py says
    whether it is open). It opens by itself on a band with a page of what to do instead: help comes
    before a tidy first screen."""

    def __init__(self, session: Session, compact: bool = False):
        self.compact = compact
        self.html = w.HTML()
        self.details = w.HTML()
        self.details.add_class("wb-card-details-box")
        self.more = w.ToggleButton(value=False, description=WHY)
        self.more.add_class("wb-disclosure")
        self.more.observe(lambda _change: self._opened(), names="value")
        self._band: str | None = None
        body = [self.html, self.more, self.details] if compact else [self.html]
        super().__init__(session, "wb-card", "wb-readiness", body=body, needs_person=False)
        if compact:
            self.widget.add_class("wb-compact")
        self.on_revision(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        assessment, person = self.session.assessment(), self.session.current()
        content = self.session.content
        pages = ()
        if assessment is not None and person is not None:
            pages = tuple(
                content.help_pages[key] for key in help_pages_for(assessment.band, person.situation.signals)
            )
        if not self.compact:
            self.html.value = render_card(assessment, self.session.person, content.rules, False, pages)
            return
        self.html.value = render_summary(assessment, self.session.person, content.rules)
        self.details.value = render_details(assessment, content.rules, compact=True, pages=pages)
        w.show(self.more, assessment is not None)
        band = None if assessment is None else f"wb-band-{assessment.band.value}"
        if band != self._band:
            if self._band:
                self.widget.remove_class(self._band)
            if band:
                self.widget.add_class(band)
            self._band = band
            self.more.value = bool(pages)  # a new band: open when it brings help, else closed

    def _opened(self) -> None:
        if self.more.value:
            self.widget.add_class("wb-open")
        else:
            self.widget.remove_class("wb-open")
