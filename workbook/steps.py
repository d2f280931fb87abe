"""The steps of the workbook, as one table (data/steps.toml): which notebook, which questions,
and where each step sits in the dashboard's stepper. Everything that lists the steps derives from it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VIEWS", "Step", "Steps"]

# The views a dashboard page can show besides questionnaire sections (ui/app.py builds each).
VIEWS = frozenset({"readiness", "message_studio", "timeline", "plan", "journal", "data"})


@dataclass(frozen=True)
class Step:
    notebook: str | None  # e.g. "02_check_your_motives"; None for a step shown only in the dashboard
    sections: tuple[str, ...]
    stepper: str  # the caption of the dashboard button it is shown under
    parts: tuple[str, ...]  # "section:ID" or one of VIEWS, in the order the page shows them


@dataclass(frozen=True)
class Steps:
    steps: tuple[Step, ...]

    @property
    def notebooks(self) -> tuple[str, ...]:
        return tuple(step.notebook for step in self.steps if step.notebook)

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(section for step in self.steps for section in step.sections)

    def pages(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The dashboard's stepper: (caption, parts) per button, steps that share a caption merged."""
        pages: dict[str, list[str]] = {}
        for step in self.steps:
            pages.setdefault(step.stepper, []).extend(step.parts)
        return tuple((caption, tuple(parts)) for caption, parts in pages.items())
