"""Refused: the one shape of "this may not happen now" that every primitive raises."""

from __future__ import annotations


class Refused(Exception):
    """An action that may not happen now; `message` is safe to show a person, `code` is for programs and the API."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
