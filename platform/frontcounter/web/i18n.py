"""Language selection: English and Welsh, chosen per visitor within what the force offers."""

from __future__ import annotations

from flask import Blueprint, has_request_context, redirect, request, session
from werkzeug.wrappers import Response

from frontcounter.tenancy.context import current_tenant_or_none

LANGUAGES = {"en": "English", "cy": "Cymraeg"}


def offered_languages() -> tuple[str, ...]:
    """Return the languages offered on this page: the force's, or all nationally."""
    tenant = current_tenant_or_none()
    if tenant is not None:
        return tuple(lang for lang in tenant.languages if lang in LANGUAGES) or ("en",)
    return tuple(LANGUAGES)


def select_locale() -> str:
    """Flask-Babel locale selector: the visitor's choice if offered, else the force's first language."""
    offered = offered_languages()
    chosen = session.get("lang") if has_request_context() else None
    return chosen if chosen in offered else offered[0]


bp = Blueprint("i18n", __name__)


@bp.get("/language/<code>")
def choose(code: str) -> Response:
    """Switch the visitor's language and go back to the page they were on."""
    from frontcounter.accounts.auth import safe_next

    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), "/"))
