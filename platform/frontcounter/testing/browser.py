"""Journeys in real headless Chromium (Debian's chromium, driven by playwright) against a live server, with
axe-core checking every page the browser loads against WCAG 2.2 AA."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def _axe_path() -> Path:
    """axe-core's script: AXE_CORE_PATH, else node_modules/axe-core in the folder the tests run from or the project."""
    if os.environ.get("AXE_CORE_PATH"):
        return Path(os.environ["AXE_CORE_PATH"])
    for root in (Path.cwd(), Path(__file__).resolve().parents[3]):
        candidate = root / "node_modules" / "axe-core" / "axe.min.js"
        if candidate.exists():
            return candidate
    return Path.cwd() / "node_modules" / "axe-core" / "axe.min.js"


AXE_PATH = _axe_path()
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Page methods after which, when a page has loaded since the last check, axe runs first.
_CHECKED_CALLS = (
    "goto", "get_by_role", "get_by_label", "get_by_text", "get_by_placeholder", "get_by_test_id", "locator",
    "content", "inner_text", "text_content", "title", "screenshot", "reload", "go_back", "set_viewport_size",
    "keyboard", "evaluate", "fill", "click", "check", "select_option", "set_input_files", "wait_for_url",
)


class AccessibilityViolation(AssertionError):
    """axe-core found WCAG 2.2 AA violations on a page."""


def _axe_source() -> str:
    if not AXE_PATH.exists():
        raise RuntimeError("axe-core is missing: run `npm ci` (make setup does)")
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (the local node_modules copy, evaluated in the page) on the page; return WCAG 2.2 AA violations."""
    page.wait_for_load_state("load")
    evaluate = getattr(page, "_fc_evaluate", page.evaluate)
    if not evaluate("() => typeof window.axe !== 'undefined'"):
        evaluate(_axe_source())
    script = "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags}})"
    result = evaluate(script, WCAG_22_AA)
    return list(result["violations"])


def assert_accessible(page: Any) -> None:
    """Fail with a readable list when axe-core finds any WCAG 2.2 AA violation on the page as it is now."""
    violations = axe_violations(page)
    if violations:
        lines = [f"{page.url}:"]
        for v in violations:
            targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({targets})")
        raise AccessibilityViolation("\n".join(lines))


def check_every_page(page: Any) -> Any:
    """Make `page` run assert_accessible on each page it loads, before the test next uses the page.

    A load sets a flag; the next call of a page method the tests use (finding elements, reading, going
    elsewhere) runs axe on the loaded page first. `finish(page)` checks the last page.
    """
    state = {"pending": False, "checking": False}
    page.on("load", lambda _page: state.update(pending=True))
    page._fc_evaluate = page.evaluate

    def wrap(method: Any) -> Any:
        @functools.wraps(method)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if state["pending"] and not state["checking"]:
                state.update(pending=False, checking=True)
                try:
                    _check_settled(page)
                finally:
                    state["checking"] = False
            return method(*args, **kwargs)

        return checked

    for name in _CHECKED_CALLS:
        if name in ("keyboard",):
            continue
        setattr(page, name, wrap(getattr(page, name)))
    page._fc_finish = lambda: state["pending"] and _check_settled(page)
    return page


def _check_settled(page: Any) -> None:
    from playwright.sync_api import Error

    for _attempt in range(3):
        try:
            assert_accessible(page)
            return
        except Error:  # the page navigated while axe ran: check the page it settled on
            page.wait_for_load_state("load")
    assert_accessible(page)


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
def chromium_page(base_url: str, *, check_accessibility: bool = True) -> Iterator[Any]:
    """Yield a playwright Page in headless Chromium whose relative URLs start at `base_url`.

    Every page it loads is checked with axe-core (WCAG 2.2 AA) before the test next uses it, and the
    last one when the test ends; a violation fails the test.
    """
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.set_default_timeout(15000)
            if check_accessibility:
                check_every_page(page)
            yield page
            if check_accessibility:
                page._fc_finish()
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
