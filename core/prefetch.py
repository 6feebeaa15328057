"""Prefetched relations read as plain lists in hot loops."""

from django.db import models


def rows(instance: models.Model, relation: str) -> list:
    """The rows of `instance.<relation>`, as a list built once per instance.

    `.all()` on a prefetched relation builds a new QuerySet at each call (about 20 µs): the engine and the
    pricing read the same service's rules for every day and unit of a school year, hundreds of thousands
    of times when a commune validates its enrolments. Load the instance afresh to see later changes."""
    cache = instance.__dict__.setdefault("_rows", {})
    if relation not in cache:
        cache[relation] = list(getattr(instance, relation).all())
    return cache[relation]
