"""Whole-page cache for public pages that every visitor without an account sees alike.

Only GET pages opted in here (national pages, a force's home page, the page before a service and each
service's start page), only for a visitor with nothing of their own in the session (no account, no
guest choice, no flashed message: at most a language and a form token), and only for a 200 page. The
key is the path with its query, the page's language and the force's settings version (or, on national
pages, every force's), so a force's settings change shows on the very next request; an entry also
lasts at most PAGE_CACHE_SECONDS (60) for anything that changes with the date. What varies per request
stays per request: the page is kept with markers where the Content-Security-Policy nonce and the
CSRF form token go, and each response gets a fresh nonce and this session's own token.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask.sessions import SessionMixin
from sqlalchemy import func, select

from frontcounter.extensions import db
from frontcounter.tenancy.watch import current_watch
from frontcounter.web.i18n import select_locale

NONCE_MARK = "fc-nonce-6d1f0c9e8b"
CSRF_MARK = "fc-csrf-4a7e2b915c"
ANONYMOUS_KEYS = frozenset({"lang", "csrf_token", "_permanent"})
MAX_ENTRIES = 2000
KEPT_PAGE = "frontcounter.kept_page"  # the WSGI environ key a kept page is offered under


@dataclass(frozen=True, slots=True)
class KeptPage:
    """A kept page as served to one request: the page with markers, the nonce it got, and what it was."""

    page: str
    nonce: str
    expires: float
    endpoint: str
    route: str
    force: str
    still_good: Callable[[], bool] | None = None  # for a page made from one record: unchanged since?
    also_allowed: frozenset[str] = frozenset()  # session keys, besides the anonymous ones, the page ignores
    remember: Callable[[SessionMixin], None] | None = None  # what the view adds to the visitor's session


def _cacheable() -> bool:
    if request.method not in ("GET", "HEAD") or not current_app.config.get("PAGE_CACHE_SECONDS", 60):
        return False
    return set(session.keys()) <= ANONYMOUS_KEYS


def _national_version() -> tuple[int, int]:
    from frontcounter.tenancy.models import Tenant

    found = db.session.connection().execute(
        select(func.count(Tenant.id), func.coalesce(func.sum(Tenant.settings_version), 0))
    ).one()
    return int(found[0]), int(found[1])


def _key() -> tuple[Any, ...]:
    version = g.get("_fc_settings_version")
    if version is None:
        watch = current_watch()  # live: every force's settings are as they were at its serial
        version = ("heard", watch.serial) if watch is not None else None
    return (
        request.endpoint,
        request.full_path,
        select_locale(),  # the language the page will be made in (what get_locale() parses it from)
        version if version is not None else _national_version(),
    )


def _entries() -> dict[tuple[Any, ...], tuple[float, str]]:
    return current_app.extensions.setdefault("frontcounter.page_cache", {})


def _fill(page: str) -> str:
    from flask_wtf.csrf import generate_csrf

    from frontcounter.web.security import csp_nonce

    g.pop("_fc_nonce", None)
    page = page.replace(NONCE_MARK, csp_nonce())
    if CSRF_MARK in page:
        g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
        page = page.replace(CSRF_MARK, generate_csrf())
    return page


def _filled(made: Any) -> Any:
    """A page that is not kept, with this request's own nonce and token in place of the markers."""
    if isinstance(made, str):
        return _fill(made)
    if isinstance(made, tuple) and made and isinstance(made[0], str):
        return (_fill(made[0]), *made[1:])
    if isinstance(made, Response) and made.mimetype == "text/html" and not made.direct_passthrough:
        made.set_data(_fill(made.get_data(as_text=True)))
        return made
    g.pop("_fc_nonce", None)
    return made


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve `view`'s page from the cache when the visitor has nothing of their own (see the module)."""

    @wraps(view)
    def serve(*args: Any, **kwargs: Any) -> Any:
        if not _cacheable():
            return view(*args, **kwargs)
        key = _key()
        entries = _entries()
        found = entries.get(key)
        now = time.monotonic()
        if found is not None and found[0] > now:
            return _offered(found[1], found[0])
        g._fc_nonce = NONCE_MARK
        setattr(g, current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), CSRF_MARK)
        made = view(*args, **kwargs)
        if not isinstance(made, str) or session.get("_flashes"):
            return _filled(made)  # not kept (a redirect, an error page, a message): this visitor's values only
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        expires = now + current_app.config.get("PAGE_CACHE_SECONDS", 60)
        entries[key] = (expires, made)
        return _offered(made, expires)

    return serve


def _offered(page: str, expires: float, **record: Any) -> str:
    """This request's copy of a kept page, offered to the cache in front of Flask (web/frontcache.py) too."""
    filled = _fill(page)
    from frontcounter.tenancy.context import current_tenant_or_none
    from frontcounter.web.security import csp_nonce

    tenant = current_tenant_or_none()
    request.environ[KEPT_PAGE] = KeptPage(
        page=page, nonce=csp_nonce(), expires=expires, endpoint=request.endpoint or "",
        route=request.url_rule.rule if request.url_rule else "", force=tenant.slug if tenant else "",
        **record,
    )
    return filled


def record_page(
    render: Callable[[], str], *, still_good: Callable[[], bool], lasts: float,
    also_allowed: frozenset[str] = frozenset(), remember: Callable[[SessionMixin], None] | None = None,
) -> str:
    """A page made from one record for whoever holds its link (a case's tracking page), offered to the
    cache in front of Flask while `still_good()` and for at most `lasts` seconds (never past
    PAGE_CACHE_SECONDS); the view has already checked the link and applied `remember` to the session."""
    seconds = min(lasts, current_app.config.get("PAGE_CACHE_SECONDS", 60))
    if current_watch() is None or seconds <= 0 or request.method != "GET" \
            or not set(session.keys()) <= ANONYMOUS_KEYS | also_allowed or session.get("_flashes"):
        return render()
    g._fc_nonce = NONCE_MARK
    setattr(g, current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), CSRF_MARK)
    made = render()
    if session.get("_flashes"):
        return _fill(made)
    return _offered(made, time.monotonic() + seconds, still_good=still_good, also_allowed=also_allowed,
                    remember=remember)


def init_app(app: Flask, endpoints: list[str]) -> None:
    """Cache the pages of `endpoints` (call before the rate limits wrap the views)."""
    for endpoint in endpoints:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = cached_page(app.view_functions[endpoint])
