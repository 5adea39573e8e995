"""P1: public pages under gunicorn on PostgreSQL, against the floor (bare Flask returning the same HTML).

Run: .venv/bin/python bench/public_pages.py [--rounds 3] [--seconds 8] [--connections 8]

Builds a fresh database (migrations, tenants files, demo seed), starts the product and the floor app
(bench/floor_app.py) under the same gunicorn settings, captures each page's HTML from the product for
the floor to return, then measures product and floor one after the other for every page in each round
(the order swapping each round) and prints the median throughput of each and the ratio product/floor.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


def tracking_path(env: dict[str, str], force: str = "dorset") -> str:
    """The tracking page of one of `force`'s demo cases, with the link the applicant was emailed."""
    app = harness.app_in_process(env)
    from frontcounter.cases.models import Case
    from frontcounter.cases.tracking import tracking_token
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context
    from frontcounter.tenancy.models import Tenant

    with app.app_context(), app.test_request_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug=force))
        with tenant_context(tenant):
            query = db.select(Case).where(Case.service_key == "firearms", Case.state == "submitted")
            case = db.session.scalar(query.order_by(Case.id))
            return f"/{force}/track/{case.reference}?token={tracking_token(case)}"


def capture(base: str, paths: dict[str, str]) -> dict[str, str]:
    """Each page's HTML as the product serves it (checked to be a 200)."""
    pages = {}
    for path in paths.values():
        with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
            assert response.status == 200, (path, response.status)
            pages[path] = response.read().decode("utf-8")
    return pages


def main() -> None:
    """Measure P1 and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: the settings file's)")
    parser.add_argument("--database", default="fcbench_p1")
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    harness.require_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="fc-p1-"))
    env = harness.fresh_database(args.database, tmp / "instance")
    paths = {
        "national page": "/",
        "force page": "/dorset/",
        "service start (speed awareness)": "/dorset/speed_awareness/",
        "tracking page": tracking_path(env),
    }
    if args.only:
        paths = {k: v for k, v in paths.items() if k in args.only.split(",")}
    with harness.gunicorn("product", "frontcounter:create_app()", env, args.workers) as product:
        pages = capture(product.base, paths)
        (tmp / "pages.json").write_text(json.dumps(pages))
        floor_env = {**env, "FLOOR_PAGES": str(tmp / "pages.json")}
        with harness.gunicorn("floor", "floor_app:app", floor_env, args.workers) as floor:
            results = run(product, floor, paths, args)
    print(f"\nP1 public pages, {args.rounds} rounds x {args.seconds}s, {args.connections} connections; "
          f"load average after: {harness.load_average()}")
    print("| Page | product req/s | floor req/s | ratio (median of rounds) | product p99 ms | floor p99 ms |")
    print("|---|---|---|---|---|---|")
    for name, (prod, flo, ratios) in results.items():
        print(f"| {name} | {harness.median([r.rps for r in prod]):.0f} | {harness.median([r.rps for r in flo]):.0f} "
              f"| {harness.median(ratios):.2f}x | {harness.median([r.p99 for r in prod]):.0f} "
              f"| {harness.median([r.p99 for r in flo]):.0f} |")


def run(product: harness.Server, floor: harness.Server, paths: dict[str, str], args: argparse.Namespace) -> dict:
    """Alternate product and floor runs for every page; return the runs and per-round ratios by page."""
    results: dict[str, tuple[list, list, list]] = {name: ([], [], []) for name in paths}
    for path in paths.values():
        harness.warm(product.base + path)
        harness.warm(floor.base + path)
    for round_number in range(args.rounds):
        for name, path in paths.items():
            order = [("product", product), ("floor", floor)]
            if round_number % 2:
                order.reverse()
            got = {}
            for label, server in order:
                got[label] = harness.wrk(server.base + path, seconds=args.seconds, connections=args.connections)
                print(f"round {round_number + 1} {name:32} {label:7} {got[label].row()}  load {harness.load_average()}",
                      flush=True)
            prod, flo, ratios = results[name]
            prod.append(got["product"])
            flo.append(got["floor"])
            ratios.append(got["product"].rps / got["floor"].rps)
    return results


if __name__ == "__main__":
    main()
