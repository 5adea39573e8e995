"""Packaging: the layout the product brief fixes, and no shadowing of the standard library."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(("frontcounter", *p.parent.relative_to(ROOT / "platform" / "frontcounter").parts))
        for p in (ROOT / "platform" / "frontcounter").rglob("__init__.py")
        if "migrations" not in p.parts
    }
    for plugin in (ROOT / "plugins").iterdir():
        if (plugin / "__init__.py").exists():
            on_disk.add(f"frontcounter_{plugin.name}")
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"


def test_bundled_plugins_are_registered_in_the_entry_point_group():
    eps = PYPROJECT["project"]["entry-points"]["frontcounter.plugins"]
    assert set(eps) == {"firearms", "speed_awareness", "liquor", "subject_access", "lost_property"}
    for name, target in eps.items():
        assert target == f"frontcounter_{name}.hooks"


def test_platform_folder_is_not_an_importable_package_and_stdlib_platform_works():
    import platform

    assert not (ROOT / "platform" / "__init__.py").exists()
    assert callable(platform.python_version) and platform.python_version().startswith("3.")
