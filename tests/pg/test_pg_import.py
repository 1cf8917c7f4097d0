"""`store copy` into PostgreSQL in batches (`leerpad.import_records`): the same checks and the
same chain as appending the records one by one through `leerpad.import_record`."""

from __future__ import annotations

import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest
from pgserver import SUPERUSER, TEAM, PgStore, Server

from catalog.schema import Profile
from core import access, commands, pgstore
from core import events as ev
from core.erasure import erase_plan
from core.projections import StoreState
from core.storage import StoreError, writing
from core.store import Store

START = date(2026, 10, 5)


def anyone(_login: str) -> bool:
    return True


@pytest.fixture
def source(tmp_path: Path, tiny_profile: Profile) -> list[ev.Record]:
    """The records of a file store with plans, notes, roles and an erasure, as sealed there."""
    with Store.open(tmp_path / "store") as store:
        for trainee in ("An", "Bo", "Cas"):
            store.execute(
                lambda s, who=trainee: commands.create_plan(
                    s, tiny_profile, trainee=who, start=START
                )
            )
        for n in range(12):
            store.execute(
                lambda s, n=n: commands.add_note(s, f"P{n % 3 + 1}", f"P{n % 3 + 1}", text=f"{n}")
            )
        store.execute(lambda s: access.grant(s, store.actor, "admin", user_exists=anyone))
        store.execute(
            lambda s: access.grant(s, "piet", "trainee", plans=["P2"], user_exists=anyone)
        )
        store.execute(lambda s: erase_plan(s, "P1", reason="verzoek", force=True))
        store.execute(lambda s: access.revoke(s, "piet", "trainee"))
        return [record for record, _ in store.records(opened=False)]  # type: ignore[misc]


def _empty_store(server: Server, log_id: str) -> str:
    database = server.new_database()
    pgstore.init_database(server.url(database), TEAM)
    server.psql(
        f"UPDATE leerpad.store SET log_id = '{log_id}', last_hash = leerpad.genesis('{log_id}')",
        database=database,
    )
    return database


def _import(server: Server, database: str, records: list[ev.Record], *, batched: bool) -> str:
    backend = pgstore.PgBackend.open(server.url(database, SUPERUSER))
    try:
        state = StoreState()
        state.hash = backend.genesis
        with writing(backend, state):
            if batched:
                backend.import_records(state, records)
            else:
                for record in records:
                    backend.import_record(state, record)
        assert state.seq == len(records)
        return state.hash
    finally:
        backend.close()


def _tables(server: Server, database: str) -> str:
    return server.psql(
        "SELECT * FROM leerpad.records ORDER BY seq; SELECT * FROM leerpad.roles ORDER BY 1, 2; "
        "SELECT last_seq, last_hash FROM leerpad.store",
        database=database,
    )


@pytest.mark.parametrize("batch", [1, 7, 5_000])
def test_a_store_built_in_batches_equals_one_built_record_by_record(
    pg_server: Server, source: list[ev.Record], batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pgstore, "IMPORT_BATCH", batch)
    log_id = str(uuid.uuid4())
    one, many = _empty_store(pg_server, log_id), _empty_store(pg_server, log_id)
    assert _import(pg_server, one, source, batched=False) == _import(
        pg_server, many, source, batched=True
    )
    assert _tables(pg_server, one) == _tables(pg_server, many)
    assert len(_tables(pg_server, many).splitlines()) > len(source)
    assert pgstore.verify_database(pg_server.url(many, SUPERUSER)).problem is None


def test_a_batch_is_refused_whole_into_a_store_in_use(
    pg_store: PgStore, source: list[ev.Record], tiny_profile: Profile
) -> None:
    with Store.open(pg_store.url("jan")) as jan:
        jan.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="Dirk", start=START))
    before = pg_store.psql("SELECT count(*), max(hash) FROM leerpad.records")
    with pytest.raises(StoreError, match="copy only into a new one"):
        _import(pg_store.server, pg_store.database, source, batched=True)
    assert pg_store.psql("SELECT count(*), max(hash) FROM leerpad.records") == before


def test_a_member_cannot_call_the_batch_import(pg_store: PgStore) -> None:
    text = "ARRAY[]::text[]"
    call = (
        f"SELECT * FROM leerpad.import_records({text}, ARRAY[]::timestamptz[], {text}, {text}, "
        f"{text}, {text}, ARRAY[]::bytea[], ARRAY[]::integer[], ARRAY[]::jsonb[])"
    )
    assert pg_store.psql(call).strip() == ""  # the owner's (a superuser's) to call
    with pytest.raises(subprocess.CalledProcessError) as refused:
        pg_store.psql(call, user="jan")
    assert "permission denied" in refused.value.stderr
