"""Reads on households, always through the actor: a parent reaches only their own household."""

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from catalog.models import SchoolYear
from core.roles import Role
from families.models import ChangeRequest, Child, Decision, Dossier, DossierItem, Guardian, Household
from storage.models import Document

# Service managers (a partner's too) will see the families of their own services once enrolments
# exist (reservations issue); until then, households, QF and documents stay with the mairie.
FAMILY_STAFF = frozenset({Role.ADMINISTRATOR, Role.FINANCE})


def household_key(household: Household) -> str:
    """How storage names a household's documents."""
    return f"families.household:{household.pk}"


def child_key(child: Child) -> str:
    return f"families.child:{child.pk}"


def household_of(user: User) -> Household | None:
    guardian = Guardian.objects.filter(user=user).select_related("household").first()
    return guardian.household if guardian else None


def get_child_for(*, user: User, pk: int) -> Child:
    household = household_of(user)
    child = Child.objects.filter(pk=pk, household=household).first() if household else None
    if child is None:
        raise Http404
    return child


def family_file(household: Household) -> Household:
    """A household with everything the dashboard and the staff's family file show, in a few queries."""
    return (
        Household.objects.prefetch_related(
            "guardians",
            Prefetch("children", queryset=Child.objects.prefetch_related("pickup_persons")),
            Prefetch("requests", queryset=ChangeRequest.objects.select_related("child", "proof")),
        )
        .filter(pk=household.pk)
        .get()
    )


def documents_of_household(household: Household) -> QuerySet[Document]:
    return Document.objects.filter(owner=household_key(household)).select_related("document_type")


def pending_requests() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(status=Decision.PENDING).select_related("household", "child", "proof")


def validation_counts() -> dict[str, int]:
    """What waits for the mairie: requests by kind, documents and dossiers to review (three queries)."""
    by_kind = dict(pending_requests().order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    documents = Document.objects.filter(review=Document.Review.PENDING, owner__startswith="families.").count()
    dossiers = Dossier.objects.filter(status=Dossier.Status.SUBMITTED).count()
    counts = {kind: by_kind.get(kind, 0) for kind in ChangeRequest.Kind.values}
    return {**counts, "documents": documents, "dossiers": dossiers}


def get_request_for_staff(*, actor: User, pk: int) -> ChangeRequest:
    if actor.role not in FAMILY_STAFF:
        raise Http404
    request = ChangeRequest.objects.select_related("household", "child", "proof").filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def households_for_staff(*, search: str = "") -> QuerySet[Household]:
    households = Household.objects.annotate(n_children=Count("children"))
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


def dossier_with_items(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_related("child__household", "school_year")
        .prefetch_related(Prefetch("items", queryset=DossierItem.objects.select_related("requirement", "document")))
        .get(pk=dossier.pk)
    )


def dossiers_to_review() -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(status=Dossier.Status.SUBMITTED)
        .select_related("child__household", "school_year")
        .order_by("submitted")
    )


COUNTER_SESSION_KEY = "families_counter_household"


def counter_household(request) -> Household | None:
    """The household an agent is acting for at the counter, if any (kept in their session)."""
    if request.user.role not in FAMILY_STAFF:
        return None
    household_id = request.session.get(COUNTER_SESSION_KEY)
    return Household.objects.filter(pk=household_id).first() if household_id else None


def schools() -> list[str]:
    """The schools families gave for their children, for the staff's filters."""
    return list(Child.objects.exclude(school="").order_by("school").values_list("school", flat=True).distinct())


def households_with_school(school: str) -> list[str]:
    """Storage keys of the households with a child at `school`."""
    ids = Child.objects.filter(school=school).values_list("household_id", flat=True).distinct()
    return [f"families.household:{pk}" for pk in ids]
