"""What the webhook admin pages show: the force's endpoints, an endpoint's deliveries a page at a time, attempts."""

from __future__ import annotations

from dataclasses import dataclass

from frontcounter.extensions import MAX_OFFSET, db
from frontcounter.integrations.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

PER_PAGE = 25


@dataclass
class DeliveryPage:
    """One page of an endpoint's deliveries, newest first, and whether there are more."""

    rows: list[WebhookDelivery]
    page: int
    has_next: bool


def endpoints() -> list[WebhookEndpoint]:
    """The current force's endpoints, oldest first (scoped to the force; a force has a handful)."""
    return list(db.session.scalars(db.select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def endpoint_or_none(endpoint_id: int) -> WebhookEndpoint | None:
    """The current force's endpoint with this id, or None (another force's is None too)."""
    return db.session.scalar(db.select(WebhookEndpoint).filter_by(id=endpoint_id))


def delivery_or_none(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery | None:
    """The endpoint's delivery with this id, or None."""
    return db.session.scalar(db.select(WebhookDelivery).filter_by(id=delivery_id, endpoint_id=endpoint.id))


def deliveries(endpoint: WebhookEndpoint, page: int) -> DeliveryPage:
    """A page of the endpoint's deliveries with their events, in one query (one row more shows a next page)."""
    page = max(page, 1)
    offset = min((page - 1) * PER_PAGE, MAX_OFFSET)
    rows = list(
        db.session.scalars(
            db.select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id.desc())
            .offset(offset)
            .limit(PER_PAGE + 1)
        ).unique()
    )
    return DeliveryPage(rows=rows[:PER_PAGE], page=page, has_next=len(rows) > PER_PAGE)


def attempts(delivery: WebhookDelivery) -> list[WebhookAttempt]:
    """Every attempt of a delivery, oldest first."""
    return list(
        db.session.scalars(
            db.select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id).order_by(WebhookAttempt.id)
        )
    )


def delete_endpoint(endpoint: WebhookEndpoint, batch: int = 500) -> None:
    """Delete an endpoint, its deliveries and their attempts (a few statements per 500 deliveries); not committed."""
    delivery_ids = list(
        db.session.scalars(db.select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id))
    )
    for start in range(0, len(delivery_ids), batch):
        chunk = delivery_ids[start : start + batch]
        db.session.execute(db.delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(chunk)))
        db.session.execute(
            db.update(WebhookDelivery).where(WebhookDelivery.replay_of_id.in_(chunk)).values(replay_of_id=None)
        )
        db.session.execute(db.delete(WebhookDelivery).where(WebhookDelivery.id.in_(chunk)))
    db.session.delete(endpoint)
