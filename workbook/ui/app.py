"""The app Voila serves: every step on one page.

Layout, in the page's order (which is also the order Tab and a screen reader follow): the header,
the person panel (selector, add, counters), the readiness card (compact, the reasons one tap away),
the stepper, and the chosen step. On a phone that is one column, and the first screen holds the
card, the stepper and the start of the step; the stepper is one row that scrolls sideways. On a
desktop the stylesheet puts the person and the card in a side column, the card kept in view while
the step scrolls (theme.py). The step opens with a bar that stays in view: "Step 2 of 9" and whose
answers are being saved; it ends with the way on ("Next: Their side"; after the last, back to the
readiness card).

Landmarks, for a screen reader's "jump to": the header is the banner, the stepper the navigation,
the chosen step the main content, the help at the end the contentinfo (aria.py).

Steps are built the first time they are opened, so the page is interactive as soon as the header,
the person panel and the card are drawn. Where the person stands in each step (workbook/steps.py)
is shown in the stepper and redrawn after every saved change; the page opens on the first step
not done yet. The root carries `wb-app`, and `wb-ready` once displayed.
"""

from __future__ import annotations

from collections.abc import Sequence

import traitlets

from ..errors import WorkbookError
from ..steps import StepStatus, StepWords, opening_page
from . import widgets as w
from .aria import ASIDE, BANNER, MAIN, NAV, PEOPLE, aria_script
from .binder_notice import binder_notice
from .fields import AnswerForm
from .help import help_footer
from .person import PersonPanel
from .readiness import ReadinessCard
from .session import Session
from .theme import band_colours, heading, note, stylesheet

__all__ = ["SAVING_VIEWS", "Dashboard", "Stepper", "build_page"]

# The views that save answers about the chosen person: their page keeps the name in view.
SAVING_VIEWS = frozenset({"message_studio", "timeline", "plan", "journal"})


def _section(session: Session, section_id: str) -> list[w.Widget]:
    section = session.content.questionnaire.section(section_id)
    return [heading(section.title), note(section.intro, "help"), AnswerForm(section, session).widget]


def _view(session: Session, name: str) -> w.Widget:
    """One of `steps.VIEWS`, imported when its step first opens (the page draws sooner)."""
    import importlib

    module, cls = _VIEWS[name]
    return getattr(importlib.import_module(f"workbook.ui.{module}"), cls)(session).widget


_VIEWS = {
    "readiness": ("readiness", "ReadinessCard"),
    "message_studio": ("message", "MessageStudio"),
    "timeline": ("timeline", "TimelineView"),
    "plan": ("plan", "PlanView"),
    "journal": ("journal", "JournalView"),
    "data": ("data", "DataPage"),
}


def build_page(session: Session, parts: tuple[str, ...]) -> w.Widget:
    """A stepper page from its parts in data/steps.toml: sections and views, in order."""
    widgets: list[w.Widget] = []
    for part in parts:
        kind, _, section_id = part.partition(":")
        widgets += _section(session, section_id) if kind == "section" else [_view(session, part)]
    return widgets[0] if len(widgets) == 1 else w.VBox(widgets)


class Stepper(traitlets.HasTraits):
    """One button per page, in one row; `value` is the page shown.

    Each button carries the page's status as a class (`wb-status-complete`, ...) for its shape, and
    as words in its tooltip, which aria.py turns into the button's name for a screen reader
    ("Motives, complete"). The page shown has `wb-current` (and `aria-current="step"`)."""

    value = traitlets.Int(0)

    def __init__(self, captions: Sequence[str], words: StepWords, value: int = 0):
        super().__init__(value=value)
        self.words = words
        self.buttons: list[w.Button] = []
        for index, caption in enumerate(captions):
            button = w.Button(description=caption)
            button.add_class("wb-step-button")
            button.on_click(lambda _button, index=index: self._choose(index))
            self.buttons.append(button)
        self.widget = w.HBox(self.buttons)
        self.widget.add_class("wb-stepper")
        self.widget.add_class(NAV)
        self.statuses: list[StepStatus | None] = [None] * len(self.buttons)
        self.chosen = False  # the person picked a page (the page then stays where they put it)
        self.observe(lambda _change: self._mark_current(), names="value")
        self._mark_current()

    def _choose(self, index: int) -> None:
        self.chosen = True
        self.value = index

    def _mark_current(self) -> None:
        for index, button in enumerate(self.buttons):
            if index == self.value:
                button.add_class("wb-current")
            else:
                button.remove_class("wb-current")

    def show(self, statuses: Sequence[StepStatus]) -> None:
        """Mark where the person stands in each page (only the buttons whose status changed)."""
        for index, (button, status) in enumerate(zip(self.buttons, statuses, strict=True)):
            before = self.statuses[index]
            if before is status:
                continue
            if before is not None:
                button.remove_class(f"wb-status-{before.value}")
            button.add_class(f"wb-status-{status.value}")
            button.tooltip = self.words.statuses[status]
            self.statuses[index] = status


class Dashboard:
    def __init__(self, session: Session, start: int | None = None):
        self.session = session
        self._pages: dict[int, w.Widget] = {}
        self._ready = False
        content = session.content
        self.steps = content.steps.pages()  # (caption, parts), from data/steps.toml
        self.words = content.steps.words
        self.card = ReadinessCard(session, compact=True)
        first = self._opening() if start is None else start
        self.stepper = Stepper([caption for caption, _ in self.steps], self.words, first)
        self.page = w.VBox()
        self.page.add_class("wb-step-page")
        # The bar at the top of the step: where it sits, and whose answers it saves (kept in view).
        self.position = note("", "position")
        self.about = note("", "about")
        self.bar = w.HBox([self.position, self.about])
        self.bar.add_class("wb-step-bar")
        self.bar.add_class("wb-sticky")
        self.next_button = w.Button(description="", button_style="primary")
        self.next_button.add_class("wb-next")
        self.next_button.on_click(lambda _b: self._advance())
        header = w.VBox(
            [
                w.HTML("<h1>Reconnect Workbook</h1>"),
                note(
                    "A private place to think before you reach out, and to accept whatever answer "
                    "comes. It never sends anything.",
                    "help",
                ),
            ]
        )
        header.add_class(BANNER)
        # The add-a-person form opens in the step's place, under the stepper: on a phone the
        # stepper stays on the first screen, and the form's first field with it.
        form_slot = w.VBox()
        form_slot.add_class("wb-form-slot")
        people = PersonPanel(session, form_slot=form_slot).widget
        people.add_class(PEOPLE)
        self.card.widget.add_class(ASIDE)
        main = w.VBox([self.bar, form_slot, self.page, self.next_button])  # the main landmark
        main.add_class(MAIN)
        self.widget = w.VBox(
            [
                stylesheet(band_colours(content.rules.bands)),
                header,
                *binder_notice(session),  # on Binder only: the session is temporary (issue 16)
                people,
                self.card.widget,
                self.stepper.widget,
                main,
                help_footer(session.content.help_routes),  # a <footer>: the contentinfo landmark
                aria_script(),  # roles, names and states ipywidgets cannot set (aria.py)
            ]
        )
        self.widget.add_class("wb-app")
        self.stepper.observe(lambda change: self.show(change["new"]), names="value")
        session.observe(lambda _change: self._person_changed(), names="person")
        session.observe(lambda _change: self._show_statuses(), names="writes")
        self.show(first)

    def _opening(self) -> int:
        return opening_page(self.session.content.steps, self.session.statuses())

    def show(self, index: int) -> None:
        if index != self.stepper.value:
            self.stepper.value = index  # its observer shows the page
            return
        if index not in self._pages:
            caption, parts = self.steps[index]
            # Headings in order: the title is the h1, the step the h2, what it holds h3 and below.
            page = w.VBox([heading(caption, 2), build_page(self.session, parts)])
            page.add_class(f"wb-step-{index}")
            self._pages[index] = page
        self.page.children = [self._pages[index]]
        position = self.session.content.steps.position(index)
        self.position.value = self.words.where(position) if position else ""
        self._show_about()
        last = index == len(self.steps) - 1
        self.next_button.description = (
            self.words.back if last else self.words.next.format(title=self.steps[index + 1][0])
        )
        if self._ready:
            self._visit()
        self._show_statuses()

    def _show_about(self) -> None:
        _caption, parts = self.steps[self.stepper.value]
        saves = any(part.startswith("section:") or part in SAVING_VIEWS for part in parts)
        name = self.session.person
        self.about.value = self.words.answers_about.format(name=name) if name and saves else ""
        w.show(self.bar, bool(self.position.value or self.about.value))

    def _show_statuses(self) -> None:
        try:
            statuses = self.session.statuses()
        except WorkbookError:  # the workbook busy or unreadable this moment: the marks stay as they were
            return
        self.stepper.show(statuses)

    def _person_changed(self) -> None:
        self._show_about()
        if self._ready:
            self._visit()
        self._show_statuses()

    def _visit(self) -> None:
        """Mark the steps of the page shown as visited for the person chosen."""
        group = self.session.content.steps.page_steps()[self.stepper.value]
        self.session.visit([step.key for step in group])

    def _advance(self) -> None:
        self.stepper.chosen = True
        if self.stepper.value < len(self.steps) - 1:
            self.stepper.value += 1
        else:
            self.stepper.value = self.session.content.steps.readiness_page()

    def ready(self) -> w.VBox:
        """Mark the app as drawn (tests and benchmarks wait for `.wb-ready`): the visitor is here,
        so the page opens on their first step not done yet (unless they already chose one), and
        that step counts as visited."""
        self._ready = True
        if not self.stepper.chosen:
            self.show(self._opening())
        self._visit()
        self._show_statuses()
        self.widget.add_class("wb-ready")
        return self.widget
