"""While the database cannot be reached, pages answer with a 503 page and the API with JSON; then they recover."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import base_config


def _outage_answers(client) -> None:
    page = client.get("/alpha/")
    assert page.status_code == 503
    assert "Sorry, the service is unavailable" in page.get_data(as_text=True)
    assert page.headers["Retry-After"]
    api = client.get("/api/forces/")
    assert api.status_code == 503
    body = api.get_json()
    assert body["code"] == 503 and body["reason"] == "service_unavailable" and body["message"]
    assert client.get("/account/sign-in").status_code in (200, 503)


def test_an_unreachable_database_gives_503_pages_and_json(backend_urls, _schema):
    from frontcounter import create_app

    config = base_config(backend_urls) | {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    _outage_answers(create_app(config).test_client())


def test_the_embedded_database_recovers_by_itself_once_it_is_back(backend_urls, _schema, tmp_path: Path):
    from frontcounter import create_app
    from frontcounter.migrations_runner import upgrade

    folder = tmp_path / "not-yet"
    app = create_app(base_config(backend_urls) | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite'}"})
    client = app.test_client()
    _outage_answers(client)
    folder.mkdir()
    with app.app_context():
        upgrade()
    assert client.get("/").status_code == 200
    assert client.get("/api/forces/").status_code == 200


@pytest.mark.postgres_only
def test_a_stopped_postgresql_gives_503_and_recovers_when_it_returns(app, backend_urls, forces):
    from frontcounter import create_app

    from tests.support.tcp_switch import TcpSwitch

    url = urlsplit(backend_urls["database"])
    switch = TcpSwitch(url.hostname or "127.0.0.1", url.port or 5432)
    try:
        userinfo = url.netloc.rsplit("@", 1)[0] + "@" if "@" in url.netloc else ""
        through = url._replace(netloc=f"{userinfo}127.0.0.1:{switch.port}")
        client = create_app(base_config(backend_urls) | {"SQLALCHEMY_DATABASE_URI": through.geturl()}).test_client()
        assert client.get("/alpha/").status_code == 200
        switch.switch_off()
        _outage_answers(client)
        switch.switch_on()
        assert client.get("/alpha/").status_code == 200
        assert client.get("/api/forces/").status_code == 200
    finally:
        switch.close()
