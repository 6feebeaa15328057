"""Single-use links that let a person choose a password (activation, reset)."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from accounts.models import User


def activation_path(user: User) -> str:
    # The token hashes the password and last login: it dies once used, and
    # expires after settings.PASSWORD_RESET_TIMEOUT.
    return reverse(
        "account_activate",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
