"""Step 9, "If the answer is no" (and on the dashboard): private writing and a weekly check-in.

Two parts. A private journal and unsent letters: written here, kept here, never sent anywhere.
And a weekly "How are you doing?" from 1 to 5, charted once there are two, with a gentle line
when a week has gone by. Structured reflection and self-compassion help recovery (Larson &
Sbarra 2015; Sbarra 2012); nothing here mentions the other person's side or what to send them.

Entries are shown as text (escaped before any HTML). Deleting asks first, inline.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

from ..answer_keys import JOURNAL_DRAFT_ID
from ..chart import DARK_PALETTE, LIGHT_PALETTE, ChartPalette, figure_pngs
from ..errors import PersonNotFound, WorkbookError
from ..model import JournalEntry, JournalKind, short_datetime
from . import widgets as w
from .aria import NAMED_ROW, ROW_NAME
from .fields import choice_field, long_text_field, text_field
from .session import Session
from .theme import note
from .view import Message, View

__all__ = ["JournalView", "mood_chart_png", "mood_chart_pngs"]


def mood_chart_png(
    check_ins: Sequence[JournalEntry], moods: Sequence[str], palette: ChartPalette = LIGHT_PALETTE
) -> bytes:
    """A small line chart of mood over time, as PNG bytes, in one palette."""
    return mood_chart_pngs(check_ins, moods, (palette,))[0]


def mood_chart_pngs(
    check_ins: Sequence[JournalEntry],
    moods: Sequence[str],
    palettes: Sequence[ChartPalette] = (LIGHT_PALETTE, DARK_PALETTE),
) -> tuple[bytes, ...]:
    """The mood chart once per palette (light and dark by default), drawn once and recoloured.

    A Figure, never pyplot's global state; every colour comes from the palette, so the dark picture
    is the light one recoloured (workbook/chart.py's `figure_pngs`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    ink = palettes[0]
    figure = Figure(figsize=(5.5, 2.6), dpi=100, layout="constrained", facecolor=ink.background)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(facecolor=ink.background)
    axes.plot([e.at for e in check_ins], [e.mood for e in check_ins], marker="o", color=ink.line)
    axes.set_ylim(0.6, 5.4)
    axes.set_yticks(range(1, 6), [f"{n} {word}" for n, word in enumerate(moods, start=1)], fontsize=8)
    locator = AutoDateLocator(maxticks=6)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.tick_params(axis="x", labelsize=8)
    axes.tick_params(colors=ink.ink)
    for spine in axes.spines.values():
        spine.set_color(ink.ink)
    axes.grid(axis="y", color=ink.grid)
    axes.set_title("How you have been doing", fontsize=10, color=ink.ink)
    return figure_pngs(figure, palettes, dpi=100)


class JournalView(View):
    """The chosen person's private journal, unsent letters and weekly check-ins."""

    def __init__(self, session: Session):
        self.words = session.content.plan_words
        self.labels = session.content.labels
        self._confirming: int | None = None  # the entry whose delete is being confirmed

        # (a) writing
        kind = choice_field(
            "Write it down",
            self.labels.options(JournalKind, exclude=(JournalKind.CHECK_IN,)),
            help=self.words.unsent_note,
        )
        self.kind = kind.control
        self.kind.value = JournalKind.JOURNAL.value
        self.kind.add_class("wb-journal-kind")
        text = long_text_field(
            "Your words", placeholder="Write whatever you need to. Only you will read this."
        )
        self.text = text.control
        self.text.add_class("wb-journal-text")
        # The words in progress are saved as typed (answer JOURNAL_DRAFT_ID), so a closed tab or a
        # restarted kernel loses nothing, and they stay with the person they were written for.
        self._loading_draft = False
        self.text.observe(lambda _c: self._save_draft(), names="value")
        self.keep = w.Button(description="Keep it", button_style="primary", icon="check")
        self.keep.add_class("wb-keep")
        self.keep.on_click(lambda _b: self.keep_entry())
        self.write_message = Message("saved", "wb-journal-message")

        # (b) the weekly check-in
        self.overdue = note(self.words.overdue, "help")
        self.overdue.add_class("wb-check-in-reminder")
        mood = choice_field(
            self.words.check_in_prompt,
            [(f"{n} - {word}", n) for n, word in enumerate(self.words.moods, start=1)],
            help=self.overdue,
        )
        self.mood = mood.control
        self.mood.add_class("wb-mood")
        line = text_field("One line, if you like (optional)")
        self.line = line.control
        self.line.add_class("wb-check-in-line")
        self.save_check_in = w.Button(description="Save my check-in", icon="check")
        self.save_check_in.add_class("wb-save-check-in")
        self.save_check_in.on_click(lambda _b: self.check_in())
        self.check_in_message = Message("saved", "wb-check-in-message")
        self.chart = w.Output()
        self.chart.add_class("wb-mood-chart")
        self.chart_summary = note("", "help")
        self.chart_summary.add_class("wb-mood-summary")

        self.entries = w.VBox()
        self.entries.add_class("wb-journal-entries")

        super().__init__(
            session,
            "wb-journal",
            body=[
                kind.widget,
                text.widget,
                self.keep,
                self.write_message,
                mood.widget,
                line.widget,
                self.save_check_in,
                self.check_in_message,
                self.chart_summary,
                self.chart,
                note("What you have kept", "prompt"),
                self.entries,
            ],
        )
        self._shown: tuple | None = None  # what the list and chart were last drawn from
        self.on_person(self._person_changed)
        self.on_revision(self.refresh)
        self._load_draft()
        self.refresh()

    # -- reading

    def stored(self) -> list[tuple[int, JournalEntry]]:
        name = self.session.person
        try:
            return self.session.store.journal(name) if name else []
        except PersonNotFound:  # deleted in another window: nothing to show for them
            return []

    # -- writing

    def keep_entry(self) -> int | None:
        """Save the journal entry or unsent letter; empty text is refused and nothing stored."""
        text = self.text.value
        if not text.strip():
            self.write_message.error("Write something first.")
            return None
        entry_id = self._add(
            self.write_message,
            lambda: JournalEntry(at=self.session.now(), kind=JournalKind(self.kind.value), text=text.strip()),
        )
        if entry_id is not None:
            self.text.value = ""  # also clears the saved draft
            kept = (
                "Your unsent letter is kept here, just for you."
                if self.kind.value == JournalKind.UNSENT_LETTER
                else "Kept."
            )
            self.write_message.saved(kept)
        return entry_id

    def check_in(self) -> int | None:
        """Save this week's check-in (a mood, and an optional line)."""
        if self.mood.value is None:
            self.check_in_message.error("Choose how you are doing, from 1 to 5, first.")
            return None
        entry_id = self._add(
            self.check_in_message,
            lambda: JournalEntry(
                at=self.session.now(),
                kind=JournalKind.CHECK_IN,
                text=self.line.value.strip(),
                mood=int(self.mood.value),
            ),
        )
        if entry_id is not None:
            self.mood.value = None
            self.line.value = ""
            self.check_in_message.saved("Thank you for checking in with yourself.")
        return entry_id

    def _add(self, message: Message, build) -> int | None:
        name = self.session.person
        if name is None:
            message.error("Choose or add a person first, so this has somewhere to be kept.")
            return None
        try:
            entry_id = self.session.store.add_journal(name, build())
        except WorkbookError as error:
            message.error(str(error))
            return None
        self.session.changed()
        return entry_id

    def ask_delete(self, entry_id: int) -> None:
        self._confirming = entry_id
        self._draw(force=True)

    def confirm_delete(self, entry_id: int) -> None:
        self._confirming = None
        try:
            self.session.store.delete_journal(entry_id)
        except WorkbookError as error:
            self.write_message.error(str(error))
            return
        self.write_message.saved("Deleted.")
        self.session.changed()

    def cancel_delete(self) -> None:
        self._confirming = None
        self._draw(force=True)

    # -- showing

    def _save_draft(self) -> None:
        name = self.session.person
        if self._loading_draft or name is None:
            return
        text = self.text.value
        try:
            self.session.store.set_answer(name, JOURNAL_DRAFT_ID, text if text.strip() else None)
        except WorkbookError as error:
            self.write_message.error(str(error))
            return
        self.session.changed(guidance=False)

    def _load_draft(self) -> None:
        person = self.session.current()
        draft = person.answers.get(JOURNAL_DRAFT_ID) if person else None
        self._loading_draft = True
        try:
            self.text.value = draft if isinstance(draft, str) else ""
        finally:
            self._loading_draft = False

    def _person_changed(self) -> None:
        self._load_draft()
        self._confirming = None
        for label in (self.write_message, self.check_in_message):
            label.saved("")
        self.refresh()

    def refresh(self) -> None:
        self._draw()

    def _draw(self, force: bool = False) -> None:
        self.show_person()
        stored = self.stored()
        key = (self.session.person, tuple(stored), self.session.today(), self._confirming)
        if key == self._shown and not force:
            return  # nothing changed: keep focus and scroll where they are
        self._shown = key
        self.entries.children = [self._entry_row(i, e) for i, e in reversed(stored)] or [
            note("Nothing kept yet.", "help")
        ]
        check_ins = [e for _i, e in stored if e.kind is JournalKind.CHECK_IN]
        self._draw_overdue(check_ins)
        self._draw_chart(check_ins)

    def _draw_overdue(self, check_ins: list[JournalEntry]) -> None:
        late = (
            bool(check_ins)
            and (self.session.today() - check_ins[-1].at.date()).days > self.words.remind_after_days
        )
        w.show(self.overdue, late)

    def _draw_chart(self, check_ins: list[JournalEntry]) -> None:
        if len(check_ins) < 2:
            self.chart.outputs = ()
            w.show(self.chart, False)
            self.chart_summary.value = "Your chart appears after two check-ins." if check_ins else ""
            return
        light, dark = (
            base64.b64encode(png).decode("ascii") for png in mood_chart_pngs(check_ins, self.words.moods)
        )
        recent = ", ".join(str(e.mood) for e in check_ins[-6:])
        summary = f"Your check-ins so far, oldest to newest (1 very low, 5 good): {recent}."
        alt = "A line chart of your check-ins; the sentence above lists the latest."  # fixed text
        # Both pictures; the stylesheet shows the one matching the page's theme (workbook/ui/theme.py).
        pictures = "".join(
            f'<img class="wb-chart-picture wb-chart-{theme} wb-mood-chart" alt="{alt}" '
            f'src="data:image/png;base64,{data}">'
            for theme, data in (("light", light), ("dark", dark))
        )
        # Set as display data directly (no IPython needed), replacing the last chart in one go.
        # The page renders the HTML; image/png is there for a front end that shows no HTML.
        self.chart.outputs = (
            {
                "output_type": "display_data",
                "data": {"text/html": pictures, "image/png": light, "text/plain": summary},
                "metadata": {},
            },
        )
        w.show(self.chart)
        self.chart_summary.value = summary

    def _entry_row(self, entry_id: int, entry: JournalEntry) -> w.VBox:
        title = f"{self.labels(entry.kind)} · {short_datetime(entry.at)}"
        if entry.mood is not None:
            title += f" · {entry.mood} - {self.words.moods[entry.mood - 1]}"
        name = note(title, "help")
        name.add_class(ROW_NAME)  # its Delete button says which entry it is for (aria.py)
        parts: list[w.Widget] = [name]
        if entry.text:
            body = w.HTML(f'<div class="wb-pre-wrap">{html.escape(entry.text)}</div>')
            body.add_class("wb-journal-entry-text")
            parts.append(body)
        if self._confirming == entry_id:
            yes = w.Button(description="Yes, delete it", button_style="danger")
            yes.add_class("wb-confirm-delete")
            no = w.Button(description="No, keep it")
            no.add_class("wb-cancel-delete")
            yes.on_click(lambda _b: self.confirm_delete(entry_id))
            no.on_click(lambda _b: self.cancel_delete())
            parts.append(note("Delete this entry? It cannot be undone.", "error"))
            parts.append(w.HBox([yes, no]).add_class("wb-wrap"))
        else:
            delete = w.Button(description="Delete", icon="trash")
            delete.add_class("wb-delete-entry")
            delete.on_click(lambda _b: self.ask_delete(entry_id))
            parts.append(delete)
        row = w.VBox(parts)
        row.add_class("wb-journal-entry")
        row.add_class(NAMED_ROW)
        row.add_class(f"wb-journal-{entry.kind.value}")
        return row
