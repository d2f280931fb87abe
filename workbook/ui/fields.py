"""One widget builder per question kind, and the form that saves answers as they change.

Each builder returns a `Field`: the widget to show, a getter and a setter of the stored value, and
an `observe` hook (the ipywidgets-jsonschema pattern). The stored answer, not the widget state, is
the source of truth: `AnswerForm` validates every change with `Question.validate`, writes it to the
store, and shows "Saved" or an inline message. A refused value is never written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import ipywidgets as w

from ..errors import WorkbookError
from ..model import CORE_IDS, AnswerValue
from ..questions import Question, QuestionKind, Section
from .session import Session
from .theme import note

__all__ = ["AnswerForm", "Field", "build_field"]

_LIKERT = ("1", "2", "3", "4", "5")


@dataclass
class Field:
    question: Question
    widget: w.Widget  # what to display (prompt, help, input, message)
    get: Callable[[], Any]  # the raw value in the input
    set: Callable[[AnswerValue | None], None]  # show a stored value
    observe: Callable[[Callable[[], None]], None]  # call back when the person changes it
    message: w.Label  # "Saved" or what is wrong
    control: w.Widget  # the input itself (for tests and focus)


def _labelled(question: Question, control: w.Widget, message: w.Label) -> w.VBox:
    prompt = note(question.prompt, "prompt")
    parts: list[w.Widget] = [prompt]
    if question.help:
        parts.append(note(question.help, "help"))
    parts += [control, message]
    box = w.VBox(parts)
    box.add_class("wb-field")
    box.add_class(f"wb-q-{question.id}")
    return box


def _observer(control: w.Widget, name: str = "value") -> Callable[[Callable[[], None]], None]:
    def observe(callback: Callable[[], None]) -> None:
        control.observe(lambda _change: callback(), names=name)

    return observe


def _likert(question: Question) -> Field:
    low = question.low_label or "Strongly disagree"
    high = question.high_label or "Strongly agree"
    control = w.RadioButtons(
        options=[
            (f"{v}{' - ' + low if v == '1' else ''}{' - ' + high if v == '5' else ''}", v) for v in _LIKERT
        ],
        value=None,
        description="",
        layout=w.Layout(width="auto"),
    )
    control.add_class("wb-likert")
    message = note("", "saved")

    def set_value(value: AnswerValue | None) -> None:
        control.value = str(value) if value is not None else None

    return Field(
        question,
        _labelled(question, control, message),
        lambda: int(control.value) if control.value else None,
        set_value,
        _observer(control),
        message,
        control,
    )


def _choice(question: Question) -> Field:
    control = w.RadioButtons(
        options=[(o.label, o.value) for o in question.options],
        value=None,
        layout=w.Layout(width="auto"),
    )
    message = note("", "saved")
    return Field(
        question,
        _labelled(question, control, message),
        lambda: control.value,
        lambda value: setattr(control, "value", value if value in question.option_values else None),
        _observer(control),
        message,
        control,
    )


def _multi(question: Question) -> Field:
    boxes = [w.Checkbox(value=False, description=o.label, indent=False) for o in question.options]
    control = w.VBox(boxes)
    message = note("", "saved")

    def get() -> list[str]:
        return [o.value for o, box in zip(question.options, boxes, strict=True) if box.value]

    def set_value(value: AnswerValue | None) -> None:
        chosen = set(value) if isinstance(value, list) else set()
        for option, box in zip(question.options, boxes, strict=True):
            box.value = option.value in chosen

    def observe(callback: Callable[[], None]) -> None:
        for box in boxes:
            box.observe(lambda _change: callback(), names="value")

    return Field(question, _labelled(question, control, message), get, set_value, observe, message, control)


def _text(question: Question) -> Field:
    kind = w.Textarea if question.long else w.Text
    control = kind(
        value="",
        placeholder=question.placeholder,
        continuous_update=True,  # saved as typed: a closed tab loses nothing
        layout=w.Layout(width="100%"),
    )
    message = note("", "saved")
    return Field(
        question,
        _labelled(question, control, message),
        lambda: control.value,
        lambda value: setattr(control, "value", value if isinstance(value, str) else ""),
        _observer(control),
        message,
        control,
    )


def _date(question: Question) -> Field:
    control = w.DatePicker(value=None)
    message = note("", "saved")

    def set_value(value: AnswerValue | None) -> None:
        try:
            control.value = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            control.value = None

    return Field(
        question,
        _labelled(question, control, message),
        lambda: control.value.isoformat() if control.value else None,
        set_value,
        _observer(control),
        message,
        control,
    )


_BUILDERS: dict[QuestionKind, Callable[[Question], Field]] = {
    QuestionKind.LIKERT: _likert,
    QuestionKind.CHOICE: _choice,
    QuestionKind.MULTI: _multi,
    QuestionKind.TEXT: _text,
    QuestionKind.DATE: _date,
}


def build_field(question: Question) -> Field:
    return _BUILDERS[question.kind](question)


class AnswerForm:
    """A section's questions, bound to the chosen person's stored answers."""

    def __init__(self, section: Section, session: Session):
        self.section = section
        self.session = session
        self.fields = {q.id: build_field(q) for q in section.questions}
        self._loading = False
        self.empty = note("Choose or add a person first (at the top).", "help")
        self.widget = w.VBox([self.empty] + [f.widget for f in self.fields.values()])
        self.widget.add_class("wb-form")
        self.widget.add_class(f"wb-form-{section.id}")
        for field in self.fields.values():
            field.observe(lambda field=field: self._save(field))
        session.observe(lambda _change: self.load(), names="person")
        self.load()

    def load(self) -> None:
        """Show the chosen person's answers (called when the person changes)."""
        person = self.session.current()
        self.empty.layout.display = "none" if person else None
        self._loading = True
        try:
            for qid, field in self.fields.items():
                field.widget.layout.display = None if person else "none"
                field.set(person.answers.get(qid) if person else None)
                field.message.value = ""
        finally:
            self._loading = False

    def _save(self, field: Field) -> None:
        if self._loading:
            return
        name = self.session.person
        if name is None:
            self._show(field, "Choose or add a person first, so your answer has somewhere to go.")
            return
        raw = field.get()
        try:
            value = None if raw in (None, "", []) else field.question.validate(raw, self.session.today())
            self.session.store.set_answer(name, field.question.id, value)
        except WorkbookError as error:
            self._show(field, str(error))
            return
        field.message.remove_class("wb-error")
        field.message.add_class("wb-saved")
        field.message.value = "Saved" if value is not None else "Cleared"
        # Only the core reflection moves the band; free text saved on each key redraws nothing.
        self.session.changed(guidance=field.question.id in CORE_IDS)

    @staticmethod
    def _show(field: Field, text: str) -> None:
        field.message.remove_class("wb-saved")
        field.message.add_class("wb-error")
        field.message.value = text
