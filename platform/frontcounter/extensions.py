"""Flask extension singletons, initialised by the app factory."""

from __future__ import annotations

from flask_babel import Babel
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import SelectPagination
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event, func
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# The largest OFFSET a list asks for: far beyond any real list, and within the 64-bit integers databases
# take, so a wild ?page= is an empty page, not a 500.
MAX_OFFSET = 2**62

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model, core and plugin, with stable constraint names."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantSession(FlaskSQLAlchemySession):
    """The session: Session.get() never hands back another force's row from the identity map."""

    def get(self, entity, ident, **kwargs):  # type: ignore[no-untyped-def, override]
        from frontcounter.tenancy.scoping import check_loaded

        return check_loaded(super().get(entity, ident, **kwargs))


class ScopedSelectPagination(SelectPagination):
    """Pagination whose count selects the entity's key, so tenant scoping applies to it too."""

    def _query_count(self) -> int:
        select = self._query_args["select"]
        entity = select.column_descriptions[0]["entity"]
        mapper = sa_inspect(entity)
        key = getattr(entity, mapper.get_property_by_column(mapper.primary_key[0]).key)
        count = select.with_only_columns(func.count(key)).order_by(None)
        return int(self._query_args["session"].execute(count).scalar() or 0)


class FrontcounterSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy with tenant-safe pagination counts."""

    def paginate(self, select, *, page=None, per_page=None, max_per_page=None, error_out=True, count=True):  # type: ignore[no-untyped-def, override]
        """Paginate a select of one entity; the total is counted inside the current force's scope."""
        return ScopedSelectPagination(select=select, session=self.session(), page=page, per_page=per_page,
                                      max_per_page=max_per_page, error_out=error_out, count=count)


db = FrontcounterSQLAlchemy(model_class=Base, session_options={"class_": TenantSession})
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
api = Api()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # type: ignore[no-untyped-def]
    """SQLite (the embedded default): enforce foreign keys, WAL for a web server and a sweeper side by side."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
