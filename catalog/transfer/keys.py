"""Natural keys: what an item of the document and a row of the catalogue have in common when they are the
same thing, whatever their primary keys.

A row's key is read within its parent (a unit within its service, a bracket within its tariff). A key
names units and combinations by code and the other links by primary key (an exception's service: the
row its document service was matched to).
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify

from catalog.models import (
    AbsenceReason,
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
)

KEY_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Site: ("name",),
    SchoolYear: ("name",),
    ServiceUnit: ("code",),
    UnitCombination: ("code",),
    CutoffRule: ("applies_to", "direction"),
    Tariff: ("unit", "combination", "residence", "valid_from"),
    TariffBracket: ("qf_min",),
    BookingWindow: ("first_day",),
    CapacityOverride: ("date",),
    AgeGroupCapacity: ("min_age_months",),
    CalendarException: ("service", "start", "label"),
    AbsenceReason: ("label",),
}
CODED = (ServiceUnit, UnitCombination)

# Where a row sits in a document, to name one the document no longer has: (key, parent link).
PLACES: dict[type[models.Model], tuple[str, str | None]] = {
    Site: ("sites", None),
    SchoolYear: ("school_years", None),
    Service: ("services", None),
    CalendarException: ("calendar_exceptions", None),
    ServiceUnit: ("units", "service"),
    UnitCombination: ("combinations", "service"),
    CutoffRule: ("cutoff_rules", "service"),
    BookingWindow: ("booking_windows", "service"),
    CapacityOverride: ("capacity_overrides", "service"),
    AgeGroupCapacity: ("age_groups", "service"),
    Tariff: ("tariffs", "service"),
    TariffBracket: ("brackets", "tariff"),
    AbsenceReason: ("absence_reasons", "service"),
}


def code_of(item: dict, model: type[models.Model]) -> str:
    """An item's code, or the one its model's clean() gives a row without (its name, slugified)."""
    return item.get("code") or slugify(str(item.get("name") or ""))[: model._meta.get_field("code").max_length]


def row_key(row: models.Model) -> tuple:
    values = []
    for name in KEY_FIELDS[type(row)]:
        field = row._meta.get_field(name)
        if field.is_relation and field.related_model in CODED:
            values.append(getattr(getattr(row, name), "code", None))
        else:
            values.append(field.value_from_object(row))
    return tuple(values)


def item_key(model: type[models.Model], item: Any, **given: Hashable) -> tuple | None:
    """The key of a document item, its links `given` (as codes or primary keys); None when unreadable."""
    if not isinstance(item, dict):
        return None
    values = []
    for name in KEY_FIELDS[model]:
        if name in given:
            values.append(given[name])
            continue
        field = model._meta.get_field(name)
        value = code_of(item, model) if name == "code" else item.get(name)
        try:
            values.append(field.get_default() if value is None else field.to_python(value))
        except (ValidationError, ValueError, TypeError):
            return None  # the import says what is wrong with it; it matches nothing
    return tuple(values)


def service_row_keys(row: Service) -> list[Hashable]:
    return [("code", row.code), ("name", row.name)]


def service_item_keys(item: Any) -> list[Hashable]:
    """By code; an item without one (a version 1 document) by name, then by the code its name gives."""
    if not isinstance(item, dict):
        return []
    if item.get("code"):
        return [("code", item["code"])]
    return [("name", item.get("name")), ("code", code_of(item, Service))]


def match(
    rows: Iterable[models.Model],
    items: list,
    row_keys: Callable[[Any], list[Hashable]],
    item_keys: Callable[[Any], list[Hashable]],
) -> tuple[list[models.Model | None], list[models.Model]]:
    """Pairs each item with a row of one of its keys, tried in order, each row once (the oldest first);
    returns the row of each item (None: a new one) and the rows no item has."""
    rows = sorted(rows, key=lambda r: r.pk)
    pool: dict[Hashable, list[models.Model]] = defaultdict(list)
    for row in rows:
        for key in row_keys(row):
            pool[key].append(row)
    taken: set[int] = set()
    matched: list[models.Model | None] = []
    for item in items:
        found = None
        for key in item_keys(item):
            found = next((r for r in pool.get(key, ()) if r.pk not in taken), None)
            if found is not None:
                taken.add(found.pk)
                break
        matched.append(found)
    return matched, [r for r in rows if r.pk not in taken]


def by_key(model: type[models.Model], links: Callable[[dict], dict] | None = None) -> tuple[Callable, Callable]:
    """The key functions of `match` for a model with one natural key; `links` gives an item's links."""

    def item_keys(item: Any) -> list[Hashable]:
        given = links(item) if links and isinstance(item, dict) else {}
        key = None if given is None else item_key(model, item, **given)
        return [key] if key is not None else []

    return (lambda row: [row_key(row)]), item_keys


def place_of(row: models.Model) -> str:
    """Where a row of the catalogue sits in a document: services[Cantine].units[repas]."""
    key, parent = PLACES[type(row)]
    if isinstance(row, Site | SchoolYear | Service):
        label = row.name
    elif isinstance(row, CalendarException):
        label = f"{row.start}, {row.label}"
    else:
        label = ", ".join(str(value) for value in row_key(row) if value not in (None, ""))
    prefix = f"{place_of(getattr(row, parent))}." if parent else ""
    return f"{prefix}{key}[{label}]"
