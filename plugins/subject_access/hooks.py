"""Hook implementations for the subject access request plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_subject_access.settings import SubjectAccessSettings


@hookimpl
def register_services() -> list[Service]:
    """Ask the force for a copy of the personal data it holds about you."""
    return [
        Service(
            key="subject_access",
            code="SR",
            name=_l("Get a copy of your personal data"),
            summary=_l("Make a subject access request for the information the force holds about you."),
            settings_schema=SubjectAccessSettings,
            allows_guest=True,
        )
    ]
