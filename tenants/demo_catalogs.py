"""The demo communes' catalogues, from the seeds' rules (see catalog.starters for the helpers)."""

from catalog.starters import (
    WEEKDAYS_4,
    WEEKDAYS_5,
    absence_reason,
    combination,
    current_school_year,
    cutoff,
    document,
    qf,
    service,
    tariff,
    unit,
)

# Kind of a périscolaire sold as one service with a morning and an evening unit: the model has no kind
# for both yet, and the morning one is its first unit.
CARE = "morning_care"


def _absence_reasons() -> list[dict]:
    """What a family may give as the reason of an absence: an illness, with the doctor's certificate, which
    makes it not billed once the mairie accepts it; a family reason, which the mairie weighs without one."""
    return [
        absence_reason("Maladie (certificat médical)", 0, needs_proof=True),
        absence_reason("Raison familiale", 1),
    ]


def _site(name: str, operator: str = "") -> dict:
    return {"name": name, "address": "", "operator_name": operator}


def _leisure_day(year: dict) -> dict:
    """An ALSH day (seed 002's units): a journée, or a matin and/or an après-midi, with or without the
    repas, which is never booked alone. Matin + repas + après-midi is billed as one journée."""
    return {
        "units": [
            # Exclusions are written on both sides: each unit's list is its whole set.
            unit("journee", "Journée", "8.00", 0, excludes=["matin", "apres-midi"]),
            unit("matin", "Matin", "3.00", 1, excludes=["journee"]),
            unit("apres-midi", "Après-midi", "3.50", 2, excludes=["journee"]),
            unit("repas", "Repas", "1.50", 3, requires=["journee", "matin", "apres-midi"]),
        ],
        "combinations": [
            combination(
                "journee-complete", "Journée (matin, repas et après-midi)", 30, ["matin", "repas", "apres-midi"]
            ),
            combination("journee-repas", "Journée avec repas", 20, ["journee", "repas"]),
            combination("matin-repas", "Matin avec repas", 10, ["matin", "repas"]),
            combination("apres-midi-repas", "Après-midi avec repas", 10, ["apres-midi", "repas"]),
        ],
        "tariffs": [
            tariff(year, qf("9.00", "13.50", "17.00"), combination="journee-complete"),
            tariff(year, qf("9.00", "13.50", "17.00"), combination="journee-repas"),
            tariff(year, qf("5.80", "8.35", "10.30"), combination="matin-repas"),
            tariff(year, qf("5.80", "8.35", "10.30"), combination="apres-midi-repas"),
            tariff(year, qf("6.40", "10.05", "12.90"), unit="journee"),
            tariff(year, qf("3.20", "4.90", "6.20"), unit="matin"),
            tariff(year, qf("3.20", "4.90", "6.20"), unit="apres-midi"),
        ],
    }


def le_pallet() -> dict:
    """Seed 000's services with seed 001's delays, read as written: after 48 working hours for the
    périscolaire and 5 working days for Wednesdays and holidays, families cannot change online and call the
    ALSH; a late addition staff accept costs 4 € (matin) / 10 € (soir) / the day rate + 3 €, and a late
    cancellation stays billed."""
    year = current_school_year()
    leisure = [
        cutoff("booking", 5, "working_days", "refuse", "plus", "3.00"),
        cutoff("cancellation", 5, "working_days", "refuse"),
    ]
    return document(
        sites=[_site("Groupe scolaire"), _site("Accueil de loisirs"), _site("Multi-accueil")],
        school_years=[year],
        services=[
            service(
                "Restaurant scolaire",
                "canteen",
                "Groupe scolaire",
                "meal",
                WEEKDAYS_4,
                "school_terms",
                absence_waiting_days=1,  # a jour de carence: the first day of an illness is billed
                absence_reasons=_absence_reasons(),
                units=[unit("repas", "Repas", "1.50")],
                cutoff_rules=[
                    cutoff("booking", 48, "working_hours", "refuse"),
                    cutoff("cancellation", 48, "working_hours", "refuse"),
                ],
                tariffs=[tariff(year, qf("2.60", "3.45", "4.10"))],
            ),
            service(
                "Accueil périscolaire",
                CARE,
                "Groupe scolaire",
                "session",
                WEEKDAYS_4,
                "school_terms",
                absence_reasons=_absence_reasons(),
                units=[unit("matin", "Matin", "1.50", 0), unit("soir", "Soir", "2.50", 1)],
                cutoff_rules=[
                    cutoff("booking", 48, "working_hours", "refuse", "fixed", "4.00", applies_to="matin"),
                    cutoff("booking", 48, "working_hours", "refuse", "fixed", "10.00", applies_to="soir"),
                    cutoff("cancellation", 48, "working_hours", "refuse"),
                ],
                tariffs=[
                    tariff(year, qf("1.10", "1.55", "2.00"), unit="matin"),
                    tariff(year, qf("1.80", "2.60", "3.30"), unit="soir"),
                ],
            ),
            service(
                "T.A.P.",
                "tap",
                "Groupe scolaire",
                "session",
                [1, 4],
                "school_terms",
                units=[unit("seance", "Séance", "1.50")],
                tariffs=[tariff(year, [(0, None, "0.00")])],
            ),
            service(
                "Accueil de loisirs du mercredi",
                "wednesday_centre",
                "Accueil de loisirs",
                "day",
                [2],
                "school_terms",
                absence_reasons=_absence_reasons(),
                capacity=36,
                waiting_list=True,
                cutoff_rules=leisure,
                **_leisure_day(year),
            ),
            service(
                "Accueil de loisirs des vacances",
                "holiday_centre",
                "Accueil de loisirs",
                "day",
                WEEKDAYS_5,
                "holidays",
                absence_reasons=_absence_reasons(),
                capacity=48,
                waiting_list=True,
                cutoff_rules=leisure,
                **_leisure_day(year),
            ),
            service(
                "Multi-accueil",
                "nursery",
                "Multi-accueil",
                "hour",
                WEEKDAYS_5,
                "all",
                bookable_online=False,
                max_age_months=48,
                units=[unit("heure", "Heure", "1.00")],
                tariffs=[tariff(year, qf("0.50", "1.40", "2.90"))],
            ),
        ],
    )


def vallet() -> dict:
    """Seed 003's structures (IFAC runs the care, the centre, the Passerelle and the multi-accueil) with
    seed 002's rules: 6 days before for bookings and cancellations, limited Wednesday places, summer
    bookings opening after the February holidays. The seeds name no units: one per service."""
    year = current_school_year()
    six_days = [cutoff("booking", 6, "calendar_days", "refuse"), cutoff("cancellation", 6, "calendar_days", "refuse")]
    summer_start, summer_end = f"{year['end'][:4]}-07-03", year["end"]
    return document(
        sites=[
            _site("Restaurant scolaire Paul Éluard"),
            _site("Accueil périscolaire Paul Éluard", "IFAC"),
            _site("Centre de loisirs", "IFAC"),
            _site("Multi-accueil", "IFAC"),
            _site("La Passerelle", "IFAC"),
        ],
        school_years=[year],
        services=[
            service(
                "Restaurant scolaire Paul Éluard",
                "canteen",
                "Restaurant scolaire Paul Éluard",
                "meal",
                WEEKDAYS_4,
                "school_terms",
                absence_reasons=_absence_reasons(),
                units=[unit("repas", "Repas", "1.50")],
                cutoff_rules=six_days,
                tariffs=[
                    tariff(year, qf("2.75", "3.60", "4.35"), residence="resident"),
                    tariff(year, [(0, None, "5.20")], residence="non_resident"),
                ],
            ),
            service(
                "Accueil périscolaire",
                "evening_care",
                "Accueil périscolaire Paul Éluard",
                "hour",
                WEEKDAYS_4,
                "school_terms",
                absence_reasons=_absence_reasons(),
                units=[unit("heure", "Heure", "1.00")],
                cutoff_rules=six_days,
                tariffs=[tariff(year, qf("0.90", "1.45", "2.05"))],
            ),
            service(
                "Centre de loisirs du mercredi",
                "wednesday_centre",
                "Centre de loisirs",
                "day",
                [2],
                "school_terms",
                absence_reasons=_absence_reasons(),
                capacity=24,
                waiting_list=True,
                units=[unit("journee", "Journée", "8.00")],
                cutoff_rules=six_days,
                tariffs=[tariff(year, qf("8.50", "12.80", "16.40"))],
            ),
            service(
                "Centre de loisirs des vacances",
                "holiday_centre",
                "Centre de loisirs",
                "day",
                WEEKDAYS_5,
                "holidays",
                absence_reasons=_absence_reasons(),
                capacity=40,
                waiting_list=True,
                units=[unit("journee", "Journée", "8.00")],
                cutoff_rules=six_days,
                # Seed 002's summer opens in March: requests for a fortnight, then places by priority and draw.
                booking_windows=[
                    {
                        "first_day": summer_start,
                        "last_day": summer_end,
                        "opens_at": f"{year['end'][:4]}-03-08T08:30:00+01:00",
                        "closes_at": None,
                        "allocation": "draw",
                        "requests_until": f"{year['end'][:4]}-03-22T12:00:00+01:00",
                        "priorities": ["resident", "sibling"],
                    }
                ],
                tariffs=[tariff(year, qf("8.50", "12.80", "16.40"))],
            ),
            service(
                "La Passerelle",
                "other",
                "La Passerelle",
                "half_day",
                [2],
                "all",
                absence_reasons=_absence_reasons(),
                capacity=16,
                units=[unit("demi-journee", "Demi-journée", "4.00")],
                cutoff_rules=six_days,
                tariffs=[tariff(year, [(0, None, "4.00")])],
            ),
            service(
                "Multi-accueil",
                "nursery",
                "Multi-accueil",
                "hour",
                WEEKDAYS_5,
                "all",
                bookable_online=False,
                max_age_months=48,
                units=[unit("heure", "Heure", "1.00")],
                tariffs=[tariff(year, qf("0.45", "1.30", "2.80"))],
            ),
        ],
    )


def lutinville() -> dict:
    """Seed 004: the canteen Les Lutins Gourmands at 3,60 € a meal, paid when booking, and the garderie's
    morning and evening times ("les temps de garderie du matin et du soir"), one service with two units."""
    year = current_school_year()
    return document(
        sites=[_site("École Les Lutins")],
        school_years=[year],
        services=[
            service(
                "Cantine Les Lutins Gourmands",
                "canteen",
                "École Les Lutins",
                "meal",
                WEEKDAYS_4,
                "school_terms",
                absence_reasons=_absence_reasons(),
                billing_mode="immediate",
                enrolment_requires_validation=False,
                units=[unit("repas", "Repas", "1.50")],
                cutoff_rules=[
                    cutoff("booking", 2, "calendar_days", "refuse", at="12:00:00"),
                    cutoff("cancellation", 2, "calendar_days", "refuse", at="12:00:00"),
                ],
                tariffs=[tariff(year, [(0, None, "3.60")])],
            ),
            service(
                "Garderie",
                CARE,
                "École Les Lutins",
                "session",
                WEEKDAYS_4,
                "school_terms",
                absence_reasons=_absence_reasons(),
                units=[unit("matin", "Matin", "1.50", 0), unit("soir", "Soir", "2.00", 1)],
                tariffs=[
                    tariff(year, [(0, None, "1.20")], unit="matin"),
                    tariff(year, [(0, None, "1.80")], unit="soir"),
                ],
            ),
        ],
    )


DEMO_CATALOGUES = {"lepallet": le_pallet, "vallet": vallet, "lutinville": lutinville}
