"""Catalogue API: the engine's answer day by day, errors in one shape, writes for administrators only."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from audit.selectors import entries_for
from catalog.models import CutoffRule, Service, Tariff, UnitCombination
from core.errors import ErrorCode
from core.roles import Role
from core.testing import frozen_clock
from tests.factories import CutoffRuleFactory, SchoolYearFactory, ServiceFactory, TariffFactory, UserFactory, bracket


def api_client(host: str, role: Role | None = Role.PARENT) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    if role is not None:
        with schema_context(host.split(".")[0]):
            client.force_authenticate(UserFactory(role=role))
    return client


@pytest.fixture
def wednesdays(clisson):
    with schema_context("clisson"):
        SchoolYearFactory()
        service = ServiceFactory(name="ALSH mercredi", weekdays=[2], capacity=24, unit=Service.Unit.DAY)
        CutoffRuleFactory(service=service, amount=5, late_price=CutoffRule.LatePrice.PLUS, late_amount=Decimal(3))
    return service


def test_days_endpoint_gives_openings_capacity_and_deadlines(wednesdays):
    response = api_client("clisson.localhost").get(
        f"/api/v1/catalog/services/{wednesdays.pk}/days", {"start": "2027-03-15", "end": "2027-03-21"}
    )

    assert response.status_code == 200
    days = {d["date"]: d for d in response.json()}
    assert len(days) == 7
    wednesday = days["2027-03-17"]
    assert wednesday["open"] and wednesday["capacity"] == 24 and wednesday["places_left"] == 24
    assert wednesday["booking_deadline"] == "2027-03-11T00:00:00+01:00"  # 5 working days: Wed 10 included
    assert wednesday["booking"] == {
        "allowed": True,
        "reason": None,
        "message": "",
        "late": False,
        "late_price": None,
        "late_amount": None,
    }
    assert wednesday["cancellation_deadline"] is None
    assert not days["2027-03-15"]["open"] and days["2027-03-15"]["booking"]["reason"] == "closed"
    assert days["2027-03-15"]["booking"]["message"] == "Le service n'a pas lieu ce jour-là."


@pytest.mark.parametrize(
    ("params", "field"),
    [({"start": "2027-10-11", "end": "2027-10-01"}, "end"), ({"start": "2027-01-01", "end": "2027-12-31"}, "end")],
)
def test_a_period_the_rules_refuse_gets_a_french_error_in_the_common_shape(wednesdays, params, field):
    response = api_client("clisson.localhost").get(f"/api/v1/catalog/services/{wednesdays.pk}/days", params)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_range" and body["message"] == "Période invalide."
    assert field in body["fields"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2027-10-11"}, "end"),
        ({"start": "demain", "end": "2027-10-01"}, "start"),
        ({"start": "2027-10-11", "end": "2027-10-12", "jusqua": "2027-10-13"}, "jusqua"),
    ],
)
def test_a_query_outside_the_schema_is_a_400(wednesdays, params, field):
    response = api_client("clisson.localhost").get(f"/api/v1/catalog/services/{wednesdays.pk}/days", params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]


def test_catalogue_needs_a_signed_in_user_of_the_commune(wednesdays):
    anonymous = api_client("clisson.localhost", role=None).get("/api/v1/catalog/services")

    assert anonymous.status_code == 403
    assert anonymous.json()["code"] == "not_authenticated"


def test_another_commune_cannot_see_the_service(wednesdays, gorges):
    response = api_client("gorges.localhost").get(
        f"/api/v1/catalog/services/{wednesdays.pk}/days", {"start": "2027-10-11", "end": "2027-10-17"}
    )

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Introuvable.", "fields": {}}


def test_parents_read_but_only_administrators_write(wednesdays):
    payload = {
        "name": "Garderie du soir",
        "kind": "evening_care",
        "site": wednesdays.site_id,
        "unit": "session",
        "weekdays": [4, 0, 1, 1],
        "period": "school_terms",
    }

    parent = api_client("clisson.localhost").post("/api/v1/catalog/services", payload, format="json")
    admin = api_client("clisson.localhost", Role.ADMINISTRATOR).post("/api/v1/catalog/services", payload, format="json")

    assert parent.status_code == 403
    assert admin.status_code == 201 and admin.json()["weekdays"] == [0, 1, 4]


def test_invalid_write_lists_french_field_errors(wednesdays):
    response = api_client("clisson.localhost", Role.ADMINISTRATOR).post(
        "/api/v1/catalog/services", {"name": "", "kind": "canteen", "weekdays": [9]}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]["name"] == ["Ce champ ne peut être vide."]
    assert body["fields"]["weekdays"] == {"0": ["Assurez-vous que cette valeur est inférieure ou égale à 6."]}


def test_openapi_schema_and_local_docs(clisson):
    client = api_client("clisson.localhost", role=None)

    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200 and b"/api/v1/catalog/services/{id}/days" in schema.content
    assert not [path for path in yaml.safe_load(schema.content)["paths"] if path.endswith("/")]
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower() and "/static/drf_spectacular_sidecar/" in docs.content.decode()


def test_today_is_the_day_in_paris_and_the_clock_decides(wednesdays):
    # 00:30 on Wednesday 17 March in Paris, still Tuesday 16 in UTC.
    with frozen_clock(datetime(2027, 3, 17, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))):
        today = timezone.localdate().isoformat()
        response = api_client("clisson.localhost").get(
            f"/api/v1/catalog/services/{wednesdays.pk}/days", {"start": today, "end": today}
        )

    [day] = response.json()
    assert day["date"] == "2027-03-17" and day["open"]
    # The day has begun in Paris: the 5-working-day rule decides (late), not "past" from midnight.
    assert day["booking"]["reason"] == "late" and day["booking"]["late_amount"] == "3.00"


def test_bracket_writes_are_checked_against_their_tariff(wednesdays):
    with schema_context("clisson"):
        tariff = TariffFactory(service=wednesdays)
        bracket(tariff, 0, 700, "3.00")
    client = api_client("clisson.localhost", Role.ADMINISTRATOR)

    overlapping = client.post(
        "/api/v1/catalog/tariff-brackets", {"tariff": tariff.pk, "qf_min": 500, "price": "4.00"}, format="json"
    )
    following = client.post(
        "/api/v1/catalog/tariff-brackets", {"tariff": tariff.pk, "qf_min": 701, "price": "4.00"}, format="json"
    )

    assert overlapping.status_code == 422 and overlapping.json()["code"] == "rule"
    assert overlapping.json()["fields"]["non_field_errors"] == ["Les tranches 0–700 et 500–∞ se chevauchent."]
    assert following.status_code == 201


PRICE_NEEDED = "Indiquez au moins une tranche de quotient, ou un prix sans quotient connu."


def test_a_tariff_without_brackets_needs_an_unknown_qf_price(wednesdays):
    client = api_client("clisson.localhost", Role.ADMINISTRATOR)
    payload = {"service": wednesdays.pk, "valid_from": "2026-09-01"}

    refused = client.post("/api/v1/catalog/tariffs", payload, format="json")
    priced = client.post("/api/v1/catalog/tariffs", {**payload, "unknown_qf_price": "4.50"}, format="json")

    assert refused.status_code == 422
    assert refused.json() == {"code": "rule", "message": PRICE_NEEDED, "fields": {"unknown_qf_price": [PRICE_NEEDED]}}
    assert priced.status_code == 201
    with schema_context("clisson"):
        assert wednesdays.tariffs.get().unknown_qf_price == Decimal("4.50")


def test_a_tariff_keeps_its_unknown_qf_price_while_it_has_no_brackets(wednesdays):
    with schema_context("clisson"):
        flat = TariffFactory(service=wednesdays, unknown_qf_price=Decimal("4.50"))
        by_qf = TariffFactory(service=wednesdays, residence=Tariff.Residence.RESIDENT, unknown_qf_price=Decimal(5))
        bracket(by_qf, 0, None, "3.00")
    client = api_client("clisson.localhost", Role.ADMINISTRATOR)

    refused = client.patch(f"/api/v1/catalog/tariffs/{flat.pk}", {"unknown_qf_price": None}, format="json")
    accepted = client.patch(f"/api/v1/catalog/tariffs/{by_qf.pk}", {"unknown_qf_price": None}, format="json")

    assert refused.status_code == 422 and refused.json()["fields"] == {"unknown_qf_price": [PRICE_NEEDED]}
    assert accepted.status_code == 200
    with schema_context("clisson"):
        flat.refresh_from_db()
        by_qf.refresh_from_db()
    assert flat.unknown_qf_price == Decimal("4.50") and by_qf.unknown_qf_price is None


@pytest.fixture
def three_brackets(wednesdays):
    with schema_context("clisson"):
        tariff = TariffFactory(service=wednesdays)
        bracket(tariff, 0, 700, "3.00")
        bracket(tariff, 701, 1200, "4.00")
        bracket(tariff, 1201, None, "5.00")
    return tariff


def brackets_of(tariff: Tariff) -> list[tuple]:
    with schema_context("clisson"):
        return [(b.qf_min, b.qf_max, str(b.price)) for b in tariff.brackets.all()]


def history_of(service: Service) -> list[tuple]:
    with schema_context("clisson"):
        return [(e.action, e.changes) for e in entries_for(record=service)]


def test_a_bracket_is_checked_with_its_siblings_under_the_service_lock(three_brackets):
    with schema_context("clisson"):
        top = three_brackets.brackets.get(qf_min=1201)
    client = api_client("clisson.localhost", Role.ADMINISTRATOR)

    with CaptureQueriesContext(connection) as captured:
        response = client.patch(f"/api/v1/catalog/tariff-brackets/{top.pk}", {"qf_max": 2000}, format="json")

    assert response.status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    lock = next(i for i, q in enumerate(sql) if q.startswith('SELECT "catalog_service"') and "FOR UPDATE" in q)
    siblings = next(i for i, q in enumerate(sql) if 'FROM "catalog_tariffbracket" WHERE' in q and "NOT" in q)
    assert lock < siblings


def test_bracket_changes_appear_in_the_service_history(three_brackets, wednesdays):
    with schema_context("clisson"):
        top = three_brackets.brackets.get(qf_min=1201)
    client = api_client("clisson.localhost", Role.ADMINISTRATOR)

    client.patch(f"/api/v1/catalog/tariff-brackets/{top.pk}", {"qf_max": 2000}, format="json")
    client.post(
        "/api/v1/catalog/tariff-brackets",
        {"tariff": three_brackets.pk, "qf_min": 2001, "price": "6.00"},
        format="json",
    )

    assert history_of(wednesdays)[:2] == [
        ("catalog.brackets", {"brackets": ["0–700 : 3.00", "701–1200 : 4.00", "1201–2000 : 5.00", "2001–∞ : 6.00"]}),
        ("catalog.brackets", {"brackets": ["0–700 : 3.00", "701–1200 : 4.00", "1201–2000 : 5.00"]}),
    ]


def test_deleting_the_highest_bracket_is_journaled_and_leaves_a_valid_set(three_brackets, wednesdays):
    with schema_context("clisson"):
        top = three_brackets.brackets.get(qf_min=1201)

    response = api_client("clisson.localhost", Role.ADMINISTRATOR).delete(f"/api/v1/catalog/tariff-brackets/{top.pk}")

    assert response.status_code == 204
    assert brackets_of(three_brackets) == [(0, 700, "3.00"), (701, 1200, "4.00")]
    assert history_of(wednesdays)[0] == ("catalog.brackets", {"brackets": ["0–700 : 3.00", "701–1200 : 4.00"]})


@pytest.mark.parametrize(("qf_min", "label"), [(0, "0–700"), (701, "701–1200")])
def test_deleting_a_lower_bracket_would_leave_a_gap_and_is_refused(three_brackets, wednesdays, qf_min, label):
    with schema_context("clisson"):
        lower = three_brackets.brackets.get(qf_min=qf_min)

    response = api_client("clisson.localhost", Role.ADMINISTRATOR).delete(f"/api/v1/catalog/tariff-brackets/{lower.pk}")

    assert response.status_code == 422
    assert response.json()["fields"]["non_field_errors"] == [
        f"Sans la tranche {label}, les tranches ne se suivraient plus depuis un QF de 0 : "
        "supprimez-les en partant de la plus haute."
    ]
    assert len(brackets_of(three_brackets)) == 3
    assert history_of(wednesdays) == []


def test_the_last_bracket_stays_while_the_tariff_has_no_unknown_qf_price(wednesdays):
    with schema_context("clisson"):
        tariff = TariffFactory(service=wednesdays)
        only = bracket(tariff, 0, None, "3.00")

    response = api_client("clisson.localhost", Role.ADMINISTRATOR).delete(f"/api/v1/catalog/tariff-brackets/{only.pk}")

    assert response.status_code == 422 and response.json()["fields"] == {"unknown_qf_price": [PRICE_NEEDED]}
    assert brackets_of(tariff) == [(0, None, "3.00")]


def test_a_bracket_does_not_move_to_another_tariff(three_brackets, wednesdays):
    with schema_context("clisson"):
        other = TariffFactory(service=wednesdays, residence=Tariff.Residence.RESIDENT, unknown_qf_price=Decimal(5))
        first = three_brackets.brackets.get(qf_min=0)

    # Valid in the other tariff, but it would leave this one starting at 701.
    response = api_client("clisson.localhost", Role.ADMINISTRATOR).patch(
        f"/api/v1/catalog/tariff-brackets/{first.pk}", {"tariff": other.pk}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "tariff": ["Une tranche ne change pas de tarif : créez-la dans l'autre tarif."]
    }
    assert len(brackets_of(three_brackets)) == 3


def test_parents_do_not_see_who_manages_a_service(wednesdays):
    with schema_context("clisson"):
        wednesdays.managers.add(UserFactory(role=Role.SERVICE_MANAGER))

    body = api_client("clisson.localhost").get(f"/api/v1/catalog/services/{wednesdays.pk}").json()

    assert "managers" not in body and body["name"] == "ALSH mercredi"


# --- The API's convention (README, "The API") ------------------------------------------------------------


def test_lists_are_pages_filtered_by_query_parameters(wednesdays):
    with schema_context("clisson"):
        CutoffRuleFactory(service=ServiceFactory(name="Garderie du matin"))
    client = api_client("clisson.localhost")

    every = client.get("/api/v1/catalog/cutoff-rules", {"limit": 200}).json()
    first = client.get("/api/v1/catalog/cutoff-rules", {"limit": 1}).json()
    second = client.get(first["next"]).json()
    filtered = client.get("/api/v1/catalog/cutoff-rules", {"service": wednesdays.pk}).json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == every["count"] >= 2 and len(first["results"]) == 1 and first["previous"] is None
    assert [second["results"][0]["id"]] == [rule["id"] for rule in every["results"][1:2]]
    assert filtered["count"] == 1 and filtered["results"][0]["service"] == wednesdays.pk


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "1.0"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"service": "abc"}, "service"),
        ({"service": ""}, "service"),  # an empty value is no id, and not an absent filter
        ({"direction": ""}, "direction"),
        ({"servcie": 1}, "servcie"),  # a misspelt filter would otherwise return every row
    ],
)
def test_a_list_refuses_a_query_parameter_outside_the_schema(wednesdays, query, field):
    response = api_client("clisson.localhost").get("/api/v1/catalog/cutoff-rules", query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]


@pytest.mark.parametrize(
    ("request_args", "status", "code"),
    [
        ({"method": "get", "path": "/api/v1/catalog/services/"}, 404, "not_found"),
        ({"method": "get", "path": "/api/v1/catalog/inconnu"}, 404, "not_found"),
        ({"method": "get", "path": "/api/v1/catalog/services/0"}, 404, "not_found"),
        (
            {"method": "put", "path": "/api/v1/catalog/services/{pk}", "data": {}, "format": "json"},
            405,
            "method_not_allowed",
        ),
        (
            {"method": "post", "path": "/api/v1/catalog/sites", "data": "name", "content_type": "text/plain"},
            415,
            "unsupported_media_type",
        ),
        ({"method": "get", "path": "/api/v1/catalog/services", "HTTP_ACCEPT": "text/html"}, 406, "not_acceptable"),
        (
            {"method": "post", "path": "/api/v1/catalog/sites", "data": "{", "content_type": "application/json"},
            400,
            "parse_error",
        ),
        ({"method": "post", "path": "/api/v1/catalog/sites", "data": {"name": "Bourg", "nom": "x"}}, 400, "invalid"),
        ({"method": "post", "path": "/api/v1/catalog/sites", "data": {"name": 12}}, 400, "invalid"),
        ({"method": "patch", "path": "/api/v1/catalog/services/{pk}", "data": {"capacity": "12"}}, 400, "invalid"),
        ({"method": "patch", "path": "/api/v1/catalog/services/{pk}", "data": {"waiting_list": 1}}, 400, "invalid"),
        ({"method": "patch", "path": "/api/v1/catalog/services/{pk}", "data": {"id": 3}}, 400, "invalid"),
        ({"method": "patch", "path": "/api/v1/catalog/services/{pk}", "data": {"site": 999999}}, 422, "rule"),
    ],
)
def test_every_error_has_the_one_shape_and_a_code_of_the_enum(wednesdays, request_args, status, code):
    arguments = dict(request_args)
    method, path = arguments.pop("method"), arguments.pop("path").format(pk=wednesdays.pk)

    response = getattr(api_client("clisson.localhost", Role.ADMINISTRATOR), method)(path, **arguments)

    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["code"] == code and body["message"]
    assert body["code"] in {c.value for c in ErrorCode}


def test_a_trailing_slash_is_a_404_that_says_so(wednesdays):
    response = api_client("clisson.localhost").get(f"/api/v1/catalog/services/{wednesdays.pk}/")

    assert response.status_code == 404
    assert response.json()["message"] == (
        f"Les adresses de l'API ne finissent pas par « / » : /api/v1/catalog/services/{wednesdays.pk}."
    )


def test_an_anonymous_visitor_gets_403_not_authenticated(wednesdays):
    response = api_client("clisson.localhost", role=None).post("/api/v1/catalog/sites", {"name": "Bourg"})

    assert response.status_code == 403 and response.json()["code"] == "not_authenticated"


def test_the_schema_documents_errors_pages_and_strict_bodies(clisson):
    schema = yaml.safe_load(api_client("clisson.localhost", role=None).get("/api/schema/").content)
    components = schema["components"]["schemas"]
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]

    assert components["ErrorCodeEnum"]["enum"] == [code.value for code in ErrorCode]
    assert components["Error"]["properties"]["code"] == {"$ref": "#/components/schemas/ErrorCodeEnum"}
    for path, method, operation in operations:
        for status in ("400", "403", "404"):
            error = operation["responses"][status]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, (path, method, status)
        assert method != "put", path
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["schema"]["type"] == "integer":
                assert parameter["schema"]["minimum"] == 1, (path, parameter)
    lists = [op for path, method, op in operations if method == "get" and "limit" in str(op.get("parameters"))]
    assert len(lists) >= 15
    bodies = {
        media["schema"]["$ref"].rsplit("/", 1)[1]
        for _path, _method, operation in operations
        for media in operation.get("requestBody", {}).get("content", {}).values()
    }
    assert len(bodies) >= 20 and all(components[name]["additionalProperties"] is False for name in bodies)


# --- What a service sells: units, combinations, and the rules and tariffs that name them -------------------


HOLIDAY_UNITS = [
    ("journee", "Journée", "8"),
    ("matin", "Matin", "3"),
    ("apres-midi", "Après-midi", "3.5"),
    ("repas", "Repas", "1.5"),
]


@pytest.fixture
def holiday_centre(clisson):
    """Journée, matin, après-midi and repas; matin + repas + après-midi billed as one journée."""
    with schema_context("clisson"):
        SchoolYearFactory()
        service = ServiceFactory(
            name="Centre de loisirs",
            code="centre",
            unit=Service.Unit.DAY,
            booking_mode=Service.BookingMode.REQUEST,
            units=[
                {"code": code, "name": name, "duration_hours": Decimal(hours), "position": position}
                for position, (code, name, hours) in enumerate(HOLIDAY_UNITS)
            ],
        )
        units = {unit.code: unit for unit in service.units.all()}
        units["journee"].excludes.set([units["matin"], units["apres-midi"]])
        units["repas"].requires.set([units["journee"], units["matin"], units["apres-midi"]])
        whole = UnitCombination.objects.create(service=service, code="journee-complete", name="Journée", priority=30)
        whole.units.set([units["matin"], units["repas"], units["apres-midi"]])
        lunch = UnitCombination.objects.create(service=service, code="matin-repas", name="Matin, repas", priority=10)
        lunch.units.set([units["matin"], units["repas"]])
        TariffFactory(service=service, unit=None, combination=whole)
        TariffFactory(service=service, unit=units["matin"])
        CutoffRuleFactory(service=service, applies_to=units["matin"])
        CutoffRuleFactory(service=service, direction=CutoffRule.Direction.CANCELLATION)
    return service, units, {"whole": whole, "lunch": lunch}


def test_a_services_units_and_combinations_are_read_with_their_rules(holiday_centre):
    service, units, _combinations = holiday_centre
    client = api_client("clisson.localhost")

    listed = client.get("/api/v1/catalog/units", {"service": service.pk}).json()
    repas = client.get(f"/api/v1/catalog/units/{units['repas'].pk}").json()
    journee = client.get(f"/api/v1/catalog/units/{units['journee'].pk}").json()
    combined = client.get("/api/v1/catalog/unit-combinations", {"service": service.pk}).json()
    with_lunch = client.get("/api/v1/catalog/unit-combinations", {"unit": units["repas"].pk}).json()

    assert set(listed) == {"count", "next", "previous", "results"}
    assert [u["code"] for u in listed["results"]] == ["journee", "matin", "apres-midi", "repas"]
    assert repas == {
        "id": units["repas"].pk,
        "service": service.pk,
        "code": "repas",
        "name": "Repas",
        "duration_hours": "1.50",
        "capacity": None,
        "position": 3,
        "requires": [units["journee"].pk, units["matin"].pk, units["apres-midi"].pk],
        "requires_codes": ["journee", "matin", "apres-midi"],
        "excludes": [],
        "excludes_codes": [],
    }
    assert journee["excludes_codes"] == ["matin", "apres-midi"]
    assert [(c["code"], c["priority"], c["unit_codes"]) for c in combined["results"]] == [
        ("journee-complete", 30, ["matin", "apres-midi", "repas"]),
        ("matin-repas", 10, ["matin", "repas"]),
    ]
    assert combined["results"][0]["units"] == [units["matin"].pk, units["apres-midi"].pk, units["repas"].pk]
    assert with_lunch["count"] == 2


def test_rules_and_tariffs_name_their_unit_or_combination_by_id_and_code(holiday_centre):
    service, units, combinations = holiday_centre
    client = api_client("clisson.localhost")

    rules = client.get("/api/v1/catalog/cutoff-rules", {"service": service.pk}).json()["results"]
    own = client.get("/api/v1/catalog/cutoff-rules", {"applies_to": units["matin"].pk}).json()["results"]
    tariffs = client.get("/api/v1/catalog/tariffs", {"service": service.pk}).json()["results"]
    of_whole = client.get("/api/v1/catalog/tariffs", {"combination": combinations["whole"].pk}).json()
    body = client.get(f"/api/v1/catalog/services/{service.pk}").json()

    assert sorted((r["direction"], r["applies_to"], r["applies_to_code"]) for r in rules) == [
        ("booking", units["matin"].pk, "matin"),
        ("cancellation", None, None),
    ]  # one rule a direction: the order is the direction's
    assert [r["direction"] for r in own] == ["booking"]
    assert {(t["unit"], t["unit_code"], t["combination"], t["combination_code"]) for t in tariffs} == {
        (None, None, combinations["whole"].pk, "journee-complete"),
        (units["matin"].pk, "matin", None, None),
    }
    assert of_whole["count"] == 1
    assert (body["code"], body["booking_mode"], body["pending_at_cutoff"]) == ("centre", "request", "refuse")
    assert [u["code"] for u in body["units"]] == ["journee", "matin", "apres-midi", "repas"]
    assert [c["code"] for c in body["combinations"]] == ["journee-complete", "matin-repas"]
    assert {r["applies_to_code"] for r in body["cutoff_rules"]} == {"matin", None}


def test_the_services_list_reads_their_units_in_a_bounded_number_of_queries(holiday_centre):
    client = api_client("clisson.localhost")
    client.get("/api/v1/catalog/services")  # the session and the commune, once

    with CaptureQueriesContext(connection) as before:
        count = client.get("/api/v1/catalog/services").json()["count"]
    with schema_context("clisson"):
        for n in range(3):
            service = ServiceFactory(name=f"Autre {n}")
            TariffFactory(service=service)
            CutoffRuleFactory(service=service, applies_to=service.units.get())
    with CaptureQueriesContext(connection) as after:
        body = client.get("/api/v1/catalog/services").json()

    assert body["count"] == count + 3 and len(after) == len(before)


def test_units_and_combinations_are_read_only(holiday_centre):
    service, units, combinations = holiday_centre
    client = api_client("clisson.localhost", Role.ADMINISTRATOR)

    created = client.post("/api/v1/catalog/units", {"service": service.pk, "code": "soir"}, format="json")
    changed = client.patch(f"/api/v1/catalog/units/{units['repas'].pk}", {"name": "Déjeuner"}, format="json")
    deleted = client.delete(f"/api/v1/catalog/unit-combinations/{combinations['whole'].pk}")

    assert {created.status_code, changed.status_code, deleted.status_code} == {405}
    assert created.json()["code"] == "method_not_allowed"


def test_a_tariff_of_a_multi_unit_service_names_what_it_prices(holiday_centre):
    service, units, _combinations = holiday_centre
    client = api_client("clisson.localhost", Role.ADMINISTRATOR)
    tariff = {"service": service.pk, "valid_from": "2026-09-01", "unknown_qf_price": "2.00"}

    neither = client.post("/api/v1/catalog/tariffs", tariff, format="json")
    unit = client.post("/api/v1/catalog/tariffs", tariff | {"unit": units["journee"].pk}, format="json")
    with schema_context("clisson"):
        elsewhere = ServiceFactory().units.get()
    other = client.post("/api/v1/catalog/tariffs", tariff | {"unit": elsewhere.pk}, format="json")

    assert neither.status_code == 422 and neither.json()["code"] == "rule"
    assert unit.status_code == 201 and unit.json()["unit_code"] == "journee"
    assert other.status_code == 422
