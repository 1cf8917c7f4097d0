"""Writers of a database store queue on one advisory lock, as file store writers on the
file lock: many busy writers all land, none starves; a lock held too long is one sentence."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pgserver import PgStore
from test_store_contract import write_at_once

from catalog.schema import Profile
from cli.main import main
from core import commands, pgstore, store
from core import events as ev
from core.i18n import t
from core.storage import writing
from core.store import Store, StoreError

START = date(2026, 10, 5)


def _holders(conn: Any) -> list[int]:
    """The backend pids holding the store's write lock, seen from another connection."""
    high, low = divmod(pgstore.WRITE_LOCK, 2**32)
    rows = conn.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 1",
        (high, low),
    ).fetchall()
    return [pid for (pid,) in rows]


def _new_plan(pg: PgStore, profile: Profile) -> None:
    with Store.open(pg.url("jan")) as jan:
        jan.execute(lambda s: commands.create_plan(s, profile, trainee="Piet", start=START))


def test_a_writer_holds_the_write_lock_while_it_decides(
    pg_store: PgStore, tiny_profile: Profile
) -> None:
    _new_plan(pg_store, tiny_profile)
    seen: list[list[int]] = []
    with Store.open(pg_store.url("els")) as els, pgstore.connect(pg_store.url("lp_admin")) as db:

        def decide(state: Any) -> ev.Event:
            seen.append(_holders(db))
            return commands.add_note(state, "P1", "P1", text="onder het slot")

        els.execute(decide)
        assert seen == [[els.backend.conn.info.backend_pid]]
        assert _holders(db) == []  # released after the append


@pytest.mark.parametrize("login", ["ann", "jan", "piet"])
def test_every_role_takes_the_write_lock(team: PgStore, login: str) -> None:
    """An admin, a mentor and a trainee (row-level security on) all queue on the lock."""
    with Store.open(team.url(login)) as who, pgstore.connect(team.url("lp_admin")) as db:
        with writing(who.backend, who.state):
            assert _holders(db) == [who.backend.conn.info.backend_pid]
        assert _holders(db) == []


def test_busy_writers_all_land_without_conflicts(
    pg_store: PgStore, tiny_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Queued on the lock no append finds that others came first: the first one that
    # does gives up (store.busy) and fails the test.
    monkeypatch.setattr(store, "CONFLICT_RETRIES", 1)
    _new_plan(pg_store, tiny_profile)
    writers = [Store.open(pg_store.url(("jan", "els")[k % 2])) for k in range(6)]
    each = 25
    failures = write_at_once(writers, each)
    for writer in writers:
        writer.close()
    assert [str(exc) for exc in failures] == []
    with Store.open(pg_store.url("jan")) as reader:
        records = [record for record, _ in reader.records()]
        assert [record.seq for record in records] == list(range(1, 2 + len(writers) * each))
        texts = sorted(record.event.text for record in records[1:])  # type: ignore[union-attr]
        assert texts == sorted(f"w{k}-{i}" for k in range(len(writers)) for i in range(each))
        assert reader.verify().problem is None


def test_a_lock_held_too_long_refuses_the_change_and_writes_nothing(
    pg_store: PgStore, tiny_profile: Profile
) -> None:
    _new_plan(pg_store, tiny_profile)
    decided: list[int] = []

    def decide(state: Any) -> ev.Event:
        decided.append(state.seq)
        return commands.add_note(state, "P1", "P1", text="te laat")

    with Store.open(pg_store.url("jan")) as jan, pgstore.connect(pg_store.url("lp_admin")) as db:
        jan.backend.lock_seconds = 0.2
        db.execute("SELECT pg_advisory_lock(%s)", (pgstore.WRITE_LOCK,))
        with pytest.raises(StoreError) as caught:
            jan.execute(decide)
        why = t("pg.lock_wait", seconds="0.2")
        assert str(caught.value) == t("store.lock_failed", path=jan.location, why=why)
        assert decided == [] and jan.state.seq == 1
        assert db.execute("SELECT count(*) FROM leerpad.records").fetchone() == (1,)
        # The bound was for that wait only; the lock was never taken.
        assert jan.backend.conn.execute("SHOW lock_timeout").fetchone() == ("0",)
        assert _holders(db) == [db.info.backend_pid]
        db.execute("SELECT pg_advisory_unlock(%s)", (pgstore.WRITE_LOCK,))
        assert jan.execute(decide).seq == 2


def test_the_command_line_says_so_and_exits_3(
    pg_store: PgStore,
    tiny_profile: Profile,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _new_plan(pg_store, tiny_profile)
    monkeypatch.setattr(pgstore, "LOCK_SECONDS", 0.2)
    with pgstore.connect(pg_store.url("lp_admin")) as db:
        db.execute("SELECT pg_advisory_lock(%s)", (pgstore.WRITE_LOCK,))
        code = main(
            ["--lang", "en", "--store", pg_store.url("jan"), "note", "add", "P1", "P1", "x"]
        )
        assert code == 3
        why = t("pg.lock_wait", seconds="0.2")
        location = pgstore.shown_location(pg_store.url("jan"))
        assert t("store.lock_failed", path=location, why=why) in capsys.readouterr().err
        assert db.execute("SELECT count(*) FROM leerpad.records").fetchone() == (1,)
