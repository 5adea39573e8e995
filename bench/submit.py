"""P2: a public submission (validate, insert the report and its outbox rows, redirect) against the floor.

Run: .venv/bin/python bench/submit.py [--rounds 3] [--seconds 8] [--connections 16]

The submission is a lost property report (`POST /dorset/lost_property/lost`, one form, as a guest): the
product validates it, takes the next reference from the force's counter, inserts the report, its audit
event, its email and the email's outbox message, the outbox message of its matching (run after commit by a
worker), commits, hands both to Redis and redirects. The floor (bench/floor_app.py) is bare Flask + SQLAlchemy
Core inserting the same rows (less the matching message) in one transaction on the same database and
redirecting. Both run under the same gunicorn settings, measured in alternating rounds at 16 concurrent
connections, after a few seconds of uncounted load on each (--warm) so that no round pays for workers loading
templates and opening connections.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

FORM = {
    "category": "jewellery",
    "description": "Silver ring with a small blue stone",
    "serial": "",
    "lost_from-day": "1", "lost_from-month": "12", "lost_from-year": "2026",
    "lost_to-day": "2", "lost_to-month": "12", "lost_to-year": "2026",
    "lost_where": "Bournemouth pier",
    "postcode": "BH1 1AA",
    "name": "Pat Bench",
    "email": "pat@example.com",
    "phone": "",
}


def main() -> None:
    """Measure P2 and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: the settings file's)")
    parser.add_argument("--database", default="fcbench_p2")
    parser.add_argument("--warm", type=int, default=3, help="seconds of uncounted load on each server first")
    args = parser.parse_args()
    harness.require_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="fc-p2-"))
    env = harness.fresh_database(args.database, tmp / "instance")
    app = harness.app_in_process(env)
    cookie, token = harness.guest_session(app, ["lost_property"])
    body_file = tmp / "body.txt"
    body_file.write_text(urlencode({"csrf_token": token, **FORM}))
    floor_env = {**env, "FLOOR_DATABASE_URL": harness.database_url(args.database)}
    with harness.gunicorn("product", "frontcounter:create_app()", env, args.workers) as product, \
            harness.gunicorn("floor", "floor_app:app", floor_env, args.workers) as floor:
        targets = {
            "product": (product.base + "/dorset/lost_property/lost", product),
            "floor": (floor.base + "/floor/dorset/lost", floor),
        }
        headers = {}
        for label, (url, server) in targets.items():
            headers[label] = {"Cookie": f"session={cookie}", "Referer": url, "Origin": server.base}
            status, location = harness.post_once(url, body_file.read_text(), headers[label])
            assert status == 302 and "/lost/" in location, (label, status, location)
        for label, (url, _server) in targets.items():  # every worker loads its templates and opens its connections
            if args.warm:
                harness.wrk(url, seconds=args.warm, connections=args.connections,
                            script=harness.BENCH / "lua" / "post.lua", headers=headers[label],
                            env={"WRK_BODY_FILE": str(body_file)})
        results: dict[str, list[harness.WrkResult]] = {"product": [], "floor": []}
        for round_number in range(args.rounds):
            order = ["product", "floor"] if round_number % 2 == 0 else ["floor", "product"]
            for label in order:
                got = harness.wrk(targets[label][0], seconds=args.seconds, connections=args.connections,
                                  script=harness.BENCH / "lua" / "post.lua", headers=headers[label],
                                  env={"WRK_BODY_FILE": str(body_file)})
                results[label].append(got)
                print(f"round {round_number + 1} {label:7} {got.row()}  load {harness.load_average()}", flush=True)
    ratios = [p.rps / f.rps for p, f in zip(results["product"], results["floor"], strict=True)]
    print(f"\nP2 submit, {args.rounds} rounds x {args.seconds}s, {args.connections} connections; "
          f"load average after: {harness.load_average()}")
    print("| Submission | product req/s | floor req/s | ratio | product p99 ms | floor p99 ms | product errors |")
    print("|---|---|---|---|---|---|---|")
    prod, flo = results["product"], results["floor"]
    print(f"| lost property report | {harness.median([r.rps for r in prod]):.0f} "
          f"| {harness.median([r.rps for r in flo]):.0f} | {harness.median(ratios):.2f}x "
          f"| {harness.median([r.p99 for r in prod]):.0f} | {harness.median([r.p99 for r in flo]):.0f} "
          f"| {sum(r.errors for r in prod)} |")
    os.environ.pop("WRK_BODY_FILE", None)


if __name__ == "__main__":
    main()
