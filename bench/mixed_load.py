"""P3: the national average load (about 175 requests per second) for at least two minutes: p99 and errors.

Run: .venv/bin/python bench/mixed_load.py [--rate 175] [--seconds 150] [--connections 48]

Builds a fresh database with the demo data, starts the product under gunicorn with the project's settings,
and drives it with wrk and bench/lua/mixed.lua: mostly page views (national page, force pages, service
start pages, tracking pages, forms), some submissions (lost property reports as a guest) and payments
(the firearms fee page and starting a payment with the sandbox provider), a few staff pages (work queue,
case page) with a signed-in caseworker. Each connection pauses for an exponentially distributed time
between requests so the whole load stays near --rate. Goal: p99 under 250 ms and no errors.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from public_pages import tracking_path
from submit import FORM


def _lua(value: Any) -> str:
    """A Python value as a Lua literal (strings, numbers, lists, dicts)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{json.dumps(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(_lua(v) for v in value) + "}"
    if value is None:
        return "nil"
    return json.dumps(value)


def payment_case_path(env: dict[str, str], force: str = "dorset") -> str:
    """The fee page of the demo firearms case awaiting payment, with the applicant's tracking link token."""
    app = harness.app_in_process(env)
    from frontcounter.cases.models import Case
    from frontcounter.cases.tracking import tracking_token
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context
    from frontcounter.tenancy.models import Tenant

    with app.app_context(), app.test_request_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug=force))
        with tenant_context(tenant):
            query = db.select(Case).where(Case.service_key == "firearms", Case.state == "awaiting_payment")
            case = db.session.scalar(query.order_by(Case.id))
            return f"/{force}/firearms/cases/{case.reference}/pay?token={tracking_token(case)}"


def build_mix(env: dict[str, str], base: str) -> list[dict[str, Any]]:
    """The requests and their weights (per 100)."""
    app = harness.app_in_process(env)
    guest, token = harness.guest_session(app, ["lost_property", "firearms", "liquor", "subject_access"])
    staff = harness.staff_session(app, "dorset", "caseworker@dorset.demo.police.uk")
    public = {"Cookie": f"session={guest}"}
    posting = {**public, "Content-Type": "application/x-www-form-urlencoded", "Origin": base}
    track = tracking_path(env)
    pay = payment_case_path(env)
    staff_headers = {"Cookie": f"session={staff}"}

    def get(path: str, weight: float, headers: dict[str, str] | None = None) -> dict[str, Any]:
        return {"method": "GET", "path": path, "weight": weight, "headers": headers or {}, "body": None}

    def post(path: str, weight: float, form: dict[str, str]) -> dict[str, Any]:
        body = urlencode({"csrf_token": token, **form})
        return {"method": "POST", "path": path, "weight": weight, "headers": {**posting, "Referer": base + path},
                "body": body}

    return [
        # page views: 85 in 100
        get("/", 10),
        get("/?q=BH1", 3),
        get("/dorset/", 12),
        get("/hampshire/", 6),
        get("/dorset/speed_awareness/", 8),
        get("/dorset/start/firearms", 6),
        get("/dorset/liquor/", 5),
        get("/dorset/lost_property/", 5),
        get("/dorset/lost_property/lost", 5, public),
        get(track, 15),
        get("/dorset/track", 5),
        get("/accessibility", 5),
        # submissions: 6 in 100
        post("/dorset/lost_property/lost", 6, FORM),
        # payments: 5 in 100 (the fee page, and starting a payment with the sandbox provider)
        get(pay, 3, public),
        post(pay, 2, {}),
        # staff pages: 4 in 100
        get("/dorset/staff/work/firearms/", 2, staff_headers),
        get("/dorset/staff/work/case/DOR-FA-26-000002", 2, staff_headers),
    ]


def main() -> None:
    """Run P3 and print the result row."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=175)
    parser.add_argument("--seconds", type=int, default=150)
    parser.add_argument("--connections", type=int, default=48)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: the settings file's)")
    parser.add_argument("--database", default="fcbench_p3")
    args = parser.parse_args()
    harness.require_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="fc-p3-"))
    env = harness.fresh_database(args.database, tmp / "instance")
    with harness.gunicorn("product", "frontcounter:create_app()", env, args.workers) as product:
        mix = build_mix(env, product.base)
        for item in mix:  # every request of the mix works before the load starts
            if item["method"] == "GET":
                harness.warm(product.base + item["path"], count=3, headers=item["headers"])
            else:
                status, _location = harness.post_once(product.base + item["path"], item["body"], item["headers"])
                assert status in (200, 302, 303), (item["path"], status)
        # Each connection: one request, then a pause; pause = connections / rate less a typical response time.
        mean_pause = max(1.0, args.connections / args.rate * 1000 - 15)
        mix_file = tmp / "mix.lua"
        mix_file.write_text(f"return {{mean_pause_ms = {mean_pause:.1f}, requests = {_lua(mix)}}}\n")
        load_before = harness.load_average()
        got = harness.wrk(product.base + "/", seconds=args.seconds, connections=args.connections,
                          script=harness.BENCH / "lua" / "mixed.lua", env={"WRK_MIX_FILE": str(mix_file)})
    print(f"\nP3 mixed load, {args.seconds}s, {args.connections} connections, target {args.rate} req/s; "
          f"load average before: {load_before}, after: {harness.load_average()}")
    print("| Load | achieved req/s | requests | p50 ms | p90 ms | p99 ms | max ms | errors | statuses |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| mixed, target {args.rate} req/s | {got.rps:.0f} | {got.requests} | {got.p50:.0f} | {got.p90:.0f} "
          f"| {got.p99:.0f} | {got.max:.0f} | {got.errors} | {got.statuses} |")


if __name__ == "__main__":
    main()
