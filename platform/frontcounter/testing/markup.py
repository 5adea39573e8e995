"""Catch template markup that reached a page as text (`Amount &lt;span id="amount"&gt;`): every HTML page
any test reaches, through the test client or a live server, is checked after the response is made."""

from __future__ import annotations

import re

from flask import Flask, Response, request

ESCAPED_MARKUP = re.compile(r"&lt;/?(?:span|strong|a|p|div|br|em|ul|ol|li|code|h[1-6]|table|td|tr)(?:\s|/|&gt;)")
FOUND: list[str] = []


def install(app: Flask) -> None:
    """Record each HTML response whose body holds escaped markup."""

    @app.after_request
    def _look_for_escaped_markup(response: Response) -> Response:
        if response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed:
            return response
        body = response.get_data(as_text=True)
        match = ESCAPED_MARKUP.search(body)
        if match:
            FOUND.append(f"{request.method} {request.path}: …{body[max(0, match.start() - 80):match.end() + 80]}…")
        return response


def escaped_markup_in(text: str) -> str | None:
    """The first escaped tag in `text`, or None."""
    match = ESCAPED_MARKUP.search(text)
    return match.group(0) if match else None
