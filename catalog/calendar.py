"""French calendar arithmetic: public holidays, school holidays, working days and hours.

Pure functions over dates; the only data they read are the offline datasets of
the `holidays` and `vacances-scolaires-france` packages.

Public holidays depend on where the commune is: Alsace-Moselle and the overseas
territories have holidays of their own. Every function that counts public
holidays takes an optional `subdivision`, the `holidays` package's code for
such a territory (see `subdivision_of`); None is the national calendar.
"""

import re
from collections.abc import Set
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from vacances_scolaires_france import SchoolHolidayDates

PARIS = ZoneInfo("Europe/Paris")
DAY = timedelta(days=1)


INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")  # as tenants.models.validate_insee_code

# The `holidays` subdivisions (holidays.France.subdivisions) a commune's INSEE code falls in, by the code's
# département (2 characters) or overseas territory (3 characters, "97x"/"98x"). Only the territories whose
# public holidays differ from the national calendar are subdivisions there; every other commune gets None.
# The package has no "67" or "68": the Bas-Rhin and Haut-Rhin are one subdivision, "6AE" (the Collectivité
# européenne d'Alsace), with the same two extra days as the Moselle's "57". Saint-Barthélemy and Saint-Martin
# count with their own codes (977xx, 978xx), those they have had since they left Guadeloupe in 2007.
SUBDIVISIONS = {
    "57": "57",  # Moselle: Vendredi saint, Saint-Étienne (26 décembre)
    "67": "6AE",  # Bas-Rhin: likewise
    "68": "6AE",  # Haut-Rhin: likewise
    "971": "971",  # Guadeloupe
    "972": "972",  # Martinique
    "973": "973",  # Guyane
    "974": "974",  # La Réunion
    "975": "PM",  # Saint-Pierre-et-Miquelon
    "976": "976",  # Mayotte
    "977": "BL",  # Saint-Barthélemy
    "978": "MF",  # Saint-Martin
    "984": "TF",  # Terres australes et antarctiques françaises
    "986": "WF",  # Wallis-et-Futuna
    "987": "PF",  # Polynésie française
    "988": "NC",  # Nouvelle-Calédonie
}


def subdivision_of(insee_code: str) -> str | None:
    """The `holidays` subdivision of the commune with this INSEE code, None for the national calendar.

    Corsica (2A, 2B) and every other mainland département keep the national calendar, and so does
    Clipperton (989), which the package does not know. A malformed code raises ValueError rather than
    silently giving the national calendar.
    """
    if not INSEE_CODE.match(insee_code):
        raise ValueError(f"not an INSEE commune code: {insee_code!r}")
    territory = insee_code[:3] if insee_code.startswith(("97", "98")) else insee_code[:2]
    return SUBDIVISIONS.get(territory)


@cache
def _public_holidays(year: int, subdivision: str | None) -> dict[date, str]:
    return dict(holidays.France(years=year, subdiv=subdivision, language="fr"))


def public_holidays(year: int, subdivision: str | None = None) -> dict[date, str]:
    """The year's public holidays and their French names; shared between callers, not to be modified.

    `subdivision` is a code of holidays.France.subdivisions (or one of its aliases); an unknown one raises
    NotImplementedError.
    """
    # One cache entry per (year, subdivision), however the caller spells its arguments.
    return _public_holidays(year, subdivision)


def is_public_holiday(day: date, subdivision: str | None = None) -> bool:
    return day in public_holidays(day.year, subdivision)


def public_holiday_name(day: date, subdivision: str | None = None) -> str | None:
    """The French name of the public holiday `day` is ("Armistice", "Vendredi saint"...), None if it is none.

    Two holidays on one day come as one name joined by "; " (the `holidays` package's way), as in Guyane on
    10 June 2030: "Abolition de l'esclavage; Lundi de Pentecôte".
    """
    return public_holidays(day.year, subdivision).get(day)


@cache
def _school_holiday_dates() -> SchoolHolidayDates:
    return SchoolHolidayDates()


def is_school_holiday(day: date, zone: str) -> bool:
    # vacances-scolaires-france 0.12.0 has the pont de l'Ascension (Friday after Ascension, no school) for
    # 2019-2022, 2027 and 2028 but not for 2023-2026, though the official calendars give it every year.
    try:
        return _school_holiday_dates().is_holiday_for_zone(day, zone)
    except Exception:  # the dataset raises for dates it does not cover
        return False


def is_working_day(day: date, closures: Set[date] = frozenset(), subdivision: str | None = None) -> bool:
    """Monday to Friday, not a public holiday (where the commune is), not a day the commune is closed."""
    return day.weekday() < 5 and not is_public_holiday(day, subdivision) and day not in closures


def working_days_before(
    day: date, count: int, closures: Set[date] = frozenset(), subdivision: str | None = None
) -> date:
    """The date `count` working days before `day` (`day` itself not counted)."""
    cursor = day
    while count > 0:
        cursor -= DAY
        if is_working_day(cursor, closures, subdivision):
            count -= 1
    return cursor


def local_datetime(day: date, at: time = time(0)) -> datetime:
    return datetime.combine(day, at, tzinfo=PARIS)


def hours_before(day: date, hours: int) -> datetime:
    """Elapsed hours before the start of `day`: a daylight-saving change counts for what it is."""
    start = local_datetime(day).astimezone(ZoneInfo("UTC"))
    return (start - timedelta(hours=hours)).astimezone(PARIS)


def working_hours_before(
    day: date, hours: int, closures: Set[date] = frozenset(), subdivision: str | None = None
) -> datetime:
    """The moment `hours` working hours before the start of `day`, working days counting 24 hours each."""
    cursor = day
    while True:
        cursor -= DAY
        if not is_working_day(cursor, closures, subdivision):
            continue
        if hours <= 24:
            return local_datetime(cursor) + timedelta(hours=24 - hours)
        hours -= 24
