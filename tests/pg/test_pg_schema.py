"""init-store on a database that already holds a store: re-runnable, and the way an older
schema is upgraded. data/schema-N.sql and data/grants-N.sql are the scripts of schema N, as
released: 1 had no `leerpad.roles_held` and no schema version, 2 no `leerpad.plan_keys`
(personal texts were kept plain)."""

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


def _made_by_schema(pg_server: Server, version: int) -> PgStore:
    database = pg_server.new_database()
    admin = pgstore.connect(pg_server.url(database))
    try:
        known = "SELECT 1 FROM pg_roles WHERE rolname = %s"
        if admin.execute(known, (pgstore.OWNER,)).fetchone() is None:
            admin.execute(f"CREATE ROLE {pgstore.OWNER} NOLOGIN")
        for name in (f"schema-{version}.sql", f"grants-{version}.sql"):
            script = (DATA / name).read_text(encoding="utf-8")
            admin.execute(script.replace("{owner}", pgstore.OWNER).replace("{group}", TEAM))
        if version > 1:
            admin.execute(f"UPDATE leerpad.store SET schema_version = {version}")
    finally:
        admin.close()
    return PgStore(pg_server, database)


@pytest.fixture
def old_store(pg_server: Server, tiny_profile: Profile) -> PgStore:
    """A store made by the first schema, with a plan, a note and roles in it, written as the
    leerpad of that schema wrote them: personal texts plain."""
    store = _made_by_schema(pg_server, 1)
    with Store.open(store.url("ann")) as ann:
        assert ann.keys is None and ann.read_only  # this leerpad would not write there
        ann.read_only = None
        ann.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="Piet", start=START))
        ann.execute(lambda s: commands.add_note(s, "P1", "P1", text="Goed bezig"))
        for role in ("admin", "mentor"):
            ann.execute(lambda s, r=role: access.grant(s, "ann", r, user_exists=lambda _: True))
    return store


def _contents(store: PgStore) -> str:
    columns = "seq, id, time, actor, payload, hash"
    return store.psql(f"SELECT {columns} FROM leerpad.records ORDER BY seq")


def test_init_store_upgrades_a_store_of_the_first_schema(
    old_store: PgStore, capsys: pytest.CaptureFixture[str], pg_server: Server
) -> None:
    records = _contents(old_store)
    admin_url = old_store.server.url(old_store.database)
    code, out, err = run(capsys, "--store", old_store.url("ann"), "verify")
    assert code == 3 and "older schema" in out + err  # said, not a crash

    code, out, _ = run(capsys, "init-store", admin_url, "--group", TEAM)
    assert code == 0 and "schema 1: its schema is now 3" in out
    assert _contents(old_store) == records
    assert old_store.psql("SELECT schema_version, format FROM leerpad.store").strip() == "3|1"
    assert old_store.psql("SELECT count(*) FROM leerpad.roles_held()", user="ann").strip() == "2"
    code, out, _ = run(capsys, "--store", old_store.url("ann"), "verify")
    assert code == 0 and out.startswith("intact: 4 records")

    # Again: nothing left to do, nothing changed.
    code, out, _ = run(capsys, "init-store", admin_url, "--group", TEAM)
    assert code == 0 and "already holds a leerpad store" in out
    assert _contents(old_store) == records

    # Its texts are plain in its records: it is read, not written, until copied into a new
    # store, which seals them.
    assert "Goed bezig" in run(capsys, "--store", old_store.url("ann"), "plan", "show", "P1")[1]
    code, _, err = run(capsys, "--store", old_store.url("ann"), "note", "add", "P1", "P1", "Later")
    assert code != 0 and "plain text" in err and "leerpad store copy" in err
    assert _contents(old_store) == records
    new = pg_server.new_database()
    pgstore.init_database(pg_server.url(new), TEAM)
    code, _, err = run(capsys, "store", "copy", old_store.url("ann"), pg_server.url(new))
    assert code == 0, err
    copied = PgStore(pg_server, new)
    assert "Goed bezig" not in copied.psql("SELECT payload FROM leerpad.records")
    assert copied.psql("SELECT plan FROM leerpad.plan_keys WHERE key IS NOT NULL").split() == ["P1"]
    code, _, err = run(capsys, "--store", copied.url("ann"), "note", "add", "P1", "P1", "Later")
    assert code == 0, err
    shown = run(capsys, "--store", copied.url("ann"), "plan", "show", "P1")[1]
    assert "Goed bezig" in shown and "Later" in shown
    assert run(capsys, "--store", copied.url("ann"), "verify")[0] == 0


def test_an_empty_store_of_the_second_schema_seals_once_upgraded(
    pg_server: Server, tiny_profile: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _made_by_schema(pg_server, 2)
    admin_url = store.server.url(store.database)
    with Store.open(store.url("ann")) as ann:
        assert ann.read_only and "older schema" in ann.read_only
    for _ in range(2):  # re-runnable
        code, _out, err = run(capsys, "init-store", admin_url, "--group", TEAM)
        assert code == 0, err
    assert store.psql("SELECT schema_version, format FROM leerpad.store").strip() == "3|2"
    with Store.open(store.url("ann")) as ann:
        assert ann.writable and ann.keys is not None
        ann.execute(
            lambda s: commands.create_plan(s, tiny_profile, trainee="Zegel7Qz", start=START)
        )
    assert "Zegel7Qz" not in store.psql("SELECT payload FROM leerpad.records")
    assert store.psql("SELECT plan, octet_length(key) FROM leerpad.plan_keys").strip() == "P1|32"
    with Store.open(store.url("jan")) as jan:
        assert jan.state.plans["P1"].trainee == "Zegel7Qz"


def test_a_store_of_a_newer_schema_is_left_alone(
    pg_store: PgStore, capsys: pytest.CaptureFixture[str]
) -> None:
    pg_store.psql("UPDATE leerpad.store SET schema_version = 99")
    pg_store.psql("DROP FUNCTION leerpad.roles_held()")
    admin_url = pg_store.server.url(pg_store.database)
    code, _, err = run(capsys, "init-store", admin_url, "--group", TEAM)
    assert code == 3 and "newer leerpad (schema 99)" in err
    assert pg_store.psql("SELECT to_regproc('leerpad.roles_held')").strip() == ""
