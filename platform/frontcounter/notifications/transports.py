"""Email transports: the local mailbox (development default), SMTP and GOV.UK Notify."""

from __future__ import annotations

import smtplib
import ssl
import threading
from email.utils import make_msgid, parseaddr
from typing import Any, Protocol

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from frontcounter.notifications.mime import build
from frontcounter.notifications.models import EmailMessage
from frontcounter.notifications.settings import NOTIFY_API_URL, setting


class PermanentFailure(Exception):
    """The provider refused the email for good (no such address, invalid request): do not retry."""


class Transport(Protocol):
    """Delivers one recorded EmailMessage: returns its new status, or raises (PermanentFailure: don't retry)."""

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

    def message_id(self, message: EmailMessage) -> str:
        """One Message-ID per email, the same on every attempt: a resend after a crash is recognisably the same."""
        domain = self.sender.rpartition("@")[2].strip("> ") or "frontcounter.localhost"
        return f"<{NotifyTransport.reference(message)}@{domain}>" if message.id else make_msgid()

    def mime(self, message: EmailMessage) -> bytes:
        """The email as MIME bytes: plain text, with the HTML part as an alternative."""
        return build(self.sender, message.to, message.subject, self.message_id(message),
                     message.text_body, message.html_body or "")

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=30)
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if self.username:
            smtp.login(self.username, self.password)
        return smtp

    def _send(self, smtp: smtplib.SMTP, message: EmailMessage) -> None:
        smtp.sendmail(parseaddr(self.sender)[1], [message.to], self.mime(message))

    def deliver(self, message: EmailMessage) -> str:
        """Send a multipart email (plain text and HTML) over SMTP; 'sent' once the server accepts it.

        The connection is kept for the next email of this process (thread); one the server has closed
        meanwhile is opened again once (it failed before the server could accept anything).
        """
        key = (self.host, self.port, self.username, self.starttls)
        kept = _kept_connections()
        smtp = kept.pop(key, None)
        try:
            if smtp is not None:
                try:
                    self._send(smtp, message)
                except (smtplib.SMTPServerDisconnected, ConnectionError):
                    _close(smtp)
                    smtp = None
            if smtp is None:
                smtp = self._connect()
                self._send(smtp, message)
        except smtplib.SMTPRecipientsRefused as exc:
            _keep_or_close(kept, key, smtp)
            codes = [code for code, _reply in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"SMTP server refused {message.to}: {exc.recipients}") from exc
            raise
        except BaseException:
            _close(smtp)
            raise
        _keep_or_close(kept, key, smtp)
        return "sent"


_local = threading.local()


def _kept_connections() -> dict[tuple[str, int, str, bool], smtplib.SMTP]:
    if not hasattr(_local, "connections"):
        _local.connections = {}
    return _local.connections


def _keep_or_close(kept: dict[tuple[str, int, str, bool], smtplib.SMTP], key: tuple[str, int, str, bool],
                   smtp: smtplib.SMTP | None) -> None:
    """Keep a connection for the next email (smtplib has already reset a refused transaction)."""
    if smtp is not None:
        kept[key] = smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def close_kept_connections() -> None:
    """Say goodbye to the SMTP servers this thread kept connections to (a worker's shutdown)."""
    kept = _kept_connections()
    while kept:
        _close(kept.popitem()[1])


class NotifyTransport:
    """Sends through GOV.UK Notify with one generic email template whose subject and body are
    ((subject)) and ((body)); Notify reports the outcome later (callback or poll)."""

    name = "notify"

    def __init__(self, api_key: str, template_id: str, base_url: str = NOTIFY_API_URL) -> None:
        self.api_key, self.template_id, self.base_url = api_key, template_id, base_url

    def client(self) -> NotificationsAPIClient:
        """A Notify API client (not thread-safe: one per use)."""
        return NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=15)

    @staticmethod
    def reference(message: EmailMessage) -> str:
        """Our reference for the email at Notify, unique even if a database is re-created."""
        created = int(message.created_at.timestamp()) if message.created_at else 0
        return f"frontcounter-email-{message.id}-{created}"

    def deliver(self, message: EmailMessage) -> str:
        """Hand the email to Notify (once: a retry first asks Notify whether it already has it)."""
        if not self.template_id:
            raise RuntimeError("NOTIFY_EMAIL_TEMPLATE_ID is not set")
        client = self.client()
        reference = self.reference(message)
        earlier = client.get_all_notifications(template_type="email", reference=reference).get("notifications")
        if earlier:
            message.provider_ref = str(earlier[0]["id"])
            return "sending"
        try:
            response: dict[str, Any] = client.send_email_notification(
                email_address=message.to,
                template_id=self.template_id,
                personalisation={"subject": message.subject, "body": message.text_body},
                reference=reference,
            )
        except APIError as exc:
            if exc.status_code == 400:  # Notify validated and refused it (bad address, team-only key, ...)
                raise PermanentFailure(f"GOV.UK Notify refused it: {exc.message}") from exc
            raise
        message.provider_ref = str(response["id"])
        return "sending"


def notify_transport() -> NotifyTransport | None:
    """The GOV.UK Notify transport when NOTIFY_API_KEY is set, else None."""
    api_key = setting("NOTIFY_API_KEY")
    if not api_key:
        return None
    return NotifyTransport(
        api_key, setting("NOTIFY_EMAIL_TEMPLATE_ID"), setting("NOTIFY_BASE_URL", NOTIFY_API_URL) or NOTIFY_API_URL
    )


def configured_transport() -> Transport:
    """The transport the settings ask for: GOV.UK Notify (NOTIFY_API_KEY), SMTP (SMTP_HOST), else the mailbox."""
    notify = notify_transport()
    if notify is not None:
        return notify
    if setting("SMTP_HOST"):
        return SmtpTransport(
            setting("SMTP_HOST"),
            int(setting("SMTP_PORT", "25") or 25),
            setting("SMTP_USERNAME"),
            setting("SMTP_PASSWORD"),
            setting("SMTP_STARTTLS").lower() in {"1", "true", "yes", "on"},
            setting("MAIL_FROM"),
        )
    return MailboxTransport()
