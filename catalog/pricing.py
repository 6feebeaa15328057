"""The one pricing function: a child's day of a service — its units — billed as combinations, at the
tariff valid that day for the household's QF and residence, with the late price of the rules.

The planning, the basket, the month so far and invoicing all call `price_day`; nothing else computes a
price. Pure: the service comes with its units, combinations and tariffs prefetched
(`catalog.selectors.services_with_rules`).
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext as _

from catalog.engine import REASON_MESSAGES, LateCharge, Reason
from catalog.models import CutoffRule, Service, ServiceUnit, Tariff, UnitCombination
from core.prefetch import rows


class PricingRefused(Exception):
    """The units cannot be booked together or billed: `reason` says why, in the engine's codes; `detail`
    names the units or the tariff concerned, in a sentence."""

    def __init__(self, reason: Reason, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason, self.detail = reason, detail

    @property
    def message(self) -> str:
        """What a parent or an agent reads: the reason, then which units."""
        return f"{REASON_MESSAGES[self.reason]} {self.detail}".strip()


def quoted(items: Iterable[ServiceUnit], pattern: str) -> str:
    """« Matin », « Après-midi » ou « Journée »: names in the service's order, the last two joined by
    `pattern` (a translated "%(items)s ou %(last)s")."""
    names = [f"« {item.name} »" for item in items]
    if len(names) < 2:
        return "".join(names)
    return pattern % {"items": ", ".join(names[:-1]), "last": names[-1]}


def no_tariff(item: UnitCombination | ServiceUnit, day: date) -> PricingRefused:
    detail = _("« %(item)s » n'a pas de prix valable le %(day)s.") % {"item": item.name, "day": f"{day:%d/%m/%Y}"}
    return PricingRefused(Reason.NO_TARIFF, detail)


@dataclass(frozen=True)
class Billable:
    """A combination, or one unit billed alone (a unit with a tariff of its own)."""

    item: UnitCombination | ServiceUnit
    units: frozenset[str]  # unit codes
    priority: int


@dataclass(frozen=True)
class PricedLine:
    name: str
    units: frozenset[str]
    unit_price: Decimal
    late: bool
    price: Decimal  # what is billed: the unit price, or the late price


@dataclass(frozen=True)
class DayPrice:
    lines: tuple[PricedLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.price for line in self.lines), Decimal("0"))


def units_check(service: Service, codes: Collection[str]) -> None:
    """The service's rules on units booked the same day: each exists, the repas comes with a matin or an
    après-midi, the journée never with the matin. Read in the service's order, so that the same day is
    always refused for the same reason."""
    booked = set(codes)
    if unknown := booked - {unit.code for unit in rows(service, "units")}:
        detail = _("Unité inconnue de cette prestation : %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        raise PricingRefused(Reason.NOT_COVERED, detail)
    for unit in (unit for unit in rows(service, "units") if unit.code in booked):
        required = list(rows(unit, "requires"))
        if required and not any(other.code in booked for other in required):
            detail = _("« %(unit)s » se réserve avec %(units)s.") % {
                "unit": unit.name,
                "units": quoted(required, _("%(items)s ou %(last)s")),
            }
            raise PricingRefused(Reason.UNIT_REQUIRES, detail)
        if excluded := [other for other in rows(unit, "excludes") if other.code in booked]:
            detail = _("« %(unit)s » ne se réserve pas avec %(units)s.") % {
                "unit": unit.name,
                "units": quoted(excluded, _("%(items)s ni %(last)s")),
            }
            raise PricingRefused(Reason.UNITS_EXCLUDE, detail)


def billables(service: Service) -> list[Billable]:
    """What can be billed, highest priority first: combinations, then units that have a tariff alone."""
    combinations = [
        Billable(c, frozenset(u.code for u in rows(c, "units")), c.priority) for c in rows(service, "combinations")
    ]
    priced_alone = {t.unit_id for t in rows(service, "tariffs") if t.unit_id}
    alone = [Billable(u, frozenset({u.code}), -1) for u in rows(service, "units") if u.pk in priced_alone]
    return sorted(combinations, key=lambda b: (-b.priority, -len(b.units))) + alone


def billed_cover(service: Service, codes: Collection[str]) -> list[Billable]:
    """The day's units covered exactly by billables, each unit once: the highest-priority billable that fits
    and lets the rest be covered, then the same for the rest.

    Priorities compare across the whole day, not only among the billables of one unit: a combination of
    priority 5 wins over one of priority 0 even when the latter holds the service's first unit."""
    candidates = billables(service)

    @cache  # a few units: at most one search per subset of them
    def cover(remaining: frozenset[str]) -> tuple[Billable, ...] | None:
        if not remaining:
            return ()
        for billable in candidates:
            if billable.units <= remaining and (rest := cover(remaining - billable.units)) is not None:
                return (billable, *rest)
        return None

    found = cover(frozenset(codes))
    if found is None:
        booked = [unit for unit in rows(service, "units") if unit.code in codes]
        detail = _("Unités choisies : %(units)s.") % {"units": quoted(booked, _("%(items)s et %(last)s"))}
        raise PricingRefused(Reason.NOT_COVERED, detail)
    return list(found)


def tariff_price(service: Service, billable: Billable, day: date, qf: int | None, resident: bool) -> Decimal:
    """The price of a billable that day: the tariff for the household's residence (else for everyone),
    then its QF bracket (unknown QF: the tariff's price for it, else the top bracket)."""
    item = billable.item
    own = [
        t
        for t in rows(service, "tariffs")
        if (t.combination_id == item.pk if isinstance(item, UnitCombination) else t.unit_id == item.pk)
        and t.valid_from <= day
        and (t.valid_to is None or day <= t.valid_to)
    ]
    residence = Tariff.Residence.RESIDENT if resident else Tariff.Residence.NON_RESIDENT
    tariff = next((t for t in own if t.residence == residence), None) or next(
        (t for t in own if t.residence == Tariff.Residence.ANY), None
    )
    if tariff is None:
        raise no_tariff(item, day)
    brackets = sorted(rows(tariff, "brackets"), key=lambda b: b.qf_min)
    if qf is None or not brackets:
        if tariff.unknown_qf_price is not None:
            return tariff.unknown_qf_price
        if not brackets:
            raise no_tariff(item, day)
        return brackets[-1].price
    matching = [b for b in brackets if b.qf_min <= qf and (b.qf_max is None or qf <= b.qf_max)]
    return matching[0].price if matching else brackets[-1].price


def late_price(unit_price: Decimal, charge: LateCharge) -> Decimal:
    """Seed 001: a late morning costs 4 € (a fixed price), a late holiday day the day rate + 3 €, a late
    cancellation stays billed at its price.

    A fixed price never bills less than on time: seed 001 calls it a "tarif majoré", and a line may hold
    more than the late unit (a journée of 15 € with its repas booked late must not drop to 4 €)."""
    if charge.price == CutoffRule.LatePrice.FIXED:
        return max(charge.amount, unit_price)
    if charge.price == CutoffRule.LatePrice.PLUS:
        return unit_price + charge.amount
    return unit_price


def price_day(
    service: Service,
    day: date,
    codes: Collection[str],
    *,
    qf: int | None,
    resident: bool,
    late: Mapping[str, LateCharge] | None = None,
) -> DayPrice:
    """What a child's day costs: `codes` are its units, `late` the charge of each unit changed late.

    A billed line with a late unit costs the late price (the highest among its late units' charges)."""
    units_check(service, codes)
    late = late or {}
    lines = []
    for billable in billed_cover(service, codes):
        unit_price = tariff_price(service, billable, day, qf, resident)
        charges = [late[code] for code in billable.units if code in late]
        price = max((late_price(unit_price, charge) for charge in charges), default=unit_price)
        name = billable.item.name
        lines.append(PricedLine(name, billable.units, unit_price, bool(charges), price))
    return DayPrice(tuple(lines))
