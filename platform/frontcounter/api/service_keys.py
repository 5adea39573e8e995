"""The API's `service` filters and `transition` names accept only what is installed, and the document lists them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, validate


def describe_service_keys(registry: Any) -> None:
    """Limit `service` filters to installed services' keys and `transition` to their workflows' names (enums)."""
    from frontcounter.api.booking_schemas import BookingQuerySchema, SlotQuerySchema
    from frontcounter.api.case_schemas import CaseQuerySchema, TransitionRequestSchema
    from frontcounter.figures.api_schemas import BacklogQuerySchema, FigureQuerySchema

    every = sorted(registry.services)
    with_cases = sorted(key for key, service in registry.services.items() if service.workflow is not None)
    _one_of(CaseQuerySchema, with_cases)
    _one_of(FigureQuerySchema, with_cases)
    _one_of(BacklogQuerySchema, with_cases)
    _one_of(SlotQuerySchema, every)
    _one_of(BookingQuerySchema, every)
    transitions = sorted({t.name for s in registry.services.values() if s.workflow for t in s.workflow.transitions})
    _one_of(TransitionRequestSchema, transitions, "transition")


class _ServiceKeys(validate.OneOf):
    """OneOf for service keys (replaced, not added again, when another app is built)."""


def _one_of(schema: type[Schema], keys: list[str], name: str = "service") -> None:
    field = schema._declared_fields[name]
    field.validators = [v for v in field.validators if not isinstance(v, _ServiceKeys)]
    error = "Give one of: {choices}."
    field.validators.append(_ServiceKeys(keys, error=error))
