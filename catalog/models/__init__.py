"""What a commune offers, when, until when it can be changed, and at what price."""

from catalog.models.calendar import AgeGroupCapacity, BookingWindow, CalendarException, CapacityOverride
from catalog.models.rules import AbsenceReason, CutoffRule
from catalog.models.structure import SchoolYear, Service, Site, validate_weekdays
from catalog.models.tariffs import Tariff, TariffBracket, brackets_check
from catalog.models.units import ServiceUnit, UnitCombination

__all__ = [
    "AbsenceReason",
    "AgeGroupCapacity",
    "BookingWindow",
    "CalendarException",
    "CapacityOverride",
    "CutoffRule",
    "SchoolYear",
    "Service",
    "ServiceUnit",
    "Site",
    "Tariff",
    "TariffBracket",
    "UnitCombination",
    "brackets_check",
    "validate_weekdays",
]
