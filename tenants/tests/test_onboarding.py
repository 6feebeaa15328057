"""Onboarding a commune with the command: everything or nothing, in well under two seconds."""

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from accounts.models import User
from conftest import host_client
from core.roles import Role
from tenants.models import Commune, Domain
from tenants.services import STARTER_TEMPLATES, commune_onboard
from theming.models import Branding


def onboard(**overrides):
    options = {"name": "Le Loroux", "slug": "leloroux", "insee": "44084", "admin_email": "maire@leloroux.test"}
    options.update(overrides)
    args = [f"--{key.replace('_', '-')}={value}" for key, value in options.items() if key != "domain"]
    args += [f"--domain={d}" for d in overrides.get("domain", [])]
    call_command("onboard_commune", *args)


def snapshot() -> tuple:
    return (
        sorted(Commune.objects.values_list("schema_name", flat=True)),
        sorted(Domain.objects.values_list("domain", flat=True)),
    )


def test_onboarding_creates_schema_domains_branding_and_invites_the_admin(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        onboard(domain=["famille.leloroux.fr"])

    commune = Commune.objects.get(schema_name="leloroux")
    assert commune.name == "Le Loroux" and commune.insee_code == "44084" and commune.is_active
    assert schema_exists("leloroux")
    assert commune.get_primary_domain().domain == "leloroux.localhost"
    assert set(commune.domains.values_list("domain", flat=True)) == {"leloroux.localhost", "famille.leloroux.fr"}
    with schema_context("leloroux"):
        admin = User.objects.get()
        assert admin.email == "maire@leloroux.test" and admin.role == Role.ADMINISTRATOR
        assert not admin.has_usable_password()
        assert "Le Loroux" in Branding.objects.get().welcome_text
    (invitation,) = mail.outbox
    assert invitation.to == ["maire@leloroux.test"]
    assert re.search(r"http://leloroux\.localhost:8000/compte/activation/\S+/\S+/", invitation.body)


def test_onboarded_commune_answers_at_once_on_its_subdomain_and_custom_domain(db):
    onboard(domain=["famille.leloroux.fr"])

    for host in ("leloroux.localhost", "famille.leloroux.fr"):
        response = host_client(host).get("/")
        assert response.status_code == 200
        assert "Le Loroux" in response.text


def test_onboarded_admin_activates_the_account_and_logs_in(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        onboard()
    path = re.search(r"http://leloroux\.localhost:8000(\S+)", mail.outbox[0].body).group(1)
    client = host_client("leloroux.localhost")

    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": "premier-mot-de-passe", "password2": "premier-mot-de-passe"})
    response = client.post("/compte/login/", {"login": "maire@leloroux.test", "password": "premier-mot-de-passe"})

    assert response.status_code == 302


def test_a_new_schema_is_cloned_from_the_template_and_fully_migrated(db):
    onboard()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, count(*) FROM information_schema.tables"
            " WHERE table_schema IN ('leloroux', 'tenant_template') GROUP BY table_schema"
        )
        tables = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM leloroux.django_migrations")
        applied = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tenant_template.django_migrations")
        template_applied = cursor.fetchone()[0]
    assert tables["leloroux"] == tables["tenant_template"] > 10
    assert applied == template_applied > 10


def test_a_cloned_schema_keeps_the_names_of_its_constraints(db):
    """The clone names unique constraints anew; a later migration that drops one by its name (as
    catalog 0004 does) would then fail in every commune onboarded by cloning."""
    onboard()

    names = "SELECT con.conname FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace"
    with connection.cursor() as cursor:
        cursor.execute(f"{names} WHERE n.nspname = 'tenant_template' EXCEPT {names} WHERE n.nspname = 'leloroux'")
        lost = [row[0] for row in cursor.fetchall()]
    assert lost == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "clisson", "insee": "44999"}, "Une commune utilise déjà cet identifiant."),
        ({"insee": "44043"}, "Une commune avec ce code INSEE existe déjà."),
        ({"domain": ["clisson.localhost"]}, "Domaine déjà utilisé : clisson.localhost."),
        ({"slug": "Le-Loroux"}, "L'identifiant doit compter 2 à 30 lettres minuscules"),
        ({"slug": "public"}, "L'identifiant « public » est déjà pris."),
        ({"slug": "tenant_template"}, "L'identifiant doit compter"),
        ({"insee": "4408"}, "Le code INSEE compte 5 caractères"),
        ({"admin_email": "pas-une-adresse"}, "Indiquez une adresse e-mail valide"),
        ({"domain": ["pas un domaine"]}, "Domaine invalide : pas un domaine"),
        ({"domain": ["www.leloroux.fr"]}, "Domaine invalide : www.leloroux.fr"),
    ],
)
def test_bad_input_gets_a_clear_french_error_and_creates_nothing(clisson, overrides, message):
    before = snapshot()

    with pytest.raises(CommandError, match=re.escape(message)):
        onboard(**overrides)

    assert snapshot() == before
    assert not schema_exists("leloroux")


def test_failure_after_the_schema_exists_leaves_nothing_behind(db, monkeypatch, django_capture_on_commit_callbacks):
    seen_schema = []

    def failing_template(commune: Commune) -> None:
        seen_schema.append(schema_exists(commune.schema_name))
        raise RuntimeError("storage unavailable")

    monkeypatch.setitem(STARTER_TEMPLATES, "failing", failing_template)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        commune_onboard(
            name="Le Loroux", slug="leloroux", insee_code="44084", admin_email="maire@leloroux.test", template="failing"
        )

    assert seen_schema == [True]
    assert snapshot() == before
    assert not schema_exists("leloroux")
    assert mail.outbox == []


def test_invitation_keeps_apostrophes_of_the_commune_name(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        onboard(name="L'Île-d'Yeu", slug="iledyeu", insee="85113")

    (invitation,) = mail.outbox
    assert invitation.subject == "[L'Île-d'Yeu] Activez votre espace sur le Portail Famille"
    assert "Portail Famille — L'Île-d'Yeu" in invitation.body
    assert "&#x27;" not in invitation.body
