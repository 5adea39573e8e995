"""The page where a new referee is named in place of one who declined (shared by the applicant's and staff's
routes): show it, read it, name the referee, and go back to the case."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_firearms.public_forms import posted_values
from frontcounter_firearms.public_pages import CHOICES
from frontcounter_firearms.referee_changes import (
    ReplacementRefused,
    case_referees,
    name_replacement,
    read_replacement,
    replacements_needed,
)
from werkzeug.wrappers import Response


def replacement_page(case: Case, *, actor: str, by_staff: bool, back_href: str) -> Response | tuple[str, int]:
    """GET shows the form; POST names the referee and goes back to `back_href` (400 with errors)."""
    if replacements_needed(case) == 0:
        flash(_("No referee needs replacing on this application."), "error")
        return redirect(back_href)
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers, errors = read_replacement(case, request.form)
        if answers is not None:
            try:
                referee = name_replacement(case, answers, actor=actor, by_staff=by_staff)
                db.session.commit()
            except ReplacementRefused as refused:
                db.session.rollback()
                errors = refused.errors
            else:
                flash(_("We have emailed %(referee)s a link to confirm the details.", referee=referee.name), "success")
                return redirect(back_href)
    declined = [r for r in case_referees(case) if r.declined_at is not None]
    html = render_template(
        "firearms/public/referee_new.html",
        case=case,
        declined=declined,
        choices=CHOICES,
        v=posted_values(request.form) if request.method == "POST" else {},
        e=errors,
        back_href=back_href,
    )
    return html, 400 if errors else 200
