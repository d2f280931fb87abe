"""The app by keyboard alone, every field found by its question, and axe on labels and landmarks.

- A keyboard-only journey: add a person, answer the reflection, open every step, export. Only
  `page.keyboard` (Tab, Shift+Tab, Enter, Space, arrows, typing); a listener in the page counts
  every real mouse or pointer event and must count none.
- `get_by_label(<the question's words>)` finds every question of the reflection step, the person
  form and the event form, as the right kind of control (radio groups and checkbox groups too).
- axe-core's labelling, landmark and heading rules report nothing on any dashboard step, the person
  form or the data page (tests/e2e/test_accessibility.py runs every rule, contrast included).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from workbook.content import load_content
from workbook.model import CORE_IDS
from workbook.questions import QuestionKind

from .axe import format_violations, violations_by_impact
from .rig import (
    DESKTOP_VIEWPORT,
    add_person,
    assert_no_traceback,
    voila_over,
    wait_ready,
)

pytestmark = pytest.mark.e2e

CONTENT = load_content()
REFLECTION = CONTENT.questionnaire.section("motives")  # the core reflection: step 2, "Motives"
# The ten core questions, answered as a settled, caring person would; the free-text ones are typed.
ANSWERS = dict(zip(CORE_IDS, [4, 2, 2, 1, 1, 4, 4, 4, 5, 4], strict=True))
TYPED = "Mostly that I miss them as a friend."
CAPTIONS = [caption for caption, _parts in CONTENT.steps.pages()]

# The questions of the person form and the event form, in their words, and the role of each field.
PERSON_FORM = {
    "Name": "textbox",
    "Who they are": "combobox",
    "What happened?": "radiogroup",
    "When it ended": None,  # a date input: no ARIA role of its own, its label is what matters
    "What do you want now?": "radiogroup",
    "What do you know about where they stand? Tick all that apply.": "group",
    "About safety, yours and theirs": "group",
}
EVENT_FORM = {
    "What happened?": "radiogroup",
    "Date": None,
    "Time": None,
    "How": "combobox",
    "Note": "textbox",
}
ROLES = {
    QuestionKind.LIKERT: "radiogroup",
    QuestionKind.CHOICE: "radiogroup",
    QuestionKind.MULTI: "group",
    QuestionKind.TEXT: "textbox",
    QuestionKind.DATE: None,
}
# axe-core rules about names, labels, groups, landmarks and headings (contrast is another test's).
RULES = [
    "aria-allowed-role",
    "aria-input-field-name",
    "aria-required-children",
    "aria-required-parent",
    "aria-toggle-field-name",
    "aria-valid-attr",
    "aria-valid-attr-value",
    "button-name",
    "empty-heading",
    "form-field-multiple-labels",
    "heading-order",
    "label",
    "label-title-only",
    "landmark-banner-is-top-level",
    "landmark-complementary-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-one-main",
    "landmark-unique",
    "link-name",
    "page-has-heading-one",
    "region",
    "select-name",
]

# Counts every real mouse and pointer event from the first moment of the page.
COUNT_MOUSE = """
window.wbMouseEvents = 0;
for (const type of ["mousedown", "mouseup", "pointerdown", "pointerup", "wheel", "contextmenu"]) {
  window.addEventListener(type, (event) => { if (event.isTrusted) window.wbMouseEvents += 1; }, true);
}
"""


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard over an empty workbook of its own (the person form opens by itself)."""
    home = tmp_path_factory.mktemp("keyboard-home")
    home.chmod(0o700)
    with voila_over(home, tmp_path_factory.mktemp("keyboard-log")) as url:
        yield url


def tab_to(page: Page, test: str, *, back: bool = False, limit: int = 400) -> None:
    """Press Tab (Shift+Tab with `back`) until the focused element passes `test`, a JS predicate."""
    predicate = f"() => {{ const e = document.activeElement; return !!e && ({test})(e); }}"
    for _ in range(limit):
        if page.evaluate(predicate):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    pytest.fail(f"Tab never reached an element where {test}", pytrace=False)


def focus_is(selector: str) -> str:
    return f"e => e.matches({json.dumps(selector)})"


def step_button(caption: str) -> str:
    return f"e => e.matches('.wb-stepper button') && e.textContent.trim() === {json.dumps(caption)}"


def choose_radio(page: Page, group: str, position: int) -> None:
    """Tab into a radio group with nothing chosen, then choose the option at `position` (from 1)."""
    tab_to(page, focus_is(f"{group} input[type=radio]"))
    page.keyboard.press("Space")  # the first option
    for _ in range(position - 1):
        page.keyboard.press("ArrowDown")


def card(page: Page):
    return page.locator(".wb-app > .wb-readiness")


def test_a_person_can_do_it_all_by_keyboard_alone(
    browser: Browser, fresh_app: str, artifacts: Path, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=DESKTOP_VIEWPORT, accept_downloads=True, locale="en-US")
    context.add_init_script(COUNT_MOUSE)
    page = context.new_page()
    page.goto(fresh_app)
    wait_ready(page)

    # Add a person: the empty workbook opened the form.
    form = page.locator(".wb-situation-form")
    expect(form).to_be_visible()
    tab_to(page, focus_is(".wb-situation-form .wb-name input"))
    page.keyboard.type("Sam")
    page.keyboard.press("Tab")  # to "Who they are"
    assert page.evaluate("() => document.activeElement.matches('.wb-relationship select')")
    page.keyboard.type("A friend")  # a closed select picks the option whose words are typed
    choose_radio(page, ".wb-what-happened", 3)  # I pulled away or went quiet
    tab_to(page, focus_is(".wb-ended-on input"))
    # mm dd yyyy, segment by segment. Paced: keys sent faster than the date field moves between its
    # segments can land in the wrong one (a CI run once got the year 0002).
    page.keyboard.type("01012026", delay=80)
    expect(page.locator(".wb-ended-on input")).to_have_value("2026-01-01")
    choose_radio(page, ".wb-goal", 2)  # To be friends again
    tab_to(page, focus_is(".wb-save-person"))
    page.keyboard.press("Enter")
    expect(form).to_be_hidden()
    expect(card(page)).to_contain_text("Sam")
    expect(card(page)).to_contain_text("Not yet")

    # The reflection, from the stepper: Shift+Tab back up to it, Enter on "Motives".
    tab_to(page, step_button("Motives"), back=True)
    page.keyboard.press("Enter")
    expect(page.locator(".wb-step-page .wb-form-motives")).to_be_visible()
    for question in REFLECTION.questions:
        if question.kind is QuestionKind.LIKERT:
            choose_radio(page, f".wb-q-{question.id}", ANSWERS[question.id])
        else:
            tab_to(page, focus_is(f".wb-q-{question.id} :is(input, textarea)"))
            page.keyboard.type(TYPED)
        expect(page.locator(f".wb-q-{question.id} .wb-saved")).to_have_text("Saved")
    expect(card(page)).to_contain_text("One friendly message")
    expect(card(page).locator(".wb-score")).to_have_text(re.compile(r"^\d+$"))
    page.screenshot(path=artifacts / "keyboard-1-reflection.png", full_page=True)

    # Every step, one after another along the stepper: Enter, then Tab to the next step.
    tab_to(page, step_button(CAPTIONS[0]), back=True)
    for index, caption in enumerate(CAPTIONS):
        assert page.evaluate(f"() => ({step_button(caption)})(document.activeElement)"), caption
        page.keyboard.press("Enter")
        expect(page.locator(f".wb-step-page .wb-step-{index}")).to_be_visible(timeout=30_000)
        expect(page.locator(".wb-stepper button[aria-current=step]")).to_have_text(caption)
        if index < len(CAPTIONS) - 1:
            page.keyboard.press("Tab")

    # Export, from the data page (the last step): Tab to the button, Enter, Tab to the link, Enter.
    tab_to(page, focus_is(".wb-export"))
    page.keyboard.press("Enter")
    link = page.locator(".wb-export-link a")
    expect(link).to_be_visible()
    tab_to(page, focus_is(".wb-export-link a"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    exported = tmp_path / "export.json"
    download.value.save_as(exported)
    person = json.loads(exported.read_text())["people"][0]
    assert person["name"] == "Sam"
    assert (person["relationship"], person["what_happened"], person["goal"]) == (
        "friend",
        "i_pushed_away",
        "friendship",
    )
    assert person["ended_on"] == "2026-01-01"
    assert {qid: person["answers"][qid] for qid in ANSWERS} == ANSWERS
    assert {person["answers"][q.id] for q in REFLECTION.questions if q.id not in ANSWERS} == {TYPED}

    assert page.evaluate("() => window.wbMouseEvents") == 0, "the journey used the mouse"
    assert_no_traceback(page)
    context.close()


def test_focus_can_be_seen_on_every_kind_of_control(browser: Browser, fresh_app: str) -> None:
    """Every focus stop along the page draws a 3px outline: buttons, radios, checkboxes, text, lists."""
    page = browser.new_page(viewport=DESKTOP_VIEWPORT)
    page.goto(fresh_app)
    wait_ready(page)
    kinds = {
        "button:button",
        "button:submit",
        "input:radio",
        "input:checkbox",
        "input:text",
        "select:select-one",
    }
    seen: set[str] = set()
    unseen: list[str] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        kind, outline = page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
                return [e.tagName.toLowerCase() + (e.type ? ":" + e.type : ""),
                        s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 3]; }"""
        )
        if kind in kinds:
            seen.add(kind)
            if not outline:
                unseen.append(kind)
    assert seen >= {"button:submit", "input:radio", "input:checkbox", "input:text", "select:select-one"}, seen
    assert not unseen, f"focus without a visible outline on: {sorted(set(unseen))}"
    page.close()


def _open_person_form(page: Page) -> None:
    form = page.locator(".wb-situation-form")
    if not form.is_visible():
        page.locator(".wb-person-panel button", has_text="Add a person").click()
    expect(form).to_be_visible()


def _ensure_person(page: Page) -> None:
    """Someone to look at: the first test may not have run (or added one) before this one."""
    if "Add a person to see" in card(page).inner_text():
        _open_person_form(page)
        add_person(page, "Ash")
        expect(card(page)).to_contain_text("Ash")


def _by_label(scope, words: str, role: str | None) -> None:
    field = scope.get_by_label(words, exact=True)
    expect(field).to_have_count(1)
    expect(field).to_be_visible()
    if role is not None:
        expect(scope.get_by_role(role, name=words, exact=True)).to_have_count(1)


def test_every_question_is_found_by_its_own_words(browser: Browser, fresh_app: str) -> None:
    page = browser.new_page(viewport=DESKTOP_VIEWPORT)
    page.goto(fresh_app)
    wait_ready(page)

    _open_person_form(page)
    form = page.locator(".wb-situation-form")
    for words, role in PERSON_FORM.items():
        _by_label(form, words, role)
    _ensure_person(page)

    page.locator(".wb-stepper button", has_text="Motives").click()
    expect(page.locator(".wb-form-motives")).to_be_visible()
    for question in REFLECTION.questions:
        _by_label(page, question.prompt, ROLES[question.kind])

    page.locator(".wb-stepper button", has_text="Timeline").click()
    events = page.locator(".wb-event-form")
    expect(events).to_be_visible()
    for words, role in EVENT_FORM.items():
        _by_label(events, words, role)
    # The questions a reply brings up: how it felt, and (a cold one) whether they asked for anything.
    events.get_by_role("radio", name="They wrote or called me").check()
    _by_label(events, "How did their message feel?", "radiogroup")
    events.get_by_role("radio", name="Upset or cold").check()
    _by_label(events, "Did they ask you for anything?", "radiogroup")
    page.close()


def test_each_logged_events_buttons_say_which_event_they_are_for(browser: Browser, fresh_app: str) -> None:
    """A screen reader lists a page's buttons by name: twenty "Edit"s would not say which is which."""
    from .test_journey import log_event

    page = browser.new_page(viewport=DESKTOP_VIEWPORT)
    page.goto(fresh_app)
    wait_ready(page)
    _ensure_person(page)
    page.locator(".wb-stepper button", has_text="Timeline").click()
    expect(page.locator(".wb-event-form")).to_be_visible()
    log_event(page, "I sent a message", "2026-03-14", "18:30", "Text or chat")
    log_event(page, "I sent a message", "2026-04-02", "09:05", "Email")
    rows = page.locator(".wb-event-row")
    expect(rows).to_have_count(2)
    for day in ("14 Mar", "2 Apr"):
        row, said = rows.filter(has_text=day), rf"\w+ {day} 2026, \d\d:\d\d · I sent a message"
        edit, delete = row.get_by_role("button", name="Edit"), row.get_by_role("button", name="Delete")
        expect(edit).to_have_accessible_name(re.compile("^Edit " + said))
        expect(delete).to_have_accessible_name(re.compile("^Delete " + said))
        expect(edit).to_have_text("Edit")  # what a sighted person sees is unchanged
    # Each name is unique on the page, so a list of buttons tells them apart.
    names = rows.get_by_role("button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-labelledby'))")
    assert len(set(names)) == 4, names
    page.close()


def test_labels_landmarks_and_headings_pass_axe(browser: Browser, fresh_app: str) -> None:
    page = browser.new_page(viewport=DESKTOP_VIEWPORT)
    page.goto(fresh_app)
    wait_ready(page)
    _ensure_person(page)
    options = {"runOnly": {"type": "rule", "values": RULES}}
    report: list[str] = []
    found = 0

    def audit(where: str) -> None:
        nonlocal found
        grouped = violations_by_impact(page, options)
        found += sum(len(violations) for violations in grouped.values())
        report.append(format_violations(grouped, summary=where))

    for index, caption in enumerate(CAPTIONS):
        page.locator(".wb-stepper button").nth(index).click()
        expect(page.locator(f".wb-step-page .wb-step-{index}")).to_be_visible(timeout=30_000)
        page.wait_for_timeout(300)  # the aria script runs on the next animation frame
        audit(f"step {index} {caption}")
    _open_person_form(page)
    page.wait_for_timeout(300)
    audit("the add-a-person form")
    print("\n" + "\n".join(report))
    assert found == 0, "axe-core found label, landmark or heading problems:\n" + "\n".join(report)
    page.close()
