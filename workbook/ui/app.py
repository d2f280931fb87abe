"""The app Voila serves: every step on one page.

Layout, top to bottom, in one column that also fits a phone: the header, the person panel (selector,
add, counters), the readiness card (always in view), a row of step buttons, and the chosen step.
Landmarks, for a screen reader's "jump to": the header is the banner, the step buttons the
navigation, the chosen step the main content, the help at the end the contentinfo (aria.py).
Steps are built the first time they are opened, so the page is interactive as soon as the header,
the person panel and the card are drawn. The root carries `wb-app`, and `wb-ready` once displayed.
"""

from __future__ import annotations

import ipywidgets as w

from .aria import ASIDE, BANNER, MAIN, NAV, PEOPLE, aria_script
from .binder_notice import binder_notice
from .fields import AnswerForm
from .help import help_footer
from .person import PersonPanel
from .readiness import ReadinessCard
from .session import Session
from .theme import heading, note, stylesheet

__all__ = ["Dashboard", "build_page"]


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


class Dashboard:
    def __init__(self, session: Session, start: int = 0):
        self.session = session
        self._pages: dict[int, w.Widget] = {}
        self.steps = session.content.steps.pages()  # (caption, parts), from data/steps.toml
        self.card = ReadinessCard(session, compact=True)
        self.stepper = w.ToggleButtons(
            options=[(caption, i) for i, (caption, _) in enumerate(self.steps)],
            value=start,
            style={"button_width": "auto"},
        )
        self.stepper.add_class("wb-stepper")
        self.stepper.add_class(NAV)
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
        header.add_class(BANNER)
        people = PersonPanel(session).widget
        people.add_class(PEOPLE)
        self.card.widget.add_class(ASIDE)
        main = w.VBox([self.page, self.next_button])  # the step itself: the main landmark
        main.add_class(MAIN)
        self.widget = w.VBox(
            [
                stylesheet(),
                header,
                *binder_notice(session),  # on Binder only: the session is temporary (issue 16)
                people,
                self.card.widget,
                self.stepper,
                main,
                help_footer(session.content.help_routes),  # a <footer>: the contentinfo landmark
                aria_script(),  # roles and group names ipywidgets cannot set (aria.py)
            ]
        )
        self.widget.add_class("wb-app")
        self.show(start)

    def show(self, index: int) -> None:
        if index not in self._pages:
            caption, parts = self.steps[index]
            # Headings in order: the title is the h1, the step the h2, what it holds h3 and below.
            page = w.VBox([heading(caption, 2), build_page(self.session, parts)])
            page.add_class(f"wb-step-{index}")
            self._pages[index] = page
        self.page.children = [self._pages[index]]
        self.next_button.layout.display = "none" if index == len(self.steps) - 1 else None

    def _advance(self) -> None:
        if self.stepper.value < len(self.steps) - 1:
            self.stepper.value += 1

    def ready(self) -> w.VBox:
        """Mark the app as drawn (tests and benchmarks wait for `.wb-ready`)."""
        self.widget.add_class("wb-ready")
        return self.widget
