"""Give a temporary event notice: its timing, the limits against the notices the force holds, the case,
the copies to the premises user, the licensing authority and the force's licensing team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from frontcounter.audit import record as audit
from frontcounter.calendar import uk_end_of_day, uk_now
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.cases.tracking import tracking_url
from frontcounter.extensions import db
from frontcounter.notifications import send_email
from frontcounter.refusals import Refused
from frontcounter.tenancy.services import service_settings
from frontcounter_liquor.authorities import SERVICE_KEY
from frontcounter_liquor.limits import Breach, NoticeFacts, check_limits
from frontcounter_liquor.models import EventNotice
from frontcounter_liquor.notice_input import NoticeInput
from frontcounter_liquor.timing import Timing, classify, objection_due


class NoticeRefused(Refused):
    """A notice that cannot be given (out_of_time)."""


@dataclass(frozen=True)
class Preview:
    """What the premises user is shown before giving the notice."""

    timing: Timing
    breaches: list[Breach]
    objection_due: date


def facts(notice: NoticeInput | EventNotice, late: bool, reference: str = "") -> NoticeFacts:
    """The facts the limits look at, from a notice being given or one held."""
    return NoticeFacts(
        user_key=notice.user_key,
        premises_key=notice.premises_key,
        personal_licence=notice.personal_licence,
        late=late,
        start=notice.starts_at,
        end=notice.ends_at,
        reference=reference,
    )


def held_notices(notice: NoticeInput | EventNotice) -> list[NoticeFacts]:
    """The force's counted notices by the same user or for the same premises in the years the event touches."""
    years = range(notice.starts_at.year - 1, notice.ends_at.year + 1)
    rows = db.session.execute(
        db.select(EventNotice, Case.reference)
        .join(Case, Case.id == EventNotice.case_id)
        .where(
            EventNotice.counted.is_(True),
            (EventNotice.user_key == notice.user_key) | (EventNotice.premises_key == notice.premises_key),
            EventNotice.first_year.in_(list(years)) | EventNotice.last_year.in_(list(years)),
        )
    ).all()
    return [facts(row, row.kind == "late", reference) for row, reference in rows]


def preview(notice: NoticeInput, received: date) -> Preview:
    """Standard, late or out of time; the limits it would exceed; the end of the police objection window."""
    timing = classify(received, notice.starts_at.date())
    days = service_settings(SERVICE_KEY)["ten_objection_working_days"]
    breaches = check_limits(facts(notice, timing.kind == "late"), held_notices(notice)) if timing.valid else []
    return Preview(timing, breaches, objection_due(received, days))


def give_notice(notice: NoticeInput, received: date, *, source: str, actor: str, account_id: int | None = None) -> Case:
    """Open the case and record the notice (not committed); raise NoticeRefused when it is out of time."""
    seen = preview(notice, received)
    if not seen.timing.valid:
        raise NoticeRefused(out_of_time_message(seen.timing), "out_of_time")
    case = engine.open_case(
        SERVICE_KEY,
        applicant_email=notice.user_email,
        applicant_name=notice.user_name,
        account_id=account_id,
        data={"type": "ten", "kind": seen.timing.kind.value},
        actor=actor,
        channel=source,
    )
    row = EventNotice(
        case_id=case.id, kind=seen.timing.kind.value, source=source, user_name=notice.user_name,
        user_dob=notice.user_dob, user_email=notice.user_email, user_phone=notice.user_phone,
        user_address=notice.user_address, user_key=notice.user_key, personal_licence=notice.personal_licence,
        licence_number=notice.licence_number, licence_authority=notice.licence_authority,
        premises_address=notice.premises_address, premises_postcode=notice.premises_postcode,
        open_land=notice.open_land, premises_key=notice.premises_key, authority_key=notice.authority.key,
        authority_name=notice.authority.name, authority_email=notice.authority.email,
        authority_reference=notice.authority_reference, starts_at=notice.starts_at, ends_at=notice.ends_at,
        first_year=notice.starts_at.year, last_year=notice.ends_at.year, people=notice.people,
        activities=notice.activities, alcohol=notice.alcohol, alcohol_on_premises=notice.alcohol_where,
        received_on=received, working_days=seen.timing.working_days, objection_due=seen.objection_due,
        breaches=[{"code": b.code, "message": b.message} for b in seen.breaches],
    )
    db.session.add(row)
    case.deadline_at = uk_end_of_day(seen.objection_due)
    audit("liquor.notice_given", target=f"case:{case.reference}",
          after={"kind": row.kind, "received_on": received.isoformat(), "breaches": [b.code for b in seen.breaches]},
          actor=actor)
    db.session.flush()
    send_copies(case, row)
    return case


def out_of_time_message(timing: Timing) -> str:
    """Why a notice cannot be given now, with the dates that matter."""
    return _(
        "This is too late to be a temporary event notice. There are only %(days)d working days between today and "
        "the first day of the event; a late notice needs at least 5. The last day to give a late notice for this "
        "event was %(day)s.",
        days=timing.working_days,
        day=timing.last_late_day.strftime("%-d %B %Y"),
    )


def team_email() -> str:
    """The force's licensing team address (may be empty)."""
    return service_settings(SERVICE_KEY).get("licensing_team_email", "")


def send_copies(case: Case, notice: EventNotice) -> None:
    """Email the notice to the premises user (with the tracking link), the licensing authority and the team."""
    subject = _("Temporary event notice %(reference)s", reference=case.reference)
    link = tracking_url(case)
    settings = service_settings(SERVICE_KEY)
    send_email(notice.user_email, subject, "email/liquor/notice_given", case=case, notice=notice, link=link,
               to_user=True, settings=settings)
    for address in {notice.authority_email, team_email()} - {""}:
        send_email(address, subject, "email/liquor/notice_given", case=case, notice=notice, link=None,
                   to_user=False, settings=settings)


def notice_of(case: Case) -> EventNotice | None:
    """The notice behind a case, or None for an application."""
    return db.session.scalar(db.select(EventNotice).where(EventNotice.case_id == case.id))


def withdraw_notice(case: Case, notice: EventNotice, *, actor: str) -> None:
    """The premises user withdraws the notice (before the event): it stops counting and the authority is told."""
    if notice.starts_at <= uk_now().replace(tzinfo=None):
        raise engine.TransitionRefused(_("The event has started, so the notice can no longer be withdrawn."),
                                       "event_started")
    engine.fire(case, "withdraw", actor=actor, as_applicant=True)
    notice.counted = False
    case.deadline_at = None
    subject = _("Temporary event notice %(reference)s withdrawn", reference=case.reference)
    for address in {notice.authority_email, team_email()} - {""}:
        send_email(address, subject, "email/liquor/withdrawn", case=case, notice=notice)
