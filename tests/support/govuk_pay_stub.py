"""A local stand-in for GOV.UK Pay's public API (https://docs.payments.service.gov.uk), for tests.

A real HTTP server on 127.0.0.1 that follows what frontcounter uses of Pay:

- every API call carries `Authorization: Bearer <key>`; a key sees only its own account's payments;
- POST /v1/payments (amount in pence, reference, description, return_url; 201 with payment_id,
  state.status "created" and _links.next_url.href, the hosted page);
- GET /v1/payments/{id}: state.status created, started, submitted, capturable, success, failed
  (P0010 declined, P0020 expired, P0030 cancelled by the user), cancelled (P0040 by the service)
  or error; refund_summary with amount_available and amount_submitted;
- POST /v1/payments/{id}/cancel (204, or 400 P0501 once finished);
- POST /v1/payments/{id}/refunds with amount and refund_amount_available: 412 (P0604) when the
  latter is not what is available, 400 when more than is available or the payment is not refundable;
- GET /v1/payments/{id}/refunds and GET /v1/payments/{id}/refunds/{refund_id};
- the payer's hosted page GET/POST /pay/{id} (choose success, declined or cancel; 303 back to return_url);
- webhooks signed with HMAC-SHA256 of the raw body (hex, `Pay-Signature`), built by `webhook()` and
  posted by `deliver()`, so a test sends them when, as often and in whatever order it likes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

UNFINISHED = ("created", "started", "submitted", "capturable")
_OUTCOMES = {
    "success": ("success", "", ""),
    "declined": ("failed", "P0010", "Payment method rejected"),
    "cancel": ("failed", "P0030", "Payment was cancelled by the user"),
}
_EVENTS = {  # Pay's webhook event types for each final state
    "success": "card_payment_succeeded",
    "failed": "card_payment_failed",
    "cancelled": "card_payment_cancelled",
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _error(status: int, code: str, description: str, field: str | None = None) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"code": code, "description": description}
    if field:
        body["field"] = field
    return status, body


class GovukPayStub:
    """Start with start() (or `with`); `api_key`, `webhook_secret` and `base_url` configure the app."""

    def __init__(self, refund_status: str = "success") -> None:
        self.api_key = f"api_test_{secrets.token_hex(16)}"
        self.other_key = f"api_test_{secrets.token_hex(16)}"  # another service's account
        self.webhook_secret = f"webhook_{secrets.token_hex(16)}"
        self.refund_status = refund_status  # what a new refund is: "success" at once, or "submitted"
        self.payments: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, int]] = []  # method, path, status returned
        self.refunds_down = 0  # answer this many refund requests with 500 (Pay having a bad moment)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- control from tests ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the stub first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def config(self, suffix: str = "") -> dict[str, str]:
        """The app settings that pay through this stub (for one force with suffix "_ALPHA")."""
        return {
            f"GOVUK_PAY_API_KEY{suffix}": self.api_key,
            f"GOVUK_PAY_WEBHOOK_SECRET{suffix}": self.webhook_secret,
            f"GOVUK_PAY_API_BASE{suffix}": self.base_url,
        }

    def drive(self, payment_id: str, outcome: str) -> str:
        """What the payer does on Pay's page: "success", "declined" or "cancel"; returns the return_url."""
        with self._lock:
            payment = self.payments[payment_id]
            if payment["state"]["status"] in UNFINISHED:
                status, code, message = _OUTCOMES[outcome]
                payment["state"] = _state(status, code, message)
            return payment["return_url"]

    def expire(self, payment_id: str) -> None:
        """Pay's own 90 minutes have passed on an unfinished payment."""
        with self._lock:
            payment = self.payments[payment_id]
            if payment["state"]["status"] in UNFINISHED:
                payment["state"] = _state("failed", "P0020", "Payment expired")

    def settle_refund(self, payment_id: str, refund_id: str, status: str = "success") -> None:
        """A submitted refund is done (or failed) at Pay."""
        with self._lock:
            refund = next(r for r in self.payments[payment_id]["refunds"] if r["refund_id"] == refund_id)
            refund["status"] = status

    def refund_outside(self, payment_id: str, amount: int) -> None:
        """Someone refunds in Pay's admin tool instead of through the app."""
        with self._lock:
            self._add_refund(self.payments[payment_id], amount, "success")

    def status(self, payment_id: str) -> str:
        with self._lock:
            return self.payments[payment_id]["state"]["status"]

    def refunded(self, payment_id: str) -> int:
        """What Pay has refunded or is refunding of a payment (its amount_submitted)."""
        with self._lock:
            return self._summary(self.payments[payment_id])["amount_submitted"]

    def webhook(self, payment_id: str, event_type: str | None = None, secret: str | None = None) -> tuple[bytes, dict]:
        """A webhook message about `payment_id` (by default for its current state), signed as Pay signs them."""
        with self._lock:
            payment = self.payments[payment_id]
            body = {
                "webhook_message_id": secrets.token_hex(13),
                "created_date": _now(),
                "resource_id": payment_id,
                "api_version": 1,
                "resource_type": "payment",
                "event_type": event_type or _EVENTS.get(payment["state"]["status"], "card_payment_started"),
                "resource": self._view(payment),
            }
        raw = json.dumps(body).encode()
        signature = hmac.new((secret or self.webhook_secret).encode(), raw, hashlib.sha256).hexdigest()
        return raw, {"Pay-Signature": signature, "Content-Type": "application/json"}

    @staticmethod
    def deliver(url: str, message: tuple[bytes, dict]) -> requests.Response:
        """POST a webhook message to the app over HTTP, as Pay does."""
        body, headers = message
        return requests.post(url, data=body, headers=headers, timeout=30)

    # -- the API --------------------------------------------------------------------------------

    def handle(self, method: str, url: str, headers: Any, body: bytes) -> tuple[int, Any]:
        path = urlsplit(url).path.rstrip("/")
        parts = path.strip("/").split("/")
        if parts[0] == "pay" and len(parts) == 2:
            return self._hosted_page(method, parts[1], body)
        owner = self._owner(headers.get("Authorization", ""))
        if owner is None:
            return _error(401, "P0940", "Credentials are required to access this resource")
        with self._lock:
            if method == "POST" and path == "/v1/payments":
                return self._create(owner, body)
            if len(parts) < 3 or parts[:2] != ["v1", "payments"]:
                return _error(404, "P0920", "Not found")
            payment = self.payments.get(parts[2])
            if payment is None or payment["owner"] != owner:
                return _error(404, "P0200", "Not found")
            rest = parts[3:]
            if method == "GET" and not rest:
                return 200, self._view(payment)
            if method == "POST" and rest == ["cancel"]:
                if payment["state"]["status"] not in UNFINISHED:
                    return _error(400, "P0501", "Cancellation of payment failed")
                payment["state"] = _state("cancelled", "P0040", "Payment was cancelled by the service")
                return 204, None
            if rest == ["refunds"] and method == "POST":
                if self.refunds_down > 0:
                    self.refunds_down -= 1
                    return _error(500, "P0698", "Downstream system error")
                return self._refund(payment, body)
            if rest == ["refunds"] and method == "GET":
                return 200, {"payment_id": payment["payment_id"], "_embedded": {"refunds": payment["refunds"]}}
            if len(rest) == 2 and rest[0] == "refunds" and method == "GET":
                found = next((r for r in payment["refunds"] if r["refund_id"] == rest[1]), None)
                return (200, found) if found else _error(404, "P0700", "Not found")
        return _error(404, "P0920", "Not found")

    def _owner(self, authorization: str) -> str | None:
        scheme, _, key = authorization.partition(" ")
        if scheme != "Bearer" or key not in (self.api_key, self.other_key):
            return None
        return key

    def _create(self, owner: str, body: bytes) -> tuple[int, Any]:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return _error(400, "P0197", "Unable to parse JSON")
        amount = data.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= 10_000_000:
            return _error(422, "P0102", "Invalid attribute value: amount. Must be less than or equal to 10000000",
                          "amount")
        for field, limit in (("reference", 255), ("description", 255), ("return_url", 2000)):
            value = data.get(field)
            if not isinstance(value, str) or not value or len(value) > limit:
                return _error(422, "P0101" if value is None else "P0102", f"Missing mandatory attribute: {field}",
                              field)
        payment_id = secrets.token_hex(13)
        self.payments[payment_id] = {
            "payment_id": payment_id,
            "owner": owner,
            "amount": amount,
            "reference": data["reference"],
            "description": data["description"],
            "return_url": data["return_url"],
            "language": data.get("language", "en"),
            "metadata": data.get("metadata") or {},
            "created_date": _now(),
            "state": _state("created"),
            "refunds": [],
        }
        return 201, self._view(self.payments[payment_id])

    def _refund(self, payment: dict[str, Any], body: bytes) -> tuple[int, Any]:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return _error(400, "P0197", "Unable to parse JSON")
        amount, expected = data.get("amount"), data.get("refund_amount_available")
        if not isinstance(amount, int) or amount <= 0:
            return _error(422, "P0602", "Invalid attribute value: amount", "amount")
        if payment["state"]["status"] != "success":
            return _error(400, "P0603", "The payment is not available for refund. Payment refund status: unavailable")
        available = self._summary(payment)["amount_available"]
        if expected is not None and expected != available:
            return _error(412, "P0604", "Refund amount available mismatch.")
        if amount > available:
            return _error(400, "P0603", "The payment is not available for refund. Payment refund status: full")
        return 202, self._add_refund(payment, amount, self.refund_status)

    def _add_refund(self, payment: dict[str, Any], amount: int, status: str) -> dict[str, Any]:
        refund = {"refund_id": secrets.token_hex(13), "amount": amount, "status": status, "created_date": _now()}
        payment["refunds"].append(refund)
        return refund

    def _summary(self, payment: dict[str, Any]) -> dict[str, Any]:
        submitted = sum(r["amount"] for r in payment["refunds"] if r["status"] in ("submitted", "success"))
        if payment["state"]["status"] != "success":
            return {"status": "unavailable", "amount_available": 0, "amount_submitted": submitted}
        available = payment["amount"] - submitted
        return {"status": "available" if available else "full", "amount_available": available,
                "amount_submitted": submitted}

    def _view(self, payment: dict[str, Any]) -> dict[str, Any]:
        self_href = f"{self.base_url}/v1/payments/{payment['payment_id']}"
        links: dict[str, Any] = {
            "self": {"href": self_href, "method": "GET"},
            "refunds": {"href": f"{self_href}/refunds", "method": "GET"},
        }
        if payment["state"]["status"] in UNFINISHED:
            links["next_url"] = {"href": f"{self.base_url}/pay/{payment['payment_id']}", "method": "GET"}
            links["cancel"] = {"href": f"{self_href}/cancel", "method": "POST"}
        return {
            "amount": payment["amount"],
            "description": payment["description"],
            "reference": payment["reference"],
            "language": payment["language"],
            "metadata": payment["metadata"],
            "payment_id": payment["payment_id"],
            "payment_provider": "sandbox",
            "created_date": payment["created_date"],
            "return_url": payment["return_url"],
            "state": dict(payment["state"]),
            "refund_summary": self._summary(payment),
            "_links": links,
        }

    def _hosted_page(self, method: str, payment_id: str, body: bytes) -> tuple[int, Any]:
        with self._lock:
            payment = self.payments.get(payment_id)
            if payment is None:
                return 404, "<h1>Payment not found</h1>"
            if method == "GET":
                if payment["state"]["status"] == "created":
                    payment["state"] = _state("started")
                return 200, (
                    f"<h1>Enter card details</h1><p>{payment['description']}: {payment['amount']} pence</p>"
                    f'<form method="post"><button name="outcome" value="success">Pay</button>'
                    f'<button name="outcome" value="declined">Declined card</button>'
                    f'<button name="outcome" value="cancel">Cancel payment</button></form>'
                )
        outcome = (parse_qs(body.decode()).get("outcome") or [""])[0]
        if outcome not in _OUTCOMES:
            return 400, "<h1>Choose an outcome</h1>"
        return 303, self.drive(payment_id, outcome)

    # -- the server -----------------------------------------------------------------------------

    def start(self) -> GovukPayStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = stub.handle(self.command, self.path, self.headers, body)
                stub.requests.append((self.command, urlsplit(self.path).path, status))
                self.send_response(status)
                if status == 303:
                    self.send_header("Location", answer)
                    payload = b""
                elif isinstance(answer, str):
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    payload = answer.encode()
                else:
                    self.send_header("Content-Type", "application/json")
                    payload = b"" if answer is None else json.dumps(answer).encode()
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> GovukPayStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _state(status: str, code: str = "", message: str = "") -> dict[str, Any]:
    state: dict[str, Any] = {"status": status, "finished": status not in UNFINISHED}
    if code:
        state["code"], state["message"] = code, message
    return state
