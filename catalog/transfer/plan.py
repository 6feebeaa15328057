"""Before writing anything: which row each item of the document is, and which rows it no longer has."""

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from catalog.models import (
    CalendarException,
    SchoolYear,
    Service,
    ServiceUnit,
    Site,
    TariffBracket,
    UnitCombination,
)
from catalog.models.units import DEFAULT_UNITS, default_unit
from catalog.transfer.document import SERVICE_CHILDREN, UNIT_LINKS, listed
from catalog.transfer.keys import by_key, code_of, match, service_item_keys, service_row_keys
from catalog.transfer.references import Reference, outside_references


@dataclass
class Plan:
    matched: dict[str, models.Model] = field(default_factory=dict)  # place in the document -> its row
    removed: list[models.Model] = field(default_factory=list)  # rows the document no longer has
    references: list[Reference] = field(default_factory=list)  # what holds some of them
    managers: dict[type[models.Model], dict[str, list]] = field(default_factory=dict)  # of removed rows, by name
    created: set[tuple[type[models.Model], int]] = field(default_factory=set)  # filled by the import


def units_of(item: Any) -> list:
    """A service's units; a document without (a one-unit service of version 1) gets the unit its
    service's measure names, as the migration gave existing services."""
    if units := listed(item, "units"):
        return units
    measure = item.get("unit") if isinstance(item, dict) else None
    return [default_unit(measure)] if isinstance(measure, str) and measure in DEFAULT_UNITS else []


def plan_import(document: dict) -> Plan:
    plan = Plan()

    def pair(rows, items: list, place: str, keys: tuple) -> list[models.Model | None]:
        matched, leftover = match(rows, items, *keys)
        plan.matched.update({f"{place}[{i}]": row for i, row in enumerate(matched) if row is not None})
        plan.removed.extend(leftover)
        return matched

    pair(Site.objects.all(), listed(document, "sites"), "sites", by_key(Site))
    pair(SchoolYear.objects.all(), listed(document, "school_years"), "school_years", by_key(SchoolYear))
    items = listed(document, "services")
    services = pair(Service.objects.all(), items, "services", (service_row_keys, service_item_keys))
    for i, (item, service) in enumerate(zip(items, services, strict=True)):
        if service is not None:
            _pair_children(pair, service, item, f"services[{i}]")
    # An exception of a service is the same when its service is: the row the service's item matched.
    by_name = {item.get("name"): row for item, row in zip(items, services, strict=True) if isinstance(item, dict)}

    def exception_links(item: dict) -> dict | None:
        name = item.get("service")
        if name is None:
            return {"service": None}
        return {"service": by_name[name].pk} if by_name.get(name) is not None else None

    exceptions = CalendarException.objects.all()
    pair(
        exceptions,
        listed(document, "calendar_exceptions"),
        "calendar_exceptions",
        by_key(CalendarException, exception_links),
    )
    plan.references = outside_references(plan.removed)
    plan.managers = {
        model: {row.name: list(row.managers.all()) for row in plan.removed if type(row) is model}
        for model in (Site, Service)
    }
    return plan


def _pair_children(pair, service: Service, item: dict, place: str) -> None:
    units = units_of(item)
    pair(service.units.all(), units, f"{place}.units", by_key(ServiceUnit))
    pair(service.combinations.all(), listed(item, "combinations"), f"{place}.combinations", by_key(UnitCombination))
    codes = [code_of(unit, ServiceUnit) for unit in units if isinstance(unit, dict)]

    def rule_links(row: dict) -> dict:
        return {"applies_to": row.get("applies_to") or None}

    def tariff_links(row: dict) -> dict:
        unit, combination = row.get("unit") or None, row.get("combination") or None
        if unit is None and combination is None and len(codes) == 1:
            unit = codes[0]  # a version 1 document's one-unit service
        return {"unit": unit, "combination": combination}

    links = {"cutoff_rules": rule_links, "tariffs": tariff_links}
    for key, (model, _order) in SERVICE_CHILDREN.items():
        rows = getattr(service, key).select_related(*UNIT_LINKS.get(model, ()))  # their keys name them
        items = listed(item, key)
        matched = pair(rows, items, f"{place}.{key}", by_key(model, links.get(key)))
        if key == "tariffs":
            for j, (row, tariff) in enumerate(zip(items, matched, strict=True)):
                if tariff is not None:
                    pair(
                        tariff.brackets.all(),
                        listed(row, "brackets"),
                        f"{place}.tariffs[{j}].brackets",
                        by_key(TariffBracket),
                    )
