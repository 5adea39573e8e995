"""The declarative state machine a plugin gives for its case type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from frontcounter.cases.periods import Period, check_period, describe

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

# A guard returns None when the transition may go ahead, or the reason it may not.
GuardFn = Callable[["Case"], "str | None"]


@dataclass(frozen=True)
class Guard:
    """A named condition a transition needs, e.g. Guard("paid", lambda case: None if ... else "Not paid")."""

    name: str
    check: GuardFn


@dataclass(frozen=True)
class State:
    """One state: what the public sees, whether it ends the case, and any deadline for staff (a Period).

    `notify` emails the applicant on entry; a non-empty `email_note` (a heading such as "What we need from
    you:") puts the note staff wrote when moving the case here into that email under that heading, so
    the note is written for the applicant.
    """

    name: str
    public_label: str
    public_description: str = ""
    next_steps: str = ""
    terminal: bool = False
    deadline: Period | None = None
    notify: bool = False
    email_note: str = ""


@dataclass(frozen=True)
class ApplicantPage:
    """How the core's applicant action page offers a transition: what it explains, what it asks, what it says after.

    `prompt` explains what the action does; `note` asks for a message (required when the transition
    `needs_note`); `upload` is the document kind of an optional file (checked by content), empty for none;
    `done` is shown once it is done (default: the case's new state).
    """

    prompt: str = ""
    note: bool = False
    upload: str = ""
    done: str = ""


@dataclass(frozen=True)
class Transition:
    """A move between states, the staff roles that may fire it (none: the system or the applicant).

    A transition `by_applicant` is offered on the core's applicant action page (linked from the tracking
    page) as `applicant_page` describes, or not at all when `applicant_page` is None (the plugin fires it
    from its own page). `note_label` replaces "Reason for: <label>" above the note on the staff case page.
    """

    name: str
    source: tuple[str, ...]
    target: str
    label: str
    roles: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()
    by_applicant: bool = False
    needs_note: bool = False
    confirm: bool = False  # staff are asked "Are you sure?" first (a decision that cannot be undone)
    applicant_page: ApplicantPage | None = ApplicantPage()
    note_label: str = ""


@dataclass(frozen=True)
class Timer:
    """After `after` (a Period) in `state`, fire `transition` (or send the `remind` notification)."""

    state: str
    after: Period
    transition: str | None = None
    remind: str | None = None
    name: str = ""

    @property
    def key(self) -> str:
        """A stable name for the timer."""
        return self.name or f"{self.state}:{self.transition or self.remind}"


@dataclass
class Workflow:
    """A case type: its states (the first is the initial one), transitions and timers."""

    states: list[State]
    transitions: list[Transition]
    timers: list[Timer] = field(default_factory=list)

    def __post_init__(self) -> None:
        names = [s.name for s in self.states]
        if len(set(names)) != len(names):
            raise ValueError("Workflow state names must be unique")
        for t in self.transitions:
            unknown = [s for s in (*t.source, t.target) if s not in names]
            if unknown:
                raise ValueError(f"Transition {t.name!r} names unknown states {unknown}")
        for state in self.states:
            check_period(state.deadline, f"State {state.name!r} deadline")
        for timer in self.timers:
            check_period(timer.after, f"Timer {timer.key!r}")
            if timer.state not in names:
                raise ValueError(f"Timer names unknown state {timer.state!r}")
            if timer.transition and timer.transition not in {t.name for t in self.transitions}:
                raise ValueError(f"Timer fires unknown transition {timer.transition!r}")

    @property
    def initial(self) -> State:
        """The state a new case starts in."""
        return self.states[0]

    def state(self, name: str) -> State:
        """Return the state called `name`."""
        for s in self.states:
            if s.name == name:
                return s
        raise KeyError(name)

    def transition(self, name: str) -> Transition:
        """Return the transition called `name`."""
        for t in self.transitions:
            if t.name == name:
                return t
        raise KeyError(name)

    def transitions_from(self, state: str) -> list[Transition]:
        """Transitions whose source includes `state`."""
        return [t for t in self.transitions if state in t.source]

    def timers_for(self, state: str) -> list[Timer]:
        """Timers that start when a case enters `state`."""
        return [t for t in self.timers if t.state == state]

    def mermaid(self) -> str:
        """Return the workflow as a Mermaid stateDiagram (for staff pages and docs)."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial.name}"]
        for t in self.transitions:
            who = ", ".join(t.roles) or ("applicant" if t.by_applicant else "system")
            for source in t.source:
                lines.append(f"    {source} --> {t.target}: {t.name} ({who})")
        for timer in self.timers:
            if timer.transition:
                target = self.transition(timer.transition).target
                lines.append(f"    {timer.state} --> {target}: after {describe(timer.after)}")
        for s in self.states:
            if s.terminal:
                lines.append(f"    {s.name} --> [*]")
        return "\n".join(lines)

