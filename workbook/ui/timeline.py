"""Step 7, the contact timeline: log what happened, see it drawn, and see when (or whether) to write next.

The log holds only the person's own actions and the other person's direct replies and requests.
Never what they post or share elsewhere: checking an ex's social media goes with more distress
(Marshall 2012), so the form gives it nowhere to go and the help line says why.

Every write goes through the store and is followed by `session.changed()`; the view redraws the
summary, the table and the chart once per revision. Notes are the person's private words: they are
shown as escaped text in the table and are never drawn on the chart.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from datetime import date, datetime

from .. import chart
from ..content import Labels
from ..errors import InvalidInput, WorkbookError
from ..guidance import GuidanceRules
from ..model import (
    MAX_NOTE_LENGTH,
    Assessment,
    Band,
    Channel,
    Event,
    EventKind,
    Tone,
    long_date,
    parse_enum,
    quantity,
    short_datetime,
)
from . import widgets as w
from .aria import NAMED_ROW, ROW_NAME
from .fields import choice_field, date_field, dropdown_field, text_field, time_field
from .session import Session
from .theme import heading, note
from .view import Message, View

__all__ = ["EventForm", "EventRow", "TimelineView", "picture_html", "summary_line"]

ROW_LIMIT = 50  # rows shown before "Show all": keeps the page light with a long log
PHONE_WIDTH_PX = 600  # at or below this screen width the compact chart is shown

HELP_LINE = (
    "Log what you did, and what they said or did to you directly: a reply, a request, a block. "
    "Leave out what they post or share elsewhere; keeping an eye on that tends to make the hurt last."
)
NO_DATE = {
    Band.SAFETY_FIRST: "No date: your safety comes first, and you owe them no message.",
    Band.RESPECT_THEIR_WISHES: (
        "No date: what they have said or done asks you to leave them be, so there is no next message to plan."
    ),
    Band.BALL_IN_THEIR_COURT: (
        "No date: your messages have had no answer, or their last reply was cold, so the next word is theirs."
    ),
    Band.NOT_YET: "No date yet: the readiness card says what to look at first.",
}
# Kinds whose channel is worth noting but not required (model.Event requires it for the others).
OPTIONAL_CHANNEL = (EventKind.ASKED_TO_STOP, EventKind.ASKED_FOR_SPACE, EventKind.SAID_NO, EventKind.MET)
NOT_NOTED = ("Not noted", "")
# What a cold reply may have asked, and the event each logs beside it ("" logs only the reply).
COLD_REPLY_REQUESTS = [
    ("They asked me to leave them alone", EventKind.ASKED_TO_STOP.value),
    ("They asked for space", EventKind.ASKED_FOR_SPACE.value),
    ("Neither, or I am not sure", ""),
]


def summary_line(assessment: Assessment | None, today: date, rules: GuidanceRules) -> str:
    """The earliest date for the next message, or why there is none."""
    if assessment is None:
        return ""
    earliest = assessment.earliest_contact
    if earliest is None:
        title = rules.bands[assessment.band].title
        return NO_DATE.get(assessment.band, f"No date: {title}.")
    if earliest <= today:
        return f"Earliest date for your next message: today, {long_date(today)}."
    days = (earliest - today).days
    return (
        f"Earliest date for your next message: {long_date(earliest)} "
        f"({quantity(days, 'day', 'days')} from now)."
    )


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def picture_html(wide: bytes, compact: bytes, alt: str, theme: str = "light") -> str:
    """Both pictures, the browser picking by screen width: a wide chart shrunk to a phone is unreadable.

    `theme` ("light" or "dark") is the palette they were drawn in: the stylesheet shows the one
    that matches the page (workbook/ui/theme.py), as a <picture> media query could not in JupyterLab.
    """
    return (
        f'<picture class="wb-chart-picture wb-chart-{html.escape(theme)}">'
        f'<source media="(max-width: {PHONE_WIDTH_PX}px)" '
        f'srcset="{_data_url(compact)}"><img class="wb-chart-image" src="{_data_url(wide)}" '
        f'alt="{html.escape(alt)}"></picture>'
    )


class EventForm:
    """Log one event, or edit one. Checks as you type; Save stays disabled while anything is wrong."""

    def __init__(self, session: Session, on_saved: Callable[[], None], heading_level: int = 4):
        self.session = session
        self.on_saved = on_saved
        self.labels = session.content.labels
        self.editing: int | None = None  # the id of the event being edited, or None when adding
        self._loading = False  # True while the form is filled in by code, not by the person
        self._pristine = True  # nothing typed since the form was reset or saved

        narrow = "360px"
        kind = choice_field("What happened?", self.labels.options(EventKind), css=["wb-event-kind-field"])
        day = date_field("Date", css=["wb-event-day-field"], max_width=narrow)
        time = time_field("Time", css=["wb-event-time-field"], max_width=narrow)
        channel = dropdown_field("How", [], css=["wb-event-channel-field"], max_width=narrow)
        tone = choice_field("How did their message feel?", self.labels.options(Tone))
        # A cold reply may carry a request (DESIGN.md): asked at the same time, logged with the reply.
        request = choice_field("Did they ask you for anything?", COLD_REPLY_REQUESTS)
        note_field = text_field(
            "Note",
            placeholder="A few words, only for you (optional)",
            css=["wb-event-note-field"],
            max_width=narrow,
        )
        self.kind, self.day, self.time = kind.control, day.control, time.control
        self.channel, self.tone, self.request = channel.control, tone.control, request.control
        self.note = note_field.control
        self.request_box = request.widget
        w.show(self.request_box, False)
        self.tone_box = w.VBox([tone.widget, self.request_box])
        self.save = w.Button(description="Log this event", button_style="primary", icon="check")
        self.save.add_class("wb-save-event")
        for control, cls in (
            (self.kind, "kind"),
            (self.day, "day"),
            (self.time, "time"),
            (self.channel, "channel"),
            (self.tone, "tone"),
            (self.request, "request"),
            (self.note, "note"),
        ):
            control.add_class(f"wb-event-{cls}")
        self.cancel = w.Button(description="Cancel edit")
        w.show(self.cancel, False)
        self.cancel.add_class("wb-cancel-edit")
        self.message = Message("error")
        self.saved = Message("saved")

        for control in (self.day, self.time, self.channel, self.tone, self.note, self.request):
            control.observe(lambda _c: self._changed(), names="value")
        self.kind.observe(lambda _c: self._kind_changed(), names="value")
        self.save.on_click(lambda _b: self.submit())
        self.cancel.on_click(lambda _b: self.reset())

        self.widget = w.VBox(
            [
                heading("Log what happened", heading_level),
                note(HELP_LINE, "help"),
                kind.widget,
                day.widget,
                time.widget,
                channel.widget,
                self.tone_box,
                note_field.widget,
                w.HBox([self.save, self.cancel]).add_class("wb-wrap"),
                self.message,
                self.saved,
            ]
        )
        self.widget.add_class("wb-card")
        self.widget.add_class("wb-event-form")
        self.reset()

    # -- filling the form

    def reset(self) -> None:
        """Back to adding a new event, now, with the choices cleared."""
        now = self.session.now()
        self._fill(kind=None, at=now, channel=None, tone=None, text="")
        self.editing = None
        self.save.description = "Log this event"
        w.show(self.cancel, False)
        self.message.value = ""
        self._pristine = True
        self.save.disabled = True  # nothing to save until something is chosen

    def load(self, event_id: int, event: Event) -> None:
        """Put a logged event into the form; Save then updates it."""
        self._fill(event.kind, event.at, event.channel, event.tone, event.note)
        self.editing = event_id
        self.save.description = "Save changes"
        w.show(self.cancel)
        self.saved.value = (
            f"Editing the event of {short_datetime(event.at)}: change what you need, then save."
        )
        self._pristine = False
        self.validate()

    def _fill(
        self,
        kind: EventKind | None,
        at: datetime,
        channel: Channel | None,
        tone: Tone | None,
        text: str,
    ) -> None:
        self._loading = True
        try:
            self.kind.value = kind.value if kind else None
            self._offer_channels()
            self.day.value = at.date()
            self.time.value = at.time().replace(second=0, microsecond=0)
            self.channel.value = channel.value if channel else (None if self._channel_required() else "")
            self.tone.value = tone.value if tone else None
            self.request.value = None
            self.note.value = text
        finally:
            self._loading = False

    # -- reacting to the person

    def _kind_changed(self) -> None:
        loading, self._loading = self._loading, True
        try:
            self._offer_channels()
        finally:
            self._loading = loading
        self._changed()

    def _offer_channels(self) -> None:
        """`all` only goes with a block; the channel is optional where the model does not need it."""
        kind = self._kind()
        exclude = () if kind is EventKind.BLOCKED else (Channel.ALL,)
        options = self.labels.options(Channel, exclude=exclude)
        if kind in OPTIONAL_CHANNEL:
            options = [NOT_NOTED, *options]
        current = self.channel.value
        self.channel.options = options
        values = [value for _label, value in options]
        self.channel.value = current if current in values else ("" if kind in OPTIONAL_CHANNEL else None)
        w.show(self.tone_box, kind is EventKind.RECEIVED)

    def _asks_for_request(self) -> bool:
        """Only when adding a cold reply: an edited reply keeps the events already logged with it."""
        return (
            self.editing is None
            and self._kind() is EventKind.RECEIVED
            and self.tone.value == Tone.NEGATIVE.value
        )

    def _changed(self) -> None:
        w.show(self.request_box, self._asks_for_request())
        if self._loading:
            return
        self._pristine = False
        self.saved.value = ""
        self.validate()

    def _kind(self) -> EventKind | None:
        return EventKind(self.kind.value) if self.kind.value else None

    def _channel_required(self) -> bool:
        return self._kind() not in OPTIONAL_CHANNEL

    # -- checking and saving

    def read(self) -> Event:
        """The form as an Event, or InvalidInput saying what to fix."""
        if self.session.person is None:
            raise InvalidInput("Add a person first (step 0), then log what happened here.")
        if self.kind.value is None:
            raise InvalidInput("Please choose what happened.")
        if self.day.value is None:
            raise InvalidInput("Please choose the date; roughly is fine.")
        if self.time.value is None:
            raise InvalidInput("Please give the time, like 18:30; roughly is fine.")
        at = datetime.combine(self.day.value, self.time.value)
        if at > self.session.now():
            raise InvalidInput("That is in the future. Log things once they have happened.")
        if len(self.note.value) > MAX_NOTE_LENGTH:
            raise InvalidInput(f"Please keep the note under {MAX_NOTE_LENGTH:,} characters.")
        if self._asks_for_request() and self.request.value is None:
            raise InvalidInput("Please say whether they asked you for anything: it changes the advice.")
        return Event(
            kind=parse_enum(EventKind, self.kind.value, "What happened"),
            at=at,
            channel=Channel(self.channel.value) if self.channel.value else None,
            tone=Tone(self.tone.value) if self.tone.value and self._kind() is EventKind.RECEIVED else None,
            note=self.note.value.strip(),
        )

    def validate(self) -> Event | None:
        """Show what is wrong (if anything) and enable Save only for a valid event."""
        try:
            event = self.read()
        except WorkbookError as error:
            self.message.value = str(error)
            self.save.disabled = True
            return None
        self.message.value = ""
        self.save.disabled = False
        return event

    def submit(self) -> bool:
        if self._pristine:
            return False  # nothing changed since the last save: a double click logs nothing
        event = self.validate()
        if event is None:
            return False
        try:
            if self.editing is not None:
                self.session.store.update_event(self.editing, event)
            else:
                # The request is dated with the reply, so the advice counts from that moment.
                request = self.request.value if self._asks_for_request() else ""
                extra = [Event(EventKind(request), event.at, note="Asked in their reply")] if request else []
                self.session.store.add_events(self.session.person, [event, *extra])
        except WorkbookError as error:
            self.message.value = str(error)
            return False
        self.editing = None
        self.save.description = "Log this event"
        w.show(self.cancel, False)
        self._loading = True
        try:
            self.note.value = ""
        finally:
            self._loading = False
        self._pristine = True
        self.save.disabled = True
        self.on_saved()
        self.saved.value = "Saved"
        return True


class EventRow:
    """One logged event: when, what, how, their tone, your note as text, its flags, Edit and Delete."""

    def __init__(
        self,
        event_id: int,
        event: Event,
        flags: list[str],
        labels: Labels,
        on_edit: Callable[[int, Event], None],
        on_delete: Callable[[int], None],
    ):
        self.event_id = event_id
        self.event = event
        self.key = (event_id, event, tuple(flags))
        self.on_delete = on_delete
        parts = [short_datetime(event.at), labels(event.kind)]
        if event.channel:
            parts.append(labels(event.channel))
        if event.tone:
            parts.append(labels(event.tone))
        text = f'<div class="wb-event-line {ROW_NAME}"><b>{html.escape(parts[0])}</b> · '
        text += " · ".join(html.escape(part) for part in parts[1:]) + "</div>"
        if event.note:
            text += f'<div class="wb-event-note">{html.escape(event.note)}</div>'
        for flag in flags:
            text += f'<div class="wb-event-flag">&#9888; {html.escape(flag)}</div>'
        self.text = w.HTML(text)
        self.edit = w.Button(description="Edit", icon="pencil", tooltip="Edit this event")
        self.edit.add_class("wb-edit-event")
        self.delete = w.Button(description="Delete", icon="trash", tooltip="Delete this event")
        self.delete.add_class("wb-delete-event")
        self.edit.on_click(lambda _b: on_edit(event_id, event))
        self.delete.on_click(lambda _b: self.ask())
        self.buttons = w.HBox([self.edit, self.delete]).add_class("wb-wrap")
        self.confirm: list[w.Widget] = []  # made only when asked, to keep the widget count low
        self.yes: w.Button | None = None
        self.no: w.Button | None = None
        self.widget = w.VBox([self.text, self.buttons])
        self.widget.add_class("wb-event-row")
        self.widget.add_class(NAMED_ROW)  # its buttons say which event they are for (aria.py)
        if flags:
            self.widget.add_class("wb-event-flagged")

    def ask(self) -> None:
        """Ask inline before deleting: a log entry is part of someone's story."""
        if self.yes is None:
            self.yes = w.Button(description="Yes", button_style="danger")
            self.yes.add_class("wb-confirm-delete")
            self.no = w.Button(description="No")
            self.no.add_class("wb-cancel-delete")
            question = note("Delete this event?", "prompt")
            self.yes.on_click(lambda _b: self.on_delete(self.event_id))
            self.no.on_click(lambda _b: self.keep())
            self.confirm = [question, self.yes, self.no]
        self.buttons.children = self.confirm

    def keep(self) -> None:
        if self.buttons.children != (self.edit, self.delete):
            self.buttons.children = [self.edit, self.delete]

    def close(self) -> None:
        for widget in (self.text, self.edit, self.delete, *self.confirm, self.buttons, self.widget):
            widget.close()


class TimelineView(View):
    """The summary, the chart, the form and the log for the chosen person, redrawn on every change.

    Its title is a heading of `heading_level` (3 under a dashboard step's h2, 2 under a notebook's
    h1), the form's and the log's one level below, so headings never skip a level."""

    def __init__(self, session: Session, heading_level: int = 3):
        self.labels = session.content.labels
        self.rows: list[EventRow] = []
        self.summary = note("", "prompt")
        self.summary.add_class("wb-timeline-summary")
        self.problem = note("", "error")
        self.chart = w.Output(layout=w.Layout(width="100%"))
        self.chart.add_class("wb-chart")
        self.form = EventForm(session, on_saved=session.changed, heading_level=heading_level + 1)
        self.show_all = w.ToggleButton(value=False, description="Show all")
        w.show(self.show_all, False)
        self.show_all.add_class("wb-show-all")
        self.show_all.observe(lambda _c: self._show_all_changed(), names="value")
        self.row_box = w.VBox([])
        self.nothing_logged = note("Nothing logged yet.", "help")
        self.table = w.VBox(
            [heading("Your log, newest first", heading_level + 1), self.row_box, self.show_all]
        )
        self.table.add_class("wb-events-table")
        super().__init__(
            session,
            "wb-timeline",
            needs_person=False,  # the summary says to add a person first
            body=[
                heading("Your contact timeline", heading_level),
                self.summary,
                self.problem,
                self.chart,
                self.form.widget,
                self.table,
            ],
        )
        self.on_revision(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Redraw everything from the store: once per saved change."""
        self.problem.value = ""
        try:
            events = self.session.events()
            if self.form.editing is not None and self.form.editing not in {i for i, _e in events}:
                self.form.reset()  # the event being edited is gone (deleted, or another person chosen)
            self.summary.value = summary_line(
                self.session.assessment(), self.session.today(), self.session.content.rules
            )
            self._render_table()
            self._render_chart()
        except WorkbookError as error:
            self.problem.value = str(error)
        if self.session.person is None:
            self.summary.value = "Add a person first (step 0), then log what happened here."
            self.form.save.disabled = True

    def _flag_texts(self) -> dict[Event, list[str]]:
        """Each flagged event and the plain words for its flags, matching events by equality."""
        assessment = self.session.assessment()
        if assessment is None:
            return {}
        texts = self.session.content.rules.flag_texts
        flagged: dict[Event, list[str]] = {}
        for flag in assessment.flags:
            for event in flag.events:
                flagged.setdefault(event, []).append(texts[flag.code])
        return flagged

    def _show_all_changed(self) -> None:
        try:
            self._render_table()
        except WorkbookError as error:
            self.problem.value = str(error)

    def _render_table(self) -> None:
        events = list(reversed(self.session.events()))
        limit = len(events) if self.show_all.value else ROW_LIMIT
        flagged = self._flag_texts()
        # A row whose event and flags did not change is reused: one change costs one new row.
        previous = {row.key: row for row in self.rows}
        self.rows = []
        for event_id, event in events[:limit]:
            flags = flagged.get(event, [])
            row = previous.pop((event_id, event, tuple(flags)), None)
            if row is None:
                row = EventRow(event_id, event, flags, self.labels, self.form.load, self.delete)
            row.keep()
            self.rows.append(row)
        for row in previous.values():
            row.close()
        self.row_box.children = [row.widget for row in self.rows] if events else [self.nothing_logged]
        w.show(self.show_all, len(events) > ROW_LIMIT)
        self.show_all.description = (
            f"Show only the latest {ROW_LIMIT}" if self.show_all.value else f"Show all {len(events)} events"
        )

    def _render_chart(self) -> None:
        """Replace the picture in one step (clear_output(wait=True) + display, without a kernel)."""
        person = self.session.current()
        assessment = self.session.assessment()
        if person is None or assessment is None:
            self.chart.outputs = ()
            return
        today = self.session.today()
        rules = self.session.content.rules
        try:
            # Light and dark from one drawing each (chart.timeline_pngs recolours, it does not redraw).
            wide = chart.timeline_pngs(person, assessment, today, rules, chart.WIDE)
            compact = chart.timeline_pngs(person, assessment, today, rules, chart.COMPACT)
        except Exception:  # a picture that fails must not take the log down with it
            self.chart.outputs = ()
            self.problem.value = "The chart could not be drawn this time; your log is safe below."
            return
        alt = chart.describe_timeline(person, assessment, today)
        self.chart.outputs = (
            {
                "output_type": "display_data",
                "data": {
                    "text/html": picture_html(wide[0], compact[0], alt, "light")
                    + picture_html(wide[1], compact[1], alt, "dark"),
                    "text/plain": alt,
                },
                "metadata": {},
            },
        )

    def delete(self, event_id: int) -> None:
        try:
            self.session.store.delete_event(event_id)
        except WorkbookError as error:
            self.problem.value = str(error)
            return
        if self.form.editing == event_id:
            self.form.reset()
        self.session.changed()
