"""TOTP second factor: secrets, QR codes for enrolment, and replay-safe verification."""

from __future__ import annotations

import time

import pyotp
import segno

ISSUER = "frontcounter"


def new_secret() -> str:
    """Return a new random base32 TOTP secret."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """Return the otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """Return an inline SVG QR code for `uri`."""
    from flask_babel import gettext as _

    return segno.make(uri, error="m").svg_inline(scale=5, title=_("QR code for your authenticator app"))


def verify(secret: str, code: str, last_step: int | None) -> int | None:
    """Check `code`; return its time step when valid and not a replay, else None."""
    code = (code or "").replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step, now_step - 1, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def current_code(secret: str) -> str:
    """Return the code an authenticator would show now (demo and tests only)."""
    return pyotp.TOTP(secret).now()
