"""The referee's page, reached from the link we email them: confirm the applicant's particulars, or decline."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter_firearms.referee_changes import referee_answered
from frontcounter_firearms.referees_public import answer, may_answer, photo_data_url, referee_from_token
from frontcounter_firearms.views_public import SERVICE, bp


def _read_answers(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the referee's answers and the problems with them, by field."""
    errors: dict[str, str] = {}
    years = form.get("years_known", "").strip()
    if not years:
        errors["years_known"] = _("Enter how many years you have known the applicant")
    elif not years.isdecimal() or int(years) > 120:
        errors["years_known"] = _("Enter a number of years from 0 to 120")
    likeness = form.get("photo_likeness")
    if likeness not in ("yes", "no"):
        errors["photo_likeness"] = _("Select yes if the photo is a true likeness of the applicant")
    if form.get("declaration") != "yes":
        errors["declaration"] = _("Confirm the declaration to act as a referee")
    answers = {"years_known": int(years) if "years_known" not in errors else None, "likeness": likeness == "yes"}
    return answers, errors


@bp.route("/referee/<token>", methods=["GET", "POST"])
def referee(token: str) -> str | tuple[str, int]:
    """Confirm (declaration, years known, photo likeness) or decline, once, from the emailed link."""
    found = referee_from_token(token)
    case = db.session.scalar(db.select(Case).filter_by(id=found.case_id)) if found is not None else None
    if found is None or case is None or case.service_key != SERVICE or not may_answer(found, case):
        return render_template("firearms/public/referee_link_used.html"), 410
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.form.get("action")
        if action == "decline":  # one more step: declining cannot be undone
            return render_template("firearms/public/referee_decline.html", referee=found, case=case)
        if action == "decline-confirmed":
            answer(found, confirmed=False)
            referee_answered(found, case)
            db.session.commit()
            return render_template("firearms/public/referee_done.html", confirmed=False, case=case)
        answers, errors = _read_answers(request.form)
        if not errors:
            answer(found, confirmed=True, years_known=answers["years_known"], likeness=answers["likeness"])
            referee_answered(found, case)
            db.session.commit()
            return render_template("firearms/public/referee_done.html", confirmed=True, case=case)
    return render_template(
        "firearms/public/referee.html",
        referee=found,
        case=case,
        personal=case.data.get("personal") or {},
        photo=photo_data_url(case),
        service=registry().services[SERVICE],
        v=request.form,
        e=errors,
    )
