"""The basket page: every change before validation (child, service, day, units, price, late price, total),
then one validation that applies them all and says precisely what could not be applied and why."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core.ids import id_of
from families.selectors import FamilyActor
from families.views import family_page
from reservations.basket_recap import basket_recap
from reservations.models import BasketLine
from reservations.prices import priced_groups
from reservations.services.basket import basket_drop, basket_validate


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def basket(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    household = actor.household
    if request.method == "POST" and "drop" in request.POST:
        line = BasketLine.objects.filter(household=household, pk=id_of(request.POST["drop"])).first()
        if line:
            basket_drop(actor=request.user, household=household, line=line)
        return redirect("reservations:basket")
    if request.method == "POST":
        outcome = basket_validate(actor=request.user, household=household, all_or_none="tout_ou_rien" in request.POST)
        if outcome.undone:
            messages.warning(request, _("Rien n'a été enregistré (tout ou rien) : votre panier est conservé."))
            return render(request, "reservations/basket_done.html", {"outcome": outcome})
        booked, cancelled, held = priced_groups(
            household, [outcome.booked, outcome.cancelled, outcome.held], outcome.services
        )
        context = {
            "outcome": outcome,
            "booked": booked,
            "cancelled": cancelled,
            "held": held,
            "held_until": min((b.held_until for b in outcome.held), default=None),
        }
        context["held_total"] = sum(day.total for day in context["held"])
        changed = len(outcome.booked) + len(outcome.cancelled)
        if changed:
            done = ngettext(
                "%(n)s changement enregistré ; le récapitulatif vous est envoyé par e-mail.",
                "%(n)s changements enregistrés ; le récapitulatif vous est envoyé par e-mail.",
                changed,
            )
            messages.success(request, done % {"n": changed})
        else:
            messages.warning(request, _("Aucun changement n'a pu être enregistré."))
        return render(request, "reservations/basket_done.html", context)
    lines = basket_recap(household, timezone.now())
    total = sum(line.total for line in lines if not line.refusal)
    several = len({line.child.pk for line in lines}) > 1
    return render(request, "reservations/basket.html", {"lines": lines, "total": total, "several": several})
