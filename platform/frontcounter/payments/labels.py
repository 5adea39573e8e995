"""Words and tag colours for payment and refund states, for staff and payer pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "created": _l("Created"),
    "started": _l("In progress"),
    "success": _l("Paid"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
    "error": _l("Error"),
    "submitted": _l("Submitted"),
    "expired": _l("Expired"),
}
STATE_TAGS = {
    "success": "govuk-tag--green",
    "started": "govuk-tag--blue",
    "created": "govuk-tag--grey",
    "submitted": "govuk-tag--blue",
    "failed": "govuk-tag--red",
    "error": "govuk-tag--red",
    "cancelled": "govuk-tag--grey",
    "expired": "govuk-tag--grey",
}


def state_label(state: str) -> str:
    """The words for a payment or refund state."""
    return str(STATE_LABELS.get(state, state))


def state_tag(state: str) -> dict[str, str]:
    """A govukTag() argument for a payment or refund state."""
    return {"text": state_label(state), "classes": STATE_TAGS.get(state, "govuk-tag--grey")}
