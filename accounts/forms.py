from django import forms
from django.utils.translation import gettext_lazy as _

from core.roles import STAFF_ROLES, Role


class StaffInvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES])
