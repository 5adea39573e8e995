"""Real redaction: what is redacted is removed from the file, not covered over.

A PDF's pages are rendered to images with PDFium, the boxes (and the places where the redacted words
appear) are painted into the pixels, and a new PDF is built from those images alone: it has no text
layer, fonts, annotations, attachments or metadata left to recover. An image is decoded, painted
and re-encoded without its metadata.

Boxes are fractions of the page (x, y, w, h from the top left, each 0 to 1), so staff can mark them
whatever the page's size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

SCALE = 2.0  # 144 dots per inch: readable, and small enough to send
MARGIN = 2  # pixels painted beyond a word's box, so no edge of a letter survives


@dataclass(frozen=True)
class Box:
    """A rectangle to remove, as fractions of the page: left, top, width, height; on `page` (0 first)."""

    x: float
    y: float
    w: float
    h: float
    page: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> Box:
        """A box from stored JSON (values clamped to the page)."""
        clamp = lambda v: min(max(float(v), 0.0), 1.0)  # noqa: E731
        return cls(clamp(data["x"]), clamp(data["y"]), clamp(data["w"]), clamp(data["h"]), int(data.get("page", 0)))


class RedactionFailed(ValueError):
    """The file could not be read for redaction."""


def _paint(image: Image.Image, rects: Iterable[tuple[float, float, float, float]]) -> Image.Image:
    image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    for left, top, right, bottom in rects:
        draw.rectangle((left - MARGIN, top - MARGIN, right + MARGIN, bottom + MARGIN), fill=(0, 0, 0))
    return image


def _box_rects(boxes: Iterable[Box], page: int, width: int, height: int) -> list[tuple[float, float, float, float]]:
    return [(b.x * width, b.y * height, (b.x + b.w) * width, (b.y + b.h) * height) for b in boxes if b.page == page]


def _term_rects(page: pdfium.PdfPage, terms: Iterable[str], page_height: float) -> list[tuple[float, ...]]:
    """Where each term appears on the page, in rendered pixels (PDF points are from the bottom left)."""
    rects: list[tuple[float, ...]] = []
    text = page.get_textpage()
    try:
        for term in terms:
            if not term.strip():
                continue
            searcher = text.search(term, match_case=False, match_whole_word=False)
            while (found := searcher.get_next()) is not None:
                index, count = found
                for n in range(text.count_rects(index, count)):
                    left, bottom, right, top = text.get_rect(n)
                    rects.append((left * SCALE, (page_height - top) * SCALE, right * SCALE,
                                  (page_height - bottom) * SCALE))
            searcher.close()
    finally:
        text.close()
    return rects


def redact_pdf(data: bytes, terms: Iterable[str] = (), boxes: Iterable[Box] = ()) -> bytes:
    """Return a new PDF of page images with every occurrence of `terms` and every box painted out."""
    terms, boxes = list(terms), list(boxes)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise RedactionFailed(str(error)) from None
    pages: list[Image.Image] = []
    try:
        for number in range(len(document)):
            page = document[number]
            height = page.get_height()
            image = page.render(scale=SCALE).to_pil()
            rects = _term_rects(page, terms, height) + _box_rects(boxes, number, *image.size)
            pages.append(_paint(image, rects))
            page.close()
    finally:
        document.close()
    if not pages:
        raise RedactionFailed("no pages")
    return images_to_pdf(pages)


def images_to_pdf(pages: list[Image.Image]) -> bytes:
    """A PDF holding only these images, one a page, at the rendering resolution."""
    out = BytesIO()
    first, rest = pages[0], pages[1:]
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=72 * SCALE)
    return out.getvalue()


def redact_image(data: bytes, boxes: Iterable[Box], pillow_format: str) -> bytes:
    """Return the image (JPEG or PNG) re-encoded with the boxes painted into its pixels and no metadata."""
    try:
        with Image.open(BytesIO(data)) as image:
            image.load()
            painted = _paint(image, _box_rects(list(boxes), 0, *image.size))
    except Exception as error:  # noqa: BLE001 - a broken image raises many kinds of error
        raise RedactionFailed(str(error)) from None
    out = BytesIO()
    painted.save(out, pillow_format)
    return out.getvalue()


def image_to_pdf(data: bytes) -> bytes:
    """A one-page PDF of an image (for the bundle)."""
    with Image.open(BytesIO(data)) as image:
        image.load()
        return images_to_pdf([image.convert("RGB")])


def redact_text(text: str, terms: Iterable[str]) -> str:
    """The text with every occurrence of `terms` (case-blind) replaced by [redacted]."""
    import re

    for term in terms:
        if term.strip():
            text = re.sub(re.escape(term.strip()), "[redacted]", text, flags=re.IGNORECASE)
    return text
