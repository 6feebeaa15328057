"""What an uploaded file really is, read from its content; anything but PDF, JPEG or PNG is refused.

The name and the content type the browser sends are never trusted: the type
comes from the file's first bytes, then the whole file must parse as that
type (a truncated photo, an HTML page named .pdf or a PDF carrying scripts is
refused), and the stored name is rebuilt from a sanitised stem and the
extension of the real type.
"""

import hashlib
import re
import unicodedata
import warnings
from dataclasses import dataclass
from io import BytesIO
from typing import IO

import filetype
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
EXTENSIONS = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}
# A 50-megapixel photo is more than any phone takes; beyond, it is a decompression bomb.
MAX_PIXELS = 50_000_000
# What makes a PDF run something or carry other files, looked for in every parsed object
# (names are decoded by the parser: /J#61vaScript is /JavaScript; compressed object streams are opened).
PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/XFA", "/RichMedia"})
PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/GoToE"})
ARCHIVES = {
    "application/zip",
    "application/gzip",
    "application/x-rar-compressed",
    "application/x-7z-compressed",
    "application/x-tar",
    "application/x-bzip2",
    "application/x-xz",
}
EXECUTABLES = {
    "application/x-msdownload",
    "application/x-executable",
    "application/x-mach-binary",
    "application/x-elf",
    "application/vnd.microsoft.portable-executable",
    "application/x-sh",
}


@dataclass(frozen=True)
class InspectedFile:
    name: str  # safe for disks and headers, with the real type's extension
    original_name: str  # as the family named it, for display only
    content_type: str
    content: bytes  # what is stored: the file itself, or the photo saved again without its metadata
    size: int
    sha256: str


def inspect_upload(upload: IO[bytes], client_name: str, max_bytes: int) -> InspectedFile:
    """Check an uploaded file and describe it, or raise ValidationError with a French message."""
    data = _read_at_most(upload, max_bytes)
    if not data:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    content_type = _sniff(data)
    _check_extension(client_name, content_type)
    if content_type == "application/pdf":
        _check_pdf(data)
        content = data
    else:
        content = _clean_image(data, content_type)
    return InspectedFile(
        name=safe_name(client_name, ALLOWED[content_type]),
        original_name=_printable_name(client_name),
        content_type=content_type,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _read_at_most(upload: IO[bytes], max_bytes: int) -> bytes:
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            _("Le fichier dépasse la taille autorisée (%(mb)s Mo).") % {"mb": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    return data


def _sniff(data: bytes) -> str:
    kind = filetype.guess(data)
    mime = kind.mime if kind else ""
    if mime in ALLOWED:
        return mime
    if mime in ("image/heic", "image/heif", "image/avif"):
        message = _(
            "Les photos HEIC ne sont pas acceptées : choisissez « Le plus compatible » dans les réglages "
            "de l'appareil photo, ou envoyez la photo en JPEG."
        )
    elif mime in ARCHIVES:
        message = _("Les archives (ZIP…) ne sont pas acceptées : envoyez chaque document à part, en PDF, JPEG ou PNG.")
    elif mime in EXECUTABLES or data.startswith((b"MZ", b"\x7fELF", b"#!")):
        message = _("Les programmes ne sont pas acceptés.")
    else:
        message = _("Ce fichier n'est ni un PDF, ni une photo JPEG ou PNG : il n'est pas accepté.")
    raise ValidationError(message, code="type")


def _check_extension(client_name: str, content_type: str) -> None:
    extension = client_name.rsplit(".", 1)[-1].lower() if "." in client_name else ""
    if extension and EXTENSIONS.get(extension) != content_type:
        raise ValidationError(
            _("Le contenu de ce fichier ne correspond pas à son extension « .%(ext)s ».") % {"ext": extension[:10]},
            code="mismatch",
        )


def _clean_image(data: bytes, content_type: str) -> bytes:
    """Decode the whole photo, then save it again: nothing after the image survives (polyglots),
    nor its metadata (a phone's GPS position); the EXIF rotation is applied first so it still shows upright."""
    too_big = ValidationError(_("Cette image est trop grande (plus de 50 mégapixels)."), code="too_many_pixels")
    image_format = "JPEG" if content_type == "image/jpeg" else "PNG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=[image_format]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise too_big
                image.load()  # decodes everything: a truncated photo fails here
                upright = ImageOps.exif_transpose(image)
                output = BytesIO()
                if image_format == "JPEG":
                    upright.save(output, "JPEG", quality=90, optimize=True)
                else:
                    upright.save(output, "PNG", optimize=True)
                return output.getvalue()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise too_big from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("Cette image est abîmée ou incomplète : reprenez la photo."), code="corrupt") from exc


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("Ce PDF est protégé par un mot de passe : envoyez-le sans protection."), code="encrypted"
            )
        if len(reader.pages) == 0:
            raise ValidationError(_("Ce PDF n'a aucune page."), code="empty_pdf")
        active = _has_active_content(reader)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(_("Ce PDF est abîmé ou incomplet."), code="corrupt") from exc
    if active:
        raise ValidationError(
            _("Ce PDF contient du code ou des fichiers joints : enregistrez-le en PDF simple (« imprimer en PDF »)."),
            code="active_pdf",
        )


def _has_active_content(reader: PdfReader) -> bool:
    numbers = set(reader.xref_objStm) | {number for generation in reader.xref.values() for number in generation}
    for number in numbers:
        try:
            obj = reader.get_object(number)
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError):
            continue  # an object the parser cannot read is not one a viewer runs either
        if _is_active(obj, depth=0):
            return True
    return False


def _is_active(obj: object, depth: int) -> bool:
    """Direct objects only: indirect ones are visited on their own by `_has_active_content`."""
    if depth > 32:
        return False
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in PDF_ACTIVE_KEYS or (key == "/S" and value in PDF_ACTIVE_ACTIONS):
                return True
            if not isinstance(value, IndirectObject) and _is_active(value, depth + 1):
                return True
    elif isinstance(obj, ArrayObject):
        return any(not isinstance(value, IndirectObject) and _is_active(value, depth + 1) for value in obj)
    return False


def _printable_name(client_name: str) -> str:
    base = re.split(r"[\\/]", client_name)[-1]
    return re.sub(r"[\x00-\x1f\x7f]", "", base).strip()[:150] or "document"


def safe_name(client_name: str, extension: str) -> str:
    """A name safe for any disk and any download header, ending with the real type's extension."""
    base = re.split(r"[\\/]", client_name)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[\x00-\x1f]", "", stem).strip(". ")
    try:
        stem = get_valid_filename(stem)[:80]
    except SuspiciousFileOperation:  # a name reduced to nothing
        stem = ""
    return f"{stem or 'document'}.{extension}"
