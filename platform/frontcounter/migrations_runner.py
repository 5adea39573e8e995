"""Run Alembic migrations for the core and every plugin (each plugin is its own branch)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app
from flask_migrate import upgrade as _upgrade

CORE_VERSIONS = Path(__file__).parent / "migrations" / "versions"


def version_locations(app: Flask) -> list[str]:
    """Return the core's revisions folder followed by each plugin's."""
    locations = [str(CORE_VERSIONS)]
    for group in app.extensions["frontcounter.plugins"].hook.migration_dirs():
        locations.extend(str(p) for p in group or [])
    return locations


def configure(app: Flask) -> None:
    """Teach Flask-Migrate (and so `frontcounter db ...`) about the plugins' revision folders."""
    from frontcounter.extensions import migrate

    @migrate.configure
    def _add_plugin_locations(config):  # type: ignore[no-untyped-def]
        locations = version_locations(current_app)
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(locations))
        return config


def upgrade() -> None:
    """Upgrade the database to every head (core and plugins)."""
    _upgrade(revision="heads")
