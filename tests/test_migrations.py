"""Migrations build the whole schema from nothing, on SQLite and PostgreSQL, matching the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from frontcounter.extensions import db


def test_migrated_schema_matches_the_models_exactly(ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `frontcounter db migrate`: {diff}"


def test_core_and_plugin_branches_are_both_at_head(ctx):
    from alembic.script import ScriptDirectory

    config = ctx.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    # The plugin's branch depends on the core revision: every head of every branch is applied.
    applied = {rev.revision for head in current for rev in script.iterate_revisions(head, "base")}
    assert set(script.get_heads()) <= applied
    assert {"0001_core", "0001_sample"} <= applied
