"""Web pages for documents: the download route, and template helpers for listing a case's documents."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, send_file
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from frontcounter.audit import record as audit
from frontcounter.cases.models import Case
from frontcounter.documents import access
from frontcounter.documents.models import Document
from frontcounter.documents.storage import storage
from frontcounter.extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("documents", __name__, url_prefix="/<force>/documents")

KIND_LABELS = {
    "photo": _l("Photo"),
    "id-evidence": _l("Identity evidence"),
    "evidence": _l("Evidence"),
    "certificate": _l("Certificate"),
    "letter": _l("Letter"),
    "more_information": _l("More information"),  # what an applicant sends when asked (applicant actions)
}


@bp.get("/<int:document_id>")
def download(document_id: int) -> Response:
    """Send a document to the force's staff or the case's applicant; 404 for everyone else."""
    document = db.session.scalar(db.select(Document).filter_by(id=document_id))
    if document is None or not access.may_view(document):
        abort(404)
    try:
        stream = storage().open(document.storage_key)
    except FileNotFoundError:
        log.error("Document %s has no stored file (%s)", document.id, document.storage_key)
        abort(404)
    if access.is_force_staff():
        audit("document.viewed", target=f"document:{document.id}", after={"case_id": document.case_id})
        db.session.commit()
    response = send_file(
        stream,
        mimetype=document.content_type,
        as_attachment=document.is_pdf,
        download_name=document.filename,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.content_length = document.size
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.app_template_global("case_documents")
def case_documents_global(case: Case) -> list[Document]:
    """Template helper: the case's documents the visitor may see."""
    return access.case_documents(case)


@bp.app_template_filter("document_kind")
def document_kind(kind: str) -> str:
    """Template filter: the readable name of a document kind ("photo" -> "Photo") in the page's language; services
    name their own kinds in Service.extra["document_kinds"] (kind -> lazy label)."""
    label = KIND_LABELS.get(kind)
    if label is None:
        from frontcounter.plugins.manager import registry

        label = next((s.document_kinds[kind] for s in registry().services.values() if kind in s.document_kinds), None)
    return str(label) if label is not None else kind.replace("-", " ").replace("_", " ").capitalize()


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """Template filter: a byte count as people read it (2.4MB, 120KB)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}MB"
    return f"{max(1, round(size / 1024))}KB"
