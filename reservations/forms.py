"""The family's enrolment forms: a typical week as one box per weekday and unit, which works without
JavaScript; the service checks the rest (the period within the year, units that go together)."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from catalog.models import SchoolYear, Service
from reservations.models import Enrolment, EnrolmentRequirement
from storage.inspection import inspect_upload
from storage.selectors import storage_policy

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _ends(enrolment: Enrolment) -> str:
    return _("L’inscription se termine le %(day)s.") % {"day": date_format(enrolment.end, "j F Y")}


class TypicalWeekMixin:
    """`week_<weekday>` fields, one per day the service runs, each a fieldset of the service's units."""

    def add_week(self, service: Service, week: dict | None = None) -> None:
        units = [(unit.code, unit.name) for unit in service.units.all()]
        for weekday in sorted(service.weekdays):
            self.fields[f"week_{weekday}"] = forms.MultipleChoiceField(
                label=capfirst(WEEKDAYS[weekday]),
                choices=units,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=(week or {}).get(str(weekday), []),
            )
        self.weekdays = sorted(service.weekdays)
        self.week_error_list: list[str] = []  # the service's refusal of the week as a whole

    def week_fields(self) -> list:
        return [self[f"week_{weekday}"] for weekday in self.weekdays]

    def week(self) -> dict[int, list[str]]:
        return {d: self.cleaned_data.get(f"week_{d}", []) for d in self.weekdays if self.cleaned_data.get(f"week_{d}")}

    def week_errors(self) -> list[str]:
        return self.week_error_list

    def clean_recurrence_and_anchor(self, data: dict) -> None:
        if data.get("recurrence") == Enrolment.Recurrence.ALTERNATE and not data.get("anchor"):
            self.add_error("anchor", _("Indiquez la première semaine où l’enfant vient (une semaine sur deux)."))
        if data.get("recurrence") != Enrolment.Recurrence.ALTERNATE:
            data["anchor"] = None


def _recurrence_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Rythme"),
        choices=[(value, capfirst(label)) for value, label in Enrolment.Recurrence.choices],
        widget=forms.RadioSelect,
        initial=Enrolment.Recurrence.WEEKLY,
    )


def _anchor_field() -> forms.DateField:
    return forms.DateField(
        label=_("Première semaine"),
        required=False,
        widget=DATE,
        help_text=_(
            "Une semaine sur deux : un jour de la première semaine où l’enfant vient ; il vient ensuite "
            "une semaine sur deux. Laissez vide s’il vient chaque semaine."
        ),
    )


class EnrolmentForm(TypicalWeekMixin, forms.Form):
    """Enrol a child in a service: the year, the period (the whole year by default), the typical week and
    one file per piece the service asks for (checked here, so that each error is next to its file)."""

    school_year = forms.ModelChoiceField(
        label=_("Année scolaire"), queryset=SchoolYear.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    start = forms.DateField(
        label=_("Du"),
        required=False,
        widget=DATE,
        help_text=_("Laissez vide : dès le début de l’année scolaire (dès aujourd’hui pour l’année en cours)."),
    )
    end = forms.DateField(
        label=_("Au"), required=False, widget=DATE, help_text=_("Laissez vide : jusqu’à la fin de l’année scolaire.")
    )
    recurrence = _recurrence_field()
    anchor = _anchor_field()

    def __init__(self, *args, service: Service, years, requirements: list[EnrolmentRequirement], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].queryset = years
        if len(years) == 1:
            self.fields["school_year"].initial = years[0].pk
        self.add_week(service)
        self.requirements = requirements
        for requirement in requirements:
            document_type = requirement.document_type
            self.fields[f"piece_{requirement.pk}"] = forms.FileField(
                label=document_type.name,
                help_text=" ".join(filter(None, [document_type.help_text, str(_("PDF, JPEG ou PNG."))])),
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
            )

    def piece_fields(self) -> list:
        return [self[f"piece_{r.pk}"] for r in self.requirements]

    def other_fields(self) -> list:
        return [self[name] for name in ("school_year", "start", "end")]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La fin doit suivre le début."))
        self.clean_recurrence_and_anchor(data)
        limit = storage_policy().max_upload_mb * 1024 * 1024
        for requirement in self.requirements:
            name = f"piece_{requirement.pk}"
            if upload := data.get(name):
                try:
                    inspect_upload(upload, upload.name, limit)  # the service reads it again from the start
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def pieces(self) -> dict[int, tuple]:
        return {
            r.pk: (upload, upload.name) for r in self.requirements if (upload := self.cleaned_data.get(f"piece_{r.pk}"))
        }


class WeekChangeForm(TypicalWeekMixin, forms.Form):
    """A new typical week from a date on: later bookings follow it."""

    since = forms.DateField(
        label=_("À partir du"),
        widget=DATE,
        help_text=_("Les jours réservés à partir de cette date suivent la nouvelle semaine type."),
    )
    recurrence = _recurrence_field()
    anchor = _anchor_field()

    def __init__(self, *args, enrolment: Enrolment, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment, self.today = enrolment, today
        self.add_week(enrolment.service, enrolment.week)
        self.fields["recurrence"].initial = enrolment.recurrence
        self.fields["anchor"].initial = enrolment.anchor

    def clean_since(self) -> date:
        since = self.cleaned_data["since"]
        if since < self.today:
            raise ValidationError(_("Choisissez aujourd’hui ou un jour à venir."))
        if since > self.enrolment.end:
            raise ValidationError(_ends(self.enrolment))
        return since

    def clean(self) -> dict:
        data = super().clean()
        self.clean_recurrence_and_anchor(data)
        return data


class EndForm(forms.Form):
    on = forms.DateField(
        label=_("Plus d’accueil à partir du"),
        widget=DATE,
        help_text=_(
            "Les jours réservés à partir de cette date sont annulés, sauf ceux qu’il est trop tard pour annuler."
        ),
    )

    def __init__(self, *args, enrolment: Enrolment, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment, self.today = enrolment, today

    def clean_on(self) -> date:
        on = self.cleaned_data["on"]
        if on < self.today:
            raise ValidationError(_("Choisissez aujourd’hui ou un jour à venir."))
        if on > self.enrolment.end:
            raise ValidationError(_ends(self.enrolment))
        return on
