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
    """Open a permit application case and go to its tracking page."""
    from frontcounter.accounts.auth import current_account
    from frontcounter.cases.engine import open_case
    from frontcounter.cases.tracking import tracking_token

    account = current_account()
    holder = request.form.get("holder", "").strip() or "Anon"
    email = account.email if account else request.form.get("email", "").strip()
    if not email:
        abort(400)
    db.session.add(SamplePermit(holder=holder, vehicle=request.form.get("vehicle", "AB12CDE")))
    case = open_case("sample", applicant_email=email, applicant_name=holder,
                     account_id=account.id if account else None, data={"vehicle": request.form.get("vehicle", "")})
    db.session.commit()
    return redirect(url_for("cases_public.track", reference=case.reference, token=tracking_token(case)))


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
