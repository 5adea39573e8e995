"""Fees: every kind of application and certificate combination, from the force's settings or the statutory defaults."""

from __future__ import annotations

import pytest
from frontcounter_firearms.rules import fee_for
from frontcounter_firearms.settings import FirearmsSettings

FAC, SGC, BOTH = ["fac"], ["sgc"], ["fac", "sgc"]

# kind, certificates, like_for_like -> pence (statutory, from 5 Feb 2025), settings key, label
FEE_TABLE = [
    ("grant", FAC, False, 19800, "fac_grant_fee", "Firearm certificate grant"),
    ("grant", SGC, False, 19400, "sgc_grant_fee", "Shotgun certificate grant"),
    ("grant", BOTH, False, 20200, "coterminous_grant_fee", "Coterminous grant of firearm and shotgun certificates"),
    ("renewal", FAC, False, 13100, "fac_renewal_fee", "Firearm certificate renewal"),
    ("renewal", SGC, False, 12600, "sgc_renewal_fee", "Shotgun certificate renewal"),
    (
        "renewal",
        BOTH,
        False,
        15500,
        "coterminous_renewal_fee",
        "Coterminous renewal of firearm and shotgun certificates",
    ),
    ("variation", FAC, False, 4700, "variation_fee", "Firearm certificate variation"),
    ("variation", FAC, True, 0, None, "Like-for-like firearm certificate variation (no fee)"),
]


@pytest.mark.parametrize(("kind", "certificates", "like_for_like", "pence", "setting", "label"), FEE_TABLE)
def test_statutory_fee_for_every_combination(kind, certificates, like_for_like, pence, setting, label):
    quote = fee_for({"kind": kind, "certificates": certificates, "like_for_like": like_for_like})
    assert (quote.pence, quote.setting, str(quote.label)) == (pence, setting, label)


@pytest.mark.parametrize(("kind", "certificates", "like_for_like", "pence", "setting", "label"), FEE_TABLE)
def test_the_force_settings_decide_the_fee(kind, certificates, like_for_like, pence, setting, label):
    settings = {key: value + 1 for key, value in FirearmsSettings().load({}).items() if key.endswith("_fee")}
    quote = fee_for({"kind": kind, "certificates": certificates, "like_for_like": like_for_like}, settings)
    assert quote.pence == (pence + 1 if setting else 0)


def test_the_settings_defaults_are_the_statutory_fees():
    assert fee_for({"kind": "grant", "certificates": FAC}, FirearmsSettings().load({})).pence == 19800


def test_a_setting_the_force_never_stored_falls_back_to_the_statutory_fee():
    assert fee_for({"kind": "renewal", "certificates": SGC}, {"fac_grant_fee": 1}).pence == 12600


def test_the_order_certificates_are_chosen_in_does_not_matter():
    assert fee_for({"kind": "grant", "certificates": ["sgc", "fac"]}).setting == "coterminous_grant_fee"


@pytest.mark.parametrize("kind", ["grant", "renewal"])
def test_like_for_like_only_frees_a_variation(kind):
    assert fee_for({"kind": kind, "certificates": FAC, "like_for_like": True}).pence > 0


@pytest.mark.parametrize(
    "application",
    [
        {"kind": "variation", "certificates": SGC},
        {"kind": "variation", "certificates": BOTH},
        {"kind": "grant", "certificates": []},
        {"kind": "grant", "certificates": ["rfd"]},
        {"kind": "transfer", "certificates": FAC},
        {},
    ],
)
def test_an_application_the_law_has_no_fee_for_is_refused(application):
    with pytest.raises(ValueError, match="No fee"):
        fee_for(application)
