"""The escaped-markup check: moved to the SDK (`frontcounter.testing.markup`)."""

from frontcounter.testing.markup import ESCAPED_MARKUP, FOUND, escaped_markup_in, install

__all__ = ["ESCAPED_MARKUP", "FOUND", "escaped_markup_in", "install"]
