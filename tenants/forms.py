"""Forms of the platform's root domain: the landing page's contact form and the operator console's.

Names and free texts follow the text rule (core.forms): control and invisible characters refused, the rest
stored trimmed and in NFC; a commune's name reaches every page, e-mail and export of its portal."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from core.forms import CharField, text_formfield
from tenants.models import Commune, ContactRequest, validate_insee_code, validate_slug
from tenants.services import STARTER_TEMPLATES


class ContactRequestForm(forms.ModelForm):
    # A field people never see: robots fill it, and their message is dropped.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ContactRequest
        fields = ["name", "organisation", "email", "phone", "message"]
        formfield_callback = text_formfield
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}


class OnboardingForm(forms.Form):
    name = CharField(label=_("Nom de la commune"), max_length=100)
    slug = CharField(
        label=_("Identifiant (sous-domaine)"),
        max_length=30,
        validators=[validate_slug],
        help_text=_("Lettres minuscules et chiffres, ex. lepallet."),
    )
    insee_code = CharField(label=_("Code INSEE"), max_length=5, validators=[validate_insee_code])
    admin_email = forms.EmailField(label=_("E-mail du premier administrateur"))
    custom_domain = CharField(label=_("Domaine personnalisé (facultatif)"), max_length=253, required=False)
    template = forms.ChoiceField(
        label=_("Configuration de départ"), choices=[(name, name) for name in STARTER_TEMPLATES]
    )


class CatalogImportForm(forms.Form):
    """Replace a commune's catalogue with a file, or with a copy of another commune's."""

    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(label=_("Fichier de catalogue (JSON)"), required=False)
    source = forms.ModelChoiceField(
        label=_("… ou copier le catalogue de la commune"),
        queryset=Commune.objects.none(),
        required=False,
        to_field_name="schema_name",
    )
    confirm = forms.BooleanField(label=_("Je remplace tout le catalogue de cette commune."))

    def __init__(self, *args, commune: Commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Commune.objects.exclude(pk=commune.pk).exclude(
            schema_name=get_public_schema_name()
        )

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("source")):
            raise forms.ValidationError(_("Choisissez soit un fichier, soit une commune à copier."))
        upload = data.get("file")
        if upload and upload.size > self.MAX_BYTES:
            self.add_error("file", _("Ce fichier dépasse 2 Mo : ce n'est pas un catalogue."))
        return data
