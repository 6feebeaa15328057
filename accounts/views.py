from allauth.account.views import PasswordResetFromKeyView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import AccountSettingsForm, StaffInvitationForm
from accounts.language import remember_language
from accounts.selectors import staff_members
from accounts.services import account_settings_save, staff_invite, user_activate
from core.access import capability_required
from core.roles import Capability
from notifications.kinds import kinds_for_preferences
from notifications.selectors import turned_off_kinds


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


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """The person's language, and the e-mails they receive (those announcing a deadline always go out)."""
    user = request.user
    kinds = kinds_for_preferences(user)
    optional = [kind for kind in kinds if kind.optional]
    turned_off = turned_off_kinds(user)
    initial = {"language": user.language, "receive": [kind.key for kind in optional if kind.key not in turned_off]}
    form = AccountSettingsForm(request.POST or None, initial=initial, optional_kinds=optional)
    if request.method == "POST" and form.is_valid():
        receive = set(form.cleaned_data["receive"])
        language = form.cleaned_data["language"]
        account_settings_save(
            user=user, language=language, turned_off={kind.key for kind in optional if kind.key not in receive}
        )
        with translation.override(language):
            messages.success(request, _("Vos préférences sont enregistrées."))
        return remember_language(redirect("account_settings"), language)
    context = {"form": form, "always_sent": [kind for kind in kinds if not kind.optional]}
    return render(request, "accounts/settings.html", context)
