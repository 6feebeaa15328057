"""`core.ids.id_of`: the id a page receives is ASCII digits within PostgreSQL's bigint, or no id at all."""

import pytest

from core.api import ID_MAX
from core.ids import BIGINT_MAX, id_of


@pytest.mark.parametrize(("value", "number"), [("0", 0), ("1", 1), ("0042", 42), (str(2**63 - 1), 2**63 - 1)])
def test_ascii_digits_within_a_bigint_are_a_number(value, number):
    assert id_of(value) == number


@pytest.mark.parametrize(
    "value",
    ["", " 1", "1 ", "+1", "-1", "1.0", "1e3", "abc", "²", "١٢", "１", str(2**63), "9" * 20, None, 12, ["1"]],
)
def test_anything_else_is_no_id(value):
    assert id_of(value) is None


def test_the_pages_and_the_api_share_one_bound():
    assert BIGINT_MAX == ID_MAX == 2**63 - 1
