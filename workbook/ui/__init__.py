"""The widgets: what notebooks and the dashboard call. One or two calls per notebook cell.

Every builder takes the kernel's `Session` (see session.py) and returns an object with `.widget`;
the functions here wrap them for notebooks, adding the stylesheet and the person selector where a
notebook needs them. The core never imports this package.

    from workbook import ui
    ui.step("decision")        # the person selector and the questions of one section
"""

from __future__ import annotations

from . import widgets as w
from .session import Session, get_session, set_session

__all__ = [
    "Session",
    "check_ins",
    "contact_log",
    "dashboard",
    "footer",
    "get_session",
    "journal",
    "message_studio",
    "person_panel",
    "plan",
    "readiness_card",
    "set_session",
    "step",
    "summary",
    "timeline",
    "timing",
    "where_stored",
]


def _page(*children: w.Widget, name: str) -> w.VBox:
    from .aria import aria_script
    from .theme import band_colours, stylesheet

    bands = band_colours(get_session().content.rules.bands)
    box = w.VBox([stylesheet(bands), *children, aria_script()])
    box.add_class("wb-section")
    box.add_class(f"wb-page-{name}")
    return box


def _about() -> w.Widget:
    from .view import about_line

    return about_line(get_session())


def person_panel() -> w.VBox:
    """The person selector, add/edit form and the day counters."""
    from .person import PersonPanel

    return _page(PersonPanel(get_session()).widget, name="person")


def step(section_id: str, *, with_person: bool = True) -> w.VBox:
    """One section's questions, saving as they change; with the person selector on top."""
    from .fields import AnswerForm
    from .person import PersonPanel

    session = get_session()
    section = session.content.questionnaire.section(section_id)
    parts: list[w.Widget] = [PersonPanel(session).widget] if with_person else []
    parts += [_about(), AnswerForm(section, session).widget]
    return _page(*parts, name=section_id)


def readiness_card() -> w.VBox:
    from .readiness import ReadinessCard

    return _page(ReadinessCard(get_session()).widget, name="readiness")


def message_studio() -> w.VBox:
    from .message import MessageStudio

    return _page(_about(), MessageStudio(get_session()).widget, name="message")


def timeline() -> w.VBox:
    from .timeline import TimelineView

    view = TimelineView(get_session(), heading_level=2)  # under the notebook's h1
    return _page(_about(), view.widget, name="timeline")


def plan() -> w.VBox:
    from .plan import PlanView

    return _page(_about(), PlanView(get_session()).widget, name="plan")


def journal() -> w.VBox:
    from .journal import JournalView

    return _page(_about(), JournalView(get_session()).widget, name="journal")


def dashboard() -> None:
    """Show the whole app on one page (what Voila serves), and mark it ready once displayed.

    In a kernel Voila pre-heated, the page is built and displayed before anyone asks for it; when
    the visitor arrives the session reads the workbook again, so what they see is what is stored
    now (visitor.py). Only then is the page marked ready."""
    from IPython.display import display

    from ..errors import WorkbookError
    from . import visitor
    from .app import Dashboard
    from .aria import aria_script
    from .theme import note, stylesheet

    def trouble(error: WorkbookError) -> w.VBox:  # e.g. a damaged workbook file: what to do
        return w.VBox([stylesheet(), note(str(error), "error"), aria_script()]).add_class("wb-app")

    ahead = visitor.pending()
    try:
        session = get_session(ahead=ahead)
        app = Dashboard(session)
    except WorkbookError as error:
        if ahead:  # it may have been mended by the time the visitor comes: start again then
            visitor.wait()
            set_session(None)
            return dashboard()
        display(trouble(error))
        return
    display(app.widget)
    if ahead:
        import contextlib

        from ..chart import warm_up

        warm_up()  # while nobody waits: the Timeline and Look-after-you steps open sooner
        with contextlib.suppress(WorkbookError):  # a broken file shows where it is used: the message step
            session.content.message_rules  # noqa: B018 -- built now, so the message step opens sooner too
        visitor.wait()
        try:
            session.reopen()
            session.reload(as_opened=True)
        except WorkbookError as error:  # the page built ahead must not stay up with old answers
            app.widget.children = trouble(error).children
            return
    app.ready()


def timing() -> w.VBox:
    """Step 4's timing paragraph, its numbers read from the rules (data/guidance.toml), never retyped."""
    from .theme import note

    content = get_session().content
    text = content.plan_words.timing.format(
        cooling_off_days=content.rules.cooling_off_days, space_days=content.rules.space_days
    )
    return _page(
        note(text, "help"),
        name="timing",
    )


def footer(step: str | None = None) -> w.VBox:
    """The end of every notebook: the not-therapy notice and where to find help now. `step` is the
    notebook's own name, as in data/steps.toml: the step counts as visited once its notebook has
    run to here (the link to the next step is the markdown cell above, ui/next_step.py)."""
    from .help import help_footer

    session = get_session()
    if step is not None:
        session.visit([step])
    return _page(help_footer(session.content.help_routes), name="footer")


def where_stored() -> w.VBox:
    """Where this workbook's file lives, and who can read it."""
    from .theme import note

    home = get_session().store.home
    return _page(
        note(f"Your workbook is stored in: {home}", "prompt"),
        note(_who_can_read(get_session()), "help"),
        name="privacy",
    )


def _who_can_read(session) -> str:
    """Who else can read the workbook, as true on this route as it can be said."""
    if session.on_binder:
        return (
            "This is an online copy, on a computer you do not own: it is deleted when the session ends. "
            "Download what you write before you go."
        )
    return "Only your own account on this computer can open that folder."


def contact_log(*, everyone: bool = False):
    """The chosen person's contact log as a pandas table (everyone's with `everyone=True`), to sort,
    filter or plot in JupyterLab. pandas loads here, on the first call, never before."""
    from ..frames import contact_log as frame

    return frame(_people(everyone))


def check_ins(*, everyone: bool = False):
    """The weekly check-ins (mood 1 to 5) as a pandas table, like `contact_log`."""
    from ..frames import check_ins as frame

    return frame(_people(everyone))


def _people(everyone: bool) -> list:
    session = get_session()
    if everyone:
        return session.store.export_people()
    person = session.current()
    return [] if person is None else [person]


def summary() -> str:
    """One plain line on the chosen person's band and score (for notebooks and their tests)."""
    session = get_session()
    assessment = session.assessment()
    if assessment is None:
        return "No one in this workbook yet: add a person in step 0."
    title = session.content.rules.bands[assessment.band].title
    score = "not yet" if assessment.score is None else f"{assessment.score}/100"
    return f"{session.person}: {title}. Readiness score: {score}."
