"""Email transports: the local mailbox (development default) and SMTP."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage as MimeMessage
from typing import Protocol

from flask import current_app

from frontcounter.notifications.models import EmailMessage


class Transport(Protocol):
    """Delivers one recorded EmailMessage; returns the new status or raises."""

    name: str

    def deliver(self, message: EmailMessage) -> str: ...


class MailboxTransport:
    """Keeps the email in the database only; the local mailbox page shows it."""

    name = "mailbox"

    def deliver(self, message: EmailMessage) -> str:
        """Nothing leaves the machine: the stored row is the delivery."""
        return "delivered"


class SmtpTransport:
    """Sends through an SMTP server (SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS)."""

    name = "smtp"

    def __init__(
        self, host: str, port: int, username: str = "", password: str = "", starttls: bool = False, sender: str = ""
    ) -> None:
        self.host, self.port, self.username, self.password = host, port, username, password
        self.starttls, self.sender = starttls, sender

    def deliver(self, message: EmailMessage) -> str:
        """Send a multipart email (plain text and HTML) over SMTP."""
        mime = MimeMessage()
        mime["From"] = self.sender
        mime["To"] = message.to
        mime["Subject"] = message.subject
        mime.set_content(message.text_body)
        if message.html_body:
            mime.add_alternative(message.html_body, subtype="html")
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(mime)
        return "sent"


def configured_transport() -> Transport:
    """Return the transport the environment asks for (SMTP_HOST set -> SMTP, else mailbox)."""
    cfg = current_app.config
    if cfg.get("SMTP_HOST"):
        return SmtpTransport(
            cfg["SMTP_HOST"],
            int(cfg.get("SMTP_PORT", 25)),
            cfg.get("SMTP_USERNAME", ""),
            cfg.get("SMTP_PASSWORD", ""),
            bool(cfg.get("SMTP_STARTTLS")),
            cfg.get("MAIL_FROM", ""),
        )
    return MailboxTransport()
