"""The family's side of enrolments: ask for one from the child's page, change its typical week from a date,
end it after seeing what that cancels, download its attestation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from core.ids import id_of
from families.models import Child, Decision
from families.panels import Panel
from families.selectors import FamilyActor, get_child_for
from families.views import family_page
from reservations import services
from reservations.attestation import attestation_filename, attestation_pdf
from reservations.forms import EndForm, EnrolmentForm, WeekChangeForm
from reservations.models import Enrolment
from reservations.selectors import (
    enrolment_years,
    enrolments_of,
    get_enrolment_for,
    get_service_open_for,
    requirements_of,
    services_open_for,
    upcoming_bookings,
    week_lines,
)
from theming.selectors import branding_get


def errors_to_form(form, exc: ValidationError) -> None:
    """A service's refusal, next to the field it names (the typical week as a whole, or the form's top)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        if name == "week" and hasattr(form, "week_error_list"):
            form.week_error_list.extend(errors)
        else:
            form.add_error(name if name in form.fields else None, errors)


def _days(outcome_refused) -> str:
    return ", ".join(date_format(day, "l j F Y") for day in sorted({r.request.date for r in outcome_refused}))


def _warn_kept(request: HttpRequest, refused) -> None:
    if refused:
        days = _days(refused)
        message = _("Trop tard pour annuler, ces jours restent réservés et facturés : %(days)s.")
        messages.warning(request, message % {"days": days})


def _changeable(enrolment: Enrolment) -> bool:
    return enrolment.status != Decision.REFUSED and enrolment.ended_on is None


def child_panel(*, child: Child, actor: FamilyActor) -> Panel:
    """The child page's section: the household's enrolments of the child and its own upcoming days."""
    today = timezone.localdate()
    days, total = upcoming_bookings(child=child, household=actor.household, today=today)
    enrolments = [
        {"enrolment": e, "week": week_lines(e), "changeable": _changeable(e)}
        for e in enrolments_of(child=child, household=actor.household)
    ]
    context = {"child": child, "enrolments": enrolments, "days": days, "total": total, "shown": len(days)}
    return Panel("reservations/child_panel.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def enrolment_new(request: HttpRequest, actor: FamilyActor, child_id: int) -> HttpResponse:
    """Choose a service (a list of links: no JavaScript needed), then fill its form."""
    child = get_child_for(actor, child_id)
    today = timezone.localdate()
    years = enrolment_years(today)
    chosen = request.POST.get("service") or request.GET.get("service")
    if not chosen:
        services_open = services_open_for(child=child, years=list(years), today=today)
        context = {"child": child, "services": services_open, "years": years}
        return render(request, "reservations/enrolment_services.html", context)
    service = get_service_open_for(actor, child=child, pk=id_of(chosen) or 0, today=today)
    requirements = requirements_of(service)
    form = EnrolmentForm(
        request.POST or None, request.FILES or None, service=service, years=years, requirements=requirements
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        year = data["school_year"]
        try:
            enrolment = services.enrolment_request(
                actor=request.user,
                child=child,
                household=actor.household,
                service=service,
                school_year=year,
                week=form.week(),
                recurrence=data["recurrence"],
                anchor=data["anchor"],
                start=data["start"] or max(year.start, today),
                end=data["end"] or year.end,
                pieces=form.pieces(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            enrolment.refresh_from_db(fields=["status"])
            if enrolment.status == Decision.VALIDATED:
                messages.success(request, _("Inscription enregistrée : les jours de la semaine type sont réservés."))
            else:
                messages.success(request, _("Demande d’inscription envoyée : la mairie va l’examiner."))
            return redirect("families:child", child_id=child.pk)
    context = {"child": child, "service": service, "form": form, "requirements": requirements}
    return render(request, "reservations/enrolment_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def enrolment_week(request: HttpRequest, actor: FamilyActor, enrolment_id: int) -> HttpResponse:
    """A new typical week from a date on; the days already booked after it follow."""
    enrolment = get_enrolment_for(actor, enrolment_id)
    if not _changeable(enrolment):
        messages.error(request, _("Cette inscription ne peut plus être modifiée."))
        return redirect("families:child", child_id=enrolment.child_id)
    today = timezone.localdate()
    form = WeekChangeForm(request.POST or None, enrolment=enrolment, today=today, initial={"since": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cancelled, booked = services.enrolment_week_change(
                actor=request.user,
                enrolment=enrolment,
                since=data["since"],
                week=form.week(),
                recurrence=data["recurrence"],
                anchor=data["anchor"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _week_changed(data["since"], cancelled, booked))
            _warn_kept(request, cancelled.refused)
            if booked.refused:
                days = _days(booked.refused)
                message = _("Ces jours n’ont pas pu être réservés (complets ou trop tard) : %(days)s.")
                messages.warning(request, message % {"days": days})
            return redirect("families:child", child_id=enrolment.child_id)
    return render(request, "reservations/enrolment_week.html", {"enrolment": enrolment, "form": form})


def _week_changed(since, cancelled, booked) -> str:
    day = date_format(since, "j F Y")
    return " ".join(
        [
            _("Nouvelle semaine type à partir du %(day)s.") % {"day": day},
            ngettext("%(n)s réservation annulée,", "%(n)s réservations annulées,", len(cancelled.changed))
            % {"n": len(cancelled.changed)},
            ngettext("%(n)s ajoutée.", "%(n)s ajoutées.", len(booked.changed)) % {"n": len(booked.changed)},
        ]
    )


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def enrolment_end(request: HttpRequest, actor: FamilyActor, enrolment_id: int) -> HttpResponse:
    """End an enrolment from a date: first what it cancels and what stays billed, then the confirmation."""
    enrolment = get_enrolment_for(actor, enrolment_id)
    if not _changeable(enrolment):
        messages.error(request, _("Cette inscription ne peut plus être modifiée."))
        return redirect("families:child", child_id=enrolment.child_id)
    today = timezone.localdate()
    if enrolment.status == Decision.PENDING:
        return _withdraw(request, enrolment, today)
    data = request.POST if request.method == "POST" else (request.GET if "on" in request.GET else None)
    form = EndForm(data, enrolment=enrolment, today=today, initial={"on": today})
    preview = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"]
        if request.method == "POST":
            outcome = services.enrolment_end(actor=request.user, enrolment=enrolment, on=on)
            messages.success(
                request,
                ngettext(
                    "Inscription terminée à partir du %(day)s : %(n)s réservation annulée.",
                    "Inscription terminée à partir du %(day)s : %(n)s réservations annulées.",
                    len(outcome.changed),
                )
                % {"day": date_format(on, "j F Y"), "n": len(outcome.changed)},
            )
            _warn_kept(request, outcome.refused)
            return redirect("families:child", child_id=enrolment.child_id)
        free, kept = services.enrolment_end_preview(enrolment=enrolment, on=on)
        preview = {"on": on, "free": _by_day(free), "kept": _by_day(kept)}
    context = {"enrolment": enrolment, "form": form, "preview": preview}
    return render(request, "reservations/enrolment_end.html", context)


def _withdraw(request: HttpRequest, enrolment: Enrolment, today) -> HttpResponse:
    """A request the mairie has not decided yet: withdrawn at once (it has no days to cancel)."""
    if request.method == "POST":
        on = min(max(today, enrolment.start), enrolment.end)
        services.enrolment_end(actor=request.user, enrolment=enrolment, on=on)
        messages.success(request, _("Demande d’inscription retirée."))
        return redirect("families:child", child_id=enrolment.child_id)
    return render(request, "reservations/enrolment_withdraw.html", {"enrolment": enrolment})


def _by_day(bookings) -> list[tuple]:
    days: dict = {}
    for booking in sorted(bookings, key=lambda b: (b.date, b.unit.position)):
        days.setdefault(booking.date, []).append(booking.unit.name)
    return list(days.items())


@require_safe
@family_page
def enrolment_attestation(request: HttpRequest, actor: FamilyActor, enrolment_id: int) -> HttpResponse:
    enrolment = get_enrolment_for(actor, enrolment_id)
    if enrolment.status != Decision.VALIDATED:
        messages.error(request, _("L’attestation est disponible une fois l’inscription validée par la mairie."))
        return redirect("families:child", child_id=enrolment.child_id)
    return attestation_response(request, enrolment)


def attestation_response(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    """The PDF, as a download: only of a validated enrolment (the views send the others back)."""
    if enrolment.status != Decision.VALIDATED:
        raise Http404
    pdf = attestation_pdf(enrolment=enrolment, commune_name=request.tenant.name, branding=branding_get())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{attestation_filename(enrolment)}"'
    response["Cache-Control"] = "private, no-store"
    return response
