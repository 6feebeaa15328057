"""Import a catalogue document into the current commune: update in place what it matches.

Every item of the document is matched to the row it describes by natural key (see `keys`): a site or a
school year by name, a service by code, its units and combinations by code, a rule by its unit and
direction, a tariff by what it prices, residence and start, a bracket by its first QF... A matched row is
updated in place and keeps its primary key, so what refers to it (bookings, enrolments, invoices) keeps
referring to it; an item without a row is created; a row without an item is removed, unless something
outside the catalogue refers to it (see `references`), which refuses the import with one error per row.

All of it in one transaction, after which every error is raised with its place: a refused document
changes nothing.
"""

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from catalog.models import (
    CalendarException,
    SchoolYear,
    Service,
    ServiceUnit,
    Site,
    Tariff,
    TariffBracket,
    UnitCombination,
    brackets_check,
)
from catalog.transfer.document import (
    FORMAT,
    SERVICE_CHILDREN,
    UNIT_LINKS,
    VERSION,
    VERSIONS,
    CatalogImportError,
    fields,
    listed,
)
from catalog.transfer.keys import code_of, place_of
from catalog.transfer.plan import Plan, plan_import, units_of

# Kinds in the order of the document, for counts and summaries.
KINDS = [Site, SchoolYear, Service, ServiceUnit, UnitCombination]
KINDS += [model for model, _order in SERVICE_CHILDREN.values()] + [TariffBracket, CalendarException]
LABELS = {model._meta.label: model for model in KINDS}
# Removed before the rest is written (their names, dates and codes are then free), leaves first; sites
# after, once the services the document moves to another site have moved.
REMOVED_FIRST = [TariffBracket, Tariff, *(m for m, _o in SERVICE_CHILDREN.values() if m is not Tariff)]
REMOVED_FIRST += [UnitCombination, ServiceUnit, CalendarException, Service, SchoolYear]


def catalog_import(document: Any) -> dict[str, int]:
    """Make the current commune's catalogue the document's; returns counts ("service.updated": 2)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") not in VERSIONS:
        raise CatalogImportError(
            [_("Ce fichier n'est pas un catalogue Portail Famille (version %(v)s).") % {"v": VERSION}]
        )
    with transaction.atomic():
        plan = plan_import(document)
        writer = _Writer(plan)
        writer.remove([row for row in plan.removed if not isinstance(row, Site)])
        writer.write(document)
        writer.remove([row for row in plan.removed if isinstance(row, Site)])
        if writer.errors:
            raise CatalogImportError(writer.errors)  # leaving the block rolls everything back
    return {name: n for name, n in writer.counts.items() if n}


class _Writer:
    """Writes the document's rows, collecting every validation error with its place in the document."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.errors: list[str] = [reference.message() for reference in plan.references]
        self.counts: Counter = Counter()
        self.touched: set[tuple[type[models.Model], int]] = set()

    def count(self, model: type[models.Model], what: str, n: int = 1) -> None:
        self.counts[f"{model._meta.model_name}.{what}"] += n

    def remove(self, rows: list[models.Model]) -> None:
        held = {reference.root for reference in self.plan.references}
        order = {model: i for i, model in enumerate([*REMOVED_FIRST, Site])}
        for row in sorted((r for r in rows if r not in held), key=lambda r: order[type(r)]):
            try:
                with transaction.atomic():
                    _total, deleted = row.delete()
            except (ProtectedError, RestrictedError):
                # A row the document keeps refers to it: only when the document names it wrongly too.
                if not self.errors:
                    self.errors.append(
                        _("%(place)s : encore utilisé, ne peut pas être retiré.") % {"place": place_of(row)}
                    )
                continue
            for label, n in deleted.items():
                if label in LABELS:
                    self.count(LABELS[label], "deleted", n)

    def write(self, document: dict) -> None:
        sites = {}
        for i, item in enumerate(listed(document, "sites")):
            if site := self.save(Site, item, f"sites[{i}]"):
                sites[site.name] = site
        for i, item in enumerate(listed(document, "school_years")):
            self.save(SchoolYear, item, f"school_years[{i}]")
        services = {}
        for i, item in enumerate(listed(document, "services")):
            place = f"services[{i}]"
            site = sites.get(item.get("site")) if isinstance(item, dict) else None
            if site is None:
                self.errors.append(
                    _("%(place)s : site inconnu « %(site)s ».")
                    % {"place": place, "site": item.get("site") if isinstance(item, dict) else "?"}
                )
                continue
            if service := self.save(Service, item, place, site=site):
                services[item.get("name")] = service
                self.write_children(service, item, place)
        for i, item in enumerate(listed(document, "calendar_exceptions")):
            name = item.get("service") if isinstance(item, dict) else None
            if name is not None and services.get(name) is None:
                self.errors.append(
                    _("calendar_exceptions[%(i)s] : prestation inconnue « %(name)s ».") % {"i": i, "name": name}
                )
                continue
            self.save(CalendarException, item, f"calendar_exceptions[{i}]", service=services.get(name))
        # Who manages what is not in the file (accounts differ between communes): a row the import created
        # in place of a removed one of the same name gets its managers.
        for model, rows in ((Site, sites), (Service, services)):
            for name, row in rows.items():
                if (model, row.pk) in self.plan.created and (managers := self.plan.managers[model].get(name)):
                    row.managers.set(managers)

    def write_units(self, service: Service, item: dict, place: str) -> dict[str, dict[str, models.Model]]:
        """The service's units and combinations, by code."""
        rows = units_of(item)
        units = {}
        for j, row in enumerate(rows):
            if unit := self.save(ServiceUnit, row, f"{place}.units[{j}]", service=service):
                units[unit.code] = unit
        # Exclusions go both ways: a unit's set is what it names and what names it (setting one unit's own
        # list alone would wipe what an earlier unit said of it).
        excluded: dict[str, set] = {code: set() for code in units}
        for j, row in enumerate(rows):
            if isinstance(row, dict) and (unit := units.get(code_of(row, ServiceUnit))) is not None:
                self.set_many(unit, "requires", self.by_code(units, row, "requires", f"{place}.units[{j}]"))
                for other in self.by_code(units, row, "excludes", f"{place}.units[{j}]"):
                    excluded[unit.code].add(other)
                    excluded[other.code].add(unit)
        for code, unit in units.items():
            self.set_many(unit, "excludes", sorted(excluded[code], key=lambda u: u.pk))
        combinations = {}
        for j, row in enumerate(listed(item, "combinations")):
            if combination := self.save(UnitCombination, row, f"{place}.combinations[{j}]", service=service):
                self.set_many(combination, "units", self.by_code(units, row, "units", f"{place}.combinations[{j}]"))
                combinations[combination.code] = combination
        return {"units": units, "combinations": combinations}

    def unit_links(self, model, row: dict, known: dict, place: str) -> dict[str, models.Model | None]:
        links = {}
        for name in UNIT_LINKS.get(model, ()):
            code = row.get(name)
            pool = known["combinations"] if name == "combination" else known["units"]
            links[name] = pool.get(code) if code else None
            if code and links[name] is None:
                self.errors.append(
                    _("%(place)s.%(field)s : code inconnu « %(code)s ».")
                    % {"place": place, "field": name, "code": code}
                )
        if model is Tariff and not row.get("unit") and not row.get("combination") and len(known["units"]) == 1:
            links["unit"] = next(iter(known["units"].values()))  # a version 1 document's one-unit service
        return links

    def write_children(self, service: Service, item: dict, place: str) -> None:
        known = self.write_units(service, item, place)
        for key, (model, _order) in SERVICE_CHILDREN.items():
            for j, row in enumerate(listed(item, key)):
                links = self.unit_links(model, row, known, f"{place}.{key}[{j}]") if isinstance(row, dict) else {}
                child = self.save(model, row, f"{place}.{key}[{j}]", service=service, **links)
                if model is Tariff and child is not None:
                    brackets = [
                        self.save(TariffBracket, bracket, f"{place}.{key}[{j}].brackets[{k}]", tariff=child)
                        for k, bracket in enumerate(listed(row, "brackets"))
                    ]
                    try:
                        brackets_check([b for b in brackets if b is not None])
                    except ValidationError as exc:
                        self.errors.extend(f"{place}.{key}[{j}].brackets : {m}" for m in exc.messages)

    def by_code(self, units: dict[str, ServiceUnit], row: dict, key: str, place: str) -> list[ServiceUnit]:
        codes = listed(row, key)
        for code in codes:
            if code not in units:
                self.errors.append(
                    _("%(place)s.%(field)s : unité inconnue « %(code)s ».")
                    % {"place": place, "field": key, "code": code}
                )
        return [units[code] for code in codes if code in units]

    def set_many(self, row: models.Model, relation: str, targets: list[models.Model]) -> None:
        manager = getattr(row, relation)
        if {t.pk for t in manager.all()} != {t.pk for t in targets}:
            manager.set(targets)
            self.touch(row, "updated")

    def touch(self, row: models.Model, what: str) -> None:
        if (type(row), row.pk) not in self.touched:
            self.touched.add((type(row), row.pk))
            self.count(type(row), what)

    def save(self, model: type[models.Model], data: Any, place: str, **links: models.Model) -> models.Model | None:
        """The row of `place`, updated (or created) from `data`; None when `data` is wrong."""
        if not isinstance(data, dict):
            self.errors.append(_("%(place)s : objet attendu.") % {"place": place})
            return None
        existing = self.plan.matched.get(place)
        obj = existing or model()
        before = _state(obj)
        for name, value in links.items():
            setattr(obj, name, value)
        errors_before = len(self.errors)
        for field in fields(model):
            if field.name not in data:
                # What the document leaves out takes its default, as in a new row; a code stays.
                if existing is not None and field.name != "code":
                    setattr(obj, field.attname, field.get_default())
                continue
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
        if existing is None:
            obj.save()
            self.plan.created.add((model, obj.pk))
            self.touch(obj, "created")
        elif _state(obj) != before:
            obj.save()
            self.touch(obj, "updated")
        return obj


def _state(obj: models.Model) -> dict[str, Any]:
    return {field.attname: field.value_from_object(obj) for field in obj._meta.concrete_fields}
