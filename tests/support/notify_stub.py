"""A local stand-in for GOV.UK Notify's HTTP API, for tests.

It checks the JSON Web Token every request carries (an API key is "<name>-<service id>-<secret>"; the
client signs {iss: service id, iat: now} with the secret, HS256) and implements what frontcounter uses:
POST /v2/notifications/email, GET /v2/notifications/<id> and GET /v2/notifications?reference=...
Notifications stay "sending" until a test settles them, as Notify's would until the inbox answers.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

TOKEN_LEEWAY_SECONDS = 30


def _error(status: int, kind: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"status_code": status, "errors": [{"error": kind, "message": message}]}


class NotifyStub:
    """Start with start() (or `with`); api_key, template_id and base_url configure the client."""

    def __init__(self) -> None:
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.api_key = f"frontcounter_test-{self.service_id}-{self.secret}"
        self.template_id = str(uuid.uuid4())
        self.notifications: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, int]] = []  # method, path, status returned
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control from tests ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the stub first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def config(self) -> dict[str, str]:
        """The app settings that send email through this stub."""
        return {
            "NOTIFY_API_KEY": self.api_key,
            "NOTIFY_EMAIL_TEMPLATE_ID": self.template_id,
            "NOTIFY_BASE_URL": self.base_url,
        }

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """Answer the next `count` requests with `status` (Notify having a bad moment)."""
        with self._lock:
            self._failures.extend([status] * count)

    def settle(self, notification_id: str, status: str) -> dict[str, Any]:
        """Move a notification to `status` (e.g. delivered); return the callback Notify would post."""
        with self._lock:
            notification = self.notifications[notification_id]
            notification["status"] = status
            notification["completed_at"] = _now()
            return {
                "id": notification_id,
                "reference": notification["reference"],
                "to": notification["email_address"],
                "status": status,
                "created_at": notification["created_at"],
                "completed_at": notification["completed_at"],
                "sent_at": notification["sent_at"],
                "notification_type": "email",
                "template_id": self.template_id,
                "template_version": 1,
            }

    def sent(self) -> list[dict[str, Any]]:
        """Every notification Notify accepted, oldest first."""
        with self._lock:
            return list(self.notifications.values())

    # -- the API ---------------------------------------------------------------------------------

    def handle(self, method: str, url: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        """Answer one request: (status, JSON body)."""
        with self._lock:
            if self._failures:
                return _error(self._failures.pop(0), "ServerError", "Internal server error")
        problem = self._check_token(headers.get("Authorization", ""))
        if problem:
            return _error(403, "AuthError", problem)
        parts = urlsplit(url)
        if method == "POST" and parts.path == "/v2/notifications/email":
            return self._send_email(body)
        if method == "GET" and parts.path == "/v2/notifications":
            return self._search(parse_qs(parts.query))
        match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", parts.path)
        if method == "GET" and match:
            with self._lock:
                found = self.notifications.get(match.group(1))
            return (200, dict(found)) if found else _error(404, "NoResultFound", "No result found")
        return _error(404, "NotFound", "Not found")

    def _check_token(self, authorization: str) -> str:
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            return "Unauthorized: authentication token must be provided"
        try:
            claims = jwt.decode(
                token, self.secret, algorithms=["HS256"], options={"require": ["iss", "iat"], "verify_iat": False}
            )
        except jwt.InvalidTokenError as exc:
            return f"Invalid token: {exc}"
        if claims["iss"] != self.service_id:
            return "Invalid token: service not found"
        if abs(time.time() - int(claims["iat"])) > TOKEN_LEEWAY_SECONDS:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return ""

    def _send_email(self, body: bytes) -> tuple[int, dict[str, Any]]:
        try:
            data = json.loads(body)
        except ValueError:
            return _error(400, "BadRequestError", "Invalid JSON supplied in POST data")
        address = str(data.get("email_address", ""))
        if "@" not in address:
            return _error(400, "ValidationError", "email_address Not a valid email address")
        if data.get("template_id") != self.template_id:
            return _error(400, "BadRequestError", "Template not found")
        personalisation = data.get("personalisation") or {}
        missing = [key for key in ("subject", "body") if key not in personalisation]
        if missing:
            return _error(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        notification_id = str(uuid.uuid4())
        notification = {
            "id": notification_id,
            "reference": data.get("reference"),
            "email_address": address,
            "type": "email",
            "status": "sending",
            "template": {
                "id": self.template_id,
                "version": 1,
                "uri": f"{self.base_url}/v2/template/{self.template_id}",
            },
            "subject": personalisation["subject"],
            "body": personalisation["body"],
            "created_at": _now(),
            "sent_at": _now(),
            "completed_at": None,
        }
        with self._lock:
            self.notifications[notification_id] = notification
        return 201, {
            "id": notification_id,
            "reference": notification["reference"],
            "content": {
                "subject": notification["subject"],
                "body": notification["body"],
                "from_email": "frontcounter.test@notifications.service.gov.uk",
            },
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": notification["template"],
            "scheduled_for": None,
        }

    def _search(self, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        reference = (query.get("reference") or [None])[0]
        with self._lock:
            found = [
                dict(n)
                for n in reversed(self.notifications.values())
                if reference is None or n["reference"] == reference
            ]
        return 200, {"notifications": found, "links": {"current": f"{self.base_url}/v2/notifications"}}

    # -- the server ------------------------------------------------------------------------------

    def start(self) -> NotifyStub:
        """Serve on 127.0.0.1, a free port, in a background thread."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload = stub.handle(self.command, self.path, self.headers, body)
                with stub._lock:
                    stub.requests.append((self.command, urlsplit(self.path).path, status))
                encoded = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            do_GET = do_POST = _answer  # noqa: N815 - http.server's names

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="notify-stub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> NotifyStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
