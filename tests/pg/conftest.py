"""A PostgreSQL server for the whole test session (one per xdist worker), a database per test.

Without PostgreSQL's initdb on this machine the tests that need it are skipped,
saying why; `.ci/run` and `make test` install the Debian package first.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest
from pgserver import MEMBERS, TEAM, PgStore, Server, find_bin, running_server

from core import pgstore


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
