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

Light and dark: every colour comes from a `ChartPalette` passed in (`LIGHT_PALETTE`,
`DARK_PALETTE`), nothing is left to matplotlib's defaults. `timeline_pngs` draws the figure once and
saves it once per palette: the first picture pays for the layout, each further one only recolours the
artists (by palette role, matched by colour value) and draws again with the layout frozen, which
costs roughly half of the first (measured: 0.09 s against 0.15 s for the wide chart). The page shows
the picture that matches its theme.

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

from .model import Assessment, Event, EventKind, Person, Tone, quantity

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .guidance import GuidanceRules

__all__ = [
    "COMPACT",
    "DARK_PALETTE",
    "LANE_LABELS",
    "LIGHT_PALETTE",
    "WIDE",
    "ChartPalette",
    "ChartShape",
    "describe_timeline",
    "draw_timeline",
    "figure_pngs",
    "recolour",
    "timeline_png",
    "timeline_pngs",
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
class ChartPalette:
    """Every colour a chart uses, by role. Roles that share a colour in one palette must share one
    in every palette (`recolour` matches by colour value, and says so if they do not)."""

    background: str
    ink: str  # text, axes, marker outlines, the earliest-date line
    muted: str  # today, "nothing logged yet"
    grid: str
    flag: str
    cooling: str
    cooling_edge: str
    sent: str
    met: str
    warm: str
    neutral: str
    cold: str
    asked_to_stop: str
    asked_for_space: str
    said_no: str
    blocked: str
    line: str  # the check-in chart's line


# Okabe-Ito colours (safe for the common kinds of colour blindness) on white, outlined in ink.
LIGHT_PALETTE = ChartPalette(
    background="#ffffff",
    ink="#1f2328",
    muted="#4b5563",
    grid="#e5e7eb",
    flag="#D55E00",
    cooling="#56B4E9",  # sky blue, as a request for space: both are time you give them
    cooling_edge="#9cc9e6",
    sent="#0072B2",
    met="#009E73",
    warm="#009E73",
    neutral="#7A7A7A",
    cold="#E69F00",
    asked_to_stop="#D55E00",
    asked_for_space="#56B4E9",
    said_no="#000000",
    blocked="#CC79A7",
    line="#2c5f96",  # the app's one accent (theme.py LIGHT "primary")
)
# The same hues on the app's dark page (workbook/ui/theme.py's DARK "bg"): the blue, the grey and
# black are lightened so each mark keeps at least 3:1 against the background, and text 4.5:1.
DARK_PALETTE = ChartPalette(
    background="#0d1117",
    ink="#e6edf3",
    muted="#adb6c1",
    grid="#30363d",
    flag="#f07a2a",
    cooling="#56B4E9",
    cooling_edge="#3d6f91",
    sent="#3b9fe0",
    met="#009E73",
    warm="#009E73",
    neutral="#9a9a9a",
    cold="#E69F00",
    asked_to_stop="#f07a2a",
    asked_for_space="#56B4E9",
    said_no="#f0f0f0",
    blocked="#CC79A7",
    line="#8ab4f8",  # the accent as the dark page shows it (theme.py DARK "link")
)


@dataclass(frozen=True)
class _Style:
    """How one category of event looks: colour and shape together, never colour alone."""

    label: str
    lane: float
    marker: str
    role: str  # a ChartPalette field


# Shapes: circle, diamond, up/square/down triangles for tone, and distinct symbols for the four
# boundaries they can set.
_SENT = _Style("You sent", YOU, "o", "sent")
_MET = _Style("You met, both agreeing", YOU, "D", "met")
_RECEIVED = {
    Tone.POSITIVE: _Style("They replied: warm", THEM, "^", "warm"),
    Tone.NEUTRAL: _Style("They replied: neutral", THEM, "s", "neutral"),
    Tone.NEGATIVE: _Style("They replied: upset or cold", THEM, "v", "cold"),
}
_BOUNDARY = {
    EventKind.ASKED_TO_STOP: _Style("They asked you to stop", THEM, "H", "asked_to_stop"),
    EventKind.ASKED_FOR_SPACE: _Style("They asked for space", THEM, "p", "asked_for_space"),
    EventKind.SAID_NO: _Style("They said no", THEM, "X", "said_no"),
    EventKind.BLOCKED: _Style("They blocked you", THEM, r"$\oslash$", "blocked"),
}
_BOUNDARY_WORDS = {
    EventKind.ASKED_TO_STOP: "asked to stop",
    EventKind.ASKED_FOR_SPACE: "asked for space",
    EventKind.SAID_NO: "said no",
    EventKind.BLOCKED: "blocked",
}


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
    palette: ChartPalette = LIGHT_PALETTE,
) -> Figure:
    """The person's contact timeline as a matplotlib Figure (no pyplot, so safe under any backend)."""
    from matplotlib import dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    figure = Figure(figsize=shape.size, layout="constrained", facecolor=palette.background)
    FigureCanvasAgg(figure)  # attaches itself: savefig and draw work without pyplot
    ax = figure.add_subplot(facecolor=palette.background)
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
        colour = getattr(palette, style.role)
        ax.scatter(
            xs,
            [style.lane] * len(xs),
            s=size * (1.8 if symbol else 1.0),
            marker=style.marker,
            c=colour,
            edgecolors="none" if symbol else palette.ink,
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
                markerfacecolor=colour,
                markeredgecolor=colour if symbol else palette.ink,
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
                color=palette.ink,
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
            color=palette.muted,
        )

    _mark_flags(ax, assessment, handles, shape, palette)
    _mark_periods(ax, person, assessment, today, rules, handles, shape, palette)
    _set_axes(ax, person, assessment, today, events, shape, palette)
    if handles:
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=shape.legend_columns,
            fontsize=shape.text,
            frameon=False,
            handletextpad=0.4,
            columnspacing=1.2,
            labelcolor=palette.ink,
        )
    return figure


def _mark_flags(
    ax: Axes, assessment: Assessment, handles: list[object], shape: ChartShape, palette: ChartPalette
) -> None:
    """A warning mark above each flagged message; the legend names which flags are present."""
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D

    flagged = sorted({event.at for flag in assessment.flags for event in flag.events})
    if not flagged:
        return
    xs = mdates.date2num(flagged)
    ax.scatter(xs, [FLAG_HEIGHT] * len(xs), marker=r"$!$", s=60, c=palette.flag, zorder=4, gid="flags")
    names = ", ".join(flag.code.value.replace("_", " ") for flag in assessment.flags)
    label = textwrap.fill(f"Flagged: {names}", width=shape.legend_wrap)
    handles.append(
        Line2D([], [], linestyle="none", marker=r"$!$", markersize=8, color=palette.flag, label=label)
    )


def _mark_periods(
    ax: Axes,
    person: Person,
    assessment: Assessment,
    today: date,
    rules: GuidanceRules,
    handles: list[object],
    shape: ChartShape,
    palette: ChartPalette,
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
            facecolor=palette.cooling,
            alpha=0.22,
            hatch="//",
            edgecolor=palette.cooling_edge,
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
            color=palette.ink,
            zorder=2,
            clip_on=True,
        )
        label = textwrap.fill(
            f"Cooling-off ({rules.cooling_off_days} days, a rule of thumb)", shape.legend_wrap
        )
        handles.append(
            Patch(
                facecolor=palette.cooling, alpha=0.4, hatch="//", edgecolor=palette.cooling_edge, label=label
            )
        )

    today_x = mdates.date2num(_day_start(today))
    ax.axvline(today_x, color=palette.muted, linewidth=1.2, zorder=2, gid="today")
    ax.text(
        today_x,
        0.02,
        "today ",
        transform=top,
        ha="right",
        va="bottom",
        fontsize=shape.text,
        color=palette.muted,
    )
    handles.append(Line2D([], [], color=palette.muted, linewidth=1.2, label="Today"))

    earliest = assessment.earliest_contact
    if earliest is not None:
        x = mdates.date2num(_day_start(earliest))
        ax.axvline(x, color=palette.ink, linestyle="--", linewidth=1.4, zorder=2, gid="earliest")
        ax.text(
            x,
            0.98,
            f"earliest next: {earliest.day} {earliest:%b} ",
            transform=top,
            ha="right",
            va="top",
            fontsize=shape.text,
            color=palette.ink,
        )
        handles.append(
            Line2D([], [], color=palette.ink, linestyle="--", linewidth=1.4, label="Earliest next message")
        )


def _set_axes(
    ax: Axes,
    person: Person,
    assessment: Assessment,
    today: date,
    events: Sequence[Event],
    shape: ChartShape,
    palette: ChartPalette,
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
    ax.yaxis.grid(True, color=palette.grid, linewidth=0.8)
    ax.set_axisbelow(True)
    locator = mdates.AutoDateLocator(maxticks=shape.max_ticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.tick_params(labelsize=shape.ticks, colors=palette.ink)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("bottom", "left"):
        ax.spines[side].set_color(palette.ink)
    ax.set_xlabel("Date", fontsize=shape.ticks, color=palette.ink)
    ax.set_ylabel("Who made contact", fontsize=shape.ticks, color=palette.ink)
    # The name is the person's own words: parse_math=False so a "$" is shown, never interpreted.
    ax.set_title(
        f"Contact timeline: {person.name}",
        fontsize=shape.title,
        loc="left",
        parse_math=False,
        color=palette.ink,
    )


def describe_timeline(person: Person, assessment: Assessment, today: date) -> str:
    """The chart in a few sentences, for screen readers (the image's alt text). No notes, no name."""
    sent = sum(e.kind is EventKind.SENT for e in person.events)
    received = sum(e.kind is EventKind.RECEIVED for e in person.events)
    boundaries = sum(e.kind in _BOUNDARY for e in person.events)
    summary = (
        f"Contact timeline: {quantity(sent, 'message', 'messages')} from you, "
        f"{quantity(received, 'reply', 'replies')} from them"
    )
    if boundaries:
        summary += f", {quantity(boundaries, 'boundary', 'boundaries')} they set"
    parts = [summary + "."]
    if assessment.cooling_off_until is not None:
        parts.append(f"Cooling-off period until {_long(assessment.cooling_off_until)}.")
    if assessment.earliest_contact is not None:
        parts.append(f"Earliest next message: {_long(assessment.earliest_contact)}.")
    if assessment.flags:
        flagged = {event for flag in assessment.flags for event in flag.events}
        parts.append(f"{quantity(len(flagged), 'flagged message', 'flagged messages')}.")
    parts.append(f"Today is {_long(today)}.")
    return " ".join(parts)


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def timeline_png(
    person: Person,
    assessment: Assessment,
    today: date,
    rules: GuidanceRules,
    shape: ChartShape = WIDE,
    dpi: int = 110,
    palette: ChartPalette = LIGHT_PALETTE,
) -> bytes:
    """The timeline as PNG bytes in one palette."""
    return timeline_pngs(person, assessment, today, rules, shape, dpi, (palette,))[0]


def timeline_pngs(
    person: Person,
    assessment: Assessment,
    today: date,
    rules: GuidanceRules,
    shape: ChartShape = WIDE,
    dpi: int = 110,
    palettes: Sequence[ChartPalette] = (LIGHT_PALETTE, DARK_PALETTE),
) -> tuple[bytes, ...]:
    """The timeline as PNG bytes, one per palette (light and dark by default), drawn once."""
    figure = draw_timeline(person, assessment, today, rules, shape, palettes[0])
    return figure_pngs(figure, palettes, dpi)


def figure_pngs(figure: Figure, palettes: Sequence[ChartPalette], dpi: int = 100) -> tuple[bytes, ...]:
    """PNG bytes of a figure drawn in `palettes[0]`, then recoloured into each further palette.

    The layout is worked out on the first draw only: the further pictures are the same figure with
    other colours, so they reuse it (a recolour and a plain draw, roughly half the first). The
    figure is cleared afterwards so nothing accumulates.
    """
    import io

    from matplotlib import image

    pictures = []
    try:
        figure.set_dpi(dpi)
        for index, palette in enumerate(palettes):
            if index:
                recolour(figure, palettes[index - 1], palette)
                figure.set_layout_engine("none")  # keep the positions the first draw computed
            figure.canvas.draw()
            buffer = io.BytesIO()
            # What savefig does after drawing (FigureCanvasAgg.print_png), without drawing again.
            image.imsave(buffer, figure.canvas.buffer_rgba(), format="png", origin="upper", dpi=dpi)
            pictures.append(buffer.getvalue())
    finally:
        figure.clear()
    return tuple(pictures)


def _colour_map(source: ChartPalette, target: ChartPalette) -> dict[tuple[float, float, float], str]:
    """Each source colour (as RGB) to its target; a colour two roles share must map one way."""
    from dataclasses import fields

    from matplotlib.colors import to_rgb

    mapping: dict[tuple[float, float, float], str] = {}
    for field in fields(ChartPalette):
        key = tuple(round(c, 4) for c in to_rgb(getattr(source, field.name)))
        new = getattr(target, field.name)
        if key in mapping and to_rgb(mapping[key]) != to_rgb(new):
            raise ValueError(
                f"{field.name}: {getattr(source, field.name)} is shared with another role in the source "
                f"palette, which the target palette colours differently"
            )
        mapping[key] = new
    return mapping


def recolour(figure: Figure, source: ChartPalette, target: ChartPalette) -> None:
    """Give every artist drawn in `source`'s colours the matching colours of `target`, alpha kept.

    Matched by value, so it needs every colour to come from the palette (draw_timeline sets each
    one, text and axes included); a colour not in the palette is left as it is.
    """
    import numpy as np
    from matplotlib.collections import Collection
    from matplotlib.colors import to_rgb, to_rgba, to_rgba_array
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    mapping = _colour_map(source, target)

    def swap(colour: object) -> object:
        if isinstance(colour, str) and colour in ("none", "auto", "face"):
            return colour
        rgba = to_rgba(colour)
        new = mapping.get(tuple(round(c, 4) for c in rgba[:3]))
        return colour if new is None else (*to_rgb(new), rgba[3])

    def swap_array(colours: object) -> object:
        array = to_rgba_array(colours)
        if not len(array):
            return colours
        return np.array([swap(tuple(row)) for row in array])

    for artist in figure.findobj():
        if isinstance(artist, Text):
            artist.set_color(swap(artist.get_color()))
        elif isinstance(artist, Line2D):
            artist.set_color(swap(artist.get_color()))
            artist.set_markerfacecolor(swap(artist.get_markerfacecolor()))
            artist.set_markeredgecolor(swap(artist.get_markeredgecolor()))
        elif isinstance(artist, Collection):
            artist.set_facecolor(swap_array(artist.get_facecolor()))
            artist.set_edgecolor(swap_array(artist.get_edgecolor()))
        elif isinstance(artist, Patch):
            hatch = artist.get_hatchcolor() if artist.get_hatch() else None
            artist.set_facecolor(swap(artist.get_facecolor()))
            artist.set_edgecolor(swap(artist.get_edgecolor()))
            if hatch is not None:
                artist.set_hatchcolor(swap(hatch))
