"""The plugin's emails: one template pair (email/lost_property/message) filled with translated paragraphs,
sent in the language the person used (kept with their report or case)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import has_request_context
from flask_babel import force_locale, get_locale
from frontcounter.notifications import send_email


def current_language() -> str:
    """The language of the current request ("en" or "cy"), for emails sent later."""
    if not has_request_context():
        return "en"
    locale = get_locale()
    return locale.language if locale is not None else "en"


def email(to: str, language: str, build) -> None:  # type: ignore[no-untyped-def]
    """Queue an email to `to` written in `language`: `build()` returns (subject, name, paragraphs, link)."""
    if not to:
        return
    with force_locale(language or "en"):
        subject, name, paragraphs, link = build()
        _send(to, subject, name, paragraphs, link)


def _send(to: str, subject: str, name: str, paragraphs: Sequence[str], link: str) -> None:
    send_email(to, subject, "email/lost_property/message", name=name, paragraphs=list(paragraphs), link=link)
