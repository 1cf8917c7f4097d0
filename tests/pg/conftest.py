"""A PostgreSQL server for the whole test session (one per xdist worker), a database per test.

Without PostgreSQL's initdb on this machine the tests that need it are skipped,
saying why; `.ci/run` and `make test` install the Debian package first.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pgserver import Server, find_bin, running_server

from core import pgstore

TEAM = "ibo_team"
MEMBERS = ("jan", "els", "piet", "lien", "ann")
"""Database users in the team role: they log in, and the database says who they are."""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    if find_bin() is None:
        pytest.skip("PostgreSQL is not installed (no initdb): apt-get install postgresql")
    try:
        with running_server() as server:
            logins = "; ".join(f"CREATE ROLE {m} LOGIN; GRANT {TEAM} TO {m}" for m in MEMBERS)
            server.psql(f"CREATE ROLE {TEAM}; {logins}; CREATE ROLE outsider LOGIN")
            yield server
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"could not start a throwaway PostgreSQL: {exc.stderr!r}")


@dataclass
class PgStore:
    """A fresh database holding an initialised leerpad store."""

    server: Server
    database: str

    def url(self, user: str = "jan") -> str:
        return self.server.url(self.database, user)

    def psql(self, sql: str, user: str = "lp_admin") -> str:
        return self.server.psql(sql, database=self.database, user=user)


@pytest.fixture
def pg_store(pg_server: Server) -> PgStore:
    database = pg_server.new_database()
    pgstore.init_database(pg_server.url(database), TEAM)
    return PgStore(pg_server, database)
