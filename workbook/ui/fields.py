"""The labelled field builders every form uses, and the form that saves questionnaire answers.

One builder per kind of input: `text_field`, `long_text_field`, `date_field`, `time_field`,
`choice_field` (radio buttons), `multi_field` (checkboxes), `dropdown_field` and `number_field`.
Each returns a `Field`: the box to show, the input itself (`control`), a getter and a setter of the
value, and an `observe` hook (the ipywidgets-jsonschema pattern).

The question is the input's label: it is the widget's `description`, which ipywidgets 8 renders
as a `<label for=...>` of the input, so a screen reader reads it and Playwright's `get_by_label`
finds the field by its words. The stylesheet (theme.py, "fields and landmarks") shows it as a
wrapping line above the input, with the help text between them. A group of radio buttons or
checkboxes has no `<label for>` to point at; aria.py names those groups (see why there).

`AnswerForm` binds a section's questions to the chosen person's stored answers: the stored answer,
not the widget state, is the source of truth. Every change is validated with `Question.validate`,
written to the store, and answered "Saved" or with an inline message; a refused value is never
written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import WorkbookError
from ..model import CORE_IDS, AnswerValue
from ..questions import Question, QuestionKind, Section
from . import widgets as w
from .aria import GROUP, LEGEND
from .session import Session
from .theme import note
from .view import Message, View

__all__ = [
    "AnswerForm",
    "Field",
    "build_field",
    "choice_field",
    "date_field",
    "dropdown_field",
    "long_text_field",
    "multi_field",
    "number_field",
    "text_field",
    "time_field",
]

_LIKERT = ("1", "2", "3", "4", "5")
Options = Sequence[tuple[str, Any]]
Help = str | w.Widget | None


@dataclass
class Field:
    widget: w.Box  # what to display: the labelled input, its help, its message
    control: w.Widget  # the input itself (its value, its classes for tests and styles)
    get: Callable[[], Any]  # the value in the input
    set: Callable[[Any], None]  # show a value
    observe: Callable[[Callable[[], None]], None]  # call back when the person changes it
    message: Message | None = None  # "Saved" or what is wrong, for a field that saves itself
    question: Question | None = None  # the questionnaire question it asks, if any


def _labelled(control: w.DOMWidget, prompt: str) -> None:
    """The prompt as the input's own label: plain text, its full width (never cut off)."""
    control.description = prompt
    control.description_allow_html = False  # questions are text; nothing in them is markup
    control.style = w.shared_style(type(control), description_width="initial")


def _field(
    control: w.Widget,
    help: Help,
    css: Sequence[str],
    message: bool,
    get: Callable[[], Any] | None = None,
    set_value: Callable[[Any], None] | None = None,
    observe: Callable[[Callable[[], None]], None] | None = None,
    head: Sequence[w.Widget] = (),
    max_width: str | None = None,
) -> Field:
    said = Message("saved") if message else None
    parts: list[w.Widget] = [*head, control]
    if isinstance(help, str) and help:
        parts.append(note(help, "help"))
    elif isinstance(help, w.Widget):
        parts.append(help)
    if said is not None:
        parts.append(said)
    box = w.VBox(parts)
    box.add_class("wb-field")
    for cls in css:
        box.add_class(cls)
    if max_width:
        box.layout = w.Layout(max_width=max_width)

    def default_set(value: Any) -> None:
        control.value = value

    return Field(
        box,
        control,
        get or (lambda: control.value),
        set_value or default_set,
        observe or _observer(control),
        said,
    )


def _observer(control: w.Widget, name: str = "value") -> Callable[[Callable[[], None]], None]:
    def observe(callback: Callable[[], None]) -> None:
        control.observe(lambda _change: callback(), names=name)

    return observe


def text_field(
    prompt: str,
    *,
    help: Help = None,
    placeholder: str = "",
    css: Sequence[str] = (),
    message: bool = False,
    max_width: str | None = None,
) -> Field:
    """One line of text, saved as typed (`continuous_update`): a closed tab loses nothing."""
    control = w.Text(value="", placeholder=placeholder, continuous_update=True, layout=w.Layout(width="100%"))
    _labelled(control, prompt)
    return _field(control, help, css, message, max_width=max_width)


def long_text_field(
    prompt: str,
    *,
    help: Help = None,
    placeholder: str = "",
    css: Sequence[str] = (),
    message: bool = False,
    height: str | None = None,
) -> Field:
    """Several lines of text, saved as typed."""
    control = w.Textarea(
        value="",
        placeholder=placeholder,
        continuous_update=True,
        layout=w.Layout(width="100%", height=height),
    )
    _labelled(control, prompt)
    return _field(control, help, css, message)


def date_field(
    prompt: str,
    *,
    help: Help = None,
    css: Sequence[str] = (),
    message: bool = False,
    max_width: str | None = None,
) -> Field:
    control = w.DatePicker(value=None)
    _labelled(control, prompt)
    return _field(control, help, css, message, max_width=max_width)


def time_field(
    prompt: str, *, help: Help = None, css: Sequence[str] = (), max_width: str | None = None
) -> Field:
    control = w.TimePicker(value=None, step=60)
    _labelled(control, prompt)
    return _field(control, help, css, False, max_width=max_width)


def choice_field(
    prompt: str, options: Options, *, help: Help = None, css: Sequence[str] = (), message: bool = False
) -> Field:
    """Exactly one of the options, as radio buttons; nothing chosen at first."""
    control = w.RadioButtons(options=list(options), value=None, layout=w.Layout(width="auto"))
    _labelled(control, prompt)
    return _field(control, help, css, message)


def dropdown_field(
    prompt: str,
    options: Options,
    *,
    help: Help = None,
    css: Sequence[str] = (),
    message: bool = False,
    max_width: str | None = None,
) -> Field:
    control = w.Dropdown(options=list(options), value=None, layout=w.Layout(width="auto", max_width="100%"))
    _labelled(control, prompt)
    return _field(control, help, css, message, max_width=max_width)


def number_field(
    prompt: str,
    *,
    value: int,
    low: int,
    high: int,
    help: Help = None,
    css: Sequence[str] = (),
    width: str = "auto",
) -> Field:
    """A whole number from `low` to `high` (the input refuses others by itself)."""
    control = w.BoundedIntText(value=value, min=low, max=high, layout=w.Layout(width=width))
    _labelled(control, prompt)
    return _field(control, help, css, False)


def multi_field(
    prompt: str, options: Options, *, help: Help = None, css: Sequence[str] = (), message: bool = False
) -> Field:
    """Any of the options, as checkboxes; `control.children` are the boxes, in the options' order.

    A checkbox's own description is its `<label>`; the prompt names the group (aria.py)."""
    values = [value for _label, value in options]
    boxes = [w.Checkbox(value=False, description=label, indent=False) for label, _value in options]
    control = w.VBox(boxes)

    def get() -> list[Any]:
        return [value for value, box in zip(values, boxes, strict=True) if box.value]

    def set_value(chosen: Any) -> None:
        chosen = set(chosen) if isinstance(chosen, list | set | frozenset | tuple) else set()
        for value, box in zip(values, boxes, strict=True):
            box.value = value in chosen

    def observe(callback: Callable[[], None]) -> None:
        for box in boxes:
            box.observe(lambda _change: callback(), names="value")

    legend = note(prompt, "prompt")
    legend.add_class(LEGEND)
    field = _field(control, help, (GROUP, *css), message, get, set_value, observe, head=[legend])
    return field


# --- questionnaire questions ----------------------------------------------------------------------


def _likert(question: Question) -> Field:
    low = question.low_label or "Strongly disagree"
    high = question.high_label or "Strongly agree"
    options = [
        (f"{v}{' - ' + low if v == '1' else ''}{' - ' + high if v == '5' else ''}", v) for v in _LIKERT
    ]
    field = choice_field(question.prompt, options, help=question.help, css=_css(question), message=True)
    field.control.add_class("wb-likert")
    control = field.control

    def set_value(value: AnswerValue | None) -> None:
        control.value = str(value) if value is not None else None

    field.get = lambda: int(control.value) if control.value else None
    field.set = set_value
    return field


def _choice(question: Question) -> Field:
    options = [(o.label, o.value) for o in question.options]
    field = choice_field(question.prompt, options, help=question.help, css=_css(question), message=True)
    control = field.control
    field.set = lambda value: setattr(control, "value", value if value in question.option_values else None)
    return field


def _multi(question: Question) -> Field:
    options = [(o.label, o.value) for o in question.options]
    return multi_field(question.prompt, options, help=question.help, css=_css(question), message=True)


def _text(question: Question) -> Field:
    build = long_text_field if question.long else text_field
    field = build(
        question.prompt,
        help=question.help,
        placeholder=question.placeholder,
        css=_css(question),
        message=True,
    )
    control = field.control
    field.set = lambda value: setattr(control, "value", value if isinstance(value, str) else "")
    return field


def _date(question: Question) -> Field:
    field = date_field(question.prompt, help=question.help, css=_css(question), message=True)
    control = field.control

    def set_value(value: AnswerValue | None) -> None:
        try:
            control.value = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            control.value = None

    field.get = lambda: control.value.isoformat() if control.value else None
    field.set = set_value
    return field


def _css(question: Question) -> tuple[str, ...]:
    return (f"wb-q-{question.id}",)


_BUILDERS: dict[QuestionKind, Callable[[Question], Field]] = {
    QuestionKind.LIKERT: _likert,
    QuestionKind.CHOICE: _choice,
    QuestionKind.MULTI: _multi,
    QuestionKind.TEXT: _text,
    QuestionKind.DATE: _date,
}


def build_field(question: Question) -> Field:
    """The field for one questionnaire question, by its kind; its message says "Saved"."""
    field = _BUILDERS[question.kind](question)
    field.question = question
    return field


class AnswerForm(View):
    """A section's questions, bound to the chosen person's stored answers."""

    def __init__(self, section: Section, session: Session):
        self.section = section
        self._fields: dict[str, Field] | None = None
        super().__init__(session, "wb-form", f"wb-form-{section.id}")
        self._loading = False
        self.on_person(self.load)
        self.load()

    @property
    def fields(self) -> dict[str, Field]:
        """The questions' fields, built the first time they are needed: with no one chosen the form
        shows only its empty state, so a page over an empty workbook (every new Binder session)
        is drawn without them, dozens of widgets fewer."""
        if self._fields is None:
            self._fields = {q.id: build_field(q) for q in self.section.questions}
            self.body.children = [f.widget for f in self._fields.values()]
            for qid, field in self._fields.items():
                field.observe(lambda qid=qid: self._save(qid))
        return self._fields

    def load(self) -> None:
        """Show the chosen person's answers (called when the person changes)."""
        person = self.session.current() if self.show_person() else None
        if person is None and self._fields is None:
            return  # nothing built yet, so nothing to clear
        self._loading = True
        try:
            for qid, field in self.fields.items():
                field.set(person.answers.get(qid) if person else None)
                field.message.value = ""
        finally:
            self._loading = False

    def _save(self, qid: str) -> None:
        if self._loading:
            return
        field = self.fields[qid]
        question = field.question
        name = self.session.person
        if name is None:
            field.message.error("Choose or add a person first, so your answer has somewhere to go.")
            return
        raw = field.get()
        try:
            value = None if raw in (None, "", []) else question.validate(raw, self.session.today())
            self.session.store.set_answer(name, qid, value)
        except WorkbookError as error:
            field.message.error(str(error))
            return
        field.message.saved("Saved" if value is not None else "Cleared")
        # Only the core reflection moves the band; free text saved on each key redraws nothing.
        self.session.changed(guidance=qid in CORE_IDS)
