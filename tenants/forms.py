from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import ContactRequest, validate_insee_code, validate_slug
from tenants.services import STARTER_TEMPLATES


class ContactRequestForm(forms.ModelForm):
    # A field people never see: robots fill it, and their message is dropped.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ContactRequest
        fields = ["name", "organisation", "email", "phone", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}


class OnboardingForm(forms.Form):
    name = forms.CharField(label=_("Nom de la commune"), max_length=100)
    slug = forms.CharField(
        label=_("Identifiant (sous-domaine)"),
        max_length=30,
        validators=[validate_slug],
        help_text=_("Lettres minuscules et chiffres, ex. lepallet."),
    )
    insee_code = forms.CharField(label=_("Code INSEE"), max_length=5, validators=[validate_insee_code])
    admin_email = forms.EmailField(label=_("E-mail du premier administrateur"))
    custom_domain = forms.CharField(label=_("Domaine personnalisé (facultatif)"), max_length=253, required=False)
    template = forms.ChoiceField(
        label=_("Configuration de départ"), choices=[(name, name) for name in STARTER_TEMPLATES]
    )
