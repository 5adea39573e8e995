"""Audit: an append-only log of every staff action and state change."""

from frontcounter.audit.log import record

__all__ = ["record"]
