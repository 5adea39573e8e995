"""A force's public pages: its home page and the start of each service."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from frontcounter.accounts.auth import current_account
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.services import enabled_services, is_enabled, switched_off_service

bp = Blueprint("force", __name__, url_prefix="/<force>")


@bp.get("/")
def home() -> str:
    """The force's home page: its switched-on services in its branding."""
    services = enabled_services()
    return render_template(
        "force/home.html",
        services=[s for s in services if s.has_public_pages],
        coming_soon=[s for s in services if not s.has_public_pages],
    )


@bp.route("/start/<service_key>", methods=["GET", "POST"])
def start(service_key: str) -> Response | str | tuple[str, int]:
    """Before a service: sign in, create an account, or (where allowed) continue as a guest."""
    service = registry().services.get(service_key)
    if service is not None and switched_off_service(service_key) is not None:
        return render_template("errors/service_off.html", service=service), 404
    if service is None or not is_enabled(service_key) or not service.start_endpoint:
        abort(404)
    target = url_for(service.start_endpoint)
    if current_account() is not None or not service.asks_for_account:
        return redirect(target)
    if request.method == "POST" and service.allows_guest and request.form.get("how") == "guest":
        session.setdefault("guest_services", [])
        session["guest_services"] = sorted({*session["guest_services"], service_key})
        return redirect(target)
    error = request.method == "POST"
    return render_template("force/start.html", service=service, target=target, error=error)
