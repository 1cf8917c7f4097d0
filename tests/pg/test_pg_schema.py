"""init-store on a database that already holds a store: re-runnable, and the way an older
schema is upgraded. data/schema-1.sql and data/grants-1.sql are the scripts of the first
schema, as released (no `leerpad.roles_held`, no schema version)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pgserver import TEAM, PgStore, Server

from catalog.schema import Profile
from cli.main import main
from core import access, commands, pgstore
from core.store import Store

START = date(2026, 10, 5)
DATA = Path(__file__).parent / "data"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def old_store(pg_server: Server, tiny_profile: Profile) -> PgStore:
    """A store made by the first schema, with a plan, a note and roles in it."""
    database = pg_server.new_database()
    admin = pgstore.connect(pg_server.url(database))
    try:
        known = "SELECT 1 FROM pg_roles WHERE rolname = %s"
        if admin.execute(known, (pgstore.OWNER,)).fetchone() is None:
            admin.execute(f"CREATE ROLE {pgstore.OWNER} NOLOGIN")
        for name in ("schema-1.sql", "grants-1.sql"):
            script = (DATA / name).read_text(encoding="utf-8")
            admin.execute(script.replace("{owner}", pgstore.OWNER).replace("{group}", TEAM))
    finally:
        admin.close()
    store = PgStore(pg_server, database)
    with Store.open(store.url("ann")) as ann:
        ann.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="Piet", start=START))
        ann.execute(lambda s: commands.add_note(s, "P1", "P1", text="Goed bezig"))
        for role in ("admin", "mentor"):
            ann.execute(lambda s, r=role: access.grant(s, "ann", r, user_exists=lambda _: True))
    return store


def _contents(store: PgStore) -> str:
    columns = "seq, id, time, actor, payload, hash"
    return store.psql(f"SELECT {columns} FROM leerpad.records ORDER BY seq")


def test_init_store_upgrades_a_store_of_the_first_schema(
    old_store: PgStore, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _contents(old_store)
    admin_url = old_store.server.url(old_store.database)
    code, out, err = run(capsys, "--store", old_store.url("ann"), "verify")
    assert code == 3 and "older schema" in out + err  # said, not a crash

    code, out, _ = run(capsys, "init-store", admin_url, "--group", TEAM)
    assert code == 0 and "schema 1: its schema is now 2" in out
    assert _contents(old_store) == records
    assert old_store.psql("SELECT schema_version FROM leerpad.store").strip() == "2"
    assert old_store.psql("SELECT count(*) FROM leerpad.roles_held()", user="ann").strip() == "2"
    code, out, _ = run(capsys, "--store", old_store.url("ann"), "verify")
    assert code == 0 and out.startswith("intact: 4 records")

    # Again: nothing left to do, nothing changed, and appending still works.
    code, out, _ = run(capsys, "init-store", admin_url, "--group", TEAM)
    assert code == 0 and "already holds a leerpad store" in out
    assert _contents(old_store) == records
    code, _, err = run(capsys, "--store", old_store.url("ann"), "note", "add", "P1", "P1", "Later")
    assert code == 0, err
    assert run(capsys, "--store", old_store.url("ann"), "verify")[0] == 0


def test_a_store_of_a_newer_schema_is_left_alone(
    pg_store: PgStore, capsys: pytest.CaptureFixture[str]
) -> None:
    pg_store.psql("UPDATE leerpad.store SET schema_version = 99")
    pg_store.psql("DROP FUNCTION leerpad.roles_held()")
    admin_url = pg_store.server.url(pg_store.database)
    code, _, err = run(capsys, "init-store", admin_url, "--group", TEAM)
    assert code == 3 and "newer leerpad (schema 99)" in err
    assert pg_store.psql("SELECT to_regproc('leerpad.roles_held')").strip() == ""
