"""Fixtures for the calendar tests: an administrator, a clerk and a viewer in commune XA-A."""

from __future__ import annotations

import pytest


class People:
    def __init__(self, accounts):
        self.accounts = accounts
        for name, role in (("quantri", "admin"), ("vanthu", "clerk"), ("xem", "viewer")):
            accounts.user(name, role, unit="XA-A", full_name=name.title())

    def p(self, name: str):
        return self.accounts.principal(name)


@pytest.fixture
def people(accounts):
    return People(accounts)
