"""Single-use links that let a person choose a password: an invitation (activation) or a password reset.

Both carry allauth's e-mail-aware token: its hash covers the password, the last login and the
account's addresses, so a link dies once used (or once the address changes). Each kind is signed
with a salt of its own and keeps its own lifetime:

- a password reset, asked for by whoever types an address on the login page, lives one hour
  (settings.PASSWORD_RESET_TIMEOUT): a stolen mailbox or a forwarded message is worth little;
- an invitation, sent by the mairie or the operator to a new colleague or a commune's first
  administrator, lives 7 days (settings.INVITATION_TIMEOUT), the time to reach someone new.

allauth checks every key with ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR, `LinkTokenGenerator`, on its
reset page and on our activation page (a subclass of its reset view) alike: it mints reset tokens,
and accepts a reset token or an invitation token, each within its own lifetime. A reset token never
gains the invitation's 7 days by being pasted into the activation URL.

Time is Django's clock in UTC (`timezone.now()`, which the tests' `frozen_at` stops; Django's own
generator reads `datetime.now()`), so a change to or from summer time neither stretches nor cuts a link.
"""

from datetime import UTC, datetime

from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from accounts.models import User


class _LinkTokens(PasswordResetTokenGenerator):
    """A token for one kind of link: its own salt, its own lifetime (seconds, read from the settings)."""

    lifetime_setting: str

    @property
    def lifetime(self) -> int:
        return getattr(settings, self.lifetime_setting)

    def check_token(self, user: User | None, token: str | None) -> bool:
        # Django's check, with this kind's lifetime instead of PASSWORD_RESET_TIMEOUT for every kind.
        if not (user and token):
            return False
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        authentic = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        return authentic and self._num_seconds(self._now()) - timestamp <= self.lifetime

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        # Imported here: allauth.account.forms builds its generator (this module's) when it is imported.
        from allauth.account.forms import EmailAwarePasswordResetTokenGenerator

        return EmailAwarePasswordResetTokenGenerator()._make_hash_value(user, timestamp)

    def _now(self) -> datetime:
        return timezone.now().astimezone(UTC).replace(tzinfo=None)


class PasswordResetTokens(_LinkTokens):
    key_salt = "accounts.tokens.password-reset"
    lifetime_setting = "PASSWORD_RESET_TIMEOUT"


class InvitationTokens(_LinkTokens):
    key_salt = "accounts.tokens.invitation"
    lifetime_setting = "INVITATION_TIMEOUT"


invitation_tokens = InvitationTokens()


class LinkTokenGenerator(PasswordResetTokens):
    """allauth's generator (ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR): mints reset tokens, accepts both kinds."""

    def check_token(self, user: User | None, token: str | None) -> bool:
        return super().check_token(user, token) or invitation_tokens.check_token(user, token)


def activation_path(user: User) -> str:
    """The invitation's link: the person chooses a password there, once, within settings.INVITATION_TIMEOUT."""
    return reverse(
        "account_activate",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": invitation_tokens.make_token(user)},
        urlconf=settings.ROOT_URLCONF,  # a commune's page, even when the operator's console invites
    )
