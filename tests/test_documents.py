"""Documents: checked uploads, who may download them, and generated PDFs (through the sample plugin)."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
from frontcounter.audit.models import AuditEvent
from frontcounter.cases import engine
from frontcounter.cases.tracking import tracking_token
from frontcounter.documents.models import Document
from frontcounter.documents.pdf import generate_document, html_to_pdf
from frontcounter.documents.records import delete_document
from frontcounter.documents.storage import LocalStorage
from frontcounter.documents.uploads import UploadRejected, store_upload
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing.pdfs import pdf_streams, pdf_text
from PIL import Image, ImageCms
from werkzeug.datastructures import FileStorage

from tests.conftest import PASSWORD, add_staff, public_account, staff_sign_in, submit

# -- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def upload_dir(app, tmp_path):
    """A fresh, empty upload folder for this test (the app's storage is rebuilt on it)."""
    root = tmp_path / "uploads"
    previous = app.config.get("UPLOAD_DIR")
    app.config["UPLOAD_DIR"] = str(root)
    app.extensions.pop("frontcounter.documents.storage", None)
    yield root
    app.config["UPLOAD_DIR"] = previous
    app.extensions.pop("frontcounter.documents.storage", None)


def _files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _open_case(app, force, email="ann@example.com", account_id=None) -> str:
    with app.app_context(), tenant_context(force):
        case = engine.open_case(
            "sample",
            applicant_email=email,
            applicant_name="Ann Applicant",
            account_id=account_id,
            data={"vehicle": "AB12CDE"},
        )
        db.session.commit()
        return case.reference


def _tracking_visitor(app, force, reference):
    """A browser that opened the case's emailed tracking link (no account)."""
    with app.app_context(), tenant_context(force):
        token = tracking_token(engine.find_case(reference))
    visitor = app.test_client()
    assert visitor.get(f"/{force.slug}/track/{reference}?token={token}").status_code == 200
    return visitor


def _signed_in(app, email):
    account_id = public_account(app, email)
    browser = app.test_client()
    assert submit(browser, "/account/sign-in", {"email": email, "password": PASSWORD}).status_code == 302
    return browser, account_id


def _staff(app, force, email):
    add_staff(app, force, email, ["caseworker"])
    browser = app.test_client()
    staff_sign_in(browser, app, force.slug, email)
    return browser


def _jpeg_with_metadata() -> bytes:
    """A 60x40 photo whose EXIF says "rotate 90°", with a GPS position, camera, ICC, XMP and comment."""
    image = Image.new("RGB", (60, 40), "red")
    image.paste((0, 0, 255), (0, 0, 60, 10))  # a blue band along the top edge, as stored
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: the viewer must turn it 90° clockwise
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 30.0)}  # GPS
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif.tobytes(),
        icc_profile=icc,
        comment=b"secret comment",
        xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>",
        quality=95,
    )
    return out.getvalue()


def _png(size=(30, 20), mode="RGB") -> bytes:
    out = BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def _upload_page(browser, force_slug, reference, filename, data):
    return submit(browser, f"/{force_slug}/sample/cases/{reference}/photo", {"photo": (BytesIO(data), filename)})


def _documents(app, force) -> list[Document]:
    with app.app_context(), tenant_context(force):
        rows = db.session.scalars(db.select(Document).order_by(Document.id)).all()
        db.session.expunge_all()
        return rows




# -- uploads ------------------------------------------------------------------------------------


def test_a_photo_comes_back_upright_and_without_any_metadata(app, forces, upload_dir):
    alpha = forces[0]
    reference = _open_case(app, alpha)
    visitor = _tracking_visitor(app, alpha, reference)
    original = _jpeg_with_metadata()
    response = _upload_page(visitor, "alpha", reference, "../../Users/ann/holiday <1>.JPEG", original)
    assert response.status_code == 302
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your photo has been uploaded." in page

    [document] = _documents(app, alpha)
    assert (document.kind, document.content_type, document.filename) == ("photo", "image/jpeg", "holiday 1.jpg")
    assert f'href="/alpha/documents/{document.id}"' in page  # listed for the applicant
    download = visitor.get(f"/alpha/documents/{document.id}")
    assert download.status_code == 200
    assert download.mimetype == "image/jpeg" and download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("inline")
    clean = download.data
    assert hashlib.sha256(clean).hexdigest() == document.sha256 and len(clean) == document.size
    [stored] = _files(upload_dir)
    assert stored.read_bytes() == clean and stored.parent.name == str(alpha.id)

    for secret in (b"SecretCam", b"secret-xmp", b"secret comment", b"Exif\x00\x00", b"ICC_PROFILE"):
        assert secret in original and secret not in clean
    image = Image.open(BytesIO(clean))
    assert not image.getexif() and not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    # Turned upright first: the stored 60x40 picture is now 40x60, its blue top band on the right.
    assert image.size == (40, 60)
    right, left = image.getpixel((35, 30)), image.getpixel((5, 30))
    assert right[2] > 200 > right[0] and left[0] > 200 > left[2]


def test_a_png_named_pdf_is_stored_as_a_png_or_refused_by_the_allowed_list(app, forces, upload_dir):
    alpha = forces[0]
    reference = _open_case(app, alpha)
    with app.test_request_context("/alpha/"), tenant_context(alpha):
        case = engine.find_case(reference)
        document = store_upload(FileStorage(BytesIO(_png()), "scan.pdf"), case, "id-evidence")
        assert (document.content_type, document.filename) == ("image/png", "scan.png")
        db.session.commit()
        with pytest.raises(UploadRejected) as refused:
            store_upload(FileStorage(BytesIO(_png()), "scan.pdf"), case, "id-evidence", allowed=("application/pdf",))
        assert refused.value.code == "wrong_type" and refused.value.message == "The selected file must be a PDF"
        db.session.rollback()
    assert [d.filename for d in _documents(app, alpha)] == ["scan.png"]
    assert len(_files(upload_dir)) == 1


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("photo.jpg", b"<!doctype html><script>alert(1)</script>", "The selected file must be a JPG or PNG"),
        (
            "photo.jpg",
            b"MZ\x90\x00\x03" + b"\x00" * 400 + b"This program cannot be run in DOS mode",
            "The selected file must be a JPG or PNG",
        ),
        ("photo.jpg", b"%PDF-1.7\n%%EOF\n", "The selected file must be a JPG or PNG"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 200, "The selected file could not be opened"),
        ("photo.jpg", b"", "The selected file is empty"),
        ("", b"", "Select a file"),  # browsers send no name when nothing was chosen
    ],
    ids=["html", "exe", "pdf-not-allowed", "broken-jpeg", "empty", "nothing-chosen"],
)
def test_a_file_that_is_not_an_allowed_image_is_refused_with_an_error_summary(
    app, forces, upload_dir, filename, data, message
):
    alpha = forces[0]
    reference = _open_case(app, alpha)
    visitor = _tracking_visitor(app, alpha, reference)
    response = _upload_page(visitor, "alpha", reference, filename, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and 'href="#photo"' in page and message in page
    assert "<title>Error:" in page and 'id="photo-error"' in page
    assert _documents(app, alpha) == [] and _files(upload_dir) == []


def test_a_file_over_the_limit_is_refused_and_an_oversized_request_gets_a_friendly_page(app, forces, upload_dir):
    alpha = forces[0]
    reference = _open_case(app, alpha)
    visitor = _tracking_visitor(app, alpha, reference)
    too_big = _jpeg_with_metadata() + b"\x00" * (2 * 1024 * 1024)
    page = _upload_page(visitor, "alpha", reference, "big.jpg", too_big).get_data(as_text=True)
    assert "The selected file must be smaller than 2MB" in page
    # Past the platform's request limit (10MB) the request itself is refused, with a page people can read.
    huge = visitor.post(
        f"/alpha/sample/cases/{reference}/photo", data={"photo": (BytesIO(b"\xff" * (11 * 1024 * 1024)), "huge.jpg")}
    )
    assert huge.status_code == 413
    assert "The file you sent is too big" in huge.get_data(as_text=True)
    assert _documents(app, alpha) == [] and _files(upload_dir) == []


def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded(app, forces, upload_dir):
    alpha = forces[0]
    reference = _open_case(app, alpha)
    bomb = _png(size=(8_000, 8_000), mode="1")  # 64 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    with app.test_request_context("/alpha/"), tenant_context(alpha):
        with pytest.raises(UploadRejected) as refused:
            store_upload(FileStorage(BytesIO(bomb), "bomb.png"), engine.find_case(reference), "photo")
    assert refused.value.code == "too_many_pixels"
    assert refused.value.message == "The selected image must be smaller than 20 megapixels"
    assert _files(upload_dir) == []


def test_a_stored_file_lives_and_dies_with_its_transaction(app, forces, upload_dir):
    alpha = forces[0]
    reference = _open_case(app, alpha)
    with app.test_request_context("/alpha/"), tenant_context(alpha):
        case = engine.find_case(reference)
        store_upload(FileStorage(BytesIO(_png()), "a.png"), case, "photo")
        assert len(_files(upload_dir)) == 1  # written once its row is flushed...
        db.session.rollback()
        assert _files(upload_dir) == []  # ...and gone with the rolled-back row
        kept = store_upload(FileStorage(BytesIO(_png()), "b.png"), case, "photo")
        db.session.commit()
        [path] = _files(upload_dir)
        delete_document(kept)
        db.session.rollback()  # a deletion that does not commit keeps the file
        assert path.exists()
        delete_document(db.session.get(Document, kept.id))
        db.session.commit()
        assert not path.exists()
        actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("document.uploaded") == 1 and actions.count("document.deleted") == 1
    assert _documents(app, alpha) == []


def test_local_storage_refuses_keys_the_platform_did_not_make(tmp_path):
    store = LocalStorage(tmp_path)
    for key in ("../secret", "/etc/passwd", "1/../../x", "1/a b", "", "1\\x"):
        with pytest.raises(ValueError, match="Refusing storage key"):
            store.save(key, b"x")
    store.save("1/abc", b"x")
    assert store.open("1/abc").read() == b"x"
    store.delete("1/abc")
    store.delete("1/abc")  # already gone: no error
    assert not (tmp_path / "1" / "abc").exists()


# -- who may download ---------------------------------------------------------------------------


def test_only_the_owner_tracking_link_holder_and_the_forces_staff_can_download(app, forces, upload_dir):
    alpha, bravo = forces
    owner, owner_id = _signed_in(app, "owner@example.com")
    reference = _open_case(app, alpha, email="owner@example.com", account_id=owner_id)
    assert _upload_page(owner, "alpha", reference, "me.png", _png()).status_code == 302
    [photo] = _documents(app, alpha)
    with app.test_request_context("/alpha/"), tenant_context(alpha):
        internal = store_upload(
            FileStorage(BytesIO(_png()), "notes.png"), engine.find_case(reference), "evidence", public=False
        )
        db.session.commit()
        internal_id = internal.id
    url, internal_url = f"/alpha/documents/{photo.id}", f"/alpha/documents/{internal_id}"

    visitor = _tracking_visitor(app, alpha, reference)
    alpha_staff = _staff(app, alpha, "cw@alpha.example.com")
    for allowed in (owner, visitor, alpha_staff):
        response = allowed.get(url)
        assert response.status_code == 200 and response.data == (upload_dir / _key(app, alpha, photo.id)).read_bytes()
    # Staff-only documents are not shown to the applicant.
    assert alpha_staff.get(internal_url).status_code == 200
    assert owner.get(internal_url).status_code == 404 and visitor.get(internal_url).status_code == 404

    other_applicant, _other_id = _signed_in(app, "other@example.com")
    bravo_staff = _staff(app, bravo, "cw@bravo.example.com")
    for refused in (other_applicant, app.test_client(), bravo_staff):
        assert refused.get(url).status_code == 404
    # Nor through another force's address, not even for the owner or Alpha's staff.
    for browser in (owner, visitor, alpha_staff, bravo_staff):
        assert browser.get(f"/bravo/documents/{photo.id}").status_code == 404
    with app.app_context(), tenant_context(alpha):
        viewed = db.session.scalars(db.select(AuditEvent).filter_by(action="document.viewed")).all()
        assert {e.actor for e in viewed} == {"cw@alpha.example.com"}


def _key(app, force, document_id) -> str:
    with app.app_context(), tenant_context(force):
        return db.session.scalar(db.select(Document.storage_key).filter_by(id=document_id))


# -- generated PDFs -----------------------------------------------------------------------------


def test_staff_generate_a_force_branded_permit_pdf_that_the_applicant_can_download(app, forces, upload_dir):
    alpha = forces[0]
    reference = _open_case(app, alpha)
    staff = _staff(app, alpha, "cw@alpha.example.com")
    page_url = f"/alpha/staff/sample/cases/{reference}/permit"
    assert "There are no documents for this case yet." in staff.get(page_url).get_data(as_text=True)
    response = submit(staff, page_url, {}, follow=True)
    page = response.get_data(as_text=True)
    assert f"Permit certificate permit-{reference}.pdf generated." in page

    [document] = _documents(app, alpha)
    assert (document.kind, document.content_type, document.generated) == ("certificate", "application/pdf", True)
    assert f'href="/alpha/documents/{document.id}"' in page and "Certificate" in page
    download = staff.get(f"/alpha/documents/{document.id}")
    pdf = download.data
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == f"attachment; filename=permit-{reference}.pdf"
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in ("Alpha Police", "Parking permit", "Ann Applicant", reference, "AB12CDE", "Phone 101"):
        assert expected in text, f"{expected!r} not in the PDF's text: {text!r}"
    # Tagged for screen readers (PDF/UA-1): structure tree, language, and the title shown.
    inside = b"".join(pdf_streams(pdf))
    assert b'pdfuaid:part="1"' in inside and b"/StructTreeRoot" in inside and b"/Lang (en)" in inside
    assert b"/DisplayDocTitle true" in inside and b"Parking permit \xe2\x80\x93 Alpha Police" in inside  # its title
    # The applicant, through the tracking link, downloads the same certificate.
    visitor = _tracking_visitor(app, alpha, reference)
    assert visitor.get(f"/alpha/documents/{document.id}").data == pdf
    with app.app_context(), tenant_context(alpha):
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="document.generated"))
        assert event.actor == "cw@alpha.example.com" and event.target == f"case:{reference}"


def test_the_same_template_is_branded_for_each_force(app, forces, upload_dir):
    for force in forces:
        reference = _open_case(app, force)
        staff = _staff(app, force, f"cw@{force.slug}.example.com")
        submit(staff, f"/{force.slug}/staff/sample/cases/{reference}/permit", {})
        [document] = _documents(app, force)
        text = pdf_text(staff.get(f"/{force.slug}/documents/{document.id}").data)
        other = forces[1] if force is forces[0] else forces[0]
        assert force.name in text and other.name not in text


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(_png())

    def log_message(self, *args):
        pass


def test_pdf_rendering_fetches_nothing_from_the_network_or_outside_its_folder(app, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        html = (
            f'<html lang="en"><head><title>t</title><link rel="stylesheet" href="{base}/style.css">'
            f'<link rel="stylesheet" href="file://{secret}"></head>'
            f'<body><p>Offline</p><img src="{base}/tracker.png" alt=""></body></html>'
        )
        with app.app_context():
            pdf = html_to_pdf(html)
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF-") and "Offline" in pdf_text(pdf)
    assert _Recorder.requests == []


def test_a_letter_is_generated_in_a_background_job_without_a_request(app, forces, upload_dir):
    alpha = forces[0]
    reference = _open_case(app, alpha)
    with app.app_context(), tenant_context(alpha):
        case = engine.find_case(reference)
        letter = generate_document(
            case,
            "letter",
            "pdf/sample_letter.html",
            "reminder.pdf",
            public=False,
            recipient_name="Ann Applicant",
            recipient_address=["1 High Street", "Alphatown AL1 1AA"],
            signed_by="Pat Officer",
            signed_role="Permits team",
        )
        db.session.commit()
        assert (letter.kind, letter.filename, letter.public, letter.uploaded_by) == (
            "letter",
            "reminder.pdf",
            False,
            None,
        )
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="document.generated"))
        assert event.actor == "system"
    [stored] = _files(upload_dir)
    text = pdf_text(stored.read_bytes())
    for expected in (
        "Alpha Police",
        "Your parking permit application",
        "Dear Ann Applicant,",
        "1 High Street",
        f"Our reference: {reference}",
        "Yours sincerely,",
        "Pat Officer",
    ):
        assert expected in text, f"{expected!r} not in the PDF's text: {text!r}"
