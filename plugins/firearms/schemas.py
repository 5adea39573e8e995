"""One marshmallow schema per question page of Form 201/201V; answers are kept in Case.data[page].

Dates load as ISO strings ('2024-03-27', as a GOV.UK date input is joined up). Pages whose rules
depend on other answers take them when built: today's date (histories), the certificates applied
for and the applicant (referees). `clean_page` loads a page and returns the answers ready for JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import LazyString, ngettext
from flask_babel import lazy_gettext as _l
from frontcounter.calendar import uk_today
from frontcounter_firearms.form_fields import (
    PageSchema,
    Postcode,
    Text,
    email_address,
    one_of,
    plausible_birth_date,
    refuse,
    when,
    whole_number,
    yes_no,
)
from frontcounter_firearms.history import address_history_problems, gp_history_problems
from frontcounter_firearms.rules import (
    CERTIFICATES,
    FAC,
    GRANT,
    KINDS,
    MEDICAL_CONDITIONS,
    VARIATION,
    declared_conditions,
    referee_problems,
    referees_required,
)
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

FIREARM_TYPES = ("rifle", "section1_shotgun", "muzzle_loader", "sound_moderator", "other")
GOOD_REASONS = ("target_shooting", "deer_stalking", "vermin_control", "collecting", "other")
LAND_REASONS = ("deer_stalking", "vermin_control")
STORAGE = ("gun_cabinet", "gun_room", "other")
COUNTRIES = ("england", "scotland", "wales", "northern_ireland", "elsewhere")
RELATIONSHIPS = ("friend", "colleague", "employer", "neighbour", "club_member", "professional", "family", "other")


def _list(item: type[Schema], missing: LazyString, *, at_least: int = 0) -> fields.List:
    messages = {"required": missing, "null": missing}
    if at_least:
        return fields.List(
            fields.Nested(item),
            required=True,
            error_messages=messages,
            validate=validate.Length(min=at_least, error=missing),
        )
    return fields.List(fields.Nested(item), load_default=list, error_messages=messages)


class ApplicationSchema(PageSchema):
    """What is applied for: grant, renewal or variation, of which certificates."""

    kind = one_of(KINDS, _l("Select whether you are applying for a grant, a renewal or a variation"))
    certificates = fields.List(
        fields.String(validate=validate.OneOf(CERTIFICATES, error=_l("Select a certificate from the list"))),
        required=True,
        validate=validate.Length(min=1, max=2, error=_l("Select at least one certificate")),
        error_messages={"required": _l("Select at least one certificate")},
    )
    like_for_like = fields.Boolean(load_default=False)
    current_certificate_number = Text(max_length=40)

    @validates_schema
    def _coherent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        if len(set(data["certificates"])) != len(data["certificates"]):
            errors["certificates"] = [_l("Select each certificate once")]
        if data["kind"] == VARIATION and set(data["certificates"]) != {FAC}:
            errors["certificates"] = [_l("Only a firearm certificate can be varied")]
        if data["like_for_like"] and data["kind"] != VARIATION:
            errors["like_for_like"] = [_l("Only a variation can be like-for-like")]
        if data["kind"] != GRANT and not data["current_certificate_number"]:
            errors["current_certificate_number"] = [_l("Enter the number of your current certificate")]
        if errors:
            raise ValidationError(errors)


class AddressSchema(PageSchema):
    """A postal address in the UK."""

    line1 = Text(_l("Enter the first line of the address"))
    line2 = Text()
    town = Text(_l("Enter the town or city"), max_length=100)
    postcode = Postcode(_l("Enter the postcode"))


class PersonalDetailsSchema(PageSchema):
    """Who the applicant is and how to reach them."""

    title = Text(_l("Enter your title, for example Mr, Mrs, Ms or Dr"), max_length=20)
    surname = Text(_l("Enter your surname"), max_length=100)
    forenames = Text(_l("Enter all your forenames"), max_length=200)
    previous_names = fields.List(Text(_l("Enter the previous name"), max_length=200), load_default=list)
    date_of_birth = when(
        _l("Enter your date of birth"), past=_l("Your date of birth must be in the past"), extra=[plausible_birth_date]
    )
    place_of_birth = Text(_l("Enter your town and country of birth"), max_length=200)
    height_cm = whole_number(
        _l("Enter your height in centimetres"), 100, 250, _l("Enter your height in centimetres, between 100 and 250")
    )
    nationality = Text(_l("Enter your nationality"), max_length=100)
    occupation = Text(_l("Enter your occupation, or say if you are retired or not working"), max_length=100)
    address = fields.Nested(AddressSchema, required=True, error_messages={"required": _l("Enter your home address")})
    phone = Text(
        _l("Enter a phone number"),
        max_length=30,
        validate=validate.Regexp(r"^\+?[0-9 ()-]{7,30}$", error=_l("Enter a phone number, like 01632 960 001")),
    )
    email = email_address(_l("Enter your email address"))
    work_address = Text(max_length=500)


class AddressPeriodSchema(AddressSchema):
    """An address lived at, and when (no to_date: the current address)."""

    from_date = when(_l("Enter the date you moved in"))
    to_date = when(_l("Enter the date you moved out"), optional=True)


class _Dated(PageSchema):
    """A page whose rules depend on today's date."""

    def __init__(self, *, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.today = today or uk_today()


class AddressHistorySchema(_Dated):
    """Every address of the last 5 years, with no gaps."""

    addresses = _list(AddressPeriodSchema, _l("Add the addresses you have lived at in the last 5 years"), at_least=1)

    @validates_schema
    def _covers_five_years(self, data: dict[str, Any], **_kwargs: Any) -> None:
        problems = address_history_problems(data["addresses"], self.today)
        if problems:
            raise ValidationError(problems, "addresses")


_MedicalAnswers = PageSchema.from_dict(
    {key: yes_no(_l("Select yes or no for: %(condition)s", condition=label)) for key, label in MEDICAL_CONDITIONS},
    name="MedicalAnswers",
)


class MedicalSchema(_MedicalAnswers):
    """The medical declaration: yes or no for each condition, details for every yes."""

    details = Text(max_length=2000)

    @validates_schema
    def _details_for_yes(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if declared_conditions(data) and not data["details"]:
            raise refuse(_l("Give details of each condition you answered yes to"), "details")


class GPPracticeSchema(AddressSchema):
    """A GP practice the applicant was registered with, and when (no to_date: the current one)."""

    name = Text(_l("Enter the name of the GP practice"))
    phone = Text(max_length=30)
    from_date = when(_l("Enter the date you joined the practice"))
    to_date = when(_l("Enter the date you left the practice"), optional=True)


class GPSchema(_Dated):
    """The current GP and every practice of the last 10 years, and consent to contact the GP."""

    practices = _list(
        GPPracticeSchema, _l("Add the GP practices you have been registered with in the last 10 years"), at_least=1
    )
    consent_to_contact_gp = yes_no(_l("Select yes if you agree to us contacting your GP"))

    @validates_schema
    def _covers_ten_years(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        problems = gp_history_problems(data["practices"], self.today)
        if problems:
            errors["practices"] = problems
        if data["consent_to_contact_gp"] is not True:
            errors["consent_to_contact_gp"] = [_l("We cannot process your application unless we can contact your GP")]
        if errors:
            raise ValidationError(errors)


class ConvictionSchema(PageSchema):
    """One conviction or caution (speeding included; parking and fixed penalties are not asked for)."""

    date = when(
        _l("Enter the date of the conviction or caution"),
        past=_l("The date of the conviction or caution must be in the past"),
    )
    offence = Text(_l("Enter the offence"), max_length=300)
    court_or_force = Text(_l("Enter the court, or the police force that gave the caution"), max_length=200)
    outcome = Text(_l("Enter the sentence or outcome"), max_length=300)


class ConvictionsSchema(PageSchema):
    """Convictions and cautions, including for speeding."""

    has_convictions = yes_no(
        _l("Select yes if you have ever been convicted of an offence or cautioned, including for speeding")
    )
    convictions = _list(ConvictionSchema, _l("Add each conviction or caution"))

    @validates_schema
    def _listed_when_yes(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["has_convictions"] and not data["convictions"]:
            raise refuse(_l("Add each conviction or caution"), "convictions")
        if not data["has_convictions"] and data["convictions"]:
            raise refuse(_l("Remove the convictions, or select yes"), "convictions")


class FirearmSchema(PageSchema):
    """One firearm (or sound moderator) to hold, its ammunition, and the good reason for it."""

    type = one_of(FIREARM_TYPES, _l("Select the type of firearm"))
    calibre = Text(_l("Enter the calibre, for example .22 or 6.5mm"), max_length=30)
    quantity = whole_number(_l("Enter how many"), 1, 20, _l("Enter a number from 1 to 20"))
    ammunition_to_hold = whole_number(
        _l("Enter how many rounds you want to hold"), 0, 100_000, _l("Enter a number of rounds from 0 to 100,000")
    )
    ammunition_to_acquire = whole_number(
        _l("Enter how many rounds you want to buy at one time"),
        0,
        100_000,
        _l("Enter a number of rounds from 0 to 100,000"),
    )
    reason = one_of(GOOD_REASONS, _l("Select your reason for having this firearm"))
    club_name = Text(max_length=200)
    land_details = Text(max_length=1000)
    reason_details = Text(max_length=1000)

    @validates_schema
    def _evidence_for_reason(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["reason"] == "target_shooting" and not data["club_name"]:
            raise refuse(_l("Enter the name of the club you shoot with"), "club_name")
        if data["reason"] in LAND_REASONS and not data["land_details"]:
            raise refuse(_l("Enter the land you have permission to shoot over"), "land_details")
        if data["reason"] in ("collecting", "other") and not data["reason_details"]:
            raise refuse(_l("Explain your reason for having this firearm"), "reason_details")


class FirearmsSchema(PageSchema):
    """The firearms and ammunition the applicant wants to hold (firearm certificates)."""

    firearms = _list(FirearmSchema, _l("Add at least one firearm"), at_least=1)


class SecuritySchema(PageSchema):
    """How the firearms and ammunition will be kept safe."""

    storage = one_of(STORAGE, _l("Select how you will store your firearms"))
    storage_location = Text(_l("Enter where in your home they will be stored"), max_length=500)
    alarm = yes_no(_l("Select yes if your home has an intruder alarm"))
    ammunition_stored_separately = yes_no(_l("Select yes if ammunition will be stored separately"))
    details = Text(max_length=1000)

    @validates_schema
    def _describe_other(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["storage"] == "other" and not data["details"]:
            raise refuse(_l("Describe how you will store your firearms"), "details")


class RefereeSchema(PageSchema):
    """A referee's details and the applicant's answers about them."""

    name = Text(_l("Enter the referee's full name"))
    email = email_address(_l("Enter the referee's email address"))
    phone = Text(_l("Enter the referee's phone number"), max_length=30)
    address = fields.Nested(
        AddressSchema, required=True, error_messages={"required": _l("Enter the referee's address")}
    )
    country = one_of(COUNTRIES, _l("Select where the referee lives"))
    relationship = one_of(RELATIONSHIPS, _l("Select how you know the referee"))
    years_known = whole_number(
        _l("Enter how many years the referee has known you"), 0, 120, _l("Enter a number of years from 0 to 120")
    )
    firearms_dealer = yes_no(_l("Select yes if the referee is a registered firearms dealer"))
    police = yes_no(_l("Select yes if the referee is a police officer or works for the police"))


class RefereesSchema(PageSchema):
    """The referees: two for a firearm certificate, one for a shotgun certificate alone."""

    referees = _list(RefereeSchema, _l("Add your referees"), at_least=1)

    def __init__(
        self, *, certificates: tuple[str, ...] | list[str], applicant: Mapping[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.needed = referees_required(certificates)
        self.applicant = applicant

    @validates_schema
    def _eligible(self, data: dict[str, Any], **_kwargs: Any) -> None:
        referees = data["referees"]
        problems = []
        if len(referees) != self.needed:
            problems.append(
                ngettext("Give the details of %(num)d referee", "Give the details of %(num)d referees", self.needed)
            )
        emails = [r["email"].casefold() for r in referees]
        if len(set(emails)) != len(emails):
            problems.append(_l("Each referee must be a different person"))
        for referee in referees:
            problems.extend(referee_problems(referee, self.applicant))
        if problems:
            raise ValidationError(problems, "referees")


def applicant_of(answers: Mapping[str, Any]) -> dict[str, str]:
    """Return the applicant's full name and email from the personal details page's answers."""
    personal = answers.get("personal") or {}
    name = " ".join(part for part in (personal.get("forenames"), personal.get("surname")) if part)
    return {"name": name, "email": personal.get("email") or ""}


PAGES: dict[str, type[Schema]] = {
    "application": ApplicationSchema,
    "personal": PersonalDetailsSchema,
    "addresses": AddressHistorySchema,
    "medical": MedicalSchema,
    "gp": GPSchema,
    "convictions": ConvictionsSchema,
    "firearms": FirearmsSchema,
    "security": SecuritySchema,
    "referees": RefereesSchema,
}


def page_schema(page: str, answers: Mapping[str, Any], today: date | None = None) -> Schema:
    """Build the schema for `page`, given the answers so far (the referees page needs the application page)."""
    schema = PAGES[page]
    if issubclass(schema, _Dated):
        return schema(today=today)
    if schema is RefereesSchema:
        certificates = (answers.get("application") or {}).get("certificates") or ()
        return RefereesSchema(certificates=certificates, applicant=applicant_of(answers))
    return schema()


def clean_page(
    page: str, raw: Mapping[str, Any], answers: Mapping[str, Any], today: date | None = None
) -> dict[str, Any]:
    """Validate one page's raw answers and return them ready for Case.data (raises marshmallow.ValidationError)."""
    schema = page_schema(page, answers, today)
    return schema.dump(schema.load(raw))
