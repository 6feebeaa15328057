"""Allocation by draw: the family asks for days of a window instead of racing for them, and reads the
outcome and why; staff preview the draw with a seed, run it, and keep its journal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from catalog.models import BookingWindow
from core.access import capability_required
from core.ids import id_of
from core.roles import Capability, can
from families.models import Child, Decision
from families.panels import Panel
from families.selectors import FamilyActor
from families.views import family_page
from reservations.allocation_selectors import (
    draw_windows,
    get_allocation_request_for,
    get_draw_window_for_staff,
    requests_of,
    window_days,
    windows_for_family,
)
from reservations.services.allocation import (
    allocation_draw,
    allocation_request,
    allocation_run,
    allocation_withdraw,
)

allocation_staff_required = capability_required(Capability.FAMILIES_REVIEW)


def _priorities(window) -> list[str]:
    """The window's priorities' names, in its order (an ArrayField of choices has no get_…_display)."""
    return [BookingWindow.Priority(p).label for p in window.priorities]


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def allocation_requests(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    now = timezone.now()
    windows = windows_for_family(actor, now)
    if request.method == "POST":
        if "withdraw" in request.POST:
            asked_id = id_of(request.POST["withdraw"])
            if asked_id is None:
                raise Http404
            asked = get_allocation_request_for(actor, asked_id)
            allocation_withdraw(actor=request.user, household=actor.household, request=asked)
            messages.success(request, _("Demande retirée."))
            return redirect("reservations:allocation_requests")
        _ask(request, actor, windows)
        return redirect("reservations:allocation_requests")
    enrolled = Child.objects.filter(
        enrolments__household=actor.household, enrolments__status=Decision.VALIDATED
    ).distinct()
    open_windows = [
        (w, window_days(w), _priorities(w)) for w in windows if w.allocated_at is None and now < w.requests_until
    ]
    context = {
        "open_windows": open_windows,
        "requests": requests_of(actor, windows),
        "children": list(enrolled.order_by("first_name")),
    }
    return render(request, "reservations/allocation_requests.html", context)


def _ask(request: HttpRequest, actor: FamilyActor, windows: list) -> None:
    pk = request.POST.get("window", "")
    window = next((w for w in windows if str(w.pk) == pk), None)
    if window is None:
        raise Http404
    wanted = [n for pk in request.POST.getlist("enfant") if (n := id_of(pk)) is not None]
    children = list(Child.objects.filter(households=actor.household, pk__in=wanted))
    days = [d for d in window_days(window) if d.isoformat() in request.POST.getlist("jour")]
    units = request.POST.getlist("unite")
    if not children or not days or not units:
        messages.error(request, _("Cochez au moins un enfant, un jour et une unité."))
        return
    done, errors = 0, []
    for child in children:
        for day in days:
            try:
                allocation_request(
                    actor=request.user, household=actor.household, window=window, child=child, day=day, units=units
                )
                done += 1
            except ValidationError as exc:
                errors.append(f"{child.first_name}, {day:%d/%m} : {' '.join(exc.messages)}")
    if done:
        message = ngettext("%(n)s demande enregistrée.", "%(n)s demandes enregistrées.", done) % {"n": done}
        messages.success(request, message)
    for error in errors:
        messages.error(request, error)


def allocations_panel(*, user: User) -> Panel | None:
    """The families queue's section: windows whose places are allocated after requests."""
    if not can(user, Capability.FAMILIES_REVIEW):
        return None
    windows = list(draw_windows().filter(allocated_at__isnull=True)[:5])
    return Panel("reservations/staff/allocations_panel.html", {"windows": windows})


@require_safe
@allocation_staff_required
def allocations(request: HttpRequest) -> HttpResponse:
    return render(request, "reservations/staff/allocations.html", {"windows": list(draw_windows())})


@require_http_methods(["GET", "HEAD", "POST"])
@allocation_staff_required
def allocation(request: HttpRequest, window_id: int) -> HttpResponse:
    """A window's requests; a preview of the draw with a seed (the same seed, the same order); the run."""
    window = get_draw_window_for_staff(window_id)
    raw = (request.POST if request.method == "POST" else request.GET).get("graine", "").strip()
    seed = id_of(raw)  # a bigint, as the run's column and the API's seed
    if raw and seed is None:
        messages.error(request, _("La graine est un nombre entier positif."))
        if request.method == "POST":  # a run cannot be undone: never with another seed than the one typed
            return redirect("reservations_staff:allocation", window_id=window.pk)
    if request.method == "POST":
        try:
            run = allocation_run(window=window, actor=request.user, seed=seed)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Places attribuées (graine %(seed)s).") % {"seed": run.seed})
        return redirect("reservations_staff:allocation", window_id=window.pk)
    context = {
        "window": window,
        "priorities": _priorities(window),
        "seed": seed,
        "drawn": allocation_draw(window, seed) if seed is not None and window.allocated_at is None else [],
        "runs": list(window.runs.select_related("run_by")),
        "requests": list(window.requests.exclude(state="withdrawn").select_related("child", "household")),
    }
    return render(request, "reservations/staff/allocation.html", context)
