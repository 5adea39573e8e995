"""Signed tracking links that let an applicant without an account follow their case."""

from __future__ import annotations

from frontcounter.accounts.tokens import make_token, read_token
from frontcounter.cases.models import Case
from frontcounter.web.urls import external_url


def tracking_token(case: Case) -> str:
    """Return a token that opens this case's tracking page (and nothing else)."""
    return make_token("track-case", {"id": case.id, "ref": case.reference})


def case_id_from_token(token: str, reference: str) -> int | None:
    """Return the case id a valid token grants for `reference`, or None."""
    data = read_token("track-case", token, max_age=None)
    if not data or data.get("ref") != reference:
        return None
    return int(data["id"])


def tracking_url(case: Case) -> str:
    """Return the absolute tracking link for the case's applicant."""
    return external_url("cases_public.track", reference=case.reference, token=tracking_token(case))
