"""The content under data/, read once at the edge and handed down as one `Content` bundle.

Content is what a non-programmer may edit: the questions, the message templates, the draft
checker's patterns, the guidance thresholds, the display words, the plan's words and the list of
steps. Each file is TOML (comments allowed, so every threshold can name the seed it comes from).

All the readers live in this package, one module per file (`guidance_rules`, `message_checks`,
`questionnaire`, ...), apart from the rules they build: `guidance.py` and `messages.py` are handed
their rules and never read a file. The arrows point one way: `ui`, `cli` -> `content` -> the core.
Each reader refuses anything malformed with a `ContentError` naming the file and the item at fault.

    content = load_content()          # cached: content does not change while the app runs
    assess(person, today, content.rules)
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ContentError
from ..guidance import GuidanceRules
from ..messages import HelpPage, HelpRoute, MessageRules
from ..plan import PlanWords
from ..questions import Questionnaire, Template
from ..steps import Steps
from .guidance_rules import rules_from_mapping
from .help import BinderNotice, binder_notice_from_mapping, help_pages_from_mapping, help_routes_from_mapping
from .labels import Labels, labels_from_mapping
from .message_checks import message_rules_from_mapping
from .plan_words import plan_words_from_mapping
from .questionnaire import questionnaire_from_mapping, templates_from_mapping
from .second_reader import read_second_reader
from .steps import steps_from_mapping

__all__ = ["DATA_DIR", "Content", "Labels", "load_content", "phrase_rules_alone", "read_toml"]


def _data_dir() -> Path:
    """Where the content files are: inside the package when installed from a wheel, where
    pyproject.toml maps the repository's data/ to workbook/data; in the source tree (an editable
    install, or a checkout on sys.path) the repository's data/ itself."""
    packaged = resources.files("workbook") / "data"
    if isinstance(packaged, Path) and (packaged / "steps.toml").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "data"


DATA_DIR = _data_dir()


@dataclass(frozen=True)
class Content:
    """Everything under data/, checked: what the edges load once and hand to the core."""

    rules: GuidanceRules
    questionnaire: Questionnaire
    templates: tuple[Template, ...]
    labels: Labels
    plan_words: PlanWords
    steps: Steps
    help_routes: tuple[HelpRoute, ...]  # every number named to a person, with its source
    help_pages: Mapping[str, HelpPage]  # "what to do instead", by page (content/help.py PAGES)
    binder_notice: BinderNotice  # what the dashboard says when it runs on Binder
    # The draft checker's rules are built (their patterns compiled) the first time they are asked for:
    # that takes most of a second, which every page would otherwise wait for on a route where the
    # kernel starts with the request (Binder), though only the message step ever checks a draft.
    # Their file is read, and must parse, here; a pre-heated kernel builds them ahead (ui.dashboard).
    _message_rules: Callable[[], MessageRules] = field(repr=False, compare=False)

    @cached_property
    def message_rules(self) -> MessageRules:
        """The draft checker's rules (data/message_checks.toml), built on first use, then kept."""
        return self._message_rules()


def read_toml(name: str, data_dir: Path | None = None) -> dict[str, Any]:
    """Parse one content file, turning any problem into a `ContentError` that names it."""
    path = (data_dir or DATA_DIR) / name
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"Content file {path} is missing.") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"Content file {path} is not valid TOML: {error}") from None


def phrase_rules_alone(data_dir: Path | None = None) -> MessageRules:
    """The draft checker's rules without its second reader: what the reader's trainer judges
    against, so training never depends on the model file it is about to replace."""
    help_routes = help_routes_from_mapping(read_toml("help.toml", data_dir), source="help.toml")
    return message_rules_from_mapping(
        read_toml("message_checks.toml", data_dir),
        help_routes,
        source="message_checks.toml",
        second_reader=None,
    )


@cache
def load_content(data_dir: Path | None = None) -> Content:
    """Read and check every content file once; later calls return the same bundle."""
    steps = steps_from_mapping(read_toml("steps.toml", data_dir), source="steps.toml")
    help_file = read_toml("help.toml", data_dir)
    help_routes = help_routes_from_mapping(help_file, source="help.toml")
    message_checks = read_toml("message_checks.toml", data_dir)
    second_reader = read_second_reader(data_dir or DATA_DIR)
    return Content(
        rules=rules_from_mapping(read_toml("guidance.toml", data_dir), source="guidance.toml"),
        questionnaire=questionnaire_from_mapping(
            read_toml("questions.toml", data_dir), source="questions.toml", required=steps.section_ids
        ),
        templates=templates_from_mapping(read_toml("templates.toml", data_dir), source="templates.toml"),
        labels=labels_from_mapping(read_toml("labels.toml", data_dir), source="labels.toml"),
        plan_words=plan_words_from_mapping(read_toml("plan.toml", data_dir), source="plan.toml"),
        steps=steps,
        help_routes=help_routes,
        help_pages=help_pages_from_mapping(help_file, help_routes, source="help.toml"),
        binder_notice=binder_notice_from_mapping(help_file, source="help.toml"),
        _message_rules=lambda: message_rules_from_mapping(
            message_checks, help_routes, source="message_checks.toml", second_reader=second_reader
        ),
    )
