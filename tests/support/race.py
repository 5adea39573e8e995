"""The race helper: moved to the SDK (`frontcounter.testing.race`)."""

from frontcounter.testing.race import race

__all__ = ["race"]
