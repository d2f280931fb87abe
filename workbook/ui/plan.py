"""Step 8, "Keep it going": a check-in plan at their pace, and reminders for your own calendar.

The plan is only meaningful once they have replied (band `keep_going`); before that the view says
so gently and still lets the person sketch it. Every field is saved as it changes
(`store.set_plan`); a first check-in date in the past is refused inline and not stored. The
reminders are an iCalendar file built by `workbook.calendar`, offered as a plain download link
(Voila has no download widget): the link holds base64 and fixed words only, never user text.

"""

from __future__ import annotations

from datetime import date

import ipywidgets as w

from ..calendar import MAX_REMINDERS, reminders_ics
from ..errors import WorkbookError
from ..model import AnswerValue, Band, Channel, long_date
from ..plan import CADENCE, CHANNEL, FIRST_CHECK_IN, IDEAS, REMINDERS, check_first_check_in
from .session import Session
from .theme import download_link, note

__all__ = [
    "DEFAULT_REMINDERS",
    "PlanView",
    "set_note",
]

DEFAULT_REMINDERS = 4
ICS_FILENAME = "reminders.ics"


def set_note(label: w.Label, text: str, kind: str) -> None:
    """Show an inline message as saved, error or help (one class at a time)."""
    for other in ("saved", "error", "help"):
        label.remove_class(f"wb-{other}")
    label.add_class(f"wb-{kind}")
    label.value = text


# --- the view -----------------------------------------------------------------------------------


class PlanView:
    """The chosen person's keep-going plan, saved as it changes."""

    def __init__(self, session: Session):
        self.session = session
        self.words = session.content.plan_words
        self.labels = session.content.labels
        self._loading = False
        self._writing = False

        self.empty = note("Choose or add a person first (at the top).", "help")
        self.not_yet = note(self.words.plan_not_yet, "help")
        self.not_yet.add_class("wb-plan-not-yet")
        self.cadence = w.RadioButtons(
            options=[(c.label, c.value) for c in self.words.cadences],
            value=None,
            layout=w.Layout(width="auto"),
        )
        self.cadence.add_class("wb-cadence")
        self.channel = w.Dropdown(
            options=self.labels.options(Channel, exclude=(Channel.ALL,)),
            value=None,
            layout=w.Layout(width="auto"),
        )
        self.channel.add_class("wb-channel")
        self.ideas = w.Textarea(
            placeholder="Things you both enjoy, questions you would like to ask them, small ideas",
            continuous_update=True,
            layout=w.Layout(width="100%"),
        )
        self.ideas.add_class("wb-ideas")
        self.first = w.DatePicker(value=None)
        self.first.add_class("wb-first-date")
        self.reminders = w.BoundedIntText(
            value=DEFAULT_REMINDERS, min=1, max=MAX_REMINDERS, layout=w.Layout(width="8em")
        )
        self.reminders.add_class("wb-reminder-count")
        self.message = note("", "saved")
        self.message.add_class("wb-plan-message")
        self.download = w.Button(description="Download reminders (.ics)", icon="calendar")
        self.download.add_class("wb-ics")
        self.download.on_click(lambda _b: self.make_reminders())
        self.ics_message = note("", "help")
        self.ics_message.add_class("wb-ics-message")
        self.link = w.HTML("")
        self.link.add_class("wb-ics-link")

        for control, key in (
            (self.cadence, CADENCE),
            (self.channel, CHANNEL),
            (self.ideas, IDEAS),
            (self.first, FIRST_CHECK_IN),
            (self.reminders, REMINDERS),
        ):
            control.observe(lambda _change, key=key: self._save(key), names="value")

        self.form = w.VBox(
            [
                self.not_yet,
                note("How often would you like to check in?", "prompt"),
                note("Follow their rhythm: if they take a week to reply, a week is your pace too.", "help"),
                self.cadence,
                note("How do they like to keep in touch?", "prompt"),
                self.channel,
                note("Shared interests and ideas", "prompt"),
                self.ideas,
                note("First check-in", "prompt"),
                self.first,
                note("How many reminders?", "prompt"),
                self.reminders,
                self.message,
                note(self.words.reminder_note, "help"),
                self.download,
                self.ics_message,
                self.link,
            ]
        )
        self.widget = w.VBox([self.empty, self.form])
        self.widget.add_class("wb-plan")
        session.observe(lambda _c: self.load(), names="person")
        session.observe(lambda _c: self.refresh(), names="revision")
        self.load()

    # -- showing

    def load(self) -> None:
        """Show the chosen person's stored plan (on start and when the person changes)."""
        person = self.session.current()
        self.empty.layout.display = "none" if person else None
        self.form.layout.display = None if person else "none"
        plan = dict(person.plan) if person else {}
        self._loading = True
        try:
            self.cadence.value = plan.get(CADENCE) if self.words.cadence(plan.get(CADENCE)) else None
            channel = plan.get(CHANNEL)
            self.channel.value = channel if channel in {v for _l, v in self.channel.options} else None
            self.ideas.value = plan.get(IDEAS) if isinstance(plan.get(IDEAS), str) else ""
            self.first.value = _stored_date(plan.get(FIRST_CHECK_IN))
            count = plan.get(REMINDERS)
            self.reminders.value = (
                count if type(count) is int and 1 <= count <= MAX_REMINDERS else DEFAULT_REMINDERS
            )
        finally:
            self._loading = False
        set_note(self.message, "", "saved")
        self._clear_reminders()
        self.refresh()

    def refresh(self) -> None:
        """After any saved change: the gentle note depends on the band."""
        if self._writing:
            return
        assessment = self.session.assessment()
        waiting_for_reply = assessment is not None and assessment.band is not Band.KEEP_GOING
        self.not_yet.layout.display = None if waiting_for_reply else "none"
        stops = assessment is not None and assessment.band.stops_contact
        self.download.layout.display = "none" if stops else None
        if stops:
            self._clear_reminders()

    # -- saving

    def _value(self, key: str) -> AnswerValue | None:
        """The field's value as stored, or InvalidInput; None clears it."""
        if key == CADENCE:
            return self.cadence.value
        if key == CHANNEL:
            return self.channel.value
        if key == IDEAS:
            return self.ideas.value if self.ideas.value.strip() else None
        if key == REMINDERS:
            return int(self.reminders.value)
        chosen = self.first.value
        if chosen is None:
            return None
        return check_first_check_in(chosen, self.session.today()).isoformat()

    def _save(self, key: str) -> None:
        if self._loading:
            return
        self._clear_reminders()
        name = self.session.person
        if name is None:
            set_note(self.message, "Choose or add a person first, so the plan has somewhere to go.", "error")
            return
        try:
            value = self._value(key)
            self.session.store.set_plan(name, key, value)
        except WorkbookError as error:
            set_note(self.message, str(error), "error")
            return
        set_note(self.message, "Saved" if value is not None else "Cleared", "saved")
        self._writing = True  # our own change: nothing to redraw, and the cursor stays put
        try:
            self.session.changed(guidance=False)
        finally:
            self._writing = False

    # -- reminders

    def make_reminders(self) -> bytes | None:
        """Build the .ics for the plan on screen and offer it as a link; say inline what is missing."""
        self._clear_reminders()
        person = self.session.current()
        if person is None:
            set_note(self.ics_message, "Choose or add a person first.", "error")
            return None
        assessment = self.session.assessment()
        if assessment is not None and assessment.band.stops_contact:
            # No reminders to get in touch while the answer is not to contact them.
            set_note(self.ics_message, assessment.next_step, "help")
            return None
        cadence = self.words.cadence(self.cadence.value)
        if cadence is None:
            set_note(self.ics_message, "Choose how often you would like to check in first.", "error")
            return None
        if cadence.days == 0:
            set_note(self.ics_message, self.words.when_they_reach_out, "help")
            return None
        if self.first.value is None:
            set_note(self.ics_message, "Choose the day of the first check-in first.", "error")
            return None
        channel = self.labels(Channel(self.channel.value)) if self.channel.value else ""
        count = int(self.reminders.value)
        try:
            ics = reminders_ics(
                person.name, self.first.value, cadence.days, count, channel, self.session.now()
            )
        except WorkbookError as error:
            set_note(self.ics_message, str(error), "error")
            return None
        first = self.first.value
        set_note(
            self.ics_message,
            f"{count} reminder{'s' if count != 1 else ''}, {cadence.label.lower()}, "
            f"from {long_date(first)}. Open the file to add them to your calendar.",
            "saved",
        )
        self.link.value = download_link(
            ics, ICS_FILENAME, "text/calendar", f"Save {ICS_FILENAME}", "wb-ics-download"
        )
        return ics

    def _clear_reminders(self) -> None:
        # A link made before a change would no longer match the plan on screen.
        self.link.value = ""
        set_note(self.ics_message, "", "help")


def _stored_date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
