"""Benchmark: staff work queue, tracking page and back-office API with many cases in one force.

Run: .venv/bin/python bench/queue_pages.py [--cases 20000] [--database-url URL]
Builds its own database (SQLite file in a temp dir unless --database-url), two forces with the
sample plugin switched on, N cases in force A and N/4 in force B, then times each page over
repeated requests through the Flask test client and reports the median and the number of SQL
statements per request (which must not grow with N).
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fc-bench-"))
    os.environ.setdefault("FRONTCOUNTER_INSTANCE", str(tmp / "instance"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"

    from frontcounter import create_app
    from frontcounter.api.tokens import issue_token
    from frontcounter.cases.models import Case
    from frontcounter.extensions import db
    from frontcounter.migrations_runner import upgrade
    from frontcounter.tenancy import tenant_context
    from sqlalchemy import event, insert

    from tests.conftest import add_staff, make_force, staff_sign_in

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        alpha = make_force("alpha", "ALP", {"sample": True})
        bravo = make_force("bravo", "BRV", {"sample": True})
        started = time.perf_counter()
        for force, count in ((alpha, args.cases), (bravo, args.cases // 4)):
            rows = [
                {
                    "tenant_id": force.id,
                    "reference": f"{force.code}-SM-26-{i:06d}",
                    "service_key": "sample",
                    "state": ("submitted", "checking", "awaiting_payment")[i % 3],
                    "applicant_email": f"p{i}@example.com",
                    "applicant_name": f"Person {i}",
                    "data": {},
                    "version": 1,
                }
                for i in range(1, count + 1)
            ]
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(Case), rows[start : start + 5000])
            db.session.commit()
        load_seconds = time.perf_counter() - started
        with tenant_context(alpha):
            _row, token = issue_token("bench", ["caseworker"], created_by="bench")
            db.session.commit()
        engine = db.engine
    add_staff(app, alpha, "bench@alpha.example.com", ["caseworker", "supervisor"])
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "bench@alpha.example.com")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    pages = {
        "queue page 1": ("/alpha/staff/work/sample/", {}),
        "queue page 200, state filter": ("/alpha/staff/work/sample/?state=checking&page=200", {}),
        "case page": ("/alpha/staff/work/case/ALP-SM-26-000500", {}),
        "API cases list": ("/api/v1/cases?page=100&page_size=50", {"Authorization": f"Bearer {token}"}),
    }
    print(f"backend={engine.dialect.name} cases={args.cases}+{args.cases // 4} load={load_seconds:.1f}s")
    for name, (path, headers) in pages.items():
        times, counts = [], []
        for _ in range(args.repeat):
            statements.clear()
            t0 = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - t0) * 1000)
            counts.append(len(statements))
            assert response.status_code == 200, (path, response.status_code)
        p90 = sorted(times)[int(len(times) * 0.9) - 1]
        print(f"{name:32s} median {statistics.median(times):7.1f} ms  p90 {p90:7.1f} ms  SQL statements {max(counts)}")


if __name__ == "__main__":
    main()
