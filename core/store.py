"""A store: a directory holding one log, read into projections and appended to safely.

Writers serialise on the log's file lock; under it they catch up on what others
appended, re-run their command against that fresh state and write one record.
Readers never lock: they stop at an incomplete record at the tail.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from core import events as ev
from core.history import HistoryEntry, Unknown, fold_with_history
from core.i18n import t
from core.identity import current_actor
from core.log import (
    HEADER_SIZE,
    LOG_VERSION,
    CorruptLog,
    Frame,
    LogError,
    LogFile,
    TailProblem,
    create_log,
    frame,
    payload_hash,
)
from core.projections import StoreState, apply, apply_unknown

LOG_NAME = "events.log"

Decide = Callable[[StoreState], ev.Event]
"""A command bound to its arguments: given the fresh state, the event to write (or raise)."""


class StoreError(Exception):
    """The store cannot be used as asked (missing, no access, read-only, corrupt)."""


class ReadOnly(StoreError):
    pass


@dataclass(slots=True)
class Decoded:
    """One record read from the log, with where it sits and its hash."""

    offset: int
    end: int
    hash: str
    record: ev.Record | Unknown


def decode_frame(frame_: Frame) -> Decoded:
    """Decode one frame; an event type this version does not know becomes `Unknown`."""
    payload = frame_.payload
    digest = payload_hash(payload)
    try:
        record: ev.Record | Unknown = ev.RECORD_DECODER.decode(payload)
    except msgspec.ValidationError:
        opaque = ev.OPAQUE_DECODER.decode(payload)
        body = msgspec.msgpack.decode(opaque.event)
        kind = body.get("type", "?") if isinstance(body, dict) else "?"
        record = Unknown(opaque.seq, opaque.id, opaque.time, opaque.actor, str(kind), digest)
    return Decoded(frame_.offset, frame_.end, digest, record)


def new_event_id() -> str:
    """A unique, time-ordered id: 48 bits of milliseconds, then 80 random bits (hex)."""
    return f"{int(time.time() * 1000):012x}{secrets.token_hex(10)}"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Store:
    """An open store. `state` is the projection of every record read so far."""

    path: Path
    log: LogFile
    clock: Callable[[], datetime] = utc_now
    actor: str = field(default_factory=current_actor)
    state: StoreState = field(default_factory=StoreState)
    end: int = HEADER_SIZE
    read_only: str | None = None
    """Why this store may not be written to, in the user's language; None when writable."""
    notices: list[str] = field(default_factory=list)
    """Things the user should know about (a torn tail moved aside)."""
    corruption: CorruptLog | None = None

    # --- opening ---------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = True,
        clock: Callable[[], datetime] = utc_now,
    ) -> Store:
        path = Path(path)
        log_path = path / LOG_NAME
        try:
            if not log_path.exists():
                if not create:
                    raise StoreError(f"There is no leerpad store at {path}.")
                path.mkdir(parents=True, exist_ok=True)
                create_log(log_path)
            writable = os.access(log_path, os.W_OK)
            log = LogFile(log_path, writable=writable)
        except PermissionError as exc:
            raise StoreError(f"You have no access to the store at {path}: {exc.strerror}.") from exc
        except LogError as exc:
            raise StoreError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(f"Cannot open the store at {path}: {exc.strerror}.") from exc
        store = cls(path=path, log=log, clock=clock)
        if not writable:
            store.read_only = t("store.no_write", path=log_path)
        if log.header.version > LOG_VERSION:
            store.read_only = t("store.newer", what=f"log format {log.header.version}")
        store.state.hash = log.header.hash
        store._read_new()
        return store

    def close(self) -> None:
        self.log.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def writable(self) -> bool:
        return self.read_only is None

    # --- reading ---------------------------------------------------------------------

    def refresh(self) -> list[ev.Record]:
        """Read and fold what others appended since the last read; return those records."""
        return [d.record for d in self._read_new() if isinstance(d.record, ev.Record)]

    def _read_new(self) -> list[Decoded]:
        if self.corruption is not None:
            return []
        found: list[Decoded] = []
        for item in self.log.frames(self.end):
            if isinstance(item, TailProblem):
                if item.torn:
                    self._torn_tail(item)
                else:
                    self._corrupt(item.offset, self.state.seq + 1, item.reason)
                break
            decoded = self._check(item)
            if decoded is None:
                break
            self._fold(decoded)
            found.append(decoded)
        return found

    def _check(self, item: Frame) -> Decoded | None:
        try:
            decoded = decode_frame(item)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            self._corrupt(item.offset, self.state.seq + 1, f"undecodable record: {exc}")
            return None
        rec = decoded.record
        if rec.seq != self.state.seq + 1:
            self._corrupt(
                item.offset, self.state.seq + 1, f"sequence number {rec.seq} out of order"
            )
            return None
        prev = rec.prev if isinstance(rec, ev.Record) else self._unknown_prev(item)
        if prev != self.state.hash:
            self._corrupt(item.offset, rec.seq, "hash chain broken")
            return None
        return decoded

    @staticmethod
    def _unknown_prev(item: Frame) -> str:
        return ev.OPAQUE_DECODER.decode(item.payload).prev

    def _fold(self, decoded: Decoded) -> None:
        rec = decoded.record
        if isinstance(rec, Unknown):
            apply_unknown(self.state, rec.seq, rec.id, decoded.hash)
            self.read_only = self.read_only or t("store.newer", what=f"event type {rec.type}")
        else:
            if rec.v > ev.FORMAT_VERSION:
                self.read_only = self.read_only or t("store.newer", what=f"record format {rec.v}")
            apply(self.state, rec, decoded.hash)
        self.end = decoded.end

    def _corrupt(self, offset: int, seq: int, what: str) -> None:
        message = t("store.corrupt", seq=seq, offset=offset, what=what)
        self.corruption = CorruptLog(message, offset=offset, seq=seq)
        self.read_only = message

    def _torn_tail(self, problem: TailProblem) -> None:
        """A tail that may be an append in progress: only under the lock is it a crash."""
        if not self.log.writable or self.read_only:
            return
        with self.log.locked():
            if self.log.size() > self.end:
                self._catch_up_locked()

    def records(self, upto: int | None = None) -> Iterator[tuple[ev.Record | Unknown, str]]:
        """Re-read (record, hash) pairs from the start of the log, up to seq `upto`."""
        for item in self.log.frames(HEADER_SIZE):
            if isinstance(item, TailProblem) or item.offset >= self.end:
                return
            decoded = decode_frame(item)
            if upto is not None and decoded.record.seq > upto:
                return
            yield decoded.record, decoded.hash

    def history(self, upto: int | None = None) -> list[HistoryEntry]:
        return list(fold_with_history(self.records(upto)))

    def state_at(self, seq: int) -> StoreState:
        """The projection as it was right after record `seq` (for time travel)."""
        state = StoreState()
        state.hash = self.log.header.hash
        for rec, record_hash in self.records(seq):
            if isinstance(rec, Unknown):
                apply_unknown(state, rec.seq, rec.id, record_hash)
            else:
                apply(state, rec, record_hash)
        return state

    # --- writing ---------------------------------------------------------------------

    def execute(self, decide: Decide, *, event_id: str | None = None) -> ev.Record:
        """Run a command against the freshest state and append its event.

        Under the lock: catch up, re-validate (`decide` raises `Rejected` when the
        command no longer applies), write one record, fsync. With `event_id`, a
        retry of an append that already landed returns the existing record.
        """
        if self.read_only:
            raise ReadOnly(t("store.read_only", reason=self.read_only))
        with self.log.locked():
            self._catch_up_locked()
            if self.read_only:
                raise ReadOnly(t("store.read_only", reason=self.read_only))
            if event_id is not None and event_id in self.state.ids:
                return self._find(event_id)
            event = decide(self.state)
            record = ev.Record(
                seq=self.state.seq + 1,
                id=event_id or new_event_id(),
                time=self.clock(),
                actor=self.actor,
                prev=self.state.hash,
                event=event,
            )
            payload = ev.ENCODER.encode(record)
            try:
                end = self.log.append(frame(payload), self.end)
            except LogError as exc:
                raise StoreError(str(exc)) from exc
            apply(self.state, record, payload_hash(payload))
            self.end = end
            return record

    def _catch_up_locked(self) -> None:
        for item in self.log.frames(self.end):
            if isinstance(item, TailProblem):
                if item.torn:
                    # We hold the lock, so nobody is writing: this is a crash remnant.
                    side = self.log.move_tail_aside(item)
                    self.notices.append(
                        t("store.torn", offset=item.offset, size=item.size, side=side.name)
                    )
                else:
                    self._corrupt(item.offset, self.state.seq + 1, item.reason)
                return
            decoded = self._check(item)
            if decoded is None:
                return
            self._fold(decoded)

    def _find(self, event_id: str) -> ev.Record:
        for rec, _ in self.records():
            if isinstance(rec, ev.Record) and rec.id == event_id:
                return rec
        raise StoreError(f"Event {event_id} is known but could not be read back.")
