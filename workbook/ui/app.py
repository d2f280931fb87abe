"""The app Voila serves: every step on one page.

Layout, top to bottom, in one column that also fits a phone: the header, the person panel (selector,
add, counters), the readiness card (always in view), a row of step buttons, and the chosen step.
Steps are built the first time they are opened, so the page is interactive as soon as the header,
the person panel and the card are drawn. The root carries `wb-app`, and `wb-ready` once displayed.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..content import load_questionnaire
from .fields import AnswerForm
from .person import PersonPanel
from .readiness import ReadinessCard
from .session import Session
from .theme import heading, note, stylesheet

__all__ = ["STEPS", "Dashboard"]


def _sections(*ids: str) -> Callable[[Session], w.Widget]:
    def build(session: Session) -> w.Widget:
        questionnaire = load_questionnaire()
        parts: list[w.Widget] = []
        for section_id in ids:
            section = questionnaire.section(section_id)
            parts += [
                heading(section.title),
                note(section.intro, "help"),
                AnswerForm(section, session).widget,
            ]
        return w.VBox(parts)

    return build


def _view(module: str, cls: str) -> Callable[[Session], w.Widget]:
    def build(session: Session) -> w.Widget:
        import importlib

        return getattr(importlib.import_module(f"workbook.ui.{module}"), cls)(session).widget

    return build


def _readiness(session: Session) -> w.Widget:
    return ReadinessCard(session).widget


def _combined(*builders: Callable[[Session], w.Widget]) -> Callable[[Session], w.Widget]:
    return lambda session: w.VBox([build(session) for build in builders])


# (button caption, page builder): the order a person works through them.
STEPS: tuple[tuple[str, Callable[[Session], w.Widget]], ...] = (
    ("Decision", _sections("start", "decision")),
    ("Motives", _sections("motives")),
    ("Their side", _sections("their_side", "boundaries")),
    ("Readiness", _readiness),
    ("Message", _combined(_view("message", "MessageStudio"), _sections("message"))),
    ("Timeline", _view("timeline", "TimelineView")),
    ("Plan", _combined(_sections("keep_going"), _view("plan", "PlanView"))),
    ("Look after you", _combined(_sections("if_no"), _view("journal", "JournalView"))),
    ("Your data", _view("data", "DataPage")),
)


class Dashboard:
    def __init__(self, session: Session, start: int = 0):
        self.session = session
        self._pages: dict[int, w.Widget] = {}
        self.card = ReadinessCard(session, compact=True)
        self.stepper = w.ToggleButtons(
            options=[(caption, i) for i, (caption, _) in enumerate(STEPS)],
            value=start,
            style={"button_width": "auto"},
        )
        self.stepper.add_class("wb-stepper")
        self.page = w.VBox()
        self.page.add_class("wb-step-page")
        self.next_button = w.Button(description="Next step", icon="arrow-right")
        self.next_button.add_class("wb-next")
        self.next_button.on_click(lambda _b: self._advance())
        self.stepper.observe(lambda change: self.show(change["new"]), names="value")
        header = w.VBox(
            [
                w.HTML("<h1 style='margin:4px 0'>Reconnect Workbook</h1>"),
                note(
                    "A private place to think before you reach out, and to accept whatever answer "
                    "comes. It never sends anything.",
                    "help",
                ),
            ]
        )
        header.add_class("wb-header")
        self.widget = w.VBox(
            [
                stylesheet(),
                header,
                PersonPanel(session).widget,
                self.card.widget,
                self.stepper,
                self.page,
                self.next_button,
                note(
                    "This workbook is not therapy. If you are struggling, talk to someone you trust, "
                    "your doctor, or a local helpline. If you might hurt yourself, call your local "
                    "emergency number now.",
                    "help",
                ),
            ]
        )
        self.widget.add_class("wb-app")
        self.show(start)

    def show(self, index: int) -> None:
        if index not in self._pages:
            page = STEPS[index][1](self.session)
            page.add_class(f"wb-step-{index}")
            self._pages[index] = page
        self.page.children = [self._pages[index]]
        self.next_button.layout.display = "none" if index == len(STEPS) - 1 else None

    def _advance(self) -> None:
        if self.stepper.value < len(STEPS) - 1:
            self.stepper.value += 1

    def ready(self) -> w.VBox:
        """Mark the app as drawn (tests and benchmarks wait for `.wb-ready`)."""
        self.widget.add_class("wb-ready")
        return self.widget
