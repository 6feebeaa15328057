"""Writes on the catalogue: every change is validated, saved in one transaction and journaled."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record, audit_record_event
from catalog.models import Service, ServiceUnit, Tariff, TariffBracket, brackets_check
from catalog.models.units import default_unit
from catalog.transfer import catalog_import


def catalog_entry_save(
    *,
    actor: User,
    entry: models.Model,
    changed_fields: Iterable[str],
    related: dict[str, Iterable[models.Model]] | None = None,
) -> models.Model:
    """Create or update a catalogue row (a site, a service, a rule…), and its many-to-many `related` sets."""
    created = entry.pk is None
    changed = list(changed_fields)
    with transaction.atomic():
        _lock_service_of(entry)
        entry.full_clean()
        columns = {f.name for f in entry._meta.concrete_fields} & set(changed)
        try:
            # An update writes only what the page changed: two people editing other fields do not clash.
            entry.save(update_fields=None if created else columns or None)
        except IntegrityError as exc:
            raise ValidationError(
                _("Un autre enregistrement identique vient d'être créé : rechargez la page.")
            ) from exc
        for name, values in (related or {}).items():
            getattr(entry, name).set(values)
        if created and isinstance(entry, Service):  # a new service sells one unit until it is given more
            ServiceUnit.objects.create(service=entry, **default_unit(entry.unit))
        audit_record(
            actor=actor,
            action="catalog.create" if created else "catalog.update",
            target=entry,
            changes={name: _value(entry, name, related) for name in changed},
            context=getattr(entry, "service", None),
        )
    return entry


def _lock_service_of(entry: models.Model) -> None:
    """Rules of one service are checked against each other (overlaps): check them one writer at a time."""
    service_id = getattr(entry, "service_id", None) or (entry.pk if isinstance(entry, Service) else None)
    if service_id is not None:
        Service.objects.select_for_update().filter(pk=service_id).first()


def catalog_entry_delete(*, actor: User, entry: models.Model) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="catalog.delete", target=entry, context=getattr(entry, "service", None))
        try:
            entry.delete()
        except (models.ProtectedError, models.RestrictedError) as exc:
            users = getattr(exc, "protected_objects", None) or exc.restricted_objects
            raise ValidationError(
                _("%(entry)s est encore utilisé par : %(users)s.")
                % {"entry": entry, "users": ", ".join(sorted({str(obj) for obj in users}))}
            ) from exc


def tariff_save(
    *, actor: User, tariff: Tariff, changed_fields: Iterable[str], brackets: list[TariffBracket] | None = None
) -> Tariff:
    """Save a tariff and, when `brackets` is given, replace its whole set of QF brackets with them."""
    if brackets is not None:
        brackets_check(brackets)
        for bracket in brackets:
            bracket.full_clean(exclude=["tariff"])
    with transaction.atomic():
        _lock_service_of(tariff)
        has_brackets = bool(brackets) if brackets is not None else tariff.pk is not None and tariff.brackets.exists()
        _priced_check(tariff, has_brackets=has_brackets)
        catalog_entry_save(actor=actor, entry=tariff, changed_fields=changed_fields)
        if brackets is not None:
            tariff.brackets.all().delete()
            for bracket in brackets:
                bracket.pk, bracket.tariff = None, tariff
            TariffBracket.objects.bulk_create(brackets)
            _journal_brackets(actor=actor, tariff=tariff, brackets=brackets)
    return tariff


def tariff_bracket_save(*, actor: User, bracket: TariffBracket, changed_fields: Iterable[str]) -> TariffBracket:
    """Create or change one QF bracket, valid only together with the other brackets of its tariff."""
    created = bracket.pk is None
    with transaction.atomic():
        tariff = _locked_tariff(bracket)
        if not created and not TariffBracket.objects.filter(pk=bracket.pk, tariff=tariff).exists():
            # Its former tariff would lose it without being checked.
            raise ValidationError({"tariff": _("Une tranche ne change pas de tarif : créez-la dans l'autre tarif.")})
        bracket.full_clean()
        brackets = [*tariff.brackets.exclude(pk=bracket.pk), bracket]
        brackets_check(brackets)
        columns = {f.name for f in TariffBracket._meta.concrete_fields} & set(changed_fields)
        bracket.save(update_fields=None if created else columns or None)
        _journal_brackets(actor=actor, tariff=tariff, brackets=brackets)
    return bracket


def tariff_bracket_delete(*, actor: User, bracket: TariffBracket) -> None:
    """Remove one QF bracket; those left must still follow each other from 0, so only the highest can go."""
    with transaction.atomic():
        tariff = _locked_tariff(bracket)
        remaining = list(tariff.brackets.exclude(pk=bracket.pk))
        try:
            brackets_check(remaining)
        except ValidationError as exc:
            raise ValidationError(
                _(
                    "Sans la tranche %(bracket)s, les tranches ne se suivraient plus depuis un QF de 0 : "
                    "supprimez-les en partant de la plus haute."
                )
                % {"bracket": bracket.range_label}
            ) from exc
        _priced_check(tariff, has_brackets=bool(remaining))
        bracket.delete()
        _journal_brackets(actor=actor, tariff=tariff, brackets=remaining)


def _locked_tariff(bracket: TariffBracket) -> Tariff:
    """The bracket's tariff, read again once its service is locked: brackets are checked as a set."""
    tariff = bracket.tariff
    _lock_service_of(tariff)
    tariff.refresh_from_db()
    return tariff


def _priced_check(tariff: Tariff, *, has_brackets: bool) -> None:
    if not has_brackets and tariff.unknown_qf_price is None:
        raise ValidationError(
            {"unknown_qf_price": _("Indiquez au moins une tranche de quotient, ou un prix sans quotient connu.")}
        )


def _journal_brackets(*, actor: User, tariff: Tariff, brackets: list[TariffBracket]) -> None:
    """Brackets are journaled as the whole set they make, on the service's history."""
    ordered = sorted(brackets, key=lambda b: b.qf_min)
    audit_record(
        actor=actor,
        action="catalog.brackets",
        target=tariff,
        changes={"brackets": [f"{b.range_label} : {b.price}" for b in ordered]},
        context=tariff.service,
    )


def catalog_replace(*, document: object, actor_email: str) -> dict[str, int]:
    """Replace the current commune's whole catalogue (all or nothing), and journal it."""
    with transaction.atomic():
        counts = catalog_import(document)
        audit_record_event(actor_email=actor_email, action="catalog.replace", label=_("Catalogue"), changes=counts)
    return counts


def _value(entry: models.Model, name: str, related: dict | None) -> object:
    if related and name in related:
        return [str(item) for item in related[name]]
    return getattr(entry, name, None)
