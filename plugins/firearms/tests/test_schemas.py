"""The question pages' schemas: strict validation with the message each person would see."""

from __future__ import annotations

import json

import pytest
from frontcounter_firearms.rules import MEDICAL_CONDITIONS
from frontcounter_firearms.schemas import PAGES, clean_page, page_schema
from marshmallow import ValidationError

from .conftest import TODAY

ADDRESS = {"line1": "1 High Street", "town": "Alphaton", "postcode": "al1 1aa"}
PERSONAL = {
    "title": "Mx",
    "surname": "Archer",
    "forenames": "Alex James",
    "date_of_birth": "1980-05-17",
    "place_of_birth": "Alphaton, England",
    "height_cm": "180",
    "nationality": "British",
    "occupation": "Farmer",
    "address": ADDRESS,
    "phone": "01632 960 001",
    "email": "alex@example.com",
}
REFEREE = {
    "name": "Robin Reed",
    "email": "robin@example.com",
    "phone": "01632 960 002",
    "address": ADDRESS,
    "country": "wales",
    "relationship": "friend",
    "years_known": "10",
    "firearms_dealer": "no",
    "police": "no",
}
RIFLE = {
    "type": "rifle",
    "calibre": ".22",
    "quantity": "1",
    "ammunition_to_hold": "500",
    "ammunition_to_acquire": "500",
    "reason": "target_shooting",
    "club_name": "Alphaton Rifle Club",
}
ANSWERS = {"application": {"kind": "grant", "certificates": ["fac"]}, "personal": PERSONAL}


def errors(page: str, raw: dict, answers: dict = ANSWERS) -> dict:
    with pytest.raises(ValidationError) as caught:
        clean_page(page, raw, answers, TODAY)
    return caught.value.messages


def flat(messages) -> list[str]:
    """Every message in a marshmallow error tree, as text."""
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in flat(value)]
    if isinstance(messages, list):
        return [text for value in messages for text in flat(value)]
    return [str(messages)]


# -- what is applied for -------------------------------------------------------------------------


def test_a_grant_of_both_certificates_is_accepted():
    assert clean_page("application", {"kind": "grant", "certificates": ["fac", "sgc"]}, {}) == {
        "kind": "grant",
        "certificates": ["fac", "sgc"],
        "like_for_like": False,
        "current_certificate_number": "",
    }


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        (
            {"kind": "variation", "certificates": ["sgc"], "current_certificate_number": "A1"},
            "certificates",
            "Only a firearm certificate can be varied",
        ),
        (
            {"kind": "grant", "certificates": ["fac"], "like_for_like": True},
            "like_for_like",
            "Only a variation can be like-for-like",
        ),
        (
            {"kind": "renewal", "certificates": ["fac"]},
            "current_certificate_number",
            "Enter the number of your current certificate",
        ),
        ({"kind": "grant", "certificates": []}, "certificates", "Select at least one certificate"),
        ({"kind": "grant", "certificates": ["fac", "fac"]}, "certificates", "Select each certificate once"),
        (
            {"kind": "loan", "certificates": ["fac"]},
            "kind",
            "Select whether you are applying for a grant, a renewal or a variation",
        ),
    ],
)
def test_an_incoherent_application_is_refused_with_a_clear_message(raw, field, message):
    assert flat(errors("application", raw)[field]) == [message]


# -- personal details ----------------------------------------------------------------------------


def test_personal_details_are_tidied():
    clean = clean_page(
        "personal", {**PERSONAL, "surname": "  Archer ", "address": {**ADDRESS, "postcode": "al11aa"}}, ANSWERS
    )
    assert clean["surname"] == "Archer" and clean["address"]["postcode"] == "AL1 1AA" and clean["height_cm"] == 180


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"surname": "   "}, "surname", "Enter your surname"),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth", "Your date of birth must be in the past"),
        ({"date_of_birth": "1980-02-30"}, "date_of_birth", "Enter a real date, for example 27 3 2007"),
        ({"height_cm": "35"}, "height_cm", "Enter your height in centimetres, between 100 and 250"),
        ({"email": "alex.example.com"}, "email", "Enter an email address in the correct format, like name@example.com"),
        ({"phone": "call me"}, "phone", "Enter a phone number, like 01632 960 001"),
        ({"title": "x" * 21}, "title", "Enter no more than 20 characters"),
    ],
)
def test_personal_details_refuse_bad_answers(change, field, message):
    assert flat(errors("personal", {**PERSONAL, **change})[field]) == [message]


def test_a_postcode_must_look_like_one():
    assert flat(errors("personal", {**PERSONAL, "address": {**ADDRESS, "postcode": "ALPHA"}})["address"]) == [
        "Enter a real postcode, like SW1A 2AA"
    ]


def test_an_answer_the_page_never_asked_is_refused():
    assert "nickname" in errors("personal", {**PERSONAL, "nickname": "Al"})


# -- histories -----------------------------------------------------------------------------------


def test_address_history_is_checked_against_today_and_stored_as_json():
    raw = {
        "addresses": [
            {**ADDRESS, "from_date": "2015-01-01", "to_date": "2023-03-03"},
            {**ADDRESS, "from_date": "2023-06-01"},
        ]
    }
    assert flat(errors("addresses", raw)["addresses"]) == ["There is a gap between 3 March 2023 and 1 June 2023"]
    raw["addresses"][1]["from_date"] = "2023-03-04"
    clean = clean_page("addresses", raw, ANSWERS, TODAY)
    assert clean["addresses"][1] == {
        **ADDRESS,
        "line2": "",
        "postcode": "AL1 1AA",
        "from_date": "2023-03-04",
        "to_date": None,
    }
    json.dumps(clean)


def test_an_address_history_needs_at_least_one_address():
    assert flat(errors("addresses", {"addresses": []})) == ["Add the addresses you have lived at in the last 5 years"]


def test_gp_history_needs_ten_years_and_consent():
    practice = {**ADDRESS, "name": "Alphaton Surgery", "from_date": "2018-01-01"}
    messages = errors("gp", {"practices": [practice], "consent_to_contact_gp": "no"})
    assert flat(messages["consent_to_contact_gp"]) == [
        "We cannot process your application unless we can contact your GP"
    ]
    assert flat(messages["practices"])[0].startswith("Your GP practices must cover the last 10 years")
    assert (
        clean_page(
            "gp",
            {"practices": [{**practice, "from_date": "2010-01-01"}], "consent_to_contact_gp": "yes"},
            ANSWERS,
            TODAY,
        )["consent_to_contact_gp"]
        is True
    )


# -- medical, convictions, firearms, security ----------------------------------------------------

ALL_NO = {key: "no" for key, _label in MEDICAL_CONDITIONS}


def test_the_medical_declaration_needs_an_answer_for_each_condition_and_details_for_yes():
    assert clean_page("medical", ALL_NO, ANSWERS)["depression_anxiety"] is False
    missing = dict(ALL_NO)
    del missing["dementia"]
    del missing["neurological"]
    assert flat(errors("medical", missing)) == [  # one message per condition, naming it
        "Select yes or no for: Dementia",
        "Select yes or no for: A neurological condition, for example epilepsy",
    ]
    assert flat(errors("medical", {**ALL_NO, "depression_anxiety": "yes"})) == [
        "Give details of each condition you answered yes to"
    ]
    assert clean_page("medical", {**ALL_NO, "depression_anxiety": "yes", "details": "Treated in 2015."}, ANSWERS)


def test_convictions_are_listed_when_yes_and_only_then():
    conviction = {
        "date": "2019-06-01",
        "offence": "Speeding",
        "court_or_force": "Alphaton Magistrates",
        "outcome": "Fine and 3 points",
    }
    assert flat(errors("convictions", {"has_convictions": "yes"})) == ["Add each conviction or caution"]
    assert flat(errors("convictions", {"has_convictions": "no", "convictions": [conviction]})) == [
        "Remove the convictions, or select yes"
    ]
    assert clean_page("convictions", {"has_convictions": "yes", "convictions": [conviction]}, ANSWERS)["convictions"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"club_name": ""}, "Enter the name of the club you shoot with"),
        ({"reason": "deer_stalking", "club_name": ""}, "Enter the land you have permission to shoot over"),
        ({"reason": "collecting"}, "Explain your reason for having this firearm"),
        ({"quantity": "0"}, "Enter a number from 1 to 20"),
        ({"type": "bazooka"}, "Select the type of firearm"),
    ],
)
def test_each_firearm_needs_its_good_reason(change, message):
    assert flat(errors("firearms", {"firearms": [{**RIFLE, **change}]})) == [message]


def test_a_firearm_with_its_good_reason_is_accepted():
    stalking = {**RIFLE, "reason": "deer_stalking", "club_name": "", "land_details": "Home Farm, Alphaton"}
    assert len(clean_page("firearms", {"firearms": [RIFLE, stalking]}, ANSWERS)["firearms"]) == 2


def test_security_other_than_a_cabinet_or_room_must_be_described():
    raw = {"storage": "other", "storage_location": "Cellar", "alarm": "yes", "ammunition_stored_separately": "yes"}
    assert flat(errors("security", raw)) == ["Describe how you will store your firearms"]
    assert clean_page("security", {**raw, "details": "Steel safe bolted to the floor"}, ANSWERS)["alarm"] is True


# -- referees ------------------------------------------------------------------------------------


def test_a_firearm_certificate_needs_two_eligible_referees():
    second = {**REFEREE, "name": "Sam Smith", "email": "sam@example.com"}
    assert flat(errors("referees", {"referees": [REFEREE]})) == ["Give the details of 2 referees"]
    assert len(clean_page("referees", {"referees": [REFEREE, second]}, ANSWERS)["referees"]) == 2


def test_a_shotgun_certificate_alone_needs_one():
    answers = {**ANSWERS, "application": {"kind": "grant", "certificates": ["sgc"]}}
    assert clean_page("referees", {"referees": [REFEREE]}, answers)["referees"][0]["years_known"] == 10


def test_referee_problems_are_shown_on_the_referees_page():
    answers = {**ANSWERS, "application": {"kind": "grant", "certificates": ["sgc"]}}
    assert flat(errors("referees", {"referees": [{**REFEREE, "relationship": "family"}]}, answers)) == [
        "Robin Reed cannot be a member of your family"
    ]
    assert flat(errors("referees", {"referees": [{**REFEREE, "email": "alex@example.com"}]}, answers)) == [
        "Your referee cannot be you: give the details of someone else"
    ]
    assert "Each referee must be a different person" in flat(errors("referees", {"referees": [REFEREE, REFEREE]}))


def test_every_page_has_a_schema_that_builds_from_the_answers_so_far():
    for page in PAGES:
        assert page_schema(page, ANSWERS, TODAY) is not None
