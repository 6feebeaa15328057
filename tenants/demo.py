"""Demo communes built from the seeds, loaded by `make run` (idempotent)."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django_tenants.utils import schema_context

from accounts.models import User
from catalog.transfer import catalog_import
from core.roles import Role
from families.models import Child, Decision, Guardian
from families.services import Address, child_add, child_link, household_create, pickup_add, request_decide
from families.starters import install_standard_dossier
from tenants.demo_catalogs import DEMO_CATALOGUES
from tenants.models import Commune
from tenants.services import commune_onboard
from theming.selectors import branding_get
from theming.services import branding_update

DEMO_PASSWORD = "demo-portail-famille"
OPERATOR_EMAIL = "operateur@portail-famille.test"
LOGOS = Path(__file__).parent / "demo"


@dataclass(frozen=True)
class DemoCommune:
    slug: str
    name: str
    insee_code: str
    postcode: str
    branding: dict[str, str] = field(default_factory=dict)

    @property
    def admin_email(self) -> str:
        return f"mairie@{self.slug}.test"

    @property
    def parent_email(self) -> str:
        return f"parent@{self.slug}.test"

    @property
    def second_parent_email(self) -> str:
        """The other parent of the demo child, separated, with a household of their own."""
        return f"parent2@{self.slug}.test"


DEMO_COMMUNES = [
    DemoCommune(  # seed 000
        slug="lepallet",
        name="Le Pallet",
        insee_code="44118",
        postcode="44330",
        branding={
            "primary_colour": "#7a1f3d",
            "secondary_colour": "#fbf3f6",
            "welcome_text": "Toutes vos démarches en un clic ! Inscriptions, signalement d'une absence, "
            "paiement en ligne de vos factures : vos démarches sont accessibles 24 heures sur 24 "
            "et 7 jours sur 7.",
            "contact_email": "contact@mairie-lepallet.fr",
            "contact_phone": "02 40 80 40 24",
            "contact_address": "Mairie du Pallet\n44330 Le Pallet",
        },
    ),
    DemoCommune(  # seed 003
        slug="vallet",
        name="Vallet",
        insee_code="44215",
        postcode="44330",
        branding={
            "primary_colour": "#0b5e55",
            "secondary_colour": "#f0f7f6",
            "welcome_text": "Restaurant scolaire de l'école publique Paul Éluard, accueil périscolaire, "
            "multi-accueil, centre de loisirs et la Passerelle : vos démarches en ligne.",
            "contact_email": "portailfamille@vallet.fr",
            "contact_phone": "02 40 33 92 00",
            "contact_address": "Pôle Éducation et Vie associative\nHôtel de ville\n44330 Vallet",
        },
    ),
    DemoCommune(  # seed 004: canteen paid immediately at booking
        slug="lutinville",
        name="Lutinville",
        insee_code="44999",
        postcode="44999",
        branding={
            "primary_colour": "#6b3fa0",
            "secondary_colour": "#f6f2fb",
            "welcome_text": "Réservez et payez en ligne les repas de la cantine Les Lutins Gourmands "
            "et les temps de garderie du matin et du soir.",
            "contact_email": "portail-famille@lutinville.test",
            "contact_phone": "02 40 00 00 00",
            "contact_address": "Mairie de Lutinville",
        },
    ),
]


def load_demo() -> list[DemoCommune]:
    """Create what is missing of the demo, leave what exists alone."""
    _ensure_user(OPERATOR_EMAIL, Role.OPERATOR, first_name="Opératrice", is_staff=True)
    for demo in DEMO_COMMUNES:
        created = not Commune.objects.filter(schema_name=demo.slug).exists()
        if created:
            commune_onboard(name=demo.name, slug=demo.slug, insee_code=demo.insee_code, admin_email=demo.admin_email)
        with schema_context(demo.slug), transaction.atomic():
            if created:  # later runs keep what the demo's users changed
                catalog_import(DEMO_CATALOGUES[demo.slug]())
            logo = LOGOS / f"{demo.slug}.svg"
            has_logo = bool(branding_get().logo)
            branding_update(logo=None if has_logo else (logo.name, logo.read_bytes()), **demo.branding)
            agent = _ensure_user(demo.admin_email, Role.ADMINISTRATOR, first_name="Agent")
            parent = _ensure_user(demo.parent_email, Role.PARENT, first_name="Camille")
            second_parent = _ensure_user(demo.second_parent_email, Role.PARENT, first_name="Dominique")
            install_standard_dossier()
            child = _ensure_household(parent, agent, demo)
            _ensure_second_household(second_parent, agent, demo, child)
    return DEMO_COMMUNES


def _ensure_household(parent: User, agent: User, demo: DemoCommune) -> Child:
    """The demo parent's household, validated by the mairie, with one child: ready for the next steps."""
    existing = Guardian.objects.filter(user=parent).select_related("household").first()
    if existing is not None:
        return existing.household.children.order_by("pk").first()
    household = household_create(
        user=parent,
        name="Famille Démo",
        address=Address(address="1 place de la Mairie", postcode=demo.postcode, city=demo.name, resident=True),
        first_name="Camille",
        last_name="Démo",
        phone="06 00 00 00 00",
    )
    child = child_add(
        actor=parent,
        household=household,
        child=Child(first_name="Léa", last_name="Démo", birth_date=date(2019, 3, 2), school_class="CE1"),
    )
    for request in household.requests.all():
        request_decide(request=request, actor=agent, accept=True)
    if Child.objects.get(pk=child.pk).status != Decision.VALIDATED:
        raise RuntimeError("the demo child should be validated")
    pickup_add(
        actor=parent,
        household=household,
        child=child,
        name="Mamie Jeanne",
        phone="06 11 11 11 11",
        relationship="Grand-mère",
    )
    return child


def _ensure_second_household(parent: User, agent: User, demo: DemoCommune, child: Child) -> None:
    """The child's other parent, separated: their own household (address, phones, pick-ups), the same child."""
    if Guardian.objects.filter(user=parent).exists():
        return
    household = household_create(
        user=parent,
        name="Foyer Moreau",
        address=Address(address="8 rue du Moulin", postcode=demo.postcode, city=demo.name, resident=True),
        first_name="Dominique",
        last_name="Moreau",
        phone="07 22 22 22 22",
    )
    request_decide(request=household.requests.get(), actor=agent, accept=True)
    child_link(actor=agent, child=child, household=household)
    pickup_add(
        actor=parent, household=household, child=child, name="Oncle Paul", phone="06 33 33 33 33", relationship="Oncle"
    )


def _ensure_user(email: str, role: Role, **fields) -> User:
    """The demo account with its known password and a verified e-mail."""
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email=email).first() or User(email=email)
    user.role = role
    for name, value in fields.items():
        setattr(user, name, value)
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
