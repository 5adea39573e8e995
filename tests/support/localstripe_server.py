"""localstripe (a fake Stripe API) on 127.0.0.1 for the payments tests, and a catcher for its signed webhooks.

localstripe's own command line binds every interface and pickles its store to /tmp on each write;
this module runs its aiohttp app in a child process bound to loopback only, with the pickling off.
`start_localstripe()` returns a ThrowawayServer (see servers.py) whose url is the API base to
give the stripe SDK; `WebhookCatcher` records each webhook delivery (body and headers, signed by
localstripe with the registered secret) so a test can replay them in any order, any number of times.
"""

from __future__ import annotations

import http.server
import json
import signal
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from frontcounter.testing.servers import (
    _PORT_ATTEMPTS,
    _REGISTRY,
    _REGISTRY_LOCK,
    ThrowawayServer,
    _address_in_use,
    _free_port,
    _spawn,
    _wait_until_ready,
)

# The child process: localstripe's app on 127.0.0.1:<port>, its pickling to /tmp switched off.
_CHILD = """
import sys
from aiohttp import web
from localstripe import resources, server
resources.Store.dump_to_disk = lambda self: None
web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""

__all__ = ["Delivery", "WebhookCatcher", "register_webhook", "start_localstripe"]


def start_localstripe(base_dir: Path) -> ThrowawayServer:
    """Start localstripe on a free port of 127.0.0.1; its url is the API base (http://127.0.0.1:PORT)."""
    work_dir = Path(base_dir) / "localstripe"
    work_dir.mkdir(parents=True, exist_ok=True)
    log_path = work_dir / "localstripe.log"
    server = ThrowawayServer(url="", name="localstripe", log_path=log_path)
    with _REGISTRY_LOCK:
        _REGISTRY.append(server)
    for attempt in range(_PORT_ATTEMPTS):
        port = _free_port()
        server.process = _spawn(
            [sys.executable, "-c", _CHILD, str(port)],
            log_path=log_path,
            cwd=work_dir,
            user=None,
            death_signal=signal.SIGTERM,
        )
        server.url = f"http://127.0.0.1:{port}"

        def probe(url: str = server.url) -> None:
            urllib.request.urlopen(f"{url}/js.stripe.com/v3/", timeout=2).close()

        try:
            _wait_until_ready(server, probe, "localstripe")
            return server
        except RuntimeError:
            if attempt + 1 < _PORT_ATTEMPTS and _address_in_use(log_path):
                continue
            server.stop()
            raise
    raise RuntimeError("localstripe did not start")


def register_webhook(api_base: str, url: str, secret: str, name: str = "frontcounter") -> None:
    """Tell localstripe to deliver every event to `url`, signed with `secret`."""
    body = json.dumps({"url": url, "secret": secret}).encode()
    request = urllib.request.Request(
        f"{api_base}/_config/webhooks/{name}", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=5).close()


@dataclass(frozen=True)
class Delivery:
    """One webhook delivery as localstripe sent it."""

    body: bytes
    headers: dict[str, str]

    @property
    def event(self) -> dict:
        """The decoded event."""
        return json.loads(self.body)


class WebhookCatcher:
    """An HTTP endpoint on 127.0.0.1 that records the webhooks posted to it (and answers 200)."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._lock = threading.Condition()
        catcher = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with catcher._lock:
                    catcher.deliveries.append(Delivery(body, {k: v for k, v in self.headers.items()}))
                    catcher._lock.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(self, event_type: str, object_id: str, timeout: float = 15.0) -> Delivery:
        """Wait for the delivery of `event_type` about the object `object_id` (e.g. a PaymentIntent); return it."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for delivery in self.deliveries:
                    event = delivery.event
                    if event.get("type") == event_type and event["data"]["object"].get("id") == object_id:
                        return delivery
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    got = [d.event.get("type") for d in self.deliveries]
                    raise TimeoutError(f"no {event_type} webhook for {object_id} within {timeout}s (got {got})")
                self._lock.wait(remaining)

    def clear(self) -> None:
        """Forget what was recorded."""
        with self._lock:
            self.deliveries.clear()

    def stop(self) -> None:
        """Stop listening."""
        self._server.shutdown()
        self._server.server_close()
