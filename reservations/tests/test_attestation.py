"""The attestation d'inscription: a PDF of a validated enrolment, for the household's guardians and staff
only, with the commune's name, colour and (a PNG or JPEG) logo, the child, the service, the period, the
typical week in words and the date of validation."""

import io
from datetime import date, datetime

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from catalog.calendar import PARIS
from conftest import signed_in
from core.roles import Role
from families.models import Decision
from reservations.attestation import attestation_pdf
from reservations.models import Enrolment
from reservations.services import enrolment_decide, enrolment_request
from tests.factories import ChildFactory, SchoolYearFactory, ServiceFactory, UserFactory, family, parent_of
from tests.samples import image_bytes
from theming.models import Branding

SEPTEMBER = datetime(2026, 9, 1, 9, tzinfo=PARIS)
UNITS = [
    {"code": "matin", "name": "Matin", "duration_hours": "1.5", "position": 1},
    {"code": "soir", "name": "Soir", "duration_hours": "2.5", "position": 2},
]


@pytest.fixture
def enrolment(in_clisson, frozen_at) -> Enrolment:
    frozen_at(SEPTEMBER)
    year = SchoolYearFactory()
    # Without tariffs or rules: the attestation reads the enrolment, not what its days cost.
    service = ServiceFactory(name="Accueil périscolaire", units=UNITS, enrolment_requires_validation=False)
    household = family("Famille Martin")
    lea = ChildFactory(household=household, first_name="Léa", birth_date=date(2019, 3, 2), status=Decision.VALIDATED)
    enrolment = Enrolment.objects.create(
        child=lea,
        household=household,
        service=service,
        school_year=year,
        start=date(2026, 9, 1),
        end=date(2027, 7, 3),
        week={"0": ["matin", "soir"], "1": ["soir"]},
        recurrence=Enrolment.Recurrence.ALTERNATE,
        anchor=date(2026, 9, 7),
        status=Decision.VALIDATED,
        decided_at=datetime(2026, 9, 3, 10, tzinfo=PARIS),
    )
    return enrolment


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pdf_says_who_is_enrolled_where_when_and_since_when(enrolment):
    branding = Branding(primary_colour="#7a1f3d")

    pdf = attestation_pdf(enrolment=enrolment, commune_name="Le Pallet", branding=branding, today=date(2026, 9, 4))

    text = text_of(pdf)
    assert pdf.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "Attestation d’inscription" in text and "Le Pallet" in text
    assert "Léa Martin" in text and "Accueil périscolaire" in text
    assert "du 1 septembre 2026 au 3 juillet 2027" in text
    assert "Lundi : Matin, Soir" in text and "Mardi : Soir" in text
    assert "une semaine sur deux, à partir de la semaine du 7 septembre 2026" in text
    assert "Validée le 3 septembre 2026" in text and "Fait à Le Pallet, le 4 septembre 2026" in text
    assert PdfReader(io.BytesIO(pdf)).metadata.author == "Le Pallet"


def test_a_png_logo_is_drawn_and_an_svg_or_broken_one_is_left_out(enrolment):
    png = Branding(primary_colour="#0b5e55")
    png.logo.save("logo.png", ContentFile(image_bytes("PNG", (96, 96))), save=False)
    svg = Branding()
    svg.logo.save("logo.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>'), save=False)
    broken = Branding()
    broken.logo.save("cassé.png", ContentFile(b"\x89PNG\r\n\x1a\n pas une image"), save=False)

    with_logo, *without = (
        attestation_pdf(enrolment=enrolment, commune_name="Vallet", branding=b) for b in (png, svg, broken)
    )

    def images(pdf: bytes) -> int:
        return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)

    assert images(with_logo) == 1
    assert [images(pdf) for pdf in without] == [0, 0]
    assert all("Vallet" in text_of(pdf) for pdf in without)


def test_only_the_households_guardians_and_staff_download_it_once_validated(in_clisson, frozen_at):
    frozen_at(SEPTEMBER)
    year = SchoolYearFactory()
    service = ServiceFactory(name="Accueil périscolaire", units=UNITS)
    martin, moreau = family("Famille Martin"), family("Foyer Moreau")
    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    lea.households.add(moreau)
    enrolment = enrolment_request(
        actor=parent_of(martin), child=lea, household=martin, service=service, school_year=year, week={}
    )
    url = f"/famille/inscriptions/{enrolment.pk}/attestation/"
    staff_url = f"/gestion/inscriptions/{enrolment.pk}/attestation/"
    agent = signed_in(UserFactory(role=Role.ADMINISTRATOR))
    parent = signed_in(parent_of(martin))

    pending = parent.get(url)
    enrolment_decide(actor=None, enrolment=enrolment, accept=True)
    download = parent.get(url)

    assert pending.status_code == 302 and pending.url == f"/famille/enfants/{lea.pk}/"  # not before validation
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert (
        download["Content-Disposition"]
        == 'attachment; filename="attestation-inscription-lea-martin-accueil-periscolaire.pdf"'
    )
    assert "Léa Martin" in text_of(download.content) and "Accueil périscolaire" in text_of(download.content)
    assert signed_in(parent_of(moreau)).get(url).status_code == 404  # the other household of a shared child
    assert signed_in(parent_of(family("Famille Durand"))).get(url).status_code == 404
    assert agent.get(staff_url).status_code == 200
    assert signed_in(UserFactory(role=Role.ANIMATOR)).get(staff_url).status_code == 403
