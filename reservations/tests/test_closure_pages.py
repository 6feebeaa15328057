"""The closure pages as an administrator uses them: the families queue links to them, the form offers the
schools children are known at, the preview counts what the closure cancels before anything is written, the
confirmation applies it; other roles get 403, another commune's agent 404."""

from django.utils.http import urlencode
from django_tenants.utils import schema_context

from conftest import GORGES, signed_in
from core.roles import Role
from reservations.models import Booking, Closure
from reservations.tests.test_closures import THURSDAY, canteen, day  # noqa: F401
from tests.factories import UserFactory

NEW = "/gestion/inscriptions/fermetures/nouvelle/"


def asked(care, **more) -> dict:
    return {"date": THURSDAY.isoformat(), "cause": "strike", "label": "Grève", "site": care.site.pk} | more


def test_an_agent_previews_then_confirms_a_closure(day, agent, care):  # noqa: F811
    page = signed_in(agent)
    assert "/gestion/inscriptions/fermetures/" in page.get("/gestion/familles/").content.decode()
    form = page.get(NEW).content.decode()
    assert '<option value="École A">École A</option>' in form and "Toutes les écoles" in form

    preview = page.get(f"{NEW}?{urlencode(asked(care))}").content.decode()
    assert "4 réservations de 2 familles seront annulées, 3,60 € à rembourser, 1 en liste d’attente" in preview
    assert "3 familles prévenues par e-mail" in preview
    assert not Closure.objects.exists()

    answer = page.post(NEW, asked(care, minimum_service="False"))
    closure = Closure.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/gestion/inscriptions/fermetures/{closure.pk}/"
    assert not Booking.objects.filter(date=THURSDAY).exclude(closure=closure).exists()
    detail = page.get(answer["Location"]).content.decode()
    assert "4 réservations annulées, jamais facturées" in detail and "3,60 € dus" in detail
    assert "Grève" in page.get("/gestion/inscriptions/fermetures/").content.decode()


def test_a_closure_with_a_service_and_a_site_is_refused_with_its_reason(day, agent, care, canteen):  # noqa: F811
    page = signed_in(agent)
    answer = page.post(NEW, asked(care, service=canteen.pk))
    assert "Choisissez un service ou un site, pas les deux." in answer.content.decode()
    past = page.get(f"{NEW}?{urlencode(asked(care, date='2026-08-31'))}").content.decode()
    assert "aujourd&#x27;hui ou un jour à venir" in past
    assert not Closure.objects.exists()


def test_only_administrators_reach_the_closure_pages(day, care):  # noqa: F811
    for role in (Role.PARENT, Role.FINANCE, Role.SERVICE_MANAGER, Role.ANIMATOR):
        page = signed_in(UserFactory(role=role))
        assert page.get("/gestion/inscriptions/fermetures/").status_code == 403
        assert page.post(NEW, asked(care)).status_code == 403
    assert not Closure.objects.exists()


def test_another_communes_agent_reaches_no_closure(day, agent, care):  # noqa: F811
    closure = Closure.objects.create(date=THURSDAY, cause="strike", label="Grève du jeudi", site=care.site)
    with schema_context(GORGES.slug):
        elsewhere = signed_in(UserFactory(role=Role.ADMINISTRATOR), GORGES.host)
    assert elsewhere.get(f"/gestion/inscriptions/fermetures/{closure.pk}/").status_code == 404
    assert "Grève du jeudi" not in elsewhere.get("/gestion/inscriptions/fermetures/").content.decode()
    assert signed_in(agent).get(f"/gestion/inscriptions/fermetures/{closure.pk + 1}/").status_code == 404
