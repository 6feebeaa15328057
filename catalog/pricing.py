"""The one pricing function: a child's day of a service — its units — billed as combinations, at the
tariff valid that day for the household's QF and residence, with the late price of the rules.

The planning, the basket, the month so far and invoicing all call `price_day`; nothing else computes a
price. Pure: the service comes with its units, combinations and tariffs prefetched
(`catalog.selectors.services_with_rules`).
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from catalog.engine import LateCharge, Reason
from catalog.models import CutoffRule, Service, ServiceUnit, Tariff, UnitCombination


class PricingRefused(Exception):
    """The units cannot be booked together or billed: `reason` says why, in the engine's codes."""

    def __init__(self, reason: Reason, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason, self.detail = reason, detail


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
    après-midi, the journée never with the matin."""
    units = {unit.code: unit for unit in service.units.all()}
    if unknown := set(codes) - units.keys():
        raise PricingRefused(Reason.NOT_COVERED, ", ".join(sorted(unknown)))
    for code in codes:
        unit = units[code]
        required = {other.code for other in unit.requires.all()}
        if required and not required & set(codes):
            raise PricingRefused(Reason.UNIT_REQUIRES, unit.name)
        if excluded := {other.code for other in unit.excludes.all()} & set(codes):
            raise PricingRefused(Reason.UNITS_EXCLUDE, f"{unit.name} / {', '.join(sorted(excluded))}")


def billables(service: Service) -> list[Billable]:
    """What can be billed, highest priority first: combinations, then units that have a tariff alone."""
    combinations = [
        Billable(c, frozenset(u.code for u in c.units.all()), c.priority) for c in service.combinations.all()
    ]
    priced_alone = {t.unit_id for t in service.tariffs.all() if t.unit_id}
    alone = [Billable(u, frozenset({u.code}), -1) for u in service.units.all() if u.pk in priced_alone]
    return sorted(combinations, key=lambda b: (-b.priority, -len(b.units))) + alone


def billed_cover(service: Service, codes: Collection[str]) -> list[Billable]:
    """The day's units covered exactly by billables, each unit once: for the first unit left (in the
    service's order), the highest-priority billable that fits and lets the rest be covered."""
    order = [unit.code for unit in service.units.all()]
    candidates = billables(service)

    def cover(remaining: frozenset[str]) -> list[Billable] | None:
        if not remaining:
            return []
        first = min(remaining, key=order.index)
        for billable in candidates:
            if first in billable.units and billable.units <= remaining:
                rest = cover(remaining - billable.units)
                if rest is not None:
                    return [billable, *rest]
        return None

    found = cover(frozenset(codes))
    if found is None:
        raise PricingRefused(Reason.NOT_COVERED, ", ".join(sorted(codes)))
    return found


def tariff_price(service: Service, billable: Billable, day: date, qf: int | None, resident: bool) -> Decimal:
    """The price of a billable that day: the tariff for the household's residence (else for everyone),
    then its QF bracket (unknown QF: the tariff's price for it, else the top bracket)."""
    item = billable.item
    own = [
        t
        for t in service.tariffs.all()
        if (t.combination_id == item.pk if isinstance(item, UnitCombination) else t.unit_id == item.pk)
        and t.valid_from <= day
        and (t.valid_to is None or day <= t.valid_to)
    ]
    residence = Tariff.Residence.RESIDENT if resident else Tariff.Residence.NON_RESIDENT
    tariff = next((t for t in own if t.residence == residence), None) or next(
        (t for t in own if t.residence == Tariff.Residence.ANY), None
    )
    if tariff is None:
        raise PricingRefused(Reason.NO_TARIFF, str(item))
    brackets = sorted(tariff.brackets.all(), key=lambda b: b.qf_min)
    if qf is None or not brackets:
        if tariff.unknown_qf_price is not None:
            return tariff.unknown_qf_price
        if not brackets:
            raise PricingRefused(Reason.NO_TARIFF, str(item))
        return brackets[-1].price
    matching = [b for b in brackets if b.qf_min <= qf and (b.qf_max is None or qf <= b.qf_max)]
    return matching[0].price if matching else brackets[-1].price


def late_price(unit_price: Decimal, charge: LateCharge) -> Decimal:
    """Seed 001: a late morning costs 4 € (a fixed price), a late holiday day the day rate + 3 €, a late
    cancellation stays billed at its price."""
    if charge.price == CutoffRule.LatePrice.FIXED:
        return charge.amount
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

    A billed line with a late unit costs the late price (the highest charge among its late units)."""
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
