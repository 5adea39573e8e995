"""Benchmark: the figures pages and API with 10,000 and 1,000,000 cases on PostgreSQL.

Run: .venv/bin/python bench/figures.py [--cases 10000 1000000] [--server postgresql+psycopg://postgres@127.0.0.1:5432]
     .venv/bin/python bench/figures.py --cases 1000000 --reuse   # time again the database the last run left
For each size it builds a fresh database (`fcbench_figures`) with the real migrations, two forces with the
sample plugin, N cases in force A and N/10 in force B spread over two years, with three history entries per
case, a payment for four in five and a refund for one payment in twenty, all bulk-inserted with
generate_series. Then it times the full rebuild (`frontcounter figures rebuild`), the sweeper's hourly
refresh, and the force page, the national page and the API through the Flask test client, with the number
of SQL statements per request (which must not grow with N).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sample_plugins"))

CASES_SQL = """
INSERT INTO "case" (tenant_id, reference, service_key, state, applicant_email, applicant_name, data, language,
                    created_at, updated_at, closed_at, deadline_at, deadline_met, channel, version)
SELECT :tenant, :code || '-SM-' || g, 'sample',
       CASE WHEN g % 10 = 0 THEN 'checking' ELSE 'issued' END,
       'p' || g || '@example.com', '', '{}', 'en',
       t.created, t.created,
       CASE WHEN g % 10 = 0 THEN NULL ELSE t.created + ((g % 20) + 1) * interval '1 day' END,
       CASE WHEN g % 10 = 0 THEN t.created + interval '30 days' END,
       CASE WHEN g % 10 = 0 THEN NULL WHEN g % 7 = 0 THEN false ELSE true END,
       (ARRAY['online', 'online', 'staff', 'api'])[1 + g % 4], 1
FROM generate_series(1, :count) AS g,
     LATERAL (SELECT now() - (g % 730) * interval '1 day' - (g % 1440) * interval '1 minute' AS created) AS t
"""
EVENTS_SQL = """
INSERT INTO case_event (tenant_id, case_id, at, actor, transition, from_state, to_state, note, public)
SELECT c.tenant_id, c.id, c.created_at + s.k * interval '1 day' + s.k * (c.id % 600) * interval '1 minute', 'bench',
       s.name, s.source, s.target, '', true
FROM "case" c CROSS JOIN (VALUES (0, 'opened', NULL, 'awaiting_payment'), (1, 'pay', 'awaiting_payment', 'submitted'),
                                 (3, 'start_check', 'submitted', 'checking')) AS s(k, name, source, target)
WHERE c.tenant_id = :tenant
"""
PAYMENTS_SQL = """
INSERT INTO payment (tenant_id, public_id, case_id, provider, purpose, amount_pence, currency, state, description,
                     next_url, failure, refunded_pence, discrepancy, created_at, updated_at)
SELECT c.tenant_id, 'bench' || c.id, c.id, 'sandbox', 'fee', 2500, 'gbp', 'success', 'Fee', '', '',
       CASE WHEN c.id % 20 = 0 THEN 2500 ELSE 0 END, '', c.created_at + interval '5 minutes',
       c.created_at + interval '5 minutes'
FROM "case" c WHERE c.tenant_id = :tenant AND c.id % 5 <> 0
"""
REFUNDS_SQL = """
INSERT INTO refund (tenant_id, payment_id, amount_pence, reason, state, actor, error, created_at, updated_at)
SELECT p.tenant_id, p.id, 2500, 'bench', 'success', 'bench', '', p.created_at + interval '2 days',
       p.created_at + interval '2 days'
FROM payment p WHERE p.tenant_id = :tenant AND p.refunded_pence > 0
"""


def _fresh_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def _timed(client, path: str, headers: dict[str, str], repeat: int, statements: list[str]) -> tuple[float, float, int]:
    times, counts = [], []
    for _ in range(repeat):
        statements.clear()
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        counts.append(len(statements))
        assert response.status_code == 200, (path, response.status_code)
    p90 = sorted(times)[max(int(len(times) * 0.9) - 1, 0)]
    return statistics.median(times), p90, max(counts)


def run(server: str, cases: int, repeat: int, reuse: bool = False) -> None:
    """Build the database for `cases` (or, with `reuse`, time the one the last run left) and print the timings."""
    from frontcounter import create_app
    from frontcounter.accounts.models import AccountKind
    from frontcounter.accounts.service import create_account
    from frontcounter.api.tokens import issue_token
    from frontcounter.extensions import db
    from frontcounter.figures import aggregation
    from frontcounter.migrations_runner import upgrade
    from frontcounter.tenancy import tenant_context
    from sqlalchemy import event, text

    from tests.conftest import PASSWORD, add_staff, csrf_token, make_force, staff_sign_in, totp_code_for

    url = f"{server}/fcbench_figures" if reuse else _fresh_database(server, "fcbench_figures")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True,
                      "RATELIMIT_ENABLED": False})
    suffix = str(int(time.time()))
    with app.app_context():
        upgrade()
        if reuse:
            from frontcounter.tenancy import Tenant

            alpha, bravo = (db.session.scalar(db.select(Tenant).filter_by(slug=slug)).snapshot()
                            for slug in ("alpha", "bravo"))
        else:
            alpha = make_force("alpha", "ALP", {"sample": True})
            bravo = make_force("bravo", "BRV", {"sample": True})
        started = time.perf_counter()
        for force, count in () if reuse else ((alpha, cases), (bravo, cases // 10)):
            for sql in (CASES_SQL, EVENTS_SQL, PAYMENTS_SQL, REFUNDS_SQL):
                db.session.execute(text(sql), {"tenant": force.id, "code": force.code, "count": count})
            db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does in production (index-only scans)
        load = time.perf_counter() - started
        started = time.perf_counter()
        first = aggregation.first_day()
        written = aggregation.rebuild(first, aggregation.uk_today())
        aggregation.mark_rebuilt(aggregation.uk_today())
        db.session.commit()
        full = time.perf_counter() - started
        started = time.perf_counter()
        aggregation.refresh()
        db.session.commit()
        hourly = time.perf_counter() - started
        with tenant_context(alpha):
            _row, token = issue_token("bench", ["supervisor"], created_by="bench")
            db.session.commit()
        create_account(f"root{suffix}@platform.example.com", PASSWORD, "Root", AccountKind.PLATFORM_ADMIN,
                       verified=True)
        db.session.commit()
        engine = db.engine
    add_staff(app, alpha, f"bench{suffix}@alpha.example.com", ["supervisor"])
    staff = app.test_client()
    staff_sign_in(staff, app, "alpha", f"bench{suffix}@alpha.example.com")
    national = app.test_client()
    page = national.get("/platform/sign-in").get_data(as_text=True)
    national.post("/platform/sign-in", data={"email": f"root{suffix}@platform.example.com", "password": PASSWORD,
                                             "csrf_token": csrf_token(page)})
    page = national.get("/platform/two-factor").get_data(as_text=True)
    national.post("/platform/two-factor", data={"code": totp_code_for(app, f"root{suffix}@platform.example.com"),
                                                "csrf_token": csrf_token(page)})
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    bearer = {"Authorization": f"Bearer {token}"}
    print(f"\n== {cases:,} + {cases // 10:,} cases on {engine.dialect.name}: {'vacuum' if reuse else 'bulk load'} "
          f"{load:.1f} s, "
          f"full rebuild {full:.1f} s ({written:,} rows), hourly refresh {hourly:.2f} s")
    for name, client, path, headers in (
        ("force page (12 months)", staff, "/alpha/staff/figures/", {}),
        ("force page, 24 months", staff, "/alpha/staff/figures/?from-month=1&from-year=2025&to-month=12&to-year=2026",
         {}),
        ("force monthly.csv", staff, "/alpha/staff/figures/monthly.csv", {}),
        ("national page", national, "/platform/figures/", {}),
        ("API /figures/monthly", staff, "/api/v1/figures/monthly", bearer),
        ("API /figures/backlog", staff, "/api/v1/figures/backlog", bearer),
        ("API /figures/states", staff, "/api/v1/figures/states", bearer),
    ):
        client.get(path, headers=headers)  # warm: the token's last-used time, caches
        median, p90, count = _timed(client, path, headers, repeat, statements)
        print(f"{name:28s} median {median:7.1f} ms  p90 {p90:7.1f} ms  SQL statements {count}")


def main() -> None:
    """Run the benchmark for each size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="Time the database the last run left (one size).")
    args = parser.parse_args()
    os.environ.setdefault("FRONTCOUNTER_INSTANCE", str(Path(tempfile.mkdtemp(prefix="fc-bench-")) / "instance"))
    for cases in args.cases:
        run(args.server, cases, args.repeat, args.reuse)


if __name__ == "__main__":
    main()
