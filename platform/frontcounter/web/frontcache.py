"""Kept public pages served before Flask, for visitors with nothing of their own.

web/pagecache.py keeps whole public pages and offers each one it serves to this WSGI layer, which sits
in front of Flask (inside ProxyFix, outside the host-name rewrite). The next request for the same
page (same scheme, host, path, query and chosen language, by a visitor whose session holds at most a
language and a form token) is answered here without Flask's request handling, with the same duties
Flask's hooks perform: a fresh Content-Security-Policy nonce, the visitor's own CSRF token (and session
cookie when that token is new), the request id, the security headers the page was first served with,
the request metrics and the access line.

It is only used while this process's settings listener is live (tenancy/watch.py): a page is served
here only if it was kept at the listener's current serial, so any force's settings change, or a
moment of not listening, sends the next request through Flask again. An entry also lasts no longer
than the page cache's own (PAGE_CACHE_SECONDS).

A page made from one record for whoever holds its link (a case's tracking page, pagecache.record_page)
is kept too, for exactly that link: it also needs its record unchanged (the listener hears every case
change, cases/changes.py), may ignore a session key or two (the cases a browser followed) and adds to
the session what the view adds.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response
from flask.sessions import SecureCookieSession
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.http import parse_cookie

from frontcounter.observability import logs, metrics, requestid
from frontcounter.tenancy.watch import SettingsWatch
from frontcounter.web.pagecache import ANONYMOUS_KEYS, CSRF_MARK, KEPT_PAGE, MAX_ENTRIES, NONCE_MARK, KeptPage
from frontcounter.web.sessions import SessionSerializer

_COOKIE_VALUE = "fc-session-value-3b8e1f"  # URL-safe, as a signed session value is: never quoted
_PER_REQUEST = frozenset({"set-cookie", "x-request-id", "content-length", "content-security-policy", "retry-after"})


@dataclass(frozen=True, slots=True)
class _Entry:
    parts: tuple[str, ...]  # the page split at its markers: text, marker, text, marker, ...
    headers: tuple[tuple[str, str], ...]  # as first served, less what is made per request
    csp: str  # the Content-Security-Policy value with the nonce marker
    serial: int
    expires: float
    kept: KeptPage
    count: Callable[[float], None]  # the request metrics' counter for this page


def _split(page: str) -> tuple[str, ...]:
    parts: list[str] = []
    rest = page
    while True:
        at = [(rest.find(mark), mark) for mark in (NONCE_MARK, CSRF_MARK) if mark in rest]
        if not at:
            parts.append(rest)
            return tuple(parts)
        index, mark = min(at)
        parts.extend((rest[:index], mark))
        rest = rest[index + len(mark):]


class FrontCache:
    """WSGI middleware answering GETs for kept public pages; everything else goes on to `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]], watch: SettingsWatch) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.watch = watch
        self.entries: dict[tuple[str, ...], _Entry] = {}
        self.hits = 0
        self._signer: tuple[Any, URLSafeTimedSerializer] | None = None
        self._template: tuple[tuple[Any, ...], str] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or not self.watch.live or _has_body(environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        visitor = self._visitor(environ)
        if visitor is None:
            return self.wsgi_app(environ, start_response)
        key = (
            environ.get("wsgi.url_scheme", "http"), (environ.get("HTTP_HOST") or "").lower(),
            environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""), str(visitor.get("lang", "")),
        )
        serial = self.watch.serial
        entry = self.entries.get(key)
        if entry is not None and entry.serial == serial and entry.expires > time.monotonic() \
                and set(visitor) <= ANONYMOUS_KEYS | entry.kept.also_allowed \
                and (entry.kept.still_good is None or entry.kept.still_good()):
            return self._serve(entry, visitor, environ, start_response, started)
        return self._pass_and_keep(key, serial, environ, start_response)

    def _visitor(self, environ: dict[str, Any]) -> SecureCookieSession | None:
        """The visitor's session as Flask would open it; None when Flask must decide (a bad cookie)."""
        interface = self.app.session_interface
        raw = environ.get("HTTP_COOKIE")
        value = parse_cookie(raw).get(interface.get_cookie_name(self.app)) if raw else None
        if not value:
            return SecureCookieSession()
        serializer = interface.get_signing_serializer(self.app)
        if serializer is None:
            return None
        try:
            data = serializer.loads(value, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except BadSignature:
            return None
        return SecureCookieSession(data) if isinstance(data, dict) else None

    def _pass_and_keep(
        self, key: tuple[str, ...], serial: int, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        answered: list[Any] = []

        def note(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, note)
        kept: KeptPage | None = environ.get(KEPT_PAGE)
        if kept is not None and answered and answered[0].startswith("200 "):
            self._keep(key, serial, kept, answered[1])
        return body

    def _keep(self, key: tuple[str, ...], serial: int, kept: KeptPage, headers: list[tuple[str, str]]) -> None:
        limited = any(name.lower().startswith("x-ratelimit") for name, _ in headers)
        if limited and kept.still_good is None:
            return  # a limited page is counted by Flask every time
        # A page for one record's link (the tracking page) is limited against guessing links: a request
        # answered here repeats a link already found good, so it is not a guess and is not counted.
        csp = next((value for name, value in headers if name.lower() == "content-security-policy"), None)
        if csp is None or kept.nonce not in csp:
            return
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.clear()
        self.entries[key] = _Entry(
            parts=_split(kept.page),
            headers=tuple((n, v) for n, v in headers
                          if n.lower() not in _PER_REQUEST and not n.lower().startswith("x-ratelimit")),
            csp=csp.replace(kept.nonce, NONCE_MARK),
            serial=serial,
            expires=min(kept.expires, time.monotonic() + self.app.config.get("PAGE_CACHE_SECONDS", 60)),
            kept=kept,
            count=metrics.request_counter(kept.endpoint, 200, kept.force),
        )

    def _serve(
        self, entry: _Entry, visitor: SecureCookieSession, environ: dict[str, Any],
        start_response: Callable[..., Any], started: float,
    ) -> Iterable[bytes]:
        fresh = os.urandom(52)  # one read of the system's randomness for the nonce, request id and form token
        nonce = base64.urlsafe_b64encode(fresh[:16]).rstrip(b"=").decode()  # as secrets.token_urlsafe(16)
        if entry.kept.remember is not None:
            entry.kept.remember(visitor)  # what the view adds to the session (it marks it modified)
        token = self._csrf_token(visitor, fresh[32:].hex()) if CSRF_MARK in entry.parts else ""
        body = "".join(nonce if part == NONCE_MARK else token if part == CSRF_MARK else part
                       for part in entry.parts).encode("utf-8")
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if requestid.sensible(given) else fresh[16:32].hex()
        headers = [
            *entry.headers,
            ("Content-Security-Policy", entry.csp.replace(NONCE_MARK, nonce)),
            (requestid.HEADER, request_id),
            ("Content-Length", str(len(body))),
            *self._cookie(visitor),
        ]
        start_response("200 OK", headers)
        self.hits += 1
        kept = entry.kept
        entry.count(time.perf_counter() - started)
        if self.app.config.get("ACCESS_LOG"):
            token_id = requestid.set_request_id(request_id)
            try:
                logs.log_access("GET", environ.get("PATH_INFO", "/"), 200, started, force=kept.force, route=kept.route)
            finally:
                requestid.reset_request_id(token_id)
        return [body]

    def _csrf_token(self, session: SecureCookieSession, new: str) -> str:
        """The signed form token for `session` (given the raw token `new` if it has none), as flask-wtf makes it."""
        config = self.app.config
        field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        secret = config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
        if self._signer is None or self._signer[0] != secret:
            self._signer = (secret, SessionSerializer(secret, salt="wtf-csrf-token"))
        signer = self._signer[1]
        if not isinstance(session.get(field), str):
            session[field] = new  # 40 hex digits, the shape of flask-wtf's own
        return signer.dumps(session[field])

    def _cookie(self, session: SecureCookieSession) -> list[tuple[str, str]]:
        """The Set-Cookie header Flask would send for `session` (none when it has not changed)."""
        interface = self.app.session_interface
        if not session or not interface.should_set_cookie(self.app, session):
            return []
        if session.permanent:  # an expiry date of its own: Flask's own way
            response = Response()
            interface.save_session(self.app, session, response)
            return [("Set-Cookie", value) for value in response.headers.getlist("Set-Cookie")]
        value = interface.get_signing_serializer(self.app).dumps(dict(session))  # type: ignore[union-attr]
        return [("Set-Cookie", self._cookie_template().replace(_COOKIE_VALUE, value))]

    def _cookie_template(self) -> str:
        """Flask's Set-Cookie header for a session cookie without an expiry, with a marker for its value."""
        interface, app = self.app.session_interface, self.app
        settings = (
            interface.get_cookie_name(app), interface.get_cookie_domain(app), interface.get_cookie_path(app),
            interface.get_cookie_secure(app), interface.get_cookie_partitioned(app),
            interface.get_cookie_samesite(app), interface.get_cookie_httponly(app),
        )
        if self._template is None or self._template[0] != settings:
            response = Response()
            name, domain, path, secure, partitioned, samesite, httponly = settings
            response.set_cookie(name, _COOKIE_VALUE, httponly=httponly, domain=domain, path=path, secure=secure,
                                partitioned=partitioned, samesite=samesite)
            self._template = (settings, response.headers["Set-Cookie"])
        return self._template[1]


def _has_body(environ: dict[str, Any]) -> bool:
    return environ.get("CONTENT_LENGTH", "") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in environ


def init_app(app: Flask) -> None:
    """Put the cache in front of `app` when its settings listener exists and pages are cached."""
    watch = app.extensions.get("frontcounter.settings_watch")
    if watch is not None and app.config.get("PAGE_CACHE_SECONDS", 60):
        cache = FrontCache(app, app.wsgi_app, watch)
        app.extensions["frontcounter.front_cache"] = cache
        app.wsgi_app = cache  # type: ignore[method-assign]
