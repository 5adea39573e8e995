"""Field types for services' settings schemas that the force admin's settings form knows how to show."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields


class Money(fields.Integer):
    """An amount of money: stored and loaded as whole pence; the settings form shows and reads it in pounds.

    `Money(load_default=8000, min_pence=4800, max_pence=20000, metadata={"label": _l("Course fee")})`.
    Out of range, the error names the field and the range in pounds, as GOV.UK error messages do.
    """

    def __init__(self, *, min_pence: int = 0, max_pence: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("strict", True)
        super().__init__(**kwargs)
        self.min_pence, self.max_pence = min_pence, max_pence
        self.validators.append(self._in_range)

    def label(self) -> str:
        """The field's label, as the form shows it."""
        return str(self.metadata.get("label") or (self.name or "").replace("_", " ").capitalize())

    def _in_range(self, value: int) -> None:
        from frontcounter.web.templating import pence  # at call time: web imports plugins

        if value < self.min_pence or (self.max_pence is not None and value > self.max_pence):
            if self.max_pence is None:
                message = _("%(label)s must be %(min)s or more", label=self.label(), min=pence(self.min_pence))
            else:
                message = _(
                    "%(label)s must be between %(min)s and %(max)s",
                    label=self.label(),
                    min=pence(self.min_pence),
                    max=pence(self.max_pence),
                )
            raise ValidationError(message)


def pounds_to_pence(text: str) -> int:
    """Read an amount typed in pounds ("£1,234.5", "80", "0") as pence; ValueError when it is not one."""
    from frontcounter.payments.forms import _POUNDS

    cleaned = (text or "").strip().replace(",", "").removeprefix("£").strip()
    match = _POUNDS.match(cleaned)
    if match is None:
        raise ValueError(cleaned)
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
