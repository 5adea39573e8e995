"""Cases and workflow: a plugin declares its case type as a state machine; the core runs it."""

from frontcounter.cases.periods import Days, Period
from frontcounter.cases.workflow import ApplicantPage, Guard, State, Timer, Transition, Workflow

__all__ = ["ApplicantPage", "Days", "Guard", "Period", "State", "Timer", "Transition", "Workflow"]
