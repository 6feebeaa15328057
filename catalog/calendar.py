"""French calendar arithmetic: public holidays, school holidays, working days and hours.

Pure functions over dates; the only data they read are the offline datasets of
the `holidays` and `vacances-scolaires-france` packages.
"""

from collections.abc import Set
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from vacances_scolaires_france import SchoolHolidayDates

PARIS = ZoneInfo("Europe/Paris")
DAY = timedelta(days=1)


@cache
def public_holidays(year: int) -> dict[date, str]:
    return dict(holidays.France(years=year, language="fr"))


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)


@cache
def _school_holiday_dates() -> SchoolHolidayDates:
    return SchoolHolidayDates()


def is_school_holiday(day: date, zone: str) -> bool:
    try:
        return _school_holiday_dates().is_holiday_for_zone(day, zone)
    except Exception:  # the dataset raises for dates it does not cover
        return False


def is_working_day(day: date, closures: Set[date] = frozenset()) -> bool:
    """Monday to Friday, not a public holiday, not a day the commune is closed."""
    return day.weekday() < 5 and not is_public_holiday(day) and day not in closures


def working_days_before(day: date, count: int, closures: Set[date] = frozenset()) -> date:
    """The date `count` working days before `day` (`day` itself not counted)."""
    cursor = day
    while count > 0:
        cursor -= DAY
        if is_working_day(cursor, closures):
            count -= 1
    return cursor


def local_datetime(day: date, at: time = time(0)) -> datetime:
    return datetime.combine(day, at, tzinfo=PARIS)


def hours_before(day: date, hours: int) -> datetime:
    """Elapsed hours before the start of `day`: a daylight-saving change counts for what it is."""
    start = local_datetime(day).astimezone(ZoneInfo("UTC"))
    return (start - timedelta(hours=hours)).astimezone(PARIS)


def working_hours_before(day: date, hours: int, closures: Set[date] = frozenset()) -> datetime:
    """The moment `hours` working hours before the start of `day`, working days counting 24 hours each."""
    cursor = day
    while True:
        cursor -= DAY
        if not is_working_day(cursor, closures):
            continue
        if hours <= 24:
            return local_datetime(cursor) + timedelta(hours=24 - hours)
        hours -= 24
