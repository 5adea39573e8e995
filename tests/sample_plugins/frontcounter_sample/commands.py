"""The sample plugin's command line: `frontcounter sample permits FORCE`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from frontcounter.extensions import db
from frontcounter.tenancy import Tenant, tenant_context

from frontcounter_sample.models import SamplePermit


@click.group("sample")
def sample() -> None:
    """Parking permits (the sample plugin)."""


@sample.command("permits")
@click.argument("force")
@with_appcontext
def permits(force: str) -> None:
    """Count FORCE's permits."""
    tenant = db.session.scalar(db.select(Tenant).filter_by(slug=force))
    if tenant is None:
        raise click.ClickException(f"No force {force!r}.")
    with tenant_context(tenant):
        click.echo(db.session.scalar(db.select(db.func.count(SamplePermit.id))))
