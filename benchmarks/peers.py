"""The peers leerpad's log is measured against, holding the very same records.

- `SQLiteBlobs`: a plain SQLite table of msgpack blobs (the exact payload bytes
  leerpad writes), WAL journal, synchronous=FULL, one transaction per append.
  It isolates the storage layer: decoding and the projection are leerpad's own.
- `EventSourcingPeer`: the `eventsourcing` library's Application with its SQLite
  recorder. Each plan is one aggregate (`PlanHistory`, id = uuid5 of the plan
  id; store-wide events such as access grants go to one more aggregate): our
  `plan.created` becomes the aggregate's `Created` event, every other event its
  `Happened` event. Both carry our envelope (seq, event id, time, actor) and our
  event body, stored by a JSON transcoding per event type (msgspec.to_builtins /
  msgspec.convert). Replay reads the application's notification log in order,
  maps each stored event back with the application's mapper, and folds it with
  leerpad's projection.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import msgspec
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import JSONTranscoder, Transcoding

from core import events as ev
from core.projections import StoreState, apply
from core.store import Decide, new_event_id

NAMESPACE = uuid.UUID("6f1c2a52-4c1e-4d5e-9a51-2f0b8d3c7e10")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Replays pause the cyclic collector, as leerpad's own replay does."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# --- a plain SQLite table of msgpack blobs ---------------------------------------------------


class SQLiteBlobs:
    """One row per record: (seq, payload). Durable: WAL with synchronous=FULL."""

    def __init__(self, path: Path, *, actor: str = "bench") -> None:
        self.path = path
        self.actor = actor
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL)"
        )
        self.state = StoreState()

    def close(self) -> None:
        self.db.close()

    def load(self, payloads: Iterable[bytes]) -> None:
        """Bulk-fill (one transaction): how the benchmark puts the same records in."""
        self.db.execute("BEGIN")
        self.db.executemany(
            "INSERT INTO events (seq, payload) VALUES (?, ?)",
            ((n, p) for n, p in enumerate(payloads, 1)),
        )
        self.db.execute("COMMIT")

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM events").fetchone()[0]

    def replay(self) -> StoreState:
        """Select every row in order, decode it and fold it with leerpad's projection."""
        state = StoreState()
        decode = ev.RECORD_DECODER.decode
        with paused_gc():
            for (payload,) in self.db.execute("SELECT payload FROM events ORDER BY seq"):
                apply(state, decode(payload), "")
        return state

    def adopt(self, state: StoreState) -> None:
        """Take a replayed state, ready to append."""
        self.state = state

    def execute(self, decide: Decide) -> ev.Record:
        """leerpad's append semantics: lock, catch up, decide, write one record durably."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            state = self.state
            for (payload,) in db.execute(
                "SELECT payload FROM events WHERE seq > ? ORDER BY seq", (state.seq,)
            ):
                apply(state, ev.RECORD_DECODER.decode(payload), "")
            record = ev.Record(
                seq=state.seq + 1,
                id=new_event_id(),
                time=datetime.now(UTC),
                actor=self.actor,
                prev="",
                event=decide(state),
            )
            db.execute(
                "INSERT INTO events (seq, payload) VALUES (?, ?)",
                (record.seq, ev.ENCODER.encode(record)),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        apply(state, record, "")
        return record


# --- the eventsourcing library ---------------------------------------------------------------


class EventBodyAsDict(Transcoding):
    """One of leerpad's event bodies as JSON-ready builtins (tagged, dates as ISO text)."""

    def __init__(self, cls: type[ev.Event]) -> None:
        self.type = cls
        self.name = f"leerpad.{cls.__struct_config__.tag}"

    def encode(self, obj: Any) -> Any:
        return msgspec.to_builtins(obj)

    def decode(self, data: Any) -> Any:
        return msgspec.convert(data, self.type)


class PlanHistory(Aggregate):
    """One plan's stream of events (or, for plan "", the store-wide events)."""

    @staticmethod
    def create_id(seq: int, event_id: str, time: datetime, actor: str, body: ev.Event) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, body.plan)

    @event("Created")
    def __init__(self, seq: int, event_id: str, time: datetime, actor: str, body: ev.Event) -> None:
        self.last_seq = seq

    @event("Happened")
    def happened(self, seq: int, event_id: str, time: datetime, actor: str, body: ev.Event) -> None:
        self.last_seq = seq


class Plans(Application):
    env: ClassVar[dict[str, str]] = {
        # Plans stay in memory between appends, as leerpad keeps its projection.
        "AGGREGATE_CACHE_MAXSIZE": "100000",
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
    }

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for cls in ev.EVENT_TYPES:
            transcoder.register(EventBodyAsDict(cls))


class EventSourcingPeer:
    """leerpad's records as eventsourcing aggregate events in its SQLite recorder."""

    PAGE = 10_000

    def __init__(self, path: Path, *, actor: str = "bench") -> None:
        self.app = Plans(
            env={
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "10",
            }
        )
        self.path = path
        self.actor = actor
        self.state = StoreState()
        self.aggregates: dict[str, Any] = {}

    def close(self) -> None:
        self.app.close()

    def synchronous(self) -> int:
        """SQLite's synchronous setting on the recorder's connection (2 = FULL)."""
        db = sqlite3.connect(self.path)
        try:
            return int(db.execute("PRAGMA synchronous").fetchone()[0])
        finally:
            db.close()

    def _trigger(self, record: ev.Record) -> Any:
        fields = {
            "seq": record.seq,
            "event_id": record.id,
            "time": record.time,
            "actor": record.actor,
            "body": record.event,
        }
        key = record.event.plan
        aggregate = self.aggregates.get(key)
        if aggregate is None:
            aggregate = PlanHistory(**fields)
            self.aggregates[key] = aggregate
        else:
            aggregate.happened(**fields)
        return aggregate

    def load(self, records: Iterable[ev.Record], *, batch: int = 5_000) -> None:
        """Bulk-fill through the application's mapper and recorder, in record order."""
        app = self.app
        pending: list[Any] = []
        for record in records:
            aggregate = self._trigger(record)
            pending.extend(app.mapper.to_stored_event(e) for e in aggregate.collect_events())
            if len(pending) >= batch:
                app.recorder.insert_events(pending)
                pending = []
        if pending:
            app.recorder.insert_events(pending)

    def count(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def replay(self) -> StoreState:
        """Read the notification log in order, map each event back, fold with our projection."""
        app = self.app
        state = StoreState()
        start = 1
        with paused_gc():
            while True:
                page = app.recorder.select_notifications(start=start, limit=self.PAGE)
                if not page:
                    break
                for notification in page:
                    e = app.mapper.to_domain_event(notification)
                    record = ev.Record(
                        seq=e.seq, id=e.event_id, time=e.time, actor=e.actor, prev="", event=e.body
                    )
                    apply(state, record, "")
                start = page[-1].id + 1
        return state

    def adopt(self, state: StoreState) -> None:
        """Take a replayed state, ready to append (aggregates come from the repository)."""
        self.state = state

    def execute(self, decide: Decide) -> ev.Record:
        """Decide against the state, trigger the event on the plan's aggregate, save durably."""
        state = self.state
        record = ev.Record(
            seq=state.seq + 1,
            id=new_event_id(),
            time=datetime.now(UTC),
            actor=self.actor,
            prev="",
            event=decide(state),
        )
        key = record.event.plan
        if key not in self.aggregates:
            self.aggregates[key] = self.app.repository.get(uuid.uuid5(NAMESPACE, key))
        self.app.save(self._trigger(record))
        apply(state, record, "")
        return record


def same_records(path: Path) -> Iterator[tuple[bytes, ev.Record]]:
    """(payload, record) of every record of the leerpad log at `path`, in order."""
    from core.log import HEADER_SIZE, LogFile

    log = LogFile(path, writable=False)
    try:
        decode = ev.RECORD_DECODER.decode
        for _, payload in log.scan(HEADER_SIZE):
            yield payload, decode(payload)
    finally:
        log.close()


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
