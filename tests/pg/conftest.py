"""A PostgreSQL server for the whole test session (one per xdist worker), a database per test.

Without PostgreSQL's initdb on this machine the tests that need it are skipped,
saying why; `.ci/run` and `make test` install the Debian package first.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import date

import pytest
from pgserver import MEMBERS, TEAM, PgStore, Server, find_bin, running_server

from catalog.schema import Profile
from core import access, commands, pgstore
from core.store import Store


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    if find_bin() is None:
        _unavailable("PostgreSQL is not installed (no initdb): apt-get install postgresql")
    try:
        with running_server() as server:
            logins = "; ".join(f"CREATE ROLE {m} LOGIN; GRANT {TEAM} TO {m}" for m in MEMBERS)
            server.psql(f"CREATE ROLE {TEAM}; {logins}; CREATE ROLE outsider LOGIN")
            yield server
    except subprocess.CalledProcessError as exc:
        _unavailable(f"could not start a throwaway PostgreSQL: {exc.stderr!r}")


def _unavailable(reason: str) -> None:
    """Skip where PostgreSQL cannot be had; in CI, which installs it, that is a failure."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def pg_store(pg_server: Server) -> PgStore:
    database = pg_server.new_database()
    pgstore.init_database(pg_server.url(database), TEAM)
    return PgStore(pg_server, database)


def anyone(_login: str) -> bool:
    """Every login exists (the database users are made by the server fixture)."""
    return True


@pytest.fixture
def team(pg_store: PgStore, tiny_profile: Profile) -> PgStore:
    """P1 (trainee piet) and P2 (trainee lien); ann admin, jan mentor of all plans."""
    with Store.open(pg_store.url("ann")) as ann:
        for trainee in ("Piet", "Lien"):
            ann.execute(
                lambda s, who=trainee: commands.create_plan(
                    s, tiny_profile, trainee=who, start=date(2026, 10, 5)
                )
            )
        ann.execute(lambda s: access.grant(s, "ann", "admin", user_exists=anyone))
        ann.execute(lambda s: access.grant(s, "jan", "mentor", all_plans=True, user_exists=anyone))
        ann.execute(lambda s: access.grant(s, "piet", "trainee", plans=["P1"], user_exists=anyone))
        ann.execute(lambda s: access.grant(s, "lien", "trainee", plans=["P2"], user_exists=anyone))
    return pg_store
