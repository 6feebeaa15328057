"""A record's id as a page receives it (a form's field, a query string): text to check before `int()`.

`str.isdigit()` is no such check: "²" or "١" are digits to it, and `int("²")` raises ValueError."""

# PostgreSQL's bigint, the type of every id (BigAutoField) and of the allocation's seed.
BIGINT_MAX = 2**63 - 1


def id_of(value) -> int | None:
    """The number written in `value` (ASCII digits only, from 0 to `BIGINT_MAX`), None for anything else: a
    view answers None as it answers an id that finds no record."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= BIGINT_MAX else None
