"""The application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from frontcounter import config as config_module
from frontcounter.extensions import api, babel, csrf, db, migrate

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | None = None, *, extra_plugins: list[Any] | None = None) -> Flask:
    """Build the Flask app: configuration, extensions, tenancy, plugins, blueprints."""
    from pathlib import Path

    app = Flask(__name__, instance_path=None, static_folder="static", static_url_path="/static")
    from frontcounter.web import inputs

    inputs.init_app(app)  # converters, request class and input checks, before any route is added
    app.config.update(config_module.from_environment())
    app.config.update(config or {})

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(Path(__file__).parent / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from frontcounter.observability import errors as error_reports
    from frontcounter.observability import logs, requestid

    requestid.init_app(app)  # first, so every later hook and log line has the id
    logs.init_app(app)
    error_reports.init_sentry(app.config.get("SENTRY_DSN", ""), app.config.get("SENTRY_ENVIRONMENT", ""))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)

    from frontcounter.plugins.manager import PluginRegistry

    registry = PluginRegistry(extra_plugins or app.config.get("EXTRA_PLUGINS", ()))
    app.extensions["frontcounter.plugins"] = registry

    from frontcounter.web import i18n

    # The core's catalogue first, then each plugin's own translations/ folder.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        [app.config["BABEL_TRANSLATION_DIRECTORIES"], *registry.translation_dirs()]
    )
    babel.init_app(app, locale_selector=i18n.select_locale)

    from frontcounter.tenancy import resolve
    from frontcounter.tenancy.scoping import install_scoping

    install_scoping()
    from frontcounter.tenancy import cache as tenant_cache

    tenant_cache.install()
    from frontcounter.tenancy import watch as settings_watch

    settings_watch.install(app)
    from frontcounter.cases import changes as case_changes

    case_changes.install()  # every process announces the cases it changes, for pages kept per case
    resolve.init_app(app)

    _register_models()
    from frontcounter import migrations_runner

    migrations_runner.configure(app)
    _register_web(app)
    _register_api(app, registry)
    from frontcounter.web import errors

    errors.init_app(app)  # after the API, whose error handler it wraps
    _register_services(app, registry)
    from frontcounter.web import pagecache

    starts = [s.start_endpoint for s in registry.services.values() if s.start_endpoint]
    pagecache.init_app(app, ["national.landing", "national.accessibility", "force.home", "force.start", *starts])
    from frontcounter.observability import metrics
    from frontcounter.web import ratelimits

    metrics.init_app(app)
    ratelimits.init_app(app)  # last: every route exists, and each is limited by its kind

    from frontcounter.web.hosts import LazyHostMiddleware

    app.wsgi_app = LazyHostMiddleware(app, app.wsgi_app)  # type: ignore[method-assign]
    from frontcounter.web import frontcache

    frontcache.init_app(app)  # kept public pages answered before Flask (outside the host-name rewrite)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _register_models() -> None:
    # Import every core model module so metadata (and migrations) see all tables.
    from frontcounter.accounts import models as _accounts  # noqa: F401
    from frontcounter.api import tokens as _api_tokens  # noqa: F401
    from frontcounter.audit import models as _audit  # noqa: F401
    from frontcounter.billing import models as _billing  # noqa: F401
    from frontcounter.bookings import models as _bookings  # noqa: F401
    from frontcounter.cases import models as _cases  # noqa: F401
    from frontcounter.documents import models as _documents  # noqa: F401
    from frontcounter.figures import models as _figures  # noqa: F401
    from frontcounter.integrations.records import models as _records  # noqa: F401
    from frontcounter.integrations.webhooks import models as _webhooks  # noqa: F401
    from frontcounter.jobs import outbox as _outbox  # noqa: F401
    from frontcounter.notifications import models as _notifications  # noqa: F401
    from frontcounter.payments import models as _payments  # noqa: F401
    from frontcounter.tenancy import models as _tenancy  # noqa: F401


def _register_web(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from frontcounter.accounts import admin_views, audit_views, platform_views, public_views, staff_views
    from frontcounter.api import token_views
    from frontcounter.billing import force_views as billing_force
    from frontcounter.billing import platform_views as billing_platform
    from frontcounter.bookings import views as booking_views
    from frontcounter.cases import public_views as cases_public
    from frontcounter.cases import staff_views as cases_staff
    from frontcounter.documents import views as document_views
    from frontcounter.figures import views as figure_views
    from frontcounter.integrations.webhooks import views as webhook_views
    from frontcounter.notifications import views as notification_views
    from frontcounter.payments import views as payment_views
    from frontcounter.web import assets, dev, force, health, national, security, templating

    WTFormsHelpers(app)
    templating.init_app(app)
    security.init_app(app)
    from frontcounter.web import sessions

    sessions.init_app(app)
    for bp in (
        assets.bp,
        health.bp,
        national.bp,
        public_views.bp,
        platform_views.bp,
        force.bp,
        staff_views.bp,
        admin_views.bp,
        cases_staff.bp,
        cases_public.bp,
        payment_views.bp,
        booking_views.bp,
        document_views.bp,
        audit_views.bp,
        token_views.bp,
        billing_platform.bp,
        billing_force.bp,
        webhook_views.bp,
        notification_views.bp,
        figure_views.bp,
        figure_views.national_bp,
        dev.bp,
    ):
        app.register_blueprint(bp)


def _register_api(app: Flask, registry: Any) -> None:
    from frontcounter.api import backoffice, docs, forces
    from frontcounter.api.problems import ApiErrorSchema
    from frontcounter.api.service_keys import describe_service_keys

    api.ERROR_SCHEMA = ApiErrorSchema  # the documented error body is the one sent, `reason` included
    describe_service_keys(registry)
    api.init_app(app)
    from frontcounter.web.inputs import document_input_limits

    api.ma_plugin.converter.add_attribute_function(document_input_limits)
    api.register_blueprint(forces.blp)
    api.register_blueprint(backoffice.blp)
    from frontcounter.billing import api as billing_api

    api.register_blueprint(billing_api.blp)
    from frontcounter.figures import api as figures_api

    api.register_blueprint(figures_api.blp)
    registry.hook.register_api(api=api)
    app.register_blueprint(docs.bp)


def _gate_public(key: str) -> Any:
    from flask import g, render_template, request

    from frontcounter.tenancy.services import is_enabled, require_enabled, switched_off_service

    if is_enabled(key):
        return None
    service = switched_off_service(key)
    if service is None:
        require_enabled(key)  # never switched on here: not found
    if request.endpoint in service.kept_when_off:
        g.service_switched_off = service  # existing customers keep their links; the banner explains
        return None
    return render_template("errors/service_off.html", service=service), 404


def _register_services(app: Flask, registry: Any) -> None:
    from flask import request

    from frontcounter.accounts.auth import require_staff
    from frontcounter.tenancy.services import require_enabled

    public: dict[str, str] = {}
    staff: dict[str, str] = {}
    for service in registry.services.values():
        if service.public_blueprint is not None:
            app.register_blueprint(service.public_blueprint, url_prefix=f"/<force>/{service.key}")
            public[service.public_blueprint.name] = service.key
        if service.staff_blueprint is not None:
            app.register_blueprint(service.staff_blueprint, url_prefix=f"/<force>/staff/{service.key}")
            staff[service.staff_blueprint.name] = service.key

    @app.before_request
    def _gate_service_pages() -> Any:
        """A service the force has not switched on: 404, or (switched off) its kept pages with an explanation and
        a page saying it is not available online for the rest; staff pages need signed-in staff."""
        name = (request.blueprint or "").split(".")[0]
        if name in public:
            return _gate_public(public[name])
        elif name in staff:
            require_enabled(staff[name])
            return require_staff()
        return None
