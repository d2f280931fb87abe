"""The printable summary: selectable text holding the name (in any script), the advice and its
reasons, the chart and the plan; the journal only when asked; hostile text printed as text."""

from __future__ import annotations

import io
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from workbook.content import load_content
from workbook.guidance import assess
from workbook.report import report_pdf
from workbook.transfer import parse_document

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "examples" / "demo.json"
TODAY = date(2026, 11, 23)
HOSTILE = '<script>alert(1)</script> =HYPERLINK("x") %PDF /JavaScript'
CONTENT = load_content()


def demo_person(name: str = "Alex (example)"):
    return next(p for p in parse_document(DEMO.read_bytes()) if p.name == name)


def renamed(person, name: str):
    return replace(person, situation=replace(person.situation, name=name))


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def alex_pdf() -> bytes:
    return report_pdf(demo_person(), CONTENT, TODAY)


def test_it_is_a_pdf_with_the_name_the_advice_and_its_reasons(alex_pdf):
    assert alex_pdf.startswith(b"%PDF-")
    text = flat(text_of(alex_pdf))
    assessment = assess(demo_person(), TODAY, CONTENT.rules)
    assert "Alex (example)" in text
    assert CONTENT.rules.bands[assessment.band].title in text
    assert flat(assessment.next_step) in text
    for reason in assessment.reasons:
        assert flat(reason) in text
    for heading in ("The situation", "The advice, and why", "The timeline", "Your reflection", "The plan"):
        assert heading in text
    assert "83/100" in text


def test_the_chart_is_in_it(alex_pdf):
    reader = PdfReader(io.BytesIO(alex_pdf))
    images = [image for page in reader.pages for image in page.images]
    assert images and images[0].image.width > 800


def test_the_journal_is_left_out_unless_asked(alex_pdf):
    assert "Steadier this week" not in text_of(alex_pdf)
    with_journal = text_of(report_pdf(demo_person(), CONTENT, TODAY, with_journal=True))
    assert "Your journal" in with_journal and "Steadier this week" in with_journal


@pytest.mark.parametrize("name", ["Zoë 李", "سارة الأحمد", "Zoë 李 and سارة", "김민지", "สมชาย", "प्रिया"])
def test_any_name_prints_as_selectable_text(name):
    text = text_of(report_pdf(renamed(demo_person(), name), CONTENT, TODAY))
    # Extraction may leave a control character where shaping moved a vowel sign (Devanagari).
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    for word in name.split():
        # pypdf gives right-to-left words back in reading order, or (as some viewers do) reversed.
        assert word in text or word[::-1] in text, (word, text[:300])


@pytest.mark.parametrize(
    ("name", "font"), [("김민지", "Nanum"), ("สมชาย", "NotoSansThai"), ("प्रिया", "NotoSansDevanagari")]
)
def test_a_script_dejavu_lacks_is_set_in_its_own_fallback_font(name, font):
    reader = PdfReader(io.BytesIO(report_pdf(renamed(demo_person(), name), CONTENT, TODAY)))
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any(font in f for f in fonts), fonts


def test_the_fonts_are_embedded_so_nothing_depends_on_the_reader(alex_pdf):
    reader = PdfReader(io.BytesIO(report_pdf(renamed(demo_person(), "Zoë 李"), CONTENT, TODAY)))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("DejaVu" in f for f in fonts) and any("Droid" in f for f in fonts)


def test_hostile_text_is_printed_as_text():
    person = renamed(demo_person(), HOSTILE)
    pdf = report_pdf(person, CONTENT, TODAY)
    assert flat(HOSTILE) in flat(text_of(pdf))
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert not {"/AA", "/Names", "/AcroForm"} & set(catalog)  # nothing that runs
    assert isinstance(catalog.get("/OpenAction", []), list)  # at most where to open, never an action
    assert all("/Annots" not in page for page in reader.pages)  # no link was made of it


def test_a_person_with_nothing_logged_or_answered_still_prints():
    person = replace(demo_person(), answers={}, events=(), plan={}, journal=())
    text = text_of(report_pdf(person, CONTENT, TODAY, with_journal=True))
    assert "No answers yet." in text and "No plan yet" in text and "No entries." in text


def run(*args: str, home: Path):
    return subprocess.run(
        [sys.executable, "-m", "workbook", "--home", str(home), *args],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "HOME": str(home)},
    )


def test_the_command_line_writes_a_private_pdf(tmp_path):
    home = tmp_path / "home"
    assert run("demo", home=home).returncode == 0
    target = tmp_path / "sam.pdf"
    out = run(
        "report",
        str(target),
        "--person",
        "sam (EXAMPLE)",
        "--with-journal",
        "--today",
        "2026-11-23",
        home=home,
    )
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = text_of(target.read_bytes())
    assert "Sam (example)" in text and "unsent letter" in text.lower()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("report", "x.pdf", "--person", "Nobody"), "No person called"),
        (("report", "x.txt", "--person", "Alex (example)"), "ending in .pdf"),
        (("report", "x.pdf"), "--person"),
    ],
)
def test_bad_report_input_is_one_line_and_writes_nothing(tmp_path, args, words):
    home = tmp_path / "home"
    assert run("demo", home=home).returncode == 0
    out = subprocess.run(
        [sys.executable, "-m", "workbook", "--home", str(home), *args],
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert out.returncode == 2
    lines = out.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and words in lines[0]
    assert not (tmp_path / "x.pdf").exists()
