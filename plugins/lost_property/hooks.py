"""Hook implementations for the lost and found property plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_lost_property.settings import LostPropertySettings


@hookimpl
def register_services() -> list[Service]:
    """Report found property and claim items handed in to the police."""
    return [
        Service(
            key="lost_property",
            code="LP",
            name=_l("Lost and found property"),
            summary=_l("Report an item you found or claim one handed in to the police."),
            settings_schema=LostPropertySettings,
            allows_guest=True,
        )
    ]
