"""Hook implementations for the alcohol licensing plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_liquor.settings import LiquorSettings


@hookimpl
def register_services() -> list[Service]:
    """Temporary event notices and licence applications needing police consultation."""
    return [
        Service(
            key="liquor",
            code="LQ",
            name=_l("Alcohol licensing"),
            summary=_l("Send the police a temporary event notice or a licence application."),
            settings_schema=LiquorSettings,
        )
    ]
