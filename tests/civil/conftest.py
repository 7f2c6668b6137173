"""Fixtures for the civil-status register tests: the shared app and accounts, plus the
people of an office (XA-A) and one of another office (XA-B)."""

from __future__ import annotations

import pytest

from docsvc.audit.personal import Purpose

PURPOSE = Purpose("verification")


class People:
    def __init__(self, accounts):
        self.accounts = accounts
        for name, roles, unit in (("keyer1", ("civil_status",), "XA-A"), ("keyer2", ("civil_status",), "XA-A"),
                                  ("arbiter", ("civil_status",), "XA-A"), ("archivist", ("archivist",), "XA-A"),
                                  ("admin1", ("admin",), "XA-A"), ("clerk1", ("clerk",), "XA-A"),
                                  ("desk", ("one_stop",), "XA-A"), ("other", ("civil_status",), "XA-B")):
            accounts.user(name, *roles, unit=unit)

    def __getattr__(self, name):
        return self.accounts.principal(name)


@pytest.fixture
def people(accounts):
    return People(accounts)


def birth(number=None, name="Nguyễn Văn An", day="2024-03-05", **more):
    """Fields of a birth entry as a person keys them."""
    fields = {"full_name": name, "sex": 1, "date_of_birth": "01/03/2024", "registered_on": day}
    if number is not None:
        fields["number"] = number
    fields.update(more)
    return fields
