"""Cases and workflow: a plugin declares its case type as a state machine; the core runs it."""

from frontcounter.cases.workflow import Guard, State, Timer, Transition, Workflow

__all__ = ["Guard", "State", "Timer", "Transition", "Workflow"]
