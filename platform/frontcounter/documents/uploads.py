"""Checked uploads: size limit, type from the content (never the name), images re-encoded clean."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import filetype
from flask import current_app, has_request_context
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from frontcounter.accounts.auth import current_account
from frontcounter.documents.images import ImageRejected, reencode
from frontcounter.documents.models import Document
from frontcounter.documents.pdf_clean import PdfRejected, strip_active_content
from frontcounter.documents.records import save_document
from frontcounter.refusals import Refused

if TYPE_CHECKING:
    from frontcounter.accounts.models import Account
    from frontcounter.cases.models import Case

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 5 * MB
DEFAULT_MAX_PIXELS = 20_000_000  # a 20-megapixel photo decodes to at most 80MB; larger is refused unread


@dataclass(frozen=True)
class FileType:
    """A type of file the platform can check: its MIME type, the name people know, its extension."""

    mime: str
    label: str
    extension: str
    pillow_format: str | None = None


FILE_TYPES = {
    t.mime: t
    for t in (
        FileType("image/jpeg", "JPG", ".jpg", "JPEG"),
        FileType("image/png", "PNG", ".png", "PNG"),
        FileType("application/pdf", "PDF", ".pdf"),
    )
}
IMAGES = ("image/jpeg", "image/png")
IMAGES_AND_PDF = ("image/jpeg", "image/png", "application/pdf")


class UploadRejected(Refused):
    """An upload that was refused; its message goes next to the field."""


def store_upload(
    file: FileStorage | None,
    case: Case | None,
    kind: str,
    *,
    allowed: Iterable[str] = IMAGES_AND_PDF,
    max_bytes: int | None = None,
    public: bool = True,
) -> Document:
    """Check an uploaded file and store it as a Document (flushed and audited, not committed).

    Raises UploadRejected (nothing stored) when the file is missing, empty, bigger than `max_bytes`
    (default: DOCUMENT_MAX_BYTES, 5MB), not one of the `allowed` MIME types by its content, or
    unreadable. Images are turned upright and re-encoded without their metadata; PDFs lose their
    active content (scripts, actions, attachments: documents.pdf_clean).
    """
    types = [_known_type(mime) for mime in allowed]
    if not types:
        raise ValueError("store_upload needs at least one allowed type")
    limit = max_bytes or int(current_app.config.get("DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))
    data = _read(file, limit)
    found = _detect(data, types)
    if found.pillow_format:
        data = _clean_image(data, found)
    elif not _looks_like_pdf(data):
        raise UploadRejected(_unreadable(), "unreadable")
    else:
        data = _clean_pdf(data)
    account = _signed_in()
    return save_document(
        data,
        case=case,
        kind=kind,
        filename=display_filename(file.filename if file else "", found, default=kind),
        content_type=found.mime,
        public=public,
        uploaded_by=account.id if account else None,
        actor=None if account else _guest(case),
    )


def display_filename(name: str | None, found: FileType, *, default: str = "document") -> str:
    """Return a safe display name: no folders or control characters, the extension of the real type."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base.lstrip(".")
    stem = unicodedata.normalize("NFC", stem)
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return (stem[:100].strip() or default) + found.extension


def _known_type(mime: str) -> FileType:
    if mime not in FILE_TYPES:
        raise ValueError(f"Uploads cannot check files of type {mime!r}; known: {sorted(FILE_TYPES)}")
    return FILE_TYPES[mime]


def _read(file: FileStorage | None, limit: int) -> bytes:
    if file is None or not file.filename:
        raise UploadRejected(_("Select a file"), "missing")
    data = file.stream.read(limit + 1)  # never more than one byte past the limit
    if len(data) > limit:
        raise UploadRejected(_("The selected file must be smaller than %(size)s", size=_size_label(limit)), "too_big")
    if not data:
        raise UploadRejected(_("The selected file is empty"), "empty")
    return data


def _detect(data: bytes, types: list[FileType]) -> FileType:
    mime = filetype.guess_mime(data)
    for candidate in types:
        if candidate.mime == mime:
            return candidate
    raise UploadRejected(
        _("The selected file must be a %(types)s", types=_or_list([t.label for t in types])), "wrong_type"
    )


def _clean_image(data: bytes, found: FileType) -> bytes:
    max_pixels = int(current_app.config.get("DOCUMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    try:
        return reencode(data, str(found.pillow_format), max_pixels=max_pixels)
    except ImageRejected as rejected:
        if rejected.code == "too_many_pixels":
            message = _(
                "The selected image must be smaller than %(count)s megapixels", count=f"{max_pixels / 1_000_000:g}"
            )
            raise UploadRejected(message, "too_many_pixels") from None
        raise UploadRejected(_unreadable(), "unreadable") from None


def _clean_pdf(data: bytes) -> bytes:
    try:
        return strip_active_content(data)
    except PdfRejected:
        raise UploadRejected(_unreadable(), "unreadable") from None


def _looks_like_pdf(data: bytes) -> bool:
    # A PDF starts with its header and ends with %%EOF (a cut-off upload does not).
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-8192:]


def _unreadable() -> str:
    return _("The selected file could not be opened. Check that it opens on your device, then try again.")


def _size_label(limit: int) -> str:
    return f"{limit / MB:g}MB" if limit >= MB else f"{max(1, limit // 1024)}KB"


def _or_list(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return _("%(items)s or %(last)s", items=", ".join(labels[:-1]), last=labels[-1])


def _signed_in() -> Account | None:
    return current_account() if has_request_context() else None


def _guest(case: Case | None) -> str | None:
    # Without an account, the person reached the case through its tracking link.
    return f"guest:{case.applicant_email}" if case is not None and has_request_context() else None
