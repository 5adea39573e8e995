"""Document rows and their stored bytes, kept in step with the database transaction.

A file is written only once its row has been flushed, and removed again if that transaction does
not commit (rollback, error, or a session closed without commit): no row without its file and no
file left behind without its row. A deleted document's file goes only after the deletion commits.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from frontcounter.audit import record as audit
from frontcounter.documents.models import Document
from frontcounter.documents.storage import Storage, new_key, storage
from frontcounter.extensions import db
from frontcounter.tenancy.context import current_tenant

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

log = logging.getLogger(__name__)
_WRITTEN = "frontcounter.documents.written"  # files written in this transaction: removed unless it commits
_DOOMED = "frontcounter.documents.doomed"  # files of rows deleted in this transaction: removed once it commits


def save_document(
    data: bytes,
    *,
    case: Case | None,
    kind: str,
    filename: str,
    content_type: str,
    generated: bool = False,
    public: bool = True,
    uploaded_by: int | None = None,
    actor: str | None = None,
) -> Document:
    """Store `data` as a new Document of the current force (flushed and audited, not committed)."""
    document = Document(
        case_id=case.id if case is not None else None,
        kind=kind,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=new_key(current_tenant().id),
        uploaded_by=uploaded_by,
        generated=generated,
        public=public,
    )
    db.session.add(document)
    db.session.flush()  # the transaction the file belongs to has begun
    store = storage()
    store.save(document.storage_key, data)
    db.session.info.setdefault(_WRITTEN, []).append((store, document.storage_key))
    audit(
        "document.generated" if generated else "document.uploaded",
        target=_target(document, case),
        after=_summary(document),
        actor=actor,
    )
    return document


def delete_document(document: Document, *, actor: str | None = None) -> None:
    """Delete a document: its row now, its bytes once the deletion commits."""
    audit("document.deleted", target=_target(document, None), before=_summary(document), actor=actor)
    db.session.delete(document)
    db.session.info.setdefault(_DOOMED, []).append((storage(), document.storage_key))


def _target(document: Document, case: Case | None) -> str:
    return f"case:{case.reference}" if case is not None else f"document:{document.id}"


def _summary(document: Document) -> dict[str, Any]:
    return {
        "document": document.id,
        "kind": document.kind,
        "filename": document.filename,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
    }


def _remove(files: list[tuple[Storage, str]]) -> None:
    for store, key in files:
        try:
            store.delete(key)
        except Exception:  # a file that cannot be removed must not break the request that rolled back
            log.exception("Could not remove stored document %s", key)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint: the real transaction may still roll back
    session.info.pop(_WRITTEN, None)
    _remove(session.info.pop(_DOOMED, []))


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    _remove(session.info.pop(_WRITTEN, []))  # still here: the transaction did not commit
    session.info.pop(_DOOMED, None)
