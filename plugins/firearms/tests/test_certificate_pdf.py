"""The certificate PDF as the holder sees it: rendered to an image, one page, their photo printed, the
conditions in plain words and the date of birth in UK long form."""

from __future__ import annotations

import os
from io import BytesIO

import pypdfium2 as pdfium
import pytest
from frontcounter.cases.models import Case
from frontcounter.documents.models import Document
from frontcounter.documents.storage import storage
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import run_jobs
from frontcounter_firearms.decisions import grant

from plugins.firearms.tests.test_public_journey import apply_for_a_grant

TEAL = (0, 128, 128)  # the colour of the photo the applicant uploaded (test_public_journey.jpeg)


@pytest.fixture
def client(app):
    """A browser without an account (its own cookies)."""
    return app.test_client()


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], slack: int = 12) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], colour, strict=True))


def test_the_certificate_prints_the_photo_on_one_page_with_uk_dates_and_plain_conditions(
    app, client, firearms_forces, tmp_path
):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    with app.test_request_context(), tenant_context(alpha):
        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        grant(found, "test: supervisor")
        db.session.commit()
    run_jobs(app)
    with app.app_context(), tenant_context(alpha):
        document = db.session.scalars(db.select(Document).filter_by(kind="certificate")).one()
        with storage().open(document.storage_key) as stream:
            pdf_bytes = stream.read()

    pdf = pdfium.PdfDocument(pdf_bytes)
    assert len(pdf) == 1  # no second page holding two lines
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "1 January 1980" in text and "1980-01-01" not in text
    assert (
        "The holder must, without undue delay, inform the chief officer of police by whom the certificate was "
        "granted of any change in their permanent address." in text
    )
    assert "within 21 days of any change" not in text
    image = pdf[0].render(scale=1.5).to_pil().convert("RGB")
    out = os.environ.get("FIREARMS_PDF_PNG") or str(tmp_path / "certificate.png")
    image.save(out)
    raw = image.tobytes()
    teal = sum(1 for i in range(0, len(raw), 3) if near(tuple(raw[i : i + 3]), TEAL))
    assert teal > 1000, f"the applicant's photo is not on the certificate (teal pixels: {teal})"
    assert BytesIO(pdf_bytes).getvalue().startswith(b"%PDF")
