"""Sign-up and password reset do the same work whether or not the email has an account.

Counted, not timed: how many times a password is hashed and how many jobs are queued.
"""

from __future__ import annotations

import pytest

from tests.conftest import mailbox, public_account, submit


@pytest.fixture
def hashes(monkeypatch):
    from frontcounter.accounts import passwords

    calls: list[str] = []
    real = passwords.hash_password

    def counting(password: str) -> str:
        calls.append(password)
        return real(password)

    monkeypatch.setattr(passwords, "hash_password", counting)
    return calls


def _jobs(app) -> list[str]:
    from frontcounter.extensions import db
    from frontcounter.jobs.outbox import OutboxMessage

    with app.app_context():
        return list(db.session.scalars(db.select(OutboxMessage.target).order_by(OutboxMessage.id)))


def _work(app, hashes, action) -> tuple[int, list[str]]:
    hashes.clear()
    before = len(_jobs(app))
    response = action()
    assert response.status_code == 200
    # The request's own jobs (on the embedded backend the job has already run and queued its email).
    return len(hashes), [job for job in _jobs(app)[before:] if not job.endswith(":deliver")]


def _sign_up(client, email: str):
    return submit(client, "/account/sign-up", {"full_name": "Pat", "email": email,
                                                "password": "purple elephant umbrella",
                                                "confirm": "purple elephant umbrella"})


def test_sign_up_hashes_and_queues_the_same_for_new_and_existing_emails(app, client, forces, hashes):
    public_account(app, "known@example.com", verified=True)
    public_account(app, "unconfirmed@example.com", verified=False)
    new = _work(app, hashes, lambda: _sign_up(client, "new@example.com"))
    known = _work(app, hashes, lambda: _sign_up(client, "known@example.com"))
    unconfirmed = _work(app, hashes, lambda: _sign_up(client, "unconfirmed@example.com"))
    assert new == known == unconfirmed
    assert new[0] == 1 and len(new[1]) == 1
    # The job still sends the confirmation link where one is needed, and nothing to a confirmed account.
    assert len(mailbox(app, "new@example.com")) == 1
    assert len(mailbox(app, "unconfirmed@example.com")) == 1
    assert mailbox(app, "known@example.com") == []


def test_password_reset_queues_the_same_job_for_known_and_unknown_emails(app, client, forces, hashes):
    public_account(app, "known@example.com")
    known = _work(app, hashes, lambda: submit(client, "/account/password-reset", {"email": "known@example.com"}))
    unknown = _work(app, hashes, lambda: submit(client, "/account/password-reset", {"email": "nobody@example.com"}))
    assert known == unknown and len(known[1]) == 1
    assert len(mailbox(app, "known@example.com")) == 1
    assert mailbox(app, "nobody@example.com") == []
