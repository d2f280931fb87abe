"""The notebooks, executed in order as a person would, with what they show checked.

nbval (configured in pyproject.toml) already runs every notebook and fails on any error. It cannot
check outputs here, because committed notebooks carry none. So this test executes them with
nbclient against a fresh WORKBOOK_HOME holding the demo people, keeps the widget state, and checks
what a person would see: each step's widgets, the readiness card's band and score, no error output.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from workbook.cli import main as cli
from workbook.content import load_content
from workbook.ui.next_step import render_next_step

ROOT = Path(__file__).resolve().parent.parent
# The step notebooks, in the order data/steps.toml gives them.
NOTEBOOKS = [ROOT / "notebooks" / f"{name}.ipynb" for name in load_content().steps.notebooks]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    home = tmp_path_factory.mktemp("home")
    os.environ["WORKBOOK_TEST_HOME"] = str(home)
    assert cli(["--home", str(home), "demo"]) == 0
    saved = os.environ.get("WORKBOOK_HOME")
    os.environ["WORKBOOK_HOME"] = str(home)
    try:
        results = {}
        for path in NOTEBOOKS + [ROOT / "notebooks" / "dashboard.ipynb"]:
            book = nbformat.read(path, as_version=4)
            NotebookClient(
                book,
                timeout=120,
                kernel_name="python3",
                store_widget_state=True,
                resources={"metadata": {"path": str(path.parent)}},
            ).execute()
            results[path.stem] = book
        return results
    finally:
        if saved is None:
            os.environ.pop("WORKBOOK_HOME", None)
        else:
            os.environ["WORKBOOK_HOME"] = saved


def widget_texts(book: nbformat.NotebookNode) -> str:
    """Every string value in the saved widget state: what the widgets displayed."""
    state = book.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return json.dumps(state.get("state", {}), ensure_ascii=False)


def test_the_notebooks_on_disk_are_the_steps_in_order():
    on_disk = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert on_disk == [p.stem for p in NOTEBOOKS]
    assert [p.stem[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(len(NOTEBOOKS))]


def test_each_step_says_first_how_to_start_it_and_keeps_its_code_folded():
    """For someone opening a step in JupyterLab who has never used Jupyter: the first line says
    what to click, the code cells are folded (`jupyter.source_hidden`), except the one cell meant
    to be explored. The first line is tagged for JupyterLab only: Voila (the app) removes it."""
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        first = book.cells[0]
        tags = first.metadata.get("tags", [])
        assert first.cell_type == "markdown" and "jupyterlab-only" in tags, path.name
        assert "toolbar" in first.source and "run all" in first.source.lower(), path.name
        assert book.cells[1].source.startswith("# "), f"{path.name}: the title follows the first line"
        for cell in book.cells:
            if cell.cell_type == "code":
                exploring = "explore-your-data" in cell.metadata.get("tags", [])
                folded = cell.metadata.get("jupyter", {}).get("source_hidden", False)
                assert folded is not exploring, (path.name, cell.source)


def test_committed_notebooks_carry_no_outputs():
    for path in NOTEBOOKS + [ROOT / "notebooks" / "dashboard.ipynb"]:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


def test_every_code_cell_is_a_call_into_workbook_ui(executed):
    for name, book in executed.items():
        for cell in book.cells:
            if cell.cell_type != "code":
                continue
            lines = [ln for ln in cell.source.splitlines() if ln.strip()]
            assert all(ln.startswith(("from workbook import ui", "ui.", "print(ui.")) for ln in lines), (
                name,
                cell.source,
            )
            assert not any(o.get("output_type") == "error" for o in cell.outputs), name


def test_each_step_shows_its_widgets(executed):
    for name, book in executed.items():
        views = [
            o
            for c in book.cells
            if c.cell_type == "code"
            for o in c.outputs
            if WIDGET_VIEW in o.get("data", {})
        ]
        assert views, f"{name} displayed no widgets"


def test_the_readiness_step_shows_the_band_for_the_first_demo_person(executed):
    book = executed["05_readiness"]
    printed = "".join(o.get("text", "") for c in book.cells if c.cell_type == "code" for o in c.outputs)
    assert "Alex (example): Keep going, at their pace. Readiness score: 83/100." in printed
    texts = widget_texts(book)
    assert "Keep going, at their pace" in texts and "wb-score" in texts


def test_the_start_notebook_says_where_answers_are_kept(executed):
    texts = widget_texts(executed["00_start_here"])
    assert f"Your workbook is stored in: {os.environ['WORKBOOK_TEST_HOME']}" in texts


def test_each_step_ends_with_a_link_that_opens_the_next_one():
    """The link (a markdown cell, so Voila serves it as a plain link: ui/next_step.py) is exactly
    what data/steps.toml makes of it, so it cannot point at a step that moved; the last cell, the
    footer, names its own notebook (the step is then marked visited)."""
    steps = load_content().steps
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        assert book.cells[-1].source == f'ui.footer("{path.stem}")', path.name
        link = book.cells[-2]
        assert link.cell_type == "markdown" and link.source == render_next_step(steps, path.stem), path.name
        prose = " ".join(c.source for c in book.cells[:-2] if c.cell_type == "markdown")
        assert ".ipynb" not in prose, f"{path.name} links a notebook by hand"
