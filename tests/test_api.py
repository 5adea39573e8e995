"""The JSON API and health check: OpenAPI document, forces and services, JSON errors with codes."""

from __future__ import annotations


def test_openapi_document_describes_the_force_endpoints(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/forces/", "/api/forces/{slug}", "/api/forces/{slug}/services"} <= set(spec["paths"])
    assert "Force" in spec["components"]["schemas"]


def test_api_docs_page_renders_every_path(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "GET /api/forces/{slug}/services" in page


def test_forces_list_and_postcode_search(client, forces):
    assert [f["slug"] for f in client.get("/api/forces/").get_json()] == ["alpha", "bravo"]
    found = client.get("/api/forces/?q=BR1 2AB").get_json()
    assert [f["slug"] for f in found] == ["bravo"]
    assert found[0]["url"].endswith("/bravo/")


def test_force_services_with_effective_settings(client, forces):
    [service] = client.get("/api/forces/alpha/services").get_json()
    assert service["key"] == "sample"
    assert service["settings"] == {"permit_fee_pence": 2500, "max_permits": 3}
    assert service["version"] == "0.3.0"


def test_unknown_force_is_a_json_404_with_a_code(client):
    response = client.get("/api/forces/atlantis")
    assert response.status_code == 404
    body = response.get_json()
    assert body["code"] == 404 and "atlantis" in body["message"]


def test_wrong_method_is_a_json_405_with_allow_header(client, forces):
    response = client.post("/api/forces/alpha")
    assert response.status_code == 405
    assert response.get_json()["code"] == 405
    assert "GET" in response.headers["Allow"]


def test_healthz_reports_database_and_jobs(app, client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["database"] == {
        "ok": True,
        "backend": "postgresql" if "postgresql" in app.config["SQLALCHEMY_DATABASE_URI"] else "sqlite",
    }
    assert body["jobs"]["ok"] is True
    assert body["jobs"]["backend"] == ("redis" if app.config["REDIS_URL"] else "in-process")


def test_healthz_is_503_when_the_job_queue_is_unreachable(app, backend_urls):
    from frontcounter import create_app

    from tests.conftest import base_config

    broken = create_app({**base_config(backend_urls), "REDIS_URL": "redis://127.0.0.1:1/0"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["jobs"]["ok"] is False
