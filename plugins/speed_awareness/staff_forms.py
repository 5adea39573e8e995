"""Read the staff forms for venues, trainers and course sessions into values, or errors per field id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from frontcounter.accounts.models import StaffMember
from frontcounter.bookings import SlotSpec
from frontcounter.bookings.forms import MAX_SERIES, SlotForm, in_order, read_date, read_weekly, whole_number
from frontcounter.bookings.recurrence import weekly
from frontcounter.bookings.slots import MAX_CAPACITY
from frontcounter.bookings.times import now_utc, parse_time, uk_to_utc
from frontcounter.extensions import db
from frontcounter_speed_awareness.courses import COURSE_TYPES
from frontcounter_speed_awareness.models import Trainer, Venue
from frontcounter_speed_awareness.sessions import session_spec
from werkzeug.datastructures import MultiDict

_POSTCODE_MAX = 10
_JOINING_LINK_MAX = 500


# The core's slot form holds what was typed, the errors by field and the slots it describes.
StaffForm = SlotForm


def _text(form: Mapping[str, str], name: str, errors: dict[str, str], what: str, *, limit: int = 200) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        errors[name] = _("Enter %(what)s", what=what)
    elif len(value) > limit:
        errors[name] = _("%(what)s must be %(num)d characters or fewer", what=what.capitalize(), num=limit)
    return value


def read_venue(form: MultiDict[str, str]) -> StaffForm:
    """Read the venue form: name, address, postcode, online or not, in use or not."""
    errors: dict[str, str] = {}
    name = _text(form, "name", errors, _("the venue's name"))
    online = form.get("online") == "yes"
    address = (form.get("address") or "").strip()
    postcode = (form.get("postcode") or "").strip().upper()
    if not online and not address:
        errors["address"] = _("Enter the venue's address")
    elif len(address) > 1000:
        errors["address"] = _("Address must be 1000 characters or fewer")
    if len(postcode) > _POSTCODE_MAX:
        errors["postcode"] = _("Enter a real postcode, like AL1 1AA")
    values = {
        "name": name,
        "address": address,
        "postcode": postcode,
        "online": online,
        "active": form.get("active", "yes") == "yes",
    }
    return StaffForm(values=values, errors=errors)


def read_trainer(form: MultiDict[str, str]) -> StaffForm:
    """Read the trainer form: name, email, the staff sign-in they mark registers with, in use or not."""
    errors: dict[str, str] = {}
    name = _text(form, "name", errors, _("the trainer's name"))
    email = _text(form, "email", errors, _("the trainer's email address"), limit=320).lower()
    if email and "@" not in email:
        errors["email"] = _("Enter an email address in the correct format, like name@example.com")
    staff_text = (form.get("staff_member_id") or "").strip()
    staff_member_id = None
    if staff_text:
        staff_member_id = int(staff_text) if staff_text.isdecimal() and len(staff_text) < 10 else None
        if staff_member_id is None or db.session.get(StaffMember, staff_member_id) is None:
            errors["staff_member_id"] = _("Select a member of staff from the list")
    values = {
        "name": name,
        "email": email,
        "staff_member_id": staff_member_id,
        "active": form.get("active", "yes") == "yes",
    }
    return StaffForm(values=values, errors=errors)


@dataclass
class _SessionChoices:
    course_type: str
    venue: Venue | None
    trainer: Trainer | None
    places: int | None
    joining_link: str
    start: time | None


def _session_choices(form: MultiDict[str, str], errors: dict[str, str]) -> _SessionChoices:
    course_type = form.get("course_type", "")
    if course_type not in COURSE_TYPES:
        errors["course_type"] = _("Select the course")
    venue = _chosen(Venue, form.get("venue_id", ""))
    if venue is None or not venue.active:
        errors["venue_id"] = _("Select where the course is held")
        venue = None
    trainer = None
    if form.get("trainer_id"):
        trainer = _chosen(Trainer, form.get("trainer_id", ""))
        if trainer is None or not trainer.active:
            errors["trainer_id"] = _("Select a trainer from the list")
    places = whole_number(form.get("places", ""), 1, MAX_CAPACITY)
    if places is None:
        errors["places"] = _("Places must be a whole number from 1 to %(max)d", max=MAX_CAPACITY)
    joining_link = (form.get("joining_link") or "").strip()
    if venue is not None and venue.online:
        if not joining_link.startswith("https://") or len(joining_link) > _JOINING_LINK_MAX or " " in joining_link:
            errors["joining_link"] = _("Enter the joining link of the video call, starting https://")
    start = parse_time(form.get("start", ""))
    if start is None:
        errors["start"] = _("Enter a start time, like 10:00 or 2:30pm")
    return _SessionChoices(course_type, venue, trainer, places, joining_link, start)


def _chosen(model: type, text: str) -> Any:
    text = (text or "").strip()
    if not text.isdecimal() or len(text) > 9:
        return None
    return db.session.get(model, int(text))


def _specs(choices: _SessionChoices, starts: list[datetime]) -> list[SlotSpec]:
    assert choices.venue is not None and choices.places is not None
    return [
        session_spec(
            choices.course_type,
            starts_at,
            choices.venue,
            trainer=choices.trainer,
            places=choices.places,
            joining_link=choices.joining_link,
        )
        for starts_at in starts
    ]


_SINGLE_ORDER = ("course_type", "venue_id", "joining_link", "trainer_id", "date-day", "start", "places")
_SERIES_ORDER = ("course_type", "venue_id", "joining_link", "trainer_id", "first-day", "weekdays", "weeks")
_SERIES_ORDER += ("start", "places")


def read_session(form: MultiDict[str, str]) -> StaffForm:
    """Read the one-session form; the session lasts as long as its course usually does."""
    errors: dict[str, str] = {}
    choices = _session_choices(form, errors)
    day = read_date(form, "date", errors, _("the date"))
    if not errors and day is not None and choices.start is not None and uk_to_utc(day, choices.start) <= now_utc():
        errors["start"] = _("The session must start in the future")
    result = StaffForm(values=form.to_dict(), errors=in_order(errors, _SINGLE_ORDER))
    if result.ok and day is not None:
        assert choices.start is not None
        result.specs = _specs(choices, [uk_to_utc(day, choices.start)])
    return result


def read_series(form: MultiDict[str, str]) -> StaffForm:
    """Read the recurring form: the same session on chosen weekdays for a number of weeks from the first date."""
    errors: dict[str, str] = {}
    choices = _session_choices(form, errors)
    first, weekdays, weeks = read_weekly(form, errors)
    starts: list[datetime] = []
    if not errors and first is not None and weeks is not None and choices.start is not None:
        # weekly() wants an end time; a session's end comes from its course, so any later time will do.
        end = (datetime.combine(first, choices.start) + timedelta(minutes=1)).time()
        now = now_utc()
        starts = [s for s, _e in weekly(first, weeks, weekdays, choices.start, end) if s > now]
        if not starts:
            errors["weekdays"] = _("None of the chosen days fall in those weeks after now")
        elif len(starts) > MAX_SERIES:
            errors["weeks"] = _(
                "That makes %(num)d sessions: the most at once is %(max)d. Choose fewer weeks.",
                num=len(starts),
                max=MAX_SERIES,
            )
    values = {**form.to_dict(), "weekdays": form.getlist("weekdays")}
    result = StaffForm(values=values, errors=in_order(errors, _SERIES_ORDER))
    if result.ok:
        result.specs = _specs(choices, starts)
    return result
