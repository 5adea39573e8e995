"""The sample service's documents pages: the applicant uploads a photo, staff generate a permit PDF."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from frontcounter.cases.engine import find_case
from frontcounter.cases.models import Case
from frontcounter.cases.public_views import visible_case
from frontcounter.documents.pdf import generate_document
from frontcounter.documents.uploads import IMAGES, MB, UploadRejected, store_upload
from frontcounter.extensions import db

from frontcounter_sample.views import public, staff

PHOTO_MAX_BYTES = 2 * MB


def _sample(case: Case | None) -> Case:
    if case is None or case.service_key != "sample":
        abort(404)
    return case


@public.route("/cases/<reference>/photo", methods=["GET", "POST"])
def upload_photo(reference: str):
    """The applicant uploads a photo of themselves for their permit (JPG or PNG, up to 2MB)."""
    case = _sample(visible_case(reference, request.args.get("token")))
    error = None
    if request.method == "POST":
        try:
            store_upload(request.files.get("photo"), case, "photo", allowed=IMAGES, max_bytes=PHOTO_MAX_BYTES)
            db.session.commit()
        except UploadRejected as rejected:
            db.session.rollback()
            error = rejected
        else:
            flash(_("Your photo has been uploaded."), "success")
            return redirect(url_for("sample.upload_photo", reference=case.reference))
    return render_template(
        "sample/upload_photo.html",
        case=case,
        error=error,
        title=_("Upload a photo of yourself"),
        field="photo",
        label=_("Upload a photo"),
        hint=_("A JPG or PNG file, smaller than 2MB."),
        accept=".jpg,.jpeg,.png",
        action=url_for("sample.upload_photo", reference=case.reference),
        back_href=url_for("cases_public.track", reference=case.reference),
    )


@staff.get("/cases/<reference>/permit")
def permit_certificate(reference: str):
    """Staff page to generate the permit certificate (PDF) for a case."""
    case = _sample(find_case(reference))
    return render_template(
        "documents/generate.html",
        case=case,
        title=_("Generate the permit certificate"),
        description=_("The certificate is added to the case and the applicant can download it."),
        action=url_for("sample_staff.generate_permit", reference=case.reference),
        button=_("Generate permit"),
    )


@staff.post("/cases/<reference>/permit")
def generate_permit(reference: str):
    """Generate the permit certificate as a PDF document of the case."""
    case = _sample(find_case(reference))
    document = generate_document(
        case,
        "certificate",
        "pdf/sample_permit.html",
        f"permit-{case.reference}.pdf",
        holder=case.applicant_name,
        vehicle=case.data.get("vehicle", ""),
    )
    db.session.commit()
    flash(_("Permit certificate %(name)s generated.", name=document.filename), "success")
    return redirect(url_for("sample_staff.permit_certificate", reference=case.reference))
