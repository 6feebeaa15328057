"""Who may be booked online: a child with a validated enrolment in the service covering the day, and a
validated dossier for that day's school year (until it is, booking is impossible: DESIGN §2). The
planning shows such days as not modifiable; the basket's validation refuses them with the reason, as a
line in the basket may outlive the enrolment or the dossier it was ticked under."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q

from catalog.engine import REASON_MESSAGES, Reason
from catalog.models import Service
from families.models import Child, Decision, Dossier, Household
from reservations.models import Enrolment

DayKey = tuple[int, int, date]  # (child id, service id, date)


def enrolment_covers(enrolment: Enrolment, day: date) -> bool:
    return enrolment.start <= day <= enrolment.end and (enrolment.ended_on is None or day < enrolment.ended_on)


def validated_dossier_years(child_ids: Iterable[int], start: date, end: date) -> dict[int, list[tuple[date, date]]]:
    """Each child's school years (first and last day) with a validated dossier, over the range."""
    years = defaultdict(list)
    dossiers = Dossier.objects.filter(
        child__in=set(child_ids),
        status=Dossier.Status.VALIDATED,
        school_year__start__lte=end,
        school_year__end__gte=start,
    ).values_list("child_id", "school_year__start", "school_year__end")
    for child_id, first, last in dossiers:
        years[child_id].append((first, last))
    return years


def dossier_covers(years: dict[int, list[tuple[date, date]]], child_id: int, day: date) -> bool:
    return any(first <= day <= last for first, last in years.get(child_id, ()))


def ineligible(household: Household, days: list[tuple[Child, Service, date]]) -> dict[DayKey, Reason]:
    """The days asked for that the household's child may not be booked on, each with why (two queries)."""
    refused = households_ineligible([(household, child, service, day) for child, service, day in days])
    return {key[1:]: why for key, why in refused.items()}


def households_ineligible(days: list[tuple[Household, Child, Service, date]]) -> dict[tuple, Reason]:
    """`ineligible` for days of several households (a day's waiting list), keyed (household id, child id,
    service id, date): still two queries, whatever the households."""
    if not days:
        return {}
    start, end = min(day for *_rest, day in days), max(day for *_rest, day in days)
    child_ids = {child.pk for _h, child, _s, _d in days}
    enrolments = defaultdict(list)
    for enrolment in Enrolment.objects.filter(
        household__in={household.pk for household, *_rest in days},
        child__in=child_ids,
        service__in={service.pk for _h, _c, service, _d in days},
        status=Decision.VALIDATED,
        start__lte=end,
        end__gte=start,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start)):
        enrolments[(enrolment.household_id, enrolment.child_id, enrolment.service_id)].append(enrolment)
    years = validated_dossier_years(child_ids, start, end)
    refused = {}
    for household, child, service, day in days:
        key = (household.pk, child.pk, service.pk, day)
        if not any(enrolment_covers(e, day) for e in enrolments[key[:3]]):
            refused[key] = Reason.NOT_ENROLLED
        elif not dossier_covers(years, child.pk, day):
            refused[key] = Reason.DOSSIER
    return refused


def ensure_bookable(household: Household, child: Child, service: Service, day: date) -> None:
    """Refuse, with the reason in words, a child who may not be booked that day (a waiting list joined, a
    place asked in a draw: the place would be given to them later, unchecked)."""
    if not child.households.filter(pk=household.pk).exists():
        raise ValidationError(REASON_MESSAGES[Reason.NOT_ENROLLED])
    if why := ineligible(household, [(child, service, day)]).get((child.pk, service.pk, day)):
        raise ValidationError(REASON_MESSAGES[why])
