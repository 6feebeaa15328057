"""Where the commune is: Alsace-Moselle's and overseas public holidays, the Ascension bridge."""

from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.calendar import (
    PARIS,
    is_public_holiday,
    is_school_holiday,
    is_working_day,
    public_holiday_name,
    public_holidays,
    subdivision_of,
    working_days_before,
    working_hours_before,
)

METZ, STRASBOURG, MULHOUSE = "57463", "67482", "68224"
NANTES, AJACCIO = "44109", "2A004"
ALSACE_MOSELLE = [METZ, STRASBOURG, MULHOUSE]
ELSEWHERE = [NANTES, AJACCIO]

GOOD_FRIDAY_2027 = date(2027, 3, 26)
SAINT_STEPHEN_2026 = date(2026, 12, 26)


@pytest.mark.parametrize(
    ("insee_code", "subdivision"),
    [
        (METZ, "57"),
        (STRASBOURG, "6AE"),  # the package has no "67" nor "68": Alsace is one subdivision
        (MULHOUSE, "6AE"),
        ("68066", "6AE"),  # Colmar
        (NANTES, None),
        ("75056", None),  # Paris
        (AJACCIO, None),
        ("2B033", None),  # Bastia
        ("97105", "971"),  # Basse-Terre, Guadeloupe
        ("97209", "972"),  # Fort-de-France, Martinique
        ("97302", "973"),  # Cayenne, Guyane
        ("97411", "974"),  # Saint-Denis, La Réunion
        ("97611", "976"),  # Mamoudzou, Mayotte
        ("97502", "PM"),  # Saint-Pierre, Saint-Pierre-et-Miquelon
        ("97701", "BL"),  # Saint-Barthélemy
        ("97801", "MF"),  # Saint-Martin
        ("98613", "WF"),  # Uvea, Wallis-et-Futuna
        ("98735", "PF"),  # Papeete, Polynésie française
        ("98818", "NC"),  # Nouméa, Nouvelle-Calédonie
    ],
)
def test_subdivision_of_a_commune(insee_code, subdivision):
    assert subdivision_of(insee_code) == subdivision
    if subdivision is not None:
        assert subdivision in holidays.France.subdivisions


@pytest.mark.parametrize("insee_code", ["", "57", "574630", "2C004", "2a004", "ABCDE"])
def test_a_malformed_insee_code_is_refused_not_given_the_national_calendar(insee_code):
    with pytest.raises(ValueError):
        subdivision_of(insee_code)


@pytest.mark.parametrize("insee_code", ALSACE_MOSELLE + ELSEWHERE)
def test_national_holidays_on_a_wednesday_everywhere(insee_code):
    subdivision = subdivision_of(insee_code)
    armistice, national_day = date(2026, 11, 11), date(2027, 7, 14)

    assert armistice.weekday() == national_day.weekday() == 2  # Wednesdays: no ALSH that day
    assert is_public_holiday(armistice, subdivision) and is_public_holiday(national_day, subdivision)
    assert public_holiday_name(armistice, subdivision) == "Armistice"
    assert public_holiday_name(national_day, subdivision) == "Fête nationale"
    assert not is_working_day(armistice, subdivision=subdivision)


@pytest.mark.parametrize("insee_code", ALSACE_MOSELLE + ELSEWHERE)
def test_ascension_is_a_public_holiday_and_its_friday_a_school_holiday_only(insee_code):
    subdivision = subdivision_of(insee_code)
    ascension, bridge = date(2027, 5, 6), date(2027, 5, 7)

    assert ascension.weekday() == 3 and public_holiday_name(ascension, subdivision) == "Ascension"
    # The Friday is no public holiday: it counts as a working day for deadlines (unless the commune closes).
    assert not is_public_holiday(bridge, subdivision) and public_holiday_name(bridge, subdivision) is None
    assert is_working_day(bridge, subdivision=subdivision)
    assert not is_working_day(bridge, frozenset({bridge}), subdivision)


@pytest.mark.parametrize("zone", ["A", "B", "C"])
def test_the_friday_after_ascension_2027_has_no_school_in_any_zone(zone):
    assert is_school_holiday(date(2027, 5, 7), zone)
    assert not is_school_holiday(date(2027, 5, 5), zone) and not is_school_holiday(date(2027, 5, 10), zone)


@pytest.mark.xfail(
    strict=True,
    reason="vacances-scolaires-france 0.12.0 lacks the pont de l'Ascension for 2023-2026 (the official "
    "calendar has Friday 15 May 2026 off); strict: remove this mark once the dataset has it",
)
@pytest.mark.parametrize("zone", ["A", "B", "C"])
def test_the_friday_after_ascension_2026_has_no_school(zone):
    assert is_school_holiday(date(2026, 5, 15), zone)


@pytest.mark.parametrize("insee_code", ALSACE_MOSELLE)
def test_good_friday_and_saint_stephen_in_alsace_moselle(insee_code):
    subdivision = subdivision_of(insee_code)

    assert public_holiday_name(GOOD_FRIDAY_2027, subdivision) == "Vendredi saint"
    assert public_holiday_name(SAINT_STEPHEN_2026, subdivision) == "Saint-Étienne"
    assert not is_working_day(GOOD_FRIDAY_2027, subdivision=subdivision)


@pytest.mark.parametrize("insee_code", ELSEWHERE)
def test_no_good_friday_nor_saint_stephen_elsewhere(insee_code):
    subdivision = subdivision_of(insee_code)

    assert not is_public_holiday(GOOD_FRIDAY_2027, subdivision)
    assert not is_public_holiday(SAINT_STEPHEN_2026, subdivision)
    assert public_holiday_name(GOOD_FRIDAY_2027, subdivision) is None
    assert is_working_day(GOOD_FRIDAY_2027, subdivision=subdivision)


def test_without_a_subdivision_the_calendar_is_the_national_one():
    assert not is_public_holiday(GOOD_FRIDAY_2027) and not is_public_holiday(SAINT_STEPHEN_2026)
    assert public_holidays(2027) is public_holidays(2027, None) is public_holidays(2027, subdivision=None)
    assert set(public_holidays(2027, "57")) - set(public_holidays(2027)) == {GOOD_FRIDAY_2027, date(2027, 12, 26)}


def test_3_working_days_before_the_wednesday_after_easter_in_metz_and_nantes():
    # Easter Monday 29 March 2027 is a holiday everywhere, Good Friday 26 March in Metz only.
    wednesday = date(2027, 3, 31)
    # Nantes: Tue 30, Fri 26, Thu 25.
    assert working_days_before(wednesday, 3) == date(2027, 3, 25)
    assert working_days_before(wednesday, 3, subdivision=subdivision_of(NANTES)) == date(2027, 3, 25)
    # Metz: Tue 30, Thu 25, Wed 24.
    assert working_days_before(wednesday, 3, subdivision=subdivision_of(METZ)) == date(2027, 3, 24)


def test_48_working_hours_before_the_tuesday_after_easter_in_metz_and_nantes():
    tuesday = date(2027, 3, 30)
    # Nantes: Friday and Thursday; Metz: Thursday and Wednesday.
    assert working_hours_before(tuesday, 48, subdivision=subdivision_of(NANTES)) == datetime(2027, 3, 25, tzinfo=PARIS)
    assert working_hours_before(tuesday, 48, subdivision=subdivision_of(METZ)) == datetime(2027, 3, 24, tzinfo=PARIS)


def test_saint_stephen_on_a_saturday_moves_no_deadline():
    # 26 December 2026 is a Saturday: not a working day anyway.
    monday = date(2026, 12, 28)
    assert SAINT_STEPHEN_2026.weekday() == 5
    assert working_days_before(monday, 2, subdivision="57") == working_days_before(monday, 2) == date(2026, 12, 23)


subdivisions = st.sampled_from([s for s in holidays.France.subdivisions if not s.startswith("Zone")])
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(year=st.integers(min_value=2024, max_value=2030), subdivision=subdivisions)
def test_every_subdivision_keeps_the_national_holidays(year, subdivision):
    national, local = public_holidays(year), public_holidays(year, subdivision)
    # Two holidays on one day share it: "Abolition de l'esclavage; Lundi de Pentecôte" in Guyane on 10 June 2030.
    assert all(name in local[day].split("; ") for day, name in national.items())


def test_two_holidays_on_one_day_give_both_names():
    assert public_holiday_name(date(2030, 6, 10)) == "Lundi de Pentecôte"
    assert public_holiday_name(date(2030, 6, 10), "973") == "Abolition de l'esclavage; Lundi de Pentecôte"


@given(day=days, count=st.integers(min_value=1, max_value=30), subdivision=subdivisions)
def test_exactly_count_local_working_days_lie_between_and_never_later_than_nationally(day, count, subdivision):
    result = working_days_before(day, count, subdivision=subdivision)

    between = [result + timedelta(days=i) for i in range((day - result).days)]
    assert is_working_day(result, subdivision=subdivision)
    assert sum(is_working_day(d, subdivision=subdivision) for d in between) == count
    assert result <= working_days_before(day, count)
