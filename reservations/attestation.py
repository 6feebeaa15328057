"""The attestation d'inscription: a one-page PDF in the commune's colours, drawn with ReportLab.

Only a validated enrolment has one. The logo is drawn when it is an image ReportLab reads (PNG, JPEG);
an SVG logo (the demo's) or an unreadable file leaves the commune's name alone in the header.
"""

import io
import logging
from datetime import date
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reservations.models import Enrolment
from reservations.selectors import recurrence_in_words, week_lines

logger = logging.getLogger(__name__)

BAND = 32 * mm  # the coloured header band
MARGIN = 20 * mm
DRAWN_LOGOS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG: what ReportLab draws without a converter


def attestation_filename(enrolment: Enrolment) -> str:
    slug = slugify(f"{enrolment.child} {enrolment.service}") or "inscription"
    return f"attestation-inscription-{slug}.pdf"


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _logo(branding) -> ImageReader | None:
    if not branding.logo:
        return None
    try:
        with branding.logo.open("rb") as file:
            data = file.read()
        if not data.startswith(DRAWN_LOGOS):
            return None
        reader = ImageReader(io.BytesIO(data))
        reader.getSize()  # reads the image: a broken file fails here, not while drawing
        return reader
    except Exception:  # a logo that cannot be read never stops the attestation
        logger.warning("Logo not drawn on the attestation", exc_info=True)
        return None


def attestation_pdf(*, enrolment: Enrolment, commune_name: str, branding, today: date | None = None) -> bytes:
    """The attestation of a validated enrolment, as PDF bytes."""
    if enrolment.status != "validated":
        raise ValueError("only a validated enrolment has an attestation")
    today = today or timezone.localdate()
    primary = colors.HexColor(branding.primary_colour)
    logo = _logo(branding)
    title = _("Attestation d’inscription")

    def header(canvas, document) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(primary)
        canvas.rect(0, height - BAND, width, BAND, stroke=0, fill=1)
        x = MARGIN
        if logo is not None:
            size = BAND - 10 * mm
            canvas.setFillColor(colors.white)
            canvas.roundRect(x - 1 * mm, height - BAND + 4 * mm, size + 2 * mm, size + 2 * mm, 2 * mm, stroke=0, fill=1)
            canvas.drawImage(logo, x, height - BAND + 5 * mm, size, size, preserveAspectRatio=True, mask="auto")
            x += size + 6 * mm
        canvas.setFillColor(colors.white)
        canvas.setFont("Helvetica-Bold", 18)
        canvas.drawString(x, height - BAND / 2 + 1 * mm, commune_name)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(x, height - BAND / 2 - 5 * mm, _("Portail Famille"))
        canvas.setFillColor(primary)
        canvas.rect(0, 0, width, 4 * mm, stroke=0, fill=1)
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=BAND + 12 * mm,
        bottomMargin=MARGIN,
        title=f"{title} — {enrolment.child} — {enrolment.service}",
        author=commune_name,
        subject=str(enrolment.service),
        lang="fr",
    )
    document.build(_story(enrolment, commune_name, title, primary, today), onFirstPage=header, onLaterPages=header)
    return buffer.getvalue()


def _story(enrolment: Enrolment, commune_name: str, title: str, primary, today: date) -> list:
    heading = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=20, leading=24, textColor=primary)
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=16, alignment=TA_LEFT)
    label = ParagraphStyle("label", parent=body, fontName="Helvetica-Bold")
    child, service = enrolment.child, enrolment.service

    def text(value) -> str:
        return escape(str(value))

    statement = _(
        "La mairie de %(commune)s atteste que %(child)s, né(e) le %(born)s, est inscrit(e) au service "
        "« %(service)s » du %(start)s au %(end)s."
    ) % {
        "commune": text(commune_name),
        "child": f"<b>{text(child)}</b>",
        "born": _day(child.birth_date),
        "service": f"<b>{text(service)}</b>",
        "start": _day(enrolment.start),
        "end": _day(enrolment.end),
    }
    lines = week_lines(enrolment)
    week = "<br/>".join(f"{text(day).capitalize()} : {text(', '.join(units))}" for day, units in lines)
    rows = [
        (_("Enfant"), text(child)),
        (_("Service"), text(f"{service} ({service.site})" if service.site_id else service)),
        (_("Année scolaire"), text(enrolment.school_year)),
        (_("Période"), _("du %(start)s au %(end)s") % {"start": _day(enrolment.start), "end": _day(enrolment.end)}),
        (_("Semaine type"), week or text(_("pas de semaine type : les jours se réservent un par un"))),
    ]
    if lines:
        rows.append((_("Rythme"), text(recurrence_in_words(enrolment))))
    if enrolment.ended_on:
        rows.append((_("Fin de l’inscription"), _("le %(day)s") % {"day": _day(enrolment.ended_on)}))
    if enrolment.decided_at:
        decided = timezone.localtime(enrolment.decided_at).date()
        rows.append((_("Validée le"), _day(decided)))
    table = Table(
        [[Paragraph(text(name), label), Paragraph(value, body)] for name, value in rows],
        colWidths=[45 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#c9d1dd")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    done_at = _("Fait à %(commune)s, le %(day)s, pour servir et valoir ce que de droit.") % {
        "commune": text(commune_name),
        "day": _day(today),
    }
    return [
        Paragraph(text(title), heading),
        Spacer(1, 8 * mm),
        Paragraph(statement, body),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 10 * mm),
        Paragraph(done_at, body),
    ]
