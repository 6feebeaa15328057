from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CharField, text_formfield
from families.models import Child, DossierRequirement, Household, PickupPerson
from storage.models import DocumentType, StoragePolicy

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class HouseholdForm(forms.Form):
    name = CharField(label=_("Nom du foyer"), max_length=150, help_text=_("ex. Famille Martin"))
    first_name = CharField(label=_("Votre prénom"), max_length=100)
    last_name = CharField(label=_("Votre nom"), max_length=100)
    phone = CharField(label=_("Votre téléphone"), max_length=20, widget=forms.TextInput(attrs={"type": "tel"}))
    address = CharField(label=_("Adresse"), max_length=250)
    postcode = forms.RegexField(
        label=_("Code postal"), regex=r"^[0-9]{5}$", error_messages={"invalid": _("Un code postal a 5 chiffres.")}
    )
    city = CharField(label=_("Commune"), max_length=100)
    resident = forms.BooleanField(label=_("J'habite la commune"), required=False)


class CounterHouseholdForm(HouseholdForm):
    email = forms.EmailField(
        label=_("Adresse e-mail du parent"), help_text=_("Il y recevra le lien pour choisir son mot de passe.")
    )
    first_name = CharField(label=_("Prénom du parent"), max_length=100)
    last_name = CharField(label=_("Nom du parent"), max_length=100)
    phone = CharField(label=_("Téléphone du parent"), max_length=20, widget=forms.TextInput(attrs={"type": "tel"}))


class AddressForm(forms.Form):
    address = HouseholdForm.base_fields["address"]
    postcode = HouseholdForm.base_fields["postcode"]
    city = HouseholdForm.base_fields["city"]
    resident = HouseholdForm.base_fields["resident"]


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        formfield_callback = text_formfield
        fields = list(Child.DECLARED_FIELDS)
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "allergies": forms.Textarea(attrs={"rows": 2}),
            "health_notes": forms.Textarea(attrs={"rows": 2}),
        }


class ChildHealthForm(forms.ModelForm):
    """What a family keeps up to date; a child's identity is corrected by the mairie."""

    class Meta:
        model = Child
        formfield_callback = text_formfield
        fields = ["school", "school_class", "allergies", "has_pai", "diet", "health_notes"]
        widgets = ChildForm.Meta.widgets


class PickupForm(forms.ModelForm):
    class Meta:
        model = PickupPerson
        formfield_callback = text_formfield
        fields = ["name", "phone", "relationship"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}


class ContactForm(forms.Form):
    first_name = CharField(label=_("Prénom"), max_length=100)
    last_name = CharField(label=_("Nom"), max_length=100)
    phone = HouseholdForm.base_fields["phone"]


class GuardianInviteForm(forms.Form):
    first_name = CharField(label=_("Prénom"), max_length=100)
    last_name = CharField(label=_("Nom"), max_length=100)
    email = forms.EmailField(label=_("Adresse e-mail"))
    phone = HouseholdForm.base_fields["phone"]
    with_account = forms.BooleanField(
        label=_("Lui créer un espace personnel (il recevra une invitation)"), required=False, initial=True
    )


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier (PDF, JPEG ou PNG)"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES})
    )
    document_type = forms.ModelChoiceField(
        label=_("Type de document"), queryset=DocumentType.objects.all(), required=False
    )
    child = forms.ModelChoiceField(label=_("Concerne l'enfant"), queryset=Child.objects.none(), required=False)

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = household.children.all()


class QfForm(forms.Form):
    qf = forms.IntegerField(label=_("Quotient familial"), min_value=0, max_value=99999)
    source = forms.ChoiceField(label=_("Source"), choices=Household.QfSource.choices)
    valid_from = forms.DateField(label=_("Valable du"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    proof = forms.FileField(
        label=_("Justificatif (attestation CAF/MSA ou avis d'imposition)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("La fin de validité doit suivre le début."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("accept", _("Valider")), ("refuse", _("Refuser"))],
        widget=forms.RadioSelect,
    )
    reason = CharField(label=_("Motif du refus"), max_length=300, required=False, help_text=_("La famille le lira."))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("reason", "").strip():
            self.add_error("reason", _("Indiquez le motif du refus : la famille le lira."))
        return data


class GuardianEmailForm(forms.Form):
    email = forms.EmailField(label=_("Nouvelle adresse e-mail"))


class DossierForm(forms.Form):
    """One field per piece of the dossier: a file, a yes/no authorisation, or an acceptance box."""

    YES_NO = [("yes", _("Oui")), ("no", _("Non"))]

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(dossier.items.all())
        for item in self.items:
            requirement, name = item.requirement, f"item_{item.pk}"
            if requirement.kind == DossierRequirement.Kind.DOCUMENT:
                field = forms.FileField(required=False, widget=forms.FileInput(attrs={"accept": ACCEPTED_FILES}))
            elif requirement.kind == DossierRequirement.Kind.AUTHORISATION:
                field = forms.ChoiceField(choices=self.YES_NO, required=False, widget=forms.RadioSelect)
                field.initial = None if item.answer is None else ("yes" if item.answer else "no")
            else:
                field = forms.BooleanField(required=False, initial=bool(item.answer))
            field.label, field.help_text = requirement.label, requirement.help_text
            self.fields[name] = field

    def answers(self) -> dict[int, bool | None]:
        result = {}
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.pk}")
            if item.requirement.kind == DossierRequirement.Kind.AUTHORISATION:
                result[item.pk] = None if value in ("", None) else value == "yes"
            elif item.requirement.kind == DossierRequirement.Kind.ACCEPTANCE:
                result[item.pk] = True if value else None
        return result

    def uploads(self) -> dict[int, tuple]:
        return {
            item.pk: (upload, upload.name)
            for item in self.items
            if (upload := self.cleaned_data.get(f"item_{item.pk}")) and hasattr(upload, "read")
        }


class DossierRequirementForm(forms.ModelForm):
    class Meta:
        model = DossierRequirement
        formfield_callback = text_formfield
        fields = ["label", "kind", "document_type", "help_text", "position", "active"]


class StoragePolicyForm(forms.ModelForm):
    class Meta:
        model = StoragePolicy
        fields = ["max_upload_mb"]
