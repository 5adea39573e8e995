"""Rate limits (flask-limiter, on Redis or in memory), given to every route by what kind of route it is.

The kinds are read from the URL map, so a new route is limited as soon as it exists: the API per
token; sign-in, second-factor, sign-up and password pages; webhooks; uploads; tracking and resume
links; every other public form. Staff pages (behind sign-in and roles) are not limited. A refused
request gets the GOV.UK "too many requests" page or a JSON 429, both with Retry-After.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, Response, request
from flask_limiter import Limiter, RequestLimit
from werkzeug.routing import Rule

DEFAULT_LIMITS = {
    "api": "600 per minute",
    "sign_in": "10 per minute;60 per hour",
    "webhook": "1200 per minute",
    "upload": "30 per minute;200 per hour",
    "link": "60 per minute",
    "form": "60 per minute;600 per hour",
}
_SIGN_IN = re.compile(r"(sign_in|sign_up|two_factor|reset|verify|access|pin)", re.I)
_UPLOAD = re.compile(r"(upload|photo|evidence|attach)", re.I)


def kind_of(rule: Rule) -> str | None:
    """The rate-limit kind of a route (a key of DEFAULT_LIMITS), or None when it is not limited."""
    path, endpoint = rule.rule, rule.endpoint or ""
    if endpoint in {"static", "assets.asset", "health.healthz", "metrics.metrics"} or path.startswith("/_dev"):
        return None
    if ("/webhooks/" in path or "callback" in path) and "/staff/" not in path:  # not staff pages about webhooks
        return "webhook"
    if path.startswith("/api/"):
        return None if endpoint.startswith(("api-docs", "api_docs")) or path.endswith("openapi.json") else "api"
    signing_in = bool(_SIGN_IN.search(endpoint))
    if signing_in:
        return "sign_in"
    if "/staff/" in path or path.startswith("/platform/"):
        return None
    if _UPLOAD.search(endpoint) or _UPLOAD.search(path):
        return "upload"
    if "<token>" in path or "track" in path or "resume" in path:
        return "link"
    if "POST" in (rule.methods or set()):
        return "form"
    return None


def _token_or_address() -> str:
    secret = request.headers.get("Authorization", "")
    if secret:
        return "token:" + hashlib.sha256(secret.encode()).hexdigest()[:24]
    return request.remote_addr or "unknown"


def _only_posts() -> bool:
    return request.method not in ("POST", "PUT", "PATCH", "DELETE")


_READS_FREE = frozenset({"form", "sign_in", "upload"})  # kinds whose pages may be read freely (posts are limited)


def _exempt(kinds: dict[str, str]) -> Callable[[], bool]:
    """True for a request no limit applies to, so the limiter does no work for it (most page views)."""

    def exempt() -> bool:
        kind = kinds.get(request.endpoint or "")
        return kind is None or (kind in _READS_FREE and _only_posts())

    return exempt


def _address() -> str:
    return request.remote_addr or "unknown"


def _limit_for(app: Flask, limiter: Limiter, kind: str) -> Callable[[Callable], Callable]:
    spec = app.config.get(f"RATE_LIMIT_{kind.upper()}") or DEFAULT_LIMITS[kind]
    if kind == "api":
        return limiter.limit(spec, key_func=_token_or_address, scope="api")
    if kind in ("link", "webhook"):
        return limiter.limit(spec, scope=kind)
    return limiter.limit(spec, scope=kind, exempt_when=_only_posts)  # a form page may be read freely


def init_app(app: Flask) -> None:
    """Limit every route by its kind (call once every blueprint is registered)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # While Redis is away (a restart, a failover) count in this process rather than answer 500.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    # flask-limiter's X-RateLimit-Remaining and -Reset cost two Redis round trips per limited request;
    # _limit_headers sends the limit (no round trip) and, on a refusal only, Retry-After.
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter = Limiter(key_func=_address)  # one per app: its storage and switches are its own
    limiter.init_app(app)
    app.after_request(_limit_headers(limiter))
    app.extensions["frontcounter.limiter"] = limiter  # the decorators hold it weakly
    kinds: dict[str, str] = {}
    for rule in app.url_map.iter_rules():
        kind = kind_of(rule)
        if kind is None or rule.endpoint in kinds:
            continue
        kinds[rule.endpoint] = kind
        view = app.view_functions[rule.endpoint]
        limited = _limit_for(app, limiter, kind)(view)
        app.view_functions[rule.endpoint] = _reads_free(view, limited) if kind in _READS_FREE else limited
    exempt = _exempt(kinds)
    limiter.request_filter(exempt)
    _skip_check_when(app, limiter, exempt)


def _limit_headers(limiter: Limiter) -> Callable[[Response], Response]:
    """An after-request hook: X-RateLimit-Limit on every limited response, Retry-After on a refusal."""

    def add(response: Response) -> Response:
        current = limiter.current_limit if limiter.enabled else None
        if current is None:
            return response
        response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(_seconds_to_reset(current))
        return response

    return add


def _seconds_to_reset(current: RequestLimit) -> int:
    """Seconds until the refused limit's window resets (its whole window when the store cannot say)."""
    try:
        return max(1, int(current.reset_at - time.time()))
    except Exception:  # noqa: BLE001 - the store went away after refusing: the window length is an upper bound
        return max(1, current.limit.get_expiry())


def _reads_free(view: Callable, limited: Callable) -> Callable:
    """`view` for reading the page (no limiter work at all), `limited` for a post."""

    @wraps(view)
    def route(*args: object, **kwargs: object) -> object:
        return view(*args, **kwargs) if _only_posts() else limited(*args, **kwargs)

    return route


def _skip_check_when(app: Flask, limiter: Limiter, exempt: Callable[[], bool]) -> None:
    """Run the limiter's before-request check only for requests a limit may apply to (it costs even when none does)."""
    hooks = app.before_request_funcs.get(None, [])
    check = limiter._check_request_limit
    if check not in hooks:
        return  # a flask-limiter that checks elsewhere: its own request filter (above) still exempts

    def check_when_limited() -> None:
        if not exempt():
            check()

    hooks[hooks.index(check)] = check_when_limited
