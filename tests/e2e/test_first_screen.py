"""The first screen on a phone (390 x 844), and nothing moving while a person types.

Issue 15: on a phone the first screen after load shows where the person is and the start of their
step: the compact card, the stepper on one row, and the first field of the step they are on. That
holds for someone coming back (a workbook with a person and answers: the page opens on their first
step not done yet) and for someone new (an empty workbook: the form to add a person is the step's
first field). No step scrolls sideways. Typing a draft moves neither the field nor the card (a
layout-shift observer would not say, since typing counts as input: the boxes are compared). On a
desktop the card stays in view beside a long step.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from workbook.cli import main as cli
from workbook.content import load_content
from workbook.model import Goal, Relationship, Situation, WhatHappened
from workbook.store import DB_NAME, Store

from .rig import (
    DESKTOP_VIEWPORT,
    PHONE_VIEWPORT,
    assert_no_traceback,
    new_phone_context,
    voila_over,
    wait_ready,
)

pytestmark = pytest.mark.e2e

CONTENT = load_content()
PAGES = [caption for caption, _parts in CONTENT.steps.pages()]
CARD = ".wb-app > .wb-readiness"
STEPPER = ".wb-app > .wb-stepper"

# Where an element is, in the page's own coordinates (Voila scrolls #rendered_cells, not the
# document), and whether it lies inside the first screen, the viewport with nothing scrolled.
_BOX = """(el) => {
  const scroller = document.querySelector('#rendered_cells') || document.scrollingElement;
  const r = el.getBoundingClientRect();
  return {top: r.top + scroller.scrollTop, left: r.left, width: r.width, height: r.height,
          bottom: r.bottom + scroller.scrollTop, scrolled: scroller.scrollTop};
}"""
# The first input of the step shown (or of the person form, which opens in the step's place).
_FIRST_FIELD = """() => [...document.querySelectorAll('.wb-main :is(input, textarea, select)')]
  .find(el => el.type !== 'hidden' && el.getBoundingClientRect().height > 0)"""
# Sideways scrolling, of the document and of the box Voila scrolls the page in.
_SIDEWAYS = """() => [document.scrollingElement, document.querySelector('#rendered_cells')]
  .filter(Boolean).filter(el => el.scrollWidth > el.clientWidth)
  .map(el => `${el.id || el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`)"""


def _home(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    home = tmp_path_factory.mktemp(name)
    home.chmod(0o700)
    return home


@pytest.fixture(scope="module")
def returning(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Someone coming back: Sam, with the first two steps answered (the page opens on the third)."""
    home = _home(tmp_path_factory, "first-screen-returning")
    with Store(home / DB_NAME) as store:
        store.add_person(
            Situation(
                "Sam", Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP
            )
        )
        for section in ("start", "decision"):
            for question in CONTENT.questionnaire.section(section).questions:
                value = question.options[0].value if question.options else "Some words of mine"
                store.set_answer("Sam", question.id, value)
        store.choose_person("Sam")
    with voila_over(home, tmp_path_factory.mktemp("first-screen-returning-log")) as url:
        yield url


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fictional demo people: a chart, a log and long steps to scroll through."""
    home = _home(tmp_path_factory, "first-screen-demo")
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli(["--home", str(home), "demo"]) == 0
    with voila_over(home, tmp_path_factory.mktemp("first-screen-demo-log")) as url:
        yield url


@pytest.fixture(scope="module")
def new(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with voila_over(
        _home(tmp_path_factory, "first-screen-new"), tmp_path_factory.mktemp("first-screen-new-log")
    ) as url:
        yield url


def _open(browser: Browser, url: str) -> Page:
    page = new_phone_context(browser).new_page()
    page.goto(url, timeout=60_000)
    wait_ready(page)
    page.wait_for_timeout(300)  # the aria script's frame, and the stepper scrolled to its step
    assert_no_traceback(page)
    return page


def _box(page: Page, selector_or_handle) -> dict:
    handle = (
        page.locator(selector_or_handle).first if isinstance(selector_or_handle, str) else selector_or_handle
    )
    return handle.evaluate(_BOX)


def _on_first_screen(page: Page, what: str, box: dict) -> None:
    assert box["scrolled"] == 0, f"the page opened scrolled by {box['scrolled']}px"
    assert box["height"] > 0, f"{what} is not shown"
    assert box["top"] >= 0 and box["bottom"] <= PHONE_VIEWPORT["height"], (
        f"{what} is not on the first screen: from {box['top']:.0f} to {box['bottom']:.0f}px "
        f"of {PHONE_VIEWPORT['height']}"
    )


def _stepper_is_one_row(page: Page) -> None:
    tops = page.locator(f"{STEPPER} button").evaluate_all("(buttons) => buttons.map(b => b.offsetTop)")
    assert len(tops) == len(PAGES) and len(set(tops)) == 1, f"the stepper wraps: button tops {tops}"


def _assert_first_screen(page: Page) -> dict:
    """The card, the stepper (one row) and the first field of the step, all on the first screen."""
    _on_first_screen(page, "the readiness card", _box(page, CARD))
    _on_first_screen(page, "the stepper", _box(page, STEPPER))
    _stepper_is_one_row(page)
    field = page.evaluate_handle(_FIRST_FIELD).as_element()
    assert field is not None, "the step shows no field"
    _on_first_screen(page, "the step's first field", field.evaluate(_BOX))
    return {"field": field}


def test_someone_coming_back_sees_their_step_and_its_first_field(
    browser: Browser, returning: str, artifacts: Path
):
    page = _open(browser, returning)
    # Where they are: the first step not done yet (opened, so visited), said in words as well as shown.
    current = page.locator(f"{STEPPER} button[aria-current=step]")
    expect(current).to_have_text("Motives")
    expect(current).to_have_attribute("aria-label", "Motives, visited")
    expect(page.locator(f"{STEPPER} button", has_text="Decision")).to_have_attribute(
        "aria-label", "Decision, complete"
    )
    expect(page.locator(".wb-step-bar")).to_contain_text("Step 2 of 9")
    expect(page.locator(".wb-step-bar")).to_contain_text("Answers about Sam")
    first = _assert_first_screen(page)["field"]
    question = CONTENT.questionnaire.section("motives").questions[0]
    assert first.evaluate(f"el => !!el.closest('.wb-q-{question.id}')"), "not the step's first question"
    page.screenshot(path=artifacts / "first-screen-phone-returning.png")

    # The reasons are one tap away, in place.
    why = page.locator(f"{CARD} .wb-disclosure")
    expect(why).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"{CARD} .wb-reasons")).to_be_hidden()
    why.click()
    expect(why).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"{CARD} .wb-reasons")).to_be_visible()
    page.context.close()


def test_someone_new_sees_the_stepper_and_the_first_field_of_adding_a_person(
    browser: Browser, new: str, artifacts: Path
):
    page = _open(browser, new)
    first = _assert_first_screen(page)["field"]
    assert first.evaluate("el => !!el.closest('.wb-situation-form .wb-name')"), "not the person form's name"
    expect(page.locator(f"{STEPPER} button[aria-current=step]")).to_have_text(PAGES[0])
    expect(page.locator(".wb-step-bar")).to_contain_text("Step 1 of 9")
    page.screenshot(path=artifacts / "first-screen-phone-new.png")
    page.context.close()


def test_no_step_scrolls_sideways_on_a_phone(browser: Browser, demo: str):
    page = _open(browser, demo)
    wide: list[str] = []
    for index, caption in enumerate(PAGES):
        page.locator(f"{STEPPER} button").nth(index).click()
        expect(page.locator(f".wb-step-page .wb-step-{index}")).to_be_visible(timeout=30_000)
        page.wait_for_function("() => [...document.images].every(img => img.complete)", timeout=30_000)
        wide += [f"{caption}: {what}" for what in page.evaluate(_SIDEWAYS)]
        _stepper_is_one_row(page)
    page.context.close()
    assert not wide, f"steps scroll sideways on a phone: {wide}"


def test_typing_a_draft_moves_neither_the_field_nor_the_card(browser: Browser, demo: str):
    page = _open(browser, demo)
    page.locator(f"{STEPPER} button", has_text="Message").click()
    draft = page.locator(".wb-draft textarea")
    expect(draft).to_be_visible(timeout=30_000)
    draft.scroll_into_view_if_needed()
    draft.click()
    watched = {
        "the draft": ".wb-draft textarea",
        "the card": CARD,
        "the stepper": STEPPER,
        "the bar": ".wb-step-bar",
    }
    before = {what: _box(page, selector) for what, selector in watched.items()}
    # Enough keys for the checker to answer and the draft to be saved, the step to become started.
    page.keyboard.type("Hi Sam, I have been thinking of you. No need to reply!", delay=40)
    expect(page.locator(".wb-draft-message")).to_contain_text("Saved")
    expect(page.locator(".wb-verdict")).not_to_contain_text("appear here")
    expect(page.locator(f"{STEPPER} button", has_text="Message")).to_have_class(
        re.compile(r"\bwb-status-started\b"), timeout=10_000
    )
    page.wait_for_timeout(500)  # the last redraws
    after = {what: _box(page, selector) for what, selector in watched.items()}
    moved = [
        f"{what}: {before[what]} -> {after[what]}"
        for what in watched
        if any(abs(before[what][k] - after[what][k]) > 0.5 for k in ("top", "left", "width", "height"))
    ]
    page.context.close()
    assert not moved, "typing moved what is on the screen:\n" + "\n".join(moved)


def test_on_a_desktop_the_card_stays_in_view_beside_a_long_step(browser: Browser, demo: str, artifacts: Path):
    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    page = context.new_page()
    page.goto(demo, timeout=60_000)
    wait_ready(page)
    page.locator(f"{STEPPER} button", has_text="Motives").click()
    expect(page.locator(".wb-step-page .wb-form-motives")).to_be_visible(timeout=30_000)
    card, step = page.locator(CARD).bounding_box(), page.locator(".wb-main").bounding_box()
    assert card["x"] >= step["x"] + step["width"], "the card is not beside the step"
    page.locator(".wb-main .wb-next").scroll_into_view_if_needed()  # the end of a long step
    page.wait_for_timeout(200)
    card = page.locator(CARD).bounding_box()
    assert card["y"] >= 0 and card["y"] + card["height"] <= DESKTOP_VIEWPORT["height"], card
    bar = page.locator(".wb-step-bar").bounding_box()  # and the name, over the fields
    assert 0 <= bar["y"] <= 12, bar  # at the top (under the page's own 10px padding)
    page.screenshot(path=artifacts / "first-screen-desktop-scrolled.png")
    context.close()


def test_next_leads_to_the_start_of_the_next_step_with_the_focus_on_its_heading(browser: Browser, demo: str):
    """On a phone "Next" is at the bottom of a long page: the next step must not open there."""
    page = _open(browser, demo)
    page.locator(f"{STEPPER} button", has_text="Motives").click()
    expect(page.locator(".wb-step-page .wb-form-motives")).to_be_visible(timeout=30_000)
    following = PAGES[PAGES.index("Motives") + 1]
    page.locator(".wb-main .wb-next").click()
    heading = page.locator(".wb-step-page h2", has_text=following)
    expect(heading).to_be_focused(timeout=10_000)
    box = heading.bounding_box()
    assert 0 <= box["y"] < PHONE_VIEWPORT["height"] / 2, f"the step's start is not in view: {box}"
    page.context.close()
