"""The plugin system: discovery by entry point, per-tenant hooks, documented hookspecs, a sample service."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from frontcounter.plugins import hookspecs

from tests.conftest import add_staff, make_force, staff_sign_in

ROOT = Path(__file__).resolve().parents[1]
HOOKSPECS = sorted(
    name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(fn, "frontcounter_spec")
)


def test_every_hookspec_is_documented_in_docs():
    documented = set(re.findall(r"^## (\w+)$", (ROOT / "docs" / "plugin-hooks.md").read_text(), re.M))
    missing = [name for name in HOOKSPECS if name not in documented]
    assert HOOKSPECS, "no hookspecs found"
    assert not missing, f"Hooks missing from docs/plugin-hooks.md: {missing}"


def _doc_section(name: str) -> str:
    text = (ROOT / "docs" / "plugin-hooks.md").read_text()
    return text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]


def test_each_hooks_documented_signature_matches_its_hookspec():
    """The docs show each hook's arguments exactly as pluggy will pass them (names matter to pluggy)."""
    wrong = []
    for name in HOOKSPECS:
        params = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        shown = re.search(r"\*\*Signature\.\*\* `(\w+)\(([^)]*)\)`", _doc_section(name))
        if not shown or shown.group(1) != name or shown.group(2) != params:
            wrong.append(f"{name}: docs show {shown.group(0) if shown else 'no signature'}, hookspec is ({params})")
    assert not wrong, "\n".join(wrong)


def test_every_hook_has_a_test_that_names_it():
    """Datasette's rule: each hook is exercised by at least one test (other than these documentation checks)."""
    sources = [
        path.read_text(encoding="utf-8")
        for folder in (ROOT / "tests", *sorted((ROOT / "plugins").glob("*/tests")))
        for path in folder.rglob("*.py")
        if path.name != "test_plugins.py"
    ]
    untested = [name for name in HOOKSPECS if not any(re.search(rf"\b{name}\b", text) for text in sources)]
    assert not untested, f"hooks no test names: {untested}"


def test_every_hookspec_has_a_docstring():
    assert all((getattr(hookspecs, name).__doc__ or "").strip() for name in HOOKSPECS)


def test_bundled_and_third_party_plugins_are_found_through_the_entry_point_group(app):
    registry = app.extensions["frontcounter.plugins"]
    names = {p["name"]: p for p in registry.plugins()}
    for bundled in ("firearms", "speed_awareness", "liquor", "subject_access", "lost_property"):
        assert bundled in names and names[bundled]["services"] == [bundled]
    assert names["sample"]["version"] == "0.3.0"
    assert registry.services["sample"].plugin_name == "sample"


def test_the_sample_service_plugs_in_with_pages_settings_and_migrations(app, client, forces):
    page = client.get("/alpha/").get_data(as_text=True)
    assert "Parking permits" in page and "/alpha/start/sample" in page
    assert "£25.00" in client.get("/alpha/sample/").get_data(as_text=True)
    with app.app_context():
        from frontcounter.extensions import db

        assert "sample_permit" in db.inspect(db.engine).get_table_names()


def test_per_tenant_hooks_skip_plugins_the_force_has_not_switched_on(app, forces):
    from frontcounter_sample import hooks as sample_hooks

    with app.app_context():
        make_force("delta", "DEL", {"sample": False})
    add_staff(app, forces[0], "a@alpha.example.com", ["caseworker"])
    with app.app_context():
        from frontcounter.extensions import db
        from frontcounter.tenancy import Tenant

        delta = db.session.scalar(db.select(Tenant).filter_by(slug="delta"))
        add_staff(app, delta, "d@delta.example.com", ["caseworker"])
    sample_hooks.CALLS.clear()
    alpha_client, delta_client = app.test_client(), app.test_client()
    staff_sign_in(alpha_client, app, "alpha", "a@alpha.example.com")
    staff_sign_in(delta_client, app, "delta", "d@delta.example.com")
    assert "/alpha/staff/sample/" in alpha_client.get("/alpha/staff/").get_data(as_text=True)
    assert "/delta/staff/sample/" not in delta_client.get("/delta/staff/").get_data(as_text=True)
    assert sample_hooks.CALLS == [("staff_dashboard_links", "alpha")]
    assert delta_client.get("/delta/sample/").status_code == 404
    assert delta_client.get("/delta/start/sample").status_code == 404


def test_start_page_offers_guest_continuation_where_the_service_allows(client, forces):
    page = client.get("/alpha/start/sample").get_data(as_text=True)
    assert "Continue without an account" in page
    from tests.conftest import csrf_token

    response = client.post("/alpha/start/sample", data={"how": "guest", "csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/alpha/sample/")
    error = client.post("/alpha/start/sample", data={"csrf_token": csrf_token(page)}).get_data(as_text=True)
    assert "govuk-error-summary" in error and "Select how you want to continue" in error


def test_plugins_list_command_shows_versions_and_forces(app, forces):
    from frontcounter.cli import cli

    result = app.test_cli_runner().invoke(cli, ["plugins", "list"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "sample 0.3.0" in result.output
    assert "sample: enabled by 2 force(s): alpha, bravo" in result.output
    assert "firearms" in result.output


def test_platform_package_names_no_service():
    names = (
        "firearm",
        "shotgun",
        "speed_awareness",
        "speed awareness",
        "liquor",
        "licensing act",
        "subject_access",
        "subject access",
        "lost_property",
        "lost property",
        "ndors",
    )
    offenders = []
    for path in (ROOT / "platform").rglob("*"):
        if path.is_file() and path.suffix in {".py", ".html", ".txt", ".toml", ".cfg", ".md", ".po", ".pot"}:
            text = path.read_text(encoding="utf-8").lower()
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in text]
    assert not offenders, offenders


def test_bundled_plugins_tests_use_the_sdk_not_the_platforms_own_conftest():
    """A plugin's tests take their fixtures from frontcounter.testing (the pytest plugin), as a third party's do.

    Importing fixtures from tests/conftest.py would also make a second session schema that replaces the
    SQLite file under the first one's connections.
    """
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "plugins").glob("*/tests/**/*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*from tests(\.conftest|\.support)? import|\s*import tests\b", line)
        or re.match(r"\s*from tests\.(conftest|support\.(browser|servers|race|markup)) import", line)
    ]
    assert not offenders, offenders
