"""Notifications: emails rendered from templates, recorded, and sent through a transport."""

from frontcounter.notifications.send import send_email

__all__ = ["send_email"]
