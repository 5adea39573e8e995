"""`frontcounter new-plugin` writes a package a developer can install and test (the full run, installed and
tested on PostgreSQL, is tools/check-new-plugin.sh in `make test`)."""

from __future__ import annotations

import ast

import pytest
from click.testing import CliRunner
from frontcounter.cli import command_line
from frontcounter.scaffold import ScaffoldError, plugin_names, write_plugin


def test_names_follow_from_the_service_key():
    names = plugin_names("Noise-Nuisance")
    assert (names["key"], names["dist"], names["cls"], names["code"]) == (
        "noise_nuisance", "noise-nuisance", "NoiseNuisance", "NN")


@pytest.mark.parametrize("bad", ["", "x", "9lives", "class", "has space!", "a__b", "n" * 50])
def test_unusable_names_are_refused_with_a_reason(bad):
    with pytest.raises(ScaffoldError, match="not a usable name"):
        plugin_names(bad)


def test_the_package_has_every_piece_and_valid_python(tmp_path):
    target = write_plugin("lost_dogs", tmp_path)
    package = target / "src" / "frontcounter_lost_dogs"
    pieces = ("hooks.py", "workflow.py", "settings.py", "models.py", "views.py", "records.py", "schemas.py",
              "migrations/0001_lost_dogs.py", "templates/lost_dogs/start.html", "templates/lost_dogs/staff_list.html")
    for name in pieces:
        assert (package / name).is_file(), name
    for name in ("pyproject.toml", "babel.cfg", "README.md", "tests/conftest.py", "tests/test_service.py"):
        assert (target / name).is_file(), name
    for path in target.rglob("*.py"):
        ast.parse(path.read_text(), str(path))  # no placeholder left half-substituted
    assert "$" not in "".join(p.read_text() for p in target.rglob("*") if p.is_file())
    migration = (package / "migrations" / "0001_lost_dogs.py").read_text()
    assert 'depends_on = "core"' in migration and 'branch_labels = ("lost_dogs",)' in migration
    assert 'lost_dogs = "frontcounter_lost_dogs.hooks"' in (target / "pyproject.toml").read_text()
    hooks = (package / "hooks.py").read_text()
    for hook in ("register_services", "migration_dirs", "person_data", "erase_person", "retention_policies"):
        assert f"def {hook}(" in hooks


def test_the_command_writes_the_package_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    first = runner.invoke(command_line(), ["new-plugin", "lost_dogs", "--dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert "frontcounter-lost-dogs" in first.output
    again = runner.invoke(command_line(), ["new-plugin", "lost_dogs", "--dir", str(tmp_path)])
    assert again.exit_code != 0 and "already exists" in again.output
