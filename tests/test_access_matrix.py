"""Who may use every route, on which host: one table, checked against the URL confs (18F tock's test_url_auth).

Every pattern of `config.urls_tenant` (a commune's host) and `config.urls_public` (the platform root) needs a
row in ROUTES, or a group rule in GROUPS (Django's admin); a new route without one fails
`test_every_route_has_a_row`. A row says who may use the route and, for a route that takes an id, which object
each actor reaches and which it must not. An actor the row admits gets a success (2xx, or a redirect that is
not a login page) for the object it reaches and 404 for the others, so a route answering 404 to everyone
cannot pass; an actor it does not admit gets the login page (a visitor), or 403, on every object.

Each route is called by every actor on three hosts: its own (clisson, gorges or the platform root), the other
commune's (users and sessions are per schema: there the actor is a visitor, and an id of its commune is no
record of that one) and the one whose URL conf lacks the route (404). Unsafe methods are sent only where the
answer must be a refusal (an actor not admitted, someone else's object, a method the route does not serve),
and nothing may then be written: PostgreSQL counts the rows each table had inserted, updated or deleted in the
transaction, rolled back or not. `test_a_post_without_csrf_token_is_refused` sends each unsafe method once
more, without a CSRF token, as a session user the row admits.

Objects are built once for the module, inside a transaction rolled back at its end; each test runs in a
savepoint of it.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from rest_framework.viewsets import ViewSetMixin

from catalog import models as catalog
from conftest import CLISSON, GORGES, signed_in
from core.roles import Capability, Role, roles_with
from families.models import (
    ChangeRequest,
    Child,
    ChildHousehold,
    Dossier,
    DossierItem,
    DossierRequirement,
    Guardian,
    Household,
    PickupPerson,
)
from families.selectors import COUNTER_SESSION_KEY
from families.services import Address, child_link, dossier_open, household_create
from reservations.models import Absence, AllocationRequest, BasketLine, Closure, Enrolment, WaitingListEntry
from storage.models import Document
from tests.factories import (
    ChildFactory,
    CutoffRuleFactory,
    DocumentFactory,
    PickupPersonFactory,
    ServiceFactory,
    SiteFactory,
    TariffFactory,
    UserFactory,
)
from tests.samples import pdf_bytes
from theming.models import Branding

pytestmark = pytest.mark.django_db

TENANT_URLS, PUBLIC_URLS = "config.urls_tenant", "config.urls_public"
PUBLIC_SCHEMA = get_public_schema_name()

# ---------------------------------------------------------------------------------------------------------------
# The answers, the actors, the hosts
# ---------------------------------------------------------------------------------------------------------------

OK = "success"  # 2xx, or a redirect that is not to a login page
LOGIN = "login page"  # 302 to allauth's /compte/login/
ADMIN_LOGIN = "admin login page"  # 302 to Django admin's /admin/login/
ADMIN_INDEX = "admin index"  # 302 to /admin/
# A write refused to someone who may read, on an object they cannot reach anyway: which check comes first is
# the view's choice.
FORBIDDEN_OR_MISSING = frozenset({403, 404})
Answer = str | int | frozenset


@dataclass(frozen=True)
class Actor:
    key: str
    role: Role | None = None
    home: str | None = None  # the schema where the actor's user and session live
    household: str | None = None  # the household the actor's family pages are about
    counter: bool = False  # family staff acting for `household` at the counter

    @property
    def signed_in(self) -> bool:
        return self.role is not None


ANONYMOUS = Actor("anonymous")
ACTORS = [
    ANONYMOUS,
    Actor("parent_a", Role.PARENT, CLISSON.slug, household="A"),
    Actor("parent_b", Role.PARENT, CLISSON.slug, household="B"),
    Actor("parent_c", Role.PARENT, CLISSON.slug, household="C"),  # household C shares household A's child
    Actor("animator", Role.ANIMATOR, CLISSON.slug),
    Actor("manager", Role.SERVICE_MANAGER, CLISSON.slug),  # manages service S1, not S2
    Actor("finance", Role.FINANCE, CLISSON.slug),
    Actor("administrator", Role.ADMINISTRATOR, CLISSON.slug),
    Actor("counter", Role.ADMINISTRATOR, CLISSON.slug, household="A", counter=True),  # acting for A
    Actor("gorges_admin", Role.ADMINISTRATOR, GORGES.slug),
    Actor("operator", Role.OPERATOR, PUBLIC_SCHEMA),
]


@dataclass(frozen=True)
class Host:
    name: str
    schema: str
    urlconf: str


HOSTS = [
    Host(CLISSON.host, CLISSON.slug, TENANT_URLS),
    Host(GORGES.host, GORGES.slug, TENANT_URLS),
    Host("localhost", PUBLIC_SCHEMA, PUBLIC_URLS),
]

# The role matrix as this table reads it: `test_the_table_reads_the_role_matrix` keeps it equal to core.roles,
# so a change of the matrix is a change of this table too.
HOLDERS: dict[Capability, set[Role]] = {
    Capability.FAMILY_SPACE: {Role.PARENT},
    Capability.CATALOG_VIEW: {Role.ADMINISTRATOR, Role.SERVICE_MANAGER},
    Capability.CATALOG_CONFIGURE: {Role.ADMINISTRATOR},
    Capability.TEAM_MANAGE: {Role.ADMINISTRATOR},
    Capability.FAMILIES_REVIEW: {Role.ADMINISTRATOR, Role.FINANCE},
    Capability.FAMILIES_CONFIGURE: {Role.ADMINISTRATOR},
    Capability.DOCUMENTS_READ_ALL: {Role.ADMINISTRATOR, Role.FINANCE},
    Capability.COMMUNE_CONFIGURE: {Role.ADMINISTRATOR},
    Capability.PLATFORM_OPERATE: {Role.OPERATOR},
}


@dataclass(frozen=True)
class Who:
    """Who a row admits."""

    label: str
    admits: Callable[[Actor], bool]


def holders(capability: Capability) -> Who:
    return Who(capability.value, lambda actor: actor.role in HOLDERS[capability])


EVERYONE = Who("everyone", lambda actor: True)
SIGNED_IN = Who("any signed-in user of the commune", lambda actor: actor.signed_in)
NOBODY = Who("is_staff accounts only (no actor here)", lambda actor: False)
PARENTS = holders(Capability.FAMILY_SPACE)
FAMILY = Who(
    "a parent with a household, or family staff at the counter",
    lambda actor: (
        actor.role in HOLDERS[Capability.FAMILY_SPACE]
        or (actor.counter and actor.role in HOLDERS[Capability.FAMILIES_REVIEW])
    ),
)
CATALOG_STAFF = holders(Capability.CATALOG_VIEW)
CATALOG_ADMIN = holders(Capability.CATALOG_CONFIGURE)
TEAM = holders(Capability.TEAM_MANAGE)
FAMILY_STAFF = holders(Capability.FAMILIES_REVIEW)
FAMILY_CONFIG = holders(Capability.FAMILIES_CONFIGURE)
FAMILY_READERS = Who(
    "a parent (their household's records) or family staff (every household's)",
    lambda actor: actor.role in HOLDERS[Capability.FAMILY_SPACE] | HOLDERS[Capability.FAMILIES_REVIEW],
)
OPERATORS = holders(Capability.PLATFORM_OPERATE)

# ---------------------------------------------------------------------------------------------------------------
# The objects: one world per module, two communes
# ---------------------------------------------------------------------------------------------------------------

# Gorges' records take ids clisson's sequences never reach, so a gorges id is no clisson record and the other
# way round (checked by `_assert_apart`): "another commune's object" is then a real row that is not there.
FAR = 7_000_001


@dataclass
class Side:
    """One commune's records, by household letter ("A", "B", "C") or service ("S1", "S2")."""

    schema: str
    household: dict[str, Household]
    guardian: dict[str, Guardian]
    child: dict[str, Child]
    pickup: dict[str, PickupPerson]
    document: dict[str, Document]
    dossier: dict[str, Dossier]
    item: dict[str, DossierItem]
    request: dict[str, ChangeRequest]
    requirement: dict[str, DossierRequirement]
    year: dict[str, catalog.SchoolYear]
    site: dict[str, catalog.Site]
    service: dict[str, catalog.Service]
    tariff: dict[str, catalog.Tariff]
    bracket: dict[str, catalog.TariffBracket]
    cutoff: dict[str, catalog.CutoffRule]
    closure: dict[str, catalog.CalendarException]
    window: dict[str, catalog.BookingWindow]
    capacity: dict[str, catalog.CapacityOverride]
    age_group: dict[str, catalog.AgeGroupCapacity]
    unit: dict[str, catalog.ServiceUnit]
    combination: dict[str, catalog.UnitCombination]
    enrolment: dict[str, Enrolment]
    basket: dict[str, BasketLine]
    waiting: dict[str, WaitingListEntry]
    allocation: dict[str, AllocationRequest]
    absence: dict[str, Absence]
    day_closure: dict[str, Closure]


@dataclass
class World:
    sides: dict[str, Side]
    sessions: dict[str, str]  # actor key -> session key, in the actor's home schema
    files: list[str]  # storage names the requests read (documents, logos)

    def side(self, schema: str) -> Side:
        return self.sides[schema]

    def other(self, side: Side) -> Side:
        return next(s for s in self.sides.values() if s is not side)


@dataclass(frozen=True)
class Objects:
    """For one actor: the object it reaches (None: none), and objects it must not reach; each (label, kwargs)."""

    mine: tuple[str, dict] | None
    others: list[tuple[str, dict]]


Sampler = Callable[[Actor, Side, Side], Objects]


def _obj(label: str, **kwargs) -> tuple[str, dict]:
    return label, kwargs


# The record of a commune each household's pages are about: household C shares household A's child (and so its
# dossier) and keeps its own pick-up persons and documents. Actors without a household are tried on A's.
OWN = {
    "child": {"A": "A", "B": "B", "C": "A"},
    "dossier": {"A": "A", "B": "B", "C": "A"},
    "pickup": {"A": "A", "B": "B", "C": "C"},
    "document": {"A": "A", "B": "B", "C": "C"},
    "enrolment": {"A": "A", "B": "B", "C": "C"},  # C's enrolment of the child it shares is C's, A's is A's
    "basket": {"A": "A", "B": "B", "C": "C"},  # C's basket day of the child it shares is C's
    "waiting": {"A": "A", "B": "B", "C": "C"},  # C's waiting-list entry for the child it shares is C's
    "allocation": {"A": "A", "B": "B", "C": "C"},  # C's allocation request for the child it shares is C's
    "absence": {"A": "A", "B": "B", "C": "C"},  # A's absence of the child it shares is not C's
}


def household_records(kind: str, kwarg: str, **fixed) -> Sampler:
    """A household's record: the actor's household's is reached, every other household's is not."""

    def sample(actor: Actor, side: Side, other: Side) -> Objects:
        records, own = getattr(side, kind), OWN[kind][actor.household or "A"]
        mine = records.get(own)
        return Objects(
            _obj(f"{side.schema} {kind} {own}", **{kwarg: mine.pk}, **fixed) if mine else None,
            [_obj(f"{side.schema} {kind} {k}", **{kwarg: r.pk}, **fixed) for k, r in records.items() if k != own],
        )

    return sample


def dossier_pages(actor: Actor, side: Side, other: Side) -> Objects:
    return household_records("child", "child_id", year_id=side.year["open"].pk)(actor, side, other)


def dossier_items(actor: Actor, side: Side, other: Side) -> Objects:
    """A dossier's item: never another household's dossier, nor another dossier's item under the actor's."""
    own = OWN["dossier"][actor.household or "A"]
    dossier, item = side.dossier[own], side.item[own]
    others = [
        pair
        for k in side.dossier
        if k != own
        for pair in (
            _obj(f"{side.schema} dossier {k}", pk=side.dossier[k].pk, item_id=side.item[k].pk),
            _obj(f"{side.schema} dossier {own} with dossier {k}'s item", pk=dossier.pk, item_id=side.item[k].pk),
        )
    ]
    return Objects(_obj(f"{side.schema} dossier {own}", pk=dossier.pk, item_id=item.pk), others)


def documents(actor: Actor, side: Side, other: Side) -> Objects:
    """A download: staff who read every document, the household that sent it, nobody else (404 as if missing)."""
    if actor.role in HOLDERS[Capability.DOCUMENTS_READ_ALL]:
        return commune_record("document", "document_id", "A")(actor, side, other)
    if actor.role in HOLDERS[Capability.FAMILY_SPACE]:
        return household_records("document", "document_id")(actor, side, other)
    return Objects(None, [_obj(f"{side.schema} document {k}", document_id=d.pk) for k, d in side.document.items()])


def enrolments(actor: Actor, side: Side, other: Side) -> Objects:
    """An enrolment: family staff reach their commune's, a parent their household's only (not the other
    household's enrolment of a child they share)."""
    if actor.role in HOLDERS[Capability.FAMILIES_REVIEW]:
        return commune_record("enrolment", "pk")(actor, side, other)
    return household_records("enrolment", "pk")(actor, side, other)


def counter_children(actor: Actor, side: Side, other: Side) -> Objects:
    """A child of a household at the counter: the other commune's is 404, as a child not of that household."""

    def pair(s: Side, household: str, child: str) -> tuple[str, dict]:
        return _obj(
            f"{s.schema} household {household}, child {child}",
            household_id=s.household[household].pk,
            child_id=s.child[child].pk,
        )

    not_its_child = [pair(side, "B", "A")] if "B" in side.household else []
    return Objects(pair(side, "A", "A"), [pair(other, "A", "A"), *not_its_child])


def commune_record(kind: str, kwarg: str, key: str = "A", **fixed) -> Sampler:
    """A record staff reach in their own commune: the other commune's (an id this schema does not have) is 404."""

    def sample(actor: Actor, side: Side, other: Side) -> Objects:
        return Objects(
            _obj(f"{side.schema} {kind} {key}", **{kwarg: getattr(side, kind)[key].pk}, **fixed),
            [_obj(f"{other.schema} {kind} {key}", **{kwarg: getattr(other, kind)[key].pk}, **fixed)],
        )

    return sample


def configured_services(**fixed) -> Sampler:
    """A service under the back-office: a manager reaches the one they manage (S1), not S2; administrators
    reach every service of their commune, not the other commune's."""

    def sample(actor: Actor, side: Side, other: Side) -> Objects:
        def service(s: Side, key: str) -> tuple[str, dict]:
            return _obj(f"{s.schema} service {key}", service_id=s.service[key].pk, **fixed)

        if actor.role == Role.SERVICE_MANAGER:
            return Objects(service(side, "S1"), [service(side, "S2")])
        return Objects(service(side, "S1"), [service(other, "S1")])

    return sample


def service_rows(kind: str, **fixed) -> Sampler:
    """A row of a service (tariff, cutoff rule) under its service's URL, never under another service's."""

    def sample(actor: Actor, side: Side, other: Side) -> Objects:
        def row(s: Side, service: str, owner: str) -> tuple[str, dict] | None:
            if service not in s.service or owner not in getattr(s, kind):
                return None
            label = (
                f"{s.schema} service {service}'s {kind}" if service == owner else f"{kind} of {owner} under {service}"
            )
            return _obj(label, service_id=s.service[service].pk, pk=getattr(s, kind)[owner].pk, **fixed)

        if actor.role == Role.SERVICE_MANAGER:
            others = [row(side, "S2", "S2"), row(side, "S1", "S2")]
        else:
            others = [row(side, "S1", "S2"), row(other, "S1", "S1")]
        return Objects(row(side, "S1", "S1"), [o for o in others if o])

    return sample


def communes(**fixed) -> Sampler:
    """Operators reach every commune; a slug that is no commune is 404."""
    return lambda actor, side, other: Objects(
        _obj("commune clisson", slug=CLISSON.slug, **fixed), [_obj("no such commune", slug="nulle-part", **fixed)]
    )


def given(label: str, **kwargs) -> Sampler:
    """Values that name no record of ours (allauth's keys and tokens): checked by allauth, not by the table."""
    return lambda actor, side, other: Objects(_obj(label, **kwargs), [])


# ---------------------------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    who: Who  # who may read (GET)
    methods: tuple[str, ...] = ("GET",)  # what the route serves
    write: Who | None = None  # who may use its unsafe methods, when not `who`
    api: bool = False  # DRF: JSON bodies; an anonymous visitor gets 403, not the login page
    objects: Sampler | None = None  # for a route that takes ids
    payload: Callable[[Side], dict] | dict | None = None  # a body the route would accept, were the check missing
    query: str = ""
    # Who checks first: function views refuse a method they do not serve before anything (405 to everyone);
    # DRF and class-based views check the user first.
    user_first: bool = False
    anonymous: Answer | None = None  # the answer to a visitor outside `who`: the login page, or 403 on the API
    outsider: Answer = 403  # the answer to a signed-in user outside `who`


def page(who: Who, methods=("GET",), **row) -> Row:
    return Row(who, tuple(methods), **row)


def account(who: Who, methods=("GET",), **row) -> Row:
    return Row(who, tuple(methods), user_first=True, **row)


def api(who: Who, methods=("GET",), **row) -> Row:
    return Row(who, tuple(methods), api=True, user_first=True, **row)


FORM = ("GET", "POST")
POST_ONLY = ("POST",)
LIST = ("GET", "POST")
DETAIL = ("GET", "PATCH", "DELETE")  # the API changes a record with PATCH, never PUT
DECISION = {"decision": "accept", "reason": ""}
API_DECISION = {"accept": True, "reason": ""}


def closure_body(side: Side) -> dict:
    """A closure of the side's whole site, on a day of the world's bookings."""
    return {"date": "2030-09-03", "cause": "strike", "label": "Grève", "site": side.site["A"].pk}


PICKUP = {"name": "Intrus", "phone": "06 99 99 99 99", "relationship": "Inconnu"}

# The catalogue's tables, read by every signed-in user of the commune and written by its administrators (API).
CATALOG_API = {
    "service": ("service", "S1"),
    "site": ("site", "A"),
    "schoolyear": ("year", "open"),
    "calendarexception": ("closure", "A"),
    "bookingwindow": ("window", "S1"),
    "capacityoverride": ("capacity", "S1"),
    "agegroupcapacity": ("age_group", "S1"),
    "cutoffrule": ("cutoff", "S1"),
    "tariff": ("tariff", "S1"),
    "tariffbracket": ("bracket", "S1"),
}

ROUTES: dict[str, Row] = {
    # A commune's portal and the platform root: public
    "home": page(EVERYONE),
    "landing": page(EVERYONE, FORM),
    "branding_logo": page(EVERYONE),
    "healthz": page(EVERYONE),
    "set_language": page(EVERYONE, FORM),
    "api_schema": api(EVERYONE),  # drf-spectacular serves the schema to anyone (SERVE_PERMISSIONS: AllowAny)
    "api_docs": api(EVERYONE),
    # Accounts: allauth at /compte/ on both URL confs, and the invitation's activation on a commune's
    "account_activate": account(EVERYONE, FORM, objects=given("an unknown key", uidb36="1", key="cle-inconnue")),
    "account_login": account(EVERYONE, FORM),
    "account_logout": account(EVERYONE, FORM),
    "account_inactive": account(EVERYONE),
    "account_signup": account(EVERYONE, FORM),
    "account_reauthenticate": account(SIGNED_IN, FORM),
    "account_email": account(SIGNED_IN, FORM),
    "account_email_verification_sent": account(EVERYONE),
    "account_confirm_email": account(EVERYONE, FORM, objects=given("an unknown key", key="cle-inconnue")),
    "account_change_password": account(SIGNED_IN, FORM),
    "account_set_password": account(SIGNED_IN, FORM),
    "account_reset_password": account(EVERYONE, FORM),
    "account_reset_password_done": account(EVERYONE),
    "account_reset_password_from_key": account(
        EVERYONE, FORM, objects=given("an unknown key", uidb36="1", key="cle-inconnue")
    ),
    "account_reset_password_from_key_done": account(EVERYONE),
    # Without a login by code under way, allauth sends a visitor back to the login page, a signed-in user home.
    "account_confirm_login_code": account(SIGNED_IN, FORM),
    # Each account's language and e-mail preferences, its own only (there is no id to try another's)
    "account_settings": page(SIGNED_IN, FORM, payload={"language": "en", "receive": []}),
    # The team (administrators)
    "team": page(TEAM, FORM, payload={"email": "intrus@example.test", "role": Role.ADMINISTRATOR}),
    # The catalogue's back-office: managers their own services, administrators everything
    "catalog:home": page(CATALOG_STAFF),
    "catalog:service_create": page(CATALOG_ADMIN, FORM),
    "catalog:service_detail": page(CATALOG_STAFF, objects=configured_services()),
    "catalog:service_edit": page(CATALOG_STAFF, FORM, objects=configured_services()),
    "catalog:service_delete": page(CATALOG_ADMIN, FORM, objects=configured_services()),
    "catalog:service_calendar": page(CATALOG_STAFF, objects=configured_services()),
    "catalog:tariff_create": page(CATALOG_STAFF, FORM, objects=configured_services()),
    "catalog:tariff_edit": page(CATALOG_STAFF, FORM, objects=service_rows("tariff")),
    "catalog:tariff_delete": page(CATALOG_STAFF, FORM, objects=service_rows("tariff")),
    "catalog:service_entry_create": page(CATALOG_STAFF, FORM, objects=configured_services(section="delais")),
    "catalog:service_entry_edit": page(CATALOG_STAFF, FORM, objects=service_rows("cutoff", section="delais")),
    "catalog:service_entry_delete": page(CATALOG_STAFF, FORM, objects=service_rows("cutoff", section="delais")),
    "catalog:entry_create": page(CATALOG_ADMIN, FORM, objects=given("the sites section", section="sites")),
    "catalog:entry_edit": page(CATALOG_ADMIN, FORM, objects=commune_record("site", "pk", section="sites")),
    "catalog:entry_delete": page(CATALOG_ADMIN, FORM, objects=commune_record("site", "pk", section="sites")),
    # Documents: the household that sent one, and staff who read them all; anyone else gets 404 as if missing
    "storage:download": page(SIGNED_IN, objects=documents),
    # The family's pages: its parents, or family staff acting for it at the counter
    "families:dashboard": page(FAMILY),
    "families:household_create": page(PARENTS, FORM),
    "families:child_add": page(FAMILY, FORM),
    "families:child": page(
        FAMILY, FORM, objects=household_records("child", "child_id"), payload={"child-allergies": "intrus"}
    ),
    "families:pickup_add": page(
        FAMILY,
        POST_ONLY,
        objects=household_records("child", "child_id"),
        payload={f"pickup-{k}": v for k, v in PICKUP.items()},
    ),
    "families:pickup_remove": page(FAMILY, POST_ONLY, objects=household_records("pickup", "person_id")),
    "families:dossier": page(FAMILY, FORM, objects=dossier_pages, payload={"action": "open"}),
    "families:documents": page(FAMILY, FORM),
    "families:qf": page(FAMILY, FORM),
    "families:address": page(FAMILY, FORM),
    "families:contact": page(FAMILY, FORM),
    "families:guardian_invite": page(FAMILY, FORM),
    # The mairie's family staff: administrators and finance; administrators alone change the configuration
    "families_staff:queue": page(FAMILY_STAFF),
    "families_staff:request": page(
        FAMILY_STAFF, FORM, objects=commune_record("request", "request_id"), payload=DECISION
    ),
    "families_staff:request_child_match": page(
        FAMILY_STAFF,
        POST_ONLY,
        objects=commune_record("request", "request_id"),
        payload=lambda side: {"child": side.child["A"].pk},
    ),
    "families_staff:document": page(
        FAMILY_STAFF, FORM, objects=commune_record("document", "document_id"), payload=DECISION
    ),
    "families_staff:household_create": page(FAMILY_STAFF, FORM),
    "families_staff:household": page(
        FAMILY_STAFF,
        FORM,
        write=FAMILY_CONFIG,  # a login e-mail change can hand an account over
        objects=commune_record("household", "household_id"),
        payload=lambda side: {"guardian": side.guardian["A"].pk, "email": "intrus@example.test"},
    ),
    "families_staff:dossier": page(FAMILY_STAFF, FORM, objects=commune_record("dossier", "dossier_id")),
    "families_staff:counter_start": page(FAMILY_STAFF, POST_ONLY, objects=commune_record("household", "household_id")),
    "families_staff:child_link": page(
        FAMILY_STAFF,
        POST_ONLY,
        objects=commune_record("household", "household_id"),
        payload=lambda side: {"child": side.child["A"].pk},
    ),
    "families_staff:counter_stop": page(FAMILY_STAFF, POST_ONLY),
    "families_staff:requirements": page(FAMILY_STAFF, FORM, write=FAMILY_CONFIG, payload={"max_upload_mb": "5"}),
    "families_staff:requirement": page(
        FAMILY_STAFF,
        FORM,
        write=FAMILY_CONFIG,
        objects=commune_record("requirement", "requirement_id"),
        payload={"label": "Intrus", "kind": "authorisation", "position": "1", "active": "on"},
    ),
    # The catalogue's API
    **{f"{name}-list": api(SIGNED_IN, LIST, write=CATALOG_ADMIN, payload={}) for name in CATALOG_API},
    **{
        f"{name}-detail": api(SIGNED_IN, DETAIL, write=CATALOG_ADMIN, objects=commune_record(kind, "pk", key))
        for name, (kind, key) in CATALOG_API.items()
    },
    # Units and combinations: read only (the back-office and the import write them)
    "serviceunit-list": api(SIGNED_IN),
    "serviceunit-detail": api(SIGNED_IN, objects=commune_record("unit", "pk", "S1")),
    "unitcombination-list": api(SIGNED_IN),
    "unitcombination-detail": api(SIGNED_IN, objects=commune_record("combination", "pk", "S1")),
    "service-days": api(
        SIGNED_IN,
        write=CATALOG_ADMIN,
        objects=commune_record("service", "pk", "S1"),
        query="?start=2026-12-01&end=2026-12-07",
    ),
    # The families API: parents only (the counter works on the pages)
    "api_household": api(PARENTS, LIST),
    "api_children": api(PARENTS, LIST),
    "api_child": api(
        PARENTS, ("GET", "PATCH"), objects=household_records("child", "pk"), payload={"allergies": "intrus"}
    ),
    "api_pickups": api(PARENTS, LIST, objects=household_records("child", "child_id"), payload=PICKUP),
    "api_pickup": api(PARENTS, ("DELETE",), objects=household_records("pickup", "pk")),
    "api_requests": api(PARENTS),
    "api_qf_request": api(PARENTS, POST_ONLY),
    "api_address_request": api(PARENTS, POST_ONLY),
    "api_guardian_invite": api(PARENTS, POST_ONLY),
    "api_dossier_open": api(
        PARENTS,
        POST_ONLY,
        objects=household_records("child", "child_id"),
        payload=lambda side: {"school_year": side.year["open"].pk},
    ),
    "api_dossiers": api(PARENTS),
    "api_dossier_item": api(PARENTS, POST_ONLY, objects=dossier_items, payload={"answer": True}),
    "api_dossier_submit": api(PARENTS, POST_ONLY, objects=household_records("dossier", "pk")),
    "api_documents": api(PARENTS, LIST),
    "api_staff_requests": api(FAMILY_STAFF),
    "api_staff_decision": api(FAMILY_STAFF, POST_ONLY, objects=commune_record("request", "pk"), payload=API_DECISION),
    "api_staff_document": api(FAMILY_STAFF, POST_ONLY, objects=commune_record("document", "pk"), payload=API_DECISION),
    "api_staff_dossiers": api(FAMILY_STAFF),
    "api_staff_dossier_review": api(
        FAMILY_STAFF, POST_ONLY, objects=commune_record("dossier", "pk"), payload={"items": []}
    ),
    # The reservations API: parents their household's enrolments and bookings, family staff every household's
    "api_enrolments": api(
        FAMILY_READERS,
        LIST,
        write=PARENTS,
        payload=lambda side: {
            "child": side.child["A"].pk,
            "service": side.service["S1"].pk,
            "school_year": side.year["open"].pk,
        },
    ),
    "api_enrolment": api(FAMILY_READERS, objects=enrolments),
    "api_enrolment_decision": api(
        FAMILY_STAFF, POST_ONLY, objects=commune_record("enrolment", "pk"), payload=API_DECISION
    ),
    "api_enrolment_requirements": api(SIGNED_IN),
    "api_bookings": api(FAMILY_READERS),
    # The planning and the basket: a parent's household's (staff work at the counter, on the pages)
    "api_days": api(PARENTS, query="?start=2030-09-02&end=2030-09-08"),
    "api_child_days": api(PARENTS, objects=household_records("child", "pk"), query="?start=2030-09-02&end=2030-09-08"),
    "api_basket": api(PARENTS),
    "api_basket_days": api(
        PARENTS,
        POST_ONLY,
        payload=lambda side: {
            "child": side.child["A"].pk,
            "service": side.service["S1"].pk,
            "date": "2030-09-03",
            "units": ["repas"],
        },
    ),
    "api_basket_day": api(PARENTS, ("DELETE",), objects=household_records("basket", "pk")),
    "api_basket_validation": api(PARENTS, POST_ONLY),
    # Waiting lists: a parent's household's entries (another household's, even of a shared child: 404)
    "api_waiting_list": api(
        PARENTS,
        LIST,
        payload=lambda side: {
            "child": side.child["A"].pk,
            "service": side.service["S1"].pk,
            "date": "2030-09-03",
            "units": ["repas"],
        },
    ),
    "api_waiting_entry": api(PARENTS, ("DELETE",), objects=household_records("waiting", "pk")),
    "api_waiting_acceptance": api(PARENTS, POST_ONLY, objects=household_records("waiting", "pk")),
    # Allocation by draw: a parent asks in the windows of its children's services and withdraws its own
    # household's requests (another's: 404); family staff run a window's allocation
    "api_allocation_windows": api(PARENTS),
    "api_allocation_ask": api(
        PARENTS,
        POST_ONLY,
        objects=commune_record("window", "pk", "draw"),
        payload=lambda side: {"child": side.child["A"].pk, "date": "2031-02-04", "units": ["repas"]},
    ),
    "api_allocation_request": api(PARENTS, ("DELETE",), objects=household_records("allocation", "pk")),
    "api_allocation_run": api(FAMILY_STAFF, POST_ONLY, objects=commune_record("window", "pk", "draw"), payload={}),
    # Absences: the services' reasons for anyone signed in; a parent reports its household's and adds their
    # justificatif (another household's, even of a shared child: 404); family staff decide
    "api_absence_reasons": api(SIGNED_IN),
    "api_absences": api(
        PARENTS,
        LIST,
        payload=lambda side: {
            "child": side.child["A"].pk,
            "service": side.service["S1"].pk,
            "reason": side.absence["A"].reason_id,
            "first_day": "2030-09-03",
        },
    ),
    "api_absence_proof": api(PARENTS, POST_ONLY, objects=household_records("absence", "pk")),
    "api_absence_decision": api(
        FAMILY_STAFF, POST_ONLY, objects=commune_record("absence", "pk"), payload={"justified": True, "note": ""}
    ),
    # Closures: administrators (they change the commune's calendar); a preview writes nothing
    "api_closures": api(CATALOG_ADMIN, LIST, payload=closure_body),
    "api_closure_preview": api(CATALOG_ADMIN, POST_ONLY, payload=closure_body),
    "api_closure": api(CATALOG_ADMIN, objects=commune_record("day_closure", "pk")),
    # The enrolment pages: a family asks from its child's page and reaches its own enrolments only (the
    # attestation of a pending one sends back to the child's page); family staff review every one
    "reservations:enrolment_new": page(
        FAMILY,
        FORM,
        objects=household_records("child", "child_id"),
        payload=lambda side: {"service": side.service["S1"].pk, "school_year": side.year["open"].pk},
    ),
    "reservations:enrolment_week": page(
        FAMILY, FORM, objects=household_records("enrolment", "enrolment_id"), payload={"since": "2030-09-02"}
    ),
    "reservations:enrolment_end": page(
        FAMILY, FORM, objects=household_records("enrolment", "enrolment_id"), payload={"on": "2030-09-02"}
    ),
    "reservations:attestation": page(FAMILY, objects=household_records("enrolment", "enrolment_id")),
    # The planning: a family's own children, ticks and periods posted to its basket
    "reservations:planning": page(FAMILY, FORM),
    "reservations:basket": page(FAMILY, FORM),
    "reservations:planning_period": page(FAMILY, FORM),
    # Waiting lists: a family's own entries (another's answer 404: reservations/tests/test_waiting_pages.py)
    "reservations:waiting_list": page(FAMILY, FORM),
    "reservations:waiting_list_join": page(FAMILY, FORM),  # without a day asked for: back to the lists
    # Allocation by draw: a family asks for days of its children's services (its own requests only: a
    # withdrawal of another household's answers 404, reservations/tests/test_allocation_pages.py); staff run it
    "reservations:allocation_requests": page(FAMILY, FORM),
    "reservations_staff:allocations": page(FAMILY_STAFF),
    "reservations_staff:allocation": page(FAMILY_STAFF, FORM, objects=commune_record("window", "window_id", "draw")),
    # Absences: a family's own (another household's, named in the form, answers 404:
    # reservations/tests/test_absence_pages.py); family staff decide every one of their commune's
    "reservations:absences": page(FAMILY, FORM),
    "reservations:absence_new": page(
        FAMILY,
        FORM,
        payload=lambda side: {"child": side.child["A"].pk, "service": side.service["S1"].pk, "first_day": "2030-09-03"},
    ),
    "reservations_staff:absences": page(FAMILY_STAFF),
    "reservations_staff:absence": page(
        FAMILY_STAFF, FORM, objects=commune_record("absence", "absence_id"), payload={"decision": "justified"}
    ),
    "reservations_staff:queue": page(
        FAMILY_STAFF, FORM, payload=lambda side: {"enrolment": [side.enrolment["A"].pk]}
    ),  # the ticked requests are validated together
    "reservations_staff:enrolment": page(
        FAMILY_STAFF, FORM, objects=commune_record("enrolment", "enrolment_id"), payload=DECISION
    ),
    "reservations_staff:attestation": page(FAMILY_STAFF, objects=commune_record("enrolment", "enrolment_id")),
    # The counter: staff book and cancel a child's days for its family past the cutoffs
    "reservations_staff:counter": page(
        FAMILY_STAFF,
        FORM,
        objects=counter_children,
        payload=lambda side: {
            "service": side.service["S1"].pk,
            "date": "2030-09-03",
            "units": [f"{side.service['S1'].pk}:repas"],
            "late_price": "on",
            "action": "book",
        },
    ),
    # Closures: administrators close a day after bookings exist (they change the commune's calendar)
    "reservations_staff:closures": page(CATALOG_ADMIN),
    "reservations_staff:closure_new": page(
        CATALOG_ADMIN,
        FORM,
        payload=lambda side: {"date": "2030-09-03", "cause": "strike", "label": "Grève", "site": side.site["A"].pk},
    ),  # GET previews, POST confirms
    "reservations_staff:closure": page(CATALOG_ADMIN, objects=commune_record("day_closure", "closure_id")),
    # The last route of each API prefix: a path that names no operation is a 404 in the API's error shape, for
    # everyone and any method (no session read, nothing written)
    **{
        name: api(NOBODY, (), objects=given("a path naming no operation", path="inconnu"), anonymous=404, outsider=404)
        for name in ("api_catalog_not_found", "api_families_not_found", "api_reservations_not_found")
    },
    # The operator console (platform root)
    "console:commune_list": page(OPERATORS),
    "console:commune_onboard": page(OPERATORS, FORM),
    "console:commune_catalog": page(OPERATORS, FORM, objects=communes()),
    "console:commune_catalog_export": page(OPERATORS, objects=communes()),
    "console:commune_status": page(OPERATORS, POST_ONLY, objects=communes(action="suspend")),
}

# Third-party groups, by pattern (first match wins): every pattern they cover is still called by every actor.
GROUPS: list[tuple[str, str, Row]] = [
    (r"^admin/login/$", "the admin's login page is public", account(EVERYONE, FORM)),
    (
        r"^admin/logout/$",
        "the admin's logout sends whoever is not staff to the admin's index (and from there to its login)",
        account(NOBODY, FORM, anonymous=ADMIN_INDEX, outsider=ADMIN_INDEX),
    ),
    (
        r"^admin/",
        "Django's admin is for is_staff accounts, and no actor here is one: every page sends to the admin login",
        account(NOBODY, FORM, anonymous=ADMIN_LOGIN, outsider=ADMIN_LOGIN),
    ),
]

# ---------------------------------------------------------------------------------------------------------------
# The URL confs, walked
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    urlconf: str
    name: str | None
    pattern: str
    callback: Callable

    @property
    def formatted(self) -> bool:
        """DRF's format-suffix twin of a route (`.json`): the same row, called with `format=json`."""
        return "format>" in self.pattern

    @property
    def id(self) -> str:
        conf = "tenant" if self.urlconf == TENANT_URLS else "public"
        return f"{conf}:{self.name or self.pattern}{'.json' if self.formatted else ''}"


def _walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[tuple[str | None, str, Callable]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n) or None
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(n for n in (namespace, entry.name) if n) if entry.name else None
            yield name, prefix + str(entry.pattern), entry.callback


def all_routes() -> list[Route]:
    return [
        Route(conf, name, pattern, callback)
        for conf in (TENANT_URLS, PUBLIC_URLS)
        for name, pattern, callback in _walk(get_resolver(conf).url_patterns)
    ]


def group_of(route: Route) -> tuple[str, Row] | None:
    return next(((why, row) for regex, why, row in GROUPS if re.match(regex, route.pattern)), None)


def row_of(route: Route) -> Row | None:
    if route.name in ROUTES:
        return ROUTES[route.name]
    group = group_of(route)
    return group[1] if group else None


ROUTE_LIST = all_routes()
TABLE_ROUTES = [r for r in ROUTE_LIST if r.name in ROUTES]
GROUP_ROUTES = [r for r in ROUTE_LIST if r.name not in ROUTES and group_of(r)]

# Sample values for the group routes' parameters (they name no record: the group's answer comes first).
GROUP_SAMPLES = [
    (r"\^\(\?P<app_label>[^)]*\)/\$", "catalog/"),
    (r"\(\?P<url>\.\*\)\$", "page-inconnue/"),
    (r"<(?:\w+:)?\w+>", "1"),
]


def url_of(route: Route, kwargs: dict) -> str:
    if route.name in ROUTES:
        kwargs = {**kwargs, "format": "json"} if route.formatted else kwargs
        url = reverse(route.name, urlconf=route.urlconf, kwargs=kwargs)
    else:
        url = route.pattern
        for regex, value in GROUP_SAMPLES:
            url = re.sub(regex, value, url)
        url = "/" + url
    match = resolve(url, urlconf=route.urlconf)
    assert match.func is route.callback and ("format" in match.kwargs) == route.formatted, (url, route.pattern)
    return url


def resolves(url: str, urlconf: str) -> bool:
    try:
        resolve(url, urlconf=urlconf)
    except Resolver404:
        return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# Requests and answers
# ---------------------------------------------------------------------------------------------------------------

LOGIN_URL = "/compte/login/"
ADMIN_LOGIN_URL, ADMIN_INDEX_URL = "/admin/login/", "/admin/"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def expected(row: Row, actor: Actor, method: str, reached: bool) -> Answer:
    served = method in row.methods
    if not served and not row.user_first:
        return 405
    who = row.who if method == "GET" else (row.write or row.who)
    if not who.admits(actor):
        if not actor.signed_in:
            return row.anonymous or (403 if row.api else LOGIN)
        if not reached and row.who.admits(actor) and row.outsider == 403:
            return FORBIDDEN_OR_MISSING
        return row.outsider
    if not served:
        return 405
    return OK if reached else 404


def answer_of(response) -> Answer:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(LOGIN_URL):
            return LOGIN
        if location.startswith(ADMIN_LOGIN_URL):
            return ADMIN_LOGIN
        return ADMIN_INDEX if location == ADMIN_INDEX_URL else OK
    return OK if 200 <= response.status_code < 300 else response.status_code


_CLIENTS: dict[tuple[str, bool], Client] = {}


def send(world: World, actor: Actor, host: Host, method: str, url: str, body: dict | None, *, api: bool, csrf=False):
    """One request, with the actor's session cookie and no other (a client per host, reused: building one
    loads the middleware)."""
    client = _CLIENTS.setdefault((host.name, csrf), Client(HTTP_HOST=host.name, enforce_csrf_checks=csrf))
    client.cookies.clear()
    if actor.key in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor.key]
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, json.dumps(body or {}), content_type="application/json")
    return client.generic(
        method, url, urlencode(body or {}, doseq=True), content_type="application/x-www-form-urlencoded"
    )


# What this transaction wrote, per table: PostgreSQL counts every row inserted, updated or deleted (rolled back
# or not), so a refused request that writes anything shows, even a write it then undoes. Sessions aside.
WRITES_SQL = (
    "SELECT schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
    " WHERE schemaname = ANY(%s) AND relname <> 'django_session'"
)


def rows_written() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(WRITES_SQL, [[PUBLIC_SCHEMA, CLISSON.slug, GORGES.slug]])
        return dict(cursor.fetchall())


@pytest.fixture
def database_changes() -> Callable[[list[str]], list[str]]:
    """The tables the test's requests wrote to, in words (none: they were refusals)."""
    before = rows_written()

    def changes(writes: list[str]) -> list[str]:
        tables = sorted(t for t, n in rows_written().items() if n != before.get(t, 0))
        return [f"the requests wrote to {', '.join(tables)}; unsafe ones: {'; '.join(writes)}"] if tables else []

    return changes


def body_of(row: Row, side: Side) -> dict | None:
    return row.payload(side) if callable(row.payload) else row.payload


def check_host(world: World, route: Route, row: Row, actor: Actor, host: Host, writes: list[str]) -> list[str]:
    """Every answer of `route` to `actor` on `host` that is not the table's, in words; `writes` gets the unsafe
    requests sent (all of them refusals)."""
    data = world.side(
        actor.home if actor.home in world.sides else host.schema if host.schema in world.sides else CLISSON.slug
    )
    objects = row.objects(actor, data, world.other(data)) if row.objects else Objects(("", {}), [])
    targets = ([(objects.mine, True)] if objects.mine else []) + [(o, False) for o in objects.others]
    methods = ["GET", *sorted((set(row.methods) - {"GET"}) | {"POST"})]

    if host.urlconf != route.urlconf:
        # Not this host's URL conf: 404 for any method and anyone, unless the other conf has the same path (its
        # own row then).
        if resolves(url_of(route, targets[0][0][1]), host.urlconf):
            return []
        targets, methods = targets[:1], ["GET"]

        def want(method: str, reached: bool) -> Answer:
            return 404
    else:
        # A session lives in its own schema: elsewhere the actor is a visitor (whose answers `anonymous` checks
        # in full), even asking for its own commune's object, the one that would leak.
        visitor = actor if actor.home == host.schema else ANONYMOUS
        if visitor is not actor:
            if row.who.admits(ANONYMOUS):
                return []  # a public route answers a visitor as anyone: nothing to tell them apart by
            targets, methods = targets[:1], ["GET"]

        def want(method: str, reached: bool) -> Answer:
            return expected(row, visitor, method, reached)

    problems = []
    for method in methods:
        for (label, kwargs), reached in targets:
            answer = want(method, reached)
            if method in UNSAFE and answer == OK:
                continue  # a write the actor may make: the behaviour tests' business, not a refusal
            url = url_of(route, kwargs) + row.query
            got = answer_of(send(world, actor, host, method, url, body_of(row, data), api=row.api))
            if got not in (answer if isinstance(answer, frozenset) else {answer}):
                problems.append(
                    f"{route.id} as {actor.key} on {host.name}: {method} {url} ({label or 'no id'}) answered {got},"
                    f" expected {answer} (the row: {row.who.label})"
                )
            if method in UNSAFE:
                writes.append(f"{method} {host.name}{url}")
    return problems


# ---------------------------------------------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------------------------------------------


# Household A's own details, which household C (sharing A's child) must never see.
A_ADDRESS, A_PHONE, A_PICKUP = "3 rue des Vignes", "06 12 34 56 78", "Papy Martin"


def _catalog(schema: str, manager=None, far: bool = False) -> dict:
    """Two services (S1, S2) with a row of each kind; gorges (far) has S1 only, at ids clisson never reaches."""
    ids = iter(range(FAR, FAR + 100)) if far else None

    def pk() -> dict:
        return {"pk": next(ids)} if ids else {}

    site = SiteFactory(name=f"Site {schema}", **pk())
    keys = ["S1"] if far else ["S1", "S2"]
    service = {key: ServiceFactory(name=f"Service {key} {schema}", site=site, **pk()) for key in keys}
    if manager is not None:
        service["S1"].managers.add(manager)
    tariff = {key: TariffFactory(service=s, **pk()) for key, s in service.items()}
    cutoff = {key: CutoffRuleFactory(service=s, **pk()) for key, s in service.items()}
    first = service["S1"]
    now = timezone.now()
    # The factory's unit has an id of this schema's sequence: S1 gets one at the far ids too.
    evening = catalog.ServiceUnit.objects.create(service=first, code="soir", name="Soir", duration_hours=2, **pk())
    combination = catalog.UnitCombination.objects.create(service=first, code="repas-soir", name="Repas, soir", **pk())
    combination.units.set([first.units.get(code="repas"), evening])
    return {
        "site": {"A": site},
        "year": {
            "open": catalog.SchoolYear.objects.create(
                name="2030-2031", start=date(2030, 9, 1), end=date(2031, 7, 5), **pk()
            )
        },
        "service": service,
        "tariff": tariff,
        "cutoff": cutoff,
        "bracket": {
            "S1": catalog.TariffBracket.objects.create(tariff=tariff["S1"], qf_min=0, price=Decimal("3.10"), **pk())
        },
        "closure": {
            "A": catalog.CalendarException.objects.create(
                start=date(2030, 12, 24), end=date(2030, 12, 26), label="Fermeture", **pk()
            )
        },
        "window": {
            "S1": catalog.BookingWindow.objects.create(
                service=first, first_day=date(2030, 9, 1), last_day=date(2030, 12, 20), opens_at=now, **pk()
            ),
            # Places allocated after the requests (the staff's allocation page): February, far from the others.
            "draw": catalog.BookingWindow.objects.create(
                service=first,
                first_day=date(2031, 2, 1),
                last_day=date(2031, 2, 28),
                opens_at=now,
                requests_until=now + timedelta(days=10),
                allocation=catalog.BookingWindow.Allocation.DRAW,
                **pk(),
            ),
        },
        "capacity": {
            "S1": catalog.CapacityOverride.objects.create(service=first, date=date(2030, 10, 1), capacity=10, **pk())
        },
        "age_group": {
            "S1": catalog.AgeGroupCapacity.objects.create(
                service=first, label="Petits", max_age_months=72, capacity=8, **pk()
            )
        },
        "unit": {"S1": evening},
        "combination": {"S1": combination},
    }


def _clisson_families(users: dict, year: catalog.SchoolYear) -> dict:
    """Households A, B and C; A's child is C's too (separated parents); each has its pick-up person and document."""

    def declare(user, name: str, street: str, phone: str) -> Household:
        address = Address(address=street, postcode="44190", city="Clisson", resident=True)
        return household_create(
            user=user, name=name, address=address, first_name="Camille", last_name=name.split()[-1], phone=phone
        )

    household = {
        "A": declare(users["parent_a"], "Famille Martin", A_ADDRESS, A_PHONE),
        "B": declare(users["parent_b"], "Famille Durand", "8 avenue du Château", "06 22 22 22 22"),
        "C": declare(users["parent_c"], "Famille Leroy", "12 impasse des Tilleuls", "06 33 33 33 33"),
    }
    child = {
        "A": ChildFactory(household=household["A"], first_name="Léa", last_name="Martin"),
        "B": ChildFactory(household=household["B"], first_name="Hugo", last_name="Durand"),
    }
    child_link(actor=users["administrator"], child=child["A"], household=household["C"])
    pickup = {
        "A": PickupPersonFactory(child=child["A"], household=household["A"], name=A_PICKUP, phone="07 11 11 11 11"),
        "B": PickupPersonFactory(child=child["B"], household=household["B"]),
        "C": PickupPersonFactory(child=child["A"], household=household["C"], name="Tata Leroy"),
    }
    document = {k: DocumentFactory(household=h, file=f"{CLISSON.slug}/documents/{k}.pdf") for k, h in household.items()}
    dossier = {
        k: dossier_open(actor=users[f"parent_{k.lower()}"], household=household[k], child=child[k], school_year=year)
        for k in ("A", "B")
    }
    return {
        "household": household,
        "guardian": {k: h.guardians.get() for k, h in household.items()},
        "child": child,
        "pickup": pickup,
        "document": document,
        "dossier": dossier,
        "item": {k: d.items.order_by("pk").first() for k, d in dossier.items()},
        "request": {"A": household["A"].requests.get()},
        "requirement": {"A": DossierRequirement.objects.create(label="Pièce de Clisson", kind="authorisation")},
    }


def _gorges_families(year: catalog.SchoolYear) -> dict:
    """One household of gorges, written row by row at ids clisson never reaches."""
    household = Household.objects.create(
        pk=FAR, name="Famille Gorgeoise", address="1 rue de la Sèvre", postcode="44190", city="Gorges"
    )
    guardian = Guardian.objects.create(
        pk=FAR, household=household, first_name="Alix", last_name="Gorgeoise", phone="06 44 44 44 44", email="g@g.test"
    )
    child = Child.objects.create(pk=FAR, first_name="Zoé", last_name="Gorgeoise", birth_date=date(2018, 1, 1))
    ChildHousehold.objects.create(pk=FAR, child=child, household=household)
    requirement = DossierRequirement.objects.create(pk=FAR, label="Pièce de Gorges", kind="authorisation")
    dossier = Dossier.objects.create(pk=FAR, child=child, school_year=year, status=Dossier.Status.SUBMITTED)
    return {
        "household": {"A": household},
        "guardian": {"A": guardian},
        "child": {"A": child},
        "pickup": {
            "A": PickupPerson.objects.create(pk=FAR, child=child, household=household, name="P", phone="06 45 45 45 45")
        },
        "document": {"A": DocumentFactory(household=household, file=f"{GORGES.slug}/documents/A.pdf")},
        "dossier": {"A": dossier},
        "item": {"A": DossierItem.objects.create(pk=FAR, dossier=dossier, requirement=requirement)},
        "request": {"A": ChangeRequest.objects.create(pk=FAR, household=household, kind=ChangeRequest.Kind.HOUSEHOLD)},
        "requirement": {"A": requirement},
    }


def _enrolments(records: dict, children: dict[str, str], **pk) -> dict[str, Enrolment]:
    """Each household's enrolment of its child (C's of the child it shares with A) in service S1, pending."""
    year = records["year"]["open"]
    return {
        key: Enrolment.objects.create(
            child=records["child"][child],
            household=records["household"][key],
            service=records["service"]["S1"],
            school_year=year,
            start=year.start,
            end=year.end,
            **pk,
        )
        for key, child in children.items()
    }


def _basket(records: dict, children: dict[str, str], **pk) -> dict[str, BasketLine]:
    """Each household's basket day of its child (C's of the child it shares with A) in service S1."""
    return {
        key: BasketLine.objects.create(
            household=records["household"][key],
            child=records["child"][child],
            service=records["service"]["S1"],
            date=date(2030, 9, 3),
            units=["repas"],
            **pk,
        )
        for key, child in children.items()
    }


def _waiting(records: dict, children: dict[str, str], **pk) -> dict[str, WaitingListEntry]:
    """Each household's child (C's: the child it shares with A) waiting for S1's meal of a day (one child
    waits once a day: C's waits for another day than A's)."""
    service = records["service"]["S1"]
    return {
        key: WaitingListEntry.objects.create(
            household=records["household"][key],
            child=records["child"][child],
            service=service,
            unit=service.units.get(code="repas"),
            date=date(2030, 9, 5 if key == "C" else 3),
            **pk,
        )
        for key, child in children.items()
    }


def _allocation_requests(records: dict, children: dict[str, str], **pk) -> dict[str, AllocationRequest]:
    """Each household's child (C's: the child it shares with A) asking for S1's meal of a day of the window
    allocating by draw (one pending request a child and day: C's asks for another day than A's)."""
    return {
        key: AllocationRequest.objects.create(
            window=records["window"]["draw"],
            household=records["household"][key],
            child=records["child"][child],
            date=date(2031, 2, 6 if key == "C" else 4),
            units=["repas"],
            **pk,
        )
        for key, child in children.items()
    }


def _day_closures(records: dict, **pk) -> dict[str, Closure]:
    """A strike day of service S1, decided after bookings (the closure's page is staff's)."""
    closure = Closure.objects.create(
        date=date(2030, 9, 3), cause="strike", label="Grève", service=records["service"]["S1"], **pk
    )
    return {"A": closure}


def _absences(records: dict, **pk) -> dict[str, Absence]:
    """Household A's child reported absent from S1 with a reason of S1's (decided on staff's page)."""
    service, day = records["service"]["S1"], date(2030, 9, 3)
    reason = catalog.AbsenceReason.objects.create(service=service, label="Maladie", needs_proof=True, **pk)
    absence = Absence.objects.create(
        child=records["child"]["A"],
        household=records["household"]["A"],
        service=service,
        reason=reason,
        first_day=day,
        last_day=day,
        **pk,
    )
    return {"A": absence}


def _assert_apart(sides: dict[str, Side]) -> None:
    """No record of one commune has an id of a record of the other: "another commune's object" is a real miss."""
    for side in sides.values():
        for kind, records in vars(side).items():
            if kind == "schema":
                continue
            for record in records.values():
                with schema_context(next(s for s in sides if s != side.schema)):
                    assert not type(record).objects.filter(pk=record.pk).exists(), (side.schema, kind, record.pk)


def _build_world() -> World:
    sessions = {}
    with schema_context(CLISSON.slug):
        users = {
            a.key: UserFactory(role=a.role, email=f"{a.key}@clisson.test")
            for a in ACTORS
            if a.home == CLISSON.slug and not a.counter
        }
        records = _catalog(CLISSON.slug, manager=users["manager"])
        records |= _clisson_families(users, records["year"]["open"])
        records["enrolment"] = _enrolments(records, {"A": "A", "B": "B", "C": "A"})
        records["basket"] = _basket(records, {"A": "A", "B": "B", "C": "A"})
        records["waiting"] = _waiting(records, {"A": "A", "B": "B", "C": "A"})
        records["allocation"] = _allocation_requests(records, {"A": "A", "B": "B", "C": "A"})
        records["absence"] = _absences(records)
        records["day_closure"] = _day_closures(records)
        clisson = Side(schema=CLISSON.slug, **records)
        Branding.objects.update(logo=f"{CLISSON.slug}/branding/logo.png")
    for key, user in users.items():
        sessions[key] = signed_in(user, CLISSON.host).cookies[settings.SESSION_COOKIE_NAME].value
    counter = signed_in(users["administrator"], CLISSON.host)
    with schema_context(CLISSON.slug):
        session = counter.session
        session[COUNTER_SESSION_KEY] = clisson.household["A"].pk
        session.save()
    sessions["counter"] = session.session_key

    with schema_context(GORGES.slug):
        gorges_admin = UserFactory(role=Role.ADMINISTRATOR, email="gorges_admin@gorges.test")
        records = _catalog(GORGES.slug, far=True)
        records |= _gorges_families(records["year"]["open"])
        records["enrolment"] = _enrolments(records, {"A": "A"}, pk=FAR)
        records["basket"] = _basket(records, {"A": "A"}, pk=FAR)
        records["waiting"] = _waiting(records, {"A": "A"}, pk=FAR)
        records["allocation"] = _allocation_requests(records, {"A": "A"}, pk=FAR)
        records["absence"] = _absences(records, pk=FAR)
        records["day_closure"] = _day_closures(records, pk=FAR)
        gorges = Side(schema=GORGES.slug, **records)
        Branding.objects.update(logo=f"{GORGES.slug}/branding/logo.png")
    sessions["gorges_admin"] = signed_in(gorges_admin, GORGES.host).cookies[settings.SESSION_COOKIE_NAME].value

    with schema_context(PUBLIC_SCHEMA):
        operator = UserFactory(role=Role.OPERATOR, email="operator@platform.test")
        platform = Client(HTTP_HOST="localhost")
        platform.force_login(operator)
    sessions["operator"] = platform.cookies[settings.SESSION_COOKIE_NAME].value

    sides = {CLISSON.slug: clisson, GORGES.slug: gorges}
    _assert_apart(sides)
    files = [d.file.name for s in sides.values() for d in s.document.values()]
    files += [f"{s}/branding/logo.png" for s in sides]
    return World(sides=sides, sessions=sessions, files=files)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers), transaction.atomic():
        # A test database only: pytest-django creates none when no collected test is marked django_db.
        assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"]
        connection.set_schema_to_public()
        yield _build_world()
        transaction.set_rollback(True)
    connection.set_schema_to_public()


PNG = b"\x89PNG\r\n\x1a\n a logo"


@pytest.fixture(scope="module")
def storage_root(world, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("storage")
    for name in world.files:
        path = Path(root, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PNG if name.endswith(".png") else b"%PDF-1.4\n%%EOF\n")
    return root


@pytest.fixture
def tmp_path(storage_root) -> Path:
    """conftest points the storage at tmp_path: here one directory for the module, with the documents and logos
    the world names (no test of this module writes a file)."""
    return storage_root


# ---------------------------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------------------------


def test_every_route_has_a_row():
    missing = [f"{r.id} ({r.pattern})" for r in ROUTE_LIST if row_of(r) is None]

    assert not missing, "Give these routes a row in ROUTES (who may use them, their objects):\n" + "\n".join(missing)


def test_every_row_names_a_route():
    names = {r.name for r in ROUTE_LIST}

    assert not set(ROUTES) - names


def test_the_table_reads_the_role_matrix():
    assert {cap: set(roles_with(cap)) for cap in Capability} == HOLDERS


def test_api_rows_declare_the_methods_their_view_serves():
    wrong = {}
    for route in TABLE_ROUTES:
        view = getattr(route.callback, "cls", None)
        if view is None:
            continue
        if issubclass(view, ViewSetMixin):
            # DRF adds HEAD to a viewset's actions at its first GET: after any API test of the same process.
            served = {m.upper() for m in route.callback.actions} - {"HEAD", "OPTIONS"}
        else:
            served = {m.upper() for m in view.http_method_names if hasattr(view, m)} - {"HEAD", "OPTIONS"}
        if ROUTES[route.name].api and served != set(ROUTES[route.name].methods):
            wrong[route.id] = sorted(served)

    assert not wrong


ACTOR_IDS = [a.key for a in ACTORS]


@pytest.mark.parametrize("actor", ACTORS, ids=ACTOR_IDS)
@pytest.mark.parametrize("route", TABLE_ROUTES, ids=[r.id for r in TABLE_ROUTES])
def test_route(world, database_changes, route, actor):
    row, writes = ROUTES[route.name], []

    problems = [p for host in HOSTS for p in check_host(world, route, row, actor, host, writes)]
    problems += database_changes(writes)

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", GROUP_ROUTES, ids=[r.id for r in GROUP_ROUTES])
def test_group_route(world, database_changes, route):
    """Django's admin asks only whether the user is an active is_staff account, whatever the role, and its routes
    name no record: a visitor on every host and each host's most trusted user (a commune's administrator, the
    platform's operator) are all it can tell apart."""
    (why, row), writes = group_of(route), []
    trusted = {"administrator", "gorges_admin", "operator"}
    calls = [(a, h) for a in ACTORS for h in HOSTS if a is ANONYMOUS or (a.key in trusted and a.home == h.schema)]

    problems = [p for actor, host in calls for p in check_host(world, route, row, actor, host, writes)]
    problems += database_changes(writes)

    assert not problems, f"{why}:\n" + "\n".join(problems)


def _csrf_cases() -> Iterator[tuple[Route, str, Actor]]:
    """Each unsafe method a route serves, with the first session user (a visitor if none) it admits at home."""
    for route in TABLE_ROUTES + GROUP_ROUTES:
        row = row_of(route)
        schemas = {h.schema for h in HOSTS if h.urlconf == route.urlconf}
        for method in sorted(set(row.methods) & set(UNSAFE)):
            who = row.write or row.who
            admitted = [a for a in ACTORS if who.admits(a) and (a.home in schemas or not a.signed_in)]
            actor = next((a for a in admitted if a.signed_in), admitted[0] if admitted else None)
            if actor is not None:
                yield route, method, actor


CSRF_CASES = list(_csrf_cases())


@pytest.mark.parametrize(
    ("route", "method", "actor"), CSRF_CASES, ids=[f"{r.id}-{m}-{a.key}" for r, m, a in CSRF_CASES]
)
def test_a_post_without_csrf_token_is_refused(world, database_changes, route, method, actor):
    row = row_of(route)
    host = next(h for h in HOSTS if h.urlconf == route.urlconf and (h.schema == actor.home or not actor.signed_in))
    side = world.side(host.schema if host.schema in world.sides else CLISSON.slug)
    objects = row.objects(actor, side, world.other(side)) if row.objects else Objects(("", {}), [])
    url = url_of(route, objects.mine[1]) + row.query

    response = send(world, actor, host, method, url, body_of(row, side), api=row.api, csrf=True)

    assert response.status_code == 403 and b"CSRF" in response.content, (method, url, response.status_code)
    assert not database_changes([f"{method} {url}"])


def _browser(world: World, actor: str) -> Client:
    client = Client(HTTP_HOST=CLISSON.host)
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]
    return client


def test_the_counter_acts_for_the_household_it_was_started_for(world):
    side = world.side(CLISSON.slug)
    a, b = side.household["A"], side.household["B"]
    agent = _browser(world, "administrator")

    before = agent.get("/famille/")
    started = agent.post(f"/gestion/familles/foyers/{a.pk}/guichet/")
    dashboard = agent.get("/famille/")
    own_child = agent.get(f"/famille/enfants/{side.child['A'].pk}/")
    other_child = agent.get(f"/famille/enfants/{side.child['B'].pk}/")
    other_pickup = agent.post(f"/famille/personnes-autorisees/{side.pickup['B'].pk}/retirer/")
    stopped = agent.post("/gestion/familles/guichet/terminer/")
    after = agent.get("/famille/")

    assert before.status_code == 403
    assert started.status_code == 302 and started["Location"] == "/famille/"
    assert dashboard.status_code == 200 and a.name in dashboard.content.decode()
    assert b.name not in dashboard.content.decode()
    assert own_child.status_code == 200 and other_child.status_code == 404 and other_pickup.status_code == 404
    assert PickupPerson.objects.filter(pk=side.pickup["B"].pk).exists()
    assert stopped.status_code == 302 and stopped["Location"] == f"/gestion/familles/foyers/{a.pk}/"
    assert after.status_code == 403


def test_a_shared_child_shows_the_other_household_nothing_of_its_own(world):
    """Parent C shares household A's child: the child and its dossier, never A's address, phones, pick-ups
    or documents."""
    side = world.side(CLISSON.slug)
    child, year = side.child["A"], side.year["open"]
    parent_c = _browser(world, "parent_c")

    pages = {
        url: parent_c.get(url)
        for url in ("/famille/", f"/famille/enfants/{child.pk}/", f"/famille/enfants/{child.pk}/dossier/{year.pk}/")
    }
    children = parent_c.get("/api/v1/families/children").json()["results"]
    pickups = parent_c.get(f"/api/v1/families/children/{child.pk}/pickups").json()["results"]
    a_pickup = parent_c.post(f"/famille/personnes-autorisees/{side.pickup['A'].pk}/retirer/")
    a_document = parent_c.get(f"/documents/{side.document['A'].pk}/")

    assert {url: r.status_code for url, r in pages.items()} == dict.fromkeys(pages, 200)
    own = _browser(world, "parent_a")  # the same pages show them to household A: the check can fail
    assert A_ADDRESS in own.get("/famille/").content.decode() and A_PHONE in own.get("/famille/").content.decode()
    assert A_PICKUP in own.get(f"/famille/enfants/{child.pk}/").content.decode()
    for url, response in pages.items():
        html = response.content.decode()
        for secret in (A_ADDRESS, A_PHONE, A_PICKUP, side.household["A"].name):
            assert secret not in html, (url, secret)
    assert "Tata Leroy" in pages[f"/famille/enfants/{child.pk}/"].content.decode()
    assert [p["name"] for c in children for p in c["pickup_persons"]] == ["Tata Leroy"]
    assert [p["name"] for p in pickups] == ["Tata Leroy"]
    assert a_pickup.status_code == 404 and PickupPerson.objects.filter(pk=side.pickup["A"].pk).exists()
    assert a_document.status_code == 404


def test_an_id_in_the_body_reaches_no_other_household(world, database_changes):
    """Ids posted in a body, not in the URL, are the household's own too: a document said to be about another
    household's child is refused (API: 422 on the field, as any id of a body no record answers; page: the
    field's error), and nothing is stored."""
    side = world.side(CLISSON.slug)
    other_child = side.child["B"].pk
    parent_a = _browser(world, "parent_a")

    api_upload = parent_a.post(
        "/api/v1/families/documents", {"file": _pdf("vaccins.pdf"), "child": other_child}, format="multipart"
    )
    page_upload = parent_a.post("/famille/documents/", {"file": _pdf("vaccins.pdf"), "child": other_child})

    assert api_upload.status_code == 422 and api_upload.json()["fields"].keys() == {"child"}
    assert page_upload.status_code == 200 and page_upload.context["form"].errors.keys() == {"child"}
    assert not database_changes(["POST /api/v1/families/documents", "POST /famille/documents/"])


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")
