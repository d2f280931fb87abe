"""The timeline chart: it builds for any log size, shows what matters, and never shows a note."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta

import pytest

from workbook.chart import (
    DARK_PALETTE,
    LIGHT_PALETTE,
    ChartPalette,
    describe_timeline,
    draw_timeline,
    timeline_png,
    timeline_pngs,
)
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


# --- Light and dark ------------------------------------------------------------------------------


def _relative_luminance(colour: str | tuple[float, ...]) -> float:
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio, as axe-core computes it for text."""
    high, low = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


TEXT_ROLES = ("ink", "muted")  # drawn as text on the chart
MARK_ROLES = ("sent", "met", "warm", "neutral", "cold", "asked_to_stop", "said_no", "blocked", "flag", "line")


@pytest.mark.parametrize("palette", [LIGHT_PALETTE, DARK_PALETTE], ids=["light", "dark"])
def test_each_palette_reads_on_its_own_background(palette: ChartPalette):
    """Text 4.5:1 (WCAG AA), marks 3:1 (non-text contrast) — or, on white, an ink outline that is."""
    for role in TEXT_ROLES:
        assert contrast(getattr(palette, role), palette.background) >= 4.5, role
    for role in MARK_ROLES:
        ratio = contrast(getattr(palette, role), palette.background)
        outlined = contrast(palette.ink, palette.background) >= 4.5  # markers carry an ink edge
        assert ratio >= 3.0 or (outlined and palette is LIGHT_PALETTE), f"{role}: {ratio:.2f}"
    assert contrast(palette.ink, palette.background) >= 7  # the axes and the title


def test_the_dark_chart_matches_the_app_dark_page():
    from workbook.ui.theme import DARK, LIGHT

    assert DARK_PALETTE.background == DARK["bg"]
    assert LIGHT_PALETTE.background == LIGHT["bg"]
    # One visual language: the charts' text, grid and line are the page's own colours.
    for palette, page in ((LIGHT_PALETTE, LIGHT), (DARK_PALETTE, DARK)):
        assert (palette.ink, palette.muted, palette.grid) == (page["text"], page["muted"], page["rule"])
    assert LIGHT_PALETTE.line == LIGHT["primary"] and DARK_PALETTE.line == DARK["link"]


def _pixels(png: bytes):
    import io

    from matplotlib import image

    return image.imread(io.BytesIO(png), format="png")


def test_light_and_dark_pictures_come_from_one_drawing_with_the_layout_worked_out_once(monkeypatch):
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    runs = []
    original = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(
        ConstrainedLayoutEngine, "execute", lambda self, fig: runs.append(1) or original(self, fig)
    )
    subject = person(THREE)
    light, dark = timeline_pngs(subject, assess(subject, TODAY, RULES), TODAY, RULES)
    assert len(runs) == 1  # the dark picture reuses the light one's layout
    light_px, dark_px = _pixels(light), _pixels(dark)
    assert light_px.shape == dark_px.shape
    assert light_px[2, 2, :3].tolist() == pytest.approx([1.0, 1.0, 1.0])  # white corner
    assert _relative_luminance(tuple(float(c) for c in dark_px[2, 2, :3])) < 0.02  # a dark corner


def test_recolouring_gives_the_picture_drawn_in_dark_from_the_start():
    """Every colour on the chart comes from the palette: none is left in its light colour."""
    import numpy as np

    subject = person(THREE + (Event(EventKind.SAID_NO, datetime(2026, 5, 22, 9), Channel.TEXT),))
    assessment = assess(subject, TODAY, RULES)
    recoloured = _pixels(timeline_pngs(subject, assessment, TODAY, RULES)[1])
    direct = _pixels(timeline_png(subject, assessment, TODAY, RULES, palette=DARK_PALETTE))
    differs = np.abs(recoloured - direct).max(axis=2) > 0.02
    assert differs.mean() < 0.001, f"{differs.mean():.2%} of the pixels differ"


def test_a_palette_that_splits_a_shared_colour_is_refused():
    from dataclasses import replace

    from workbook.chart import recolour

    subject = person(THREE)
    figure = draw_timeline(subject, assess(subject, TODAY, RULES), TODAY, RULES)
    split = replace(DARK_PALETTE, warm="#ff0000")  # warm and met share a colour in the light palette
    with pytest.raises(ValueError, match="shared"):
        recolour(figure, LIGHT_PALETTE, split)
