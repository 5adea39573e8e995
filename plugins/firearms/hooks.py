"""Hook implementations for the firearms licensing plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_firearms.settings import FirearmsSettings


@hookimpl
def register_services() -> list[Service]:
    """Firearm and shotgun certificates: grant, renewal, variation."""
    return [
        Service(
            key="firearms",
            code="FA",
            name=_l("Firearm and shotgun certificates"),
            summary=_l("Apply for, renew or vary a firearm or shotgun certificate."),
            settings_schema=FirearmsSettings,
        )
    ]
