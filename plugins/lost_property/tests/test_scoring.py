"""Matching on made-up cases: an exact serial or IMEI first, then category, dates that fit, distance between
postcode districts and how alike the descriptions are."""

from __future__ import annotations

from datetime import date

from frontcounter_lost_property.places import district, km_between
from frontcounter_lost_property.scoring import Found, Lost, best_first, description_similarity, score

D = date(2026, 5, 10)


def found(**kw) -> Found:
    values = {"category": "phone", "description": "Black iPhone 13 in a red case", "found_on": D, "district": "BH1"}
    return Found(**{**values, **kw})


def lost(**kw) -> Lost:
    values = {"category": "phone", "description": "iPhone 13, black, red case", "lost_from": date(2026, 5, 9),
              "lost_to": D, "district": "BH1"}
    return Lost(**{**values, **kw})


def test_an_exact_serial_beats_everything_even_a_different_description_and_place():
    by_serial = score(found(serial="356938035643800", description="grey tablet", district="PO1"),
                      lost(serial="356938035643800"))
    by_words = score(found(), lost())
    assert by_serial.serial_match and by_serial.total == 100
    ranked = best_first([("words", by_words), ("serial", by_serial)])
    assert [name for name, _s in ranked] == ["serial", "words"]


def test_two_different_serials_are_two_different_items():
    assert score(found(serial="AAA111"), lost(serial="BBB222")) is None


def test_the_category_must_be_the_same_without_a_serial():
    assert score(found(category="jewellery"), lost()) is None


def test_an_item_found_before_it_was_lost_is_not_the_one():
    assert score(found(found_on=date(2026, 5, 1)), lost()) is None


def test_dates_inside_the_window_fit_better_than_weeks_later_and_too_late_is_out():
    inside = score(found(), lost())
    later = score(found(found_on=date(2026, 5, 30)), lost())
    assert inside.parts["dates"] == 1.0
    assert 0 < later.parts["dates"] < 1.0 and later.total < inside.total
    assert score(found(found_on=date(2026, 7, 1)), lost()) is None


def test_nearer_districts_score_higher_and_far_away_is_out():
    same = score(found(district="BH1"), lost(district="BH1"))
    near = score(found(district="BH23"), lost(district="BH1"))
    across = score(found(district="DT4"), lost(district="BH1"))
    assert same.total > near.total > across.total
    assert score(found(district="RG21"), lost(district="DT7")) is None  # well over 80 km


def test_an_unknown_district_neither_helps_nor_rules_out():
    unknown = score(found(district="ZZ9"), lost(district="BH1"))
    assert unknown is not None and unknown.parts["distance"] == 0.5 and unknown.km is None


def test_fuzzy_descriptions_ignore_order_case_and_punctuation_and_tell_unlike_things_apart():
    assert description_similarity("Black iPhone 13, red case", "red case; iphone 13 BLACK") == 1.0
    assert description_similarity("Gold ring engraved J & M", "gold ring with J and M engraved") > 0.7
    assert description_similarity("Gold ring engraved J & M", "Green rucksack with school books") < 0.4
    close = score(found(description="Gold wedding ring engraved J M", category="jewellery"),
                  lost(description="gold ring engraved with J and M", category="jewellery"))
    far = score(found(description="Silver watch with a leather strap", category="jewellery"),
                lost(description="gold ring engraved with J and M", category="jewellery"))
    assert close is not None and (far is None or far.total < close.total)


def test_a_poor_fit_is_not_proposed_at_all():
    assert score(found(description="Silver Casio watch", category="jewellery", district="DT7",
                       found_on=date(2026, 6, 5)),
                 lost(description="Pearl necklace", category="jewellery", district="BH1")) is None


def test_postcode_districts_and_distances():
    assert district("bh1 1aa") == "BH1"
    assert district("SO15") == "SO15"
    assert district("not a postcode") == ""
    assert km_between("BH1", "BH1") == 0
    assert 40 < km_between("BH1", "DT1") < 45  # Bournemouth to Dorchester
    assert km_between("BH1", "XX1") is None
