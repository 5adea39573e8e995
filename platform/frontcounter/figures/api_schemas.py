"""Marshmallow schemas of the figures API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MONTH = validate.Regexp(r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$", error="Give a month as YYYY-MM, e.g. 2026-03.")


class FigureQuerySchema(Schema):
    """The months and the service to count."""

    from_ = fields.String(data_key="from", validate=MONTH,
                          metadata={"description": "First month, YYYY-MM (default: 11 months before `to`)"})
    to = fields.String(validate=MONTH, metadata={"description": "Last month, YYYY-MM (default: this month, UK time)"})
    service = fields.String(validate=validate.Length(min=1, max=64),
                            metadata={"description": "Only this service (its key)"})


class BacklogQuerySchema(Schema):
    """The service to count."""

    service = fields.String(validate=validate.Length(min=1, max=64),
                            metadata={"description": "Only this service (its key)"})


class ChannelCountsSchema(Schema):
    """Applications by how they came in."""

    online = fields.Integer(required=True, metadata={"description": "Made by the public online"})
    staff = fields.Integer(required=True, metadata={"description": "Entered by staff (paper, post, counter)"})
    api = fields.Integer(required=True, metadata={"description": "Sent by a force system through the API"})
    total = fields.Integer(required=True)


class MonthlyFigureSchema(Schema):
    """One service's figures for one month (UK dates)."""

    month = fields.String(required=True, metadata={"description": "YYYY-MM"})
    service = fields.String(required=True, metadata={"description": "The service key"})
    applications = fields.Nested(ChannelCountsSchema, required=True)
    transactions = fields.Integer(required=True, metadata={"description": "Successful payments"})
    income_pence = fields.Integer(required=True)
    refunds = fields.Integer(required=True)
    refunded_pence = fields.Integer(required=True)
    net_income_pence = fields.Integer(required=True, metadata={"description": "Income less refunds"})
    closed = fields.Integer(required=True, metadata={"description": "Cases that reached a final state"})
    closed_with_deadline = fields.Integer(required=True)
    deadline_met = fields.Integer(required=True, metadata={"description": "Closed cases that met every deadline"})
    deadline_compliance_percent = fields.Integer(
        required=True, allow_none=True, metadata={"description": "deadline_met of closed_with_deadline, or null"})


class MonthlyFiguresSchema(Schema):
    """Figures per month and service for a period (months and services with nothing to count are left out)."""

    from_ = fields.String(data_key="from", required=True)
    to = fields.String(required=True)
    months = fields.List(fields.Nested(MonthlyFigureSchema), required=True)


class BacklogRowSchema(Schema):
    """One service's open cases now, by days since they were opened."""

    service = fields.String(required=True)
    days_0_7 = fields.Integer(required=True)
    days_8_30 = fields.Integer(required=True)
    days_31_90 = fields.Integer(required=True)
    days_over_90 = fields.Integer(required=True)
    total = fields.Integer(required=True)
    overdue = fields.Integer(required=True, metadata={"description": "Open cases past their deadline"})


class BacklogSchema(Schema):
    """The force's open cases now."""

    counted_at = fields.AwareDateTime(required=True)
    services = fields.List(fields.Nested(BacklogRowSchema), required=True)


class StateTimeSchema(Schema):
    """How long cases spent in one workflow state (stays that ended in the period)."""

    service = fields.String(required=True)
    state = fields.String(required=True)
    state_label = fields.String(required=True)
    stays = fields.Integer(required=True)
    average_seconds = fields.Integer(required=True)
    average_days = fields.Float(required=True)


class StateTimesSchema(Schema):
    """Average time in each state for a period."""

    from_ = fields.String(data_key="from", required=True)
    to = fields.String(required=True)
    states = fields.List(fields.Nested(StateTimeSchema), required=True)
