"""The steps of the workbook, as one table (data/steps.toml): which notebook, which questions,
and where each step sits in the dashboard's stepper. Everything that lists the steps derives from it.

Where a person stands
---------------------
Each step has a status for the chosen person (`StepStatus`), read from what is stored about them
(`Progress`) and nothing else, so a notebook and the dashboard always agree:

- complete: every question of the step's sections is answered. A step without questions (the
  readiness card, the timeline, the data page) is never complete: it can only be visited.
- started: something is stored for it: one of its answers, or what one of its views keeps (the
  draft of the message studio, the plan, the journal).
- visited: it was opened (the store remembers which steps were, per person), or, for a step
  without questions, something is kept for it (a logged event for the timeline).
- not started: none of these.

The dashboard's stepper merges steps that share a caption into one page (`Steps.page_steps`); a
page is complete when all its steps are, started when any is started, visited when any is visited.
It opens on the first page that is not done yet (`opening_page`): done means complete, or visited
for a page without questions; when everything is done, on the readiness card.

Steps are numbered as their notebooks are (00 is "Start here", unnumbered; 01 to 09 are steps 1
to 9), so "Step 5 of 9" is the same step in a notebook and in the dashboard, and "step 8" in the
guidance's words means the same page everywhere (`Steps.position`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from .answer_keys import DRAFT_ID, JOURNAL_DRAFT_ID, READY_AT_ID
from .questions import Questionnaire

__all__ = [
    "READINESS",
    "VIEWS",
    "Position",
    "Progress",
    "Step",
    "StepStatus",
    "StepWords",
    "Steps",
    "kept_views",
    "opening_page",
    "page_status",
    "step_status",
]

# The views a dashboard page can show besides questionnaire sections (ui/app.py builds each).
VIEWS = frozenset({"readiness", "message_studio", "timeline", "plan", "journal", "data"})
READINESS = "readiness"  # the view the last step leads back to


class StepStatus(StrEnum):
    """Where a person stands in one step, least to most advanced."""

    NOT_STARTED = "not_started"
    VISITED = "visited"
    STARTED = "started"
    COMPLETE = "complete"


@dataclass(frozen=True)
class Step:
    notebook: str | None  # e.g. "02_check_your_motives"; None for a step shown only in the dashboard
    sections: tuple[str, ...]
    stepper: str  # the caption of the dashboard button it is shown under
    parts: tuple[str, ...]  # "section:ID" or one of VIEWS, in the order the page shows them
    title: str = ""  # what a link to it says, e.g. "Check your motives"

    @property
    def key(self) -> str:
        """What the store remembers a visit by: the notebook's name, or the view for a page without one."""
        return self.notebook or "+".join(self.parts)

    @property
    def number(self) -> int | None:
        """The step's number: its notebook's (01 is 1), None for "Start here" (00) and the data page."""
        if self.notebook is None:
            return None
        return int(self.notebook[:2]) or None


@dataclass(frozen=True)
class Position:
    """Where a page sits among the numbered steps: `first` to `last` (one step: the same) of `count`."""

    first: int
    last: int
    count: int


@dataclass(frozen=True)
class StepWords:
    """What the stepper and the step links say (data/steps.toml, [words])."""

    position: str  # "Step {number} of {count}"
    positions: str  # "Steps {first} and {last} of {count}", for a page holding two steps
    statuses: Mapping[StepStatus, str]  # e.g. "complete", said with each step's caption
    next: str  # "Next: {title}"
    back: str  # where the last step leads: back to the readiness card
    answers_about: str  # "Answers about {name}", kept in view while answers are saved

    def where(self, position: Position) -> str:
        if position.first == position.last:
            return self.position.format(number=position.first, count=position.count)
        return self.positions.format(first=position.first, last=position.last, count=position.count)


@dataclass(frozen=True)
class Progress:
    """What is stored about one person, as far as the steps care (the store reads it in one go)."""

    answered: frozenset[str] = frozenset()  # ids with an answer: questions and answer_keys' keys
    kept: frozenset[str] = frozenset()  # views with something stored for them (`kept_views`)
    visited: frozenset[str] = frozenset()  # keys of the steps opened for this person


def kept_views(answered: Iterable[str], *, events: bool, plan: bool, journal: bool) -> frozenset[str]:
    """The views that keep something for a person: a draft, a log, a plan, a journal."""
    answered = frozenset(answered)
    kept = set()
    if answered & {DRAFT_ID, READY_AT_ID}:
        kept.add("message_studio")
    if events:
        kept.add("timeline")
    if plan:
        kept.add("plan")
    if journal or JOURNAL_DRAFT_ID in answered:
        kept.add("journal")
    return frozenset(kept)


def step_status(step: Step, questionnaire: Questionnaire, progress: Progress) -> StepStatus:
    """Where a person stands in one step (the rules are in this module's docstring)."""
    questions = [q.id for section in step.sections for q in questionnaire.section(section).questions]
    answered = sum(1 for qid in questions if qid in progress.answered)
    kept = any(part in progress.kept for part in step.parts)
    if questions and answered == len(questions):
        return StepStatus.COMPLETE
    if questions and (answered or kept):
        return StepStatus.STARTED
    if kept or step.key in progress.visited:
        return StepStatus.VISITED
    return StepStatus.NOT_STARTED


def page_status(statuses: Sequence[StepStatus]) -> StepStatus:
    """A page of several steps: complete when all are, else as far as the furthest one got
    (a finished step beside an untouched one makes the page started, not complete)."""
    if statuses and all(s is StepStatus.COMPLETE for s in statuses):
        return StepStatus.COMPLETE
    if any(s in (StepStatus.STARTED, StepStatus.COMPLETE) for s in statuses):
        return StepStatus.STARTED
    if any(s is StepStatus.VISITED for s in statuses):
        return StepStatus.VISITED
    return StepStatus.NOT_STARTED


@dataclass(frozen=True)
class Steps:
    steps: tuple[Step, ...]
    words: StepWords | None = field(default=None, compare=False)

    @property
    def notebooks(self) -> tuple[str, ...]:
        return tuple(step.notebook for step in self.steps if step.notebook)

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(section for step in self.steps for section in step.sections)

    def pages(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The dashboard's stepper: (caption, parts) per button, steps that share a caption merged."""
        return tuple(
            (group[0].stepper, tuple(part for step in group for part in step.parts))
            for group in self.page_steps()
        )

    def page_steps(self) -> tuple[tuple[Step, ...], ...]:
        """The steps under each of the stepper's buttons, in order."""
        pages: dict[str, list[Step]] = {}
        for step in self.steps:
            pages.setdefault(step.stepper, []).append(step)
        return tuple(tuple(group) for group in pages.values())

    @property
    def count(self) -> int:
        """How many numbered steps there are (the last notebook's number)."""
        return max((step.number or 0 for step in self.steps), default=0)

    def position(self, page: int) -> Position | None:
        """Where one of the stepper's pages sits among the numbered steps; None for the data page."""
        numbers = [step.number for step in self.page_steps()[page] if step.number is not None]
        if not numbers:
            return None
        return Position(min(numbers), max(numbers), self.count)

    def statuses(self, questionnaire: Questionnaire, progress: Progress) -> tuple[StepStatus, ...]:
        """Each page's status for one person, in the stepper's order."""
        return tuple(
            page_status([step_status(step, questionnaire, progress) for step in group])
            for group in self.page_steps()
        )

    def readiness_page(self) -> int:
        """The page that shows the readiness card in full (where the last step leads back to)."""
        for index, group in enumerate(self.page_steps()):
            if any(READINESS in step.parts for step in group):
                return index
        return 0

    def after(self, notebook: str) -> tuple[Step, bool]:
        """The step a notebook's closing link opens, and whether it leads back rather than on:
        the next notebook, or, after the last, the readiness card."""
        with_notebooks = [step for step in self.steps if step.notebook]
        names = [step.notebook for step in with_notebooks]
        if notebook not in names:
            raise ValueError(f"no step has the notebook {notebook!r}")
        index = names.index(notebook)
        if index + 1 < len(with_notebooks):
            return with_notebooks[index + 1], False
        back = next((step for step in with_notebooks if READINESS in step.parts), with_notebooks[0])
        return back, True


def opening_page(steps: Steps, statuses: Sequence[StepStatus]) -> int:
    """The page the dashboard opens on: the first not done yet, else the readiness card."""
    for index, (group, status) in enumerate(zip(steps.page_steps(), statuses, strict=True)):
        asks = any(step.sections for step in group)
        done = status is StepStatus.COMPLETE or (not asks and status is StepStatus.VISITED)
        if not done:
            return index
    return steps.readiness_page()
