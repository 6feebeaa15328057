"""The mairie's side of enrolments: the requests waiting for a decision, one request at a time; and the
counter, where staff book and cancel a child's days for its family past the cutoffs."""

from decimal import Decimal
from itertools import groupby

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from audit.services import audit_record
from catalog.engine import Reason
from catalog.models import Service
from core.access import capability_required
from core.ids import id_of
from core.roles import Capability, can
from families.forms import DecisionForm
from families.models import Child, Decision, Household
from families.panels import Panel
from families.selectors import dossier_of, get_child_for_staff, get_household_for
from reservations import services
from reservations.models import Booking, Enrolment
from reservations.prices import priced_days
from reservations.selectors import (
    enrolment_bookings,
    get_enrolment_for_review,
    pending_enrolments,
    recurrence_in_words,
    week_lines,
)
from reservations.services.basket import holds_paid
from reservations.services.counter import counter_book, counter_cancel
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
        ids = [n for pk in request.POST.getlist("enrolment") if (n := id_of(pk)) is not None]
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
        # Booking online waits for it: the agent sees it before validating the typical week.
        "dossier": dossier_of(child=enrolment.child, school_year=enrolment.school_year),
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


# --- The counter: a child's days for its family, past the cutoffs ---------------------------------------------

COUNTER_BOOKINGS_SHOWN = 60


class CounterForm(forms.Form):
    """A day's units of a service to book or cancel; the rule's late price applied unless unticked."""

    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=gettext_lazy("Service"))
    date = forms.DateField(label=gettext_lazy("Jour"), widget=forms.DateInput(attrs={"type": "date"}))
    units = forms.MultipleChoiceField(label=gettext_lazy("Unités"), widget=forms.CheckboxSelectMultiple)
    late_price = forms.BooleanField(
        required=False,
        initial=True,
        label=gettext_lazy("Appliquer le prix du retard"),
        help_text=gettext_lazy(
            "Décochez pour ne pas facturer le prix du retard de la règle ; ce choix est journalisé."
        ),
    )
    action = forms.ChoiceField(choices=[("book", gettext_lazy("Réserver")), ("cancel", gettext_lazy("Annuler"))])

    def __init__(self, *args, services: list[Service], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(pk__in=[s.pk for s in services]).order_by("name")
        self.fields["units"].choices = [
            (f"{service.pk}:{unit.code}", f"{service.name} — {unit.name}")
            for service in services
            for unit in service.units.all()
        ]

    def clean(self) -> dict:
        data = super().clean()
        service = data.get("service")
        if service is not None and "units" in data:
            codes = [value.split(":", 1)[1] for value in data["units"] if value.split(":", 1)[0] == str(service.pk)]
            if not codes:
                self.add_error("units", _("Cochez au moins une unité de ce service."))
            data["codes"] = codes
        return data


def _counter_child(user: User, household_id: int, child_id: int) -> tuple[Household, Child]:
    household = get_household_for(user, household_id)
    child = get_child_for_staff(user, child_id)
    if not child.households.filter(pk=household.pk).exists():
        raise Http404
    return household, child


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def counter(request: HttpRequest, household_id: int, child_id: int) -> HttpResponse:
    """A child's days for its family at the counter: book or cancel a day's units past the cutoffs, with the
    rule's late price or without it (journaled under the agent's name by the services)."""
    household, child = _counter_child(request.user, household_id, child_id)
    enrolled = Enrolment.objects.filter(household=household, child=child).values_list("service_id", flat=True)
    offered = list(Service.objects.filter(pk__in=enrolled).prefetch_related("units").order_by("name"))
    if request.method == "POST" and "pay" in request.POST:  # until online payment exists (seed 004)
        paid = holds_paid(actor=request.user, household=household)
        for booking in paid:
            audit_record(actor=request.user, action="reservations.payment", target=booking, context=household)
        messages.success(
            request,
            ngettext(
                "Paiement enregistré : %(n)s jour réservé.", "Paiement enregistré : %(n)s jours réservés.", len(paid)
            )
            % {"n": len(paid)},
        )
        return redirect("reservations_staff:counter", household_id=household.pk, child_id=child.pk)
    form = CounterForm(request.POST or None, services=offered)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        late = data["late_price"]
        if data["action"] == "book":
            outcome = counter_book(
                actor=request.user,
                household=household,
                child=child,
                service=data["service"],
                day=data["date"],
                units=data["codes"],
                late_price_applied=late,
            )
        else:
            held = Booking.objects.filter(
                household=household,
                child=child,
                service=data["service"],
                date=data["date"],
                unit__code__in=data["codes"],
                state__in=Booking.HOLDING,
            ).select_related("unit", "child", "service")
            outcome = counter_cancel(
                actor=request.user, household=household, bookings=list(held), late_price_applied=late
            )
        _tell_counter(request, data["action"], outcome, data["date"])
        return redirect("reservations_staff:counter", household_id=household.pk, child_id=child.pk)
    bookings = (
        Booking.objects.filter(household=household, child=child, date__gte=timezone.localdate())
        .exclude(state=Booking.State.CANCELLED)
        .select_related("service", "unit")
        .order_by("date", "service__name", "unit__position", "pk")[:COUNTER_BOOKINGS_SHOWN]
    )
    held = list(Booking.objects.filter(household=household, state=Booking.State.HELD).select_related("child", "unit"))
    context = {
        "household": household,
        "child": child,
        "form": form,
        "services": offered,
        "bookings": bookings,
        "held": held,
        "held_total": sum((day.total for day in priced_days(household, held)), Decimal("0")),
    }
    return render(request, "reservations/staff/counter.html", context)


def _tell_counter(request: HttpRequest, action: str, outcome, day) -> None:
    """What was done and what was refused, read once after the redirect."""
    when = date_format(day, "l j F Y")
    done = ", ".join(f"{b.unit.name}{_(' (prix du retard)') if b.late_price else ''}" for b in outcome.changed)
    if done:
        message = _("Réservé le %(day)s : %(units)s.") if action == "book" else _("Annulé le %(day)s : %(units)s.")
        messages.success(request, message % {"day": when, "units": done} + " " + _("Inscrit au journal du foyer."))
    for refusal in outcome.refused:
        detail = f" ({refusal.detail})" if refusal.detail else ""
        messages.warning(request, _("Refusé le %(day)s : %(why)s") % {"day": when, "why": refusal.message + detail})
    if not done and not outcome.refused:
        if action == "book":
            messages.info(request, _("Rien à réserver : ces unités sont déjà réservées ce jour-là."))
        else:
            messages.info(request, _("Rien à annuler : aucune de ces unités n’est réservée ce jour-là."))
