"""`frontcounter figures rebuild`: recompute the daily management figures for a range of UK days."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext


@click.group()
def figures() -> None:
    """Management figures (pre-aggregated per UK day)."""


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give a date as YYYY-MM-DD") from None


@figures.command("rebuild")
@click.option("--since", callback=_day, help="First UK day, YYYY-MM-DD (default: the day of the oldest case).")
@click.option("--until", callback=_day, help="Last UK day, YYYY-MM-DD (default: today).")
@click.option("--force", "slug", default=None, help="Only this force (its slug).")
@with_appcontext
def rebuild_command(since: date | None, until: date | None, slug: str | None) -> None:
    """Recompute daily_figure and daily_state_time from cases, payments, refunds and case history."""
    from frontcounter.extensions import db
    from frontcounter.figures import aggregation
    from frontcounter.figures.ukdays import uk_today
    from frontcounter.tenancy.models import Tenant

    tenant_ids = None
    if slug:
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug=slug))
        if tenant is None:
            raise click.ClickException(f"No force {slug!r}. Run `frontcounter tenants list`.")
        tenant_ids = [tenant.id]
    first, last = since or aggregation.first_day(), until or uk_today()
    if last < first:
        raise click.ClickException("--until is before --since.")
    written = aggregation.rebuild(first, last, tenant_ids)
    if tenant_ids is None and last >= uk_today():
        aggregation.mark_rebuilt(last)
    db.session.commit()
    click.echo(f"Rebuilt the figures of {first.isoformat()} to {last.isoformat()}: {written} rows.")
