"""The mairie's catalogue pages: administrators configure everything, managers their own services."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from audit.selectors import entries_for
from catalog import descriptions, models, previews
from catalog import forms as catalog_forms
from catalog.days import service_days
from catalog.selectors import (
    catalog_snapshot,
    get_entry_for,
    get_service_for,
    get_tariff_for,
    services_for,
    services_with_rules,
)
from catalog.services import catalog_entry_delete, catalog_entry_save, tariff_save
from core.access import capability_required, require_capability
from core.roles import Capability, can

# Administrators configure everything; service managers their own services (the role matrix in core.roles).
catalog_staff_required = capability_required(Capability.CATALOG_VIEW)


def _require_administrator(request: HttpRequest) -> None:
    require_capability(request.user, Capability.CATALOG_CONFIGURE)


@dataclass(frozen=True)
class Section:
    """A kind of catalogue row the pages list, create, edit and delete the same way."""

    slug: str
    title: str
    form_class: type[catalog_forms.CatalogForm]
    per_service: bool
    # Rows said in words from the service's prefetched set (services_with_rules), rather than as they print.
    prefetched: str = ""
    describe: Callable[[Model, models.Service], str] | None = None

    @property
    def model(self) -> type[Model]:
        return self.form_class._meta.model

    def rows(self, service: models.Service | None) -> QuerySet:
        if self.per_service:
            return self.model.objects.filter(service=service)
        if self.model is models.CalendarException:
            return self.model.objects.filter(service__isnull=True)
        return self.model.objects.all()

    def listed(self, service: models.Service | None) -> list[tuple[Model, str, str]]:
        """The rows of the page, each with what it says and what its links name it (a rule: all it says, as
        two rules of a service differ by their unit or their delay)."""
        if self.describe is None:
            return [(row, str(row), str(row)) for row in self.rows(service)]
        if self.model is models.CutoffRule:
            return [(row, text, text) for row in _rules_in_order(service) for text in [self.describe(row, service)]]
        return [(row, self.describe(row, service), str(row)) for row in getattr(service, self.prefetched).all()]


SECTIONS = {
    section.slug: section
    for section in [
        Section("sites", gettext_lazy("Sites"), catalog_forms.SiteForm, per_service=False),
        Section("annees", gettext_lazy("Années scolaires"), catalog_forms.SchoolYearForm, per_service=False),
        Section("fermetures", gettext_lazy("Fermetures de la commune"), catalog_forms.CommuneClosureForm, False),
        Section(
            "unites",
            gettext_lazy("Unités"),
            catalog_forms.ServiceUnitForm,
            per_service=True,
            prefetched="units",
            describe=descriptions.unit_sentence,
        ),
        Section(
            "combinaisons",
            gettext_lazy("Combinaisons facturées"),
            catalog_forms.UnitCombinationForm,
            per_service=True,
            prefetched="combinations",
            describe=descriptions.combination_sentence,
        ),
        Section(
            "delais",
            gettext_lazy("Délais de prévenance"),
            catalog_forms.CutoffRuleForm,
            per_service=True,
            prefetched="cutoff_rules",
            describe=descriptions.rule_sentence,
        ),
        Section("periodes", gettext_lazy("Périodes de réservation"), catalog_forms.BookingWindowForm, True),
        Section("capacites", gettext_lazy("Capacités exceptionnelles"), catalog_forms.CapacityOverrideForm, True),
        Section("groupes", gettext_lazy("Places par tranche d'âge"), catalog_forms.AgeGroupCapacityForm, True),
        Section("exceptions", gettext_lazy("Fermetures et ouvertures"), catalog_forms.ServiceExceptionForm, True),
        Section("motifs", gettext_lazy("Motifs d'absence"), catalog_forms.AbsenceReasonForm, True),
    ]
}


@require_safe
@catalog_staff_required
def catalog_home(request: HttpRequest) -> HttpResponse:
    is_admin = can(request.user, Capability.CATALOG_CONFIGURE)
    context = {
        "services": services_for(actor=request.user),
        "commune_sections": [(s, s.listed(None)) for s in SECTIONS.values() if not s.per_service] if is_admin else [],
    }
    return render(request, "catalog/backoffice/home.html", context)


@require_safe
@catalog_staff_required
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    service = services_with_rules().get(pk=get_service_for(actor=request.user, pk=service_id).pk)
    preview_form = catalog_forms.PreviewForm(request.GET if "day" in request.GET else None)
    if preview_form.is_valid():
        day = preview_form.cleaned_data["day"]
    else:
        day = previews.default_preview_day(service, timezone.localdate())
    billing_form = catalog_forms.BillingPreviewForm(
        request.GET if "facturation" in request.GET else None, service=service
    )
    billing = None
    if billing_form.is_valid():
        data = billing_form.cleaned_data
        billing = descriptions.billing_preview(
            service, day or timezone.localdate(), data["unites"], data["qf"], resident=not data["hors_commune"]
        )
    sections = [(s, s.listed(service)) for s in SECTIONS.values() if s.per_service]
    context = {
        "service": service,
        "weekdays_label": ", ".join(str(WEEKDAYS[weekday]) for weekday in service.weekdays),
        "offer_sections": [(s, rows) for s, rows in sections if s.slug in OFFER],
        "sections": [(s, rows) for s, rows in sections if s.slug not in OFFER],
        "tariffs": _tariffs_in_order(service),
        "preview_form": preview_form,
        "preview_day": day,
        "preview": previews.deadline_preview(service, day, _rules_in_order(service)) if day else [],
        "billing_form": billing_form,
        "billing": billing,
        "journal": entries_for(record=service),
    }
    return render(request, "catalog/backoffice/service_detail.html", context)


# What a service sells, shown first on its page: the rest of its rules read in its terms.
OFFER = ("unites", "combinaisons")


def _rules_in_order(service: models.Service) -> list[models.CutoffRule]:
    """The service's rules by unit (the service's order, rules for every unit last), bookings first."""
    units = {unit.pk: unit for unit in service.units.all()}
    position = {pk: index for index, pk in enumerate(units)}
    rules = list(service.cutoff_rules.all())
    for rule in rules:  # the unit a preview names, from the units already loaded
        if rule.applies_to_id in units:
            rule.applies_to = units[rule.applies_to_id]
    return sorted(rules, key=lambda r: (position.get(r.applies_to_id, len(position)), r.direction != "booking", r.pk))


def _tariffs_in_order(service: models.Service) -> list[tuple[models.Tariff, str]]:
    """Tariffs in the order a day is billed (combinations by priority, then units alone), each with what
    it prices."""
    combinations = {c.pk: (index, c.name) for index, c in enumerate(service.combinations.all())}
    units = {u.pk: (len(combinations) + index, u.name) for index, u in enumerate(service.units.all())}
    rows = []
    for tariff in service.tariffs.all():
        if tariff.combination_id in combinations:
            order, name = combinations[tariff.combination_id]
            label = _("Combinaison : %(name)s") % {"name": name}
        else:
            order, name = units.get(tariff.unit_id, (len(combinations) + len(units), ""))
            label = _("Unité : %(name)s") % {"name": name} if name else ""
        rows.append(((order, tariff.valid_from, tariff.residence, tariff.pk), tariff, label))
    return [(tariff, label) for _key, tariff, label in sorted(rows, key=lambda row: row[0])]


@require_http_methods(["GET", "HEAD", "POST"])
@catalog_staff_required
def service_edit(request: HttpRequest, service_id: int | None = None) -> HttpResponse:
    if service_id is None:
        _require_administrator(request)
        service = models.Service()
    else:
        service = get_service_for(actor=request.user, pk=service_id)
    form = catalog_forms.ServiceForm(request.POST or None, instance=service, actor=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("La prestation « %(name)s » est enregistrée.") % {"name": form.instance})
        return redirect("catalog:service_detail", service_id=form.instance.pk)
    title = _("Modifier la prestation") if service.pk else _("Nouvelle prestation")
    return render(
        request, "catalog/backoffice/form.html", {"form": form, "title": title, "service": service.pk and service}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@catalog_staff_required
def entry_edit(
    request: HttpRequest, section: str, service_id: int | None = None, pk: int | None = None
) -> HttpResponse:
    section, service = _section_and_service(request, section, service_id)
    entry = get_entry_for(actor=request.user, rows=section.rows(service), pk=pk) if pk else section.model()
    if section.per_service:
        entry.service = service
    form = section.form_class(request.POST or None, instance=entry, actor=request.user)
    preview = {}
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST and isinstance(entry, models.CutoffRule):
            preview = _rule_preview(service, form.instance, request.POST.get("preview_day"))
        elif _save(request, form):
            messages.success(request, _("« %(entry)s » est enregistré.") % {"entry": form.instance})
            return redirect(_back_url(service))
    context = {
        "form": form,
        "title": f"{section.title} — {entry if entry.pk else _('ajout')}",
        "service": service,
        "previewable": isinstance(entry, models.CutoffRule),
        **preview,
    }
    return render(request, "catalog/backoffice/form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@catalog_staff_required
def entry_delete(request: HttpRequest, section: str, pk: int, service_id: int | None = None) -> HttpResponse:
    section, service = _section_and_service(request, section, service_id)
    entry = get_entry_for(actor=request.user, rows=section.rows(service), pk=pk)
    return _confirm_delete(request, entry, back=_back_url(service))


@require_http_methods(["GET", "HEAD", "POST"])
@catalog_staff_required
def service_delete(request: HttpRequest, service_id: int) -> HttpResponse:
    _require_administrator(request)
    service = get_service_for(actor=request.user, pk=service_id)
    return _confirm_delete(request, service, back=reverse("catalog:home"))


@require_http_methods(["GET", "HEAD", "POST"])
@catalog_staff_required
def tariff_edit(request: HttpRequest, service_id: int, pk: int | None = None) -> HttpResponse:
    service = get_service_for(actor=request.user, pk=service_id)
    tariff = get_tariff_for(actor=request.user, service=service, pk=pk) if pk else models.Tariff(service=service)
    form = catalog_forms.TariffForm(request.POST or None, instance=tariff, actor=request.user)
    brackets = catalog_forms.BracketFormSet(request.POST or None, instance=tariff, prefix="tranches")
    if request.method == "POST" and form.is_valid() and brackets.is_valid():
        try:
            tariff_save(
                actor=request.user,
                tariff=form.instance,
                brackets=brackets.brackets(),
                changed_fields=form.changed_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le tarif « %(entry)s » est enregistré.") % {"entry": tariff})
            return redirect(_back_url(service))
    title = _("Tarif") + f" — {service}"
    context = {"form": form, "formset": brackets, "title": title, "service": service}
    return render(request, "catalog/backoffice/form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@catalog_staff_required
def tariff_delete(request: HttpRequest, service_id: int, pk: int) -> HttpResponse:
    service = get_service_for(actor=request.user, pk=service_id)
    tariff = get_tariff_for(actor=request.user, service=service, pk=pk)
    return _confirm_delete(request, tariff, back=_back_url(service))


@require_safe
@catalog_staff_required
def service_calendar(request: HttpRequest, service_id: int) -> HttpResponse:
    service = services_with_rules().get(pk=get_service_for(actor=request.user, pk=service_id).pk)
    month = _month(request.GET.get("mois"))
    last = (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    snapshot = catalog_snapshot(services=[service], start=month, end=last)
    days = service_days(service=service, start=month, end=last, now=timezone.now(), snapshot=snapshot)
    cells: list = [None] * month.weekday() + [
        (
            day,
            None if day.open else previews.closed_day_note(snapshot, service, day.date),
            day.booking_deadline and previews.last_moment(day.booking_deadline),
        )
        for day in days
    ]
    cells += [None] * (-len(cells) % 7)  # a full last week
    context = {
        "service": service,
        "month": month,
        "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)],
        "previous": (month - timedelta(days=1)).replace(day=1),
        "next": last + timedelta(days=1),
        "overrides": {d for (_, d) in snapshot.capacity_overrides},
        "weekday_names": [WEEKDAYS_ABBR[i] for i in range(7)],
    }
    return render(request, "catalog/backoffice/service_calendar.html", context)


def _month(value: str | None) -> date:
    try:
        month = date.fromisoformat(f"{value}-01")
    except (TypeError, ValueError):
        month = None
    if month is None or not 2000 <= month.year <= 2100:
        return timezone.localdate().replace(day=1)
    return month


def _section_and_service(
    request: HttpRequest, slug: str, service_id: int | None
) -> tuple[Section, models.Service | None]:
    section = SECTIONS.get(slug)
    if section is None or section.per_service != (service_id is not None):
        raise PermissionDenied
    if service_id is None:
        _require_administrator(request)
        return section, None
    return section, get_service_for(actor=request.user, pk=service_id)


def _save(request: HttpRequest, form: catalog_forms.CatalogForm) -> bool:
    try:
        catalog_entry_save(
            actor=request.user,
            entry=form.save(commit=False),
            changed_fields=form.changed_data,
            related=form.related_sets(),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


def _confirm_delete(request: HttpRequest, entry: Model, back: str) -> HttpResponse:
    if request.method == "POST":
        try:
            catalog_entry_delete(actor=request.user, entry=entry)
        except ValidationError as exc:  # still used (a tariff pricing a unit, a booking…)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("« %(entry)s » est supprimé.") % {"entry": entry})
        return redirect(back)
    return render(request, "catalog/backoffice/confirm_delete.html", {"entry": entry, "back": back})


def _rule_preview(service: models.Service, rule: models.CutoffRule, typed_day: str | None) -> dict:
    form = catalog_forms.PreviewForm({"day": typed_day})
    day = form.cleaned_data["day"] if form.is_valid() else previews.default_preview_day(service, timezone.localdate())
    sentences = previews.deadline_preview(service, day, [rule]) if day else []
    if typed_day and not form.is_valid():
        sentences.insert(0, _("Date à vérifier illisible : voici le prochain jour d'ouverture."))
    return {"preview_day": day, "preview": sentences}


def _back_url(service: models.Service | None) -> str:
    return reverse("catalog:service_detail", args=[service.pk]) if service else reverse("catalog:home")
