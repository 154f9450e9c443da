"""Photos from a phone camera: opened with bounded memory, turned upright, stripped, scaled.

A stored photo keeps no EXIF block at all (no GPS position, no camera serial), is turned the
way the EXIF orientation says, and is at most MAX_SIDE pixels on its longest side. HEIC/HEIF
from iPhones is converted to JPEG (pillow-heif). Anything Pillow cannot decode is refused with a
reason the form can show; nothing here keeps a full 40-megapixel bitmap in memory when a smaller
one will do (JPEG draft mode decodes at 1/2, 1/4 or 1/8 scale).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

# The longest side of a stored photo: a certificate stays legible, the file stays small.
MAX_SIDE = 2000
# Refuse images larger than this before decoding them (a 40 MP photo is 40e6 pixels; this
# allows it, but not a decompression bomb). Pillow's own check uses the same number.
MAX_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")
_heif_registered = False


class UnreadablePhoto(ValueError):
    """The picture cannot be used; `reason` is one of: truncated, too_many_pixels, not_an_image."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_heif(data: bytes) -> bool:
    """An ISO base-media file whose brand says HEIF/HEIC (iPhone photos)."""
    return len(data) > 12 and data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


def open_upright(data: bytes, *, max_side: int = MAX_SIDE) -> Image.Image:
    """The decoded picture, turned upright from EXIF, at most about max_side on its longest
    side, in RGB or L. Raises UnreadablePhoto."""
    if is_heif(data):
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise UnreadablePhoto("too_many_pixels")
            if image.format == "JPEG":
                # Decode at a reduced scale straight away: the memory of a 40 MP photo is never
                # spent when we only keep 2000 px of it.
                image.draft("RGB", (max_side, max_side))
            image.load()
    except UnreadablePhoto:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UnreadablePhoto("too_many_pixels") from error
    except OSError as error:
        message = str(error).lower()
        reason = "truncated" if "truncated" in message or "premature" in message else "not_an_image"
        raise UnreadablePhoto(reason) from error
    except (ValueError, SyntaxError, Image.UnidentifiedImageError) as error:
        raise UnreadablePhoto("not_an_image") from error
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def normalise(data: bytes) -> tuple[bytes, str]:
    """(JPEG or PNG bytes, content type) of the photo, upright, scaled, without EXIF.

    A PNG stays PNG (screenshots and scans keep their sharp edges); everything else becomes
    JPEG. Raises UnreadablePhoto.
    """
    is_png = data.startswith(b"\x89PNG\r\n\x1a\n")
    image = open_upright(data)
    out = io.BytesIO()
    if is_png:
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.save(out, "JPEG", quality=85, optimize=True)  # no exif= given: none is written
    return out.getvalue(), "image/jpeg"
