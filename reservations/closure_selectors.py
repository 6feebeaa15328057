"""Reads on closures for the staff who decide them: the list, one closure with what it did, the schools
children are known at."""

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from accounts.models import User
from catalog.models import Site
from core.roles import can
from families.models import Schooling
from reservations.models import AmountOwed, Booking, Closure
from reservations.services.closures import CLOSURE_CAPABILITY


def closures_list(actor: User) -> QuerySet[Closure]:
    """Every closure of the commune, latest day first, with how many bookings each cancelled."""
    if not can(actor, CLOSURE_CAPABILITY):
        return Closure.objects.none()
    return Closure.objects.select_related("service", "site").annotate(
        cancelled=Count("bookings"), families=Count("bookings__household", distinct=True)
    )


def get_closure_for(actor: User, pk: int) -> Closure:
    """The closure `pk` if `actor` decides closures, 404 otherwise (the same answer as a missing one)."""
    closure = closures_list(actor).filter(pk=pk).first()
    if closure is None:
        raise Http404
    assert can(actor, CLOSURE_CAPABILITY)
    return closure


def get_closure_site_for(actor: User, pk: int) -> Site:
    """A site a closure may name, for those who decide closures (404 otherwise, as a missing one)."""
    site = Site.objects.filter(pk=pk).first() if can(actor, CLOSURE_CAPABILITY) else None
    if site is None:
        raise Http404
    return site


def closure_bookings(closure: Closure) -> list[Booking]:
    """The bookings it cancelled, family by family, with what each is owed back."""
    return list(
        closure.bookings.select_related("household", "child", "service", "unit")
        .annotate(owed=Sum("owed_back__amount"))
        .order_by("household__name", "child__first_name", "service__name", "unit__position")
    )


def closure_owed_total(closure: Closure):
    return AmountOwed.objects.filter(booking__closure=closure).aggregate(total=Sum("amount"))["total"]


def known_schools() -> list[str]:
    """The schools children's schoolings name, for the closure form's choice (free text in the dossier)."""
    schools = Schooling.objects.exclude(Q(school="")).values_list("school", flat=True).distinct()
    return sorted(set(schools), key=str.casefold)
