"""Read what a generated PDF says, without a PDF library (for tests of letters and certificates)."""

from __future__ import annotations

import re
import zlib


def pdf_streams(pdf: bytes) -> list[bytes]:
    """Every compressed stream of a PDF, inflated (its pages, fonts, metadata and object streams)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    return streams


def pdf_text(pdf: bytes) -> str:
    """The text a PDF draws, decoded through its fonts' ToUnicode maps (no PDF library needed)."""
    streams = pdf_streams(pdf)
    cmaps = []
    for stream in streams:
        if b"begincmap" in stream:
            pairs = re.findall(rb"<([0-9a-fA-F]{4})>\s*<((?:[0-9a-fA-F]{4})+)>", stream)  # glyph -> UTF-16 text
            cmaps.append({int(glyph, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for glyph, text in pairs})
    lines = []
    for stream in streams:
        for run in re.findall(rb"\[(.*?)\]\s*TJ|(<[0-9a-fA-F]+>)\s*Tj", stream, re.S):
            hexed = b"".join(re.findall(rb"<([0-9a-fA-F]+)>", run[0] or run[1])).decode()
            codes = [int(hexed[i : i + 4], 16) for i in range(0, len(hexed), 4)]
            lines += ["".join(c[code] for code in codes) for c in cmaps if all(code in c for code in codes)]
    return "\n".join(lines)
