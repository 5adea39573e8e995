"""The sample service's public and staff pages."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from frontcounter.extensions import db
from frontcounter.tenancy.services import service_settings

from frontcounter_sample.models import SamplePermit

public = Blueprint("sample", __name__, template_folder="templates")
staff = Blueprint("sample_staff", __name__, template_folder="templates")


@public.get("/")
def start():
    """Start page showing the force's fee."""
    return render_template("sample/start.html", fee=service_settings("sample")["permit_fee_pence"])


@public.post("/apply")
def apply():
    """Create a permit for the current force."""
    permit = SamplePermit(holder=request.form.get("holder", "").strip() or "Anon", vehicle="AB12CDE")
    db.session.add(permit)
    db.session.commit()
    return redirect(url_for("sample.start"))


@staff.get("/")
def index():
    """Every permit of this force."""
    permits = db.session.scalars(db.select(SamplePermit).order_by(SamplePermit.id)).all()
    return render_template("sample/list.html", permits=permits)


@staff.get("/permits/<int:permit_id>")
def permit(permit_id: int):
    """One permit (404 when it is another force's)."""
    found = db.session.scalar(db.select(SamplePermit).filter_by(id=permit_id)) or abort(404)
    return render_template("sample/permit.html", permit=found)
