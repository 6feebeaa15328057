"""Closures through the API, with a real client: an administrator previews what a closure would cancel
(nothing written), decides it and reads what it cancelled and what is owed back; a refusal says why; other
roles get 403, another commune's closure is 404."""

from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from conftest import CLISSON, GORGES
from core.roles import Role
from reservations.models import Booking, Closure
from reservations.tests.test_closures import THURSDAY, canteen, day  # noqa: F401
from tests.factories import UserFactory

API = "/api/v1/reservations"


def client_for(user, host: str = CLISSON.host) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.force_authenticate(user)
    return client


def asked(care, **more) -> dict:
    return {"date": THURSDAY.isoformat(), "cause": "strike", "label": "Grève", "site": care.site.pk} | more


def test_an_administrator_previews_decides_and_reads_a_closure(day, agent, care):  # noqa: F811
    client = client_for(agent)

    preview = client.post(f"{API}/closures/preview", asked(care), format="json")

    assert preview.status_code == 200
    assert (len(preview.json()["bookings"]), len(preview.json()["waiting_entries"])) == (4, 1)
    assert (preview.json()["owed_total"], preview.json()["families"], preview.json()["closes_day"]) == ("3.60", 3, True)
    assert not Closure.objects.exists()

    created = client.post(f"{API}/closures", asked(care), format="json")

    assert created.status_code == 201
    closure = created.json()["closure"]
    assert (closure["cancelled"], closure["families"], closure["site_name"]) == (4, 2, care.site.name)
    assert {b["state"] for b in created.json()["bookings"]} == {"cancelled"}
    assert [o["amount"] for o in created.json()["owed"]] == ["3.60"]
    assert not Booking.objects.filter(date=THURSDAY).exclude(closure_id=closure["id"]).exists()
    detail = client.get(f"{API}/closures/{closure['id']}").json()
    assert detail["owed_total"] == "3.60" and len(detail["bookings"]) == 4
    assert sorted(b["owed"] or "" for b in detail["bookings"]) == ["", "", "", "3.60"]
    assert [c["id"] for c in client.get(f"{API}/closures").json()["results"]] == [closure["id"]]


def test_a_closure_refused_says_why(day, agent, care, canteen):  # noqa: F811
    client = client_for(agent)

    past = client.post(f"{API}/closures", asked(care, date="2026-08-31"), format="json")
    both = client.post(f"{API}/closures/preview", asked(care, service=canteen.pk), format="json")

    assert past.status_code == 422 and past.json()["code"] == "rule"
    assert "aujourd'hui ou un jour à venir" in past.json()["fields"]["date"][0]
    assert both.status_code == 422 and both.json()["fields"]["site"] == [
        "Choisissez un service ou un site, pas les deux."
    ]
    assert not Closure.objects.exists()


def test_only_administrators_reach_closures_and_never_another_communes(day, agent, care):  # noqa: F811
    closure = Closure.objects.create(date=THURSDAY, cause="strike", label="Grève du jeudi", site=care.site)
    for role in (Role.PARENT, Role.FINANCE, Role.SERVICE_MANAGER, Role.ANIMATOR):
        someone = client_for(UserFactory(role=role))
        assert someone.get(f"{API}/closures").status_code == 403
        assert someone.get(f"{API}/closures/{closure.pk}").status_code == 403
        assert someone.post(f"{API}/closures", asked(care), format="json").status_code == 403
        assert someone.post(f"{API}/closures/preview", asked(care), format="json").status_code == 403
    with schema_context(GORGES.slug):
        elsewhere = client_for(UserFactory(role=Role.ADMINISTRATOR), GORGES.host)
        assert elsewhere.get(f"{API}/closures/{closure.pk}").status_code == 404
        assert elsewhere.get(f"{API}/closures").json()["results"] == []
    assert Closure.objects.count() == 1 and not Booking.objects.filter(state="cancelled").exists()
