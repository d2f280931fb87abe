"""The printable summary: one person's workbook on paper, to keep or to bring to a counsellor.

It holds the situation, the reflection answers, the advice with every reason behind it, the timeline
chart (with its description in words), the plan and, only when asked, the journal: the most private
part, so it is never printed by default.

Why fpdf2: it is maintained, pure Python, writes selectable text with embedded, subset fonts and,
with `uharfbuzz`, shapes text (Arabic letters joined and set right to left, accents placed), falling
back glyph by glyph to a second font. ReportLab would do too, but shapes no Arabic. Text is only
ever written as text (`multi_cell`, never HTML or markdown), so nothing a person typed can become
markup or a link.

Fonts, so that any name prints: DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew and more), which
matplotlib, already a dependency, ships inside its wheel; then, glyph by glyph, the fallbacks in
workbook/fonts/, each taken from a Debian package with its licence beside it: Droid Sans Fallback
(Chinese, Japanese; Apache 2.0, fonts-droid-fallback), Nanum Gothic (Korean; OFL, fonts-nanum) and
Noto Sans Thai, Devanagari, Bengali and Tamil (OFL, fonts-noto-core). A fallback is loaded only when
the person's words need it. Nothing is installed by hand and nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .chart import describe_timeline, timeline_png
from .guidance import assess
from .model import Assessment, Channel, JournalKind, Person, long_date, quantity
from .plan import CADENCE, CHANNEL, FIRST_CHECK_IN, IDEAS, REMINDERS
from .questions import Question, QuestionKind

if TYPE_CHECKING:
    from fpdf import FPDF

    from .content import Content

__all__ = ["FALLBACK_FONT", "FALLBACK_FONTS", "report_pdf"]

_FONTS = Path(__file__).resolve().parent / "fonts"
FALLBACK_FONT = _FONTS / "DroidSansFallbackFull.ttf"  # Chinese and Japanese
# Tried in this order for a character DejaVu Sans lacks.
FALLBACK_FONTS = (
    FALLBACK_FONT,
    _FONTS / "NanumGothic.ttf",  # Korean
    _FONTS / "NotoSansThai-Regular.ttf",
    _FONTS / "NotoSansDevanagari-Regular.ttf",  # Hindi, Marathi, Nepali
    _FONTS / "NotoSansBengali-Regular.ttf",
    _FONTS / "NotoSansTamil-Regular.ttf",
)
TITLE = "Reconnect Workbook"
NOT_THERAPY = (
    "This workbook is not therapy. If things feel too heavy, talk to someone you trust or your doctor. "
    "If you might hurt yourself, or you are in danger, get help now:"
)
_BODY, _SMALL, _LINE = 10.5, 9, 5.4


def report_pdf(person: Person, content: Content, today: date, *, with_journal: bool = False) -> bytes:
    """The summary as PDF bytes, the advice as of `today`."""
    assessment = assess(person, today, content.rules)
    pdf = _document(person, today, with_journal)
    _situation(pdf, person, content)
    _advice(pdf, assessment, content)
    _timeline(pdf, person, assessment, today, content)
    _reflection(pdf, person, content)
    _plan(pdf, person, content)
    if with_journal:
        _journal(pdf, person, content)
    _help(pdf, content)
    return bytes(pdf.output())


def _document(person: Person, today: date, with_journal: bool) -> FPDF:
    import matplotlib
    from fpdf import FPDF

    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("body", "", dejavu / "DejaVuSans.ttf")
    pdf.add_font("body", "B", dejavu / "DejaVuSans-Bold.ttf")
    covered = pdf.fonts["body"].cmap
    missing = {ord(ch) for ch in _words(person, with_journal) if not ch.isspace()} - set(covered)
    loaded = []
    for number, path in enumerate(FALLBACK_FONTS):
        if not missing:  # most workbooks never need one; the CJK font alone takes a second to load
            break
        family = f"fallback{number}"
        pdf.add_font(family, "", path)
        found = missing & set(pdf.fonts[family].cmap)
        if found:
            loaded.append(family)
            missing -= found
    if loaded:
        pdf.set_fallback_fonts(loaded, exact_match=False)
    name = person.name
    pdf.set_text_shaping(True)
    pdf.set_title(f"{TITLE}: {name}")
    pdf.set_author(TITLE)
    pdf.set_creator(TITLE)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("body", "B", 17)
    _text(pdf, f"{TITLE}: a summary for {name}", 8.5)
    pdf.set_font("body", "", _SMALL)
    _text(pdf, f"Printed on {long_date(today)}. Private: it holds your own words.", 5)
    pdf.ln(3)
    return pdf


def _words(person: Person, with_journal: bool) -> str:
    """Everything a person wrote that the summary may print (the rest is our own words)."""
    parts = [person.name, *(event.note for event in person.events)]
    parts += [str(value) for value in (*person.answers.values(), *person.plan.values())]
    if with_journal:
        parts += [entry.text for entry in person.journal]
    return "".join(parts)


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("body", "B", 13)
    _text(pdf, text, 7)
    pdf.set_font("body", "", _BODY)


def _text(pdf: FPDF, text: str, height: float = _LINE) -> None:
    """One paragraph of plain text: never markup, however it looks."""
    pdf.multi_cell(0, height, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _pairs(pdf: FPDF, rows: Sequence[tuple[str, str]]) -> None:
    for label, value in rows:
        pdf.set_font("body", "B", _BODY)
        _text(pdf, label)
        pdf.set_font("body", "", _BODY)
        _text(pdf, value or "-")
        pdf.ln(1)


def _situation(pdf: FPDF, person: Person, content: Content) -> None:
    labels, s = content.labels, person.situation
    _heading(pdf, "The situation")
    rows = [
        ("Who they are to you", labels(s.relationship)),
        ("What happened", labels(s.what_happened)),
        ("When it ended", long_date(s.ended_on)),
        ("What you want now", labels(s.goal)),
        ("What they have signalled", "; ".join(labels(signal) for signal in sorted(s.signals)) or "Nothing"),
    ]
    _pairs(pdf, rows)


def _advice(pdf: FPDF, assessment: Assessment, content: Content) -> None:
    rules = content.rules
    _heading(pdf, "The advice, and why")
    pdf.set_font("body", "B", _BODY + 1)
    _text(pdf, rules.bands[assessment.band].title)
    pdf.set_font("body", "", _BODY)
    _text(pdf, assessment.next_step)
    if assessment.earliest_contact is not None:
        _text(pdf, f"Earliest contact: {long_date(assessment.earliest_contact)}.")
    score = (
        "not yet (the ten reflection answers are needed)"
        if assessment.score is None
        else f"{assessment.score}/100"
    )
    _text(pdf, f"Readiness score, about you and not about them: {score}.")
    pdf.ln(1)
    pdf.set_font("body", "B", _BODY)
    _text(pdf, "Why")
    pdf.set_font("body", "", _BODY)
    for reason in assessment.reasons:
        _text(pdf, f"- {reason}")
    if assessment.flags:
        pdf.ln(1)
        pdf.set_font("body", "B", _BODY)
        _text(pdf, "Worth noticing in the log")
        pdf.set_font("body", "", _BODY)
        for flag in assessment.flags:
            count = len(flag.events)
            _text(pdf, f"- {rules.flag_texts[flag.code]} ({quantity(count, 'time', 'times')})")


def _timeline(pdf: FPDF, person: Person, assessment: Assessment, today: date, content: Content) -> None:
    import io

    _heading(pdf, "The timeline")
    png = _chart_png(person, assessment, today, content)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if pdf.get_y() > pdf.h - 95:
        pdf.add_page()
    pdf.image(io.BytesIO(png), w=width, alt_text=describe_timeline(person, assessment, today))
    pdf.set_font("body", "", _SMALL)
    _text(pdf, describe_timeline(person, assessment, today), 4.6)
    pdf.set_font("body", "", _BODY)
    if person.events:
        pdf.ln(1)
        labels = content.labels
        for event in sorted(person.events, key=lambda e: e.at):
            parts = [f"{long_date(event.at.date())} {event.at:%H:%M}", labels(event.kind)]
            if event.channel is not None:
                parts.append(labels(event.channel))
            if event.tone is not None:
                parts.append(labels(event.tone))
            line = ", ".join(parts) + (f": {event.note}" if event.note else "")
            _text(pdf, f"- {line}")


def _chart_png(person: Person, assessment: Assessment, today: date, content: Content) -> bytes:
    """The timeline picture, with the CJK font as matplotlib's fallback so the name in its title
    prints too (only inside this call: the dashboard's own charts are left as they are)."""
    import warnings

    import matplotlib

    # A glyph no font has would still print a warning per character on the command line.
    with warnings.catch_warnings(), matplotlib.rc_context({"font.family": ["DejaVu Sans", *_chart_fonts()]}):
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        return timeline_png(person, assessment, today, content.rules, dpi=150)


@cache
def _chart_fonts() -> tuple[str, ...]:
    """The fallbacks' names, each added to matplotlib's font list once per process."""
    from matplotlib import font_manager

    names = []
    for path in FALLBACK_FONTS:
        font_manager.fontManager.addfont(str(path))
        names.append(font_manager.FontProperties(fname=str(path)).get_name())
    return tuple(names)


def _answer_text(question: Question, value: object) -> str:
    options = {option.value: option.label for option in question.options}
    if question.kind is QuestionKind.LIKERT:
        return f"{value} of 5 (1 {question.low_label.lower()}, 5 {question.high_label.lower()})"
    if question.kind is QuestionKind.CHOICE:
        return options.get(str(value), str(value))
    if question.kind is QuestionKind.MULTI and isinstance(value, list | tuple):
        return "; ".join(options.get(item, item) for item in value)
    return str(value)


def _reflection(pdf: FPDF, person: Person, content: Content) -> None:
    _heading(pdf, "Your reflection")
    answered = False
    for section in content.questionnaire.sections:
        rows = [
            (question.prompt, _answer_text(question, person.answers[question.id]))
            for question in section.questions
            if question.id in person.answers
        ]
        if not rows:
            continue
        answered = True
        pdf.set_font("body", "B", _BODY + 0.5)
        _text(pdf, section.title)
        pdf.ln(0.5)
        _pairs(pdf, rows)
    if not answered:
        _text(pdf, "No answers yet.")


def _plan(pdf: FPDF, person: Person, content: Content) -> None:
    _heading(pdf, "The plan")
    plan, words = person.plan, content.plan_words
    if not plan:
        _text(pdf, "No plan yet: it is made once they have replied, at their pace.")
        return
    cadence = words.cadence(str(plan.get(CADENCE, "")))
    channel = plan.get(CHANNEL)
    try:
        channel_text = content.labels(Channel(channel)) if channel else ""
    except ValueError:
        channel_text = str(channel)
    rows = [
        ("How often", cadence.label if cadence else str(plan.get(CADENCE, ""))),
        ("Where", channel_text),
        ("Ideas", _joined(plan.get(IDEAS))),
        ("First check-in", _joined(plan.get(FIRST_CHECK_IN))),
        ("Reminders", _joined(plan.get(REMINDERS))),
    ]
    known = {CADENCE, CHANNEL, IDEAS, FIRST_CHECK_IN, REMINDERS}
    rows += [
        (key.replace("_", " ").capitalize(), _joined(value))
        for key, value in sorted(plan.items())
        if key not in known
    ]
    _pairs(pdf, [(label, value) for label, value in rows if value])


def _joined(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _journal(pdf: FPDF, person: Person, content: Content) -> None:
    _heading(pdf, "Your journal")
    if not person.journal:
        _text(pdf, "No entries.")
        return
    moods = content.plan_words.moods
    for entry in sorted(person.journal, key=lambda e: e.at):
        pdf.set_font("body", "B", _BODY)
        title = f"{long_date(entry.at.date())}, {content.labels(entry.kind)}"
        if entry.kind is JournalKind.CHECK_IN and entry.mood is not None:
            title += f": {moods[entry.mood - 1]}"
        _text(pdf, title)
        pdf.set_font("body", "", _BODY)
        if entry.text:
            _text(pdf, entry.text)
        pdf.ln(1)


def _help(pdf: FPDF, content: Content) -> None:
    _heading(pdf, "Help, if you need it")
    pdf.set_font("body", "", _SMALL)
    _text(pdf, NOT_THERAPY, 4.6)
    for route in content.help_routes:
        if "crisis" in route.kinds:
            _text(pdf, f"- {route.name}: {route.contact} ({route.where})", 4.6)
