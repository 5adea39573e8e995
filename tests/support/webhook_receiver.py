"""A force system's webhook receiver for tests: a threaded HTTP server on 127.0.0.1 that checks signatures.

It can be taken down (the port is closed: connection refused) and brought up again on the same port,
or made to answer with an error code, so tests see retries, switch-off and replays against a real socket.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from frontcounter.integrations.webhooks.signing import HEADER, verify


@dataclass
class Received:
    """One request the receiver took: the event, whether its signature checked out, its headers."""

    event: dict[str, Any]
    signed: bool
    headers: dict[str, str] = field(default_factory=dict)


class WebhookReceiver:
    """Start with up(); `url` stays the same across down()/up(); `secret` checks signatures."""

    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.status = 200
        self.received: list[Received] = []
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """Where the force's webhook points."""
        return f"http://127.0.0.1:{self.port}/hooks/frontcounter"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                signed = bool(receiver.secret) and verify(receiver.secret, self.headers.get(HEADER, ""), body)
                status = receiver.status
                if status < 300:
                    with receiver._lock:
                        receiver.received.append(Received(json.loads(body), signed, dict(self.headers.items())))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                return None

        return Handler

    def up(self) -> WebhookReceiver:
        """Listen (on the same port as before, if there was one)."""
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def down(self) -> None:
        """Stop listening: deliveries get connection refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None

    def event_ids(self) -> list[str]:
        """The ids of the events received, in order."""
        return [r.event["id"] for r in self.received]
