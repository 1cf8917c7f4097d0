"""Store behaviour: opening, appending, catching up, refusing, and what it does with bad logs."""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import msgspec
import pytest
from faultkit import FillingDisk, check_log, log_size

from catalog.schema import Profile
from core import commands
from core import events as ev
from core import log as logmod
from core.commands import Rejected
from core.identity import current_actor
from core.log import HEADER_SIZE, LogFile, encode_header, frame, payload_hash, scan_frames
from core.store import LOG_NAME, ReadOnly, Store, StoreError, new_file_mode

TODAY = date(2026, 11, 28)


def note(text: str, target: str = "P1") -> Callable[[object], ev.Event]:
    return lambda s: commands.add_note(s, "P1", target, text=text)  # type: ignore[arg-type]


def append_raw(store_dir: Path, body: dict[str, object], **envelope: object) -> None:
    """Append a record by hand (as another program or a newer version would), chained right."""
    path = store_dir / LOG_NAME
    data = path.read_bytes()
    frames, end, _ = scan_frames(data[HEADER_SIZE:], HEADER_SIZE)
    assert end == len(data)
    prev = payload_hash(frames[-1].payload) if frames else hashlib.sha256(data[:32]).hexdigest()
    record = {
        "seq": len(frames) + 1,
        "id": f"raw{len(frames) + 1}",
        "time": datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
        "actor": "someone",
        "prev": prev,
        "event": body,
        "v": 1,
    }
    record.update(envelope)
    with open(path, "ab") as f:
        f.write(frame(msgspec.msgpack.encode(record)))


# --- opening ---------------------------------------------------------------------------


def test_open_creates_nested_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "store"
    with Store.open(path) as store:
        assert (path / LOG_NAME).stat().st_size == HEADER_SIZE
        assert store.state.seq == 0
        assert store.writable and store.read_only is None
        assert store.actor == current_actor()


def test_open_without_create_names_the_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="There is no leerpad store at"):
        Store.open(tmp_path / "nope", create=False)
    assert not (tmp_path / "nope").exists()


def test_open_on_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="Cannot open the store"):
        Store.open(tmp_path / "file")


def test_setgid_store_files_get_group_permissions(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    os.chmod(team, 0o2770)
    assert new_file_mode(team) == 0o660
    old = os.umask(0o077)
    try:
        with Store.open(team) as store:
            assert stat.S_IMODE((team / LOG_NAME).stat().st_mode) == 0o660
            assert store.writable
    finally:
        os.umask(old)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert new_file_mode(plain) is None


# --- appending -----------------------------------------------------------------------------


def test_execute_appends_one_chained_record(plan_store: Store, clock: object) -> None:
    first = next(iter(plan_store.records()))[0]
    assert isinstance(first, ev.Record)
    assert first.seq == 1
    assert first.prev == plan_store.log.header.hash
    assert first.actor == current_actor()
    assert first.time == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    before = log_size(plan_store)
    record = plan_store.execute(note("Eerste week goed verlopen."))
    assert record.seq == 2
    first_hash = next(iter(plan_store.records()))[1]
    assert record.prev == first_hash
    assert plan_store.state.hash == [h for _, h in plan_store.records()][-1]
    assert log_size(plan_store) > before
    assert plan_store.end == log_size(plan_store)
    assert check_log(plan_store.path / LOG_NAME).ok


def test_times_are_stored_in_utc(make_store: Callable[..., Store], tiny_profile: Profile) -> None:
    brussels = timezone(timedelta(hours=1))
    store = make_store(clock=lambda: datetime(2026, 11, 28, 10, 30, tzinfo=brussels))
    record = store.execute(
        lambda s: commands.create_plan(s, tiny_profile, trainee="X", start=TODAY)
    )
    assert record.time == datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    assert record.time.utcoffset() == timedelta(0)


def test_a_command_that_returns_no_event_writes_nothing(plan_store: Store) -> None:
    before = log_size(plan_store)
    with pytest.raises(TypeError):
        plan_store.execute(lambda s: "not an event")  # type: ignore[arg-type,return-value]
    assert log_size(plan_store) == before


def test_rejected_command_writes_nothing_and_releases_the_lock(
    plan_store: Store, make_store: Callable[..., Store]
) -> None:
    before = log_size(plan_store)
    with pytest.raises(Rejected):
        plan_store.execute(note("   "))
    assert log_size(plan_store) == before
    other = make_store()
    other.execute(note("after a refusal"))  # would hang if the lock were still held
    assert other.state.seq == 2


def test_refresh_returns_what_others_appended(
    plan_store: Store, make_store: Callable[..., Store]
) -> None:
    other = make_store()
    assert other.state.seq == 1
    plan_store.execute(note("een"))
    plan_store.execute(note("twee"))
    records = other.refresh()
    assert [r.event.text for r in records] == ["een", "twee"]  # type: ignore[union-attr]
    assert other.state == plan_store.state
    assert other.refresh() == []


def test_writer_catches_up_before_writing(
    plan_store: Store, make_store: Callable[..., Store]
) -> None:
    other = make_store()
    plan_store.execute(note("een"))
    record = other.execute(note("twee"))  # `other` has not seen "een"
    assert record.seq == 3
    assert other.state.seq == 3
    assert check_log(other.path / LOG_NAME).ok


def test_stale_client_cannot_complete_twice(
    plan_store: Store, make_store: Callable[..., Store]
) -> None:
    stale = make_store()
    plan_store.actor = "jan"  # the other mentor (the product never sets this)
    done = commands.complete_action
    plan_store.execute(lambda s: done(s, "P1", "A1.1.1", on=TODAY, today=TODAY))
    before = log_size(plan_store)
    assert stale.state.plan("P1").action("A1.1.1").done_on is None  # type: ignore[union-attr]
    with pytest.raises(Rejected) as caught:
        stale.execute(lambda s: done(s, "P1", "A1.1.1", on=TODAY, today=TODAY))
    assert "jan" in caught.value.message("en")
    assert "already done" in caught.value.message("en")
    assert "jan" in caught.value.message("nl")
    assert log_size(stale) == before
    # The refusal came from the fresh state it caught up on.
    assert stale.state.plan("P1").action("A1.1.1").done_on == TODAY  # type: ignore[union-attr]


def test_retry_with_the_same_event_id_appends_once(
    plan_store: Store, make_store: Callable[..., Store]
) -> None:
    first = plan_store.execute(note("eenmaal"), event_id="retry-1")
    size = log_size(plan_store)
    again = plan_store.execute(note("eenmaal"), event_id="retry-1")
    assert again == first
    # Another process retrying after a crash that hid the first answer:
    other = make_store()
    assert other.execute(note("eenmaal"), event_id="retry-1") == first
    assert log_size(plan_store) == size
    assert plan_store.state.seq == 2


def test_threads_sharing_a_store_do_not_interleave(plan_store: Store) -> None:
    def work(k: int) -> None:
        for i in range(25):
            plan_store.execute(note(f"t{k}-{i}"))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    check = check_log(plan_store.path / LOG_NAME)
    assert check.ok and len(check.records) == 101
    assert plan_store.state.seq == 101


# --- reading back ------------------------------------------------------------------------------


def test_records_history_and_state_at(plan_store: Store) -> None:
    done = commands.complete_action
    plan_store.execute(lambda s: commands.plan_action(s, "P1", "A1.1.1", due=date(2026, 11, 1)))
    plan_store.execute(lambda s: done(s, "P1", "A1.1.1", on=date(2026, 11, 2), today=TODAY))
    assert [r.seq for r, _ in plan_store.records()] == [1, 2, 3]
    assert [r.seq for r, _ in plan_store.records(2)] == [1, 2]
    hashes = [h for _, h in plan_store.records()]
    assert hashes[-1] == plan_store.state.hash
    at2 = plan_store.state_at(2)
    action = at2.plan("P1").action("A1.1.1")  # type: ignore[union-attr]
    assert action is not None and action.due == date(2026, 11, 1) and action.done_on is None
    assert plan_store.state_at(3) == plan_store.state
    assert [e.kind for e in plan_store.history()] == [
        "plan.created",
        "action.planned",
        "action.completed",
    ]
    assert len(plan_store.history(1)) == 1


def test_reopened_store_equals_the_live_one(
    plan_store: Store, make_store: Callable[..., Store]
) -> None:
    plan_store.execute(note("x", "A1"))
    plan_store.execute(lambda s: commands.add_action(s, "P1", "A2", text="Eigen actie"))
    assert make_store().state == plan_store.state


# --- what a reader does with a log it cannot fully use ---------------------------------------


def test_unknown_event_type_refuses_writes_but_reads_on(plan_store: Store, store_dir: Path) -> None:
    append_raw(store_dir, {"type": "plan.archived", "plan": "P1", "why": "newer version"})
    append_raw(store_dir, {"type": "note.added", "plan": "P1", "target": "P1", "text": "na"})
    with Store.open(store_dir) as reader:
        assert reader.state.seq == 3
        assert reader.state.unknown == 1
        assert reader.read_only is not None and "plan.archived" in reader.read_only
        assert "newer leerpad" in reader.read_only
        assert reader.corruption is None
        assert reader.state.plan("P1").notes[-1].text == "na"  # type: ignore[union-attr]
        size = log_size(reader)
        with pytest.raises(ReadOnly, match="read-only"):
            reader.execute(note("mag niet"))
        assert log_size(reader) == size
        kinds = [e.kind for e in reader.history()]
        assert kinds == ["plan.created", "?plan.archived", "note.added"]
    # A writer that had the store open before the new record arrived refuses too.
    with pytest.raises(ReadOnly):
        plan_store.execute(note("ook niet"))
    assert plan_store.state.unknown == 1


def test_newer_record_format_refuses_writes(plan_store: Store, store_dir: Path) -> None:
    append_raw(store_dir, {"type": "note.added", "plan": "P1", "target": "P1", "text": "v3"}, v=3)
    with Store.open(store_dir) as reader:
        assert reader.state.seq == 2
        assert reader.read_only is not None and "record format 3" in reader.read_only
        with pytest.raises(ReadOnly):
            reader.execute(note("nee"))


def test_newer_log_format_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / LOG_NAME
    path.write_bytes(encode_header(bytes(16), version=3))
    with Store.open(tmp_path) as store:
        assert store.read_only is not None and "log format 3" in store.read_only
        with pytest.raises(ReadOnly):
            store.execute(note("x"))
    assert path.stat().st_size == HEADER_SIZE


def test_damaged_header_of_an_empty_log_is_named(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        pass
    path = tmp_path / LOG_NAME
    data = bytearray(path.read_bytes())
    data[13] ^= 0x02  # a reserved byte
    path.write_bytes(bytes(data))
    with Store.open(tmp_path) as store:
        assert store.read_only is not None and "header" in store.read_only


def _corrupt_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x20
    path.write_bytes(bytes(data))


def test_corruption_in_the_middle_is_read_only_with_the_prefix(
    plan_store: Store, store_dir: Path
) -> None:
    for i in range(4):
        plan_store.execute(note(f"n{i}"))
    offsets = [o for o, _ in plan_store.log.scan(HEADER_SIZE)]
    _corrupt_byte(store_dir / LOG_NAME, offsets[2] + 30)  # inside record 3
    size = (store_dir / LOG_NAME).stat().st_size
    with Store.open(store_dir) as reader:
        assert reader.state.seq == 2
        assert reader.corruption is not None
        assert reader.corruption.seq == 3 and reader.corruption.offset == offsets[2]
        assert reader.read_only is not None
        assert f"record 3 at byte {offsets[2]}" in reader.read_only
        assert "leerpad verify" in reader.read_only
        assert reader.refresh() == []
        with pytest.raises(ReadOnly):
            reader.execute(note("nee"))
        assert [r.seq for r, _ in reader.records()] == [1, 2]
    assert (store_dir / LOG_NAME).stat().st_size == size  # nothing moved, nothing cut


def test_a_rewritten_record_breaks_the_chain(plan_store: Store, store_dir: Path) -> None:
    """Tampering that keeps the CRC right (a re-framed, edited record) is still caught."""
    plan_store.execute(note("origineel"))
    plan_store.execute(note("daarna"))
    path = store_dir / LOG_NAME
    data = path.read_bytes()
    frames = list(plan_store.log.scan(HEADER_SIZE))
    offset, payload = frames[1]
    body = msgspec.msgpack.decode(payload)
    body["event"]["text"] = "vervalst"
    forged = frame(msgspec.msgpack.encode(body))
    end = offset + 12 + len(payload)
    path.write_bytes(data[:offset] + forged + data[end:])
    with Store.open(store_dir) as reader:
        assert reader.state.seq == 2  # the forged record itself has a valid link back
        assert reader.corruption is not None and reader.corruption.seq == 3
        assert "hash chain" in (reader.read_only or "")


def test_a_record_out_of_sequence_is_corruption(plan_store: Store, store_dir: Path) -> None:
    append_raw(store_dir, {"type": "note.added", "plan": "P1", "target": "P1", "text": "x"}, seq=5)
    with Store.open(store_dir) as reader:
        assert reader.corruption is not None
        assert "sequence number 5 where 2 was expected" in (reader.read_only or "")


def test_a_record_this_version_cannot_apply_is_named(plan_store: Store, store_dir: Path) -> None:
    append_raw(
        store_dir,
        {"type": "action.completed", "plan": "P1", "action": "A9.9.9", "on": "2026-11-01"},
    )
    with Store.open(store_dir) as reader:
        assert reader.state.seq == 1
        assert reader.read_only is not None and "cannot apply" in reader.read_only


def test_torn_tail_is_moved_aside_on_open(plan_store: Store, store_dir: Path) -> None:
    plan_store.execute(note("laatste"))
    path = store_dir / LOG_NAME
    good = path.read_bytes()
    torn = frame(b"\x87" + b"x" * 60)[:30]
    path.write_bytes(good + torn)
    with Store.open(store_dir) as store:
        assert store.state.seq == 2
        assert len(store.notices) == 1
        assert f"byte {len(good)}" in store.notices[0] and "30 bytes" in store.notices[0]
        sides = sorted(store_dir.glob("events.log.torn-*"))
        assert len(sides) == 1 and sides[0].name in store.notices[0]
        assert sides[0].read_bytes() == torn
        assert path.read_bytes() == good
        store.execute(note("daarna"))
    assert check_log(path).ok


def test_refresh_leaves_a_tail_alone_while_a_writer_holds_the_lock(
    plan_store: Store, store_dir: Path
) -> None:
    path = store_dir / LOG_NAME
    good = path.read_bytes()
    half = frame(b"\x87" + b"y" * 40)[:20]
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process, mid-append
        os.write(fd, half)
        assert plan_store.refresh() == []
        assert path.read_bytes() == good + half  # an append in progress is not touched
        assert plan_store.notices == []
        assert plan_store.read_only is None
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    # The writer died without finishing: now the tail is a crash remnant.
    assert plan_store.refresh() == []
    assert path.read_bytes() == good
    assert len(plan_store.notices) == 1


def test_a_tail_that_cannot_be_moved_aside_blocks_writing(
    plan_store: Store, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = store_dir / LOG_NAME
    good = path.read_bytes()
    path.write_bytes(good + b"\x00\x00\x00\x10")

    def refuse(self: LogFile, offset: int) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(LogFile, "move_tail_aside", refuse)
    with Store.open(store_dir) as store:
        assert store.state.seq == 1
        assert store.read_only is not None and "could not be moved aside" in store.read_only
        with pytest.raises(ReadOnly):
            store.execute(note("x"))
    assert path.read_bytes() == good + b"\x00\x00\x00\x10"


def test_disk_full_during_append_fails_cleanly(
    plan_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = log_size(plan_store)
    monkeypatch.setattr(logmod.os, "write", FillingDisk(10))
    with pytest.raises(StoreError, match=r"the disk is full\. Nothing was written"):
        plan_store.execute(note("past niet"))
    monkeypatch.undo()
    assert log_size(plan_store) == before
    assert plan_store.state.seq == 1 and plan_store.read_only is None
    plan_store.execute(note("past wel"))
    assert check_log(plan_store.path / LOG_NAME).ok


def test_messages_follow_the_language(plan_store: Store, store_dir: Path) -> None:
    from core import i18n

    _corrupt_byte(store_dir / LOG_NAME, HEADER_SIZE + 40)
    i18n.set_language("nl")
    try:
        with Store.open(store_dir) as reader:
            assert reader.read_only is not None and "beschadigd" in reader.read_only
    finally:
        i18n.set_language("en")
