"""Working-day arithmetic, by property and by the seeds' examples."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from catalog.calendar import (
    PARIS,
    hours_before,
    is_public_holiday,
    is_school_holiday,
    is_working_day,
    local_datetime,
    working_days_before,
    working_hours_before,
)

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
closures = st.frozensets(days, max_size=10)


@given(day=days, count=st.integers(min_value=1, max_value=30), closed=closures)
def test_exactly_count_working_days_lie_between_the_result_and_the_day(day, count, closed):
    result = working_days_before(day, count, closed)

    between = [result + timedelta(days=i) for i in range((day - result).days)]
    assert result < day
    assert is_working_day(result, closed)
    assert sum(is_working_day(d, closed) for d in between) == count


@given(day=days, count=st.integers(min_value=0, max_value=30))
def test_one_more_working_day_is_always_earlier(day, count):
    assert working_days_before(day, count + 1) < working_days_before(day, count) <= day


@given(day=days, count=st.integers(min_value=1, max_value=10), closed=closures)
def test_working_hours_in_whole_days_match_working_days(day, count, closed):
    # 24 × N working hours before a day start the working day N working days before.
    assert working_hours_before(day, 24 * count, closed) == local_datetime(working_days_before(day, count, closed))


@given(day=days, hours=st.integers(min_value=1, max_value=24 * 15))
def test_calendar_hours_are_elapsed_time(day, hours):
    # Same-zone subtraction in Python is wall-clock: compare in UTC.
    elapsed = local_datetime(day).astimezone(UTC) - hours_before(day, hours).astimezone(UTC)
    assert elapsed == timedelta(hours=hours)


def test_french_public_holidays_and_school_holidays():
    assert is_public_holiday(date(2026, 5, 1)) and is_public_holiday(date(2027, 5, 6))  # 1er mai, Ascension
    assert not is_public_holiday(date(2026, 5, 4))
    assert is_school_holiday(date(2026, 12, 24), "B") and not is_school_holiday(date(2026, 11, 23), "B")


def test_48_working_hours_before_a_monday_after_a_friday_public_holiday():
    # Friday 1 May 2026 is a public holiday: Thursday and Wednesday are the 48 hours.
    assert working_hours_before(date(2026, 5, 4), 48) == datetime(2026, 4, 29, 0, 0, tzinfo=PARIS)


def test_5_working_days_before_a_wednesday_across_ascension():
    # Ascension is Thursday 6 May 2027: Tue 11, Mon 10, Fri 7, Wed 5, Tue 4.
    assert working_days_before(date(2027, 5, 12), 5) == date(2027, 5, 4)
    # ... and one day earlier again when the commune closes on the Friday bridge.
    assert working_days_before(date(2027, 5, 12), 5, frozenset({date(2027, 5, 7)})) == date(2027, 5, 3)


def test_48_hours_across_the_autumn_clock_change_are_real_hours():
    # Sunday 25 October 2026 has 25 hours: 48 h before Monday 00:00 is Saturday 01:00.
    assert hours_before(date(2026, 10, 26), 48) == datetime(2026, 10, 24, 1, 0, tzinfo=PARIS)
