"""An append in pieces: decided and encoded where the state lives, written and fsynced in the
calling thread, folded where the state lives; a failed write leaves everything as it was."""

from __future__ import annotations

import errno
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from faultkit import FillingDisk, log_size

from core import commands, filestore
from core import events as ev
from core.storage import utc_now
from core.store import Store, StoreError
from core.verify import verify_store


def note(text: str) -> Callable[[Any], ev.Event]:
    return lambda s: commands.add_note(s, "P1", "P1", text=text)


def notes(store: Store) -> list[str]:
    return [n.text for n in store.state.plan("P1").notes_on("P1")]


def log_bytes(store: Store) -> str:
    return hashlib.sha256((store.path / "events.log").read_bytes()).hexdigest()


@pytest.fixture
def state_thread() -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """Runs each step it is given on one thread of its own, as an app's UI thread does."""
    with ThreadPoolExecutor(1, thread_name_prefix="state") as pool:
        yield lambda step: pool.submit(step).result()


def test_the_pieces_write_nothing_until_written_and_fold_nothing_until_folded(
    plan_store: Store, make_store: Callable[..., Store]
) -> None:
    backend, state = plan_store.backend, plan_store.state
    seq, end, size = state.seq, backend.end, log_size(plan_store)
    event = commands.add_note(state, "P1", "P1", text="in stukken")
    with backend.locked():
        prepared = backend.prepare(state, event, event_id="e-1", actor="an", time=utc_now())
        assert log_size(plan_store) == size and prepared.at == end == size
        assert prepared.record.seq == seq + 1 and prepared.record.prev == state.hash
        backend.write(prepared)
    # Written and durable, for everyone else to read; not folded here yet.
    assert log_size(plan_store) == size + len(prepared.data)
    assert (state.seq, backend.end) == (seq, end)
    assert make_store().state.seq == seq + 1
    record = backend.fold(state, prepared)
    assert record.event == event and record.seq == seq + 1
    assert (state.seq, backend.end) == (seq + 1, size + len(prepared.data))
    assert state.hash == prepared.digest == make_store().state.hash
    assert plan_store.refresh() == [] and notes(plan_store) == ["in stukken"]


def test_state_steps_run_through_on_state_and_the_write_in_the_caller(
    plan_store: Store,
    make_store: Callable[..., Store],
    state_thread: Callable[[Callable[[], Any]], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caller = threading.get_ident()
    folds: list[int] = []
    syncs: list[int] = []
    decided: list[int] = []
    apply, fsync = filestore.apply, os.fsync

    def recorded_fold(state: Any, record: ev.Record, digest: str) -> None:
        if state is plan_store.state:
            folds.append(threading.get_ident())
        apply(state, record, digest)

    monkeypatch.setattr(filestore, "apply", recorded_fold)

    def recorded_sync(fd: int) -> None:
        if fd == plan_store.log.fd:
            syncs.append(threading.get_ident())
        fsync(fd)

    monkeypatch.setattr(os, "fsync", recorded_sync)
    theirs = make_store().execute(note("van els"))
    log, scan = plan_store.log, plan_store.log.scan
    reads: list[int] = []

    def recorded_scan(*args: Any) -> Any:
        reads.append(threading.get_ident())
        return scan(*args)

    monkeypatch.setattr(log, "scan", recorded_scan)

    def decide(state: Any) -> ev.Event:
        decided.append(threading.get_ident())
        return commands.add_note(state, "P1", "P1", text="van an")

    caught: list[ev.Record] = []
    mine = plan_store.execute(decide, caught_up=caught, on_state=state_thread)
    assert [r.id for r in caught] == [theirs.id] and mine.seq == theirs.seq + 1
    assert len(folds) == 2 and len(decided) == 1 and len(syncs) == 1
    (ui,) = set(folds) | set(decided)
    assert ui != caller and syncs == [caller]
    # Their record was read in the caller too, and only folded on the state's thread.
    assert reads == [caller]
    assert plan_store.state.seq == mine.seq and plan_store.in_flight is None
    assert notes(plan_store) == ["van els", "van an"]


def test_a_refresh_while_a_record_is_written_leaves_it_to_the_append(
    plan_store: Store, make_store: Callable[..., Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An app's log watcher may notice the log grew while its own command's record is
    # written and not folded yet: folded then, it would pass for someone else's.
    syncing, release = threading.Event(), threading.Event()
    fsync = os.fsync

    def slow_sync(fd: int) -> None:
        if fd == plan_store.log.fd and not syncing.is_set():
            syncing.set()
            release.wait(60)
        fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_sync)
    seq = plan_store.state.seq
    landed: list[ev.Record] = []
    writer = threading.Thread(target=lambda: landed.append(plan_store.execute(note("eenmaal"))))
    writer.start()
    try:
        assert syncing.wait(60)
        assert plan_store.in_flight is not None and plan_store.in_flight.record.seq == seq + 1
        assert make_store().state.seq == seq + 1  # the record is in the log
        refreshed: list[list[ev.Record]] = []
        # In a thread of its own: waiting for the append would hold this test up.
        reader = threading.Thread(target=lambda: refreshed.append(plan_store.refresh()))
        reader.start()
        reader.join(60)
        assert refreshed == [[]] and plan_store.state.seq == seq
    finally:
        release.set()
        writer.join(60)
    assert [r.seq for r in landed] == [seq + 1] and plan_store.in_flight is None
    assert plan_store.state.seq == seq + 1 and notes(plan_store) == ["eenmaal"]
    assert plan_store.refresh() == []


def _full_disk(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    # Room for part of the record: a short write, then ENOSPC, as Linux does.
    disk, write = FillingDisk(20), os.write
    monkeypatch.setattr(
        os, "write", lambda fd, data: (disk if fd == store.log.fd else write)(fd, data)
    )


def _failing_sync(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    fsync = os.fsync
    failed: list[int] = []

    def sync(fd: int) -> None:
        if fd == store.log.fd and not failed:
            failed.append(fd)
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", sync)


@pytest.mark.parametrize(
    ("fault", "why"),
    [(_full_disk, "the disk is full"), (_failing_sync, os.strerror(errno.EIO))],
    ids=["ENOSPC", "EIO"],
)
def test_a_failed_write_leaves_the_log_and_the_state_as_they_were(
    plan_store: Store,
    state_thread: Callable[[Callable[[], Any]], Any],
    monkeypatch: pytest.MonkeyPatch,
    fault: Callable[[pytest.MonkeyPatch, Store], None],
    why: str,
) -> None:
    plan_store.execute(note("ervoor"))
    state, backend = plan_store.state, plan_store.backend
    before = (state.seq, state.hash, backend.end, backend.last_offset, log_bytes(plan_store))
    with monkeypatch.context() as patch:
        fault(patch, plan_store)
        with pytest.raises(StoreError) as failed:
            plan_store.execute(note("verloren"), on_state=state_thread)
    assert str(failed.value) == (
        f"Could not write to {plan_store.path / 'events.log'}: {why}. Nothing was written."
    )
    after = (state.seq, state.hash, backend.end, backend.last_offset, log_bytes(plan_store))
    assert after == before and plan_store.state is state and plan_store.in_flight is None
    assert notes(plan_store) == ["ervoor"]
    # Nothing half-written stays behind: the next append follows on directly.
    assert plan_store.execute(note("erna"), on_state=state_thread).seq == before[0] + 1
    assert notes(plan_store) == ["ervoor", "erna"]
    assert verify_store(plan_store.path).intact
