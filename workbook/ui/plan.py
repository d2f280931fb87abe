"""Step 8, "Keep it going": a check-in plan at their pace, and reminders for your own calendar.

The plan is only meaningful once they have replied (band `keep_going`); before that the view says
so gently and still lets the person sketch it. Every field is saved as it changes
(`store.set_plan`); a first check-in date in the past is refused inline and not stored. The
reminders are an iCalendar file built by `workbook.calendar`, offered as a plain download link
(Voila has no download widget): the link holds base64 and fixed words only, never user text.

"""

from __future__ import annotations

from datetime import date

from ..calendar import MAX_REMINDERS, reminders_ics
from ..errors import WorkbookError
from ..model import AnswerValue, Band, Channel, long_date, quantity
from ..plan import CADENCE, CHANNEL, FIRST_CHECK_IN, IDEAS, REMINDERS, check_first_check_in
from . import widgets as w
from .fields import choice_field, date_field, dropdown_field, long_text_field, number_field
from .session import Session
from .theme import download_link, note
from .view import Message, View

__all__ = ["DEFAULT_REMINDERS", "PlanView"]

DEFAULT_REMINDERS = 4
ICS_FILENAME = "reminders.ics"


class PlanView(View):
    """The chosen person's keep-going plan, saved as it changes."""

    def __init__(self, session: Session):
        self.words = session.content.plan_words
        self.labels = session.content.labels
        self._loading = False
        self._writing = False

        self.not_yet = note(self.words.plan_not_yet, "help")
        self.not_yet.add_class("wb-plan-not-yet")
        cadence = choice_field(
            "How often would you like to check in?",
            [(c.label, c.value) for c in self.words.cadences],
            help="Follow their rhythm: if they take a week to reply, a week is your pace too.",
        )
        channel = dropdown_field(
            "How do they like to keep in touch?", self.labels.options(Channel, exclude=(Channel.ALL,))
        )
        ideas = long_text_field(
            "Shared interests and ideas",
            placeholder="Things you both enjoy, questions you would like to ask them, small ideas",
        )
        first = date_field("First check-in")
        reminders = number_field(
            "How many reminders?", value=DEFAULT_REMINDERS, low=1, high=MAX_REMINDERS, width="8em"
        )
        self.cadence, self.channel, self.ideas = cadence.control, channel.control, ideas.control
        self.first, self.reminders = first.control, reminders.control
        for control, cls in (
            (self.cadence, "wb-cadence"),
            (self.channel, "wb-channel"),
            (self.ideas, "wb-ideas"),
            (self.first, "wb-first-date"),
            (self.reminders, "wb-reminder-count"),
        ):
            control.add_class(cls)
        self.message = Message("saved", "wb-plan-message")
        self.download = w.Button(description="Download reminders for your calendar", icon="calendar")
        self.download.add_class("wb-ics")
        self.download.on_click(lambda _b: self.make_reminders())
        self.ics_message = Message("help", "wb-ics-message")
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

        super().__init__(
            session,
            "wb-plan",
            body=[
                self.not_yet,
                cadence.widget,
                channel.widget,
                ideas.widget,
                first.widget,
                reminders.widget,
                self.message,
                note(self.words.reminder_note, "help"),
                self.download,
                self.ics_message,
                self.link,
            ],
        )
        self.form = self.body
        self.on_person(self.load)
        self.on_revision(self.refresh)
        self.load()

    # -- showing

    def load(self) -> None:
        """Show the chosen person's stored plan (on start and when the person changes)."""
        person = self.session.current() if self.show_person() else None
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
        self.message.saved("")
        self._clear_reminders()
        self.refresh()

    def refresh(self) -> None:
        """After any saved change: the gentle note depends on the band."""
        if self._writing:
            return
        assessment = self.session.assessment()
        waiting_for_reply = assessment is not None and assessment.band is not Band.KEEP_GOING
        w.show(self.not_yet, waiting_for_reply)
        stops = assessment is not None and assessment.band.stops_contact
        w.show(self.download, not stops)
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
            self.message.error("Choose or add a person first, so the plan has somewhere to go.")
            return
        try:
            value = self._value(key)
            self.session.store.set_plan(name, key, value)
        except WorkbookError as error:
            self.message.error(str(error))
            return
        self.message.saved("Saved" if value is not None else "Cleared")
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
            self.ics_message.error("Choose or add a person first.")
            return None
        assessment = self.session.assessment()
        if assessment is not None and assessment.band.stops_contact:
            # No reminders to get in touch while the answer is not to contact them.
            self.ics_message.help(assessment.next_step)
            return None
        cadence = self.words.cadence(self.cadence.value)
        if cadence is None:
            self.ics_message.error("Choose how often you would like to check in first.")
            return None
        if cadence.days == 0:
            self.ics_message.help(self.words.when_they_reach_out)
            return None
        if self.first.value is None:
            self.ics_message.error("Choose the day of the first check-in first.")
            return None
        channel = self.labels(Channel(self.channel.value)) if self.channel.value else ""
        count = int(self.reminders.value)
        try:
            ics = reminders_ics(
                person.name, self.first.value, cadence.days, count, channel, self.session.now()
            )
        except WorkbookError as error:
            self.ics_message.error(str(error))
            return None
        first = self.first.value
        self.ics_message.saved(
            f"{quantity(count, 'reminder', 'reminders')}, {cadence.label.lower()}, "
            f"from {long_date(first)}. Open the file to add them to your calendar."
        )
        self.link.value = download_link(
            ics, ICS_FILENAME, "text/calendar", f"Save {ICS_FILENAME}", "wb-ics-download"
        )
        return ics

    def _clear_reminders(self) -> None:
        # A link made before a change would no longer match the plan on screen.
        self.link.value = ""
        self.ics_message.help("")


def _stored_date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
