"""Step 7 driven in plain Python: log, edit and delete events; what is stored, what is shown."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import ipywidgets as w
import pytest

import workbook.chart
from workbook.content import load_content
from workbook.model import (
    CORE_IDS,
    Channel,
    Event,
    EventKind,
    FlagCode,
    Goal,
    Relationship,
    Situation,
    Tone,
    WhatHappened,
)
from workbook.store import Store
from workbook.ui.session import Session
from workbook.ui.timeline import ROW_LIMIT, TimelineView
from workbook.ui.widgets import is_hidden

NOW = datetime(2026, 6, 1, 12, 0)
HOSTILE = "<img src=x onerror=alert(1)>"
READY = {key: 4 for key in CORE_IDS} | {
    "motive_guilt": 2,
    "motive_loneliness": 2,
    "motive_boredom": 1,
    "motive_attention": 1,
}


REAL_PNG = workbook.chart.timeline_png
REAL_PNGS = workbook.chart.timeline_pngs


@pytest.fixture(autouse=True)
def quick_chart(monkeypatch):
    """Build the figure on every redraw but skip the PNG encoding, which tests/test_chart.py covers."""

    def build_only(person, assessment, today, rules=None, shape=workbook.chart.WIDE, dpi=110) -> bytes:
        workbook.chart.draw_timeline(person, assessment, today, rules or load_content().rules, shape)
        return b"\x89PNG not encoded in these tests"

    def build_only_both(
        person, assessment, today, rules=None, shape=workbook.chart.WIDE, dpi=110, palettes=()
    ):
        return (build_only(person, assessment, today, rules, shape), b"\x89PNG dark, not encoded")

    monkeypatch.setattr(workbook.chart, "timeline_png", build_only)
    monkeypatch.setattr(workbook.chart, "timeline_pngs", build_only_both)


@pytest.fixture
def session() -> Session:
    session = Session(Store(memory=True), clock=lambda: NOW)
    session.store.add_person(
        Situation("Sam", Relationship.EX_PARTNER, WhatHappened.I_BROKE_UP, date(2026, 4, 1), Goal.FRIENDSHIP)
    )
    session.choose("Sam")
    return session


@pytest.fixture
def view(session: Session) -> TimelineView:
    return TimelineView(session)


def fill(
    view: TimelineView,
    kind: str,
    day: date = date(2026, 5, 20),
    at: time = time(18, 30),
    channel: str | None = "text",
    tone: str | None = None,
    note: str = "",
) -> None:
    form = view.form
    form.kind.value = kind
    form.day.value = day
    form.time.value = at
    if channel is not None:
        form.channel.value = channel
    if tone is not None:
        form.tone.value = tone
    form.note.value = note


def stored(session: Session) -> list[Event]:
    return [event for _id, event in session.store.events("Sam")]


def walk(widget: w.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def row_texts(view: TimelineView) -> list[str]:
    return [row.text.value for row in view.rows]


# ----------------------------------------------------------------------------- logging


def test_a_sent_and_a_received_are_stored_and_listed_newest_first(session, view):
    fill(view, "sent", day=date(2026, 5, 10), note="Said happy birthday")
    assert not view.form.save.disabled
    view.form.save.click()
    fill(view, "received", day=date(2026, 5, 12), tone="positive", note="Thanked me")
    view.form.save.click()

    assert stored(session) == [
        Event(EventKind.SENT, datetime(2026, 5, 10, 18, 30), Channel.TEXT, note="Said happy birthday"),
        Event(EventKind.RECEIVED, datetime(2026, 5, 12, 18, 30), Channel.TEXT, Tone.POSITIVE, "Thanked me"),
    ]
    newest, oldest = row_texts(view)
    assert "Tue 12 May 2026, 18:30" in newest and "Thanked me" in newest and "Warm" in newest
    assert "Sun 10 May 2026, 18:30" in oldest and "Said happy birthday" in oldest


def test_saving_clears_the_note_says_saved_and_cannot_log_twice(session, view):
    fill(view, "sent", note="Hello")
    view.form.save.click()
    assert view.form.note.value == ""
    assert view.form.saved.value == "Saved"
    assert view.form.save.disabled
    view.form.save.click()
    assert len(stored(session)) == 1


def test_the_form_says_what_may_be_logged(view):
    help_lines = [widget.value for widget in walk(view.form.widget) if isinstance(widget, w.Label)]
    assert any("directly" in line and "post or share elsewhere" in line for line in help_lines)


def test_a_future_time_is_refused_inline_and_nothing_is_stored(session, view):
    fill(view, "sent", day=NOW.date(), at=time(12, 1))
    assert "future" in view.form.message.value
    assert "wb-error" in view.form.message._dom_classes
    assert view.form.save.disabled
    view.form.submit()
    assert stored(session) == []

    view.form.time.value = time(12, 0)  # now is fine
    assert view.form.message.value == ""
    assert not view.form.save.disabled


def test_a_reply_without_its_tone_is_refused_inline(session, view):
    fill(view, "received")
    assert "felt" in view.form.message.value
    assert view.form.save.disabled
    view.form.submit()
    assert stored(session) == []


def test_the_tone_is_asked_only_for_a_reply(view):
    view.form.kind.value = "sent"
    assert is_hidden(view.form.tone_box)
    view.form.kind.value = "received"
    assert not is_hidden(view.form.tone_box)


def test_a_message_without_its_channel_is_refused_inline(session, view):
    fill(view, "sent", channel=None)
    assert "channel" in view.form.message.value
    view.form.submit()
    assert stored(session) == []


def test_everywhere_is_offered_only_for_a_block(session, view):
    def offered() -> list[str]:
        return [value for _label, value in view.form.channel.options]

    for kind in ("sent", "received", "asked_to_stop", "said_no", "met"):
        view.form.kind.value = kind
        assert "all" not in offered(), kind
    view.form.kind.value = "blocked"
    assert "all" in offered()
    view.form.channel.value = "all"
    view.form.kind.value = "sent"  # "everywhere" cannot carry over to a message
    assert view.form.channel.value is None

    fill(view, "blocked", channel="all")
    view.form.save.click()
    assert stored(session)[0].blocks_all


def test_a_boundary_can_be_logged_without_a_channel(session, view):
    fill(view, "asked_to_stop", channel=None)
    assert view.form.channel.value == ""
    view.form.save.click()
    assert stored(session) == [Event(EventKind.ASKED_TO_STOP, datetime(2026, 5, 20, 18, 30))]


# ----------------------------------------------------------------------------- edit and delete


def test_edit_loads_the_event_and_save_updates_it(session, view):
    fill(view, "sent", note="First try")
    view.form.save.click()
    view.rows[0].edit.click()
    assert view.form.note.value == "First try"
    assert view.form.save.description == "Save changes"

    view.form.note.value = "Short and kind"
    view.form.channel.value = "email"
    view.form.save.click()

    assert stored(session) == [
        Event(EventKind.SENT, datetime(2026, 5, 20, 18, 30), Channel.EMAIL, note="Short and kind")
    ]
    assert view.form.editing is None
    assert "Short and kind" in row_texts(view)[0]


def test_delete_asks_first_and_no_keeps_the_event(session, view):
    fill(view, "sent")
    view.form.save.click()
    row = view.rows[0]
    row.delete.click()
    question = [wd.value for wd in walk(row.widget) if isinstance(wd, w.Label)]
    assert "Delete this event?" in question
    assert len(stored(session)) == 1

    row.no.click()
    assert len(stored(session)) == 1
    assert row.delete in row.buttons.children

    row.delete.click()
    row.yes.click()
    assert stored(session) == []
    assert view.rows == []


def test_deleting_the_event_being_edited_resets_the_form(session, view):
    fill(view, "sent", note="Oops")
    view.form.save.click()
    view.rows[0].edit.click()
    view.rows[0].delete.click()
    view.rows[0].yes.click()
    assert view.form.editing is None
    assert view.form.note.value == ""


# ----------------------------------------------------------------------------- what is shown


def test_a_note_is_shown_as_text_never_as_markup(session, view):
    fill(view, "sent", note=HOSTILE)
    view.form.save.click()
    assert stored(session)[0].note == HOSTILE

    html_values = [wd.value for wd in walk(view.widget) if isinstance(wd, w.HTML | w.HTMLMath)]
    html_values += [out["data"]["text/html"] for out in view.chart.outputs]
    assert all("<img src=x" not in value for value in html_values)
    assert "&lt;img src=x onerror=alert(1)&gt;" in row_texts(view)[0]


def test_a_flag_is_shown_on_its_row_in_plain_words(session, view):
    fill(view, "sent", at=time(1, 30))  # late at night, and inside the cooling-off period
    view.form.save.click()
    texts = load_content().rules.flag_texts
    row = row_texts(view)[0]
    assert texts[FlagCode.LATE_NIGHT] in row
    assert texts[FlagCode.INSIDE_COOLING_OFF] not in row  # 20 May is after the period (1 May)
    assert "wb-event-flagged" in view.rows[0].widget._dom_classes


def test_a_long_log_shows_the_latest_rows_until_show_all(session, view):
    start = datetime(2025, 1, 1, 9, 0)
    for n in range(ROW_LIMIT + 70):
        session.store.add_event("Sam", Event(EventKind.SENT, start + timedelta(days=n), Channel.TEXT))
    session.changed()
    assert len(view.rows) == ROW_LIMIT
    assert view.rows[0].event.at == start + timedelta(days=ROW_LIMIT + 69)
    assert not is_hidden(view.show_all)

    view.show_all.value = True
    assert len(view.rows) == ROW_LIMIT + 70
    view.show_all.value = False
    assert len(view.rows) == ROW_LIMIT


def test_one_change_builds_one_new_row_and_keeps_the_others(view):
    fill(view, "sent")
    view.form.save.click()
    first = view.rows[0]
    fill(view, "received", day=date(2026, 5, 21), tone="neutral")
    view.form.save.click()
    assert view.rows[1] is first


def test_the_summary_gives_no_date_while_the_reflection_is_unfinished(view):
    assert view.summary.value.startswith("No date")


def test_the_summary_gives_the_earliest_date_when_there_is_one(session):
    for key, value in READY.items():
        session.store.set_answer("Sam", key, value)
    session.store.add_event("Sam", Event(EventKind.SENT, datetime(2026, 5, 20, 9, 0), Channel.TEXT))
    session.changed()
    view = TimelineView(session)
    # The unanswered message of 20 May is given 30 days.
    assert view.summary.value == (
        "Earliest date for your next message: Friday 19 June 2026 (18 days from now)."
    )


def test_without_a_person_nothing_can_be_logged(session):
    session.store.delete_person("Sam")
    session.choose(None)
    view = TimelineView(session)
    assert view.summary.value.startswith("Add a person first")
    assert view.chart.outputs == ()
    fill(view, "sent")
    assert view.form.save.disabled
    view.form.submit()
    assert session.store.people() == []


def test_the_chart_is_redrawn_once_per_change(session, monkeypatch):
    draws: list[tuple[int, object]] = []
    real = workbook.chart.draw_timeline

    def counting(person, assessment, today, rules, shape):
        draws.append((len(person.events), shape))
        return real(person, assessment, today, rules, shape)

    def per_change() -> list[int]:  # one wide and one compact picture per change
        assert [shape for _n, shape in draws] == [workbook.chart.WIDE, workbook.chart.COMPACT] * (
            len(draws) // 2
        )
        return [n for n, shape in draws if shape is workbook.chart.WIDE]

    monkeypatch.setattr(workbook.chart, "draw_timeline", counting)
    view = TimelineView(session)
    assert per_change() == [0]
    fill(view, "sent")
    view.form.save.click()
    assert per_change() == [0, 1]
    view.rows[0].edit.click()
    view.form.note.value = "Changed"
    view.form.save.click()
    assert per_change() == [0, 1, 1]
    view.rows[0].delete.click()
    view.rows[0].yes.click()
    assert per_change() == [0, 1, 1, 0]
    view.show_all.value = True  # only the table changes
    assert len(draws) == 8


def test_the_chart_offers_a_wide_and_a_phone_picture_with_alt_text(session, monkeypatch):
    monkeypatch.setattr(workbook.chart, "timeline_png", REAL_PNG)
    monkeypatch.setattr(workbook.chart, "timeline_pngs", REAL_PNGS)
    view = TimelineView(session)
    (output,) = view.chart.outputs
    picture = output["data"]["text/html"]
    assert (
        picture.count("data:image/png;base64,iVBORw0KGgo") == 4
    )  # real PNGs: wide and phone, light and dark
    assert "wb-chart-light" in picture and "wb-chart-dark" in picture
    assert '<source media="(max-width: 600px)"' in picture
    assert "Contact timeline" in output["data"]["text/plain"]  # the alt text, for screen readers


def test_the_view_carries_the_classes_the_browser_tests_look_for(view):
    classes = {name for wd in walk(view.widget) for name in getattr(wd, "_dom_classes", ())}
    assert {"wb-timeline", "wb-event-form", "wb-save-event", "wb-events-table"} <= classes
    assert "wb-chart" in view.chart._dom_classes


# --- A cold reply may carry a request -------------------------------------------------------------


def test_a_cold_reply_asks_whether_they_asked_for_anything(view: TimelineView):
    fill(view, "received", tone="neutral")
    assert is_hidden(view.form.request_box)
    view.form.tone.value = "negative"
    assert not is_hidden(view.form.request_box)
    assert view.form.save.disabled and "asked you for anything" in view.form.message.value


def test_they_asked_for_space_is_logged_with_the_reply_and_changes_the_card(session, view):
    before = session.assessment()
    fill(view, "received", tone="negative")
    view.form.request.value = "asked_for_space"
    assert view.form.submit()
    reply, space = stored(session)
    assert (reply.kind, space.kind) == (EventKind.RECEIVED, EventKind.ASKED_FOR_SPACE)
    assert reply.at == space.at
    after = session.assessment()
    assert after.band != before.band and after.earliest_contact is None


def test_they_asked_to_be_left_alone_is_logged_as_asked_to_stop(session, view):
    fill(view, "received", tone="negative")
    view.form.request.value = "asked_to_stop"
    assert view.form.submit()
    assert [e.kind for e in stored(session)] == [EventKind.RECEIVED, EventKind.ASKED_TO_STOP]
    assert session.assessment().band.value == "respect_their_wishes"


def test_neither_logs_only_the_reply(session, view):
    fill(view, "received", tone="negative")
    view.form.request.value = ""
    assert view.form.submit()
    assert [e.kind for e in stored(session)] == [EventKind.RECEIVED]
