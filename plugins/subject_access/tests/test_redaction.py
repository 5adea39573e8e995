"""Real redaction: the redacted words and pixels are gone from the file, not covered over."""

from __future__ import annotations

from io import BytesIO

import pypdfium2 as pdfium
from frontcounter_subject_access.redaction import SCALE, Box, redact_image, redact_pdf
from PIL import Image
from pypdf import PdfReader

from .support import pdf_with, png


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)


def where(pdf: bytes, term: str) -> list[tuple[float, float, float, float]]:
    """The term's rectangles on page 1, in pixels of a render at SCALE (top-left origin)."""
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    height = page.get_height()
    text = page.get_textpage()
    searcher = text.search(term)
    index, count = searcher.get_next()
    rects = []
    for n in range(text.count_rects(index, count)):
        left, bottom, right, top = text.get_rect(n)
        rects.append((left * SCALE, (height - top) * SCALE, right * SCALE, (height - bottom) * SCALE))
    return rects


def dark(image: Image.Image) -> bool:
    """Every pixel black, give or take the JPEG compression of the page images."""
    return all(high <= 40 for _low, high in image.getextrema())


def pixels(pdf: bytes) -> Image.Image:
    return pdfium.PdfDocument(pdf)[0].render(scale=SCALE).to_pil().convert("RGB")


def test_redacted_words_are_removed_from_a_pdfs_text_and_pixels():
    original = pdf_with("Informant Jordan Smith saw the car.", "Alex Archer reported the theft.")
    assert "Jordan Smith" in text_of(original)  # the test can fail: the words are there to begin with
    out = redact_pdf(original, ["jordan smith"])
    assert "Jordan" not in text_of(out) and "Smith" not in text_of(out)
    assert text_of(out).strip() == ""  # no text layer left at all: nothing hidden under a box
    image, before = pixels(out), pixels(original)
    for left, top, right, bottom in where(original, "Jordan Smith"):
        area = (int(left), int(top), int(right), int(bottom))
        assert not dark(before.crop(area))
        assert dark(image.crop(area)), "the word's pixels are painted black"
    # What was not redacted is still there to read.
    left, top, right, bottom = where(original, "Alex Archer")[0]
    assert not dark(image.crop((int(left), int(top), int(right), int(bottom))))


def test_boxes_remove_pixels_from_a_pdf_page_and_an_image():
    original = pdf_with("Top secret line")
    out = redact_pdf(original, boxes=[Box(0.0, 0.0, 1.0, 0.2)])
    page = pixels(out)
    assert dark(page.crop((0, 0, page.width, int(page.height * 0.2))))
    assert "Top secret" not in text_of(out)

    photo = png((300, 200), "#dd0000")
    redacted = Image.open(BytesIO(redact_image(photo, [Box(0.0, 0.0, 0.5, 0.5)], "PNG"))).convert("RGB")
    colours = {colour for _count, colour in redacted.getcolors()}
    assert (221, 0, 0) not in colours  # the red square is gone, not hidden
    assert redacted.crop((0, 0, 150, 100)).getcolors() == [(150 * 100, (0, 0, 0))]
    assert redacted.getpixel((250, 150)) == (255, 255, 255)  # the rest is untouched
