"""Export a commune's catalogue to a JSON document and import it into another commune.

The document names things instead of numbering them (a service refers to its
site by name), so it means the same in any schema; the export is sorted and
stable, so exporting an imported catalogue gives the same document back.
Importing replaces the whole catalogue in one transaction, after validating
everything: a bad document changes nothing and every error names its place.
"""

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from catalog.models import (
    AgeGroupCapacity,
    BookingWindow,
    CalendarException,
    CapacityOverride,
    CutoffRule,
    SchoolYear,
    Service,
    ServiceUnit,
    Site,
    Tariff,
    TariffBracket,
    UnitCombination,
    brackets_check,
)
from catalog.models.units import default_unit

FORMAT = "portail-famille-catalogue"
VERSION = 1
# Child rows of a service, by document key: (model, sort key). Units and combinations come first: rules
# and tariffs name them by code.
SERVICE_CHILDREN: dict[str, tuple[type[models.Model], str]] = {
    "cutoff_rules": (CutoffRule, "direction"),
    "booking_windows": (BookingWindow, "first_day"),
    "capacity_overrides": (CapacityOverride, "date"),
    "age_groups": (AgeGroupCapacity, "min_age_months"),
    "tariffs": (Tariff, "valid_from"),  # then residence, see _sort_key
}
# Links to a unit or a combination, written as its code.
UNIT_LINKS = {CutoffRule: ("applies_to",), Tariff: ("unit", "combination")}


def _fields(model: type[models.Model]) -> list[models.Field]:
    """The columns a document carries: values, not links (a link is written by name or code)."""
    return [f for f in model._meta.concrete_fields if not f.is_relation and f.name != "id"]


def _codes(row: models.Model) -> dict[str, str | None]:
    return {name: getattr(getattr(row, name), "code", None) for name in UNIT_LINKS.get(type(row), ())}


def _dump(obj: models.Model) -> dict[str, Any]:
    data = {}
    for field in _fields(type(obj)):
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
        data[key] = [{**_dump(r), **_codes(r)} for r in rows]
        if key == "tariffs":
            for tariff_data, tariff in zip(data[key], rows, strict=True):
                tariff_data["brackets"] = [_dump(b) for b in sorted(tariff.brackets.all(), key=lambda b: b.qf_min)]
    return data


def _sort_key(row: models.Model, order: str) -> tuple:
    # Two tariffs may start the same day (residents and non-residents, two units): not in the order of ids.
    return (getattr(row, order), getattr(row, "residence", ""), *(code or "" for code in _codes(row).values()))


class CatalogImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def catalog_export_text() -> str:
    """The current commune's catalogue as the JSON file people download and keep."""
    return json.dumps(catalog_export(), ensure_ascii=False, indent=2) + "\n"


def catalog_document_parse(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise CatalogImportError([_("Ce fichier n'est pas un JSON lisible : %(error)s") % {"error": exc}]) from exc


def catalog_import(document: Any) -> dict[str, int]:
    """Replace the current commune's catalogue with the document's; returns counts by kind."""
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != VERSION:
        raise CatalogImportError(
            [_("Ce fichier n'est pas un catalogue Portail Famille (version %(v)s).") % {"v": VERSION}]
        )
    builder = _Builder()
    with transaction.atomic():
        # Who manages what is not in the file (accounts differ between communes): keep it by name.
        managers = {
            model: {row.name: list(row.managers.all()) for row in model.objects.prefetch_related("managers")}
            for model in (Site, Service)
        }
        for model in (CalendarException, Service, Site, SchoolYear):
            model.objects.all().delete()
        sites = {s["name"]: builder.create(Site, s, f"sites[{i}]") for i, s in enumerate(_list(document, "sites"))}
        for i, year in enumerate(_list(document, "school_years")):
            builder.create(SchoolYear, year, f"school_years[{i}]")
        services = {}
        for i, data in enumerate(_list(document, "services")):
            place = f"services[{i}]"
            site = sites.get(data.get("site")) if isinstance(data, dict) else None
            if site is None:
                builder.errors.append(
                    _("%(place)s : site inconnu « %(site)s ».")
                    % {"place": place, "site": data.get("site") if isinstance(data, dict) else "?"}
                )
                continue
            service = services[data.get("name")] = builder.create(Service, data, place, site=site)
            if service is not None:
                _import_children(builder, service, data, place)
        for i, data in enumerate(_list(document, "calendar_exceptions")):
            service_name = data.get("service") if isinstance(data, dict) else None
            if service_name is not None and services.get(service_name) is None:
                builder.errors.append(
                    _("calendar_exceptions[%(i)s] : prestation inconnue « %(name)s ».") % {"i": i, "name": service_name}
                )
                continue
            builder.create(CalendarException, data, f"calendar_exceptions[{i}]", service=services.get(service_name))
        if builder.errors:
            raise CatalogImportError(builder.errors)  # leaving the block rolls everything back
        for model, created in ((Site, sites), (Service, services)):
            for name, row in created.items():
                if row is not None and managers[model].get(name):
                    row.managers.set(managers[model][name])
    return builder.counts


def _import_units(builder: "_Builder", service: Service, data: dict, place: str) -> dict[str, models.Model]:
    """The service's units and combinations, by code; a document without units (a one-unit service of
    version 1) gets the unit its service's measure names, as the migration gave existing services."""
    rows = _list(data, "units") or [default_unit(service.unit)]
    units = {}
    for j, row in enumerate(rows):
        if unit := builder.create(ServiceUnit, row, f"{place}.units[{j}]", service=service):
            units[unit.code] = unit
    for j, row in enumerate(rows):
        for relation in ("requires", "excludes"):
            if isinstance(row, dict) and (unit := units.get(row.get("code"))) is not None:
                getattr(unit, relation).set(builder.by_code(units, row, relation, f"{place}.units[{j}]"))
    combinations = {}
    for j, row in enumerate(_list(data, "combinations")):
        if combination := builder.create(UnitCombination, row, f"{place}.combinations[{j}]", service=service):
            combination.units.set(builder.by_code(units, row, "units", f"{place}.combinations[{j}]"))
            combinations[combination.code] = combination
    return {"units": units, "combinations": combinations}


def _unit_links(builder: "_Builder", model, row: dict, known: dict, place: str) -> dict[str, models.Model | None]:
    links = {}
    for name in UNIT_LINKS.get(model, ()):
        code = row.get(name)
        pool = known["combinations"] if name == "combination" else known["units"]
        links[name] = pool.get(code) if code else None
        if code and links[name] is None:
            builder.errors.append(
                _("%(place)s.%(field)s : code inconnu « %(code)s ».") % {"place": place, "field": name, "code": code}
            )
    if model is Tariff and not row.get("unit") and not row.get("combination") and len(known["units"]) == 1:
        links["unit"] = next(iter(known["units"].values()))  # a version 1 document's one-unit service
    return links


def _import_children(builder: "_Builder", service: Service, data: dict, place: str) -> None:
    known = _import_units(builder, service, data, place)
    for key, (model, _order) in SERVICE_CHILDREN.items():
        for j, row in enumerate(_list(data, key)):
            links = _unit_links(builder, model, row, known, f"{place}.{key}[{j}]") if isinstance(row, dict) else {}
            child = builder.create(model, row, f"{place}.{key}[{j}]", service=service, **links)
            if model is Tariff and child is not None:
                brackets = [
                    builder.create(TariffBracket, bracket, f"{place}.{key}[{j}].brackets[{k}]", tariff=child)
                    for k, bracket in enumerate(_list(row, "brackets"))
                ]
                try:
                    brackets_check([b for b in brackets if b is not None])
                except ValidationError as exc:
                    builder.errors.extend(f"{place}.{key}[{j}].brackets : {m}" for m in exc.messages)


def _list(data: dict, key: str) -> list:
    value = data.get(key, [])
    return value if isinstance(value, list) else []


class _Builder:
    """Creates rows, collecting every validation error with its place in the document."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.counts: dict[str, int] = {}

    def by_code(self, units: dict[str, ServiceUnit], row: dict, key: str, place: str) -> list[ServiceUnit]:
        codes = _list(row, key)
        for code in codes:
            if code not in units:
                self.errors.append(
                    _("%(place)s.%(field)s : unité inconnue « %(code)s ».")
                    % {"place": place, "field": key, "code": code}
                )
        return [units[code] for code in codes if code in units]

    def create(self, model: type[models.Model], data: Any, place: str, **links: models.Model) -> models.Model | None:
        if not isinstance(data, dict):
            self.errors.append(_("%(place)s : objet attendu.") % {"place": place})
            return None
        obj = model(**links)
        errors_before = len(self.errors)
        for field in _fields(model):
            if field.name in data:
                try:
                    setattr(obj, field.name, field.to_python(data[field.name]))
                except ValidationError as exc:
                    self.errors.extend(f"{place}.{field.name} : {message}" for message in exc.messages)
                except (ValueError, TypeError):
                    self.errors.append(
                        _("%(place)s.%(field)s : valeur invalide « %(value)s ».")
                        % {"place": place, "field": field.name, "value": data[field.name]}
                    )
        if len(self.errors) > errors_before:
            return None
        try:
            obj.full_clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.errors.extend(f"{place}.{name} : {message}" for message in messages)
            return None
        obj.save()
        self.counts[model._meta.model_name] = self.counts.get(model._meta.model_name, 0) + 1
        return obj
