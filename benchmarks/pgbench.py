"""The PostgreSQL part of `make bench`: a throwaway server, like the tests start, fed with the
same generated stores through `leerpad store copy`'s code.

Measured: copy speed (file store -> database in batches, the chain computed by the
database), catch-up (a fresh process opening the store: every row read, checked,
opened and folded) up to LARGEST records, durable append latency, and concurrent writers. Without
PostgreSQL this part is skipped and the report says why.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEAM = "bench_team"
MEMBER = "bench_member"
LARGEST = 1_000_000
"""Stores larger than this are not loaded (`store copy` sends IMPORT_BATCH records a call)."""

# The server the tests start (initdb, pg_ctl, a socket in a tmp dir) serves here too.
sys.path.insert(0, str(ROOT / "tests" / "pg"))
from pgserver import Server, find_bin, running_server  # noqa: E402


@contextmanager
def server() -> Iterator[Server | str]:
    """A running throwaway server with a team role and one member, or why there is none."""
    if find_bin() is None:
        yield "PostgreSQL is not installed (no initdb): apt-get install postgresql"
        return
    with ExitStack() as stack:
        try:
            started = stack.enter_context(running_server())
            started.psql(f"CREATE ROLE {TEAM}; CREATE ROLE {MEMBER} LOGIN")
            started.psql(f"GRANT {TEAM} TO {MEMBER}")
        except (subprocess.CalledProcessError, OSError) as exc:
            yield f"could not start a throwaway PostgreSQL: {exc}"
            return
        yield started


def new_store(started: Server) -> tuple[str, str]:
    """A fresh database store: (the superuser's URL, the member's URL)."""
    from core import pgstore

    database = started.new_database()
    pgstore.init_database(started.url(database), TEAM)
    return started.url(database), started.url(database, MEMBER)
