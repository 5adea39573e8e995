"""The plugin system: hookspecs, the Service a plugin declares, and the per-tenant plugin manager."""

from frontcounter.plugins.hookspecs import hookimpl
from frontcounter.plugins.service import Service

__all__ = ["Service", "hookimpl"]
