"""Checking uploaded files: the real type from the content, safe images without metadata, clean names."""

import hashlib
import io
import re
import struct
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from directory.models.certification import StoredFile
from directory.services.core.text import gettext, megabytes

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"

# Pillow holds 4 bytes a pixel for RGB and RGBA, and a conversion or turn needs a second copy:
# these caps keep one upload's decoding within about 200 MB (docs/uploads.md has the figures).
# A photo ends up 480 px wide, so it needs far fewer pixels than a scanned certificate.
PHOTO_MAX_PIXELS = 16_000_000
EVIDENCE_MAX_PIXELS = 24_000_000
MAX_FILENAME_LENGTH = 120
# Writers may add a few bytes (line ends, padding) after the final %%EOF.
_PDF_EOF_WINDOW = 1024

# Where browsers look for a web page when they sniff content (the HTML spec reads 512 bytes).
_SNIFF_WINDOW = 1024
_HTML_MARKERS = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|meta|img|a\s)", re.IGNORECASE)
# Page entries that carry metadata or actions rather than what the page shows.
_DROPPED_PAGE_KEYS = ("/Metadata", "/PieceInfo", "/AA")
_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_PILLOW_FORMATS = {PNG: {"PNG"}, JPEG: {"JPEG", "MPO"}}
_SAVE_FORMATS = {PNG: "PNG", JPEG: "JPEG"}
_EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg")}
_DEFAULT_STEMS = {PDF: "evidence", PNG: "image", JPEG: "image"}
# Only these keys survive a re-encode; everything else (exif, xmp, comments, text chunks) is dropped.
_KEPT_INFO = ("transparency",)
# Exceptions Pillow's decoders raise on broken or hostile input.
_BROKEN_IMAGE = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)
_UNSAFE_NAME_CHARACTERS = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: its name and its bytes."""

    filename: str
    content: bytes


class UploadError(ValueError):
    """An uploaded file was refused; the message can be shown to the person who sent it."""


def _damaged_pdf() -> UploadError:
    """The error for a PDF that cannot be read, in the page's language."""
    return UploadError(gettext("This PDF is damaged or incomplete. Save it again and upload the new file."))


def sniff_type(data: bytes) -> str | None:
    """The content type told by the magic bytes (PDF, PNG or JPEG), or None for anything else."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def check_evidence(filename: str, data: bytes, max_bytes: int = 5 * 1024 * 1024) -> StoredFile:
    """A StoredFile (not added to the session) for a PDF, PNG or JPEG; raises UploadError otherwise."""
    _check_size(data, max_bytes)
    content_type = sniff_type(data)
    if content_type is None:
        raise UploadError(gettext("Upload a PDF, PNG or JPEG file."))
    if content_type == PDF:
        content = _rewritten_pdf(data)
    else:
        content = _reencode(_open_image(data, content_type, EVIDENCE_MAX_PIXELS), content_type)
    return _stored_file(clean_filename(filename, content_type), content_type, content)


def process_photo(
    filename: str, data: bytes, max_bytes: int = 2 * 1024 * 1024, size: tuple[int, int] = (480, 480)
) -> StoredFile:
    """A profile photo as an upright JPEG within size, without metadata; raises UploadError."""
    _check_size(data, max_bytes)
    content_type = sniff_type(data)
    if content_type not in (PNG, JPEG):
        raise UploadError(gettext("A profile photo must be a JPEG or PNG image."))
    box = (max(size), max(size))
    image = _shrunk(_open_image(data, content_type, PHOTO_MAX_PIXELS, draft_size=box), box)
    image = _on_white(_upright(image))
    image.thumbnail(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return _stored_file("photo.jpg", JPEG, buffer.getvalue())


def clean_filename(filename: str, content_type: str) -> str:
    """A safe name to store: base name only, no control or reserved characters, extension matching the type."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    stem, extension = _split_extension(_SPACES.sub(" ", _UNSAFE_NAME_CHARACTERS.sub("_", name)).strip())
    if extension.lower() not in _EXTENSIONS[content_type]:
        extension = _EXTENSIONS[content_type][0]
    # No leading dot (a hidden file) and no trailing dot or space (which Windows drops).
    stem = stem.strip(" .")[: MAX_FILENAME_LENGTH - len(extension)].rstrip(" .") or _DEFAULT_STEMS[content_type]
    return stem + extension


def _split_extension(name: str) -> tuple[str, str]:
    """Split 'scan.PDF' into ('scan', '.PDF'); a dot followed by words ('v1.2 final') is not an extension."""
    match = _EXTENSION.search(name)
    if match is None:
        return name, ""
    return name[: match.start()], match.group()


def _check_size(data: bytes, max_bytes: int) -> None:
    """Refuse an empty file or one over max_bytes; raises UploadError."""
    if not data:
        raise UploadError(gettext("The file is empty."))
    if len(data) > max_bytes:
        raise UploadError(gettext("The file is too large: the limit is %(size)s.", size=megabytes(max_bytes)))


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF without its header or its end-of-file marker (a truncated upload); raises UploadError."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-_PDF_EOF_WINDOW:]:
        raise _damaged_pdf()


def _rewritten_pdf(data: bytes) -> bytes:
    """The PDF's pages copied into a new file without document info, XMP or scripts; raises UploadError."""
    _check_pdf(data)
    if _HTML_MARKERS.search(data[:_SNIFF_WINDOW]):
        # A PDF/HTML polyglot: a browser or a mail client could show it as a web page.
        raise UploadError(gettext("This file is not a plain PDF. Save it again as PDF and upload the new file."))
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UploadError(
                gettext("This PDF is protected by a password. Save it without one and upload the new file.")
            )
        writer = PdfWriter()
        for page in reader.pages:
            copied = writer.add_page(page)
            for key in _DROPPED_PAGE_KEYS:
                copied.pop(NameObject(key), None)
        if not writer.pages:
            raise UploadError(gettext("This PDF has no pages. Save it again and upload the new file."))
        # The new catalog has no /Metadata (XMP); the document info (/Author, /Producer) goes too.
        writer.metadata = None
        buffer = io.BytesIO()
        writer.write(buffer)
    except UploadError:
        raise
    except Exception:
        raise _damaged_pdf() from None
    return buffer.getvalue()


def _open_image(
    data: bytes, content_type: str, max_pixels: int, draft_size: tuple[int, int] | None = None
) -> Image.Image:
    """Open, verify and decode an image of the sniffed type, refusing bombs and corrupt files; raises UploadError."""
    try:
        _verified(data, content_type, max_pixels)
        image = Image.open(io.BytesIO(data))
        if draft_size is not None:
            # Decode big JPEGs at a reduced scale: much less memory for a small result.
            image.draft(None, draft_size)
        image.load()
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except _BROKEN_IMAGE:
        raise UploadError(
            gettext("This image is damaged or incomplete. Save it again and upload the new file.")
        ) from None
    return image


def _verified(data: bytes, content_type: str, max_pixels: int) -> None:
    """Check the header, the format and the pixel count, then let Pillow verify the file (without decoding)."""
    # Image.open reads only the header: the size is known before a single pixel is decoded.
    with Image.open(io.BytesIO(data)) as image:
        if image.format not in _PILLOW_FORMATS[content_type]:
            raise UploadError(gettext("Upload a PDF, PNG or JPEG file."))
        if image.width * image.height > max_pixels:
            raise _too_many_pixels(max_pixels, image.size)
        image.verify()


def _too_many_pixels(max_pixels: int, size: tuple[int, int] | None = None) -> UploadError:
    """The error for an image with too many pixels to process safely, naming its size when known."""
    if size is None:
        return UploadError(
            gettext(
                "This image is too large: at most %(limit)d megapixels are accepted. Save a smaller copy and upload that.",
                limit=max_pixels // 1_000_000,
            )
        )
    return UploadError(
        gettext(
            "This image is too large: at most %(limit)d megapixels are accepted (this one is %(width)d x %(height)d). "
            "Save a smaller copy and upload that.",
            limit=max_pixels // 1_000_000,
            width=size[0],
            height=size[1],
        )
    )


def _shrunk(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """The image reduced to fit box first, so that turning and colour conversion work on a small copy."""
    if image.mode in ("1", "P"):
        # Pillow resizes these modes by nearest pixel, which looks ragged: convert to smooth colour first.
        image = image.convert("RGBA" if image.mode == "P" else "L")
    image.thumbnail(box, Image.Resampling.LANCZOS)
    return image


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says, with all metadata removed."""
    # In place: an image already upright is not copied, which would double the memory of a large one.
    ImageOps.exif_transpose(image, in_place=True)
    image.info = {key: value for key, value in image.info.items() if key in _KEPT_INFO}
    return image


def _on_white(image: Image.Image) -> Image.Image:
    """An RGB image; transparent parts become white."""
    if image.mode == "RGB":
        return image
    if image.mode == "P" or "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _reencode(image: Image.Image, content_type: str) -> bytes:
    """The image saved again in its own format, upright and without metadata (EXIF, GPS, XMP, comments)."""
    image = _upright(image)
    if content_type == JPEG and image.mode not in ("L", "RGB"):
        # Pillow writes CMYK without the Adobe marker, which some viewers show inverted.
        image = image.convert("RGB")
    buffer = io.BytesIO()
    options = {"quality": 90} if content_type == JPEG else {"optimize": True}
    image.save(buffer, _SAVE_FORMATS[content_type], **options)
    return buffer.getvalue()


def _stored_file(filename: str, content_type: str, content: bytes) -> StoredFile:
    """A StoredFile with its size and SHA-256 filled in."""
    return StoredFile(
        filename=filename,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
