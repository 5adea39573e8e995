"""Flask's signed-cookie sessions, without the work a visitor with no cookie does not need.

Flask builds a new signing serializer for every request, even one that brings no session cookie;
most public page views bring none. This keeps one serializer per secret key and opens an empty
session without one when there is no cookie. Signing derives each (secret key, salt) signing key once
instead of on every signature, and a short payload is not put through zlib only to be found no
shorter; what is signed, and how it is checked, is unchanged (cookies and form tokens made either way
are accepted either way).
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from itsdangerous.serializer import Serializer as PlainSerializer


class KeptKeySigner(TimestampSigner):
    """itsdangerous' timestamp signer, deriving each signing key once per process rather than per signature."""

    _derived: ClassVar[dict[tuple[Any, ...], bytes]] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """The signing key for `secret_key` (default: the newest), as itsdangerous derives it."""
        key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        kept = (key, self.salt, self.key_derivation, self.digest_method)
        found = self._derived.get(kept)
        if found is None:
            found = super().derive_key(key)
            if len(self._derived) < 64:  # a handful of (key, salt) pairs in any process
                self._derived[kept] = found
        return found


class SessionSerializer(URLSafeTimedSerializer):
    """URLSafeTimedSerializer with the kept-key signer, not compressing payloads too short to gain."""

    default_signer = KeptKeySigner
    _COMPRESS_FROM = 200  # bytes of JSON: below this zlib never makes a session or a token shorter

    def dump_payload(self, obj: Any) -> bytes:
        """The payload as URL-safe base64 (compressed, with a leading ".", only when that is shorter)."""
        json = PlainSerializer.dump_payload(self, obj)  # the JSON bytes, before any compression
        if len(json) >= self._COMPRESS_FROM:
            return super().dump_payload(obj)
        return base64_encode(json)


class CookieSessions(SecureCookieSessionInterface):
    """SecureCookieSessionInterface with its serializer kept per secret key."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer for `app`'s secret keys, made once while they stay the same."""
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get("frontcounter.session_serializer")
        if kept is None or kept[0] != keys:
            serializer = SessionSerializer(
                [*keys[1], keys[0]],  # itsdangerous signs with the last key and accepts any
                salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
            )
            kept = (keys, serializer)
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
