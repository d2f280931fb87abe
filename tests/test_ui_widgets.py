"""The app's widgets share one layout and one style per kind (workbook/ui/widgets.py): fewer models
for a phone or a Binder page to build, and a shared model can never be changed under everyone."""

from __future__ import annotations

import warnings
from collections import Counter
from datetime import date, datetime

import ipywidgets
import pytest

from workbook.model import Goal, Relationship, Situation, WhatHappened
from workbook.store import Store
from workbook.ui import widgets as w
from workbook.ui.app import Dashboard
from workbook.ui.session import Session
from workbook.ui.theme import STYLE

NOW = datetime(2026, 6, 1, 12, 0)


def models() -> set[ipywidgets.Widget]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return set(ipywidgets.Widget.widgets.values())


def a_session(*names: str) -> Session:
    session = Session(Store(memory=True), clock=lambda: NOW)
    for name in names:
        session.store.add_person(
            Situation(
                name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP
            )
        )
    if names:
        session.choose(names[0])
    return session


def test_widgets_start_with_one_shared_layout_and_one_style_per_kind() -> None:
    a, b = w.Button(description="A"), w.Button(description="B")
    assert a.layout is b.layout and a.style is b.style
    assert w.Label("x").layout is a.layout
    assert isinstance(a, ipywidgets.Button) and a._model_name == "ButtonModel"  # the same in the page


def test_a_shared_layout_or_style_refuses_to_change() -> None:
    button = w.Button(description="A")
    with pytest.raises(w.FrozenError):
        button.layout.display = "none"
    with pytest.raises(w.FrozenError):
        button.style.button_color = "red"
    assert button.layout.display is None and w.Button().style.button_color is None


def test_a_widget_given_its_own_layout_keeps_it_and_can_change_it() -> None:
    box = w.VBox(layout=w.Layout(max_width="20em"))
    box.layout.max_width = "30em"
    assert box.layout.max_width == "30em" and w.VBox().layout.max_width is None


def test_show_hides_by_class_and_leaves_the_layout_alone() -> None:
    label = w.Label("x")
    w.show(label, False)
    assert w.is_hidden(label) and label.layout.display is None
    w.show(label)
    assert not w.is_hidden(label)
    assert ".wb-hidden { display: none !important; }" in STYLE  # what makes the class hide it


def test_a_shared_model_closed_is_made_again() -> None:
    old = w.Label("x").layout
    old.close()
    assert w.Label("y").layout is not old and w.Label("y").layout.comm is not None


@pytest.mark.parametrize("names", [(), ("Sam", "Alex", "Robin")], ids=["empty", "three people"])
def test_the_dashboard_builds_few_layouts_and_styles(names: tuple[str, ...]) -> None:
    session = a_session(*names)
    before = models()
    Dashboard(session)
    kinds = Counter(
        "layout"
        if isinstance(m, ipywidgets.Layout)
        else "style"
        if isinstance(m, ipywidgets.widgets.widget.Widget) and type(m).__name__.endswith("Style")
        else "widget"
        for m in models() - before
    )
    # Before the shared models: 84 and 103 layouts, 60 and 70 styles (one each per widget).
    assert kinds["widget"] > 80
    assert kinds["layout"] <= kinds["widget"] / 8
    assert kinds["style"] <= 12  # one per kind of widget (and per description width)
    hidden_by_layout = [
        m for m in models() - before if isinstance(m, ipywidgets.Layout) and m.display == "none"
    ]
    assert not hidden_by_layout


def test_every_widget_kind_the_app_builds_shares_its_layout() -> None:
    """A kind used as `w.X(...)` but not made lean in widgets.py would silently get its own models."""
    import re
    from pathlib import Path

    import ipywidgets

    source = "\n".join(p.read_text("utf-8") for p in Path(w.__file__).parent.glob("*.py"))
    kinds = set(re.findall(r"\bw\.([A-Z]\w+)\(", source)) - {"Layout"}
    assert {"Button", "VBox", "Label"} <= kinds
    for kind in sorted(kinds):
        cls = getattr(w, kind)
        assert cls is not getattr(ipywidgets, kind), f"w.{kind} is ipywidgets' own: add it to widgets.py"
        assert cls().layout is w.shared_layout(), kind
