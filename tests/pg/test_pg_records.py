"""A database store judges records as a log file does: upcast, newer, damage, forged sign-offs.

Rows are changed with psql as the database superuser (hash recomputed, so only
the payload's meaning is wrong), as someone bypassing leerpad would.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest
from pgserver import PgStore

from catalog.schema import Profile
from cli.main import main
from core import commands, pgstore
from core import events as ev
from core.projections import SIGNOFF_MISMATCH, signoff_status
from core.store import Store

START = date(2026, 10, 5)


def _plan_with_a_note(pg: PgStore, profile: Profile) -> int:
    """P1 with one note, appended by jan; the note's seq."""
    with Store.open(pg.url("jan")) as jan:
        jan.execute(lambda s: commands.create_plan(s, profile, trainee="Piet", start=START))
        return jan.execute(lambda s: commands.add_note(s, "P1", "P1", text="Goed bezig")).seq


def _rewrite_payload(pg: PgStore, seq: int, body: dict[str, Any]) -> None:
    """Give record `seq` (the last) this event body, with a hash that matches it."""
    payload = f"'\\x{msgspec.msgpack.encode(body).hex()}'::bytea"
    pg.psql(
        f"UPDATE leerpad.records SET payload = {payload}, hash = leerpad.record_hash("
        f"prev, seq, time, v, id, actor, plan, type, subject, {payload}) WHERE seq = {seq}; "
        "UPDATE leerpad.store SET last_hash = "
        f"(SELECT hash FROM leerpad.records WHERE seq = {seq})"
    )


def test_a_known_type_with_a_bad_field_is_damage_naming_the_field(
    pg_store: PgStore, tiny_profile: Profile, bad_note: tuple[dict[str, Any], str]
) -> None:
    body, field = bad_note
    seq = _plan_with_a_note(pg_store, tiny_profile)
    _rewrite_payload(pg_store, seq, body)
    with Store.open(pg_store.url("els")) as els:
        assert els.corruption is not None and els.corruption.seq == seq
        assert f"field {field}" in (els.read_only or "")
        assert "newer" not in (els.read_only or "")
        assert els.state.seq == seq - 1  # the records before it are read
    report = pgstore.verify_database(pg_store.url("els"))
    assert report.problem is not None and report.problem.seq == seq
    assert f"field {field}" in report.problem.message
    assert report.problem.kind == "invalid"  # as verify names it in a log file


def test_an_unknown_type_is_newer_not_damage(pg_store: PgStore, tiny_profile: Profile) -> None:
    seq = _plan_with_a_note(pg_store, tiny_profile)
    _rewrite_payload(pg_store, seq, {"type": "plan.archived", "plan": "P1"})
    with Store.open(pg_store.url("els")) as els:
        assert els.corruption is None and "newer" in (els.read_only or "")
        assert els.state.seq == seq and els.state.unknown == 1


def test_an_older_version_is_upcast_and_a_writer_writes_the_current_one(
    pg_store: PgStore, tiny_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if note.added were at version 3 (its text is sealed: the upcaster leaves it)."""
    _plan_with_a_note(pg_store, tiny_profile)
    upcast = []

    def v2_to_v3(body: dict[str, Any]) -> dict[str, Any]:
        upcast.append(body["target"])
        return body

    monkeypatch.setattr(ev.NoteAdded, "version", 3)
    monkeypatch.setitem(ev.UPCASTERS, ("note.added", 2), v2_to_v3)
    with Store.open(pg_store.url("els")) as els:
        assert els.writable
        assert upcast == ["P1"]
        assert els.state.plans["P1"].notes[0].text == "Goed bezig"
        record = els.execute(lambda s: commands.add_note(s, "P1", "P1", text="Nieuw"))
        assert record.v == 3
    assert pg_store.psql(f"SELECT v FROM leerpad.records WHERE seq = {record.seq}").strip() == "3"
    with Store.open(pg_store.url("jan")) as jan:
        assert [n.text for n in jan.state.plans["P1"].notes] == ["Goed bezig", "Nieuw"]
    assert upcast == ["P1", "P1"]  # the new record is at version 3: not upcast
    assert pgstore.verify_database(pg_store.url("jan")).problem is None


def test_a_forged_sign_off_shows_and_fails_verify(
    pg_store: PgStore, tiny_profile: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sign-off appended with another tool: the plan's version, but not its hash."""
    _plan_with_a_note(pg_store, tiny_profile)
    with Store.open(pg_store.url("jan")) as jan:
        forged = jan.execute(
            lambda s: ev.SignedOff(
                plan="P1",
                role="mentor",
                subject="plan",
                covers_seq=s.plans["P1"].version,
                covers_hash="0" * 64,
            )
        )
        note = jan.execute(lambda s: commands.add_note(s, "P1", "P1", text="Later."))
    with Store.open(pg_store.url("els")) as els:
        plan = els.state.plans["P1"]
        assert signoff_status(plan, plan.signoffs[-1]) == SIGNOFF_MISMATCH
        assert els.state.seq == note.seq  # shown, not damage: reading goes on
    report = pgstore.verify_database(pg_store.url("els"))
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq) == ("signoff", forged.seq)
    assert (report.records, report.last_hash) == (forged.seq - 1, forged.prev)
    store = ["--lang", "en", "--store", pg_store.url("els")]
    capsys.readouterr()
    assert main([*store, "verify"]) == 3
    assert f"names record {forged.event.covers_seq}" in capsys.readouterr().err
    assert main([*store, "plan", "show", "P1"]) == 0
    assert "DOES NOT MATCH" in capsys.readouterr().out
