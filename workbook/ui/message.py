"""Step 6, "Your message": a template to start from, a draft saved as typed, the checker's live
verdict, and the pause before sending.

- Templates are those that suit the chosen person's goal and what happened
  (`questions.templates_for`); filling one never overwrites a draft without asking inline.
- The draft is stored as answer `message_draft` on every change, so a closed tab loses nothing,
  and comes back when the person is chosen again.
- The verdict (`messages.check_message`) redraws as they type. Flagged phrases are the person's own
  words, so every piece of HTML here is escaped.
- The pause: "I think it's ready" stores the time (answer `message_ready_at`); re-reading opens
  only after the minutes in data/plan.toml, counted on `session.now()`. Editing the draft after that
  starts the pause again: the re-read is of the words that would be sent. The workbook never sends.
- When the band stops contact, a kind note says this draft is for writing only; the pause (which
  talks about sending) is not offered at all.
"""

from __future__ import annotations

import html
from datetime import datetime

from ..answer_keys import DRAFT_ID, READY_AT_ID
from ..errors import WorkbookError
from ..messages import MessageCheck, Support, check_message
from ..model import Goal, WhatHappened, parse_datetime, quantity
from ..plan import PlanWords, reread_opens_at
from ..questions import Template, templates_for
from . import widgets as w
from .fields import dropdown_field, long_text_field, text_field
from .session import Session
from .theme import note
from .view import Message, View

__all__ = ["MessageStudio", "render_issue", "render_support", "render_verdict"]


def render_verdict(check: MessageCheck, words: PlanWords) -> str:
    """The verdict line's HTML: fixed words and a number only, never the person's text.

    A draft with no issue is not a perfect score: the checker found no pressure, and the person is
    asked to read it once more as the other would. A draft that mentions self-harm gets the
    support card (`render_support`) instead of any score."""
    verdict = html.escape(words.verdicts[check.verdict])
    if check.support is not None:
        return f'<span class="wb-verdict-{check.verdict.value}"><b>{verdict}</b></span>'
    if not check.issues:
        return (
            f'<span class="wb-verdict-{check.verdict.value}"><b>{verdict}</b></span>'
            f'<div class="wb-help wb-reread-prompt">{html.escape(words.no_pressure_reread)}</div>'
        )
    return (
        f'<span class="wb-verdict-{check.verdict.value}"><b>{verdict}</b></span> '
        f'<span class="wb-help">· score {check.score} / 100</span>'
    )


def render_support(support: Support, title: str) -> str:
    """The support card: kind words and help now, each route with where it is listed."""
    routes = "".join(
        f"<li><b>{html.escape(r.name)}</b>: {html.escape(r.contact)} "
        f'<span class="wb-help">({html.escape(r.where)})</span></li>'
        for r in support.routes
    )
    return (
        f'<div class="wb-support-card" role="note"><b>{html.escape(title)}</b>'
        f"<p>{html.escape(support.message)}</p><ul>{routes}</ul></div>"
    )


def render_issue(excerpt: str, explanation: str, suggestion: str) -> str:
    """One flagged phrase with why and a gentler way; every piece is escaped."""
    return (
        f"<div><b>&ldquo;{html.escape(excerpt)}&rdquo;</b></div>"
        f"<div>{html.escape(explanation)}</div>"
        f"<div><i>Try instead:</i> {html.escape(suggestion)}</div>"
    )


class MessageStudio(View):
    """The chosen person's draft, from template to the pause before sending."""

    def __init__(self, session: Session):
        self.words = session.content.plan_words
        self._loading = False
        self._writing = False
        self._suited_for: tuple | None = None  # (goal, what_happened) the template list was built for
        self.templates: dict[str, Template] = {}
        self.ready_at: datetime | None = None

        self.stop_note = note(self.words.message_stops_contact, "help")
        self.stop_note.add_class("wb-no-send")

        # -- the template chooser
        template = dropdown_field("Start from a template (optional)", [])
        self.template = template.control
        self.template.add_class("wb-template")
        self.template_note = note("", "help")
        shared = text_field("Something you share, in your words", placeholder="like: that band we both like")
        self.shared_thing = shared.control
        self.shared_thing.add_class("wb-shared-thing")
        self.shared_box = shared.widget
        self.use = w.Button(description="Use this template", icon="pencil")
        self.use.add_class("wb-use-template")
        self.use.on_click(lambda _b: self.use_template())
        self.replace_yes = w.Button(description="Yes", button_style="warning")
        self.replace_no = w.Button(description="No")
        self.replace_yes.on_click(lambda _b: self.answer_replace(True))
        self.replace_no.on_click(lambda _b: self.answer_replace(False))
        self.confirm = w.HBox(
            [note("Replace your draft?", "prompt"), self.replace_yes, self.replace_no],
        )
        w.show(self.confirm, False)
        self.confirm.add_class("wb-wrap")
        self.confirm.add_class("wb-replace-confirm")
        self.template_message = Message("error")
        self.template.observe(lambda _c: self._show_template(), names="value")
        chooser = w.VBox(
            [
                template.widget,
                self.template_note,
                self.shared_box,
                self.use,
                self.confirm,
                self.template_message,
            ]
        )
        chooser.add_class("wb-templates")
        self.chooser = chooser

        # -- the draft and its live verdict
        draft = long_text_field(
            "Your draft", placeholder="Write it in your own words. Short and warm is plenty.", height="10em"
        )
        self.draft = draft.control
        self.draft.add_class("wb-draft")
        self.draft.observe(lambda _c: self._draft_changed(), names="value")
        self.draft_message = Message("saved", "wb-draft-message")
        self.verdict = w.HTML()
        self.verdict.add_class("wb-verdict")
        self.issues = w.VBox()
        self.issues.add_class("wb-issues")
        self.support = w.HTML()
        w.show(self.support, False)
        self.support.add_class("wb-support")

        # -- the pause before sending
        self.pause = w.Button(description="I think it's ready", icon="pause")
        self.pause.add_class("wb-pause")
        self.pause.on_click(lambda _b: self.mark_ready())
        self.pause_note = Message("help", "wb-pause-note")
        self.reread = w.Button(description="Read it again", icon="eye")
        self.reread.add_class("wb-reread")
        self.reread.on_click(lambda _b: self.read_again())
        self.reread_note = Message("help", "wb-reread-note")
        self.pause_box = w.VBox([self.pause, self.pause_note, self.reread, self.reread_note])
        self.pause_box.add_class("wb-pause-box")

        super().__init__(
            session,
            "wb-message",
            body=[
                self.stop_note,
                chooser,
                draft.widget,
                self.draft_message,
                self.verdict,
                self.support,
                self.issues,
                self.pause_box,
            ],
        )
        self.on_person(self.load)
        self.on_revision(self.refresh)
        self.load()

    # -- loading and redrawing

    def load(self) -> None:
        """Show the chosen person's saved draft and pause (on start and when the person changes)."""
        person = self.session.current() if self.show_person() else None
        answers = person.answers if person else {}
        draft = answers.get(DRAFT_ID)
        self._loading = True
        try:
            self.draft.value = draft if isinstance(draft, str) else ""
            self.shared_thing.value = ""
        finally:
            self._loading = False
        try:
            self.ready_at = parse_datetime(answers[READY_AT_ID]) if READY_AT_ID in answers else None
        except WorkbookError:
            self.ready_at = None
        w.show(self.confirm, False)
        for label in (self.template_message, self.draft_message, self.reread_note):
            label.help("")
        self._suited_for = None
        self.refresh()
        self._show_verdict()

    def refresh(self) -> None:
        """After any saved change: the band note, the templates that suit, the pause state."""
        if self._writing:
            return
        person = self.session.current()
        assessment = self.session.assessment()
        stops = assessment is not None and assessment.band.stops_contact
        w.show(self.stop_note, stops)
        # Templates are ready-to-send messages: never offered when the answer is not to send.
        w.show(self.chooser, not stops)
        w.show(self.pause_box, not (stops or person is None))
        if person is not None:
            self._offer_templates(person.situation.goal, person.situation.what_happened)
        self._show_pause()

    def _offer_templates(self, goal: Goal, what_happened: WhatHappened) -> None:
        if self._suited_for == (goal, what_happened):
            return  # keep the person's choice while they type
        self._suited_for = (goal, what_happened)
        suited = templates_for(self.session.content.templates, goal, what_happened)
        self.templates = {t.id: t for t in suited}
        self.template.options = [(t.title, t.id) for t in suited]
        self.template.value = suited[0].id if suited else None
        self.use.disabled = not suited
        self._show_template()

    def _show_template(self) -> None:
        chosen = self.templates.get(self.template.value)
        if chosen is None:
            self.template_note.value = "No template fits here; your own words are best anyway."
            w.show(self.shared_box, False)
            return
        self.template_note.value = chosen.note
        w.show(self.shared_box, chosen.needs_shared_thing)
        w.show(self.confirm, False)
        self.template_message.error("")

    # -- templates

    def use_template(self) -> None:
        """Fill the draft from the chosen template; ask first if that would replace their words."""
        assessment = self.session.assessment()
        if assessment is not None and assessment.band.stops_contact:
            return
        if self.draft.value.strip():
            w.show(self.confirm)
            return
        self._fill()

    def answer_replace(self, replace: bool) -> None:
        w.show(self.confirm, False)
        if replace:
            self._fill()

    def _fill(self) -> None:
        person = self.session.current()
        chosen = self.templates.get(self.template.value)
        if person is None or chosen is None:
            self.template_message.error("Choose a template first.")
            return
        try:
            text = chosen.fill(person.name, self.shared_thing.value)
        except WorkbookError as error:
            self.template_message.error(str(error))
            return
        self.template_message.error("")
        self.draft.value = text  # saved and checked by the draft's observer

    # -- the draft

    def _draft_changed(self) -> None:
        if self._loading:
            return
        self._show_verdict()
        name = self.session.person
        if name is None:
            return
        text = self.draft.value
        try:
            self.session.store.set_answer(name, DRAFT_ID, text if text.strip() else None)
            if self.ready_at is not None:
                # Changed after "ready": the pause applies to these new words.
                self.session.store.set_answer(name, READY_AT_ID, None)
                self.ready_at = None
                self.reread_note.help("")
        except WorkbookError as error:
            self.draft_message.error(str(error))
            return
        self.draft_message.saved("Saved as you type." if text.strip() else "")
        self._show_pause()
        self._writing = True  # our own change: nothing else here needs redrawing
        try:
            self.session.changed(guidance=False)
        finally:
            self._writing = False

    def check(self) -> MessageCheck | None:
        text = self.draft.value
        return check_message(text, self.session.content.message_rules) if text.strip() else None

    def _show_verdict(self) -> None:
        try:
            result = self.check()
        except WorkbookError as error:
            self.verdict.value = html.escape(str(error))
            self.issues.children = []
            w.show(self.support, False)
            return
        if result is None:
            self.verdict.value = f'<span class="wb-help">{html.escape(self.words.message_empty)}</span>'
            self.issues.children = []
            w.show(self.support, False)
            return
        self.verdict.value = render_verdict(result, self.words)
        self.support.value = (
            render_support(result.support, self.words.support_title) if result.support else ""
        )
        w.show(self.support, result.support is not None)
        rows = []
        for issue in result.issues:
            row = w.HTML(render_issue(issue.excerpt, issue.explanation, issue.suggestion))
            row.add_class("wb-issue")
            row.add_class(f"wb-issue-{issue.code.value}")
            rows.append(row)
        self.issues.children = rows

    # -- the pause before sending

    @property
    def minutes(self) -> int:
        return self.words.pause_minutes

    def reread_open(self) -> bool:
        """Whether the pause has lasted long enough to read the draft again."""
        return self.ready_at is not None and self.session.now() >= reread_opens_at(
            self.ready_at, self.minutes
        )

    def mark_ready(self) -> None:
        name = self.session.person
        if name is None:
            return
        if not self.draft.value.strip():
            self.pause_note.error("Write your draft first; the pause comes after.")
            return
        now = self.session.now()
        try:
            self.session.store.set_answer(name, READY_AT_ID, now.isoformat(timespec="minutes"))
        except WorkbookError as error:
            self.pause_note.error(str(error))
            return
        self.ready_at = now
        self.reread_note.help("")
        self._show_pause()
        self._writing = True
        try:
            self.session.changed(guidance=False)
        finally:
            self._writing = False

    def read_again(self) -> None:
        """Open the re-read once the minutes have passed; before that, say how long is left."""
        if self.ready_at is None:
            return
        if self.reread_open():
            self.reread_note.saved(self._minutes_text(self.words.pause_reread))
        else:
            left = reread_opens_at(self.ready_at, self.minutes) - self.session.now()
            minutes_left = max(1, -(-int(left.total_seconds()) // 60))
            self.reread_note.help(
                f"Not yet: about {quantity(minutes_left, 'more minute', 'more minutes')}. "
                "Step away for a moment; the draft is kept."
            )
        self._show_pause()

    def _show_pause(self) -> None:
        waiting = self.ready_at is not None
        self.pause_note.help(self._minutes_text(self.words.pause_waiting) if waiting else "")
        w.show(self.reread, waiting)
        self.reread.button_style = "success" if self.reread_open() else ""
        self.pause.disabled = waiting

    def _minutes_text(self, text: str) -> str:
        return text.replace("{minutes}", str(self.minutes))
