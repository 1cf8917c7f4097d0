"""`leerpad verify` on a database store also checks `leerpad.roles`, the table row-level
security reads, against the roles leerpad folds from the access records itself."""

from __future__ import annotations

from datetime import date

import pytest
from pgserver import PgStore

from catalog.schema import Profile
from core import access, commands
from core.pgstore import verify_database
from core.store import Store

START = date(2026, 10, 5)


def anyone(_login: str) -> bool:
    return True


@pytest.fixture
def team(pg_store: PgStore, tiny_profile: Profile) -> PgStore:
    """Grants and revocations of every shape the database folds (plans, all plans, a role)."""
    with Store.open(pg_store.url("ann")) as ann:
        for trainee in ("Piet", "Lien", "Karel"):
            ann.execute(
                lambda s, who=trainee: commands.create_plan(
                    s, tiny_profile, trainee=who, start=START
                )
            )
        for decide in (
            lambda s: access.grant(s, "ann", "admin", user_exists=anyone),
            lambda s: access.grant(s, "jan", "mentor", plans=["P1", "P2"], user_exists=anyone),
            lambda s: access.grant(s, "jan", "mentor", plans=["P3"], user_exists=anyone),
            lambda s: access.revoke(s, "jan", "mentor", plans=["P2"]),
            lambda s: access.grant(s, "els", "consultant", all_plans=True, user_exists=anyone),
            lambda s: access.grant(s, "piet", "trainee", plans=["P1"], user_exists=anyone),
            lambda s: access.grant(s, "lien", "trainee", plans=["P2"], user_exists=anyone),
            lambda s: access.revoke(s, "lien", "trainee"),
        ):
            ann.execute(decide)
    return pg_store


def test_the_roles_table_agrees_with_the_records(team: PgStore) -> None:
    report = verify_database(team.url("jan"))
    assert report.problem is None and report.records == 11


def test_a_changed_roles_table_is_reported(team: PgStore) -> None:
    # Only the database superuser can do this; it would let piet read P2.
    team.psql("UPDATE leerpad.roles SET plans = ARRAY['P1', 'P2'] WHERE login = 'piet'")
    report = verify_database(team.url("jan"))
    assert report.problem is not None and report.problem.kind == "roles"
    assert "piet as trainee: P1, P2 in the table, P1 in the records" in report.problem.message


def test_a_role_missing_from_the_table_is_reported(team: PgStore) -> None:
    team.psql("DELETE FROM leerpad.roles WHERE login = 'els'")
    report = verify_database(team.url("ann"))
    assert report.problem is not None and report.problem.kind == "roles"
    assert "els as consultant: no such role in the table, every plan" in report.problem.message


def test_a_trainee_cannot_read_the_roles_table(team: PgStore) -> None:
    assert team.psql("SELECT count(*) FROM leerpad.roles_held()", user="piet").strip() == "0"
    assert team.psql("SELECT count(*) FROM leerpad.roles_held()", user="jan").strip() == "4"
