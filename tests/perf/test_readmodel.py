"""The read model: a valid one gives exactly the state of a full replay from only the tail,
decoding only the plans used; a damaged, foreign, stale or mismatched one is ignored (or a
damaged plan read from the log) and can never change the state.

Correctness only: nothing here is timed (the speed is measured by `make bench`).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import zlib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import msgspec
import pytest

from catalog.schema import Profile
from core import commands, readmodel
from core import events as ev
from core import log as core_log
from core.log import FRAME, FRAME_SIZE, HEADER_SIZE, LogFile
from core.projections import ActionState, StoreState, summaries, summarize
from core.store import LOG_NAME, Store

TODAY = date(2026, 11, 28)
START = date(2026, 10, 5)

OpenStore = Callable[..., Store]


@pytest.fixture
def open_store(make_store: OpenStore) -> OpenStore:
    """Open the test store again (on the same directory) with the fixed clock."""
    return make_store


def lived_in(store: Store, profile: Profile, *, plans: int = 3, rounds: int = 2) -> None:
    """Give `store` plans with every kind of change: the state a read model must keep."""
    for role in ("admin", "mentor", "consultant"):
        store.execute(
            lambda s, role=role: ev.AccessGranted(
                plan="", login=store.actor, role=role, all_plans=True
            )
        )
    store.execute(
        lambda s: ev.AccessGranted(plan="", login="jpeeters", role="mentor", plans=["P1"])
    )
    for _ in range(plans):
        record = store.execute(
            lambda s: commands.create_plan(
                s, profile, trainee="Lotte Wouters", start=START, weeks=12, company="Smets"
            )
        )
        more_of(store, record.event.plan, rounds=rounds)


def more_of(store: Store, plan: str, *, rounds: int = 1) -> None:
    for n in range(rounds):
        due = START + timedelta(days=7 + n)
        for action in ("A1.1.1", "A2.1.2"):
            store.execute(lambda s, a=action, d=due: commands.plan_action(s, plan, a, due=d))
        text = f"Ronde {n}: goed."
        store.execute(lambda s, x=text: commands.add_note(s, plan, "A1.1", text=x))
    on = START + timedelta(days=10)
    store.execute(lambda s: commands.complete_action(s, plan, "A1.1.1", on=on, today=TODAY))
    store.execute(lambda s: commands.reopen_action(s, plan, "A1.1.1", reason="Te vroeg."))
    store.execute(lambda s: commands.drop_action(s, plan, "A1.2.1", reason="Niet hier."))
    store.execute(lambda s: commands.add_action(s, plan, "A2", text="Eigen actie."))
    store.execute(
        lambda s: commands.record_evaluation(
            s,
            plan,
            on=on,
            today=TODAY,
            participants=["Lotte Wouters", "Jan Peeters"],
            ratings=[ev.Rating("A1", "in-ontwikkeling", "Vlot."), ev.Rating("B1", "verworven")],
            remark="Goed bezig.",
        )
    )
    store.execute(lambda s: commands.sign_off(s, plan, role="mentor", subject="E1"))
    store.execute(lambda s: commands.sign_off(s, plan, role="consultant"))


def tail(store: Store, plan: str) -> None:
    """A few more changes to a plan that has had `more_of` already."""
    due = START + timedelta(days=30 + store.state.seq)
    store.execute(lambda s: commands.plan_action(s, plan, "A2.1.3", due=due))
    store.execute(lambda s: commands.restore_action(s, plan, "A1.2.1"))
    store.execute(lambda s: commands.add_note(s, plan, plan, text="Nog een notitie."))
    store.execute(lambda s: commands.sign_off(s, plan, role="consultant"))


def full_replay(store_dir: Path) -> StoreState:
    with Store.open(store_dir, create=False) as fresh:
        return fresh.state


def assert_same_state(state: StoreState, expected: StoreState) -> None:
    assert state == expected
    assert summaries(state, TODAY) == summaries(expected, TODAY)
    for plan_id, plan in state.plans.items():
        assert plan.nodes.keys() == expected.plans[plan_id].nodes.keys()
        # The node index must point into the tree itself, or changes would be lost.
        first = plan.competencies[0].rows[0].actions[0]
        assert plan.nodes[first.id] is first
        for evaluation in plan.evaluations:
            assert plan.nodes[evaluation.id] is evaluation


@pytest.fixture
def saved(store: Store, tiny_profile: Profile, cache: Path, open_store: OpenStore) -> Path:
    """A lived-in store whose read model (covering every record so far) is in `cache`."""
    lived_in(store, tiny_profile)
    reopened = open_store(cache_dir=cache)
    path = ckpt_path(reopened, cache)
    assert path.exists()
    return path


def ckpt_path(store: Store, cache: Path) -> Path:
    return readmodel.model_path(cache, store.log.path, store.log.header.log_id)


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The offsets every log scan starts from, to see how much of the log was read."""
    starts: list[int] = []
    original = LogFile.scan

    def spy(self: LogFile, offset: int, stop: int | None = None):  # type: ignore[no-untyped-def]
        starts.append(offset)
        return original(self, offset, stop)

    monkeypatch.setattr(LogFile, "scan", spy)
    yield starts


# --- a valid read model --------------------------------------------------------------------


def test_a_valid_read_model_gives_the_full_replay_state_reading_only_the_tail(
    saved: Path,
    store: Store,
    store_dir: Path,
    cache: Path,
    open_store: OpenStore,
    scans: list[int],
) -> None:
    head = readmodel.read_head(saved, store.log)
    assert head is not None
    tail(store, "P2")  # what the read model does not cover
    scans.clear()
    reopened = open_store(cache_dir=cache)
    assert scans[0] == head.end > HEADER_SIZE
    assert reopened.state.seq > head.seq
    assert_same_state(reopened.state, full_replay(store_dir))
    assert reopened.end == store.end
    assert reopened.last_offset == store.last_offset


def test_a_restored_state_keeps_folding_into_the_same_objects(
    saved: Path, store_dir: Path, cache: Path, open_store: OpenStore
) -> None:
    reopened = open_store(cache_dir=cache)
    reopened.execute(lambda s: commands.plan_action(s, "P1", "A1.1.2", due=date(2026, 11, 1)))
    action = reopened.state.plans["P1"].competencies[0].rows[0].actions[1]
    assert isinstance(action, ActionState)
    assert action.due == date(2026, 11, 1)
    assert_same_state(reopened.state, full_replay(store_dir))


def test_only_the_plans_used_are_decoded_and_the_list_needs_none(
    saved: Path, store: Store, cache: Path, open_store: OpenStore
) -> None:
    tail(store, "P2")  # the tail touches P2 only
    reopened = open_store(cache_dir=cache)
    plans = reopened.state.plans
    assert isinstance(plans, readmodel.StoredPlans)
    assert [p.id for p in plans.loaded()] == ["P2"]
    expected = full_replay(store.path)
    assert summaries(reopened.state, TODAY) == summaries(expected, TODAY)
    assert [p.id for p in plans.loaded()] == ["P2"]
    assert len(plans) == 3 and "P3" in plans and "P9" not in plans
    assert plans.get("P3") == expected.plans["P3"]
    assert sorted(p.id for p in plans.loaded()) == ["P2", "P3"]


@pytest.mark.parametrize("today", [date(2026, 10, 1), TODAY, date(2027, 6, 1)])
def test_the_stored_digest_gives_the_summary_of_any_day(
    saved: Path, store: Store, cache: Path, open_store: OpenStore, today: date
) -> None:
    # Overdue counts and progress depend on the day: the read model keeps their inputs.
    reopened = open_store(cache_dir=cache)
    expected = full_replay(store.path)
    assert summaries(reopened.state, today) == [
        summarize(plan, today) for plan in expected.plans.values()
    ]
    assert any(s.overdue for s in summaries(reopened.state, date(2027, 6, 1)))


def test_a_new_read_model_keeps_the_rows_of_plans_not_changed(
    saved: Path, store: Store, store_dir: Path, cache: Path, open_store: OpenStore
) -> None:
    tail(store, "P1")
    again = open_store(cache_dir=cache)  # folds the tail: P1 only is decoded, then saved
    assert isinstance(again.state.plans, readmodel.StoredPlans)
    assert [p.id for p in again.state.plans.loaded()] == ["P1"]
    head = readmodel.read_head(saved, store.log)
    assert head is not None and head.seq == store.state.seq
    assert_same_state(open_store(cache_dir=cache).state, full_replay(store_dir))


def test_read_models_are_private_and_written_atomically(saved: Path) -> None:
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no temp file left


def test_a_long_replay_refreshes_the_read_model(
    saved: Path, store: Store, cache: Path, open_store: OpenStore
) -> None:
    tail(store, "P3")
    open_store(cache_dir=cache)
    head = readmodel.read_head(saved, store.log)
    assert head is not None
    assert head.seq == store.state.seq


def test_without_a_cache_dir_nothing_is_read_or_written(
    store: Store, tiny_profile: Profile, tmp_path: Path, open_store: OpenStore
) -> None:
    lived_in(store, tiny_profile, plans=1)
    open_store()
    assert not any(tmp_path.rglob("*.sqlite"))


def test_without_a_readable_code_version_read_models_are_not_used(
    saved: Path,
    store_dir: Path,
    cache: Path,
    open_store: OpenStore,
    scans: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A frozen install whose sources cannot be read cannot tell stale read models apart.
    monkeypatch.setattr(readmodel, "code_version", lambda: "")
    written = saved.stat().st_mtime_ns
    ignored(store_dir, cache, open_store, scans)
    assert saved.stat().st_mtime_ns == written


def test_read_models_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(readmodel.DISABLE_VARIABLE, "off")
    assert readmodel.default_dir() is None
    monkeypatch.setenv(readmodel.DISABLE_VARIABLE, "")
    assert readmodel.default_dir() is not None


def test_an_old_whole_state_checkpoint_is_removed_when_the_read_model_is_written(
    store: Store, tiny_profile: Profile, cache: Path, open_store: OpenStore
) -> None:
    lived_in(store, tiny_profile, plans=1)
    legacy = readmodel.legacy_checkpoint_path(cache, store.log.path, store.log.header.log_id)
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"LEERPAD-CHECKPOINT\n")
    open_store(cache_dir=cache)
    assert not legacy.exists() and ckpt_path(store, cache).exists()


# --- read models that must be ignored ------------------------------------------------------


def ignored(store_dir: Path, cache: Path, open_store: OpenStore, scans: list[int]) -> None:
    """Opening with the cache replays the whole log and gives the full-replay state."""
    expected = full_replay(store_dir)
    scans.clear()
    reopened = open_store(cache_dir=cache)
    assert scans[0] == HEADER_SIZE
    assert_same_state(reopened.state, expected)


def test_a_damaged_read_model_never_gives_another_state(
    saved: Path, store_dir: Path, cache: Path, open_store: OpenStore
) -> None:
    """A flipped bit anywhere (page headers, the head, a digest, a plan's row, a template):
    the store opens, writable, with exactly the state of a full replay."""
    expected = full_replay(store_dir)
    original = saved.read_bytes()
    for at in range(0, len(original), max(1, len(original) // 60)):
        data = bytearray(original)
        data[at] ^= 0x10
        saved.write_bytes(bytes(data))
        reopened = open_store(cache_dir=cache)
        assert reopened.writable and reopened.corruption is None, at
        assert_same_state(reopened.state, expected)
        reopened.close()


def test_a_damaged_plan_row_is_read_from_the_log(
    saved: Path, store_dir: Path, cache: Path, open_store: OpenStore
) -> None:
    db = sqlite3.connect(saved)
    state = db.execute("SELECT state FROM plans WHERE id = 'P2'").fetchone()[0]
    damaged = bytes([state[0]]) + bytes([state[1] ^ 0x01]) + state[2:]
    db.execute("UPDATE plans SET state = ? WHERE id = 'P2'", (damaged,))
    db.commit()
    db.close()
    reopened = open_store(cache_dir=cache)
    assert isinstance(reopened.state.plans, readmodel.StoredPlans)
    assert_same_state(reopened.state, full_replay(store_dir))


def test_a_file_that_is_no_database_is_ignored_and_replaced(
    saved: Path, store_dir: Path, cache: Path, open_store: OpenStore, scans: list[int]
) -> None:
    saved.write_bytes(b"not a database at all" * 100)
    ignored(store_dir, cache, open_store, scans)
    assert readmodel.read_head(saved, open_store().log) is not None


def test_a_read_model_behind_a_link_is_not_used(
    saved: Path,
    tmp_path: Path,
    store_dir: Path,
    cache: Path,
    open_store: OpenStore,
    scans: list[int],
) -> None:
    elsewhere = tmp_path / "elsewhere.sqlite"
    os.replace(saved, elsewhere)
    saved.symlink_to(elsewhere)
    ignored(store_dir, cache, open_store, scans)
    assert not saved.is_symlink()  # a new read model took the link's place


@pytest.mark.parametrize("keep", [0, 5, 100, 4096, -1])
def test_a_truncated_read_model_is_ignored(
    keep: int,
    saved: Path,
    store_dir: Path,
    cache: Path,
    open_store: OpenStore,
    scans: list[int],
) -> None:
    data = saved.read_bytes()
    saved.write_bytes(data[:keep] if keep >= 0 else data[: len(data) // 2])
    ignored(store_dir, cache, open_store, scans)


def test_a_read_model_of_another_log_is_ignored(
    saved: Path,
    store: Store,
    tiny_profile: Profile,
    tmp_path: Path,
    cache: Path,
    open_store: OpenStore,
    scans: list[int],
) -> None:
    other_dir = tmp_path / "other"
    with Store.open(other_dir) as other:
        lived_in(other, tiny_profile, plans=1)
    with Store.open(other_dir, cache_dir=cache) as other:
        foreign = ckpt_path(other, cache)
    # The other log's read model, put where this log's would be.
    os.replace(foreign, saved)
    ignored(store.path, cache, open_store, scans)


def test_a_read_model_whose_record_changed_is_ignored(
    saved: Path,
    store: Store,
    store_dir: Path,
    cache: Path,
    open_store: OpenStore,
    scans: list[int],
) -> None:
    head = readmodel.read_head(saved, store.log)
    assert head is not None
    # Rewrite history from some record on: same log id and path, different records.
    cut = _offset_of(store, head.seq - 8)
    os.truncate(store_dir / LOG_NAME, cut)
    rewritten = open_store()
    assert rewritten.state.seq == head.seq - 9
    while rewritten.end <= head.end:
        rewritten.execute(lambda s: commands.add_note(s, "P3", "P3", text="Anders."))
    ignored(store_dir, cache, open_store, scans)


def test_a_read_model_of_older_projection_code_is_ignored(
    saved: Path,
    store_dir: Path,
    cache: Path,
    open_store: OpenStore,
    scans: list[int],
) -> None:
    rewrite_head(saved, lambda head: msgspec.structs.replace(head, code="0" * len(head.code)))
    ignored(store_dir, cache, open_store, scans)


def rewrite_head(path: Path, change: Callable[[readmodel.Head], readmodel.Head]) -> None:
    """Replace the head of the read model at `path` by `change(head)`, its CRC made valid."""
    db = sqlite3.connect(path)
    head = msgspec.msgpack.decode(
        db.execute("SELECT body FROM head").fetchone()[0], type=readmodel.Head
    )
    body = msgspec.msgpack.encode(change(head))
    db.execute("UPDATE head SET body = ?, crc = ?", (body, zlib.crc32(body)))
    db.commit()
    db.close()


def test_a_read_model_pointing_past_the_end_is_ignored(
    saved: Path,
    store: Store,
    store_dir: Path,
    cache: Path,
    open_store: OpenStore,
    scans: list[int],
) -> None:
    os.truncate(store_dir / LOG_NAME, _offset_of(store, store.state.seq))  # drop the last record
    ignored(store_dir, cache, open_store, scans)


def test_a_read_model_is_not_written_for_a_damaged_log(
    store: Store, tiny_profile: Profile, store_dir: Path, cache: Path, open_store: OpenStore
) -> None:
    lived_in(store, tiny_profile, plans=1)
    offset = _offset_of(store, 5)
    with open(store_dir / LOG_NAME, "r+b") as log:
        log.seek(offset + 20)
        byte = log.read(1)
        log.seek(offset + 20)
        log.write(bytes([byte[0] ^ 0xFF]))
    damaged = open_store(cache_dir=cache)
    assert damaged.corruption is not None
    assert not cache.exists() or not any(cache.rglob("*.sqlite"))


def _offset_of(store: Store, seq: int) -> int:
    """Where record `seq` starts in the store's log."""
    for n, (offset, _) in enumerate(store.log.scan(HEADER_SIZE, store.end), 1):
        if n == seq:
            return offset
    raise AssertionError(f"no record {seq}")


# --- what the read model stands in for is checked by hashing it ------------------------------


def test_an_intact_log_behind_a_read_model_is_checked_without_reading_its_records(
    saved: Path, store: Store, cache: Path, open_store: OpenStore, scans: list[int]
) -> None:
    head = readmodel.read_head(saved, store.log)
    assert head is not None and head.covered
    reopened = open_store(cache_dir=cache)  # checks what the read model covered, now
    assert scans == [head.end]  # the tail only: no record before it was decoded
    assert reopened.writable and reopened.corruption is None


def test_a_change_behind_a_read_model_that_keeps_every_checksum_is_found(
    saved: Path, store: Store, store_dir: Path, cache: Path, open_store: OpenStore
) -> None:
    offset = _offset_of(store, 6)
    with open(store_dir / LOG_NAME, "r+b") as log:
        log.seek(offset)
        n, check, _ = FRAME.unpack(log.read(FRAME_SIZE))
        payload = bytearray(log.read(n))
        payload[-1] ^= 0x01  # a changed record, its frame made valid again
        log.seek(offset)
        log.write(FRAME.pack(n, check, zlib.crc32(payload)) + payload)
    reopened = open_store(cache_dir=cache)
    assert reopened.corruption is not None
    assert reopened.corruption.seq in (6, 7)  # undecodable, or the next record's link
    assert reopened.state.seq < 7 and not reopened.writable


def test_an_erased_plan_shows_as_erased_without_being_decoded(
    saved: Path, store: Store, cache: Path, open_store: OpenStore
) -> None:
    from core.erasure import erase

    erase(store, "P1", reason="bewaartermijn", force=True)
    open_store(cache_dir=cache)  # folds the erasure and writes the read model again
    reopened = open_store(cache_dir=cache)
    plans = reopened.state.plans
    assert isinstance(plans, readmodel.StoredPlans)
    shown = {s.id: s.trainee for s in summaries(reopened.state, TODAY)}
    assert shown == {"P1": "[erased]", "P2": "Lotte Wouters", "P3": "Lotte Wouters"}
    assert plans.loaded() == [] and plans.erased() == {"P1"}
    # An erased plan has no deadlines left: nothing overdue, even long after its dates.
    late = {s.id: s for s in summaries(reopened.state, date(2027, 6, 1))}
    assert late["P1"].overdue == 0 and late["P1"].next_due is None
    assert late["P1"].erased is not None and late["P2"].overdue > 0
    assert plans["P1"].trainee == "[erased]"


def test_keys_for_the_list_are_read_at_once_and_a_bad_one_is_left_to_the_usual_path(
    saved: Path, store: Store, cache: Path, open_store: OpenStore
) -> None:
    (store.path / "keys" / "P2.key").write_bytes(b"short")  # damaged: not 32 bytes
    reopened = open_store(cache_dir=cache)
    with pytest.raises(OSError, match="P2"):
        summaries(reopened.state, TODAY)  # the same refusal as opening P2's texts gives
    assert reopened.keys is not None
    assert reopened.keys.cipher("P1") is not None and reopened.keys.cipher("P3") is not None


def test_a_process_reading_an_older_read_model_is_not_misled_by_a_newer_one(
    saved: Path, store: Store, store_dir: Path, cache: Path, open_store: OpenStore
) -> None:
    """A newer read model is a new file renamed over the old one: a store that opened the
    old one keeps decoding plans as of what it covered, and folds the rest from the log."""
    reader = open_store(cache_dir=cache)
    assert isinstance(reader.state.plans, readmodel.StoredPlans)
    assert reader.state.plans.loaded() == []
    tail(store, "P1")
    tail(store, "P2")
    writer = open_store(cache_dir=cache)  # folds the tail and writes a newer read model
    head = readmodel.read_head(saved, store.log)
    assert head is not None and head.seq == writer.state.seq > reader.state.seq
    reader.refresh()  # decodes P1 and P2 from the file it opened, then folds their records
    assert_same_state(reader.state, full_replay(store_dir))


@pytest.mark.parametrize("span", [0, 1])
def test_a_newer_read_model_checks_only_the_records_added_and_keeps_the_spans_before(
    saved: Path, store: Store, store_dir: Path, cache: Path, open_store: OpenStore, span: int
) -> None:
    first = readmodel.read_head(saved, store.log)
    assert first is not None and len(first.covered) == 1
    tail(store, "P3")
    open_store(cache_dir=cache)
    second = readmodel.read_head(saved, store.log)
    assert second is not None
    assert second.covered[0] == first.covered[0]
    assert [end for end, _ in second.covered] == [first.end, second.end]
    # Damage in either span is still found, naming the record.
    seq = 6 if span == 0 else store.state.seq - 1
    offset = _offset_of(store, seq)
    with open(store_dir / LOG_NAME, "r+b") as log:
        log.seek(offset + 30)
        byte = log.read(1)[0]
        log.seek(offset + 30)
        log.write(bytes([byte ^ 0x10]))
    damaged = open_store(cache_dir=cache)
    assert damaged.corruption is not None and damaged.corruption.seq == seq
    assert not damaged.writable


def test_after_max_spans_the_whole_log_is_checked_as_one(
    saved: Path,
    store: Store,
    cache: Path,
    open_store: OpenStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(readmodel, "MAX_SPANS", 1)
    tail(store, "P3")
    open_store(cache_dir=cache)
    head = readmodel.read_head(saved, store.log)
    assert head is not None and [end for end, _ in head.covered] == [head.end]


# --- the digest of what it stands in for: block by block, the blocks on two cores ----------

BLOCK = 256
"""A block size small enough for the test store's log to have many blocks."""


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core_log, "DIGEST_BLOCK", BLOCK)


@pytest.fixture
def saved_in_blocks(
    small_blocks: None, store: Store, tiny_profile: Profile, cache: Path, open_store: OpenStore
) -> Path:
    """`saved`, its spans digested in blocks of `BLOCK` bytes."""
    lived_in(store, tiny_profile)
    reopened = open_store(cache_dir=cache)
    return ckpt_path(reopened, cache)


def _blockwise(data: bytes) -> str:
    """The digest a span is kept as: the SHA-256 of its blocks' SHA-256, worked out here."""
    blocks = [data[at : at + BLOCK] for at in range(0, len(data), BLOCK)]
    return hashlib.sha256(b"".join(hashlib.sha256(b).digest() for b in blocks)).hexdigest()


def test_each_span_is_kept_as_the_digest_of_its_blocks(
    saved_in_blocks: Path, store: Store, store_dir: Path, cache: Path, open_store: OpenStore
) -> None:
    first = readmodel.read_head(saved_in_blocks, store.log)
    assert first is not None
    tail(store, "P3")  # a second span, its blocks counted from its own start
    open_store(cache_dir=cache)
    head = readmodel.read_head(saved_in_blocks, store.log)
    assert head is not None and len(head.covered) == 2
    log = (store_dir / LOG_NAME).read_bytes()
    assert head.end - first.end > BLOCK and head.end % BLOCK != first.end % BLOCK
    assert head.covered == [
        (first.end, _blockwise(log[: first.end])),
        (head.end, _blockwise(log[first.end : head.end])),
    ]


def _in_a_payload(store: Store, near: int) -> int:
    """The first byte at or after `near` that is inside a record's payload (a flip there
    keeps every frame's length: the damage is a checksum, never a torn tail)."""
    for offset, payload in store.log.scan(HEADER_SIZE, store.end):
        if near < offset + FRAME_SIZE + len(payload):
            return max(near, offset + FRAME_SIZE)
    raise AssertionError(f"no payload after {near}")


@pytest.mark.parametrize("where", ["first block", "second block", "last shorter block"])
def test_a_flipped_bit_in_any_block_behind_the_read_model_is_found(
    saved_in_blocks: Path,
    store: Store,
    store_dir: Path,
    cache: Path,
    open_store: OpenStore,
    where: str,
) -> None:
    head = readmodel.read_head(saved_in_blocks, store.log)
    assert head is not None and head.end > 4 * BLOCK and head.end % BLOCK
    near = {
        "first block": HEADER_SIZE,
        "second block": BLOCK + 100,
        "last shorter block": head.end - head.end % BLOCK,
    }[where]
    at = _in_a_payload(store, near)
    assert at // BLOCK == near // BLOCK and at < head.end
    with open(store_dir / LOG_NAME, "r+b") as log:
        log.seek(at)
        byte = log.read(1)[0]
        log.seek(at)
        log.write(bytes([byte ^ 0x04]))
    damaged = open_store(cache_dir=cache)
    assert damaged.corruption is not None and not damaged.writable
    assert damaged.corruption.offset <= at


def test_a_read_model_of_the_layout_before_blocks_is_ignored(
    saved: Path, store_dir: Path, cache: Path, open_store: OpenStore, scans: list[int]
) -> None:
    """Layout 2 kept one SHA-256 of each whole span: never taken for a checked log now."""
    log = (store_dir / LOG_NAME).read_bytes()

    def layout_2(head: readmodel.Head) -> readmodel.Head:
        whole = hashlib.sha256(log[: head.end]).hexdigest()
        return msgspec.structs.replace(head, format=2, covered=[(head.end, whole)])

    rewrite_head(saved, layout_2)
    ignored(store_dir, cache, open_store, scans)
