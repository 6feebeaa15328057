"""The family's waiting lists: join a full day's list from the planning or the basket's outcome, see the
rank, leave, and accept or decline a place offered before it passes to the next family."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from catalog.models import Service
from core.ids import id_of
from families.selectors import FamilyActor, get_child_for
from families.views import family_page
from reservations.models import Booking
from reservations.services.waiting import waiting_join, waiting_leave, waiting_offer_accept, waiting_offer_decline
from reservations.waiting_selectors import get_waiting_entry_for, waiting_entries_of, waiting_ranks

ACTIONS = {"quitter": waiting_leave, "accepter": waiting_offer_accept, "refuser": waiting_offer_decline}
DONE = {
    "quitter": gettext_lazy("Vous avez quitté la liste d'attente."),
    "refuser": gettext_lazy("Place refusée : elle est proposée à la famille suivante."),
}


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def waiting_list(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        entry_id = id_of(request.POST.get("entry"))
        if action not in ACTIONS or entry_id is None:
            raise Http404
        entry = get_waiting_entry_for(actor, entry_id)
        try:
            done = ACTIONS[action](actor=request.user, household=actor.household, entry=entry)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _accepted(done) if action == "accepter" else str(DONE[action]))
        return redirect("reservations:waiting_list")
    entries = waiting_entries_of(actor)
    ranks = waiting_ranks(entries)
    rows = [(entry, ranks.get(entry.pk)) for entry in entries]
    return render(request, "reservations/waiting_list.html", {"rows": rows})


def _asked(actor: FamilyActor, value: str):
    """child:service:date:unit[,unit…], as the planning's boxes and the basket's lines name a day."""
    try:
        child_id, service_id, day, units = value.split(":")
        day = date.fromisoformat(day)
        child = get_child_for(actor, int(child_id))
        service = Service.objects.get(pk=int(service_id), waiting_list=True)
    except (ValueError, Service.DoesNotExist) as exc:
        raise Http404 from exc
    codes = [code for code in units.split(",") if code]
    chosen = list(service.units.filter(code__in=codes))
    if not chosen or len(chosen) != len(set(codes)):
        raise Http404
    return child, service, day, chosen


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def waiting_list_join(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    value = request.POST.get("jour") if request.method == "POST" else request.GET.get("jour", "")
    if not value:
        return redirect("reservations:waiting_list")
    child, service, day, units = _asked(actor, value)
    if request.method == "POST":
        try:
            waiting_join(
                actor=request.user,
                household=actor.household,
                child=child,
                service=service,
                day=day,
                units=[u.code for u in units],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(f"{request.path}?jour={value}")
        messages.success(request, _("%(child)s est sur la liste d'attente.") % {"child": child.first_name})
        return redirect("reservations:waiting_list")
    context = {"child": child, "service": service, "day": day, "units": units, "value": value}
    return render(request, "reservations/waiting_join.html", context)


def _accepted(booking: Booking) -> str:
    """What accepting made of the place: booked, kept until paid (paid at booking), or asked of the mairie."""
    if booking.state == Booking.State.HELD:
        until = timezone.localtime(booking.held_until)
        return _("Place acceptée : elle vous est gardée jusqu'au %(day)s à %(time)s, le temps de la payer.") % {
            "day": date_format(until, "l j F"),
            "time": time_format(until, "H:i"),
        }
    if booking.state == Booking.State.REQUESTED:
        return _("Place acceptée : votre demande est transmise à la mairie, qui la valide.")
    return _("Place acceptée : elle est réservée.")
