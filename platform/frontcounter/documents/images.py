"""Re-encode uploaded images with Pillow: turned upright, with every piece of metadata dropped."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageOps

# Modes each output format can hold as they are; anything else is converted first.
_KEEP_MODES = {"JPEG": {"L", "RGB"}, "PNG": {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"}}
_FALLBACK_MODE = {"JPEG": "RGB", "PNG": "RGBA"}


class ImageRejected(ValueError):
    """The bytes are not a usable image; `code` says why ("unreadable" or "too_many_pixels")."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def reencode(data: bytes, pillow_format: str, *, max_pixels: int) -> bytes:
    """Decode `data` as `pillow_format` ("JPEG" or "PNG") and return a clean re-encoding of it.

    The EXIF orientation is applied to the pixels first; EXIF (with any GPS position), XMP, ICC
    profiles, comments and text chunks are not carried over. Images of more than `max_pixels`
    are refused before their pixels are decoded (decompression bombs).
    """
    try:
        with Image.open(BytesIO(data), formats=[pillow_format]) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ImageRejected("too_many_pixels")
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ImageRejected:
        raise
    except Image.DecompressionBombError:
        raise ImageRejected("too_many_pixels") from None
    except Exception:  # noqa: BLE001 - hostile files make Pillow raise many kinds of error
        raise ImageRejected("unreadable") from None
    if upright.mode not in _KEEP_MODES[pillow_format]:
        upright = upright.convert(_FALLBACK_MODE[pillow_format])
    transparency = upright.info.get("transparency")
    upright.info = {"transparency": transparency} if transparency is not None and pillow_format == "PNG" else {}
    out = BytesIO()
    if pillow_format == "JPEG":
        upright.save(out, "JPEG", quality=90, optimize=True)
    else:
        upright.save(out, "PNG")
    return out.getvalue()
