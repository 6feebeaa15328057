"""Guardians: the second one recorded, contact details kept up to date, login e-mails changed by staff."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_invite
from audit.services import audit_record
from core.roles import Capability, Role, can
from families.models import Guardian, Household
from families.notifications import notify_login_email_changed
from families.services.common import ensure_acts_for, journal_counter, lock_household

MAX_GUARDIANS = 2


def guardian_invite(
    *,
    actor: User,
    household: Household,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    with_account: bool = True,
) -> Guardian:
    """The first guardian records the second; with an account, they are invited to the same household."""
    ensure_acts_for(actor, household)
    if with_account and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Un compte existe déjà avec cette adresse : contactez la mairie.")})
    with transaction.atomic():
        household = lock_household(household)  # two guardians at most: counted one writer at a time
        if household.guardians.count() >= MAX_GUARDIANS:
            raise ValidationError(_("Un foyer compte au plus deux responsables légaux."))
        user = (
            user_invite(email=email, role=Role.PARENT, first_name=first_name, last_name=last_name)
            if with_account
            else None
        )
        guardian = Guardian(
            household=household, user=user, first_name=first_name, last_name=last_name, phone=phone, email=email.lower()
        )
        guardian.full_clean()
        guardian.save()
        journal_counter(
            actor=actor,
            action="families.guardian_add",
            target=guardian,
            household=household,
            changes={"name": str(guardian), "email": guardian.email, "account": with_account},
        )
    return guardian


def guardian_update_contact(
    *, actor: User, guardian: Guardian, first_name: str, last_name: str, phone: str
) -> Guardian:
    """A guardian keeps their contact details up to date; their e-mail address is changed only by staff."""
    ensure_acts_for(actor, guardian.household)
    before = {"first_name": guardian.first_name, "last_name": guardian.last_name, "phone": guardian.phone}
    guardian.first_name, guardian.last_name, guardian.phone = first_name, last_name, phone
    guardian.full_clean()
    with transaction.atomic():
        guardian.save(update_fields=["first_name", "last_name", "phone"])
        after = {"first_name": first_name, "last_name": last_name, "phone": phone}
        journal_counter(
            actor=actor,
            action="families.contact",
            target=guardian,
            household=guardian.household,
            changes={name: f"{before[name]} → {value}" for name, value in after.items() if before[name] != value},
        )
    return guardian


def guardian_change_email(*, guardian: Guardian, actor: User, email: str) -> Guardian:
    """An administrator changes a guardian's e-mail (and login); journaled, and the old address is told."""
    if not can(actor, Capability.FAMILIES_CONFIGURE):
        raise ValidationError(_("Seul un administrateur de la commune change une adresse de connexion."))
    if User.objects.filter(email__iexact=email).exclude(pk=guardian.user_id).exists():
        raise ValidationError({"email": _("Un compte existe déjà avec cette adresse.")})
    previous = guardian.email
    with transaction.atomic():
        guardian.email = email.lower()
        guardian.save(update_fields=["email"])
        if guardian.user:
            guardian.user.email = guardian.email
            guardian.user.save(update_fields=["email"])
            guardian.user.emailaddress_set.update(email=guardian.email, verified=True)
        if previous and previous != guardian.email:
            notify_login_email_changed(guardian, previous)
        audit_record(
            actor=actor,
            action="families.email",
            target=guardian,
            changes={"from": previous, "to": guardian.email},
            context=guardian.household,
        )
    return guardian
