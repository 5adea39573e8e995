"""A local SMTP server for tests (aiosmtpd on 127.0.0.1, a free port) that keeps what it receives."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Collector:
    def __init__(self, server: LocalSmtpServer) -> None:
        self.server = server

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's name
        self, smtp: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        hold = self.server._holds.pop(address.lower(), None)
        if hold is not None:  # keep the sender waiting for the reply, as a slow mail server would
            hold.peer = session.peer
            hold.held.set()
            while not hold.release.is_set():
                await asyncio.sleep(0.02)
            if session.peer is None or smtp.transport is None or smtp.transport.is_closing():
                return "421 Sender went away"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's name
        parsed = email.message_from_bytes(envelope.original_content or b"", policy=default_policy)
        self.server.received.append(parsed)  # type: ignore[arg-type]
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@dataclass
class Hold:
    """A reply being held: `held` is set once a sender (at `peer`) waits; set `release` to answer it."""

    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    peer: Any = None


class LocalSmtpServer:
    """Start with start(); stop() and start() again keep the same port, as a restarted mail server would."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str | None, list[str]]] = []
        self._controller: Controller | None = None
        self._holds: dict[str, Hold] = {}

    def start(self) -> LocalSmtpServer:
        """Listen on 127.0.0.1:port."""
        if self._controller is None:
            self._controller = Controller(_Collector(self), hostname=self.host, port=self.port)
            self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening (connections are refused until start())."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def hold_next(self, address: str) -> Hold:
        """Hold the reply to the next RCPT TO `address` until the returned Hold's `release` is set."""
        hold = Hold()
        self._holds[address.lower()] = hold
        return hold

    def config(self) -> dict[str, Any]:
        """The app settings that send email here."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": self.port, "SMTP_STARTTLS": False}

    def __enter__(self) -> LocalSmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
