"""The contact timeline as a picture: who reached out when, the cooling-off period, the pacing flags.

Theory of operation
-------------------
`draw_timeline` returns a `matplotlib.figure.Figure` built directly (never through pyplot), so no
global figure state leaks between calls and it renders the same in a kernel, under Voila or in a
test. matplotlib is imported inside the functions: the command line imports this package without
paying for it.

Two lanes: "You" (what you sent, and meetings you both agreed to) and "Them" (their direct replies,
coloured and shaped by tone, and their boundaries: asked to stop, asked for space, said no,
blocked). Each category is one `scatter` call however many events it holds, so 10,000 events draw
about as fast as 10. The palette is Okabe-Ito (safe for the common kinds of colour blindness) and
every category also has its own marker shape, so nothing depends on colour alone.

There are two shapes: `WIDE` (9 x 3.2 inches, for a laptop) and `COMPACT` (for a phone, where a wide
picture scaled down to 360 px would have unreadable text). The page offers both and lets the browser
choose by screen width.

Event notes are private writing: they are never drawn here; the table under the chart shows them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from .model import Assessment, Event, EventKind, Person, Tone

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .guidance import GuidanceRules

__all__ = [
    "COMPACT",
    "LANE_LABELS",
    "WIDE",
    "ChartShape",
    "describe_timeline",
    "draw_timeline",
    "timeline_png",
    "warm_up",
]

LANE_LABELS = ("Them", "You")  # y = 0, y = 1
THEM, YOU = 0.0, 1.0
FLAG_HEIGHT = 1.32  # the warning mark sits just above a flagged message
BOUNDARY_LABEL_CAP = 12  # beyond this many boundary events, the legend alone names them


@dataclass(frozen=True)
class ChartShape:
    """Size and type sizes (points) for one screen width."""

    size: tuple[float, float]  # inches
    legend_columns: int
    legend_wrap: int  # characters per legend line
    text: float  # annotations and legend
    ticks: float
    title: float
    max_ticks: int


WIDE = ChartShape(size=(9.0, 3.2), legend_columns=3, legend_wrap=44, text=8.5, ticks=9, title=11, max_ticks=8)
COMPACT = ChartShape(
    size=(4.2, 4.4), legend_columns=2, legend_wrap=26, text=8, ticks=8.5, title=10, max_ticks=4
)


@dataclass(frozen=True)
class _Style:
    """How one category of event looks: colour and shape together, never colour alone."""

    label: str
    lane: float
    marker: str
    colour: str


# Okabe-Ito colours. Shapes: circle, diamond, up/square/down triangles for tone, and distinct
# symbols for the four boundaries they can set.
_SENT = _Style("You sent", YOU, "o", "#0072B2")
_MET = _Style("You met, both agreeing", YOU, "D", "#009E73")
_RECEIVED = {
    Tone.POSITIVE: _Style("They replied: warm", THEM, "^", "#009E73"),
    Tone.NEUTRAL: _Style("They replied: neutral", THEM, "s", "#7A7A7A"),
    Tone.NEGATIVE: _Style("They replied: upset or cold", THEM, "v", "#E69F00"),
}
_BOUNDARY = {
    EventKind.ASKED_TO_STOP: _Style("They asked you to stop", THEM, "H", "#D55E00"),
    # Sky blue, as the cooling-off shading: both are time you give them.
    EventKind.ASKED_FOR_SPACE: _Style("They asked for space", THEM, "p", "#56B4E9"),
    EventKind.SAID_NO: _Style("They said no", THEM, "X", "#000000"),
    EventKind.BLOCKED: _Style("They blocked you", THEM, r"$\oslash$", "#CC79A7"),
}
_BOUNDARY_WORDS = {
    EventKind.ASKED_TO_STOP: "asked to stop",
    EventKind.ASKED_FOR_SPACE: "asked for space",
    EventKind.SAID_NO: "said no",
    EventKind.BLOCKED: "blocked",
}
_INK = "#1f2328"
_MUTED = "#4b5563"
_FLAG_COLOUR = "#D55E00"
_COOLING_COLOUR = "#56B4E9"


def warm_up() -> None:
    """Import what drawing a chart needs (about 0.9 s of matplotlib), so that the first chart a
    person opens does not pay for it. Called by a pre-heated kernel while it waits for its visitor."""
    from matplotlib import dates, lines  # noqa: F401
    from matplotlib.backends import backend_agg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401


def _style(event: Event) -> _Style:
    if event.kind is EventKind.SENT:
        return _SENT
    if event.kind is EventKind.MET:
        return _MET
    if event.kind is EventKind.RECEIVED:
        return _RECEIVED[event.tone or Tone.NEUTRAL]
    return _BOUNDARY[event.kind]


def _marker_size(count: int) -> float:
    # Big enough to read with a few events, small enough not to become one blob with many.
    if count <= 50:
        return 70.0
    if count <= 500:
        return 32.0
    return 12.0


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def draw_timeline(
    person: Person,
    assessment: Assessment,
    today: date,
    rules: GuidanceRules,
    shape: ChartShape = WIDE,
) -> Figure:
    """The person's contact timeline as a matplotlib Figure (no pyplot, so safe under any backend)."""
    from matplotlib import dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    figure = Figure(figsize=shape.size, layout="constrained")
    FigureCanvasAgg(figure)  # attaches itself: savefig and draw work without pyplot
    ax = figure.add_subplot()
    events = sorted(person.events, key=lambda e: e.at)
    size = _marker_size(len(events))
    handles: list[object] = []

    # One scatter per category: the cost stays flat as the log grows.
    groups: dict[_Style, list[datetime]] = {}
    for event in events:
        groups.setdefault(_style(event), []).append(event.at)
    for style in (_SENT, _MET, *_RECEIVED.values(), *_BOUNDARY.values()):
        times = groups.get(style)
        if not times:
            continue
        xs = mdates.date2num(times)
        symbol = style.marker.startswith("$")
        ax.scatter(
            xs,
            [style.lane] * len(xs),
            s=size * (1.8 if symbol else 1.0),
            marker=style.marker,
            c=style.colour,
            edgecolors="none" if symbol else _INK,
            linewidths=0.5,
            alpha=0.9 if len(events) <= 500 else 0.6,
            zorder=3,
            gid=f"events:{style.label}",
        )
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=style.marker,
                markersize=8,
                markerfacecolor=style.colour,
                markeredgecolor=style.colour if symbol else _INK,
                label=style.label,
            )
        )

    # Boundaries matter most: name them in words under their marker, while there are few.
    boundaries = [e for e in events if e.kind in _BOUNDARY]
    if len(boundaries) <= BOUNDARY_LABEL_CAP:
        for event in boundaries:
            ax.annotate(
                _BOUNDARY_WORDS[event.kind],
                (mdates.date2num(event.at), THEM),
                xytext=(0, -14),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=shape.text - 0.5,
                color=_INK,
            )
    if not events:
        ax.text(
            0.5,
            0.5,
            "Nothing logged yet",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=shape.text + 0.5,
            color=_MUTED,
        )

    _mark_flags(ax, assessment, handles, shape)
    _mark_periods(ax, person, assessment, today, rules, handles, shape)
    _set_axes(ax, person, assessment, today, events, shape)
    if handles:
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=shape.legend_columns,
            fontsize=shape.text,
            frameon=False,
            handletextpad=0.4,
            columnspacing=1.2,
        )
    return figure


def _mark_flags(ax: Axes, assessment: Assessment, handles: list[object], shape: ChartShape) -> None:
    """A warning mark above each flagged message; the legend names which flags are present."""
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D

    flagged = sorted({event.at for flag in assessment.flags for event in flag.events})
    if not flagged:
        return
    xs = mdates.date2num(flagged)
    ax.scatter(xs, [FLAG_HEIGHT] * len(xs), marker=r"$!$", s=60, c=_FLAG_COLOUR, zorder=4, gid="flags")
    names = ", ".join(flag.code.value.replace("_", " ") for flag in assessment.flags)
    label = textwrap.fill(f"Flagged: {names}", width=shape.legend_wrap)
    handles.append(
        Line2D([], [], linestyle="none", marker=r"$!$", markersize=8, color=_FLAG_COLOUR, label=label)
    )


def _mark_periods(
    ax: Axes,
    person: Person,
    assessment: Assessment,
    today: date,
    rules: GuidanceRules,
    handles: list[object],
    shape: ChartShape,
) -> None:
    """The cooling-off period shaded, the earliest next message dashed, today solid."""
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    top = ax.get_xaxis_transform()  # x in data, y in axes fraction
    ended = person.situation.ended_on
    until = assessment.cooling_off_until
    if until is not None and until > ended:
        start, end = mdates.date2num(_day_start(ended)), mdates.date2num(_day_start(until))
        ax.axvspan(
            start,
            end,
            facecolor=_COOLING_COLOUR,
            alpha=0.22,
            hatch="//",
            edgecolor="#9cc9e6",
            linewidth=0,
            zorder=1,
            gid="cooling_off",
        )
        ax.text(
            (start + end) / 2,
            0.5,
            "cooling-off",
            transform=top,
            ha="center",
            va="center",
            fontsize=shape.text,
            color=_INK,
            zorder=2,
            clip_on=True,
        )
        label = textwrap.fill(
            f"Cooling-off ({rules.cooling_off_days} days, a rule of thumb)", shape.legend_wrap
        )
        handles.append(
            Patch(facecolor=_COOLING_COLOUR, alpha=0.4, hatch="//", edgecolor="#9cc9e6", label=label)
        )

    today_x = mdates.date2num(_day_start(today))
    ax.axvline(today_x, color=_MUTED, linewidth=1.2, zorder=2, gid="today")
    ax.text(
        today_x, 0.02, "today ", transform=top, ha="right", va="bottom", fontsize=shape.text, color=_MUTED
    )
    handles.append(Line2D([], [], color=_MUTED, linewidth=1.2, label="Today"))

    earliest = assessment.earliest_contact
    if earliest is not None:
        x = mdates.date2num(_day_start(earliest))
        ax.axvline(x, color=_INK, linestyle="--", linewidth=1.4, zorder=2, gid="earliest")
        ax.text(
            x,
            0.98,
            f"earliest next: {earliest.day} {earliest:%b} ",
            transform=top,
            ha="right",
            va="top",
            fontsize=shape.text,
            color=_INK,
        )
        handles.append(
            Line2D([], [], color=_INK, linestyle="--", linewidth=1.4, label="Earliest next message")
        )


def _set_axes(
    ax: Axes,
    person: Person,
    assessment: Assessment,
    today: date,
    events: Sequence[Event],
    shape: ChartShape,
) -> None:
    from matplotlib import dates as mdates

    first = min([person.situation.ended_on, *(e.at.date() for e in events[:1])])
    candidates = (
        today,
        assessment.earliest_contact,
        assessment.cooling_off_until,
        *(e.at.date() for e in events[-1:]),
    )
    last = max(d for d in candidates if d is not None)
    margin = max(timedelta(days=2), (last - first) / 20)
    ax.set_xlim(mdates.date2num(_day_start(first - margin)), mdates.date2num(_day_start(last + margin)))
    ax.set_ylim(-0.75, 1.7)
    ax.set_yticks([THEM, YOU], labels=list(LANE_LABELS))
    ax.yaxis.grid(True, color="#e5e7eb", linewidth=0.8)
    ax.set_axisbelow(True)
    locator = mdates.AutoDateLocator(maxticks=shape.max_ticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.tick_params(labelsize=shape.ticks)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Date", fontsize=shape.ticks)
    ax.set_ylabel("Who made contact", fontsize=shape.ticks)
    # The name is the person's own words: parse_math=False so a "$" is shown, never interpreted.
    ax.set_title(f"Contact timeline: {person.name}", fontsize=shape.title, loc="left", parse_math=False)


def describe_timeline(person: Person, assessment: Assessment, today: date) -> str:
    """The chart in a few sentences, for screen readers (the image's alt text). No notes, no name."""
    sent = sum(e.kind is EventKind.SENT for e in person.events)
    received = sum(e.kind is EventKind.RECEIVED for e in person.events)
    boundaries = sum(e.kind in _BOUNDARY for e in person.events)
    summary = (
        f"Contact timeline: {_count(sent, 'message', 'messages')} from you, "
        f"{_count(received, 'reply', 'replies')} from them"
    )
    if boundaries:
        summary += f", {_count(boundaries, 'boundary', 'boundaries')} they set"
    parts = [summary + "."]
    if assessment.cooling_off_until is not None:
        parts.append(f"Cooling-off period until {_long(assessment.cooling_off_until)}.")
    if assessment.earliest_contact is not None:
        parts.append(f"Earliest next message: {_long(assessment.earliest_contact)}.")
    if assessment.flags:
        flagged = {event for flag in assessment.flags for event in flag.events}
        parts.append(f"{_count(len(flagged), 'flagged message', 'flagged messages')}.")
    parts.append(f"Today is {_long(today)}.")
    return " ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def timeline_png(
    person: Person,
    assessment: Assessment,
    today: date,
    rules: GuidanceRules,
    shape: ChartShape = WIDE,
    dpi: int = 110,
) -> bytes:
    """The timeline as PNG bytes; the figure is cleared afterwards so nothing accumulates."""
    import io

    figure = draw_timeline(person, assessment, today, rules, shape)
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=dpi)
    finally:
        figure.clear()
    return buffer.getvalue()
