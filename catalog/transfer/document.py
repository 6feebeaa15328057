"""The catalogue document: what it holds, and the export that writes it."""

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from catalog.models import (
    AbsenceReason,
    AgeGroupCapacity,
    BookingWindow,
    CalendarException,
    CapacityOverride,
    CutoffRule,
    SchoolYear,
    Service,
    Site,
    Tariff,
)

FORMAT = "portail-famille-catalogue"
# Version 2 names every service by a stable code, which an import matches; version 1 documents (written
# before, or by hand like catalog.starters) are still read: a service without a code is matched by name.
VERSION = 2
VERSIONS = (1, 2)
# Child rows of a service, by document key: (model, sort key). Units and combinations come first: rules
# and tariffs name them by code.
SERVICE_CHILDREN: dict[str, tuple[type[models.Model], str]] = {
    "cutoff_rules": (CutoffRule, "direction"),
    "booking_windows": (BookingWindow, "first_day"),
    "capacity_overrides": (CapacityOverride, "date"),
    "age_groups": (AgeGroupCapacity, "min_age_months"),
    "tariffs": (Tariff, "valid_from"),  # then residence, see _sort_key
    "absence_reasons": (AbsenceReason, "position"),
}
# Links to a unit or a combination, written as its code.
UNIT_LINKS = {CutoffRule: ("applies_to",), Tariff: ("unit", "combination")}


class CatalogImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def fields(model: type[models.Model]) -> list[models.Field]:
    """The columns a document carries: values, not links (a link is written by name or code)."""
    return [f for f in model._meta.concrete_fields if not f.is_relation and f.name != "id"]


def codes(row: models.Model) -> dict[str, str | None]:
    return {name: getattr(getattr(row, name), "code", None) for name in UNIT_LINKS.get(type(row), ())}


def listed(data: Any, key: str) -> list:
    value = data.get(key, []) if isinstance(data, dict) else []
    return value if isinstance(value, list) else []


def _dump(obj: models.Model) -> dict[str, Any]:
    data = {}
    for field in fields(type(obj)):
        value = field.value_from_object(obj)
        if isinstance(value, Decimal):
            value = f"{value:.2f}"
        elif isinstance(value, date | datetime | time):
            value = value.isoformat()
        data[field.name] = value
    return data


def catalog_export() -> dict[str, Any]:
    services = Service.objects.select_related("site").prefetch_related(
        "units__requires",
        "units__excludes",
        "combinations__units",
        "cutoff_rules__applies_to",
        "booking_windows",
        "capacity_overrides",
        "age_groups",
        "tariffs__brackets",
        "tariffs__unit",
        "tariffs__combination",
        "absence_reasons",
    )
    exceptions = CalendarException.objects.select_related("service")
    return {
        "format": FORMAT,
        "version": VERSION,
        "sites": [_dump(s) for s in Site.objects.order_by("name")],
        "school_years": [_dump(y) for y in SchoolYear.objects.order_by("start")],
        "calendar_exceptions": [
            {**_dump(e), "service": e.service.name if e.service else None}
            for e in sorted(exceptions, key=lambda e: (e.start, e.label, e.service.name if e.service else ""))
        ],
        "services": [_dump_service(s) for s in sorted(services, key=lambda s: s.name)],
    }


def _dump_service(service: Service) -> dict[str, Any]:
    data = {**_dump(service), "site": service.site.name}
    data["units"] = [
        {
            **_dump(unit),
            "requires": sorted(u.code for u in unit.requires.all()),
            "excludes": sorted(u.code for u in unit.excludes.all()),
        }
        for unit in sorted(service.units.all(), key=lambda u: (u.position, u.code))
    ]
    data["combinations"] = [
        {**_dump(combination), "units": sorted(u.code for u in combination.units.all())}
        for combination in sorted(service.combinations.all(), key=lambda c: c.code)
    ]
    for key, (_model, order) in SERVICE_CHILDREN.items():
        rows = sorted(getattr(service, key).all(), key=lambda r: _sort_key(r, order))
        data[key] = [{**_dump(r), **codes(r)} for r in rows]
        if key == "tariffs":
            for tariff_data, tariff in zip(data[key], rows, strict=True):
                tariff_data["brackets"] = [_dump(b) for b in sorted(tariff.brackets.all(), key=lambda b: b.qf_min)]
    return data


def _sort_key(row: models.Model, order: str) -> tuple:
    # Two tariffs may start the same day (residents and non-residents, two units): not in the order of ids.
    return (getattr(row, order), getattr(row, "residence", ""), *(code or "" for code in codes(row).values()))


def catalog_export_text() -> str:
    """The current commune's catalogue as the JSON file people download and keep."""
    return json.dumps(catalog_export(), ensure_ascii=False, indent=2) + "\n"


def catalog_document_parse(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise CatalogImportError([_("Ce fichier n'est pas un JSON lisible : %(error)s") % {"error": exc}]) from exc
