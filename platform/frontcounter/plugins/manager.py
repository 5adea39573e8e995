"""The plugin manager: finds plugins by entry point and calls hooks per tenant."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pluggy
from flask import current_app

from frontcounter.plugins import hookspecs
from frontcounter.plugins.service import Service

ENTRY_POINT_GROUP = "frontcounter.plugins"
# The core's own hook implementations, registered like any plugin's (and left out of plugins()).
CORE_PLUGINS = {
    "frontcounter.payments": "frontcounter.payments.plugin",
    "frontcounter.integrations": "frontcounter.integrations.plugin",
}


class PluginRegistry:
    """The app's plugins and the services they provide, with hook calls gated per tenant."""

    def __init__(self, extra_plugins: Iterable[Any] = ()) -> None:
        self.pm = pluggy.PluginManager("frontcounter")
        self.pm.add_hookspecs(hookspecs)
        for core_name, module in CORE_PLUGINS.items():
            self.pm.register(importlib.import_module(module), name=core_name)
        self.pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        for plugin in extra_plugins:
            self.pm.register(plugin)
        self.services: dict[str, Service] = {}
        for name, plugin in self.pm.list_name_plugin():
            impl = getattr(plugin, "register_services", None)
            for service in (impl() if impl else None) or []:
                if service.key in self.services:
                    raise ValueError(f"Service key {service.key!r} is provided by two plugins.")
                if any(other.code == service.code for other in self.services.values()):
                    raise ValueError(f"Service code {service.code!r} (used in case references) is taken.")
                service.plugin_name = name
                service.version = service.version or self.plugin_version(name)
                self.services[service.key] = service
        self._service_plugins: dict[str, set[str]] = {}
        for service in self.services.values():
            self._service_plugins.setdefault(service.plugin_name, set()).add(service.key)
        self._payment_providers: dict[str, Any] | None = None

    def payment_providers(self) -> dict[str, Any]:
        """Every payment provider class registered through register_payment_providers, by name."""
        if self._payment_providers is None:
            found: dict[str, Any] = {}
            for group in self.pm.hook.register_payment_providers():
                for provider in group or []:
                    if provider.name in found and found[provider.name] is not provider:
                        raise ValueError(f"Payment provider {provider.name!r} is registered by two plugins.")
                    found[provider.name] = provider
            self._payment_providers = found
        return self._payment_providers

    @property
    def hook(self) -> pluggy.HookRelay:
        """Hooks of every plugin, for platform-wide calls (app set-up, CLI, migrations)."""
        return self.pm.hook

    def plugin_version(self, name: str) -> str:
        """Return the installed version of the distribution that provides plugin `name`."""
        for plugin, dist in self.pm.list_plugin_distinfo():
            if self.pm.get_name(plugin) == name:
                return dist.version
        try:
            return version(name)
        except PackageNotFoundError:
            return ""

    def plugins(self) -> list[dict[str, Any]]:
        """Describe every loaded plugin: name, version, the services it provides."""
        rows = []
        for name, _plugin in sorted(self.pm.list_name_plugin()):
            if name in CORE_PLUGINS:
                continue
            rows.append(
                {
                    "name": name,
                    "version": self.plugin_version(name),
                    "services": sorted(self._service_plugins.get(name, ())),
                }
            )
        return rows

    def translation_dirs(self) -> list[str]:
        """Return each plugin package's translations/ folder that exists (its own gettext catalogue)."""
        dirs = []
        for _name, plugin in self.pm.list_name_plugin():
            module = sys.modules.get(getattr(plugin, "__module__", "") or getattr(plugin, "__name__", ""))
            package = getattr(plugin, "__package__", None) or getattr(module, "__package__", None) or ""
            root = sys.modules.get(package)
            if root is not None and getattr(root, "__file__", None):
                candidate = Path(root.__file__).parent / "translations"
                if candidate.is_dir() and str(candidate) not in dirs:
                    dirs.append(str(candidate))
        return dirs

    def hook_for_service(self, service_key: str, name: str) -> Any:
        """Return a caller for hook `name` that reaches only the plugin providing `service_key`."""
        owner = self.pm.get_plugin(self.services[service_key].plugin_name)
        others = [p for _n, p in self.pm.list_name_plugin() if p is not owner]
        return self.pm.subset_hook_caller(name, remove_plugins=others)

    def for_tenant(self, enabled_keys: Iterable[str]) -> TenantHooks:
        """Return hook callers that skip plugins whose services are all switched off."""
        enabled = set(enabled_keys)
        skip = [self.pm.get_plugin(name) for name, keys in self._service_plugins.items() if not keys & enabled]
        return TenantHooks(self.pm, [p for p in skip if p is not None])


class TenantHooks:
    """Hook callers for one tenant: `hooks.staff_dashboard_links(tenant=...)`."""

    def __init__(self, pm: pluggy.PluginManager, skip: list[Any]) -> None:
        self._pm = pm
        self._skip = skip

    def __getattr__(self, name: str) -> Any:
        if not hasattr(self._pm.hook, name):
            raise AttributeError(name)
        if not self._skip:
            return getattr(self._pm.hook, name)
        return self._pm.subset_hook_caller(name, remove_plugins=self._skip)


def registry() -> PluginRegistry:
    """Return the running app's plugin registry."""
    return current_app.extensions["frontcounter.plugins"]
