"""Strip active content from uploaded PDFs with pypdf: scripts, actions that run or open things, attachments.

The pages are copied into a new document (so the catalogue's /OpenAction, /Names with JavaScript
and embedded files, /AcroForm with XFA and the document's /AA do not come along), then every
object reachable from the pages loses its additional actions (/AA), scripts (/JS), and any
action that runs code, launches programs, submits data or opens other files. Attachment, media
and 3D annotations are dropped.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

DROP_KEYS = {"/AA", "/OpenAction", "/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMediaContent",
             "/XFA"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToR", "/GoToE",
                  "/RichMediaExecute", "/Rendition", "/Sound", "/Movie", "/Hide", "/SetOCGState", "/GoTo3DView",
                  "/Thread", "/Named", "/URI"}
DROP_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}


class PdfRejected(ValueError):
    """The bytes could not be read as a PDF (or are encrypted)."""


def strip_active_content(data: bytes) -> bytes:
    """Return a copy of the PDF `data` with no active content; raises PdfRejected when unreadable."""
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfRejected("encrypted")
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        seen: set[int] = set()
        for page in writer.pages:
            _scrub(page, seen)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # what was cut off goes
        out = BytesIO()
        writer.write(out)
    except PdfRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - hostile files make pypdf raise many kinds of error
        raise PdfRejected(type(exc).__name__) from None
    return out.getvalue()


def _is_active_action(value: Any) -> bool:
    action = value.get_object() if isinstance(value, IndirectObject) else value
    return isinstance(action, DictionaryObject) and action.get("/S") in ACTIVE_ACTIONS


def _scrub(obj: Any, seen: set[int]) -> None:
    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        for key in [k for k in obj if k in DROP_KEYS]:
            del obj[key]
        if "/A" in obj and _is_active_action(obj["/A"]):
            del obj["/A"]
        if "/Annots" in obj:
            annotations = obj["/Annots"].get_object()
            if isinstance(annotations, ArrayObject):
                kept = ArrayObject(a for a in annotations if a.get_object().get("/Subtype") not in DROP_ANNOTATIONS)
                obj[NameObject("/Annots")] = kept
        for key, value in list(obj.items()):
            if key != "/Parent":
                _scrub(value, seen)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            _scrub(item, seen)
