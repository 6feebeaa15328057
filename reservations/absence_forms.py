"""The absence forms: the family's report and its justificatif added later, the mairie's decision. The
services check the rules (days booked, the reason's service, the deadlines)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Service
from families.models import Child
from reservations.forms import ACCEPTED_FILES, DATE


def _proof_field(required: bool) -> forms.FileField:
    return forms.FileField(
        label=_("Justificatif (PDF, JPEG ou PNG)"),
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )


class AbsenceReportForm(forms.Form):
    """The reasons are listed under their service's name, so that no script is needed to choose one."""

    child = forms.ModelChoiceField(label=_("Enfant"), queryset=Child.objects.none(), empty_label=None)
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), empty_label=None)
    reason = forms.TypedChoiceField(label=_("Motif"), coerce=int)
    first_day = forms.DateField(label=_("Premier jour d'absence"), widget=DATE)
    last_day = forms.DateField(
        label=_("Dernier jour d'absence"), required=False, widget=DATE, help_text=_("Vide : un seul jour.")
    )
    note = forms.CharField(label=_("Précisions (facultatif)"), required=False, max_length=1000, widget=forms.Textarea)
    proof = _proof_field(required=False)

    def __init__(self, *args, children: list[Child], services: list[Service], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = Child.objects.filter(pk__in=[c.pk for c in children]).order_by("first_name")
        self.fields["service"].queryset = Service.objects.filter(pk__in=[s.pk for s in services]).order_by("name")
        self.reasons = {r.pk: r for s in services for r in s.absence_reasons.all()}
        self.fields["reason"].choices = [
            (service.name, [(r.pk, _label(r)) for r in service.absence_reasons.all()]) for service in services
        ]
        self.fields["proof"].help_text = _(
            "Vous pouvez aussi l'ajouter ensuite depuis la page de vos absences, dans le délai du service."
        )

    def clean(self) -> dict:
        data = super().clean()
        if "reason" in data:
            data["reason"] = self.reasons[data["reason"]]
        if data.get("first_day") and not data.get("last_day"):
            data["last_day"] = data["first_day"]
        return data


def _label(reason) -> str:
    return f"{reason.label} — {_('justificatif obligatoire')}" if reason.needs_proof else reason.label


class AbsenceProofForm(forms.Form):
    proof = _proof_field(required=True)


class AbsenceDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("justified", _("Justifiée : non facturée")), ("unjustified", _("Non justifiée : facturée"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=300,
        help_text=_("Obligatoire si l'absence n'est pas justifiée ; la famille le lira."),
    )
