from datetime import date
from decimal import Decimal

import factory

from catalog.models import CutoffRule, SchoolYear, Service, Site, Tariff, TariffBracket


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("name",)

    name = "2026-2027"
    start = date(2026, 9, 1)
    end = date(2027, 8, 31)
    zone = SchoolYear.Zone.B


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("name",)

    name = "École Paul Éluard"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Prestation {n}")
    kind = Service.Kind.CANTEEN
    site = factory.SubFactory(SiteFactory)
    unit = Service.Unit.MEAL
    weekdays = [0, 1, 3, 4]
    period = Service.Period.SCHOOL_TERMS


class CutoffRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CutoffRule

    direction = CutoffRule.Direction.BOOKING
    amount = 2
    unit = CutoffRule.Unit.WORKING_DAYS
    late_policy = CutoffRule.LatePolicy.REFUSE


class TariffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariff

    valid_from = date(2026, 9, 1)
    valid_to = date(2027, 8, 31)


def bracket(tariff: Tariff, qf_min: int, qf_max: int | None, price: str) -> TariffBracket:
    return TariffBracket.objects.create(tariff=tariff, qf_min=qf_min, qf_max=qf_max, price=Decimal(price))
