"""Browser helpers: moved to the SDK (`frontcounter.testing.browser`)."""

from frontcounter.testing.browser import (
    CHROMIUM_ARGS,
    AccessibilityViolation,
    assert_accessible,
    axe_violations,
    check_every_page,
    chromium_page,
    chromium_path,
    live_server,
    staff_sign_in_page,
)

__all__ = [
    "CHROMIUM_ARGS",
    "AccessibilityViolation",
    "assert_accessible",
    "axe_violations",
    "check_every_page",
    "chromium_page",
    "chromium_path",
    "live_server",
    "staff_sign_in_page",
]
