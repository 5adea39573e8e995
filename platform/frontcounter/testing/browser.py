"""Journeys in real headless Chromium (Debian's chromium, driven by playwright) against a live server."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    """Return Debian's chromium binary (CHROMIUM_PATH overrides); make test installs the package."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        raise RuntimeError("Chromium is missing: `apt-get install chromium` (make test installs it)")
    return path


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 on a free port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def chromium_page(base_url: str) -> Iterator[object]:
    """Yield a playwright Page in headless Chromium whose relative URLs start at `base_url`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.set_default_timeout(15000)
            yield page
        finally:
            browser.close()


def staff_sign_in_page(page: object, force_slug: str, email: str, password: str) -> None:
    """Sign a member of staff in on the real pages: password, then enrol the authenticator from the shown key."""
    import pyotp

    page.goto(f"/{force_slug}/staff/sign-in")  # type: ignore[attr-defined]
    page.locator("input[name=email]").fill(email)  # type: ignore[attr-defined]
    page.locator("input[name=password]").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.get_by_text("I cannot scan the QR code").click()  # type: ignore[attr-defined]
    secret = page.locator("#totp-secret").inner_text().strip()  # type: ignore[attr-defined]
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())  # type: ignore[attr-defined]
    page.locator("form button, form input[type=submit]").last.click()  # type: ignore[attr-defined]
    page.wait_for_url(f"**/{force_slug}/staff/**")  # type: ignore[attr-defined]
