"""Review: a decision on each item (disclose, withhold, disclose with redactions), then a second person approves."""

from __future__ import annotations

from flask_babel import gettext as _
from frontcounter.audit import record as audit
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.documents.models import Document
from frontcounter.documents.records import save_document
from frontcounter.documents.storage import storage
from frontcounter.extensions import db
from frontcounter.refusals import Refused
from frontcounter_subject_access.models import SarItem, SarRequest
from frontcounter_subject_access.redaction import Box, RedactionFailed, redact_image, redact_pdf
from frontcounter_subject_access.search import items

DISCLOSE, WITHHOLD, REDACT = "disclose", "withhold", "redact"
DECISIONS = (DISCLOSE, WITHHOLD, REDACT)
DISCLOSURE, NCND = "disclosure", "ncnd"
REDACTED = "sar-redacted"


def stored_bytes(document: Document) -> bytes:
    """The bytes of a stored document."""
    with storage().open(document.storage_key) as stream:
        return stream.read()


def parse_boxes(text: str) -> list[Box]:
    """Boxes typed as 'page x y width height' in percent, one a line (page 1 first); Refused when unreadable."""
    boxes = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.replace(",", " ").split()
        try:
            page, x, y, w, h = (float(p) for p in parts)
        except ValueError:
            raise Refused(_("Enter each box as page, left, top, width and height in percent, like 1 10 20 30 5."),
                          "bad_box") from None
        if page < 1 or min(x, y, w, h) < 0 or x + w > 100 or y + h > 100 or w == 0 or h == 0:
            raise Refused(_("Each box must be inside the page: percentages from 0 to 100."), "bad_box")
        boxes.append(Box(x / 100, y / 100, w / 100, h / 100, int(page) - 1))
    return boxes


def boxes_text(boxes: list[dict[str, float]]) -> str:
    """Stored boxes as staff type them: page, left, top, width and height in percent, one a line."""
    return "\n".join(" ".join(f"{v:g}" for v in (b.get("page", 0) + 1, b["x"] * 100, b["y"] * 100, b["w"] * 100,
                                                   b["h"] * 100)) for b in boxes)


def _redacted_copy(case: Case, found: SarItem, actor: str) -> Document | None:
    if found.document_id is None:
        return None
    original = db.session.get(Document, found.document_id)
    if original is None:
        raise Refused(_("The file of this item is no longer stored."), "missing_file")
    boxes = [Box.from_dict(b) for b in found.redact_boxes]
    data = stored_bytes(original)
    try:
        if original.content_type == "application/pdf":
            out, mime, ext = redact_pdf(data, found.redact_terms, boxes), "application/pdf", ".pdf"
        elif original.content_type in ("image/png", "image/jpeg"):
            if found.redact_terms and not boxes:
                raise Refused(_("An image has no words to find: mark boxes to redact instead."), "image_terms")
            fmt = "PNG" if original.content_type == "image/png" else "JPEG"
            out, mime, ext = redact_image(data, boxes, fmt), original.content_type, f".{fmt.lower()}"
        else:
            raise Refused(_("Only PDF, JPG and PNG files can be redacted."), "not_redactable")
    except RedactionFailed:
        raise Refused(_("The file could not be opened to redact it."), "unreadable") from None
    stem = original.filename.rsplit(".", 1)[0]
    return save_document(out, case=case, kind=REDACTED, filename=f"{stem} (redacted){ext}", content_type=mime,
                         public=False, actor=actor)


def decide(case: Case, found: SarItem, decision: str, exemption: str, note: str, allowed: list[str], actor: str,
           terms: list[str] | None = None, boxes: list[Box] | None = None) -> None:
    """Record the decision on an included item; a redaction makes a redacted copy of its file at once."""
    if found.included is not True:
        raise Refused(_("Include the item before deciding on it."), "not_included")
    if decision not in DECISIONS:
        raise Refused(_("Choose whether to disclose, withhold or disclose with redactions."), "bad_decision")
    if decision != DISCLOSE and exemption not in allowed:
        raise Refused(_("Choose the exemption that applies."), "exemption_required")
    if decision != DISCLOSE and not note.strip():
        raise Refused(_("Enter a note to say why the exemption applies."), "note_required")
    terms, boxes = [t.strip() for t in terms or [] if t.strip()], list(boxes or [])
    if decision == REDACT and not terms and not boxes:
        raise Refused(_("Enter the words to redact or mark boxes to redact."), "nothing_to_redact")
    found.decision, found.note, found.decided_by = decision, note.strip(), actor
    found.exemption = exemption if decision != DISCLOSE else ""
    found.redact_terms = terms if decision == REDACT else []
    found.redact_boxes = [b.__dict__ for b in boxes] if decision == REDACT else []
    found.redacted_document_id = None
    if decision == REDACT:
        copy = _redacted_copy(case, found, actor)
        found.redacted_document_id = copy.id if copy is not None else None
    audit("subject_access.item_decided", target=f"case:{case.reference}",
          after={"item": found.id, "decision": decision, "exemption": found.exemption, "note": found.note,
                 "terms": len(terms), "boxes": len(boxes)}, actor=actor)


def problems(case: Case) -> list[str]:
    """What stops the response going for approval: items not included or discarded, or without a decision."""
    out = []
    for found in items(case):
        label = found.reference or found.summary
        if found.included is None:
            out.append(_("Include or discard %(item)s.", item=label))
        elif found.included and not found.decision:
            out.append(_("Decide whether to disclose %(item)s.", item=label))
    return out


def send_for_approval(case: Case, sar: SarRequest, outcome: str, actor: str) -> None:
    """Send the response (a disclosure, or neither confirm nor deny) to a supervisor for approval."""
    if outcome not in (DISCLOSURE, NCND):
        raise Refused(_("Choose the outcome of the request."), "bad_outcome")
    if outcome == DISCLOSURE:
        missing = problems(case)
        if missing:
            raise Refused(missing[0], "not_ready")
    sar.outcome, sar.submitted_by = outcome, actor
    engine.fire(case, "send_for_approval", actor=actor, note="", public_note=False)
    audit("subject_access.sent_for_approval", target=f"case:{case.reference}", after={"outcome": outcome},
          actor=actor)


def check_second_person(sar: SarRequest, actor: str) -> None:
    """Refuse approval by the person who sent the response for approval."""
    if actor.casefold() == (sar.submitted_by or "").casefold():
        raise Refused(_("A second person must approve: you sent this response for approval."), "same_person")
