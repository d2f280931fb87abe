"""What ipywidgets cannot say to a screen reader yet: group names, roles and landmarks.

ipywidgets 8 labels every single input properly (a `description` becomes a `<label for=...>`), but
it sets no ARIA attribute and has no way to ask for one (jupyter-widgets/ipywidgets#2650, open):
a `RadioButtons` draws its description as a `<label>` that points at nothing, its buttons carry no
shared `name` (so the arrow keys do not move between them), no widget box can be a `<fieldset>`,
a `<main>` or a `<nav>`, and `ToggleButtons` do not say which one is pressed.

So the page gets one small script that adds what is missing to elements it finds by class, and
keeps adding it as widgets draw and redraw (a `MutationObserver`):

- every ipywidgets radio group (`.widget-radio-box`) becomes a `radiogroup` named by its own
  description label, and its buttons share a `name`, so Tab lands on the group and the arrows choose
  (the browser then clicks the button, which is what ipywidgets listens to);
- a box marked `GROUP` becomes a `group` named by its `LEGEND` label (a fieldset and its legend);
- the boxes in `LANDMARKS` become the dashboard's landmarks: banner, the person panel and the card,
  the navigation (the stepper) and main (the step); the footer is a real `<footer>` (help.py), the
  contentinfo. The current step's button gets `aria-current="step"`;
- a step button says where the person stands in it in words, not only by its shape: its tooltip
  (the status from data/steps.toml) becomes part of its name, "Motives, complete", and the tooltip
  itself is dropped, so a screen reader does not say it twice;
- a disclosure button (`DISCLOSURE`, the card's "Why this suggestion") says whether it is open
  (`aria-expanded`) and which box it opens (`aria-controls`);
- a button in a row of a list (`NAMED_ROW`, a logged event) is named by its own words and the
  row's name (`ROW_NAME`), "Edit, 3 Dec 18:30 · I sent a message": a list of twenty "Edit" and
  "Delete" buttons says nothing to someone who cannot see which line each sits on;
- a button's icon (an icon-font glyph) is hidden from screen readers, which would otherwise read
  its private character as part of the button's name.

Two things that are not ARIA but need the same script, because Python cannot move the page: the
stepper's row scrolls sideways to show the current step, and after "Next" the new step's start
comes into view with the focus on its heading (else, on a phone, the person would be left at the
bottom of a page they have not read).

Why this way: it touches only our own `wb-*` classes and three of ipywidgets' long-standing DOM
class names, so it survives an upgrade or does nothing (the browser tests then fail: they find
fields by their questions and run axe-core). The script reaches the page as HTML in an `Output`
widget, whose outputs ipywidgets renders as trusted (an `HTML` widget's `<script>` never runs, and
Voila runs no `Javascript()` display). When ipywidgets can set these attributes itself, drop this.
The script is fixed text: no user text ever goes into it.
"""

from __future__ import annotations

import json

from . import widgets as w

__all__ = [
    "ASIDE",
    "BANNER",
    "DISCLOSURE",
    "GROUP",
    "LANDMARKS",
    "LEGEND",
    "MAIN",
    "NAMED_ROW",
    "NAV",
    "PEOPLE",
    "ROW_NAME",
    "SCRIPT",
    "aria_script",
]

GROUP = "wb-group"  # a box of related inputs (checkboxes): a fieldset
DISCLOSURE = "wb-disclosure"  # a toggle button that opens the box after it
NAMED_ROW = "wb-named-row"  # a row of a list whose buttons are named with the row
ROW_NAME = "wb-row-name"  # inside a NAMED_ROW: the words that name it
LEGEND = "wb-legend"  # the label that names its GROUP: the legend
BANNER = "wb-header"  # the dashboard's title and what it is for
PEOPLE = "wb-people-region"
ASIDE = "wb-aside"
NAV = "wb-nav"
MAIN = "wb-main"
# class -> (role, name): the dashboard's landmarks, top to bottom (the footer is a <footer>).
LANDMARKS = {
    BANNER: ("banner", ""),
    PEOPLE: ("region", "Who this is about"),
    ASIDE: ("complementary", "What the workbook suggests"),
    NAV: ("navigation", "Steps"),
    MAIN: ("main", ""),
}

SCRIPT = f"""<script>
(() => {{
  if (window.wbAria) return;
  window.wbAria = true;
  const landmarks = {json.dumps(LANDMARKS)};
  let made = 0;
  const idOf = (el) => el.id || (el.id = "wb-aria-" + (++made));
  const set = (el, name, value) => {{ if (el.getAttribute(name) !== value) el.setAttribute(name, value); }};
  const named = (el, label) => {{
    if (label && label.textContent.trim()) set(el, "aria-labelledby", idOf(label));
  }};
  function apply() {{
    for (const box of document.querySelectorAll(".widget-radio-box")) {{
      set(box, "role", "radiogroup");
      named(box, box.parentElement && box.parentElement.querySelector(":scope > .widget-label"));
      const name = idOf(box);
      for (const input of box.querySelectorAll("input[type=radio]")) {{
        if (input.name !== name) input.name = name;
      }}
    }}
    for (const group of document.querySelectorAll(".{GROUP}")) {{
      set(group, "role", "group");
      named(group, group.querySelector(":scope > .{LEGEND}"));
    }}
    for (const [cls, [role, name]] of Object.entries(landmarks)) {{
      for (const el of document.getElementsByClassName(cls)) {{
        set(el, "role", role);
        if (name) set(el, "aria-label", name);
      }}
    }}
    for (const nav of document.querySelectorAll(".{NAV}")) {{
      for (const button of nav.querySelectorAll("button")) {{
        const current = button.classList.contains("mod-active") || button.classList.contains("wb-current");
        if (current) set(button, "aria-current", "step");
        else if (button.hasAttribute("aria-current")) button.removeAttribute("aria-current");
        if (button.hasAttribute("title")) {{
          button.dataset.wbStatus = button.getAttribute("title");
          button.removeAttribute("title");
        }}
        const status = button.dataset.wbStatus;
        if (status) set(button, "aria-label", button.textContent.trim() + ", " + status);
        if (current && nav.wbShown !== button) {{
          nav.wbShown = button;
          const left = button.offsetLeft - (nav.clientWidth - button.offsetWidth) / 2;
          nav.scrollTo({{ left: Math.max(0, left) }});
        }}
      }}
    }}
    for (const button of document.querySelectorAll("button.{DISCLOSURE}")) {{
      set(button, "aria-expanded", button.classList.contains("mod-active") ? "true" : "false");
      const box = button.parentElement && button.parentElement.querySelector(":scope > .wb-card-details-box");
      if (box) set(button, "aria-controls", idOf(box));
    }}
    for (const icon of document.querySelectorAll("button > i.fa")) set(icon, "aria-hidden", "true");
    for (const row of document.querySelectorAll(".{NAMED_ROW}")) {{
      const name = row.querySelector(".{ROW_NAME}");
      if (!name || !name.textContent.trim()) continue;
      for (const button of row.querySelectorAll("button")) {{
        set(button, "aria-labelledby", idOf(button) + " " + idOf(name));
      }}
    }}
    const shown = document.querySelector(".wb-main .wb-step-page > *");
    if (leftPage && shown && shown !== leftPage) {{
      leftPage = null;
      const heading = shown.querySelector(":scope > .wb-heading h2");
      shown.closest(".wb-main").scrollIntoView({{ block: "start" }});
      if (heading) {{
        heading.setAttribute("tabindex", "-1");
        heading.focus({{ preventScroll: true }});
      }}
    }}
  }}
  let leftPage = null;  // the step a click on "Next" leaves
  document.addEventListener("click", (event) => {{
    if (!event.target.closest || !event.target.closest(".wb-next")) return;
    leftPage = document.querySelector(".wb-main .wb-step-page > *");
  }}, true);
  let queued = false;
  new MutationObserver(() => {{
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {{ queued = false; apply(); }});
  }}).observe(document.body, {{
    childList: true, subtree: true, attributes: true, attributeFilter: ["class", "title"],
  }});
  apply();
}})();
</script>"""


def aria_script() -> w.Output:
    """The script above, as a widget to put next to the stylesheet (it runs once per page)."""
    out = w.Output()
    w.show(out, False)
    out.add_class("wb-aria")
    out.outputs = (
        {"output_type": "display_data", "data": {"text/html": SCRIPT, "text/plain": ""}, "metadata": {}},
    )
    return out
