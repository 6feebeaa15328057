"""Sample files as families send them: PDFs (plain, booby-trapped, encrypted), images, a phone photo."""

from io import BytesIO

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def pdf_bytes(javascript: str | None = None, password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:  # what a booby-trapped PDF does: run a script when it opens
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(javascript)}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if password:
        writer.encrypt(password)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def image_bytes(kind: str = "JPEG", size: tuple[int, int] = (640, 480), **options) -> bytes:
    output = BytesIO()
    Image.new("RGB" if kind != "PNG1" else "1", size, "#3a6").save(output, "PNG" if kind == "PNG1" else kind, **options)
    return output.getvalue()


def phone_photo() -> bytes:
    """A 12-megapixel JPEG with the EXIF orientation a phone writes."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°, as a phone held upright
    exif[0x010F] = "Apple"
    return image_bytes("JPEG", (4032, 3024), exif=exif, quality=85)
