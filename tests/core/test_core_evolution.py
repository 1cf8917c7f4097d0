"""Reading records of every format version, and telling a newer format from damage.

`tests/data/format/v1-every-event.log` was written by leerpad with format version 1
(one record of each plan event type) and is committed as it was written: every
later leerpad must read it, through upcasters once an event type's shape changes.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from core import events as ev
from core.log import HEADER_SIZE, encode_header, frame, payload_hash
from core.store import Store
from core.upgrade import upgrade_store
from core.verify import verify_store
from tests.conftest import TODAY

FIXTURE = Path(__file__).parents[1] / "data" / "format" / "v1-every-event.log"


def _copy_fixture(store_dir: Path) -> Path:
    store_dir.mkdir()
    shutil.copyfile(FIXTURE, store_dir / "events.log")
    return store_dir


def test_the_version_1_log_still_reads(store_dir: Path) -> None:
    with Store.open(_copy_fixture(store_dir)) as store:
        assert store.state.seq == 13 and store.state.unknown == 0
        # Format 1 keeps personal texts in plain text: read, but not written to until upgraded.
        assert not store.writable and "leerpad upgrade" in (store.read_only or "")
        plan = store.state.plans["P1"]
        assert plan.company == "Bakkerij" and plan.notes[0].text == "Goed bezig"
        assert plan.action("A1.1.3") is not None  # the own action
    assert verify_store(store_dir).intact


def test_an_upcaster_turns_the_old_shape_into_the_new_before_typed_decoding(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if action.planned were at version 2, whose `due` moved a day."""

    def v1_to_v2(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "due": "2026-12-02"}

    monkeypatch.setattr(ev.ActionPlanned, "version", 2)
    monkeypatch.setitem(ev.UPCASTERS, ("action.planned", 1), v1_to_v2)
    with Store.open(_copy_fixture(store_dir)) as store:
        assert str(store.state.plans["P1"].action("A1.1.1").due) == "2026-12-02"
    upgrade_store(store_dir, today=TODAY)  # rewrites every record at its type's version
    with Store.open(store_dir) as store:
        assert store.writable
        assert str(store.state.plans["P1"].action("A1.1.1").due) == "2026-12-02"
        record = store.execute(
            lambda s: ev.ActionPlanned(plan="P1", action="A1.1.2", due=date(2026, 12, 3))
        )
        assert record.v == 2  # a writer writes its type's current version
        assert {r.v for r, _ in store.records() if isinstance(r.event, ev.ActionPlanned)} == {2}
    assert verify_store(store_dir).intact


def test_an_upcaster_that_cannot_carry_a_field_over_is_damage(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(body: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("target")

    monkeypatch.setattr(ev.NoteAdded, "version", 2)
    monkeypatch.setitem(ev.UPCASTERS, ("note.added", 1), refuse)
    with Store.open(_copy_fixture(store_dir)) as store:
        assert store.corruption is not None and "field target" in (store.read_only or "")


# --- known type, bad payload: damage, not "newer" ------------------------------------------------


def _log_with(store_dir: Path, events: list[dict[str, Any]], v: int = 1) -> Path:
    """A log whose records carry these raw event bodies, correctly framed and chained."""
    store_dir.mkdir()
    header = encode_header(bytes(16))
    data, prev = bytearray(header), payload_hash(header)
    for seq, body in enumerate(events, 1):
        payload = msgspec.msgpack.encode(
            {
                "seq": seq,
                "id": f"{seq:032x}",
                "time": datetime(2026, 11, 28, tzinfo=UTC),
                "actor": "jan",
                "prev": prev,
                "event": body,
                "v": v,
            }
        )
        data += frame(payload)
        prev = payload_hash(payload)
    (store_dir / "events.log").write_bytes(bytes(data))
    return store_dir


NOTE = {"type": "note.added", "plan": "", "target": "P1", "text": "x"}


def test_a_known_type_with_a_bad_field_is_damage_naming_the_field(
    store_dir: Path, bad_note: tuple[dict[str, Any], str]
) -> None:
    body, field = bad_note
    _log_with(store_dir, [body])
    with Store.open(store_dir) as store:
        assert store.corruption is not None and store.corruption.seq == 1
        assert f"field {field}" in (store.read_only or "")
        assert "newer" not in (store.read_only or "")
    report = verify_store(store_dir)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq, report.problem.offset) == (
        "invalid",
        1,
        HEADER_SIZE,
    )
    assert f"field {field}" in report.problem.message


def test_an_unknown_type_or_a_newer_version_is_newer_not_damage(store_dir: Path) -> None:
    _log_with(store_dir, [{"type": "plan.archived", "plan": "P1"}])
    with Store.open(store_dir) as store:
        assert store.corruption is None and "newer" in (store.read_only or "")
    report = verify_store(store_dir)
    assert report.intact and report.unknown == 1
    newer = store_dir.with_name("newer")
    _log_with(newer, [{**NOTE, "text": 42}], v=5)
    with Store.open(newer) as store:
        assert store.corruption is None and "newer" in (store.read_only or "")
    assert verify_store(newer).intact
