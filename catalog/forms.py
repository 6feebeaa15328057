"""Back-office forms: HTML5 inputs, French messages, and the model's own rules."""

from django import forms
from django.db import models as db_models
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from catalog import models
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
            "bookable_online",
            "booking_mode",
            "pending_at_cutoff",
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

    def related_sets(self) -> dict[str, list]:
        return {name: list(self.cleaned_data[name]) for name in ("requires", "excludes")}


class UnitCombinationForm(CatalogForm):
    class Meta:
        model = models.UnitCombination
        fields = ["name", "code", "units", "priority"]
        formfield_callback = html5_formfield
        widgets = {"units": forms.CheckboxSelectMultiple}

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
        fields = ["first_day", "last_day", "opens_at", "closes_at"]
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


class CutoffRuleForm(CatalogForm):
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


class TariffForm(CatalogForm):
    class Meta:
        model = models.Tariff
        fields = ["unit", "combination", "valid_from", "valid_to", "residence", "unknown_qf_price"]
        formfield_callback = html5_formfield


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
