"""What outside the catalogue holds catalogue rows an import would remove.

Read from the models' relations, not from a list: a booking of a unit, an enrolment in a service, an
invoice line of a tariff, a family's dossier for a school year are found the day their models exist.
As Django's deletion does, removing a row removes what cascades from it (a service's units, a tariff's
brackets, a service's settings kept by another app), so those are searched too; a row outside the
catalogue holds what it refers to when its link refuses the deletion (PROTECT, RESTRICT) or would break
(DO_NOTHING), not when it lets go (SET_NULL, SET_DEFAULT, SET). Links between catalogue rows are the
import's own business: the document it checks says what refers to what.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import Count
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils.translation import gettext as _

from catalog.transfer.keys import place_of

HOLDS = (models.PROTECT, models.RESTRICT, models.DO_NOTHING)

Node = tuple[type[models.Model], int]


@dataclass
class Reference:
    root: models.Model  # the row the import removes
    row: models.Model  # the catalogue row held: the root itself, or a row removed with it
    uses: Counter  # outside model -> how many of its rows hold `row`

    def message(self) -> str:
        uses = ", ".join(
            f"{n} {model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural}"
            for model, n in sorted(self.uses.items(), key=lambda item: str(item[0]._meta.verbose_name))
        )
        return _("%(place)s : utilisé par %(uses)s, ne peut pas être retiré.") % {
            "place": place_of(self.row),
            "uses": uses,
        }


def _in_catalogue(model: type[models.Model]) -> bool:
    return model._meta.app_label == "catalog"


def _referrer(model: type[models.Model]) -> type[models.Model]:
    """The model a row refers from: for the table of a many-to-many field, the model of the field."""
    return model._meta.auto_created or model


def _relations_to(model: type[models.Model]) -> list[ForeignObjectRel]:
    """Every foreign key to `model`, hidden ones (related_name="+", many-to-many tables) included."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def outside_references(rows: list[models.Model]) -> list[Reference]:
    """What outside the catalogue holds `rows`, or a row removed with them; one per catalogue row held."""
    # Every row removed with `rows`, with (its root, the catalogue row it is or belongs to).
    removed: dict[type[models.Model], dict[int, tuple[models.Model, Node]]] = defaultdict(dict)
    holding: list[tuple[type[models.Model], ForeignObjectRel]] = []
    frontier = {type(row): {} for row in rows}
    for row in rows:
        frontier[type(row)][row.pk] = (row, (type(row), row.pk))
    while frontier:
        model, found = frontier.popitem()
        found = {pk: origin for pk, origin in found.items() if pk not in removed[model]}
        removed[model].update(found)
        for relation in _relations_to(model) if found else ():
            related, link = relation.related_model, relation.field
            on_delete = link.remote_field.on_delete
            if on_delete in HOLDS and not _in_catalogue(related):
                holding.append((model, relation))
            elif on_delete is models.CASCADE and not related._meta.auto_created:
                referring = related._base_manager.filter(**{f"{link.name}__in": list(found)}).order_by()
                for pk, parent in referring.values_list("pk", link.attname):
                    root, anchor = found[parent]
                    frontier.setdefault(related, {})[pk] = (root, (related, pk) if _in_catalogue(related) else anchor)
    references: dict[Node, Reference] = {}
    for model, relation in dict.fromkeys(holding):  # once each
        related, link = relation.related_model, relation.field
        referring = related._base_manager.filter(**{f"{link.name}__in": list(removed[model])})
        referring = referring.exclude(pk__in=list(removed.get(related, ()))).order_by()  # removed too
        for pk, n in referring.values(link.attname).annotate(n=Count("pk")).values_list(link.attname, "n"):
            root, anchor = removed[model][pk]
            references.setdefault(anchor, Reference(root, None, Counter())).uses[_referrer(related)] += n
    for (model, pk), reference in references.items():
        reference.row = model._base_manager.get(pk=pk)
    return sorted(references.values(), key=lambda r: place_of(r.row))
