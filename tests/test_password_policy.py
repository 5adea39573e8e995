"""Passwords follow NCSC guidance: a length range, a bundled deny-list of common passwords, clear messages."""

from __future__ import annotations

import pytest

from tests.conftest import submit


def _sign_up(client, password: str):
    return submit(client, "/account/sign-up", {"full_name": "Pat Example", "email": "pat@example.com",
                                                "password": password, "confirm": password})


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaa", "not the same character repeated"),
        ("password12", "too common and easy to guess"),
        ("1234567890", "too common and easy to guess"),
        ("qwertyuiop", "too common and easy to guess"),
        (" " * 10, "not only spaces"),
        ("short", "10 characters or more"),
        ("x" * 120 + "y" * 81, "200 characters or fewer"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_message(client, forces, password, message):
    response = _sign_up(client, password)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and message in body


def test_a_long_passphrase_needs_no_digits_capitals_or_symbols(app, client, forces):
    response = _sign_up(client, "purple elephant umbrella")
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)


def test_the_deny_list_ships_in_the_package_and_is_large():
    from frontcounter.accounts.password_policy import DENY_LIST, common_passwords

    assert DENY_LIST.is_file()
    assert len(common_passwords()) > 10_000
    assert "letmein123" in common_passwords() or "iloveyou" in common_passwords()
