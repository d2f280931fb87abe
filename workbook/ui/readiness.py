"""The readiness card: the band, the score, the earliest date, the next step and the reasons.

It redraws after every saved change (answers, events, situation), so it is always current. The next
step and the reasons contain the other person's name, which the user typed: everything that goes
into HTML here is escaped first.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..guidance import GuidanceRules, help_pages_for
from ..messages import HelpPage
from ..model import Assessment, long_date, quantity
from .help import render_routes
from .session import Session
from .view import View

__all__ = ["render_page", "ReadinessCard", "render_card"]


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
        return '<div class="wb-card-body"><p>Add a person to see what the workbook suggests.</p></div>'
    band = rules.bands[assessment.band]
    colour = html.escape(band.colour)
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
    if compact:
        why = '<p class="wb-help">The reasons are under Readiness.</p>'
        if assessment.score is not None and not stops:
            score = f'<p>Your readiness: <b class="wb-score">{assessment.score}</b> / 100</p>'
        elif stops:
            score = ""
    elif assessment.flags:
        # In plain words, never as codes: the sentence from data/guidance.toml and how many.
        items = "".join(
            f"<li>{html.escape(rules.flag_texts[f.code])} "
            f"({quantity(len(f.events), 'message', 'messages')})</li>"
            for f in assessment.flags
        )
        flags = f"<p><b>Looking back at your messages:</b></p><ul>{items}</ul>"
    who = html.escape(name or "")
    instead = "".join(render_page(page) for page in pages)
    return (
        f'<div class="wb-card-body wb-band-{assessment.band.value}" '
        f'style="border-left: 8px solid {colour}; padding-left: 12px;">'
        f'<div class="wb-help">What the workbook suggests for {who}</div>'
        f'<div class="wb-band-title" style="color: {colour};">{html.escape(band.title)}</div>'
        f'<p class="wb-next-step">{html.escape(assessment.next_step)}</p>'
        f"{instead}{when}{why}{flags}{score}</div>"
    )


def render_page(page: HelpPage) -> str:
    """One "what to do instead" page: its paragraphs, then its help routes with their sources."""
    text = "".join(f"<p>{html.escape(p)}</p>" for p in page.paragraphs)
    return (
        f'<section class="wb-instead" aria-label="{html.escape(page.title)}">'
        f'<div class="wb-help">What to do instead</div>'
        f"<b>{html.escape(page.title)}</b>{text}{render_routes(page.routes)}</section>"
    )


class ReadinessCard(View):
    """A live card for the chosen person (it says itself when there is no one yet)."""

    def __init__(self, session: Session, compact: bool = False):
        self.compact = compact
        self.html = w.HTML()
        super().__init__(session, "wb-card", "wb-readiness", body=[self.html], needs_person=False)
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
        self.html.value = render_card(assessment, self.session.person, content.rules, self.compact, pages)
