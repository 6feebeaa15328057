"""Reads on households, always through the actor: a family reaches only its own household.

Every record read from user input goes through a `get_<thing>_for(actor, pk)` that answers 404
outside the actor's reach. On the family's pages the actor is a `FamilyActor`: a guardian in their
household, or an agent acting for one at the counter. A child shared by two households is reached
from both; what belongs to a household (address, phones, QF, pick-up persons) from its own only.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from catalog.models import SchoolYear, Service
from core.ids import id_of
from core.roles import Capability, can
from families.models import (
    ChangeRequest,
    Child,
    Decision,
    Dossier,
    DossierItem,
    DossierRequirement,
    Guardian,
    Household,
    PickupPerson,
    Schooling,
)
from storage.models import Document

HOUSEHOLD_OWNER_PREFIX = "families.household:"
COUNTER_SESSION_KEY = "families_counter_household"


@dataclass(frozen=True)
class FamilyActor:
    """Who works on a household's pages: one of its guardians, or an agent at the counter."""

    user: User
    household: Household

    @property
    def at_counter(self) -> bool:
        return can(self.user, Capability.FAMILIES_REVIEW)

    @property
    def guardian(self) -> Guardian | None:
        """The guardian the pages speak for: the user themselves, or at the counter the first with an account."""
        if not self.at_counter:
            return getattr(self.user, "guardian", None)
        guardians = self.household.guardians.all()
        return next((g for g in guardians if g.user_id), None) or next(iter(guardians), None)


def household_key(household: Household) -> str:
    """How storage names a household's documents."""
    return f"{HOUSEHOLD_OWNER_PREFIX}{household.pk}"


def child_key(child: Child) -> str:
    return f"families.child:{child.pk}"


def household_of(user: User) -> Household | None:
    guardian = Guardian.objects.filter(user=user).select_related("household").first()
    return guardian.household if guardian else None


def family_actor_for(*, user: User, session) -> FamilyActor | None:
    """The household `user` works on: the one acted for at the counter (staff), else their own."""
    if can(user, Capability.FAMILIES_REVIEW):
        household_id = session.get(COUNTER_SESSION_KEY)
        household = Household.objects.filter(pk=household_id).first() if household_id else None
    elif can(user, Capability.FAMILY_SPACE):
        household = household_of(user)
    else:
        household = None
    return FamilyActor(user=user, household=household) if household else None


def counter_household(*, user: User, session) -> Household | None:
    """The household an agent is acting for at the counter, if any (kept in their session)."""
    actor = family_actor_for(user=user, session=session) if can(user, Capability.FAMILIES_REVIEW) else None
    return actor.household if actor else None


def _found(record):
    if record is None:
        raise Http404
    return record


def get_child_for(actor: FamilyActor, pk: int) -> Child:
    return _found(Child.objects.filter(pk=pk, households=actor.household).first())


def get_pickup_for(actor: FamilyActor, pk: int) -> PickupPerson:
    return _found(PickupPerson.objects.filter(pk=pk, household=actor.household).first())


def get_dossier_for(actor: FamilyActor, pk: int) -> Dossier:
    return _found(dossier_query().filter(pk=pk, child__households=actor.household).first())


def get_open_year_for(actor: FamilyActor, pk: int, today: date) -> SchoolYear:
    """A school year the family may still file a dossier for."""
    return _found(open_school_years(today).filter(pk=pk).first())


def get_dossier_item_for(actor: FamilyActor, dossier: Dossier, pk: int) -> DossierItem:
    """An item of `dossier`, itself read through `get_dossier_for`."""
    return _found(get_dossier_for(actor, dossier.pk).items.filter(pk=pk).first())


def pickups_of(*, child: Child, household: Household) -> QuerySet[PickupPerson]:
    return child.pickup_persons.filter(household=household)


def family_file(household: Household) -> Household:
    """A household with everything the dashboard and the staff's family file show, in a few queries."""
    return (
        Household.objects.prefetch_related(
            "guardians",
            Prefetch(
                "children",
                queryset=Child.objects.prefetch_related(
                    Prefetch("pickup_persons", queryset=PickupPerson.objects.filter(household=household)),
                    Prefetch(
                        "households", queryset=Household.objects.exclude(pk=household.pk), to_attr="other_households"
                    ),
                ),
            ),
            Prefetch("requests", queryset=ChangeRequest.objects.select_related("child", "proof")),
        )
        .filter(pk=household.pk)
        .get()
    )


def documents_of_household(household: Household) -> QuerySet[Document]:
    return Document.objects.filter(owner=household_key(household)).select_related("document_type")


def households_sharing_document(document: Document) -> QuerySet[Household]:
    """The households whose children's dossiers hold `document` (both households of a shared child)."""
    dossier_ids = DossierItem.objects.filter(document=document).values("dossier_id")
    return Household.objects.filter(children__dossiers__in=dossier_ids).distinct()


def pending_requests() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(status=Decision.PENDING).select_related("household", "child", "proof")


def validation_counts() -> dict[str, int]:
    """What waits for the mairie: requests by kind, documents and dossiers to review (three queries)."""
    by_kind = dict(pending_requests().order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    documents = documents_to_review().count()
    dossiers = Dossier.objects.filter(status=Dossier.Status.SUBMITTED).count()
    counts = {kind: by_kind.get(kind, 0) for kind in ChangeRequest.Kind.values}
    return {**counts, "documents": documents, "dossiers": dossiers}


def _staff_only(actor: User) -> None:
    # Outside the family staff, the records do not exist (404), as a missing id does.
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise Http404


def get_request_for(actor: User, pk: int) -> ChangeRequest:
    _staff_only(actor)
    return _found(ChangeRequest.objects.select_related("household", "child", "proof").filter(pk=pk).first())


def get_household_for(actor: User, pk: int) -> Household:
    _staff_only(actor)
    return _found(Household.objects.filter(pk=pk).first())


def get_guardian_for(actor: User, *, household: Household, pk: str) -> Guardian:
    _staff_only(actor)
    guardian_id = id_of(pk)
    return _found(
        Guardian.objects.filter(pk=guardian_id, household=household).first() if guardian_id is not None else None
    )


def get_dossier_for_review(actor: User, pk: int) -> Dossier:
    _staff_only(actor)
    return _found(dossier_query().filter(pk=pk).first())


def get_document_for_review(actor: User, pk) -> Document:
    """A family document still waiting for the mairie."""
    _staff_only(actor)
    return _found(documents_to_review().filter(pk=pk).first())


def get_requirement_for(actor: User, pk: int) -> DossierRequirement:
    _staff_only(actor)
    return _found(DossierRequirement.objects.filter(pk=pk).first())


def get_child_for_staff(actor: User, pk: int) -> Child:
    _staff_only(actor)
    return _found(Child.objects.filter(pk=pk).first())


def requirements_for_staff() -> QuerySet[DossierRequirement]:
    return DossierRequirement.objects.select_related("document_type")


def household_of_document(document: Document) -> Household | None:
    household_id = document.owner.removeprefix(HOUSEHOLD_OWNER_PREFIX)
    pk = id_of(household_id)
    return Household.objects.filter(pk=pk).first() if pk is not None else None


def documents_to_review() -> QuerySet[Document]:
    return Document.objects.filter(review=Document.Review.PENDING, owner__startswith=HOUSEHOLD_OWNER_PREFIX)


def households_for_staff(*, search: str = "") -> QuerySet[Household]:
    # distinct=True: the search joins guardians and children, which would multiply the count.
    households = Household.objects.annotate(n_children=Count("children", distinct=True))
    if search:
        households = households.filter(
            Q(name__icontains=search)
            | Q(guardians__last_name__icontains=search)
            | Q(children__last_name__icontains=search)
        ).distinct()
    return households.order_by("name")


def dossier_validated(*, child: Child, day: date) -> bool:
    """Whether the child may be booked on `day`: their dossier for that school year is validated."""
    return Dossier.objects.filter(
        child=child, school_year__start__lte=day, school_year__end__gte=day, status=Dossier.Status.VALIDATED
    ).exists()


def open_school_years(today: date) -> QuerySet[SchoolYear]:
    """The years a family may file a dossier for: the current one and those to come."""
    return SchoolYear.objects.filter(end__gte=today).order_by("start")


def dossier_query() -> QuerySet[Dossier]:
    return Dossier.objects.select_related("child", "school_year").prefetch_related(
        Prefetch("items", queryset=DossierItem.objects.select_related("requirement", "document")),
        "child__households",
    )


def dossier_with_items(dossier: Dossier) -> Dossier:
    return dossier_query().get(pk=dossier.pk)


def dossier_of(*, child: Child, school_year: SchoolYear) -> Dossier | None:
    return dossier_query().filter(child=child, school_year=school_year).first()


def requirements_missing_from(dossier: Dossier) -> list[DossierRequirement]:
    """Pieces asked since the dossier was opened; added when the family next saves it."""
    present = {item.requirement_id for item in dossier.items.all()}
    return [r for r in DossierRequirement.objects.filter(active=True) if r.pk not in present]


def dossiers_to_review() -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(status=Dossier.Status.SUBMITTED)
        .select_related("child", "school_year")
        .prefetch_related("child__households")
        .order_by("submitted")
    )


def schools() -> list[str]:
    """The schools families gave for their children, for the staff's filters."""
    return list(Child.objects.exclude(school="").order_by("school").values_list("school", flat=True).distinct())


def households_with_school(school: str) -> list[str]:
    """Storage keys of the households with a child at `school`."""
    ids = Household.objects.filter(children__school=school).values_list("pk", flat=True).distinct()
    return [f"{HOUSEHOLD_OWNER_PREFIX}{pk}" for pk in ids]


def guardian_users(households) -> list[User]:
    """The accounts of the guardians of every household given (a shared child's two), each once."""
    users = {g.user for household in households for g in household.guardians.select_related("user") if g.user_id}
    return sorted(users, key=lambda user: user.pk)


def children_to_link(*, household: Household, search: str) -> QuerySet[Child]:
    """Children of other households that staff may attach to `household`: found by name, never automatically."""
    if len(search) < 2:
        return Child.objects.none()
    found = Child.objects.exclude(households=household).filter(
        Q(last_name__icontains=search) | Q(first_name__icontains=search)
    )
    return found.prefetch_related("households").order_by("last_name", "first_name")[:20]


def same_child_elsewhere(child: Child) -> QuerySet[Child]:
    """Children of other households with the same names and birth date: perhaps the same child, declared by
    the other parent. Staff decide; nothing is matched automatically."""
    return (
        Child.objects.exclude(pk=child.pk)
        .exclude(households__in=child.households.all())
        .filter(first_name__iexact=child.first_name, last_name__iexact=child.last_name, birth_date=child.birth_date)
        .prefetch_related("households")
    )


def school_levels(child: Child, years: list[SchoolYear], today: date) -> dict[int, str]:
    """The child's school level for each of `years` (by id): the schooling recorded for that year, else,
    for the year under way, the class the family declared on the child's page (CE1, GS…)."""
    levels = dict(Schooling.objects.filter(child=child, school_year__in=years).values_list("school_year", "level"))
    declared = child.school_class.strip().upper()
    for year in years:
        if not levels.get(year.pk) and year.start <= today <= year.end and declared in Service.SchoolLevel.values:
            levels[year.pk] = declared
    return levels
