"""Allocation by draw as people use it: a parent asks for days from /famille/attribution/ and reads the
outcome; an agent previews the draw with a seed, runs it and reads its journal."""

import html
import re
from datetime import timedelta

from conftest import signed_in
from reservations.models import AllocationRequest, AllocationRun
from reservations.tests.test_allocation import AFTER, OPENS, asking, window  # noqa: F401
from reservations.tests.test_waiting_list import WEDNESDAY, centre, enrolled  # noqa: F401
from tests.factories import family, parent_of


def test_a_parent_asks_for_days_and_withdraws_one(window, centre, year, frozen_at):  # noqa: F811
    frozen_at(OPENS + timedelta(days=1))
    martin = family("Famille Martin")
    lea = enrolled(martin, "Léa", centre, year)
    page = signed_in(parent_of(martin))

    form = page.get("/famille/attribution/").content.decode()
    assert "Demandes reçues jusqu" in form and "Envoyer mes demandes" in form
    days = [WEDNESDAY.isoformat(), (WEDNESDAY + timedelta(days=7)).isoformat()]
    page.post("/famille/attribution/", {"window": window.pk, "enfant": [lea.pk], "jour": days, "unite": ["journee"]})

    asked = AllocationRequest.objects.filter(child=lea, state="pending")
    assert sorted(a.date.isoformat() for a in asked) == days
    listing = page.get("/famille/attribution/").content.decode()
    assert "en attente de l&#x27;attribution" in listing
    other = signed_in(parent_of(family("Famille Autre")))
    assert other.post("/famille/attribution/", {"withdraw": asked[0].pk}).status_code == 404
    page.post("/famille/attribution/", {"withdraw": asked[0].pk})
    assert AllocationRequest.objects.filter(child=lea, state="pending").count() == 1


def test_an_agent_previews_the_draw_runs_it_and_reads_the_journal(window, asking, agent, frozen_at):  # noqa: F811
    frozen_at(AFTER)
    page = signed_in(agent)

    assert "Toutes les attributions" in page.get("/gestion/familles/").content.decode()
    preview = page.get(f"/gestion/inscriptions/attributions/{window.pk}/?graine=11").content.decode()
    again = page.get(f"/gestion/inscriptions/attributions/{window.pk}/?graine=11").content.decode()
    assert "Ordre avec la graine 11" in preview
    assert re.findall(r"<table>.*?</table>", preview, re.S) == re.findall(r"<table>.*?</table>", again, re.S)
    assert not AllocationRun.objects.exists()  # a preview writes nothing

    page.post(f"/gestion/inscriptions/attributions/{window.pk}/", {"graine": "11"})

    run = AllocationRun.objects.get()
    assert run.seed == 11 and run.run_by == agent
    journal = page.get(f"/gestion/inscriptions/attributions/{window.pk}/").content.decode()
    assert "graine 11" in journal and "2 places attribuées pour 5 demandes" in journal
    assert page.get(f"/gestion/inscriptions/attributions/{window.pk}/?graine=abc").status_code == 200


def test_a_parent_cannot_reach_the_staff_pages(window, asking):  # noqa: F811
    households, _children = asking
    page = signed_in(parent_of(households["Ana"]))

    assert page.get(f"/gestion/inscriptions/attributions/{window.pk}/").status_code == 403


def test_both_pages_name_the_windows_priorities_in_its_order(window, centre, year, agent, frozen_at):  # noqa: F811
    frozen_at(OPENS + timedelta(days=1))
    martin = family("Famille Martin")
    enrolled(martin, "Léa", centre, year)
    said = "Priorités, dans l'ordre : familles de la commune, frères et sœurs demandés ou inscrits le même jour."

    asking_page = html.unescape(signed_in(parent_of(martin)).get("/famille/attribution/").content.decode())
    staff_page = html.unescape(
        signed_in(agent).get(f"/gestion/inscriptions/attributions/{window.pk}/").content.decode()
    )
    assert said in asking_page
    assert said in " ".join(staff_page.split())


def test_ids_that_are_no_ids_answer_404_or_are_left_out(window, centre, year, frozen_at):  # noqa: F811
    frozen_at(OPENS + timedelta(days=1))
    martin = family("Famille Martin")
    lea = enrolled(martin, "Léa", centre, year)
    page = signed_in(parent_of(martin))

    for value in ["²", "abc", "9" * 20]:
        assert page.post("/famille/attribution/", {"withdraw": value}).status_code == 404
    asked = {"window": window.pk, "enfant": ["abc", "²"], "jour": [WEDNESDAY.isoformat()], "unite": ["journee"]}
    refused = page.post("/famille/attribution/", asked, follow=True)
    assert "Cochez au moins un enfant, un jour et une unité." in html.unescape(refused.content.decode())
    page.post("/famille/attribution/", {**asked, "enfant": ["abc", lea.pk]})
    assert AllocationRequest.objects.filter(child=lea).count() == 1


def test_a_seed_beyond_a_bigint_is_refused_with_the_message(window, asking, agent, frozen_at):  # noqa: F811
    frozen_at(AFTER)
    page = signed_in(agent)
    url = f"/gestion/inscriptions/attributions/{window.pk}/"
    said = "La graine est un nombre entier positif."

    for seed in ["9" * 20, str(2**63), "²"]:
        preview = page.get(url, {"graine": seed})
        assert preview.status_code == 200 and said in html.unescape(preview.content.decode())
    preview = page.get(url, {"graine": str(2**63 - 1)}).content.decode()
    assert f"Ordre avec la graine {2**63 - 1}" in preview and said not in html.unescape(preview)
    run = page.post(url, {"graine": "9" * 20}, follow=True)

    assert said in html.unescape(run.content.decode())
    assert not AllocationRun.objects.exists()  # a run cannot be undone: never with another seed than typed
