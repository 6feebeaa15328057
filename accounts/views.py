from allauth.account.views import PasswordResetFromKeyView
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import StaffInvitationForm
from accounts.selectors import staff_members
from accounts.services import staff_invite, user_activate
from core.access import capability_required
from core.roles import Capability


class ActivationView(PasswordResetFromKeyView):
    """First connection from an invitation: the person chooses a password."""

    template_name = "accounts/activate.html"
    success_url = reverse_lazy("account_login")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_activate(user=self.reset_user)
        messages.success(self.request, _("Votre compte est activé : connectez-vous avec votre nouveau mot de passe."))
        return response


@require_http_methods(["GET", "HEAD", "POST"])
@capability_required(Capability.TEAM_MANAGE)
def team(request: HttpRequest) -> HttpResponse:
    """The commune's staff accounts, and invitations for new ones (administrators only)."""
    form = StaffInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": user.email})
            return redirect("team")
    return render(request, "accounts/team.html", {"form": form, "members": staff_members()})
