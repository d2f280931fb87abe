"""The state every widget shares: the store, the chosen person, and a change counter.

The chosen person is remembered in the workbook (`Store.choose_person`): each session opens on the
one chosen last, in any notebook or the dashboard, so answers about Sam are never saved under Alex.

A notebook kernel (or the Voila dashboard) has one `Session`. Builders never talk to each other:
they write through the session and observe `revision`, which goes up after every saved change, so
the readiness card, the timeline and the chart all redraw from the same fresh data. Reads are cached
per revision, so ten views refreshing after one change cost one store read and one assessment.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import traitlets

from ..content import Content, load_content
from ..errors import PersonNotFound, WorkbookError
from ..guidance import assess
from ..model import Assessment, Person
from ..steps import Progress, StepStatus
from ..store import Store
from . import visitor

__all__ = ["BINDER_VARIABLES", "Session", "get_session", "on_binder", "set_session"]

# What BinderHub puts in the environment of every session it launches (binderhub's spawner
# `get_env`, jupyterhub/binderhub#1010). Not `BINDER_PORT` or `BINDER_SERVICE_*`: Kubernetes sets
# those for any service called "binder", Binder or not.
BINDER_VARIABLES = (
    "BINDER_LAUNCH_HOST",
    "BINDER_REPO_URL",
    "BINDER_REF_URL",
    "BINDER_PERSISTENT_REQUEST",
    "BINDER_REQUEST",
)


def on_binder(environ: Mapping[str, str]) -> bool:
    """Whether this kernel runs in a Binder session, from its environment alone (pure, so tests
    hand it a mapping). Binder sessions are temporary and public: the dashboard says so."""
    return any(environ.get(name, "").strip() for name in BINDER_VARIABLES)


log = logging.getLogger(__name__)


class Session(traitlets.HasTraits):
    """One workbook open in one kernel."""

    person = traitlets.Unicode(None, allow_none=True)  # the chosen person's name
    revision = traitlets.Int(0)  # bumped after every saved change that may move the guidance
    writes = traitlets.Int(0)  # bumped after every saved change, even a draft or a journal word

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = datetime.now,
        content: Content | None = None,
        environ: Mapping[str, str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.store = store
        # The environment is read here, at the edge, once; the rest is handed the answer.
        self.on_binder = on_binder(os.environ if environ is None else environ)
        # The content under data/, loaded once here at the edge and handed to every view and rule.
        self.content = content or load_content()
        self._clock = clock
        self._cache: dict[tuple[str, str, int], Any] = {}
        self._opening = True  # choosing whom to open on reads the stored choice; it writes nothing
        try:
            if self.person is None:
                self.person = store.chosen_person()
        finally:
            self._opening = False
        self.observe(self._remember, names="person")

    # -- the clock lives here, at the edge: the core never reads it
    def now(self) -> datetime:
        return self._clock().replace(second=0, microsecond=0)

    def today(self) -> date:
        return self.now().date()

    # -- change notification
    def changed(self, *, guidance: bool = True) -> None:
        """Call after every write. Views redraw only when what they show may have changed: a draft,
        a plan or a journal entry (`guidance=False`) cannot move the band, the card or the chart,
        so typing there never redraws them on every key."""
        self._cache.clear()
        self.writes += 1
        if guidance:
            self.revision += 1

    # -- cached reads for the chosen person
    def current(self) -> Person | None:
        if self.person is None:
            return None
        try:
            return self._cached("person", lambda: self.store.get_person(self.person))
        except PersonNotFound:  # deleted in another window: views show "choose a person", not a crash
            return None

    def assessment(self) -> Assessment | None:
        person = self.current()
        if person is None:
            return None
        return self._cached("assessment", lambda: assess(person, self.today(), self.content.rules))

    def events(self) -> list:
        if self.person is None:
            return []
        try:
            return self._cached("events", lambda: self.store.events(self.person))
        except PersonNotFound:
            return []

    def progress(self) -> Progress:
        """What is stored for the chosen person, as the stepper reads it (no words are read)."""
        if self.person is None:
            return Progress()
        try:
            return self._cached("progress", lambda: self.store.progress(self.person))
        except PersonNotFound:
            return Progress()

    def statuses(self) -> tuple[StepStatus, ...]:
        """Where the chosen person stands in each of the stepper's pages (workbook/steps.py)."""
        return self.content.steps.statuses(self.content.questionnaire, self.progress())

    def visit(self, steps: Sequence[str]) -> None:
        """Remember that these steps were opened for the chosen person (a step without questions is
        marked visited by it). Like the chosen person, remembering it is a convenience: a visit that
        cannot be stored (the workbook busy or read-only) is let go."""
        if self.person is None or not steps:
            return
        try:
            progress = self.progress()
            if set(steps) <= progress.visited:
                return
            self.store.visit_steps(self.person, steps)
        except WorkbookError as error:
            log.warning("could not remember the step opened: %s", error)
            return
        key = ("progress", self.person, self.revision)
        self._cache[key] = Progress(progress.answered, progress.kept, progress.visited | frozenset(steps))

    def _cached(self, what: str, load: Callable[[], Any]) -> Any:
        key = (what, self.person or "", self.revision)
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def choose(self, name: str | None) -> None:
        self.person = name
        self.changed()

    def _remember(self, change: dict[str, Any]) -> None:
        """Store each new choice, so every notebook and the dashboard open on this person next.

        A choice that cannot be stored (the workbook busy or read-only, the person deleted in
        another tab a moment ago) still holds in this page: remembering it is a convenience."""
        if self._opening or change["new"] is None:
            return
        try:
            self.store.choose_person(change["new"])
        except WorkbookError as error:
            log.warning("could not remember who was chosen: %s", error)

    def reopen(self) -> None:
        """Open the workbook file afresh: one opened hours ago may since have been moved aside and
        replaced (as docs/privacy.md advises for a damaged file), and must not be written to."""
        if self.store.path is not None:
            self.store.close()
            self.store = Store(self.store.path)

    def reload(self, *, as_opened: bool = False) -> None:
        """Read the whole workbook again, as if the person had just been chosen: every view that
        shows them reloads, so none keeps old words to write back over newer ones (after an import
        replaced them, or when a page built ahead of its visitor is finally shown). `as_opened`
        chooses the person the way a newly opened session does (the one chosen last, in any page);
        otherwise the chosen one stays if they are still there."""
        names = self.store.people()
        chosen = (self.person or "").casefold()
        same = [name for name in names if name.casefold() == chosen]  # an import may respell them
        name = same[0] if same and not as_opened else self.store.chosen_person()
        self._cache.clear()
        self._opening = True
        try:
            self.person = None  # observers of `person` fire twice, so even the same name loads afresh
            self.person = name
        finally:
            self._opening = False
        self.changed()


_session: Session | None = None


def get_session(*, ahead: bool = False) -> Session:
    """The kernel's session, opened on first use from $WORKBOOK_HOME (or the per-user folder).

    In a kernel Voila pre-heated, this first waits for the visitor (see visitor.py), unless the
    caller builds `ahead` and promises to `reload()` once they are here, as the dashboard does."""
    global _session
    if not ahead:
        visitor.wait()
    if _session is None:
        _session = Session(Store.open_default())
    return _session


def set_session(session: Session | None) -> None:
    """Use this session from now on (tests pass one over an in-memory store)."""
    global _session
    _session = session
