"""The rules a plugin sets for its bookings, and the refusal the core raises when one is broken."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from frontcounter.plugins.manager import registry
from frontcounter.refusals import Refused

if TYPE_CHECKING:
    from frontcounter.cases.models import Case


class BookingRefused(Refused):
    """A booking change that may not happen; `message` is safe to show, `code` is for code and the API.

    Codes: slot_full, slot_cancelled, too_late, after_deadline, not_allowed, limit_reached, past_cutoff,
    too_many_reschedules, same_slot, wrong_service, not_active, hold_lost, bad_capacity, duplicate.
    """


def _default_kinds() -> dict[str, Any]:
    return {"appointment": _l("Appointment")}


@dataclass(frozen=True)
class BookingRules:
    """What a service allows; the core enforces it. Declare it as Service.extra["booking_rules"]
    (a BookingRules, or a function returning one so it can follow the force's settings).

    - kinds: the kinds of slot the service offers, key -> label shown to staff and the public.
    - hold_minutes: how long a place is held for someone who has not confirmed yet (e.g. while paying).
    - min_notice_hours: a slot can be booked until this many hours before it starts.
    - change_cutoff_hours: applicants cannot cancel or move a booking this close to its start (staff can).
    - max_reschedules: how many times an applicant may move one booking; None for no limit.
    - max_active_per_case: how many held or confirmed bookings one case may have at once.
    - bookable_until: given the case, the latest time a booked slot may end (e.g. a complete-by date), or None.
    - may_book: given the case, None when it may book now, else the reason it may not (shown to the person).
    - send_emails: email the person when a booking is confirmed, moved or cancelled.
    - slot_managers: staff roles, besides supervisors and force admins, who may add and change slots.
    """

    kinds: Mapping[str, Any] = field(default_factory=_default_kinds)
    hold_minutes: int = 15
    min_notice_hours: int = 0
    change_cutoff_hours: int = 24
    max_reschedules: int | None = 2
    max_active_per_case: int = 1
    bookable_until: Callable[[Case], datetime | None] | None = None
    may_book: Callable[[Case], str | None] | None = None
    send_emails: bool = True
    slot_managers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.kinds:
            raise ValueError("BookingRules needs at least one kind of slot")
        if self.hold_minutes < 1 or self.min_notice_hours < 0 or self.change_cutoff_hours < 0:
            raise ValueError("BookingRules: hold_minutes must be at least 1 and hours must not be negative")
        if self.max_active_per_case < 1 or (self.max_reschedules is not None and self.max_reschedules < 0):
            raise ValueError("BookingRules: max_active_per_case must be at least 1, max_reschedules not negative")

    def kind_label(self, kind: str) -> str:
        """The label of a kind of slot (the key itself when the service no longer offers it)."""
        return str(self.kinds.get(kind, kind))


DeclaredRules = BookingRules | Callable[[], BookingRules]


def declared_rules(service_key: str) -> DeclaredRules | None:
    """What the service declared (a Service.booking_rules field, or Service.extra["booking_rules"]), if anything."""
    service = registry().services.get(service_key)
    if service is None:
        return None
    return getattr(service, "booking_rules", None) or service.extra.get("booking_rules")


def takes_bookings(service_key: str) -> bool:
    """True when the service declares booking rules (and so has slots)."""
    return declared_rules(service_key) is not None


def rules_for(service_key: str) -> BookingRules:
    """Return the service's booking rules for the force in scope (the defaults when it declares none)."""
    declared = declared_rules(service_key)
    if declared is None:
        return BookingRules()
    return declared if isinstance(declared, BookingRules) else declared()
