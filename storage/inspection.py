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
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
EXTENSIONS = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}
# A 50-megapixel photo is more than any phone takes; beyond, it is a decompression bomb.
MAX_PIXELS = 50_000_000
# Names in a PDF that make it run something or carry other files.
PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|SubmitForm|ImportData)\b")
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
    name: str
    content_type: str
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
    else:
        _check_image(data)
    return InspectedFile(
        name=safe_name(client_name, ALLOWED[content_type]),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
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


def _check_image(data: bytes) -> None:
    too_big = ValidationError(_("Cette image est trop grande (plus de 50 mégapixels)."), code="too_many_pixels")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise too_big
                image.verify()
            with Image.open(BytesIO(data)) as image:
                image.load()  # verify() does not decode: a truncated photo only fails here
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise too_big from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("Cette image est abîmée ou incomplète : reprenez la photo."), code="corrupt") from exc


def _check_pdf(data: bytes) -> None:
    if PDF_ACTIVE_CONTENT.search(data):
        raise ValidationError(
            _("Ce PDF contient du code ou des fichiers joints : enregistrez-le en PDF simple (« imprimer en PDF »)."),
            code="active_pdf",
        )
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("Ce PDF est protégé par un mot de passe : envoyez-le sans protection."), code="encrypted"
            )
        if len(reader.pages) == 0:
            raise ValidationError(_("Ce PDF n'a aucune page."), code="empty_pdf")
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(_("Ce PDF est abîmé ou incomplet."), code="corrupt") from exc


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
