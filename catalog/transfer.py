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
    Site,
    Tariff,
    TariffBracket,
    brackets_check,
)

FORMAT = "portail-famille-catalogue"
VERSION = 1
# Child rows of a service, by document key: (model, fields, sort key).
SERVICE_CHILDREN: dict[str, tuple[type[models.Model], str]] = {
    "cutoff_rules": (CutoffRule, "direction"),
    "booking_windows": (BookingWindow, "first_day"),
    "capacity_overrides": (CapacityOverride, "date"),
    "age_groups": (AgeGroupCapacity, "min_age_months"),
    "tariffs": (Tariff, "valid_from"),  # then residence, see _sort_key
}
LINKS = {"id", "site", "service", "tariff"}


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in LINKS]


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
        "cutoff_rules", "booking_windows", "capacity_overrides", "age_groups", "tariffs__brackets"
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
    for key, (_model, order) in SERVICE_CHILDREN.items():
        rows = sorted(getattr(service, key).all(), key=lambda r: _sort_key(r, order))
        data[key] = [_dump(r) for r in rows]
        if key == "tariffs":
            for tariff_data, tariff in zip(data[key], rows, strict=True):
                tariff_data["brackets"] = [_dump(b) for b in sorted(tariff.brackets.all(), key=lambda b: b.qf_min)]
    return data


def _sort_key(row: models.Model, order: str) -> tuple:
    # Two tariffs may start the same day (residents and non-residents): the order must not depend on ids.
    return (getattr(row, order), getattr(row, "residence", ""))


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


def _import_children(builder: "_Builder", service: Service, data: dict, place: str) -> None:
    for key, (model, _order) in SERVICE_CHILDREN.items():
        for j, row in enumerate(_list(data, key)):
            child = builder.create(model, row, f"{place}.{key}[{j}]", service=service)
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
