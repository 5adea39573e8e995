"""What the police take in as found property, and the rules that follow from each kind of item."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Category:
    """One kind of found item: its label, whether a finder may claim it, whether it has a serial or IMEI,
    and where it goes instead of back to the finder (a recorded disposal route), if anywhere."""

    key: str
    label: LazyString
    hint: LazyString
    finder_may_claim: bool
    has_serial: bool = False
    send_on_to: LazyString | None = None


CATEGORIES: tuple[Category, ...] = (
    Category("phone", _l("Phone, tablet, laptop or other device that holds data"),
             _l("Mobile phones, tablets, laptops, cameras, memory sticks"), finder_may_claim=False, has_serial=True),
    Category("cash", _l("Cash"), _l("Notes and coins, with or without a wallet or purse"), finder_may_claim=True),
    Category("jewellery", _l("Jewellery or a watch"), _l("Rings, necklaces, bracelets, watches"),
             finder_may_claim=True, has_serial=True),
    Category("id_documents", _l("Passport or other identity document"),
             _l("Passports, driving licences, identity cards"), finder_may_claim=False,
             send_on_to=_l("HM Passport Office or the issuing authority")),
    Category("bank_cards", _l("Bank card"), _l("Debit, credit and store cards"), finder_may_claim=False,
             send_on_to=_l("The card issuer")),
    Category("suspected_stolen", _l("Something you think is stolen"),
             _l("For example a bicycle or tools left somewhere unusual"), finder_may_claim=False, has_serial=True),
    Category("other", _l("Something else of value"), _l("Bags, keys, clothing and other belongings"),
             finder_may_claim=True, has_serial=True),
)
BY_KEY = {c.key: c for c in CATEGORIES}
ALL_KEYS = tuple(BY_KEY)
DEFAULT_ACCEPTED = ("phone", "cash", "jewellery", "id_documents", "bank_cards", "suspected_stolen")

# Never taken through the online form: the person is told to call 999 or 101 and nothing is recorded.
DANGEROUS = "dangerous"


def category(key: str) -> Category:
    """The category called `key` (KeyError for an unknown one)."""
    return BY_KEY[key]


def label(key: str) -> str:
    """The category's label, or the key itself for one no longer offered."""
    found = BY_KEY.get(key)
    return str(found.label) if found else key


def accepted(setting: str) -> tuple[Category, ...]:
    """The categories a force accepts, from its comma-separated setting, in the national order."""
    wanted = {part.strip() for part in setting.split(",") if part.strip()}
    return tuple(c for c in CATEGORIES if c.key in wanted)


def finder_may_claim(key: str) -> bool:
    """True when a finder may claim an unclaimed item of this category (never phones, ID, cards, crime)."""
    found = BY_KEY.get(key)
    return bool(found and found.finder_may_claim)


STATUS_LABELS: dict[str, LazyString] = {
    "proposed": _l("Waiting for a decision"),
    "confirmed": _l("Confirmed"),
    "dismissed": _l("Dismissed"),
    "invited": _l("Owner invited to claim"),
    "submitted": _l("Sent, waiting for a decision"),
    "approved": _l("Accepted"),
    "refused": _l("Refused"),
    "returned": _l("Collected"),
    "lapsed": _l("Not collected"),
    "rejected": _l("Rejected"),
    "clear": _l("Not reported stolen"),
    "stolen": _l("Reported stolen"),
    "not_checked": _l("Not checked"),
}


def status_label(key: str) -> str:
    """The words staff see for a match, claim, disposal or register status."""
    return str(STATUS_LABELS.get(key, key))
