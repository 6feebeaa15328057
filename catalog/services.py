"""Writes on the catalogue: every change is validated, saved in one transaction and journaled."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from catalog.models import Tariff, TariffBracket, brackets_check


def catalog_entry_save(
    *,
    actor: User,
    entry: models.Model,
    changed_fields: Iterable[str],
    related: dict[str, Iterable[models.Model]] | None = None,
) -> models.Model:
    """Create or update a catalogue row (a site, a service, a rule…), and its many-to-many `related` sets."""
    created = entry.pk is None
    entry.full_clean()
    changed = list(changed_fields)
    with transaction.atomic():
        entry.save()
        for name, values in (related or {}).items():
            getattr(entry, name).set(values)
        audit_record(
            actor=actor,
            action="catalog.create" if created else "catalog.update",
            target=entry,
            changes={name: _value(entry, name, related) for name in changed},
            context=getattr(entry, "service", None),
        )
    return entry


def catalog_entry_delete(*, actor: User, entry: models.Model) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="catalog.delete", target=entry, context=getattr(entry, "service", None))
        try:
            entry.delete()
        except models.ProtectedError as exc:
            raise ValidationError(
                _("%(entry)s est encore utilisé par : %(users)s.")
                % {"entry": entry, "users": ", ".join(sorted({str(obj) for obj in exc.protected_objects}))}
            ) from exc


def tariff_save(*, actor: User, tariff: Tariff, brackets: list[TariffBracket], changed_fields: Iterable[str]) -> Tariff:
    """Save a tariff with its whole set of QF brackets, which replaces the previous one."""
    brackets_check(brackets)
    for bracket in brackets:
        bracket.full_clean(exclude=["tariff"])
    with transaction.atomic():
        catalog_entry_save(actor=actor, entry=tariff, changed_fields=changed_fields)
        tariff.brackets.all().delete()
        for bracket in brackets:
            bracket.pk, bracket.tariff = None, tariff
        TariffBracket.objects.bulk_create(brackets)
        audit_record(
            actor=actor,
            action="catalog.brackets",
            target=tariff,
            changes={"brackets": [f"{b.qf_min}–{b.qf_max or '∞'} : {b.price}" for b in brackets]},
            context=tariff.service,
        )
    return tariff


def _value(entry: models.Model, name: str, related: dict | None) -> object:
    if related and name in related:
        return [str(item) for item in related[name]]
    return getattr(entry, name, None)
