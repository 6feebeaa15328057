"""Days closed for some children only. A closure of a school's or a class's children leaves the service's
day open in the calendar (the others still come), so the bookings — under the day's lock, which the
closure took too — and the planning ask here whom it closes the day to."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from catalog.models import Service
from families.models import Schooling
from reservations.models import Closure

ClosedFor = dict[tuple[int, int, date], str]  # (child, service, day) -> the closure's message


def closed_for_children(*, service_ids: Iterable[int], dates: Iterable[date], child_ids: Iterable[int]) -> ClosedFor:
    """One query when no such closure exists (the usual case), one more per closure otherwise."""
    service_ids, dates, child_ids = set(service_ids), set(dates), set(child_ids)
    closures = list(
        Closure.objects.filter(date__in=dates, minimum_service=False)
        .filter(Q(service_id__in=service_ids) | Q(site__services__in=service_ids))
        .exclude(school="", level="")
        .distinct()
    )
    if not closures:
        return {}
    sites = dict(Service.objects.filter(pk__in=service_ids).values_list("pk", "site_id"))
    closed: ClosedFor = {}
    for closure in closures:
        services = (
            [closure.service_id] if closure.service_id else [s for s, site in sites.items() if site == closure.site_id]
        )
        schoolings = Schooling.objects.filter(
            child__in=child_ids, school_year__start__lte=closure.date, school_year__end__gte=closure.date
        )
        if closure.school:
            schoolings = schoolings.filter(school=closure.school)
        if closure.level:
            schoolings = schoolings.filter(level=closure.level)
        for child_id in schoolings.values_list("child_id", flat=True):
            closed.update({(child_id, service_id, closure.date): closure.label for service_id in services})
    return closed
