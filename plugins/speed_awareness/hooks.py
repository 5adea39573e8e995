"""Hook implementations for the driver education courses plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_speed_awareness.settings import SpeedAwarenessSettings


@hookimpl
def register_services() -> list[Service]:
    """Book and pay for a speed awareness or other driver education course."""
    return [
        Service(
            key="speed_awareness",
            code="SA",
            name=_l("Speed awareness and driver courses"),
            summary=_l("Book and pay for a course you have been offered instead of a fixed penalty."),
            settings_schema=SpeedAwarenessSettings,
        )
    ]
