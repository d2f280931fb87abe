"""The widgets the app builds, as ipywidgets' own but sharing one layout and one style per kind.

Why: ipywidgets gives every widget a `Layout` model and most a style model of its own, though the
app sets neither (its look is one stylesheet, theme.py). Every model is built, sent and drawn: in a
page of about 280 models, 100 were layouts and 70 styles, and on a throttled phone and on the Binder
route (no pre-heated kernel) that was what kept the page slower than the one-slider floor. Here each
widget gets the one shared, empty `Layout` and, per style class, one shared style; a widget that
really needs a layout of its own (a width) is given one explicitly, as before.

A shared model must never change, or every widget using it would change with it: they are
`frozen` (setting anything on them raises), and showing or hiding a widget is a CSS class on the
widget itself (`show`), never its layout's `display`.

Use this module as `from . import widgets as w`: it has the same names as ipywidgets.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as _ipw
from ipywidgets import *  # noqa: F403 -- the same names as ipywidgets, for the kinds not below
from traitlets import default

__all__ = [
    "BoundedIntText",
    "Box",
    "Button",
    "Checkbox",
    "DatePicker",
    "Dropdown",
    "FileUpload",
    "FrozenError",
    "HBox",
    "HTML",
    "HIDDEN",
    "Label",
    "Output",
    "Password",
    "RadioButtons",
    "Text",
    "Textarea",
    "TimePicker",
    "ToggleButton",
    "VBox",
    "is_hidden",
    "shared_layout",
    "shared_style",
    "show",
]

HIDDEN = "wb-hidden"  # theme.py: display none


class FrozenError(RuntimeError):
    """A shared layout or style was about to change: it would change every widget using it.

    Not an AttributeError, so that no `except AttributeError` around a layout write can hide it."""


class _Frozen:
    """Refuses any change to a synchronised trait once built."""

    _frozen = False

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen and name in self.keys:
            raise FrozenError(
                f"{type(self).__name__} is shared by many widgets: give this widget its own "
                f"(layout=w.Layout({name}=...)) or use w.show() instead of display"
            )
        super().__setattr__(name, value)


def _frozen_class(klass: type) -> type:
    return type(f"Shared{klass.__name__}", (_Frozen, klass), {})


_shared: dict[tuple[type, tuple[tuple[str, Any], ...]], _ipw.Widget] = {}


def _shared_instance(klass: type, **values: Any) -> _ipw.Widget:
    key = (klass, tuple(sorted(values.items())))
    found = _shared.get(key)
    closed = found is not None and (found.comm is None or getattr(found.comm, "_closed", False))
    if found is None or closed:  # never built, or closed (Widget.close_all, or from the page's side)
        found = _frozen_class(klass)(**values)
        found._frozen = True
        _shared[key] = found
    return found


def shared_layout() -> _ipw.Layout:
    """The one empty `Layout` every widget here starts with."""
    return _shared_instance(_ipw.Layout)  # type: ignore[return-value]


def shared_style(widget_class: type, **values: Any) -> _ipw.Widget:
    """The shared style for `widget_class` with these values (e.g. description_width="initial")."""
    return _shared_instance(widget_class.class_traits()["style"].klass, **values)


def _lean(klass: type) -> type:
    body: dict[str, Any] = {
        "__doc__": f"ipywidgets' {klass.__name__}, starting with the shared layout and style.",
        "__module__": __name__,
        "_default_layout": default("layout")(lambda self: shared_layout()),
    }
    if "style" in klass.class_traits():
        body["_default_style"] = default("style")(lambda self: shared_style(klass))
    return type(klass.__name__, (klass,), body)


BoundedIntText = _lean(_ipw.BoundedIntText)
Box = _lean(_ipw.Box)
Button = _lean(_ipw.Button)
Checkbox = _lean(_ipw.Checkbox)
DatePicker = _lean(_ipw.DatePicker)
Dropdown = _lean(_ipw.Dropdown)
FileUpload = _lean(_ipw.FileUpload)
HBox = _lean(_ipw.HBox)
HTML = _lean(_ipw.HTML)
Label = _lean(_ipw.Label)
Output = _lean(_ipw.Output)
Password = _lean(_ipw.Password)
RadioButtons = _lean(_ipw.RadioButtons)
Text = _lean(_ipw.Text)
Textarea = _lean(_ipw.Textarea)
TimePicker = _lean(_ipw.TimePicker)
ToggleButton = _lean(_ipw.ToggleButton)
VBox = _lean(_ipw.VBox)


def show(widget: _ipw.DOMWidget, visible: bool = True) -> None:
    """Show or hide a widget by its class, leaving its (perhaps shared) layout alone."""
    if visible:
        widget.remove_class(HIDDEN)
    else:
        widget.add_class(HIDDEN)


def is_hidden(widget: _ipw.DOMWidget) -> bool:
    return HIDDEN in widget._dom_classes
