"""Security headers on every response, with a per-request nonce for inline scripts and styles."""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g


def csp_nonce() -> str:
    """Return this request's Content-Security-Policy nonce."""
    if "_fc_nonce" not in g:
        g._fc_nonce = secrets.token_urlsafe(16)
    return g._fc_nonce


_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_FIXED = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), geolocation=(), microphone=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
_HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _headers(response: Response) -> Response:
    headers = response.headers
    present = {name.lower() for name in headers.keys()}  # a header a view set itself is kept
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy", _CSP.format(nonce=csp_nonce()))
    fixed = (*_FIXED, _HSTS) if current_app.config.get("HSTS") else _FIXED
    headers.extend([(name, value) for name, value in fixed if name.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    """Install the security headers and the nonce template global."""
    app.after_request(_headers)
    app.add_template_global(csp_nonce, "csp_nonce")
