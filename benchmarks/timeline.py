"""The timeline at scale: assess and draw 100, 1,000 and 10,000 events; export and import 10,000.

The log is synthetic but shaped like a real one, so every code path runs: messages on several
channels, replies in all three tones, meetings, some late-night and double texts (flags), all spread
over the years the events need. 10,000 is the most an export may hold per person (transfer.MAX_EVENTS).
Each size is timed `timeline_repeats` times and the median kept; matplotlib's import is paid once,
before any timing, as a running kernel would have paid it already.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

from workbook.chart import timeline_png
from workbook.content import load_content
from workbook.guidance import assess
from workbook.model import (
    Channel,
    Event,
    EventKind,
    Goal,
    Person,
    Relationship,
    Situation,
    Tone,
    WhatHappened,
)
from workbook.store import Store
from workbook.transfer import dumps

from . import Sizes
from .report import Figure

ENDED_ON = date(2015, 1, 10)
FIRST_EVENT = datetime(2015, 3, 1, 9, 30)
NEAR_LINEAR = 1.5  # 10x the events may cost up to 15x the time and still count as near linear
ANSWERS = {
    "motive_genuine_care": 5,
    "motive_guilt": 2,
    "motive_loneliness": 2,
    "motive_boredom": 1,
    "motive_attention": 1,
    "clarity_reason": 4,
    "clarity_changed": 4,
    "accept_no": 4,
    "empathy_hurt": 4,
    "calm_waiting": 4,
}
_CHANNELS = (Channel.TEXT, Channel.EMAIL, Channel.CALL, Channel.LETTER)
_TONES = (Tone.POSITIVE, Tone.NEUTRAL, Tone.POSITIVE, Tone.NEGATIVE)


def _event(i: int, at: datetime) -> Event:
    """A repeating week of contact: mostly a message and a reply, now and then a meeting, a late
    message or a second message before any answer (so the pacing flags have work to do)."""
    phase = i % 10
    channel = _CHANNELS[(i // 10) % len(_CHANNELS)]
    if phase in (1, 4, 7):
        return Event(EventKind.RECEIVED, at, channel, _TONES[(i // 3) % len(_TONES)], note=f"reply {i}")
    if phase == 9:
        return Event(EventKind.MET, at, Channel.IN_PERSON, note="coffee")
    if phase == 5:  # late at night
        return Event(EventKind.SENT, at.replace(hour=1), channel, note=f"late {i}")
    return Event(EventKind.SENT, at, channel, note=f"message {i}")


def synthetic_person(event_count: int, name: str = "Scale (example)") -> tuple[Person, date]:
    """A person with this many events, and the day after the last one (the `today` to assess on)."""
    # Spread so that 10,000 events cover about seven years: hours apart, never on the same minute.
    step = timedelta(hours=6, minutes=7)
    events = tuple(_event(i, FIRST_EVENT + i * step) for i in range(event_count))
    situation = Situation(
        name=name,
        relationship=Relationship.FRIEND,
        what_happened=WhatHappened.I_PUSHED_AWAY,
        ended_on=ENDED_ON,
        goal=Goal.FRIENDSHIP,
    )
    today = (events[-1].at if events else FIRST_EVENT).date() + timedelta(days=1)
    return Person(situation=situation, answers=ANSWERS, events=events), today


def _median_s(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timeline_at_scale(sizes: Sizes) -> list[Figure]:
    rules = load_content().rules
    warm, warm_today = synthetic_person(10)
    timeline_png(warm, assess(warm, warm_today, rules), warm_today, rules)  # matplotlib imported here
    seconds: dict[int, dict[str, float]] = {}
    for count in sizes.event_counts:
        person, today = synthetic_person(count)
        assessment = assess(person, today, rules)
        assess_s = _median_s(lambda p=person, t=today: assess(p, t, rules), sizes.timeline_repeats)
        chart_s = _median_s(
            lambda p=person, a=assessment, t=today: timeline_png(p, a, t, rules), sizes.timeline_repeats
        )
        seconds[count] = {
            "assess_s": assess_s,
            "chart_s": chart_s,
            "total_s": assess_s + chart_s,
            "flags": len(assessment.flags),
        }
    figures = [
        Figure(
            key=f"timeline_{count}",
            title=f"assess + draw the chart, {count:,} events",
            value=numbers["total_s"],
            unit="s",
            goal="< 1 s" if count == max(sizes.event_counts) else "",
            met=numbers["total_s"] < 1.0 if count == max(sizes.event_counts) else None,
            benchmark="timeline",
            detail=numbers,
        )
        for count, numbers in seconds.items()
    ]
    small, large = sizes.event_counts[-2], sizes.event_counts[-1]
    growth = seconds[large]["total_s"] / seconds[small]["total_s"]
    limit = NEAR_LINEAR * large / small
    figures.append(
        Figure(
            key="timeline_growth",
            title=f"growth from {small:,} to {large:,} events ({large // small}× the events)",
            value=growth,
            unit="x",
            goal=f"near linear (≤ {limit:.0f}×)",
            met=growth <= limit,
            benchmark="timeline",
            detail={"seconds": {str(k): v for k, v in seconds.items()}},
        )
    )
    return figures + transfer_at_scale(sizes)


def transfer_at_scale(sizes: Sizes) -> list[Figure]:
    """Export (store → JSON text) and import (JSON text → validated → a new store) of one long log."""
    person, _ = synthetic_person(sizes.transfer_events)
    source = Store(memory=True)
    source.import_people([person])
    text = ""

    def export() -> None:
        nonlocal text
        text = dumps(source.export_people())

    export_s = _median_s(export, sizes.timeline_repeats)
    import_s = _median_s(lambda: Store(memory=True).import_file(text), sizes.timeline_repeats)
    events = f"{sizes.transfer_events:,} events"
    detail = {"events": sizes.transfer_events, "file_bytes": len(text.encode())}
    return [
        Figure(
            key="export_events",
            title=f"export {events} (store → JSON)",
            value=export_s,
            unit="s",
            goal="< 1 s",
            met=export_s < 1.0,
            benchmark="timeline",
            detail=detail,
        ),
        Figure(
            key="import_events",
            title=f"import {events} (JSON → checked → store)",
            value=import_s,
            unit="s",
            goal="< 1 s",
            met=import_s < 1.0,
            benchmark="timeline",
            detail=detail,
        ),
    ]
