"""Helpers that make a request as the public would and work it as staff would, through the real pages."""

from __future__ import annotations

import re
from io import BytesIO

from frontcounter.testing import add_staff, csrf_token, mailbox, staff_sign_in, submit
from PIL import Image, ImageDraw

ANSWERS = {
    "who": {"for_whom": "self"},
    "details": {"full_name": "Alex Archer", "previous_names": "Alex Bowman", "date_of_birth-day": "12",
                "date_of_birth-month": "5", "date_of_birth-year": "1980", "email": "alex@example.com"},
    "addresses": {"address": "1 High Street\nAlphatown", "postcode": "AL1 1AA",
                  "previous_addresses": "5 Low Road, Bravoton (2015 to 2020)"},
    "what": {"scope": "everything", "references": "ALP-SA-26-000001"},
    "receive": {"delivery": "download"},
}


def png(size: tuple[int, int] = (300, 200), colour: str = "#dd0000") -> bytes:
    """A PNG with a coloured square in its top left quarter."""
    image = Image.new("RGB", size, "#ffffff")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2, size[1] // 2), fill=colour)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pdf_with(*lines: str) -> bytes:
    """A real text PDF (WeasyPrint) with one paragraph per line."""
    from weasyprint import HTML

    body = "".join(f"<p style='font-size:16pt'>{line}</p>" for line in lines)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def as_guest(client, force: str = "alpha") -> None:
    """Choose to continue without an account on the force's start page."""
    assert submit(client, f"/{force}/start/subject_access", {"how": "guest"}).status_code == 302


def make_request(client, force: str = "alpha", **changes: dict) -> str:
    """Answer every page and send the request; return its reference."""
    as_guest(client, force)
    for page, answers in ANSWERS.items():
        response = submit(client, f"/{force}/subject_access/ask/{page}", {**answers, **changes.get(page, {})})
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    response = submit(client, f"/{force}/subject_access/check", {})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    match = re.search(r"/request/([A-Z0-9-]+)/identity", response.headers["Location"])
    assert match
    return match.group(1)


def upload_id(client, reference: str, data: bytes | None = None, name: str = "licence.png", force: str = "alpha"):
    """Upload proof of identity on the request's page."""
    url = f"/{force}/subject_access/request/{reference}/identity"
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "evidence": (BytesIO(data or png()), name)},
                       content_type="multipart/form-data")


def staff(app, force, email: str, roles: list[str]):
    """A signed-in staff member's test client."""
    add_staff(app, force, email, roles)
    client = app.test_client()
    staff_sign_in(client, app, force.slug, email)
    return client


def post(client, url: str, data: dict, page: str | None = None, **kwargs):
    """POST a staff form with the CSRF token of the page it is on."""
    token = csrf_token(client.get(page or url.rsplit("/", 1)[0]).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def case_url(reference: str, force: str = "alpha") -> str:
    return f"/{force}/staff/subject_access/r/{reference}"


def act(client, reference: str, action: str, data: dict, force: str = "alpha", **kwargs):
    """Take an action on the staff page of a request."""
    page = case_url(reference, force)
    return post(client, f"{page}/{action}", data, page=page, **kwargs)


def last_email(app, to: str, subject_part: str):
    """The newest email to `to` whose subject contains `subject_part`."""
    found = [m for m in mailbox(app, to) if subject_part in m.subject]
    assert found, [m.subject for m in mailbox(app, to)]
    return found[-1]
