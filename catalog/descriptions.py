"""What a service sells, in words, for the back-office: its units and what goes with what, the combinations
billed and their priority, which unit a cutoff rule is for, and how a day of units is
billed (with the late prices of the rules), so that an agent checks the configuration as families will live
it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog import engine, previews, pricing
from catalog.models import CutoffRule, Service, ServiceUnit, UnitCombination


def hours(value: Decimal) -> str:
    """A duration as people write it: 8 h, 1,5 h."""
    number = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return _("%(hours)s h") % {"hours": formats.number_format(number)}


def euros(value: Decimal) -> str:
    return _("%(amount)s €") % {"amount": formats.number_format(value, 2)}


def names(items: Iterable[ServiceUnit | UnitCombination], last: str) -> str:
    """« Matin », « Repas » ou « Après-midi »: `last` joins the last two (a translated "%(a)s ou %(b)s")."""
    quoted = [f"« {item.name} »" for item in items]
    if len(quoted) < 2:
        return "".join(quoted)
    return last % {"a": ", ".join(quoted[:-1]), "b": quoted[-1]}


def unit_sentence(unit: ServiceUnit, service: Service) -> str:
    """e.g. "Repas — 1,5 h ; seulement avec « Journée », « Matin » ou « Après-midi » ; facturé dans …"."""
    parts = [hours(unit.duration_hours)]
    if unit.capacity is not None:
        parts.append(ngettext("%(n)s place propre", "%(n)s places propres", unit.capacity) % {"n": unit.capacity})
    if required := list(unit.requires.all()):
        parts.append(_("seulement avec %(units)s le même jour") % {"units": names(required, _("%(a)s ou %(b)s"))})
    if excluded := list(unit.excludes.all()):
        parts.append(_("jamais le même jour que %(units)s") % {"units": names(excluded, _("%(a)s ou %(b)s"))})
    priced_alone = any(t.unit_id == unit.pk for t in service.tariffs.all())
    within = [c for c in service.combinations.all() if unit in c.units.all()]
    if priced_alone:
        parts.append(_("a son propre tarif"))
    if within:
        parts.append(_("se facture dans %(combinations)s") % {"combinations": names(within, _("%(a)s et %(b)s"))})
    if not priced_alone and not within:
        parts.append(_("ni tarif ni combinaison : impossible à facturer"))
    return f"{unit.name} — {' ; '.join(parts)}"


def combination_sentence(combination: UnitCombination, service: Service) -> str:
    """e.g. "Journée — « Matin », « Repas » et « Après-midi » sur une seule ligne de facture ; priorité 30"."""
    units = names(combination.units.all(), _("%(a)s et %(b)s"))
    text = _("%(units)s sur une seule ligne de facture ; priorité %(priority)s") % {
        "units": units,
        "priority": combination.priority,
    }
    if not any(t.combination_id == combination.pk for t in service.tariffs.all()):
        text = _("%(text)s ; sans tarif : ajoutez-en un") % {"text": text}
    return f"{combination.name} — {text}"


def rule_sentence(rule: CutoffRule, service: Service) -> str:
    """The rule, said for its unit when the service sells several ("Matin — Réservation : 48 heures …")."""
    units = list(service.units.all())
    if len(units) < 2 and rule.applies_to_id is None:
        return str(rule)
    if rule.applies_to_id is not None:
        unit = next((u for u in units if u.pk == rule.applies_to_id), rule.applies_to)
        return f"{unit.name} — {rule}"
    own = any(r.applies_to_id for r in service.cutoff_rules.all() if r.direction == rule.direction)
    who = _("Les autres unités") if own else _("Toutes les unités")
    return f"{who} — {rule}"


@dataclass(frozen=True)
class BillingPreview:
    sentences: list[str]
    refused: bool = False


def late_charges(service: Service, codes: Iterable[str], direction: CutoffRule.Direction) -> dict:
    """Each unit's charge when changed after its cutoff in `direction` (units without a rule: none)."""
    units = {unit.code: unit for unit in service.units.all()}
    charges = {}
    for code in codes:
        rule = engine.cutoff_rule(service, direction, units[code].pk)
        if rule is not None:
            charges[code] = engine.LateCharge(rule.late_price, rule.late_amount)
    return charges


def billing_preview(service: Service, day: date, codes: list[str], qf: int | None, resident: bool) -> BillingPreview:
    """How a child's day of these units is billed, and what it costs booked or cancelled late (seed 001)."""
    units = [unit for unit in service.units.all() if unit.code in codes]
    chosen = names(units, _("%(a)s et %(b)s"))
    household = _("au quotient familial %(qf)s") % {"qf": qf} if qf is not None else _("sans quotient familial connu")
    if not resident:
        household = _("%(household)s, hors commune") % {"household": household}
    heading = _("Le %(day)s, %(units)s %(household)s :") % {
        "day": previews.long_date(day),
        "units": chosen,
        "household": household,
    }
    try:
        normal = pricing.price_day(service, day, codes, qf=qf, resident=resident)
    except pricing.PricingRefused as exc:
        why = f"{engine.REASON_MESSAGES[exc.reason]} {exc.detail}".strip()
        return BillingPreview([heading, why], refused=True)
    sentences = [heading]
    for line in normal.lines:
        billed = [unit for unit in units if unit.code in line.units]
        if [unit.name for unit in billed] == [line.name]:  # a unit billed alone
            sentence = _("« %(name)s » : %(price)s") % {"name": line.name, "price": euros(line.price)}
        else:
            sentence = _("« %(name)s » (%(units)s) : %(price)s") % {
                "name": line.name,
                "units": names(billed, _("%(a)s et %(b)s")),
                "price": euros(line.price),
            }
        sentences.append(sentence)
    sentences.append(_("Total : %(total)s.") % {"total": euros(normal.total)})
    booking = late_charges(service, codes, CutoffRule.Direction.BOOKING)
    if booking:
        late = pricing.price_day(service, day, codes, qf=qf, resident=resident, late=booking)
        sentences.append(_("Réservé après le délai : %(total)s.") % {"total": euros(late.total)})
    cancellation = late_charges(service, codes, CutoffRule.Direction.CANCELLATION)
    if cancellation:
        late = pricing.price_day(service, day, codes, qf=qf, resident=resident, late=cancellation)
        sentences.append(_("Annulé après le délai : %(total)s restent facturés.") % {"total": euros(late.total)})
    return BillingPreview(sentences)
