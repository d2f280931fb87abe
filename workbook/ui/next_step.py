"""The end of a step notebook: one link that opens the next step, made from data/steps.toml.

"Next: Check your motives" is a plain relative link to the next notebook (`02_check_your_motives.ipynb`),
so it opens that step wherever the notebook is shown: Voila serves every notebook of the folder
under the same `/voila/render/.../` path (standalone `voila notebooks/` and Binder's route alike),
and JupyterLab opens a notebook linked from a markdown cell in a tab of its own. After the last step
the link leads back to the readiness card.

It lives in each notebook's last markdown cell, as this function writes it (tests/test_notebooks.py
holds them equal, so a step that moves in data/steps.toml fails the test until its link follows). A
markdown cell, not an output: Voila writes markdown into the page as it serves it, so the browser
follows the link in the same tab, while an output's links are opened in a new tab by the front
end (every step would then start a kernel of its own), and a widget's are not followed by
JupyterLab at all.

The words and the names are fixed content, escaped all the same.
"""

from __future__ import annotations

import html

from ..steps import Position, Steps

__all__ = ["render_next_step"]


def render_next_step(steps: Steps, notebook: str) -> str:
    """The link's HTML, on one line (a markdown cell's block of HTML): where the next step sits
    ("Step 3 of 9") and what it is."""
    target, back = steps.after(notebook)
    words = steps.words
    text = words.back if back else words.next.format(title=target.title)
    where = ""
    if target.number is not None:
        where = words.where(Position(target.number, target.number, steps.count))
    return (
        f'<nav class="wb-next-link" aria-label="{html.escape(text)}">'
        f'<span class="wb-position">{html.escape(where)}</span>'
        f'<a class="wb-next-step-link" href="{html.escape(target.notebook or "")}.ipynb">'
        f"{html.escape(text)}</a></nav>"
    )
