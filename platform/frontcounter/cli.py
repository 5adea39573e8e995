"""The `frontcounter` command line (a Flask CLI group): tenants, plugins, users, database, jobs, demo."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from frontcounter.extensions import db


def _create_app():  # type: ignore[no-untyped-def]
    from frontcounter.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False, set_debug_flag=False)
def cli() -> None:
    """frontcounter: the online front counter of UK police forces."""


# -- database ---------------------------------------------------------------------------------


@cli.command("migrate-db")
@with_appcontext
def migrate_db() -> None:
    """Create or upgrade the database schema (core and every plugin's migrations)."""
    from frontcounter.migrations_runner import upgrade

    upgrade()
    click.echo(f"Database is up to date ({db.engine.dialect.name}).")


@cli.command("new-plugin")
@click.argument("name")
@click.option(
    "--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    help="Folder to write the package into (default: the current folder).",
)
def new_plugin(name: str, folder: Path) -> None:
    """Write a working service plugin package frontcounter-NAME (hooks, workflow, pages, migration, tests)."""
    from frontcounter.scaffold import ScaffoldError, write_plugin

    try:
        target = write_plugin(name, folder)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {target}")
    click.echo(f"Next: pip install -e {target} && frontcounter migrate-db && (cd {target} && python -m pytest)")


# -- tenants ----------------------------------------------------------------------------------


@cli.group()
def tenants() -> None:
    """Police forces (tenants)."""


@tenants.command("apply")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of <slug>.toml files (default: TENANTS_DIR or ./tenants).",
)
@with_appcontext
def tenants_apply(folder: Path | None) -> None:
    """Create or update forces from the tenants/ folder; report what changed."""
    from frontcounter.plugins.manager import registry
    from frontcounter.tenancy.loader import apply_tenants

    folder = folder or Path(current_app.config["TENANTS_DIR"])
    try:
        report = apply_tenants(folder, registry())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for change in report.changes:
        click.echo(change)
    click.echo(f"{len(report.changes)} change(s)." if report.changed else "No changes.")


@tenants.command("list")
@with_appcontext
def tenants_list() -> None:
    """List forces with their services."""
    from frontcounter.tenancy.context import platform_wide
    from frontcounter.tenancy.models import Tenant, TenantService

    with platform_wide("list every force's services on the command line"):
        on: dict[int, list[str]] = {}
        for row in db.session.scalars(db.select(TenantService).where(TenantService.enabled.is_(True))):
            on.setdefault(row.tenant_id, []).append(row.service_key)
    for t in db.session.scalars(db.select(Tenant).order_by(Tenant.slug)):
        click.echo(f"{t.slug:<16} {t.code}  {t.name:<48} {', '.join(sorted(on.get(t.id, []))) or '-'}")


# -- plugins ----------------------------------------------------------------------------------


@cli.group()
def plugins() -> None:
    """Installed service plugins."""


@plugins.command("list")
@with_appcontext
def plugins_list() -> None:
    """List every plugin, its version, its services and which forces switch each on."""
    from frontcounter.plugins.manager import registry
    from frontcounter.tenancy.context import platform_wide
    from frontcounter.tenancy.models import Tenant, TenantService

    with platform_wide("show which forces enable each service"):
        rows = db.session.execute(
            db.select(TenantService.service_key, Tenant.slug)
            .join(Tenant, Tenant.id == TenantService.tenant_id)
            .where(TenantService.enabled.is_(True))
            .order_by(Tenant.slug)
        ).all()
    forces: dict[str, list[str]] = {}
    for key, slug in rows:
        forces.setdefault(key, []).append(slug)
    for plugin in registry().plugins():
        click.echo(f"{plugin['name']} {plugin['version'] or '(no version)'}")
        for key in plugin["services"]:
            enabled = forces.get(key, [])
            click.echo(f"  {key}: enabled by {len(enabled)} force(s): {', '.join(enabled) or '-'}")


# -- users ------------------------------------------------------------------------------------


@cli.group()
def users() -> None:
    """Staff and platform admin accounts."""


@users.command("create-staff")
@click.argument("force")
@click.argument("email")
@click.option("--name", default="", help="Full name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["caseworker", "field_officer", "supervisor", "force_admin"]),
)
@click.option("--password", envvar="FRONTCOUNTER_NEW_PASSWORD", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_staff(force: str, email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Add a staff member with roles to FORCE (they set up TOTP at first sign-in)."""
    from frontcounter.accounts.service import add_staff_member
    from frontcounter.tenancy.context import tenant_context
    from frontcounter.tenancy.models import Tenant

    tenant = db.session.scalar(db.select(Tenant).filter_by(slug=force))
    if tenant is None:
        raise click.ClickException(f"No force {force!r}. Run `frontcounter tenants list`.")
    with tenant_context(tenant):
        member = add_staff_member(email, name, list(roles), password=password)
        granted = ", ".join(member.roles)
        db.session.commit()
    click.echo(f"Added {email} to {tenant.name} as {granted}.")


@users.command("create-platform-admin")
@click.argument("email")
@click.option("--name", default="")
@click.option("--password", envvar="FRONTCOUNTER_NEW_PASSWORD", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_platform_admin(email: str, name: str, password: str) -> None:
    """Create a platform admin, who can work in every force."""
    from frontcounter.accounts.models import AccountKind
    from frontcounter.accounts.service import create_account

    create_account(email, password, name, AccountKind.PLATFORM_ADMIN, verified=True)
    db.session.commit()
    click.echo(f"Created platform admin {email}.")


# -- jobs -------------------------------------------------------------------------------------


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--with-scheduler", is_flag=True, help="Also run rq's scheduler for scheduled jobs.")
@click.option("--fork", is_flag=True, help="Run each job in a forked child (rq's Worker; slower, isolates crashes).")
@click.option("--max-jobs", type=click.IntRange(min=1), default=None, help="Stop after this many jobs.")
@with_appcontext
def worker(burst: bool, with_scheduler: bool, fork: bool, max_jobs: int | None) -> None:
    """Run an rq worker for the frontcounter queue (needs REDIS_URL); jobs run in this process unless --fork.

    It outlives a Redis restart.
    """
    from frontcounter.jobs import get_queue
    from frontcounter.jobs.worker import run_worker
    from frontcounter.notifications.transports import close_kept_connections

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL: without it jobs run in-process and need no worker.")
    engine = db.engine
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    queue = get_queue()
    try:
        run_worker(queue, burst=burst, with_scheduler=with_scheduler, fork=fork, max_jobs=max_jobs)
    finally:
        close_kept_connections()


@cli.command("sweep")
@click.option("--loop", "interval", type=int, default=0, help="Keep running, waking every N seconds.")
@with_appcontext
def sweep(interval: int) -> None:
    """Run periodic work: due case timers, the outbox relay, plugins' tasks (cron it, or use --loop)."""
    import time

    from frontcounter.jobs.locks import SweepLock
    from frontcounter.jobs.schedule import run_due

    lock = SweepLock(db.engine, Path(current_app.config.get("INSTANCE_DIR") or ".") / "sweep.lock")
    state: dict = {}
    waiting_said = False
    try:
        while True:
            if lock.acquire():
                waiting_said = False
                for name, result in run_due(state).items():
                    click.echo(f"{name}: {result}")
            elif not waiting_said:
                click.echo("Another sweeper is working; this one waits and takes over if it stops.")
                waiting_said = True
            if not interval:
                return
            time.sleep(interval)
    finally:
        lock.release()


# -- billing ----------------------------------------------------------------------------------


@cli.group()
def billing() -> None:
    """The platform's monthly statements to forces."""


@billing.command("issue")
@click.option("--month", default="", help="YYYY-MM (default: last month, Europe/London)")
@click.option("--force", "slug", default="", help="one force's slug (default: every force without one)")
@with_appcontext
def billing_issue(month: str, slug: str) -> None:
    """Issue statements for a month that has ended (forces that have one keep it unchanged)."""
    from frontcounter.billing.months import parse_month, previous_month
    from frontcounter.billing.queries import all_forces, force_by_slug
    from frontcounter.billing.statements import StatementRefused, issue

    first = parse_month(month) if month else previous_month()
    if first is None:
        raise click.BadParameter("give the month as YYYY-MM", param_hint="--month")
    forces = [force_by_slug(slug)] if slug else all_forces()
    if None in forces:
        raise click.BadParameter(f"no force {slug!r}", param_hint="--force")
    for tenant in forces:
        try:
            statement = issue(tenant, first, actor="command line")  # type: ignore[arg-type]
        except StatementRefused as refused:
            raise click.ClickException(refused.message) from refused
        line = f"{tenant.slug}: {statement.number} total {statement.total_pence / 100:.2f}"  # type: ignore[union-attr]
        db.session.commit()
        click.echo(line)


# -- demo -------------------------------------------------------------------------------------


@cli.group()
def demo() -> None:
    """Demonstration data for a local copy."""


@demo.command("seed")
@with_appcontext
def demo_seed() -> None:
    """Create demo staff in every force and let plugins add demo data; print the sign-ins."""
    from frontcounter.demo import seed

    for line in seed():
        click.echo(line)


from frontcounter.figures.cli import figures  # noqa: E402 - the group's module imports nothing at load time

cli.add_command(figures)


def command_line() -> click.Group:
    """The `frontcounter` command group with every installed plugin's commands added (once per process)."""
    if not getattr(cli, "_fc_plugin_commands", False):
        from frontcounter.plugins.manager import PluginRegistry

        PluginRegistry().hook.register_commands(cli=cli)
        cli._fc_plugin_commands = True  # type: ignore[attr-defined]
    return cli


def main() -> None:
    """Entry point of the `frontcounter` console script (plugins add commands through register_commands)."""
    sys.exit(command_line().main())
