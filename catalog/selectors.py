"""Reads on the catalogue, loading what the engine needs in a bounded number of queries."""

from datetime import date, timedelta

from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from catalog import calendar
from catalog.engine import CatalogSnapshot
from catalog.models import (
    CalendarException,
    CapacityOverride,
    SchoolYear,
    Service,
    ServiceUnit,
    Tariff,
    UnitCombination,
)
from core.communes import current_commune
from core.roles import Capability, can

CUTOFF_REACH = timedelta(days=62)


def services_with_rules() -> QuerySet[Service]:
    """Services with everything the engine and the pricing read (a fixed number of queries)."""
    return Service.objects.select_related("site").prefetch_related(
        "cutoff_rules",
        "booking_windows",
        "age_groups",
        Prefetch("units", queryset=ServiceUnit.objects.prefetch_related("requires", "excludes")),
        Prefetch("combinations", queryset=UnitCombination.objects.prefetch_related("units")),
        Prefetch("tariffs", queryset=Tariff.objects.prefetch_related("brackets")),
    )


def _exceptions(services: list[Service], start: date, end: date) -> QuerySet[CalendarException]:
    # Cutoffs reach back before `start`: their working-day arithmetic needs earlier closures.
    return CalendarException.objects.filter(start__lte=end, end__gte=start - CUTOFF_REACH).filter(
        Q(service__isnull=True) | Q(service_id__in=[s.pk for s in services])
    )


def catalog_snapshot(*, services: list[Service], start: date, end: date) -> CatalogSnapshot:
    """Calendar data of `services` between `start` and `end` (3 queries whatever the range)."""
    service_ids = [s.pk for s in services]
    overlapping = Q(start__lte=end, end__gte=start)
    exceptions = _exceptions(services, start, end)
    overrides = CapacityOverride.objects.filter(service_id__in=service_ids, date__range=(start, end))
    commune = current_commune()
    return CatalogSnapshot(
        school_years=list(SchoolYear.objects.filter(overlapping)),
        exceptions=list(exceptions),
        capacity_overrides={(o.service_id, o.date): o.capacity for o in overrides},
        subdivision=calendar.subdivision_of(commune.insee_code) if commune else None,
    )


def calendar_changed(snapshot: CatalogSnapshot, *, services: list[Service], start: date, end: date) -> bool:
    """Whether closures or openings were added or removed since `snapshot` was read (one query): a day
    closed after bookings exist commits its closure under the service days' locks, which a booking read
    the calendar before taking."""
    now = set(_exceptions(services, start, end).values_list("pk", flat=True))
    return now != {e.pk for e in snapshot.exceptions}


def services_for(*, actor: User) -> QuerySet[Service]:
    """The services a staff member configures: all of them for administrators, their own for managers."""
    services = Service.objects.select_related("site")
    if can(actor, Capability.CATALOG_CONFIGURE):
        return services
    if can(actor, Capability.CATALOG_VIEW):  # scoped: the services given to them, or to their site
        return services.filter(Q(managers=actor) | Q(site__managers=actor)).distinct()
    return services.none()


def get_service_for(*, actor: User, pk: int) -> Service:
    """The service `pk` if `actor` configures it, 404 otherwise (the same answer as a missing one)."""
    return get_object_or_404(services_for(actor=actor), pk=pk)


def get_tariff_for(*, actor: User, service: Service, pk: int) -> Tariff:
    """A tariff of `service` (itself read through `get_service_for`), 404 otherwise."""
    return get_object_or_404(get_service_for(actor=actor, pk=service.pk).tariffs, pk=pk)


def get_entry_for(*, actor: User, rows: QuerySet, pk: int) -> Model:
    """A row of a catalogue section `actor` may configure (the rows come scoped to their service), 404 otherwise."""
    if not can(actor, Capability.CATALOG_VIEW):
        raise Http404
    return get_object_or_404(rows, pk=pk)
