"""Production shape: request ids, JSON logs, metrics, error reports, rate limits, headers, object storage,
and the sweeper's lock."""

from __future__ import annotations

import gzip
import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from frontcounter import create_app
from frontcounter.documents.s3 import S3Storage
from frontcounter.extensions import db
from frontcounter.jobs.locks import SweepLock
from frontcounter.jobs.outbox import OutboxMessage
from frontcounter.observability.errors import init_sentry, scrub_event
from frontcounter.observability.logs import configure_logging
from frontcounter.tenancy import tenant_context
from frontcounter.testing import api_token, base_config, csrf_token, run_jobs
from frontcounter.web.ratelimits import kind_of

from tests.test_documents import _documents, _open_case, _png, _staff, _tracking_visitor, _upload_page


def _apply(client, force: str = "alpha", **headers: str):
    page = client.get(f"/{force}/sample/", headers=headers).get_data(as_text=True)
    return client.post(f"/{force}/sample/apply", headers=headers,
                       data={"holder": "Ann", "email": "ann@example.com", "csrf_token": csrf_token(page)})


# -- request ids and logs --------------------------------------------------------------------------


def test_every_response_carries_a_request_id_and_a_sensible_one_given_is_kept(client, forces):
    made = client.get("/alpha/").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/alpha/", headers={"X-Request-ID": "lb-1234567890"}).headers["X-Request-ID"] == "lb-1234567890"
    refused = client.get("/alpha/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert refused != "<script>" and re.fullmatch(r"[0-9a-f]{32}", refused)


def test_the_request_id_travels_into_the_work_it_defers(app, client, forces):
    page = client.get("/account/sign-up").get_data(as_text=True)
    response = client.post("/account/sign-up", headers={"X-Request-ID": "req-travels-123"}, data={
        "full_name": "Ann Example", "email": "ann@example.com", "password": "a long enough passphrase",
        "confirm": "a long enough passphrase", "csrf_token": csrf_token(page)})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    with app.app_context():
        ids = set(db.session.scalars(db.select(OutboxMessage.request_id)))
    assert ids == {"req-travels-123"}, ids


def test_json_log_lines_name_the_request_force_user_and_route(app, client, forces, capfd):
    configure_logging("json")
    try:
        with app.test_request_context("/alpha/sample/", headers={"X-Request-ID": "json-log-0001"}):
            app.preprocess_request()
            logging.getLogger("frontcounter.test").warning("hello %s", "there")
        lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "_frontcounter", False):
                logging.getLogger().removeHandler(handler)
    [line] = [entry for entry in lines if entry.get("message") == "hello there"]
    assert line["request_id"] == "json-log-0001" and line["force"] == "alpha"
    assert line["route"] == "/<force>/sample/" and line["level"] == "WARNING" and "time" in line


# -- metrics ---------------------------------------------------------------------------------------


def test_metrics_are_never_public_and_count_requests_jobs_outbox_and_payments(app, client, forces, monkeypatch):
    assert client.get("/metrics").status_code == 404  # no token configured: no page at all
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "scrape-token-123")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    client.get("/alpha/")
    reference = _apply(client).headers["Location"].split("/track/")[1].split("?")[0]
    with app.app_context(), tenant_context(forces[0]):  # paying sends the "received" email: a job
        from frontcounter.cases import engine
        from frontcounter.payments.service import pay_in_sandbox

        pay_in_sandbox(engine.find_case(reference), 2500, "Permit fee")
        db.session.commit()
    run_jobs(app)  # on Redis jobs wait in the queue: work them here, in the process whose metrics are read
    text = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-123"}).get_data(as_text=True)
    assert re.search(r'frontcounter_http_requests_total\{endpoint="force.home",force="alpha",status="200"\} \d', text)
    assert 'frontcounter_http_request_duration_seconds_bucket{endpoint="force.home"' in text
    assert re.search(r"frontcounter_jobs_total\{function=\"[^\"]+\",outcome=\"done\"\} \d", text)
    assert re.search(r"^frontcounter_outbox_pending \d", text, re.M)
    assert re.search(r"^frontcounter_outbox_oldest_pending_seconds ", text, re.M)
    assert re.search(r"^frontcounter_queue_depth \d", text, re.M)
    assert "# TYPE frontcounter_payments gauge" in text


# -- error reports ---------------------------------------------------------------------------------


class _Catcher(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.bodies.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_errors_reach_the_error_service_without_peoples_data(app, forces):
    assert init_sentry("", "test") is False
    import sentry_sdk

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Catcher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Catcher.bodies = []
    try:
        assert init_sentry(f"http://publickey@127.0.0.1:{server.server_port}/1", "test")
        logging.getLogger("frontcounter.test").error("Could not email ann.person@example.com about her case")
        sentry_sdk.flush(timeout=5)
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # no DSN: off again
        server.shutdown()
    assert _Catcher.bodies, "nothing reached the error service"
    sent = b"".join(_Catcher.bodies).decode()
    assert "Could not email [email] about her case" in sent
    assert "ann.person@example.com" not in sent


def test_scrubbing_removes_form_data_cookies_secrets_and_emails():
    event = {
        "request": {"data": {"pin": "1234"}, "cookies": {"session": "x"}, "query_string": "email=a@b.co",
                    "headers": {"Authorization": "Bearer abc", "Accept": "text/html"}},
        "user": {"email": "a@b.co"},
        "extra": {"applicant_email": "a@b.co", "count": 3, "note": "call bob@example.org"},
    }
    clean = scrub_event(event)
    assert "data" not in clean["request"] and "cookies" not in clean["request"] and "user" not in clean
    assert clean["request"]["headers"] == {"Authorization": "[scrubbed]", "Accept": "text/html"}
    assert clean["extra"] == {"applicant_email": "[scrubbed]", "count": 3, "note": "call [email]"}


# -- rate limits and headers -----------------------------------------------------------------------


@pytest.fixture
def limited_app(backend_urls, app):
    """A second app on the same database with rate limits on and small, so a test can reach them."""
    return create_app({**base_config(backend_urls), "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                       "RATE_LIMIT_SIGN_IN": "2 per minute", "RATE_LIMIT_API": "3 per minute",
                       "RATE_LIMIT_FORM": "2 per minute", "WTF_CSRF_ENABLED": False})


def test_sign_in_is_limited_with_the_govuk_page_and_retry_after(limited_app, forces):
    client = limited_app.test_client()
    for _ in range(2):
        assert client.post("/account/sign-in", data={"email": "x@example.com", "password": "nope"}).status_code != 429
    assert client.get("/account/sign-in").status_code == 200  # reading the form is not limited
    refused = client.post("/account/sign-in", data={"email": "x@example.com", "password": "nope"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "You have tried too many times" in refused.get_data(as_text=True)


def test_reading_a_form_page_never_uses_up_the_allowance_for_sending_it(limited_app, forces):
    client = limited_app.test_client()
    for _ in range(5):
        assert client.get("/alpha/sample/").status_code == 200
    for _ in range(2):
        assert client.post("/alpha/sample/apply", data={"email": "pat@example.com"}).status_code != 429
    assert client.get("/alpha/sample/").status_code == 200
    assert client.post("/alpha/sample/apply", data={"email": "pat@example.com"}).status_code == 429


def test_a_limited_response_names_its_limit_without_the_counts_that_cost_round_trips(limited_app, forces):
    client = limited_app.test_client()
    read = client.get("/alpha/sample/")
    assert read.status_code == 200 and "X-RateLimit-Limit" not in read.headers  # reading is not limited
    sent = client.post("/alpha/sample/apply", data={"email": "pat@example.com"})
    assert sent.status_code != 429 and sent.headers["X-RateLimit-Limit"] == "2"
    assert "X-RateLimit-Remaining" not in sent.headers and "X-RateLimit-Reset" not in sent.headers
    client.post("/alpha/sample/apply", data={"email": "pat@example.com"})
    refused = client.post("/alpha/sample/apply", data={"email": "pat@example.com"})
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60


def test_while_the_limits_store_is_unreachable_limits_are_counted_in_memory_never_a_500(backend_urls, app, forces):
    from tests.support.processes import free_port

    down = create_app({**base_config(backend_urls), "RATELIMIT_ENABLED": True,
                       "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
                       "RATE_LIMIT_SIGN_IN": "2 per minute", "WTF_CSRF_ENABLED": False})
    client = down.test_client()
    for _ in range(2):
        assert client.post("/account/sign-in", data={"email": "x@example.com", "password": "nope"}).status_code == 200
    refused = client.post("/account/sign-in", data={"email": "x@example.com", "password": "nope"})
    assert refused.status_code == 429 and "You have tried too many times" in refused.get_data(as_text=True)


def test_the_api_is_limited_per_token_with_a_json_429(limited_app, forces):
    client = limited_app.test_client()
    first = {"Authorization": f"Bearer {api_token(limited_app, forces[0])}"}
    second = {"Authorization": f"Bearer {api_token(limited_app, forces[0], name='Other system')}"}
    for _ in range(3):
        assert client.get("/api/v1/cases", headers=first).status_code == 200
    refused = client.get("/api/v1/cases", headers=first)
    assert refused.status_code == 429 and refused.is_json and int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["code"] == 429
    assert client.get("/api/v1/cases", headers=second).status_code == 200  # another token has its own allowance


def test_every_route_is_limited_by_its_kind(app):
    """Generated from the URL map: public forms, sign-in pages, uploads, links, webhooks and the API are limited."""
    unlimited_public_posts = []
    for rule in app.url_map.iter_rules():
        kind, path = kind_of(rule), rule.rule
        if path.startswith("/api/v1"):
            assert kind == "api", path
        elif "/webhooks/" in path and "/staff/" not in path:
            assert kind == "webhook", path
        elif "sign_in" in rule.endpoint or "two_factor" in rule.endpoint:
            assert kind == "sign_in", path
        elif "POST" in rule.methods and "/staff/" not in path and not path.startswith(("/platform/", "/_dev")):
            if kind is None:
                unlimited_public_posts.append(path)
    assert not unlimited_public_posts, unlimited_public_posts


def test_production_sends_hsts(client, app, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setitem(app.config, "HSTS", True)
    headers = client.get("/").headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


# -- object storage --------------------------------------------------------------------------------


@pytest.fixture
def s3_storage(app, monkeypatch):
    """A local S3-compatible server (moto, on 127.0.0.1) with a private bucket, as the app's document storage."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    storage = S3Storage.from_config({"S3_BUCKET": "documents", "S3_ENDPOINT_URL": f"http://{host}:{port}",
                                     "S3_REGION": "eu-west-2", "S3_PREFIX": "frontcounter"})
    storage.client.create_bucket(Bucket="documents", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    monkeypatch.setitem(app.extensions, "frontcounter.documents.storage", storage)
    yield storage
    server.stop()


def _objects(storage: S3Storage) -> list[str]:
    return [o["Key"] for o in storage.client.list_objects_v2(Bucket="documents").get("Contents", [])]


def test_an_upload_lands_in_object_storage_and_comes_back_only_through_the_checks(app, forces, s3_storage):
    alpha = forces[0]
    reference = _open_case(app, alpha)
    visitor = _tracking_visitor(app, alpha, reference)
    assert _upload_page(visitor, "alpha", reference, "me.png", _png()).status_code == 302
    [document] = _documents(app, alpha)
    [key] = _objects(s3_storage)
    assert key == f"frontcounter/{document.storage_key}"
    head = s3_storage.client.head_object(Bucket="documents", Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    stored = s3_storage.client.get_object(Bucket="documents", Key=key)["Body"].read()
    staff = _staff(app, alpha, "cw@alpha.example.com")
    assert staff.get(f"/alpha/documents/{document.id}").data == stored
    assert app.test_client().get(f"/alpha/documents/{document.id}").status_code == 404
    # Server-side checks are unchanged: a file that is not an image is refused and nothing is stored.
    refused = _upload_page(visitor, "alpha", reference, "me.png", b"%PDF-1.4 not an image")
    assert refused.status_code != 302 and "There is a problem" in refused.get_data(as_text=True)
    assert _objects(s3_storage) == [key]


def test_s3_storage_needs_a_bucket():
    with pytest.raises(ValueError, match="S3_BUCKET"):
        S3Storage.from_config({})


# -- the sweeper's lock ----------------------------------------------------------------------------


def test_only_one_sweeper_works_at_a_time_and_another_takes_over(app, tmp_path):
    with app.app_context():
        first, second = SweepLock(db.engine, tmp_path / "sweep.lock"), SweepLock(db.engine, tmp_path / "sweep.lock")
        assert first.acquire() is True
        assert first.acquire() is True  # keeps it, round after round
        assert second.acquire() is False
        first.release()
        assert second.acquire() is True
        second.release()


def test_the_sweep_command_says_when_another_sweeper_is_working(app, tmp_path, monkeypatch):
    from frontcounter.cli import command_line

    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))
    with app.app_context():
        holder = SweepLock(db.engine, tmp_path / "sweep.lock")
        assert holder.acquire()
        try:
            result = app.test_cli_runner().invoke(command_line(), ["sweep"])
        finally:
            holder.release()
    assert result.exit_code == 0, result.output
    assert "Another sweeper is working" in result.output
    assert "outbox-relay" not in result.output
    ran = app.test_cli_runner().invoke(command_line(), ["sweep"])
    assert "outbox-relay" in ran.output


