"""The registry holds each kind once; preferences refuse kinds that do not exist or are always sent."""

import pytest
from django.core.exceptions import ValidationError

from core.roles import Role
from notifications.kinds import KINDS, NotificationKind, kind_get, kinds_for_preferences, register_kinds
from notifications.services import preferences_save
from tests.factories import UserFactory


def test_a_key_registered_twice_with_another_meaning_is_refused():
    existing = next(iter(KINDS.values()))
    register_kinds(existing)  # the same kind again (an app's ready() run twice) is harmless
    with pytest.raises(ValueError, match="registered twice"):
        register_kinds(NotificationKind(existing.key, existing.label, "autre/gabarit"))
    with pytest.raises(LookupError):
        kind_get("nulle.part")


def test_preferences_refuse_an_unknown_kind_and_list_the_optional_ones_first(in_clisson):
    parent = UserFactory(role=Role.PARENT)
    with pytest.raises(ValidationError) as refused:
        preferences_save(user=parent, turned_off={"nulle.part"})
    assert "turned_off" in refused.value.error_dict
    listed = kinds_for_preferences(parent)
    optional = [kind.optional for kind in listed]
    assert optional == sorted(optional, reverse=True) and any(optional) and not all(optional)
