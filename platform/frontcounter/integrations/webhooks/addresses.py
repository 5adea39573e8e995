"""Which URLs a webhook may be sent to: https anywhere public; plain http only to this machine outside production.

In production every address the host name resolves to must be public (no private, loopback,
link-local, multicast or reserved address), checked when the endpoint is saved and again before
each delivery, so a webhook cannot be pointed at the platform's own network (SSRF).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
MAX_URL_LENGTH = 2000


class UnsafeAddress(ValueError):
    """A webhook URL the platform will not send to; the message says why (for the form)."""


def _production() -> bool:
    return current_app.config.get("ENV_NAME") == "production"


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeAddress(_("The address's host name cannot be found.")) from exc
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, resolve: bool = True) -> str:
    """Return `url` when webhooks may be sent to it, else raise UnsafeAddress with the reason."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeAddress(_("The address must be %(max)s characters or fewer.", max=MAX_URL_LENGTH))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise UnsafeAddress(_("Enter a web address like https://records.example.police.uk/hooks")) from exc
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise UnsafeAddress(_("Enter a web address like https://records.example.police.uk/hooks"))
    if parts.username or parts.password:
        raise UnsafeAddress(_("The address must not contain a user name or password."))
    if parts.scheme == "http" and (_production() or not _is_loopback(host)):
        raise UnsafeAddress(_("The address must start with https://"))
    if _production() and resolve and not all(_is_public(a) for a in _addresses(host)):
        raise UnsafeAddress(_("The address must be on the public internet, not a private or local network."))
    return url
