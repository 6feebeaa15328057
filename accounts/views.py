from allauth.account.views import PasswordResetFromKeyView
from django.contrib import messages
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts.services import user_activate


class ActivationView(PasswordResetFromKeyView):
    """First connection from an invitation: the person chooses a password."""

    template_name = "accounts/activate.html"
    success_url = reverse_lazy("account_login")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_activate(user=self.reset_user)
        messages.success(self.request, _("Votre compte est activé : connectez-vous avec votre nouveau mot de passe."))
        return response
