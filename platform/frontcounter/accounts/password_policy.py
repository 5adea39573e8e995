"""The password policy, after NCSC guidance: a length range and a deny-list, no composition rules.

The deny-list is the 20,000 most common passwords from breaches (Royce Williams' list, as shipped
with Django, BSD licence), bundled as common-passwords.txt.gz: no network at run time.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

MIN_LENGTH = 10
MAX_LENGTH = 200
DENY_LIST = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled deny-list, lower-cased, read once."""
    with gzip.open(DENY_LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password: str) -> str | None:
    """Return why `password` is refused, in words a person can act on, or None when it is fine."""
    if not password.strip():
        return _("Enter a password that is not only spaces")
    if len(password) < MIN_LENGTH:
        return _("Password must be %(n)d characters or more", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Password must be %(n)d characters or fewer", n=MAX_LENGTH)
    if len(set(password.lower())) < 3:
        return _("Enter a password that is not the same character repeated")
    if password.lower() in common_passwords() or password.strip().lower() in common_passwords():
        return _("That password is too common and easy to guess. Try three random words together")
    return None
