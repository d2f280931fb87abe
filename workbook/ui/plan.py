"""Step 8, "Keep it going": a check-in plan at their pace, and reminders for your own calendar.

The plan is only meaningful once they have replied (band `keep_going`); before that the view says
so gently and still lets the person sketch it. Every field is saved as it changes
(`store.set_plan`); a first check-in date in the past is refused inline and not stored. The
reminders are an iCalendar file built by `workbook.calendar`, offered as a plain download link
(Voila has no download widget): the link holds base64 and fixed words only, never user text.

This module also owns data/plan.toml (`load_plan_words`), the words for the pause before sending,
the plan and the journal, so all three views read one checked file.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..calendar import MAX_REMINDERS, reminders_ics
from ..content import load_labels, read_toml
from ..errors import ContentError, InvalidInput, WorkbookError
from ..messages import Verdict
from ..model import AnswerValue, Band, Channel
from .session import Session
from .theme import note

__all__ = [
    "DEFAULT_REMINDERS",
    "Cadence",
    "PlanView",
    "PlanWords",
    "ics_link",
    "load_plan_words",
    "plan_words_from_mapping",
    "set_note",
]

DEFAULT_REMINDERS = 4
ICS_FILENAME = "reminders.ics"

# The keys the plan is stored under (store.set_plan); part of the export format.
CADENCE, CHANNEL, IDEAS, FIRST_CHECK_IN, REMINDERS = (
    "cadence",
    "channel",
    "ideas",
    "first_check_in",
    "reminders",
)


# --- data/plan.toml -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    value: str  # stored
    label: str  # shown
    days: int  # between reminders; 0 means "no schedule, wait for them"


@dataclass(frozen=True)
class PlanWords:
    """The checked contents of data/plan.toml."""

    pause_minutes: int
    pause_waiting: str
    pause_reread: str
    message_empty: str
    message_stops_contact: str
    verdicts: Mapping[Verdict, str]
    plan_not_yet: str
    when_they_reach_out: str
    reminder_note: str
    cadences: tuple[Cadence, ...]
    unsent_note: str
    check_in_prompt: str
    remind_after_days: int
    overdue: str
    moods: tuple[str, ...]  # index 0 is mood 1

    def cadence(self, value: str | None) -> Cadence | None:
        return next((c for c in self.cadences if c.value == value), None)


def plan_words_from_mapping(mapping: Mapping[str, Any], source: str) -> PlanWords:
    """Check parsed plan.toml, naming the table and key at fault."""

    def table(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = parent.get(key)
        if not isinstance(value, Mapping):
            raise ContentError(f"{where}: the [{key}] table is missing.")
        return value

    def text(parent: Mapping[str, Any], key: str, where: str) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where}: {key} must be some text in quotes.")
        return " ".join(value.split())

    def whole(parent: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
        value = parent.get(key)
        if type(value) is not int or not low <= value <= high:
            raise ContentError(f"{where}: {key} must be a whole number from {low} to {high}.")
        return value

    pause = table(mapping, "pause", source)
    message = table(mapping, "message", source)
    plan = table(mapping, "plan", source)
    journal = table(mapping, "journal", source)
    where_pause, where_message = f"{source}, [pause]", f"{source}, [message]"
    where_plan, where_journal = f"{source}, [plan]", f"{source}, [journal]"

    raw_cadences = plan.get("cadence")
    if not isinstance(raw_cadences, list) or not raw_cadences:
        raise ContentError(f"{where_plan}: add at least one [[plan.cadence]] table.")
    cadences: list[Cadence] = []
    for number, entry in enumerate(raw_cadences, start=1):
        where = f"{source}, cadence #{number}"
        if not isinstance(entry, Mapping):
            raise ContentError(f"{where}: write each cadence as a [[plan.cadence]] table.")
        cadence = Cadence(
            text(entry, "value", where), text(entry, "label", where), whole(entry, "days", where, 0, 365)
        )
        if any(c.value == cadence.value for c in cadences):
            raise ContentError(f"{where}: the value '{cadence.value}' is used twice.")
        cadences.append(cadence)

    moods = journal.get("moods")
    if (
        not isinstance(moods, list)
        or len(moods) != 5
        or not all(isinstance(m, str) and m.strip() for m in moods)
    ):
        raise ContentError(f"{where_journal}: moods must list five words, from 1 (very low) to 5 (good).")

    return PlanWords(
        pause_minutes=whole(pause, "minutes", where_pause, 1, 24 * 60),
        pause_waiting=text(pause, "waiting", where_pause),
        pause_reread=text(pause, "reread", where_pause),
        message_empty=text(message, "empty", where_message),
        message_stops_contact=text(message, "stops_contact", where_message),
        verdicts={verdict: text(message, verdict.value, where_message) for verdict in Verdict},
        plan_not_yet=text(plan, "not_yet", where_plan),
        when_they_reach_out=text(plan, "when_they_reach_out", where_plan),
        reminder_note=text(plan, "reminder_note", where_plan),
        cadences=tuple(cadences),
        unsent_note=text(journal, "unsent_note", where_journal),
        check_in_prompt=text(journal, "check_in_prompt", where_journal),
        remind_after_days=whole(journal, "remind_after_days", where_journal, 1, 365),
        overdue=text(journal, "overdue", where_journal),
        moods=tuple(m.strip() for m in moods),
    )


@cache
def load_plan_words(data_dir: Path | None = None) -> PlanWords:
    """The words of data/plan.toml, checked once and cached."""
    return plan_words_from_mapping(read_toml("plan.toml", data_dir), source="plan.toml")


# --- the download link --------------------------------------------------------------------------


def ics_link(ics: bytes) -> str:
    """A download link holding the file as base64: fixed filename and words, no user text."""
    encoded = base64.b64encode(ics).decode("ascii")
    return (
        f'<a download="{ICS_FILENAME}" href="data:text/calendar;base64,{encoded}" '
        f'class="wb-ics-download">Save {ICS_FILENAME}</a>'
    )


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
        self.words = load_plan_words()
        self.labels = load_labels()
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
        if chosen < self.session.today():
            raise InvalidInput("The first check-in cannot be in the past; choose today or a later day.")
        return chosen.isoformat()

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
            f"from {first:%A} {first.day} {first:%B %Y}. Open the file to add them to your calendar.",
            "saved",
        )
        self.link.value = ics_link(ics)
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
