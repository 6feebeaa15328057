from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import forms as text_forms
from core.roles import STAFF_ROLES, Role
from notifications.kinds import NotificationKind


class StaffInvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    first_name = text_forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = text_forms.CharField(label=_("Nom"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES])


class AccountSettingsForm(forms.Form):
    """The account's language, and which of the e-mails it may turn off it wants."""

    language = forms.ChoiceField(
        label=_("Langue du portail et de vos e-mails"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )
    receive = forms.MultipleChoiceField(
        label=_("E-mails que vous choisissez de recevoir"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Décochez ceux que vous ne voulez plus recevoir."),
    )

    def __init__(self, *args, optional_kinds: list[NotificationKind], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receive"].choices = [(kind.key, kind.label) for kind in optional_kinds]
