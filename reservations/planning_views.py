"""The parents' planning pages: a week, a fortnight or a month of one child or several at once, each
day and unit a box posted to the basket; the period mode ticks weekdays and units from a date to another.
Plain forms: everything works without JavaScript."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from catalog.models import Service
from core.ids import id_of
from families.models import Child, Decision
from families.selectors import FamilyActor
from families.views import family_page
from reservations.models import Enrolment
from reservations.planning import MAX_DAYS, Planning, household_planning, within_reach
from reservations.services.basket import basket_set_days

VIEWS = {"semaine": gettext_lazy("Semaine"), "quinzaine": gettext_lazy("Quinzaine"), "mois": gettext_lazy("Mois")}
WEEKDAY_NAMES = [
    gettext_lazy("lundi"),
    gettext_lazy("mardi"),
    gettext_lazy("mercredi"),
    gettext_lazy("jeudi"),
    gettext_lazy("vendredi"),
    gettext_lazy("samedi"),
    gettext_lazy("dimanche"),
]


def _children(actor: FamilyActor, wanted: list[str]) -> list[Child]:
    """The household's children asked for (all of them when none is), 404 for any other child."""
    children = list(Child.objects.filter(households=actor.household).order_by("first_name", "pk"))
    if not wanted:
        return children
    ids = {n for pk in wanted if (n := id_of(pk)) is not None}
    chosen = [c for c in children if c.pk in ids]
    if len(chosen) != len(ids) or len(ids) != len(wanted):
        raise Http404
    return chosen


LONGEST_PERIOD = timedelta(days=366)  # the longest period ticked at once: a school year


def _parse_day(value: str | None, default: date | None) -> date | None:
    """The date written, or `default` for none, a wrong one or one beyond the planning's reach."""
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if day is None or within_reach(day, timezone.localdate()) else default


def _range(view: str, around: date) -> tuple[date, date, date, date]:
    """The range shown, and where the previous and next ones start."""
    if view == "mois":
        start = around.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return start, end, (start - timedelta(days=1)).replace(day=1), end + timedelta(days=1)
    start = around - timedelta(days=around.weekday())
    length = 14 if view == "quinzaine" else 7
    return start, start + timedelta(days=length - 1), start - timedelta(days=length), start + timedelta(days=length)


def _query(children: list[Child], view: str, start: date, everyone: bool) -> str:
    params = [("vue", view), ("du", start.isoformat())]
    if not everyone:
        params += [("enfant", str(c.pk)) for c in children]
    return urlencode(params)


def _by_date(planning: Planning) -> list[tuple[date, list]]:
    """The days the page shows, each with every line's day (the same days for several children)."""
    days: dict = {}
    for line in planning.lines:
        for day in line.days:
            days.setdefault(day.date, []).append(day)
    return sorted(days.items())


def _apply(request: HttpRequest, actor: FamilyActor, changes: list[tuple]) -> int:
    """Each (day, wanted units) into the basket, in one go; how many days changed."""
    basket_set_days(
        actor=request.user,
        household=actor.household,
        days=[(day.child, day.service, day.date, wanted) for day, wanted in changes],
    )
    return len(changes)


def _announce(request: HttpRequest, n: int) -> None:
    if n:
        message = ngettext(
            "%(n)s jour modifié dans le panier : il reste à le valider.",
            "%(n)s jours modifiés dans le panier : il reste à les valider.",
            n,
        )
        messages.success(request, message % {"n": n})
    else:
        messages.info(request, _("Aucun changement : le panier est inchangé."))


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def planning(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    wanted = data.getlist("enfant")
    children = _children(actor, wanted)
    view = data.get("vue") if data.get("vue") in VIEWS else "semaine"
    today = timezone.localdate()
    start, end, previous, following = _range(view, _parse_day(data.get("du"), today))
    now = timezone.now()
    plan = household_planning(actor=actor, children=children, start=start, end=end, now=now)
    query = _query(children, view, start, everyone=not wanted)
    if request.method == "POST":
        ticked = set(request.POST.getlist("u"))
        changes = []
        for key in request.POST.getlist("jour"):
            day = plan.day(key)
            if day is None or not day.open:
                continue
            # A box not modifiable keeps what it holds; the others say what is wanted.
            units = {c.unit.code for c in day.cells if (c.value in ticked if c.changeable else c.booked)}
            if frozenset(units) != day.wanted:
                changes.append((day, units))
        _announce(request, _apply(request, actor, changes))
        return redirect(f"{reverse('reservations:planning')}?{query}")
    context = {
        "planning": plan,
        "by_date": _by_date(plan),
        "children": children,
        "all_children": list(Child.objects.filter(households=actor.household).order_by("first_name", "pk")),
        "chosen": {c.pk for c in children} if wanted else set(),
        "view": view,
        "views": VIEWS,
        "start": start,
        "end": end,
        "query": query,
        "previous": _query(children, view, previous, everyone=not wanted),
        "following": _query(children, view, following, everyone=not wanted),
        "in_basket": sum(1 for line in plan.lines for day in line.days for c in day.cells if c.in_basket),
    }
    return render(request, "reservations/planning/planning.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def planning_period(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    """From a date to another, the weekdays and units ticked ("every Tuesday evening of the year"): added
    to (or taken off) every matching open day of the children's enrolments."""
    children = _children(actor, [])
    today = timezone.localdate()
    errors = []
    data = request.POST if request.method == "POST" else None
    if request.method == "POST":
        first = _parse_day(data.get("du"), None)
        last = _parse_day(data.get("au"), None)
        chosen_children = _children(actor, data.getlist("enfant")) if data.getlist("enfant") else []
        weekdays = {n for d in data.getlist("jours") if (n := id_of(d)) is not None}
        units = set(data.getlist("unites"))  # "service:code"
        remove = data.get("action") == "retirer"
        if first is None or last is None or last < first:
            errors.append(
                _(
                    "Indiquez une date de début et une date de fin, à moins de cinq ans d'aujourd'hui, "
                    "la fin après le début."
                )
            )
        elif last - first >= LONGEST_PERIOD:
            errors.append(_("Choisissez une période d'un an au plus."))
        if not chosen_children:
            errors.append(_("Cochez au moins un enfant."))
        if not weekdays:
            errors.append(_("Cochez au moins un jour de la semaine."))
        if not units:
            errors.append(_("Cochez au moins une unité."))
        if not errors:
            n = 0
            cursor = first
            while cursor <= last:  # the planning reads at most MAX_DAYS at once
                chunk_end = min(last, cursor + timedelta(days=MAX_DAYS - 1))
                plan = household_planning(
                    actor=actor, children=chosen_children, start=cursor, end=chunk_end, now=timezone.now()
                )
                changes = []
                for line in plan.lines:
                    for day in line.days:
                        if not day.open or day.date.weekday() not in weekdays:
                            continue
                        wanted = set(day.wanted)
                        for c in day.cells:
                            if f"{line.service.pk}:{c.unit.code}" in units and c.changeable:
                                (wanted.discard if remove else wanted.add)(c.unit.code)
                        if frozenset(wanted) != day.wanted:
                            changes.append((day, wanted))
                n += _apply(request, actor, changes)
                cursor = chunk_end + timedelta(days=1)
            _announce(request, n)
            return redirect(f"{reverse('reservations:planning')}?{urlencode({'vue': 'mois', 'du': first.isoformat()})}")
    # The services and units on offer: those the children are enrolled in from today on.
    enrolments = Enrolment.objects.filter(
        household=actor.household, child__in=children, status=Decision.VALIDATED, end__gte=today
    ).values_list("service_id", flat=True)
    services = Service.objects.filter(pk__in=enrolments).prefetch_related("units").order_by("name")
    context = {
        "children": children,
        "services": services,
        "weekdays": list(enumerate(WEEKDAY_NAMES))[:6],
        "errors": errors,
        "data": data,
        "picked": {name: data.getlist(name) for name in ("enfant", "jours", "unites")} if data else {},
        "today": today,
    }
    return render(request, "reservations/planning/period.html", context)
