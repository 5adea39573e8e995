"""Benchmark: staff work queue, case page and back-office API at several sizes of a force's history, side by side.

Run: .venv/bin/python bench/queue_pages.py --sizes 10000,1000000 \
         --database-url postgresql+psycopg://postgres@127.0.0.1:5432/fcbench
For each size it builds its own database (named <database>_<size>; a SQLite file in a temp dir without
--database-url) with the real migrations, two forces with the sample plugin switched on, N cases in force
A and N/4 in force B, most of them closed as in life (1 in 50 open), then times each page through the
Flask test client, alternating between the sizes round by round so machine load falls on all alike. It
prints the median, the SQL statements per request (which must not grow with N) and each size's ratio to
the first size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sample_plugins"))

OPEN_EVERY = 50  # 2% of cases are open work; the rest are closed
OPEN_STATES = ("submitted", "checking", "awaiting_payment")
CLOSED_STATES = ("issued", "refused", "lapsed", "withdrawn")

# One INSERT ... SELECT over generate_series: a million cases load in well under a minute.
PG_LOAD = f"""
INSERT INTO "case" (tenant_id, reference, service_key, state, applicant_email, applicant_name, data, language,
                    deadline_at, created_at, updated_at, closed_at, version)
SELECT :tenant_id,
       :code || '-SM-26-' || lpad(i::text, 7, '0'),
       'sample',
       CASE WHEN i % {OPEN_EVERY} = 0
            THEN (ARRAY['submitted','checking','awaiting_payment'])[(i / {OPEN_EVERY}) % 3 + 1]
            ELSE (ARRAY['issued','refused','lapsed','withdrawn'])[i % 4 + 1] END,
       'p' || i || '@example.com',
       'Person ' || i,
       '{{}}',
       'en',
       CASE WHEN i % {OPEN_EVERY} = 0 THEN now() + ((i % 97) - 30) * interval '1 hour' END,
       now() - (:count - i) * interval '1 minute',
       now() - (:count - i) * interval '1 minute',
       CASE WHEN i % {OPEN_EVERY} = 0 THEN NULL ELSE now() - (:count - i) * interval '1 minute' END,
       1
FROM generate_series(1, :count) AS i
"""  # noqa: S608 - constants only; values are bound parameters


def _database_url(base: str, size: int, tmp: Path, reuse: bool) -> tuple[str, bool]:
    """The database for one size, made empty (or kept, with --reuse, when it exists); True when it is new."""
    if not base:
        return f"sqlite:///{tmp / f'bench_{size}.db'}", True
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{url.database}_{size}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not (reuse and exists):
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), not (reuse and exists)


def _load(force: Any, count: int) -> None:
    from frontcounter.cases.models import Case
    from frontcounter.extensions import db
    from sqlalchemy import insert, text

    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(PG_LOAD), {"tenant_id": force.id, "code": force.code, "count": count})
        db.session.commit()
        # What autovacuum does to a table in service: statistics and the visibility map (index-only scans).
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text('VACUUM ANALYZE "case"'))
        return
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    for start in range(1, count + 1, 5000):
        rows = []
        for i in range(start, min(start + 5000, count + 1)):
            is_open = i % OPEN_EVERY == 0
            rows.append({
                "tenant_id": force.id, "reference": f"{force.code}-SM-26-{i:07d}", "service_key": "sample",
                "state": OPEN_STATES[(i // OPEN_EVERY) % 3] if is_open else CLOSED_STATES[i % 4],
                "applicant_email": f"p{i}@example.com", "applicant_name": f"Person {i}", "data": {}, "version": 1,
                "deadline_at": now + timedelta(hours=(i % 97) - 30) if is_open else None,
                "closed_at": None if is_open else now - timedelta(minutes=count - i),
            })
        db.session.execute(insert(Case), rows)
    db.session.commit()


class Site:
    """One size: its app, signed-in staff client, API token and statement log."""

    def __init__(self, size: int, url: str, new: bool) -> None:
        from frontcounter import create_app
        from frontcounter.api.tokens import issue_token
        from frontcounter.extensions import db
        from frontcounter.migrations_runner import upgrade
        from frontcounter.tenancy import tenant_context
        from frontcounter.testing import add_staff, make_force, staff_sign_in
        from sqlalchemy import event

        self.size = size
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
        with self.app.app_context():
            upgrade()
            started = time.perf_counter()
            if new:
                alpha = make_force("alpha", "ALP", {"sample": True})
                bravo = make_force("bravo", "BRV", {"sample": True})
                _load(alpha, size)
                _load(bravo, size // 4)
            else:
                from frontcounter.tenancy import Tenant

                alpha = db.session.scalar(db.select(Tenant).where(Tenant.slug == "alpha")).snapshot()
            self.load_seconds = time.perf_counter() - started
            with tenant_context(alpha):
                _row, self.token = issue_token("bench", ["caseworker"], created_by="bench")
                db.session.commit()
            engine = db.engine
        if new:
            add_staff(self.app, alpha, "bench@alpha.example.com", ["caseworker", "supervisor"])
        self.client = self.app.test_client()
        staff_sign_in(self.client, self.app, "alpha", "bench@alpha.example.com")
        self.statements: list[str] = []
        self.slowest: dict[str, float] = {}
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        self.dialect = engine.dialect.name

    def _before(self, *args: Any) -> None:
        self.statements.append(args[2])
        self._started = time.perf_counter()

    def _after(self, *args: Any) -> None:
        elapsed = (time.perf_counter() - self._started) * 1000
        self.sql_ms += elapsed
        self.slowest[args[2]] = max(self.slowest.get(args[2], 0.0), elapsed)

    sql_ms = 0.0

    def time(self, path: str, headers: dict[str, str]) -> tuple[float, int]:
        """Time one GET; return milliseconds and the SQL statements it ran."""
        self.statements.clear()
        self.sql_ms = 0.0
        started = time.perf_counter()
        response = self.client.get(path, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        return elapsed, len(self.statements), self.sql_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,1000000", help="cases in force A, comma-separated")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; one database per size is made from it")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--slowest", action="store_true", help="print each size's slowest SQL statements")
    parser.add_argument("--reuse", action="store_true", help="keep databases a previous run built (PostgreSQL)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fc-bench-"))
    os.environ.setdefault("FRONTCOUNTER_INSTANCE", str(tmp / "instance"))
    sizes = [int(s) for s in args.sizes.split(",")]
    sites = [Site(size, *_database_url(args.database_url, size, tmp, args.reuse)) for size in sizes]
    for site in sites:
        print(f"backend={site.dialect} cases={site.size}+{site.size // 4} load={site.load_seconds:.1f}s")
    pages = {
        "queue page 1 (open work)": ("/alpha/staff/work/sample/", False),
        "queue page 1, state=all": ("/alpha/staff/work/sample/?state=all", False),
        "queue page 20, state=checking": ("/alpha/staff/work/sample/?state=checking&page=20", False),
        "case page": ("/alpha/staff/work/case/ALP-SM-26-0000500", False),
        "API cases page 1": ("/api/v1/cases?page=1&page_size=50", True),
        "API cases page 100": ("/api/v1/cases?page=100&page_size=50", True),
    }
    print(f"load average before timing: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, (path, is_api) in pages.items():
        times: dict[int, list[float]] = {site.size: [] for site in sites}
        sql: dict[int, list[float]] = {site.size: [] for site in sites}
        counts: dict[int, int] = {site.size: 0 for site in sites}
        for site in sites:  # warm up each site's caches and connection pool
            site.time(path, {"Authorization": f"Bearer {site.token}"} if is_api else {})
        for _ in range(args.repeat):
            for site in sites:
                ms, n, sql_ms = site.time(path, {"Authorization": f"Bearer {site.token}"} if is_api else {})
                times[site.size].append(ms)
                sql[site.size].append(sql_ms)
                counts[site.size] = max(counts[site.size], n)
        base = statistics.median(times[sites[0].size])
        cells = []
        for site in sites:
            median = statistics.median(times[site.size])
            cells.append(f"{site.size:>8}: {median:6.1f} ms ({median / base:4.2f}x, {counts[site.size]} SQL "
                         f"{statistics.median(sql[site.size]):5.1f} ms)")
        print(f"{name:32s} " + "  ".join(cells))
    if args.slowest:
        for site in sites:
            worst = sorted(site.slowest.items(), key=lambda item: -item[1])[:5]
            for statement, ms in worst:
                print(f"{site.size:>8} slowest {ms:6.1f} ms: {' '.join(statement.split())[:160]}")
    print(f"load average after timing: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
