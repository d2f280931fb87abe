"""Who this workbook is about: the person selector, the add/edit form and the day counters.

Every notebook shows the same selector, so the chosen person follows the person through the steps.
"""

from __future__ import annotations

from datetime import date

from ..errors import WorkbookError
from ..guidance import SAFETY_SIGNALS, STOP_SIGNAL_EVENTS
from ..model import (
    Event,
    EventKind,
    Goal,
    Relationship,
    Signal,
    Situation,
    WhatHappened,
    parse_enum,
    quantity,
)
from . import widgets as w
from .fields import choice_field, date_field, dropdown_field, multi_field, text_field
from .session import Session
from .theme import note
from .view import Message

__all__ = ["PersonPanel", "SituationForm", "day_counters"]


def day_counters(session: Session) -> str:
    """'Day 12 since it ended · 3 days since your last message' for the chosen person."""
    person = session.current()
    if person is None:
        return ""
    today = session.today()
    since_end = (today - person.situation.ended_on).days
    parts = [f"{_days(since_end)} since it ended"]
    sends = [e.at.date() for e in person.events if e.kind is EventKind.SENT and e.at.date() <= today]
    if sends:
        parts.append(f"{_days((today - max(sends)).days)} since your last message")
    else:
        parts.append("no message sent yet")
    return " · ".join(parts)


def _days(n: int) -> str:
    if n <= 0:
        return "today"
    return quantity(n, "day", "days")


class SituationForm:
    """Add a person, or edit who they are for you. Nothing is saved until the form is valid."""

    def __init__(self, session: Session, on_done=None):
        self.session = session
        self.on_done = on_done
        labels = session.content.labels
        self.editing: str | None = None
        narrow = "480px"
        name = text_field(
            "Name",
            placeholder="A name or nickname only you will see",
            css=["wb-name-field"],
            max_width=narrow,
        )
        relationship = dropdown_field(
            "Who they are", labels.options(Relationship), css=["wb-relationship-field"], max_width=narrow
        )
        what_happened = choice_field("What happened?", labels.options(WhatHappened))
        ended_on = date_field("When it ended", css=["wb-ended-on-field"], max_width=narrow)
        goal = choice_field("What do you want now?", labels.options(Goal))
        signal_options = [(labels(s), s) for s in Signal if s not in SAFETY_SIGNALS]
        safety_options = [(labels(s), s) for s in Signal if s in SAFETY_SIGNALS]
        where_they_stand = multi_field(
            "What do you know about where they stand? Tick all that apply.",
            signal_options,
            help="This is what they have told you or shown you, not what you guess.",
        )
        safety = multi_field(
            "About safety, yours and theirs",
            safety_options,
            help=(
                "The workbook asks because some situations need a different kind of help than a "
                "message. If any of these is true, it will not suggest writing, and it will show "
                "where to find support. Nothing here is shared with anyone."
            ),
        )
        self.name = name.control
        self.relationship = relationship.control
        self.what_happened = what_happened.control
        self.ended_on = ended_on.control
        self.goal = goal.control
        self.signals = {
            value: box
            for group, options in ((where_they_stand, signal_options), (safety, safety_options))
            for (_label, value), box in zip(options, group.control.children, strict=True)
        }
        self.save = w.Button(description="Save this person", button_style="primary", icon="check")
        self.cancel = w.Button(description="Cancel")
        self.message = Message("error")
        for control, cls in (
            (self.name, "name"),
            (self.relationship, "relationship"),
            (self.what_happened, "what-happened"),
            (self.ended_on, "ended-on"),
            (self.goal, "goal"),
            (self.save, "save-person"),
        ):
            control.add_class(f"wb-{cls}")
        self.save.on_click(lambda _b: self.submit())
        self.cancel.on_click(lambda _b: self.close())
        self.widget = w.VBox(
            [
                note("Who is this person for you?", "prompt"),
                name.widget,
                relationship.widget,
                what_happened.widget,
                ended_on.widget,
                goal.widget,
                where_they_stand.widget,
                safety.widget,
                w.HBox([self.save, self.cancel]).add_class("wb-wrap"),
                self.message,
            ],
        )
        w.show(self.widget, False)
        self.widget.add_class("wb-card")
        self.widget.add_class("wb-situation-form")

    def open(self, name: str | None = None) -> None:
        """Show the form empty (add) or filled with a person's situation (edit)."""
        try:
            situation = self.session.store.get_person(name).situation if name else None
        except WorkbookError as error:  # deleted in another window since this one was drawn
            self.open()
            self.message.value = str(error)
            return
        self.editing = name
        self.message.value = ""
        self.name.value = situation.name if situation else ""
        self.relationship.value = situation.relationship.value if situation else None
        self.what_happened.value = situation.what_happened.value if situation else None
        self.ended_on.value = situation.ended_on if situation else None
        self.goal.value = situation.goal.value if situation else None
        for signal, box in self.signals.items():
            box.value = bool(situation and signal in situation.signals)
        self.save.description = "Save changes" if name else "Save this person"
        w.show(self.widget)

    def is_blank(self) -> bool:
        """Nothing entered yet (closing it then loses nothing)."""
        values = (self.name.value, self.relationship.value, self.what_happened.value, self.ended_on.value)
        return not any(values) and self.goal.value is None and not any(b.value for b in self.signals.values())

    def close(self) -> None:
        w.show(self.widget, False)
        self.message.value = ""

    def situation(self, today: date) -> Situation:
        """The form's values as a Situation, or InvalidInput saying what to fix."""
        from ..errors import InvalidInput

        if self.ended_on.value is None:
            raise InvalidInput("Please choose roughly when it ended; a guess is fine.")
        if self.ended_on.value > today:
            raise InvalidInput("The date it ended cannot be in the future.")
        return Situation(
            name=self.name.value,
            relationship=parse_enum(Relationship, self.relationship.value, "Who they are"),
            what_happened=parse_enum(WhatHappened, self.what_happened.value, "What happened"),
            ended_on=self.ended_on.value,
            goal=parse_enum(Goal, self.goal.value, "What you want now"),
            signals=frozenset(s for s, box in self.signals.items() if box.value),
        )

    def submit(self) -> bool:
        try:
            situation = self.situation(self.session.today())
            if self.editing:
                before = self.session.store.get_person(self.editing).situation.signals
                self.session.store.update_situation(self.editing, situation)
                self._log_new_stop_signals(situation, before)
            else:
                self.session.store.add_person(situation)
        except WorkbookError as error:
            self.message.value = _friendly(str(error))
            return False
        self.close()
        self.session.choose(situation.name)
        if self.on_done:
            self.on_done()
        return True

    def _log_new_stop_signals(self, situation: Situation, before: frozenset[Signal]) -> None:
        """A stop or space signal ticked now is dated now, so a reply logged before it cannot lift it.

        (Signals ticked when a person is added count from the day it ended; which signals become
        which events is `guidance.STOP_SIGNAL_EVENTS`; see docs/guidance.md.)
        """
        for signal in sorted(situation.signals - before):
            event = STOP_SIGNAL_EVENTS.get(signal)
            if event is not None:
                kind, channel = event
                self.session.store.add_event(
                    situation.name, Event(kind, self.session.now(), channel, note="Noted in the person form")
                )


def _friendly(text: str) -> str:
    # Enum errors list raw values; in the form a person only needs to know what to choose.
    if " must be one of:" in text:
        return text.split(" must be one of:")[0] + ": please choose one."
    return text


class PersonPanel:
    """The selector, the counters, and the buttons to add or edit a person.

    The add/edit form opens under the panel, or in `form_slot` when given (the dashboard puts it
    in the step's place, under the stepper)."""

    def __init__(self, session: Session, form_slot: w.Box | None = None):
        self.session = session
        self.selector = w.Dropdown(description="Person", options=[], value=None)
        self.selector.description_allow_html = False  # names are text
        self.selector.add_class("wb-person-select")
        self.add = w.Button(description="Add a person", icon="plus")
        self.edit = w.Button(description="Edit", icon="pencil")
        self.counters = note("", "counter")
        self._form: SituationForm | None = None
        self._form_slot = w.VBox()  # the form's ~60 widgets are built the first time it is opened
        self._form_slot.add_class("wb-person-form-slot")
        self.add.on_click(lambda _b: self._open_form())
        self.edit.on_click(lambda _b: self.session.person and self._open_form(self.session.person))
        self._refreshing = False
        self.selector.observe(self._chosen, names="value")
        session.observe(lambda _c: self.refresh(), names="revision")
        row = w.HBox([self.selector, self.add, self.edit]).add_class("wb-wrap").add_class("wb-person-row")
        parts: list[w.Widget] = [row, self.counters]
        if form_slot is None:
            parts.append(self._form_slot)
        else:
            form_slot.children = [self._form_slot]
        self.widget = w.VBox(parts)
        self.widget.add_class("wb-person-panel")
        # An empty workbook opens the form by itself; if people turn up before it was used (a page
        # built ahead of its visitor, an import), it closes again.
        self._offered = not self.session.store.people()
        if self._offered:
            self.form.open()
        self.refresh()

    @property
    def form(self) -> SituationForm:
        """The add/edit form, built on first use: most visits never open it."""
        if self._form is None:
            self._form = SituationForm(self.session)
            self._form_slot.children = [self._form.widget]
        return self._form

    def _chosen(self, change) -> None:
        if self._refreshing:  # new options reset the selection to the first; that is not a choice
            return
        if change["new"] and change["new"] != self.session.person:
            self.session.choose(change["new"])

    def _open_form(self, name: str | None = None) -> None:
        self._offered = False
        self.form.open(name)

    def refresh(self) -> None:
        names = self.session.store.people()
        if names and self._offered and self._form is not None and self._form.is_blank():
            self._offered = False
            self.form.close()
        if self.session.person not in names:
            self.session.person = names[0] if names else None
        self._refreshing = True
        try:
            if list(self.selector.options) != names:
                self.selector.options = names
            self.selector.value = self.session.person
        finally:
            self._refreshing = False
        self.edit.disabled = self.session.person is None
        self.counters.value = day_counters(self.session)
