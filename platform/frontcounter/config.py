"""Configuration read from the environment, with embedded defaults that need no outside service."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_dir() -> Path:
    return Path(os.environ.get("FRONTCOUNTER_INSTANCE", PROJECT_ROOT / "instance"))


def _secret_key(instance: Path) -> str:
    """Return SECRET_KEY from the environment, or a per-install random key kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment() -> dict:
    """Build the Flask config mapping from environment variables."""
    instance = _instance_dir()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'frontcounter.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    production = os.environ.get("FRONTCOUNTER_ENV", "development") == "production"
    return {
        # Links in emails sent from jobs (outside a request) start with PUBLIC_BASE_URL.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance),
        "INSTANCE_DIR": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "TENANTS_DIR": os.environ.get("TENANTS_DIR", str(PROJECT_ROOT / "tenants")),
        "ASSETS_DIR": os.environ.get(
            "ASSETS_DIR", str(PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets")
        ),
        "GOVUK_FRONTEND_DIR": os.environ.get(
            "GOVUK_FRONTEND_DIR", str(PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk")
        ),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "WTF_CSRF_TIME_LIMIT": None,
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance / "uploads")),
        # Outbound integration (docs/webhooks.md): the key that encrypts endpoint secrets, retries, switch-off.
        "WEBHOOK_SECRETS_KEY": os.environ.get("WEBHOOK_SECRETS_KEY", ""),
        "WEBHOOK_RETRY_BASE_SECONDS": int(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", 30)),
        "WEBHOOK_RETRY_MAX_SECONDS": int(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)),
        "WEBHOOK_MAX_ATTEMPTS": int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", 10)),
        "WEBHOOK_DISABLE_AFTER": int(os.environ.get("WEBHOOK_DISABLE_AFTER", 50)),
        "WEBHOOK_TIMEOUT_SECONDS": int(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", 10)),
        "RECORDS_DROP_DIR": os.environ.get("RECORDS_DROP_DIR", str(instance / "records-drop")),
        "DOCUMENT_STORAGE": os.environ.get("DOCUMENT_STORAGE", ""),
        "DOCUMENT_MAX_BYTES": int(os.environ.get("DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)),
        "DOCUMENT_MAX_PIXELS": int(os.environ.get("DOCUMENT_MAX_PIXELS", 20_000_000)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        # Behind a reverse proxy, how many proxies to trust for the client address (X-Forwarded-For).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        "SIGN_IN_MAX_FAILURES": int(os.environ.get("SIGN_IN_MAX_FAILURES", 5)),
        "SIGN_IN_WINDOW_SECONDS": int(os.environ.get("SIGN_IN_WINDOW_SECONDS", 900)),
        # Staff and platform admin sessions end after this long without a request.
        "STAFF_IDLE_TIMEOUT_SECONDS": int(os.environ.get("STAFF_IDLE_TIMEOUT_SECONDS", 30 * 60)),
        "DEMO_MODE": _bool("FRONTCOUNTER_DEMO", False),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", 25)),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "frontcounter <no-reply@frontcounter.localhost>"),
        "NOTIFY_API_KEY": os.environ.get("NOTIFY_API_KEY", ""),
        "NOTIFY_EMAIL_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", ""),
        "NOTIFY_BASE_URL": os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        "NOTIFY_CALLBACK_TOKEN": os.environ.get("NOTIFY_CALLBACK_TOKEN", ""),
        "PAYMENTS_SANDBOX": _bool("PAYMENTS_SANDBOX", not production),
        "JOINING_FEE_PENCE": int(os.environ.get("JOINING_FEE_PENCE", 0)),
        "VAT_PERCENT": int(os.environ.get("VAT_PERCENT", 20)),
        # Payment providers' secrets, each also per force with a _<SLUG> suffix (see payments/settings.py).
        **{k: v for k, v in os.environ.items() if k.startswith(("STRIPE_", "GOVUK_PAY_"))},
        "PAYMENT_EXPIRY_MINUTES": int(os.environ.get("PAYMENT_EXPIRY_MINUTES", 90)),
        "MAILBOX_PAGE": _bool("MAILBOX_PAGE", not production),
        # Operations: logs, metrics, error reports, rate limits, object storage (docs/operating.md).
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json" if production else ""),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "ACCESS_LOG": _bool("ACCESS_LOG", production),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        "SENTRY_DSN": os.environ.get("SENTRY_DSN", ""),
        "SENTRY_ENVIRONMENT": os.environ.get("SENTRY_ENVIRONMENT", "production" if production else "development"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Background work: how often the sweeper's outbox relay runs, and how long a dispatched job may run
        # before the relay takes it for lost (its worker died, or Redis lost it) and dispatches it again.
        "OUTBOX_RELAY_SECONDS": int(os.environ.get("OUTBOX_RELAY_SECONDS", 30)),
        "OUTBOX_RELAY_GRACE_SECONDS": int(os.environ.get("OUTBOX_RELAY_GRACE_SECONDS", 60)),
        # Public pages kept whole for visitors with nothing of their own (web/pagecache.py); 0 switches it off.
        "PAGE_CACHE_SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", 60)),
        # Hear settings changes by PostgreSQL LISTEN/NOTIFY, so cached pages need no query (tenancy/watch.py);
        # unset: on in production on PostgreSQL.
        "SETTINGS_NOTIFY": _bool("SETTINGS_NOTIFY") if os.environ.get("SETTINGS_NOTIFY") else None,
        **{k: v for k, v in os.environ.items() if k.startswith("RATE_LIMIT_")},
        "HSTS": _bool("HSTS", production),
        **{k: v for k, v in os.environ.items() if k.startswith("S3_")},
        "API_TITLE": "frontcounter API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
