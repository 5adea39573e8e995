"""Flask's signed-cookie sessions, without the work a visitor with no cookie does not need.

Flask builds a new signing serializer for every request, even one that brings no session cookie;
most public page views bring none. This keeps one serializer per secret key and opens an empty
session without one when there is no cookie. What is signed, and how, is Flask's own.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
    """SecureCookieSessionInterface with its serializer kept per secret key."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer for `app`'s secret keys, made once while they stay the same."""
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get("frontcounter.session_serializer")
        if kept is None or kept[0] != keys:
            kept = (keys, super().get_signing_serializer(app))
            app.extensions["frontcounter.session_serializer"] = kept
        return kept[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """An empty session when the request brings no cookie, else Flask's."""
        if app.secret_key and request.cookies.get(self.get_cookie_name(app)) is None:
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    """Use the kept-serializer sessions on `app`."""
    app.session_interface = CookieSessions()
