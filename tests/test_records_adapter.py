"""Records adapters: a force chooses one in its tenants/ file; each case is pushed when it opens and moves on,
through the outbox; the file-drop adapter writes one whole JSON file per case, atomically."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from frontcounter.cases import engine
from frontcounter.cli import cli
from frontcounter.extensions import db
from frontcounter.integrations.records import file_drop
from frontcounter.integrations.records.models import RecordsSetting
from frontcounter.jobs.outbox import OutboxMessage
from frontcounter.tenancy import tenant_context

from tests.conftest import run_jobs
from tests.test_webhooks import retry_due

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def drop(app, tmp_path):
    app.config["RECORDS_DROP_DIR"] = str(tmp_path / "drop")
    return tmp_path / "drop"


def choose(app, force, adapter="file_drop"):
    with app.app_context(), tenant_context(force):
        db.session.add(RecordsSetting(adapter=adapter, options={}))
        db.session.commit()


def open_and_move(app, force, email="ann@example.com") -> str:
    from frontcounter.payments.service import pay_in_sandbox

    with app.app_context(), tenant_context(force):
        case = engine.open_case("sample", applicant_email=email, applicant_name="Ann Applicant", actor="test",
                                language="en", data={"vehicle": "AB12CDE"})
        db.session.commit()
        pay_in_sandbox(case, 2500, "Permit fee")  # moves it on to submitted
        db.session.commit()
        engine.fire(case, "start_check", actor="worker@alpha.example.com", as_system=True)
        db.session.commit()
        return case.reference


def test_each_case_is_dropped_as_one_whole_json_file_with_its_latest_state(app, forces, drop):
    alpha, bravo = forces
    choose(app, alpha)
    reference = open_and_move(app, alpha)
    open_and_move(app, bravo, "bravo@example.com")  # Bravo chose no adapter
    run_jobs(app)
    path = drop / "alpha" / f"{reference}.json"
    document = json.loads(path.read_text())
    assert document["case"]["reference"] == reference and document["case"]["state"] == "checking"
    assert document["force"] == {"slug": "alpha", "code": "ALP"}
    assert document["case"]["applicant"] == {"name": "Ann Applicant", "email": "ann@example.com"}
    assert document["case"]["answers"]["vehicle"] == "AB12CDE"
    assert [e["transition"] for e in document["history"]] == ["opened", "pay", "start_check"]
    assert sorted(os.listdir(drop)) == ["alpha"]
    assert os.listdir(drop / "alpha") == [f"{reference}.json"]  # no temporary files left


def test_a_write_that_fails_leaves_the_old_file_whole_and_no_temporary_file(app, forces, drop, monkeypatch):
    target = drop / "alpha" / "ALP-SM-26-000001.json"
    with app.app_context():
        file_drop.write_atomically(target, b'{"old": true}')

        def broken_replace(src, dst):
            raise OSError("disk full")

        monkeypatch.setattr(file_drop.os, "replace", broken_replace)
        with pytest.raises(OSError):
            file_drop.write_atomically(target, b'{"new": true, "padding": "' + b"x" * 100_000 + b'"}')
    assert target.read_bytes() == b'{"old": true}'
    assert os.listdir(target.parent) == [target.name]


def test_a_reader_never_sees_half_a_file(app, forces, drop):
    """Many writes of a large document while another thread reads: every read parses."""
    import threading

    target = drop / "alpha" / "ALP-SM-26-000002.json"
    stop = threading.Event()
    errors: list[str] = []
    reads = [0]

    def reader():
        while not stop.is_set():
            if target.exists():
                try:
                    json.loads(target.read_bytes())
                    reads[0] += 1
                except ValueError as exc:
                    errors.append(str(exc))

    with app.app_context():
        file_drop.write_atomically(target, json.dumps({"n": -1}).encode())
        thread = threading.Thread(target=reader)
        thread.start()
        for n in range(200):
            file_drop.write_atomically(target, json.dumps({"n": n, "padding": "x" * 200_000}).encode())
        stop.set()
        thread.join()
    assert errors == [] and reads[0] > 0
    assert json.loads(target.read_bytes())["n"] == 199


def test_a_push_that_cannot_be_written_is_retried_until_it_can(app, forces, drop):
    alpha = forces[0]
    choose(app, alpha)
    drop.mkdir(parents=True)
    (drop / "alpha").write_text("a file where the folder should be")  # the share is broken
    with app.app_context(), tenant_context(alpha):
        case = engine.open_case("sample", applicant_email="ann@example.com", actor="test", language="en")
        db.session.commit()
        reference = case.reference
    run_jobs(app)
    with app.app_context():
        waiting = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.done_at.is_(None))).all()
        assert len(waiting) == 1 and "Cannot write" in waiting[0].last_error
    (drop / "alpha").unlink()
    retry_due(app)
    assert json.loads((drop / "alpha" / f"{reference}.json").read_text())["case"]["reference"] == reference


def test_the_tenant_file_chooses_the_adapter(app, tmp_path):
    folder = tmp_path / "tenants"
    folder.mkdir()
    original = (ROOT / "tenants" / "dorset.toml").read_text()
    (folder / "dorset.toml").write_text(original + '\n[records]\nadapter = "file_drop"\n')
    result = app.test_cli_runner().invoke(cli, ["tenants", "apply", "--dir", str(folder)])
    assert result.exit_code == 0 and "dorset: records adapter file_drop chosen" in result.output
    again = app.test_cli_runner().invoke(cli, ["tenants", "apply", "--dir", str(folder)])
    assert again.output.strip().endswith("No changes.")
    (folder / "dorset.toml").write_text(original + '\n[records]\nadapter = "niche"\n')
    warned = app.test_cli_runner().invoke(cli, ["tenants", "apply", "--dir", str(folder)])
    assert "records adapter 'niche' is not installed" in warned.output
    shutil.copy(ROOT / "tenants" / "dorset.toml", folder / "dorset.toml")
    removed = app.test_cli_runner().invoke(cli, ["tenants", "apply", "--dir", str(folder)])
    assert "dorset: records adapter niche removed" in removed.output
    with app.app_context():
        from frontcounter.tenancy import platform_wide

        with platform_wide("test: every force's records choice"):
            assert db.session.scalars(db.select(RecordsSetting)).all() == []
