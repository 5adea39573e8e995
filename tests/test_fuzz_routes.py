"""Hostile input to every route, generated from the URL map: no request may get a 5xx.

Each route is called as three callers: the public (signed out), a force admin signed in with
every role, and (for /api/ routes) a system with an API token. Each gets NUL bytes, integers past
32 and 64 bits, overlong strings and invalid UTF-8 in the path, the query string, form fields and
JSON bodies, plus a lone surrogate, 100,000 nested `[` and wrong content types. Field names come
from the pages themselves (every `name="..."` the staff pages render) and from the OpenAPI
document, so new forms and API fields are fuzzed without editing this file. A route parameter
this file does not know fails the test until it is added to VALID_PARAMS.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

import pytest
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context

from tests.conftest import add_staff, csrf_token, staff_sign_in
from tests.test_route_matrix import ID_PARAMS, PLAIN_PARAMS

NUL = "a\x00b"
HUGE = "99999999999999999999"
INT32 = "2147483648"
LONG = "x" * 5000
NESTED = b"[" * 100_000
SURROGATE = b'{"transition": "\\ud800", "note": "\\udfff", "reason": "\\ud800x"}'
BAD_UTF8 = b"\xff\xfe\xfa"

# Parameters of routes outside /<force>/ (and of /<force>/ routes with plain values).
VALID_PARAMS: dict[str, str] = {
    **PLAIN_PARAMS,
    "force": "alpha",
    "code": "cy",
    "filename": "css/none.css",
    "provider": "stripe",
    "slug": "alpha",
    "message_id": "1",
    "payment_id": "1",
}
# Query names every route gets, beside those the pages render.
QUERY_NAMES = ["page", "slot", "assignee", "service", "state", "sort", "q", "start", "kind", "next", "status",
               "year", "month", "day", "per_page", "from", "to", "booking", "reference", "email", "lang"]
SKIP_FOR_STAFF = {"staff.sign_out", "platform.sign_out", "account.sign_out"}
CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
FIELD = re.compile(r'name="([A-Za-z_][\w\-]*)"')


class _ErrorLog(logging.Handler):
    """Keeps the last error the app's error handler logged (with its traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.last = logging.Formatter().format(record)


class Fuzzer:
    """Sends requests, counts them, and remembers every 5xx."""

    def __init__(self) -> None:
        self.sent = 0
        self.failures: list[str] = []
        self.routes: set[str] = set()
        self.fields: set[str] = set(QUERY_NAMES)
        self.errors = _ErrorLog()
        logging.getLogger("frontcounter.web.errors").addHandler(self.errors)

    def send(self, client: Any, who: str, rule: Any, method: str, url: str, **kwargs: Any) -> Any:
        self.sent += 1
        self.routes.add(rule.rule)
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as exc:  # noqa: BLE001 - an exception escaping the error handlers is a 500 too
            self.failures.append(f"{who} {method} {url[:120]!r}: raised {exc!r}"[:300])
            return None
        if response.status_code >= 500:
            body = response.get_data(as_text=True)[:200].replace("\n", " ")
            cause = self.errors.last[-1500:]  # the traceback the error handler logged, to find the cause
            self.failures.append(
                f"{who} {method} {url[:120]!r} {str(kwargs)[:80]} -> {response.status_code} {body}\n{cause}"
            )
        elif response.mimetype == "text/html" and response.status_code == 200:
            self.fields.update(FIELD.findall(response.get_data(as_text=True)))
        return response


def _path(rule: Any, values: dict[str, str], fuzz: str | None) -> str:
    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        value = values[name]
        if fuzz is not None and name != "force":
            value = HUGE if converter == "int" else fuzz
        from urllib.parse import quote

        return quote(value, safe="/" if converter == "path" else "")

    return CONVERTER.sub(fill, rule.rule)


def _methods(rule: Any) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _openapi_fields(client: Any) -> set[str]:
    spec = client.get("/api/openapi.json").get_json()
    names: set[str] = set()
    for schema in spec.get("components", {}).get("schemas", {}).values():
        names.update(schema.get("properties", {}))
    for path in spec["paths"].values():
        for operation in path.values():
            if isinstance(operation, dict):
                names.update(p["name"] for p in operation.get("parameters", []) if "name" in p)
    return names


def _fuzz_route(fuzzer: Fuzzer, client: Any, who: str, rule: Any, values: dict[str, str], headers: dict) -> None:
    url = _path(rule, values, None)
    names = sorted(fuzzer.fields)
    for method in _methods(rule):
        if method in ("GET", "DELETE"):
            for value in (NUL, HUGE, INT32, LONG):
                fuzzer.send(client, who, rule, method, url, query_string={n: value for n in names}, headers=headers)
            fuzzer.send(client, who, rule, method, url + "?q=%ff%fe&page=%00&" + "%ff=1", headers=headers)
            continue
        token = values.get("_csrf", "")
        for value in (NUL, HUGE, INT32, LONG):
            form = {n: value for n in names}
            form["csrf_token"] = token
            fuzzer.send(client, who, rule, method, url, data=form, headers=headers)
            fuzzer.send(client, who, rule, method, url, json={n: value for n in names}, headers=headers)
        fuzzer.send(client, who, rule, method, url, json={n: int(HUGE) for n in names}, headers=headers)
        fuzzer.send(client, who, rule, method, url, json={n: int(INT32) for n in names}, headers=headers)
        fuzzer.send(client, who, rule, method, url, data=SURROGATE, content_type="application/json", headers=headers)
        fuzzer.send(client, who, rule, method, url, data=NESTED, content_type="application/json", headers=headers)
        fuzzer.send(client, who, rule, method, url, data=BAD_UTF8, content_type="application/json", headers=headers)
        fuzzer.send(client, who, rule, method, url, data=b"csrf_token=" + token.encode() + b"&email=%ff%fe&name=" +
                    BAD_UTF8, content_type="application/x-www-form-urlencoded", headers=headers)
        fuzzer.send(client, who, rule, method, url, data=json.dumps({"a": NUL}), content_type="text/plain",
                    headers=headers)
        fuzzer.send(client, who, rule, method, url, data=b"--x\r\n\x00junk", content_type="multipart/form-data",
                    headers=headers)
    # The path parameters themselves.
    if set(rule.arguments) - {"force"}:
        method = _methods(rule)[0]
        for fuzz in (NUL, LONG, "%ff\u00ff"):
            fuzzer.send(client, who, rule, method, _path(rule, values, fuzz), headers=headers,
                        data={"csrf_token": values.get("_csrf", "")} if method != "GET" else None)


@pytest.fixture
def setting(app, forces):
    """Every service on in Alpha, one row of each kind in Alpha, an admin signed in, an API token."""
    from frontcounter.api.tokens import issue_token
    from frontcounter.tenancy import TenantService

    alpha = forces[0]
    with app.app_context():
        with tenant_context(alpha):
            have = {row.service_key for row in db.session.scalars(db.select(TenantService))}
            for key in app.extensions["frontcounter.plugins"].services:
                if key not in have:
                    db.session.add(TenantService(service_key=key, enabled=True, settings={}))
            db.session.commit()
        values: dict[str, str] = dict(VALID_PARAMS)
        values.update({name: str(make(alpha)) for name, make in ID_PARAMS.items()})
        with tenant_context(alpha):
            _row, secret = issue_token("Fuzzer", ["caseworker", "supervisor"], created_by="admin@alpha.example.com")
            db.session.commit()
    add_staff(app, alpha, "admin@alpha.example.com", ["force_admin", "caseworker", "field_officer", "supervisor"])
    staff = app.test_client()
    staff_sign_in(staff, app, "alpha", "admin@alpha.example.com")
    return values, secret, staff


def test_every_route_answers_hostile_input_without_a_5xx(app, setting):
    values, secret, staff = setting
    started = time.monotonic()
    fuzzer = Fuzzer()
    rules = [r for r in app.url_map.iter_rules() if not r.rule.startswith("/static")]
    unknown = {(r.rule, a) for r in rules for a in r.arguments if a not in values}
    assert not unknown, f"Add these route parameters to VALID_PARAMS or ID_PARAMS: {sorted(unknown)}"
    fuzzer.fields |= _openapi_fields(app.test_client())

    api = app.test_client()
    for rule in rules:
        if rule.rule.startswith("/api/"):
            _fuzz_route(fuzzer, api, "api", rule, values, {"Authorization": f"Bearer {secret}"})

    staff_values = dict(values, _csrf=csrf_token(staff.get("/alpha/staff/admin/staff/new").get_data(as_text=True)))
    for rule in rules:
        if rule.endpoint not in SKIP_FOR_STAFF:
            _fuzz_route(fuzzer, staff, "staff", rule, staff_values, {})
    assert staff.get("/alpha/staff/").status_code == 200, "the fuzzing signed the admin out; skip that route"

    public = app.test_client()
    public_values = dict(values, _csrf=csrf_token(public.get("/account/sign-in").get_data(as_text=True)))
    for rule in rules:
        _fuzz_route(fuzzer, public, "public", rule, public_values, {})

    elapsed = time.monotonic() - started
    print(f"\nfuzzed {len(fuzzer.routes)} routes with {fuzzer.sent} requests in {elapsed:.0f}s: "
          f"{len(fuzzer.failures)} answered 5xx")
    assert len(fuzzer.routes) >= len(rules) - 2
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:40]) + f"\n... {len(fuzzer.failures)} in all"
