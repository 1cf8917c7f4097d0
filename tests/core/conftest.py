"""Fixtures for the core tests: a store holding one plan made from the tiny profile."""

from __future__ import annotations

from datetime import date

import pytest

from catalog.schema import Profile
from core import commands
from core.store import Store

START = date(2026, 10, 5)
"""P1 starts on a Monday eight weeks before "today" (2026-11-28) and runs 12 weeks."""


@pytest.fixture
def plan_store(store: Store, tiny_profile: Profile) -> Store:
    """`store` with plan P1 for trainee An Peeters, started 2026-10-05, 12 weeks."""
    store.execute(
        lambda s: commands.create_plan(
            s, tiny_profile, trainee="An Peeters", start=START, weeks=12, company="Bakkerij Jansen"
        )
    )
    return store
