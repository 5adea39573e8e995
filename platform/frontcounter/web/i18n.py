"""Language selection: English and Welsh, chosen per visitor within what the force offers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, has_request_context, redirect, request, session
from flask_babel import force_locale, get_locale
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


def page_language() -> str:
    """The language of the page being made ("en" or "cy"); "en" outside a request."""
    locale = get_locale() if has_request_context() else None
    return locale.language if locale is not None and locale.language in LANGUAGES else "en"


@contextmanager
def in_language(code: str | None) -> Iterator[None]:
    """Translate everything in the block (subjects, bodies, lazy strings) into `code` ("en" or "cy")."""
    with force_locale(code if code in LANGUAGES else "en"):
        yield


bp = Blueprint("i18n", __name__)


@bp.get("/language/<code>")
def choose(code: str) -> Response:
    """Switch the visitor's language and go back to the page they were on."""
    from frontcounter.accounts.auth import safe_next

    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), "/"))
