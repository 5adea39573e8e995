"""GOV.UK Frontend assets (fonts, images, CSS, JS) served from the npm build in node_modules."""

from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory
from werkzeug.wrappers import Response

bp = Blueprint("assets", __name__)


@bp.get("/assets/<path:filename>")
def asset(filename: str) -> Response:
    """Serve a GOV.UK Frontend asset (fonts, images, manifest)."""
    return send_from_directory(current_app.config["ASSETS_DIR"], filename, max_age=86400)


@bp.get("/govuk/<path:filename>")
def frontend(filename: str) -> Response:
    """Serve GOV.UK Frontend's compiled CSS and JavaScript."""
    return send_from_directory(current_app.config["GOVUK_FRONTEND_DIR"], filename, max_age=86400)
