"""The timeline chart: it builds for any log size, shows what matters, and never shows a note."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta

import pytest

from workbook.chart import describe_timeline, draw_timeline, timeline_png
from workbook.content import load_content
from workbook.guidance import assess
from workbook.model import (
    CORE_IDS,
    Assessment,
    Band,
    Channel,
    Event,
    EventKind,
    Flag,
    FlagCode,
    Goal,
    Person,
    Relationship,
    Situation,
    Tone,
    WhatHappened,
)

RULES = load_content().rules
TODAY = date(2026, 6, 1)
SECRET = "my private words"
READY = {key: 4 for key in CORE_IDS} | {
    "motive_guilt": 2,
    "motive_loneliness": 2,
    "motive_boredom": 1,
    "motive_attention": 1,
}


def person(events: tuple[Event, ...] = (), ended: date = date(2026, 4, 1), name: str = "Sam") -> Person:
    situation = Situation(name, Relationship.EX_PARTNER, WhatHappened.I_BROKE_UP, ended, Goal.FRIENDSHIP)
    return Person(situation, answers=READY, events=events)


def random_log(count: int, seed: int = 7) -> tuple[Event, ...]:
    rnd = random.Random(seed)
    start = datetime(2024, 1, 1)
    events = []
    for _ in range(count):
        kind = rnd.choice(list(EventKind))
        channel = Channel.ALL if kind is EventKind.BLOCKED else rnd.choice([Channel.TEXT, Channel.CALL])
        tone = rnd.choice(list(Tone)) if kind is EventKind.RECEIVED else None
        events.append(Event(kind, start + timedelta(minutes=rnd.randrange(0, 60 * 24 * 850)), channel, tone))
    return tuple(events)


THREE = (
    Event(EventKind.SENT, datetime(2026, 5, 12, 1, 0), Channel.TEXT, note=SECRET),  # late night
    Event(EventKind.RECEIVED, datetime(2026, 5, 14, 9, 0), Channel.TEXT, Tone.NEUTRAL, SECRET),
    Event(EventKind.SENT, datetime(2026, 5, 20, 9, 0), Channel.TEXT),
)


def draw(subject: Person):
    assessment = assess(subject, TODAY, RULES)
    return draw_timeline(subject, assessment, TODAY, RULES), assessment


def gids(figure) -> set[str]:
    return {artist.get_gid() for artist in figure.axes[0].get_children() if artist.get_gid()}


def texts(figure) -> list[str]:
    found = [text.get_text() for text in figure.findobj(lambda a: hasattr(a, "get_text"))]
    return [t for t in found if t]


def test_an_empty_log_still_shows_the_lanes_the_cooling_off_and_today():
    figure, _ = draw(person())
    ax = figure.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["Them", "You"]
    assert {"cooling_off", "today"} <= gids(figure)
    assert "Nothing logged yet" in texts(figure)
    assert ax.get_title(loc="left") and ax.get_xlabel() and ax.get_ylabel()


def test_three_events_each_in_their_lane_with_the_earliest_date_and_the_flag():
    figure, assessment = draw(person(THREE))
    assert assessment.earliest_contact == date(2026, 6, 19)  # the message of 20 May, given 30 days
    found = gids(figure)
    assert {"events:You sent", "events:They replied: neutral", "flags", "earliest", "today"} <= found
    lanes = {
        artist.get_gid(): {y for _x, y in artist.get_offsets()}
        for artist in figure.axes[0].collections
        if (artist.get_gid() or "").startswith("events:")
    }
    assert lanes == {"events:You sent": {1.0}, "events:They replied: neutral": {0.0}}
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    assert any("late night" in entry for entry in legend)
    assert "Earliest next message" in legend


def test_no_earliest_line_when_there_is_no_date():
    stop = (*THREE, Event(EventKind.ASKED_TO_STOP, datetime(2026, 5, 25, 10, 0)))
    figure, assessment = draw(person(stop))
    assert assessment.earliest_contact is None
    assert "earliest" not in gids(figure)
    assert "asked to stop" in texts(figure)  # a boundary is named in words, not only a shape


def test_a_request_for_space_is_drawn_and_named_in_words():
    space = (*THREE, Event(EventKind.ASKED_FOR_SPACE, datetime(2026, 5, 25, 10, 0)))
    figure, assessment = draw(person(space))
    assert assessment.earliest_contact == date(2026, 7, 24)  # 60 days from the request
    assert "events:They asked for space" in gids(figure)
    assert "asked for space" in texts(figure)


def test_notes_are_never_drawn():
    figure, _ = draw(person(THREE))
    assert not any(SECRET in text for text in texts(figure))
    assert SECRET not in describe_timeline(person(THREE), assess(person(THREE), TODAY, RULES), TODAY)


def test_dollars_in_the_name_are_shown_as_typed_not_as_maths():
    name = "Sam $x^2$ $$"
    figure, _ = draw(person(THREE, name=name))
    axes = figure.axes[0]
    assert axes.get_title(loc="left") == f"Contact timeline: {name}"
    title = axes._left_title  # the Text that holds it
    # Drawing it must not treat $x^2$ as mathtext (which would render "x²" or fail on "$$").
    figure.canvas.draw()
    assert not title.get_parse_math()
    png = timeline_png(person(THREE, name=name), assess(person(THREE), TODAY, RULES), TODAY, RULES)
    assert png.startswith(b"\x89PNG")


def test_three_hundred_events_draw_one_collection_per_category():
    figure, _ = draw(person(random_log(300)))
    categories = [c for c in figure.axes[0].collections if (c.get_gid() or "").startswith("events:")]
    assert 3 <= len(categories) <= 9  # sent, met, three tones, four boundaries
    assert sum(len(c.get_offsets()) for c in categories) == 300
    assert timeline_png(person(random_log(300)), assess(person(), TODAY, RULES), TODAY, RULES).startswith(
        b"\x89PNG"
    )


@pytest.mark.parametrize("count", [10_000])
def test_ten_thousand_events_draw_fast(count):
    subject = person(random_log(count))
    sends = tuple(e for e in subject.events if e.kind is EventKind.SENT)
    # Built by hand: this measures the drawing, not the guidance engine.
    assessment = Assessment(
        band=Band.WAIT,
        score=80,
        earliest_contact=TODAY + timedelta(days=10),
        flags=(Flag(FlagCode.DOUBLE_TEXT, sends[::3]), Flag(FlagCode.LATE_NIGHT, sends[::7])),
        next_step="",
        reasons=(),
        cooling_off_until=date(2026, 5, 1),
    )
    started = time.perf_counter()
    png = timeline_png(subject, assessment, TODAY, RULES)
    elapsed = time.perf_counter() - started
    print(f"{count} events: {elapsed:.2f} s, {len(png):,} bytes")
    assert png.startswith(b"\x89PNG")
