"""The floor: the least a Python web app on this stack can do for the same requests.

Run under the same gunicorn settings as the product (`frontcounter.gunicorn_conf`):

- P1: bare Flask returning the HTML bytes captured from the product's pages (FLOOR_PAGES, a JSON file
  mapping path-with-query to the page's text), with the same content type.
- P2: bare Flask + SQLAlchemy Core inserting the rows one product submission inserts (FLOOR_DATABASE_URL):
  the reference counter bumped, the report, its audit event and its outbox message, one transaction,
  then a redirect to the report's page.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask, Response, abort, redirect, request

app = Flask(__name__)
_PAGES: dict[str, bytes] = {}
if os.environ.get("FLOOR_PAGES"):
    with open(os.environ["FLOOR_PAGES"], encoding="utf-8") as handle:
        _PAGES = {path: text.encode("utf-8") for path, text in json.load(handle).items()}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    """Up."""
    return {"status": "ok"}


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path: str) -> Response:
    """The captured page for this path and query."""
    body = _PAGES.get(request.full_path.rstrip("?")) or _PAGES.get("/" + path)
    if body is None:
        abort(404)
    return Response(body, content_type="text/html; charset=utf-8")


_engine: Any = None


def _db() -> Any:
    global _engine
    if _engine is None:
        from sqlalchemy import create_engine

        _engine = create_engine(os.environ["FLOOR_DATABASE_URL"], pool_pre_ping=True)
    return _engine


_EMAIL = (
    "Hello {name},\n\nWe have your report of a lost item. Your reference is {reference}.\n\nWe compare it "
    "with items handed in to us and email you if one may be yours.\n\nSee your report here:\n\n"
    "https://localhost/dorset/lost_property/lost/{reference}?token=0123456789abcdef\n\nDorset Police"
)
_REQUIRED = ("category", "description", "lost_where", "name", "email")


@app.post("/floor/<force>/lost")
def submit(force: str) -> Response:
    """Validate the posted lost report as a form library would, insert its rows, redirect."""
    from sqlalchemy import text

    form = request.form
    if any(not form.get(name, "").strip() for name in _REQUIRED):
        abort(400)
    lost_from = date(int(form["lost_from-year"]), int(form["lost_from-month"]), int(form["lost_from-day"]))
    lost_to = date(int(form["lost_to-year"]), int(form["lost_to-month"]), int(form["lost_to-day"]))
    now = datetime.now(UTC)
    with _db().begin() as conn:
        tenant_id, code = conn.execute(text("SELECT id, code FROM tenant WHERE slug = :s"), {"s": force}).one()
        number = conn.execute(
            text("UPDATE reference_counter SET last = last + 1 WHERE tenant_id = :t AND service_key = :k "
                 "AND year = :y RETURNING last"),
            {"t": tenant_id, "k": "lost_property:lost", "y": now.year},
        ).scalar()
        reference = f"{code}-LR-{now.year % 100:02d}-{number:06d}"
        conn.execute(
            text("INSERT INTO lost_property_lost_report (tenant_id, reference, category, description, serial, "
                 "lost_from, lost_to, lost_where, lost_district, name, email, phone, language, status, expires_on, "
                 "created_at) VALUES (:t, :ref, :cat, :desc, '', :lf, :lt, :lw, :ld, :name, :email, '', 'en', "
                 "'open', :exp, :now) RETURNING id"),
            {"t": tenant_id, "ref": reference, "cat": form["category"], "desc": form["description"], "lf": lost_from,
             "lt": lost_to, "lw": form["lost_where"], "ld": form.get("postcode", "")[:4].strip().upper(),
             "name": form["name"], "email": form["email"].strip().lower(), "exp": now.date() + timedelta(days=90),
             "now": now},
        ).scalar()
        conn.execute(
            text("INSERT INTO audit_event (at, actor_id, actor, action, target, before, after, ip, tenant_id) "
                 "VALUES (:now, NULL, :actor, 'lost_property.lost_reported', :target, 'null', :after, :ip, :t)"),
            {"t": tenant_id, "now": now, "actor": "guest:" + form["email"], "target": f"lost:{reference}",
             "after": json.dumps({"category": form["category"]}), "ip": request.remote_addr},
        )
        body = _EMAIL.format(name=form["name"], reference=reference)
        email_id = conn.execute(
            text('INSERT INTO email_message (tenant_id, "to", subject, text_body, html_body, transport, status, '
                 "error, provider_ref, status_at, attempt_started_at, attempts) VALUES (:t, :to, :subject, :body, "
                 ":html, 'smtp', 'queued', '', '', NULL, NULL, 0) RETURNING id"),
            {"t": tenant_id, "to": form["email"].strip().lower(), "subject": f"Lost property: your report {reference}",
             "body": body, "html": "<p>" + body.replace("\n\n", "</p>\n<p>") + "</p>"},
        ).scalar()
        conn.execute(
            text("INSERT INTO outbox_message (tenant_id, target, args, kwargs, available_at, dispatched_at, done_at, "
                 "attempts, last_error, request_id) VALUES (:t, 'frontcounter.notifications.send:deliver', :args, "
                 "'{}', :now, NULL, NULL, 0, '', '')"),
            {"t": tenant_id, "args": json.dumps([email_id]), "now": now},
        )
    return redirect(f"/{force}/lost_property/lost/{reference}?done=1")
