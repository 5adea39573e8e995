"""The sample plugin's JSON API: one documented endpoint behind a force's API token."""

from __future__ import annotations

from frontcounter.api.token_auth import TokenAuthBlueprint
from frontcounter.extensions import db
from marshmallow import Schema, fields

from frontcounter_sample.models import SamplePermit

blp = TokenAuthBlueprint(
    "sample_api", __name__, url_prefix="/api/v1/sample", description="Parking permits (the sample plugin).",
    service_key="sample",
)


class PermitCount(Schema):
    """How many permits the force holds."""

    permits = fields.Integer(required=True)


@blp.get("/permits")
@blp.response(200, PermitCount)
def permit_count():
    """Count the token's force's permits."""
    return {"permits": db.session.scalar(db.select(db.func.count(SamplePermit.id)))}
