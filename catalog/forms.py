"""Back-office forms: HTML5 inputs, French messages, and the model's own rules."""

from django import forms
from django.db import models as db_models
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from catalog import engine, models, pricing
from catalog.models import brackets_check
from core.forms import text_formfield
from core.roles import Capability, can


def html5_formfield(db_field: db_models.Field, **kwargs) -> forms.Field | None:
    """Native date and time pickers, which phones and screen readers know; amounts typed the French way;
    names and texts without control characters, trimmed and in NFC (core.forms)."""
    if isinstance(db_field, db_models.DecimalField):
        # "9,50" as well as "9.50": a number input would refuse the comma in some browsers.
        kwargs.update(localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    elif isinstance(db_field, db_models.DateTimeField):
        kwargs["widget"] = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    elif isinstance(db_field, db_models.DateField):
        kwargs["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    elif isinstance(db_field, db_models.TimeField):
        kwargs["widget"] = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    return text_formfield(db_field, **kwargs)


class PreviewForm(forms.Form):
    day = forms.DateField(label=_("Jour à vérifier"), widget=forms.DateInput(attrs={"type": "date"}))


class BillingPreviewForm(forms.Form):
    """A day of units to see billed, for a quotient familial (the service page's billing preview)."""

    unites = forms.MultipleChoiceField(
        label=_("Unités réservées ce jour-là"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une unité.")},
    )
    qf = forms.IntegerField(
        label=_("Quotient familial"), min_value=0, required=False, help_text=_("vide = quotient inconnu")
    )
    hors_commune = forms.BooleanField(label=_("Famille hors commune"), required=False)

    def __init__(self, *args, service: models.Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unites"].choices = [(unit.code, unit.name) for unit in service.units.all()]


class CatalogForm(forms.ModelForm):
    """A catalogue form; rows that belong to a service get it from the view, not from the page."""

    def __init__(self, *args, actor: User, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        service_id = getattr(self.instance, "service_id", None)
        for field in self.fields.values():
            # Units and combinations offered are the service's own.
            queryset = getattr(field, "queryset", None)
            if queryset is not None and queryset.model in (models.ServiceUnit, models.UnitCombination):
                field.queryset = queryset.filter(service_id=service_id).exclude(pk=self.instance.pk or 0)

    def _get_validation_exclusions(self):
        # The service is set by the view: keep "one per service" constraints checked.
        return super()._get_validation_exclusions() - {"service"}

    def related_sets(self) -> dict[str, list]:
        return {}


class SiteForm(CatalogForm):
    class Meta:
        model = models.Site
        fields = ["name", "address", "operator_name", "managers"]
        formfield_callback = html5_formfield
        widgets = {"managers": forms.CheckboxSelectMultiple, "address": forms.Textarea(attrs={"rows": 3})}

    def related_sets(self) -> dict[str, list]:
        return {"managers": list(self.cleaned_data["managers"])}


class SchoolYearForm(CatalogForm):
    class Meta:
        model = models.SchoolYear
        fields = ["name", "start", "end", "zone"]
        formfield_callback = html5_formfield


class ServiceForm(CatalogForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Jours d'ouverture"),
        choices=sorted(WEEKDAYS.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un jour d'ouverture.")},
    )
    school_levels = forms.MultipleChoiceField(
        label=_("Niveaux scolaires"),
        choices=models.Service.SchoolLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : tous les niveaux."),
    )

    class Meta:
        model = models.Service
        fields = [
            "name",
            "code",
            "kind",
            "site",
            "unit",
            "weekdays",
            "period",
            "capacity",
            "waiting_list",
            "waiting_list_margin_hours",
            "waiting_list_offer_hours",
            "waiting_list_siblings_first",
            "min_days_per_week",
            "whole_weeks",
            "absence_proof_days",
            "absence_waiting_days",
            "bookable_online",
            "booking_mode",
            "pending_at_cutoff",
            "payment_hold_minutes",
            "enrolment_requires_validation",
            "billing_mode",
            "min_age_months",
            "max_age_months",
            "school_levels",
            "colour",
            "managers",
        ]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"}), "managers": forms.CheckboxSelectMultiple}
        formfield_callback = html5_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not can(self.actor, Capability.CATALOG_CONFIGURE):
            # A manager tunes their service; who manages it and where it runs is the mairie's call.
            del self.fields["managers"]
            self.fields["site"].disabled = True

    def related_sets(self) -> dict[str, list]:
        return {"managers": list(self.cleaned_data["managers"])} if "managers" in self.fields else {}


class ServiceUnitForm(CatalogForm):
    class Meta:
        model = models.ServiceUnit
        fields = ["name", "code", "duration_hours", "capacity", "requires", "excludes", "position"]
        formfield_callback = html5_formfield
        widgets = {"requires": forms.CheckboxSelectMultiple, "excludes": forms.CheckboxSelectMultiple}
        labels = {"requires": _("Seulement avec l'une de ces unités le même jour")}
        help_texts = {
            "requires": _("ex. un repas seulement avec un matin ou un après-midi ; rien de coché : seule aussi"),
            "excludes": _("ex. la journée jamais avec le matin ; vaut dans les deux sens"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = self.fields["requires"].queryset
        if not others.exists():  # the service's first unit: nothing to go with or against yet
            del self.fields["requires"], self.fields["excludes"]
        if self.instance.pk is None:  # after the service's other units
            self.initial["position"] = others.count()

    def clean(self) -> dict:
        cleaned = super().clean()
        both = set(cleaned.get("requires") or ()) & set(cleaned.get("excludes") or ())
        if both:
            self.add_error(
                "excludes",
                _("Une unité ne peut pas à la fois demander et exclure %(units)s.")
                % {"units": ", ".join(f"« {unit.name} »" for unit in sorted(both, key=lambda u: u.position))},
            )
        return cleaned

    def related_sets(self) -> dict[str, list]:
        return {name: list(self.cleaned_data[name]) for name in ("requires", "excludes") if name in self.fields}


class UnitCombinationForm(CatalogForm):
    class Meta:
        model = models.UnitCombination
        fields = ["name", "code", "units", "priority"]
        formfield_callback = html5_formfield
        widgets = {"units": forms.CheckboxSelectMultiple}
        labels = {"units": _("Unités facturées ensemble")}
        help_texts = {
            "priority": _("Pour facturer une journée, les combinaisons de plus haute priorité sont essayées d'abord.")
        }
        error_messages = {"units": {"required": _("Cochez au moins une unité.")}}

    def clean(self) -> dict:
        cleaned = super().clean()
        units = cleaned.get("units")
        if not units:
            return cleaned
        service = self.instance.service
        try:  # the service's rules as saved: a combination they refuse would never be billed
            pricing.units_check(service, [unit.code for unit in units])
        except pricing.PricingRefused as exc:
            why = f"{engine.REASON_MESSAGES[exc.reason]} {exc.detail}".strip()
            self.add_error(
                "units", _("Une famille ne pourra jamais réserver ces unités ensemble. %(why)s") % {"why": why}
            )
            return cleaned
        chosen = {unit.pk for unit in units}
        for other in service.combinations.exclude(pk=self.instance.pk or 0).prefetch_related("units"):
            if {unit.pk for unit in other.units.all()} == chosen:
                self.add_error(
                    "units", _("La combinaison « %(name)s » regroupe déjà ces unités.") % {"name": other.name}
                )
        return cleaned

    def related_sets(self) -> dict[str, list]:
        return {"units": list(self.cleaned_data["units"])}


class CommuneClosureForm(CatalogForm):
    class Meta:
        model = models.CalendarException
        fields = ["label", "start", "end"]
        formfield_callback = html5_formfield


class ServiceExceptionForm(CatalogForm):
    class Meta:
        model = models.CalendarException
        fields = ["kind", "label", "start", "end"]
        formfield_callback = html5_formfield


class BookingWindowForm(CatalogForm):
    class Meta:
        model = models.BookingWindow
        fields = [
            "first_day",
            "last_day",
            "opens_at",
            "closes_at",
            "allocation",
            "requests_until",
            "priorities",
            "whole_period",
            "max_weeks_per_household",
        ]
        formfield_callback = html5_formfield


class CapacityOverrideForm(CatalogForm):
    class Meta:
        model = models.CapacityOverride
        fields = ["date", "capacity"]
        formfield_callback = html5_formfield


class AgeGroupCapacityForm(CatalogForm):
    class Meta:
        model = models.AgeGroupCapacity
        fields = ["label", "min_age_months", "max_age_months", "capacity"]
        formfield_callback = html5_formfield


class AbsenceReasonForm(CatalogForm):
    class Meta:
        model = models.AbsenceReason
        fields = ["label", "needs_proof", "position"]
        formfield_callback = html5_formfield
        help_texts = {
            "needs_proof": _(
                "La famille joint la pièce en signalant l'absence ou dans le délai fixé par la prestation "
                "(« absence : jours pour ajouter le justificatif »)."
            ),
            "position": _("Les motifs sont proposés aux familles dans cet ordre."),
        }


class CutoffRuleForm(CatalogForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        applies_to = self.fields["applies_to"]
        if applies_to.queryset.count() < 2 and self.instance.applies_to_id is None:
            del self.fields["applies_to"]  # one unit: the rule is the service's
        else:
            applies_to.empty_label = _("Toutes les unités sans délai propre")

    class Meta:
        model = models.CutoffRule
        fields = [
            "applies_to",
            "direction",
            "amount",
            "unit",
            "time_of_day",
            "online_after",
            "late_price",
            "late_amount",
        ]
        formfield_callback = html5_formfield
        labels = {"applies_to": _("Unité concernée")}


class TariffForm(CatalogForm):
    """A tariff prices one unit alone or one combination: one choice of the two, grouped."""

    priced = forms.ChoiceField(
        label=_("Ce que ce tarif facture"),
        error_messages={"required": _("Choisissez l'unité ou la combinaison que ce tarif facture.")},
    )

    class Meta:
        model = models.Tariff
        fields = ["valid_from", "valid_to", "residence", "unknown_qf_price"]
        formfield_callback = html5_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        service_id = self.instance.service_id
        units = [(f"unit-{u.pk}", u.name) for u in models.ServiceUnit.objects.filter(service_id=service_id)]
        combinations = [
            (f"combination-{c.pk}", c.name) for c in models.UnitCombination.objects.filter(service_id=service_id)
        ]
        field = self.fields["priced"]
        field.choices = [("", "---------"), (_("Unités seules"), units)]
        if combinations:
            field.choices += [(_("Combinaisons"), combinations)]
        if self.instance.combination_id:
            self.initial["priced"] = f"combination-{self.instance.combination_id}"
        elif self.instance.unit_id:
            self.initial["priced"] = f"unit-{self.instance.unit_id}"
        self.only = units[0][0] if len(units) == 1 and not combinations else None
        if self.only:  # a one-unit service: its tariffs price that unit, unless the page says otherwise
            self.initial.setdefault("priced", self.only)
            field.required = False
        self.order_fields(["priced"])

    def clean_priced(self) -> str:
        value = self.cleaned_data["priced"] or self.only
        kind, _sep, pk = value.partition("-")
        self.instance.unit_id = int(pk) if kind == "unit" else None
        self.instance.combination_id = int(pk) if kind == "combination" else None
        return value

    def changed_fields(self) -> list[str]:
        """The tariff's columns the page changed: the choice of what it prices is its unit and combination."""
        changed = [name for name in self.changed_data if name != "priced"]
        return [*changed, "unit", "combination"] if "priced" in self.changed_data else changed


class BaseBracketFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        brackets_check(self.brackets())

    def brackets(self) -> list[models.TariffBracket]:
        """The brackets the page keeps, as unsaved rows."""
        kept = [f for f in self.forms if f.has_changed() or f.instance.pk]
        return [
            models.TariffBracket(**{name: f.cleaned_data[name] for name in ("qf_min", "qf_max", "price")})
            for f in kept
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


BracketFormSet = forms.inlineformset_factory(
    models.Tariff,
    models.TariffBracket,
    formset=BaseBracketFormSet,
    fields=["qf_min", "qf_max", "price"],
    formfield_callback=html5_formfield,
    extra=3,
    can_delete=True,
)
