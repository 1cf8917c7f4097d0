"""The command line on a PostgreSQL store: init-store, where, verify, store copy, failures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pgserver import TEAM, PgStore, Server

from catalog.schema import Profile
from cli.main import main
from core import commands
from core import events as ev
from core.projections import SIGNOFF_CURRENT, signoff_status
from core.store import Store

START = date(2026, 10, 5)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_store_makes_a_store_the_team_can_use(
    pg_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    database = pg_server.new_database()
    code, out, _ = run(capsys, "init-store", pg_server.url(database), "--group", TEAM)
    assert code == 0 and "leerpad_owner" in out
    code, out, _ = run(capsys, "init-store", pg_server.url(database), "--group", TEAM)
    assert code == 0 and "already holds a leerpad store" in out
    code, _, err = run(capsys, "init-store", pg_server.url(database), "--group", "no_such_role")
    assert code == 2 and "There is no database role no_such_role" in err
    url = pg_server.url(database, "jan")
    code, out, _ = run(capsys, "--store", url, "plan", "list")
    assert code == 0


def test_verify_and_where_on_a_database_store(
    pg_store: PgStore, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_store.url("jan") + "&password=geheim"
    code, out, _ = run(capsys, "--store", url, "verify")
    assert code == 0 and out.startswith("intact: 0 records")
    code, out, _ = run(capsys, "--store", url, "where", "--json")
    assert code == 0 and "geheim" not in out
    assert json.loads(out)["store"]["path"] == pg_store.url("jan")


def test_a_rewritten_record_is_named_by_verify(
    pg_store: PgStore, capsys: pytest.CaptureFixture[str], tiny_profile: Profile
) -> None:
    url = pg_store.url("jan")
    with Store.open(url) as store:
        store.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="An", start=START))
        store.execute(lambda s: commands.add_note(s, "P1", "P1", text="een"))
    assert run(capsys, "--store", url, "verify")[0] == 0
    # Only a superuser can do this; the chain shows it.
    pg_store.psql("UPDATE leerpad.records SET actor = 'els' WHERE seq = 1")
    code, _, err = run(capsys, "--store", url, "verify")
    assert code == 3 and "damaged: record 1" in err


def test_copy_a_file_store_to_postgresql_and_back(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_profile: Profile
) -> None:
    source = tmp_path / "file-store"
    with Store.open(source) as store:
        store.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="An", start=START))
        store.execute(lambda s: commands.add_note(s, "P1", "P1", text="een"))
        originals = [r for r, _ in store.records()]
        source_hash = store.state.hash
    admin = pg_store.url("lp_admin")
    code, out, _ = run(capsys, "store", "copy", str(source), admin)
    assert code == 0 and "Copied 2 records" in out and source_hash in out
    assert run(capsys, "--store", pg_store.url("jan"), "verify")[0] == 0
    with Store.open(pg_store.url("jan")) as copy:
        records = [r for r, _ in copy.records()]
    marker = records[0].event
    assert isinstance(marker, ev.StoreCopied)
    assert (marker.records, marker.last_hash) == (2, source_hash)
    keep = [(r.id, r.time, r.actor, r.event) for r in originals]
    assert [(r.id, r.time, r.actor, r.event) for r in records[1:]] == keep
    # Copying into a store that is in use is refused; and back into a new directory:
    code, _, err = run(capsys, "store", "copy", str(source), admin)
    assert code == 3 and "already holds 3 records" in err
    back = tmp_path / "back"
    assert run(capsys, "store", "copy", admin, str(back))[0] == 0
    assert run(capsys, "--store", str(back), "verify")[0] == 0
    with Store.open(back) as again:
        records = [r for r, _ in again.records()]
    assert [(r.id, r.time, r.actor, r.event) for r in records[2:]] == keep
    assert records[0].event.records == 3  # type: ignore[union-attr]


def test_connection_problems_are_one_sentence(
    pg_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = pg_server.url("no_such_database", "jan")
    code, _, err = run(capsys, "--store", missing, "plan", "list")
    assert code == 3 and err.startswith("leerpad: Cannot connect to the database store")
    assert err.count("\n") == 1
    down = f"postgresql:///x?host={tmp_path}&user=jan&password=geheim"
    code, _, err = run(capsys, "--store", down, "plan", "list")
    assert code == 3 and "geheim" not in err
    code, _, err = run(capsys, "--store", pg_server.url("postgres", "jan"), "plan", "list")
    assert code == 3 and "holds no leerpad store" in err


def test_sign_offs_stay_current_through_a_copy_to_postgresql_and_back(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_profile: Profile
) -> None:
    source = tmp_path / "file-store"
    with Store.open(source) as store:
        store.execute(lambda s: commands.create_plan(s, tiny_profile, trainee="An", start=START))
        store.execute(lambda s: commands.add_note(s, "P1", "P1", text="een"))
        store.execute(lambda s: commands.sign_off(s, "P1", role="mentor", remark="akkoord"))
    admin = pg_store.url("lp_admin")
    assert run(capsys, "store", "copy", str(source), admin)[0] == 0
    # verify checks each sign-off's covers_hash against the row it names.
    assert run(capsys, "--store", pg_store.url("jan"), "verify")[0] == 0
    with Store.open(pg_store.url("jan")) as copy:
        plan = copy.state.plan("P1")
        assert [signoff_status(plan, s) for s in plan.signoffs] == [SIGNOFF_CURRENT]
        assert plan.signoffs[0].covers_seq == 3
    back = tmp_path / "back"
    assert run(capsys, "store", "copy", admin, str(back))[0] == 0
    assert run(capsys, "--store", str(back), "verify")[0] == 0
    with Store.open(back) as again:
        plan = again.state.plan("P1")
        assert [signoff_status(plan, s) for s in plan.signoffs] == [SIGNOFF_CURRENT]
        assert plan.signoffs[0].covers_seq == 4
