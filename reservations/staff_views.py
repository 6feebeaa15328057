"""The mairie's side of enrolments: the requests waiting for a decision, one request at a time."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from catalog.engine import Reason
from core.access import capability_required
from core.roles import Capability, can
from families.forms import DecisionForm
from families.models import Decision
from families.panels import Panel
from reservations import services
from reservations.selectors import (
    enrolment_bookings,
    get_enrolment_for_review,
    pending_enrolments,
    recurrence_in_words,
    week_lines,
)
from reservations.views import attestation_response, errors_to_form

family_staff_required = capability_required(Capability.FAMILIES_REVIEW)
QUEUE_PANEL_ROWS = 10


def queue_panel(*, user: User) -> Panel | None:
    """The families queue's section: the oldest enrolment requests, and the way to all of them."""
    if not can(user, Capability.FAMILIES_REVIEW):
        return None
    pending = pending_enrolments()
    context = {"enrolments": list(pending[:QUEUE_PANEL_ROWS]), "count": pending.count()}
    return Panel("reservations/staff/queue_panel.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The pending requests, oldest first; those ticked are validated together (a refusal needs its reason,
    on the request's own page)."""
    if request.method == "POST":
        ids = [int(pk) for pk in request.POST.getlist("enrolment") if pk.isdigit()]
        chosen = [get_enrolment_for_review(request.user, pk) for pk in dict.fromkeys(ids)]
        if not chosen:
            messages.error(request, _("Cochez les inscriptions à valider."))
        else:
            try:
                decided = services.enrolments_validate(actor=request.user, enrolments=chosen)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                _tell_validated(request, decided)
        return redirect("reservations_staff:queue")
    return render(request, "reservations/staff/queue.html", {"enrolments": pending_enrolments()})


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def enrolment_review(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Child, household, service, period, typical week and pieces; validate (the week is booked) or refuse."""
    enrolment = get_enrolment_for_review(request.user, enrolment_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            decided = services.enrolment_decide(
                actor=request.user, enrolment=enrolment, accept=accept, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            _tell_decision(request, decided)
            return redirect("reservations_staff:enrolment", enrolment_id=enrolment.pk)
    bookings = list(enrolment_bookings(enrolment)) if enrolment.status == Decision.VALIDATED else []
    context = {
        "enrolment": enrolment,
        "week": week_lines(enrolment),
        "recurrence": recurrence_in_words(enrolment),
        "form": form,
        "booked_months": _by_month(bookings),
        "booked_days": len({b.date for b in bookings}),
    }
    return render(request, "reservations/staff/enrolment.html", context)


def _tell_decision(request: HttpRequest, decided) -> None:
    """What the decision did, read once after the redirect: days booked, days full, days too late."""
    if decided.enrolment.status == Decision.REFUSED:
        messages.success(request, _("Inscription refusée ; la famille est prévenue par e-mail avec le motif."))
        return
    booked = len({b.date for b in decided.bookings.changed})
    messages.success(
        request,
        ngettext(
            "Inscription validée : %(n)s jour réservé ; la famille est prévenue par e-mail.",
            "Inscription validée : %(n)s jours réservés ; la famille est prévenue par e-mail.",
            booked,
        )
        % {"n": booked},
    )
    _tell_refused(request, decided.bookings.refused)


def _tell_validated(request: HttpRequest, decided: list) -> None:
    for each in decided:
        enrolment = each.enrolment
        booked = len({b.date for b in each.bookings.changed})
        message = ngettext(
            "Inscription de %(child)s (%(service)s) validée : %(n)s jour réservé.",
            "Inscription de %(child)s (%(service)s) validée : %(n)s jours réservés.",
            booked,
        )
        messages.success(request, message % {"child": enrolment.child, "service": enrolment.service, "n": booked})
        _tell_refused(request, each.bookings.refused, prefix=f"{enrolment.child} : ")
    messages.info(request, _("Les familles sont prévenues par e-mail."))


def _tell_refused(request: HttpRequest, refused, prefix: str = "") -> None:
    full = sorted({r.request.date for r in refused if r.reason == Reason.FULL})
    other = sorted({r.request.date for r in refused if r.reason != Reason.FULL} - set(full))
    if full:
        days = ", ".join(date_format(day, "l j F Y") for day in full)
        messages.warning(request, prefix + _("Jours complets, non réservés : %(days)s.") % {"days": days})
    if other:
        days = ", ".join(date_format(day, "l j F Y") for day in other)
        message = _("Jours non réservés (délai dépassé ou fermés) : %(days)s.") % {"days": days}
        messages.warning(request, prefix + message)


def _by_month(bookings) -> list[tuple[str, list[str]]]:
    """Booked days by month: "décembre 2026" → ["lundi 7", "mardi 8"]."""
    days = sorted({b.date for b in bookings})
    months = (list(group) for _month, group in groupby(days, key=lambda d: (d.year, d.month)))
    return [(date_format(group[0], "F Y"), [date_format(d, "l j") for d in group]) for group in months]


@require_safe
@family_staff_required
def attestation(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = get_enrolment_for_review(request.user, enrolment_id)
    if enrolment.status != Decision.VALIDATED:
        messages.error(request, _("Seule une inscription validée a une attestation."))
        return redirect("reservations_staff:enrolment", enrolment_id=enrolment.pk)
    return attestation_response(request, enrolment)
