"""tenants/ files: the real forces apply idempotently; changes and mistakes are reported clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from frontcounter.cli import cli

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "dorset",
    "hampshire",
    "surrey",
    "west-mercia",
    "wiltshire",
    "staffordshire",
    "humberside",
    "essex",
    "metropolitan",
    "thames-valley",
}


def _apply(app, folder: Path):
    return app.test_cli_runner().invoke(cli, ["tenants", "apply", "--dir", str(folder)])


def test_the_real_tenants_folder_applies_and_a_second_apply_changes_nothing(app):
    first = _apply(app, ROOT / "tenants")
    assert first.exit_code == 0, first.output
    assert "dorset: created" in first.output
    second = _apply(app, ROOT / "tenants")
    assert second.exit_code == 0 and second.output.strip().endswith("No changes.")
    listing = app.test_cli_runner().invoke(cli, ["tenants", "list"]).output
    slugs = {line.split()[0] for line in listing.splitlines()}
    assert REQUIRED <= slugs and len(slugs) >= 10


def test_a_changed_file_is_reported_field_by_field(app, tmp_path):
    shutil.copy(ROOT / "tenants" / "dorset.toml", tmp_path / "dorset.toml")
    _apply(app, tmp_path)
    text = (tmp_path / "dorset.toml").read_text().replace('phone = "101"', 'phone = "01202 222222"')
    (tmp_path / "dorset.toml").write_text(text)
    result = _apply(app, tmp_path)
    assert "dorset: contact" in result.output and "01202 222222" in result.output
    assert "1 change(s)." in result.output


def test_switching_a_service_off_in_the_file_takes_effect(app, client, tmp_path):
    (tmp_path / "kilo.toml").write_text(
        'slug = "kilo"\nname = "Kilo Police"\ncode = "KIL"\n[services.sample]\nenabled = true\n'
    )
    _apply(app, tmp_path)
    assert client.get("/kilo/sample/").status_code == 200
    (tmp_path / "kilo.toml").write_text(
        'slug = "kilo"\nname = "Kilo Police"\ncode = "KIL"\n[services.sample]\nenabled = false\n'
    )
    assert "service sample: enabled True -> False" in _apply(app, tmp_path).output
    assert client.get("/kilo/sample/").status_code == 404


@pytest.mark.parametrize(
    "body, message",
    [
        ('slug = "lima"\nname = "Lima"\ncode = "lim"\n', "code"),
        ('slug = "other"\nname = "Lima Police"\ncode = "LIM"\n', "does not match the file name"),
        ('slug = "lima"\nname = "Lima Police"\ncode = "LIM"\n[branding]\ncolour = "blue"\n', "hex colour"),
        (
            'slug = "lima"\nname = "Lima Police"\ncode = "LIM"\n[services.sample.settings]\nmax_permits = 99\n',
            "max_permits",
        ),
        ('slug = "lima"\nname = \n', "lima.toml"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_nothing_is_applied(app, tmp_path, body, message):
    (tmp_path / "lima.toml").write_text(body)
    result = _apply(app, tmp_path)
    assert result.exit_code != 0
    assert "lima.toml" in result.output or "lima" in result.output
    assert message in result.output
    listing = app.test_cli_runner().invoke(cli, ["tenants", "list"]).output
    assert "lima" not in listing


def test_an_uninstalled_service_is_stored_with_a_warning(app, tmp_path):
    (tmp_path / "mike.toml").write_text(
        'slug = "mike"\nname = "Mike Police"\ncode = "MIK"\n[services.not_installed]\nenabled = true\n'
    )
    result = _apply(app, tmp_path)
    assert result.exit_code == 0
    assert "service 'not_installed' is not installed" in result.output
