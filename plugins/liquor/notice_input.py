"""Read and check a temporary event notice as the premises user gives it (the web form and the API share this).

`read_notice` takes plain values (text from a form, or JSON) and returns either a NoticeInput or the problems
keyed by field name, each with a message for people. Nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter_liquor.authorities import Authority, area, authority_for, force_areas, normalise_postcode
from frontcounter_liquor.limits import event_problems

ACTIVITIES = {
    "entertainment": _l("Regulated entertainment (music, dancing, plays, films, indoor sport)"),
    "late_night_refreshment": _l("Hot food or drink between 11pm and 5am"),
    "club_supply": _l("Supplying alcohol to club members"),
}
ALCOHOL_WHERE = {"on": _l("On the premises"), "off": _l("Off the premises"), "both": _l("Both")}
MAX_YEARS_AHEAD = 3  # not statutory: keeps the working-day count bounded
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]?([0-5][0-9])$")


@dataclass
class NoticeInput:
    """A checked notice, ready to be given."""

    user_name: str
    user_dob: date
    user_email: str
    user_phone: str
    user_address: str
    personal_licence: bool
    licence_number: str
    licence_authority: str
    premises_address: str
    premises_postcode: str
    open_land: str
    starts_at: datetime
    ends_at: datetime
    people: int
    activities: list[str]
    alcohol: bool
    alcohol_where: str
    authority: Authority
    authority_reference: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def user_key(self) -> str:
        """Who gives the notice, for the per-user limits: name and date of birth, normalised."""
        return f"{_squash(self.user_name)}|{self.user_dob.isoformat()}"

    @property
    def premises_key(self) -> str:
        """Which premises, for the per-premises limits: postcode and first line, or the open land described."""
        if self.open_land:
            return f"land|{self.premises_postcode}|{_squash(self.open_land)[:200]}"
        first_line = self.premises_address.strip().splitlines()[0] if self.premises_address.strip() else ""
        return f"{self.premises_postcode}|{_squash(first_line)[:200]}"

    def to_json(self) -> dict[str, Any]:
        """The notice as JSON-safe values (kept in the session between the form and the check page)."""
        out = asdict(self)
        out["authority"] = self.authority.key
        for key in ("user_dob", "starts_at", "ends_at"):
            out[key] = getattr(self, key).isoformat()
        return out


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def _yes(raw: dict[str, Any], key: str) -> bool | None:
    value = raw.get(key)
    if isinstance(value, bool):
        return value
    return {"yes": True, "true": True, "no": False, "false": False}.get(_text(raw, key).lower())


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _time(value: str) -> time | None:
    match = _TIME.match(value.replace(" ", ""))
    return time(int(match.group(1)), int(match.group(2))) if match else None


def age_on(born: date, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def read_notice(
    raw: dict[str, Any], today: date, settings: dict[str, Any] | None = None
) -> tuple[NoticeInput | None, dict[str, str]]:
    """Check a notice given on `today` (a UK date); return it, or None and the problems by field name."""
    errors: dict[str, str] = {}
    name = _text(raw, "user_name")
    if not name:
        errors["user_name"] = _("Enter your full name")
    elif len(name) > 200:
        errors["user_name"] = _("Your name must be 200 characters or fewer")
    dob = _date(_text(raw, "user_dob"))
    if dob is None:
        errors["user_dob"] = _("Enter your date of birth as a real date, for example 27 3 1980")
    elif dob >= today:
        errors["user_dob"] = _("Your date of birth must be in the past")
    elif age_on(dob, today) < 18:
        errors["user_dob"] = _("You must be 18 or over to give a temporary event notice")
    email = _text(raw, "user_email").lower()
    if not _EMAIL.match(email) or len(email) > 320:
        errors["user_email"] = _("Enter an email address in the correct format, like name@example.com")
    address = _text(raw, "user_address")
    if not address:
        errors["user_address"] = _("Enter your address")
    holder = _yes(raw, "personal_licence")
    number, issuer = _text(raw, "licence_number"), _text(raw, "licence_authority")
    if holder is None:
        errors["personal_licence"] = _("Select yes if you hold a personal licence")
    elif holder:
        if not number:
            errors["licence_number"] = _("Enter your personal licence number")
        if not issuer:
            errors["licence_authority"] = _("Enter the licensing authority that issued your personal licence")
    kind = _text(raw, "premises_type") or ("land" if _text(raw, "open_land") else "address")
    premises, land = _text(raw, "premises_address"), _text(raw, "open_land")
    if kind == "land":
        premises = ""
        if not land:
            errors["open_land"] = _("Describe where the event is, for example the field and the road it is off")
    else:
        land = ""
        if not premises:
            errors["premises_address"] = _("Enter the address of the premises")
    postcode = normalise_postcode(_text(raw, "premises_postcode"))
    authority = None
    if postcode is None:
        errors["premises_postcode"] = (
            _("Enter the nearest postcode to the land") if kind == "land" else _("Enter a real postcode, like BH15 1AA")
        )
    else:
        authority = authority_for(postcode, settings)
        if authority is None:
            areas = force_areas()
            errors["premises_postcode"] = _(
                "%(postcode)s is not in this force's area. Give the notice to the police force for the premises.",
                postcode=postcode,
            ) if not areas or area(postcode) not in areas else _(
                "We cannot find the licensing authority for %(postcode)s. Contact the force's licensing team.",
                postcode=postcode,
            )
    start_day, end_day = _date(_text(raw, "start_date")), _date(_text(raw, "end_date"))
    start_time, end_time = _time(_text(raw, "start_time")), _time(_text(raw, "end_time"))
    if start_day is None:
        errors["start_date"] = _("Enter the date the event starts as a real date")
    elif start_day <= today:
        errors["start_date"] = _("The event must start after today")
    elif start_day.year > today.year + MAX_YEARS_AHEAD:
        errors["start_date"] = _("The event must start within the next %(years)d years", years=MAX_YEARS_AHEAD)
    if start_time is None:
        errors["start_time"] = _("Enter the time the event starts, like 19:00")
    if end_day is None:
        errors["end_date"] = _("Enter the date the event ends as a real date")
    if end_time is None:
        errors["end_time"] = _("Enter the time the event ends, like 23:30")
    starts = ends = None
    if start_day and start_time and end_day and end_time:
        starts, ends = datetime.combine(start_day, start_time), datetime.combine(end_day, end_time)
        if ends <= starts:
            errors.setdefault("end_date", _("The event must end after it starts"))
    people_text = _text(raw, "people")
    people = int(people_text) if people_text.isdigit() else None
    if people is None or people < 1:
        errors["people"] = _("Enter the largest number of people at the event at any one time, as a whole number")
    if people and starts and ends and ends > starts:
        for key, message in event_problems(people, starts, ends).items():
            errors.setdefault(key, message)
    activities = raw.get("activities") or []
    if isinstance(activities, str):
        activities = [activities]
    activities = [str(a) for a in activities] if isinstance(activities, list) else [""]
    if any(a not in ACTIVITIES for a in activities):
        errors["activities"] = _("Choose activities from the list")
    alcohol = _yes(raw, "alcohol")
    where = _text(raw, "alcohol_where")
    if alcohol is None:
        errors["alcohol"] = _("Select yes if you will sell alcohol")
    elif alcohol and where not in ALCOHOL_WHERE:
        errors["alcohol_where"] = _("Select where the alcohol will be drunk")
    elif alcohol is False and not activities and "activities" not in errors:
        errors["activities"] = _("A temporary event notice is for selling alcohol or another licensable activity")
    reference = _text(raw, "authority_reference")
    if len(reference) > 60:
        errors["authority_reference"] = _("The reference must be 60 characters or fewer")
    if errors:
        return None, errors
    assert dob and postcode and authority and starts and ends and people is not None and holder is not None
    return NoticeInput(
        user_name=name, user_dob=dob, user_email=email, user_phone=_text(raw, "user_phone")[:40],
        user_address=address, personal_licence=holder, licence_number=number if holder else "",
        licence_authority=issuer if holder else "", premises_address=premises, premises_postcode=postcode,
        open_land=land, starts_at=starts, ends_at=ends, people=people, activities=activities,
        alcohol=bool(alcohol), alcohol_where=where if alcohol else "", authority=authority,
        authority_reference=reference,
    ), {}


def notice_from_json(values: dict[str, Any], settings: dict[str, Any] | None = None) -> NoticeInput:
    """Rebuild a NoticeInput from NoticeInput.to_json() (the session copy between form and check page)."""
    from frontcounter_liquor.authorities import authority_by_key

    data = dict(values)
    data["authority"] = authority_by_key(data["authority"], settings)
    if data["authority"] is None:
        raise ValueError("unknown authority")
    data["user_dob"] = date.fromisoformat(data["user_dob"])
    data["starts_at"] = datetime.fromisoformat(data["starts_at"])
    data["ends_at"] = datetime.fromisoformat(data["ends_at"])
    return NoticeInput(**data)
