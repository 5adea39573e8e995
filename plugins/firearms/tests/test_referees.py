"""Referees: how many an application needs, and each reason a person may not act as one."""

from __future__ import annotations

import pytest
from frontcounter_firearms.rules import referee_problems, referees_required

APPLICANT = {"name": "Alex Archer", "email": "alex@example.com"}
GOOD = {
    "name": "Robin Reed",
    "email": "robin@example.com",
    "years_known": 5,
    "country": "england",
    "relationship": "friend",
    "firearms_dealer": False,
    "police": False,
}


@pytest.mark.parametrize(("certificates", "needed"), [(["fac"], 2), (["sgc"], 1), (["fac", "sgc"], 2)])
def test_a_firearm_certificate_needs_two_referees_a_shotgun_certificate_one(certificates, needed):
    assert referees_required(certificates) == needed


@pytest.mark.parametrize("certificates", [[], ["rfd"], ["fac", "rfd"]])
def test_referees_required_refuses_unknown_certificates(certificates):
    with pytest.raises(ValueError):
        referees_required(certificates)


@pytest.mark.parametrize("country", ["england", "scotland", "wales"])
def test_an_eligible_referee_in_great_britain_has_no_problems(country):
    assert referee_problems({**GOOD, "country": country}, APPLICANT) == []


def test_two_years_is_long_enough_one_is_not():
    assert referee_problems({**GOOD, "years_known": 2}, APPLICANT) == []
    assert referee_problems({**GOOD, "years_known": 1}, APPLICANT) == [
        "Robin Reed must have known you for at least 2 years"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"country": "northern_ireland"}, "Robin Reed must live in Great Britain (England, Scotland or Wales)"),
        ({"country": "elsewhere"}, "Robin Reed must live in Great Britain (England, Scotland or Wales)"),
        ({"relationship": "family"}, "Robin Reed cannot be a member of your family"),
        ({"firearms_dealer": True}, "Robin Reed cannot be a registered firearms dealer"),
        ({"police": True}, "Robin Reed cannot be a police officer or a member of police staff"),
        ({"years_known": 0}, "Robin Reed must have known you for at least 2 years"),
    ],
)
def test_each_reason_a_referee_may_not_act(change, message):
    assert referee_problems({**GOOD, **change}, APPLICANT) == [message]


def test_every_reason_is_given_at_once():
    bad = {
        **GOOD,
        "years_known": 1,
        "country": "elsewhere",
        "relationship": "family",
        "firearms_dealer": True,
        "police": True,
    }
    assert len(referee_problems(bad, APPLICANT)) == 5


@pytest.mark.parametrize(
    "referee",
    [
        {**GOOD, "email": " ALEX@example.com "},
        {**GOOD, "name": "  alex   ARCHER "},
    ],
)
def test_the_applicant_cannot_be_their_own_referee(referee):
    assert referee_problems(referee, APPLICANT) == ["Your referee cannot be you: give the details of someone else"]


def test_a_referee_without_a_name_or_email_is_not_mistaken_for_the_applicant():
    assert referee_problems({**GOOD, "name": "", "email": ""}, {"name": "", "email": ""}) == []
