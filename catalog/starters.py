"""Catalogue documents (see `catalog.transfer`) to start a commune from.

Written in Python rather than JSON so that the school year follows today's
date and each rule reads as what the règlement intérieur says.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

WEEKDAYS_4 = [0, 1, 3, 4]  # Monday, Tuesday, Thursday, Friday: the four-day school week
WEEKDAYS_5 = [0, 1, 2, 3, 4]


def current_school_year(today: date | None = None) -> dict[str, str]:
    today = today or date.today()
    first = today.year if today.month >= 9 else today.year - 1
    return {"name": f"{first}-{first + 1}", "start": f"{first}-09-01", "end": f"{first + 1}-08-31", "zone": "B"}


def service(name: str, kind: str, site: str, unit: str, weekdays: list[int], period: str, **extra: Any) -> dict:
    """A service; its `units` (default: one after its measure, see `catalog.models.units`), `combinations`,
    rules and tariffs come in `extra`. A one-unit service's tariffs price that unit without saying so."""
    data = {"name": name, "kind": kind, "site": site, "unit": unit, "weekdays": weekdays, "period": period} | {
        "units": [],
        "combinations": [],
        "cutoff_rules": [],
        "booking_windows": [],
        "capacity_overrides": [],
        "tariffs": [],
        **extra,
    }
    if len(data["units"]) == 1:
        code = data["units"][0]["code"]
        for row in data["tariffs"]:
            if not row.get("unit") and not row.get("combination"):
                row["unit"] = code
    return data


def unit(
    code: str,
    name: str,
    hours: str,
    position: int = 0,
    *,
    capacity: int | None = None,
    requires: Iterable[str] = (),
    excludes: Iterable[str] = (),
) -> dict:
    """A unit a child is booked for on a day, lasting `hours`; `requires`: booked only with one of these
    units (codes); `excludes`: never the same day as these."""
    return {
        "code": code,
        "name": name,
        "duration_hours": hours,
        "capacity": capacity,
        "position": position,
        "requires": list(requires),
        "excludes": list(excludes),
    }


def combination(code: str, name: str, priority: int, units: list[str]) -> dict:
    """Units billed together as one line (the highest priority is tried first)."""
    return {"code": code, "name": name, "priority": priority, "units": list(units)}


def cutoff(
    direction: str,
    amount: int,
    unit: str,
    online_after: str = "refuse",
    late_price: str = "normal",
    late_amount: str = "0.00",
    at: str | None = None,
    applies_to: str | None = None,
) -> dict:
    """A cutoff rule: until `amount` `unit` before the day (at `at`); after it, online changes are refused
    or accepted, and a late change costs the normal price, a fixed one, or the price plus an amount."""
    return {
        "direction": direction,
        "applies_to": applies_to,
        "amount": amount,
        "unit": unit,
        "time_of_day": at,
        "online_after": online_after,
        "late_price": late_price,
        "late_amount": late_amount,
    }


def tariff(year: dict, brackets: list[tuple[int, int | None, str]], **extra: Any) -> dict:
    """The year's prices by QF bracket, of a unit (`unit="matin"`) or a combination (`combination=...`)."""
    return {
        "unit": None,
        "combination": None,
        "valid_from": year["start"],
        "valid_to": year["end"],
        "residence": "any",
        "unknown_qf_price": None,
        "brackets": [{"qf_min": lo, "qf_max": hi, "price": price} for lo, hi, price in brackets],
    } | extra


def absence_reason(label: str, position: int = 0, *, needs_proof: bool = False) -> dict:
    """A reason a family may give for an absence; `needs_proof`: the justificatif is required (seed 000:
    "Pour justifier une absence. Pièce jointe obligatoire.")."""
    return {"label": label, "needs_proof": needs_proof, "position": position}


def document(sites: list[dict], school_years: list[dict], services: list[dict], exceptions: list[dict] = ()) -> dict:
    return {
        "format": "portail-famille-catalogue",
        "version": 1,
        "sites": sites,
        "school_years": school_years,
        "calendar_exceptions": list(exceptions),
        "services": services,
    }


QF_BRACKETS = [(0, 600, "{low}"), (601, 1200, "{mid}"), (1201, None, "{high}")]


def qf(low: str, mid: str, high: str) -> list[tuple[int, int | None, str]]:
    return [(lo, hi, price.format(low=low, mid=mid, high=high)) for lo, hi, price in QF_BRACKETS]


def standard(today: date | None = None) -> dict:
    """The "standard French commune": canteen, before/after school care, Wednesdays and holidays."""
    year = current_school_year(today)
    two_working_days = [
        cutoff("booking", 2, "working_days", "refuse"),
        cutoff("cancellation", 2, "working_days", "accept"),
    ]
    return document(
        sites=[
            {"name": "École publique", "address": "", "operator_name": ""},
            {"name": "Accueil de loisirs", "address": "", "operator_name": ""},
        ],
        school_years=[year],
        services=[
            service(
                "Restauration scolaire",
                "canteen",
                "École publique",
                "meal",
                WEEKDAYS_4,
                "school_terms",
                units=[unit("repas", "Repas", "1.50")],
                cutoff_rules=two_working_days,
                tariffs=[tariff(year, qf("2.50", "3.40", "4.20"))],
            ),
            service(
                "Accueil périscolaire du matin",
                "morning_care",
                "École publique",
                "session",
                WEEKDAYS_4,
                "school_terms",
                units=[unit("seance", "Séance", "1.00")],
                cutoff_rules=two_working_days,
                tariffs=[tariff(year, qf("1.00", "1.60", "2.10"))],
            ),
            service(
                "Accueil périscolaire du soir",
                "evening_care",
                "École publique",
                "session",
                WEEKDAYS_4,
                "school_terms",
                units=[unit("seance", "Séance", "2.00")],
                cutoff_rules=two_working_days,
                tariffs=[tariff(year, qf("1.50", "2.30", "3.00"))],
            ),
            service(
                "Accueil de loisirs du mercredi",
                "wednesday_centre",
                "Accueil de loisirs",
                "day",
                [2],
                "school_terms",
                capacity=40,
                waiting_list=True,
                units=[unit("journee", "Journée", "8.00")],
                cutoff_rules=[
                    cutoff("booking", 5, "working_days", "refuse"),
                    cutoff("cancellation", 5, "working_days", "accept"),
                ],
                tariffs=[tariff(year, qf("8.00", "12.00", "16.00"))],
            ),
            service(
                "Accueil de loisirs des vacances",
                "holiday_centre",
                "Accueil de loisirs",
                "day",
                WEEKDAYS_5,
                "holidays",
                capacity=40,
                waiting_list=True,
                units=[unit("journee", "Journée", "8.00")],
                cutoff_rules=[
                    cutoff("booking", 5, "working_days", "refuse"),
                    cutoff("cancellation", 5, "working_days", "accept"),
                ],
                tariffs=[tariff(year, qf("8.00", "12.00", "16.00"))],
            ),
        ],
    )


STARTERS = {"standard": standard}
