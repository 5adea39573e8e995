"""The core's own integration hooks, registered like a plugin's: its webhook event types and records adapters."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from frontcounter.plugins.hookspecs import hookimpl


@hookimpl
def webhook_event_types() -> list[Any]:
    """Cases created and moved on, payments and refunds, bookings changed."""
    from frontcounter.integrations import emit
    from frontcounter.integrations.webhooks.events import EventType

    return [
        EventType(emit.CASE_CREATED, _l("Application received"), _l("A case was opened, online or by staff.")),
        EventType(emit.CASE_TRANSITIONED, _l("Application moved on"), _l("A case changed state.")),
        EventType(emit.PAYMENT_SUCCEEDED, _l("Payment received"), _l("A payment succeeded.")),
        EventType(emit.PAYMENT_REFUNDED, _l("Refund made"), _l("Part or all of a payment was refunded.")),
        EventType(emit.BOOKING_CHANGED, _l("Booking changed"), _l("A booking was confirmed, cancelled or moved.")),
    ]


@hookimpl
def register_records_adapters() -> list[Any]:
    """The file-drop adapter (JSON per case in a folder)."""
    from frontcounter.integrations.records.file_drop import FileDropAdapter

    return [FileDropAdapter]
