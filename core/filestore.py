"""The file backend of a store: a directory holding one log, appended under an OS file lock.

Writers serialise on the log's file lock; under it they catch up on what others
appended, re-run their command against that fresh state and write one record.
Readers never wait for writers: they stop at an incomplete record at the tail.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from core import events as ev
from core import team
from core.history import Unknown
from core.i18n import t
from core.identity import login_exists
from core.log import (
    FRAME_SIZE,
    HEADER_SIZE,
    LOG_NAME,
    LOG_VERSION,
    CorruptLog,
    LogError,
    LogFile,
    TailProblem,
    create_log,
    frame,
    fsync_dir,
    payload_hash,
)
from core.projections import StoreState, apply, apply_unknown
from core.storage import ReadOnly, StoreError

BULK_READ = 1 << 20
"""Catching up on more bytes than this pauses the cyclic garbage collector meanwhile."""
WAIT_POLL = 0.2
"""How often `wait` looks at the log's size."""


def decode_payload(payload: bytes, digest: str) -> tuple[ev.Record | Unknown, str]:
    """Decode one record payload: (the record, its `prev` hash).

    An event type this version does not know becomes `Unknown`; bytes that are
    not a record at all raise `msgspec.DecodeError`.
    """
    try:
        record = ev.RECORD_DECODER.decode(payload)
    except msgspec.ValidationError:
        return _decode_unknown(payload, digest)
    return record, record.prev


def _decode_unknown(payload: bytes, digest: str) -> tuple[Unknown, str]:
    opaque = ev.OPAQUE_DECODER.decode(payload)
    body = msgspec.msgpack.decode(opaque.event)
    kind = body.get("type", "?") if isinstance(body, dict) else "?"
    unknown = Unknown(opaque.seq, opaque.id, opaque.time, opaque.actor, str(kind), digest)
    return unknown, opaque.prev


class _RecordId(msgspec.Struct):
    id: str


_ID_DECODER = msgspec.msgpack.Decoder(_RecordId)
"""Reads just a record's id (any event type), skipping the rest of its payload."""


class FileBackend:
    """An open log file: what `Store` needs from a store directory."""

    actor = None  # the OS login of the process owner
    login_exists = staticmethod(login_exists)

    def __init__(self, path: Path, log: LogFile) -> None:
        self.path = path
        self.log = log
        self.end = HEADER_SIZE
        """Offset just after the last record folded into the state."""
        self.last_offset = HEADER_SIZE
        """Offset of the last record folded (where a checkpoint can check it)."""
        self.read_only: str | None = None
        self.notices: list[str] = []
        self.corruption: CorruptLog | None = None
        self._ids: tuple[set[str], int] = (set(), HEADER_SIZE)

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> FileBackend:
        """Open (or create) the log of the store directory `path`, reading nothing yet."""
        log_path = path / LOG_NAME
        try:
            checked = team.check_store_access(path)
        except team.NoAccess as exc:
            raise StoreError(str(exc)) from exc
        try:
            if not log_path.exists():
                if not create:
                    raise StoreError(t("store.missing", path=path))
                if checked.read_only is not None:
                    raise StoreError(checked.read_only)
                make_store_dir(path)
                create_log(log_path, mode=team.new_file_mode(path))
            log = LogFile.open(log_path)
        except PermissionError as exc:
            raise StoreError(t("store.no_access", path=path, why=exc.strerror)) from exc
        except LogError as exc:
            raise StoreError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(t("store.cannot_open", path=path, why=exc.strerror)) from exc
        backend = cls(path, log)
        backend.notices.extend(checked.warnings)
        header = log.header
        if checked.read_only is not None:
            backend.read_only = checked.read_only
        elif not log.writable:
            backend.read_only = t("store.no_write", path=log_path)
        elif header.version > LOG_VERSION:
            backend.read_only = t("store.newer", what=t("store.what.log", v=header.version))
        elif header.problem is not None:
            backend.read_only = t("store.bad_header", what=t(header.problem))
        return backend

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def directory(self) -> Path:
        return self.path

    @property
    def genesis(self) -> str:
        return self.log.header.hash

    def close(self) -> None:
        self.log.close()

    # --- reading ---------------------------------------------------------------------

    def catch_up(self, state: StoreState, found: list[ev.Record] | None, *, settle: bool) -> None:
        if self.corruption is not None:
            return
        try:
            problem = self._consume(state, found)
            if problem is None:
                return
            # Unlocked, a bad tail may be an append in progress. Writers hold the
            # lock from catch-up to fsync, so under it the tail is what a crash left.
            try:
                if not self.log.lock(wait=settle):
                    return
            except OSError:
                return
            try:
                problem = self._consume(state, found)
                if problem is not None:
                    self._settle(state, problem)
            finally:
                self.log.unlock()
        except OSError as exc:
            raise StoreError(t("store.read_failed", path=self.log.path, why=exc.strerror)) from exc

    def _consume(self, state: StoreState, found: list[ev.Record] | None) -> TailProblem | None:
        """Fold every valid record after `end`; return what stopped the scan at the tail.

        Damage inside a checksummed record (chain, sequence, decoding) is settled
        here; only the bytes after the last good frame are returned to the caller.
        """
        scan = self.log.scan(self.end)
        pause_gc = scan.stop - self.end > BULK_READ and gc.isenabled()
        if pause_gc:
            # Replay allocates many long-lived objects; the collector would walk them
            # again and again for nothing.
            gc.disable()
        last = -1  # offset of the last record folded by this call
        last_payload = b""
        try:
            decode = ev.RECORD_DECODER.decode
            sha256 = hashlib.sha256
            newest = ev.FORMAT_VERSION
            for offset, payload in scan:
                digest = sha256(payload).hexdigest()
                try:
                    record = decode(payload)
                except msgspec.DecodeError:
                    if not self._fold_odd(state, offset, payload, digest):
                        return None
                    last, last_payload = offset, payload
                    continue
                if record.seq != state.seq + 1 or record.prev != state.hash:
                    self._broken(state, offset, record.seq)
                    return None
                if record.v > newest and self.read_only is None:
                    self.read_only = t("store.newer", what=t("store.what.record", v=record.v))
                try:
                    apply(state, record, digest)
                except Exception as exc:
                    self._unfoldable(offset, record, exc)
                    return None
                last, last_payload = offset, payload
                if found is not None:
                    found.append(record)
            return scan.problem
        finally:
            # Kept in locals in the loop; `end` must match `state` whatever way we leave.
            if last >= 0:
                self.last_offset = last
                self.end = last + FRAME_SIZE + len(last_payload)
            if pause_gc:
                # What a bulk read built lives as long as the store: frozen, the collector
                # never walks those millions of objects again (each full collection would).
                gc.freeze()
                gc.enable()

    def _fold_odd(self, state: StoreState, offset: int, payload: bytes, digest: str) -> bool:
        """A payload the record decoder refused: an event type from a newer version, or damage."""
        try:
            unknown, prev = _decode_unknown(payload, digest)
        except msgspec.DecodeError as exc:
            what = t("store.what.undecodable", error=str(exc))
            self._corrupt(offset, state.seq + 1, what)
            return False
        if unknown.seq != state.seq + 1 or prev != state.hash:
            self._broken(state, offset, unknown.seq)
            return False
        apply_unknown(state, unknown.seq, unknown.id, digest)
        if self.read_only is None:
            self.read_only = t("store.newer", what=t("store.what.event", type=unknown.type))
        return True

    def _broken(self, state: StoreState, offset: int, found_seq: int) -> None:
        seq = state.seq + 1
        if found_seq != seq:
            what = t("store.what.seq", found=found_seq, expected=seq)
        elif seq == 1:
            what = t("store.what.header_changed")
        else:
            what = t("store.what.chain")
        self._corrupt(offset, seq, what)

    def _unfoldable(self, offset: int, record: ev.Record, exc: Exception) -> None:
        what = t("store.what.unfoldable", type=ev.event_tag(record.event), error=repr(exc))
        self._corrupt(offset, record.seq, what)

    def _corrupt(self, offset: int, seq: int, what: str) -> None:
        message = t("store.corrupt", seq=seq, offset=offset, what=what)
        self.corruption = CorruptLog(message, offset=offset, seq=seq)
        self.read_only = message

    def _settle(self, state: StoreState, problem: TailProblem) -> None:
        """Deal with bad bytes at the tail, seen under the lock (so not an append in progress)."""
        if not problem.torn:
            self._corrupt(problem.offset, state.seq + 1, problem.text())
            return
        if not self.log.writable or self.read_only is not None:
            # Only someone who may write moves bytes; a reader simply stops before them.
            return
        try:
            side, size = self.log.move_tail_aside(problem.offset)
        except OSError as exc:
            self.read_only = t(
                "store.tail_stuck", offset=problem.offset, why=exc.strerror or str(exc)
            )
            return
        self.notices.append(t("store.torn", offset=problem.offset, size=size, side=side.name))

    def records(self, upto: int | None = None) -> Iterator[tuple[ev.Record | Unknown, str]]:
        for _, payload in self.log.scan(HEADER_SIZE, self.end):
            digest = payload_hash(payload)
            record, _ = decode_payload(payload, digest)
            if upto is not None and record.seq > upto:
                return
            yield record, digest

    def wait(self, seq: int, timeout: float) -> bool:
        """Poll the log's size: a file has no notifications every filesystem keeps."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if os.stat(self.log.path).st_size > self.end:
                    return True
            except OSError:
                return False
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(WAIT_POLL, max(0.0, deadline - time.monotonic())))

    # --- writing ---------------------------------------------------------------------

    @contextmanager
    def writing(self, state: StoreState) -> Iterator[None]:
        """Hold the file lock from catching up to fsync: appends never conflict."""
        try:
            self.log.lock()
        except OSError as exc:
            raise StoreError(t("store.lock_failed", path=self.log.path, why=exc.strerror)) from exc
        try:
            try:
                problem = self._consume(state, None)
                if problem is not None:
                    self._settle(state, problem)
            except OSError as exc:
                raise StoreError(
                    t("store.read_failed", path=self.log.path, why=exc.strerror)
                ) from exc
            yield
        finally:
            self.log.unlock()

    def append(
        self, state: StoreState, event: ev.Event, *, event_id: str, actor: str, time: datetime
    ) -> ev.Record:
        record = ev.Record(
            seq=state.seq + 1,
            id=event_id,
            time=time.astimezone(UTC),
            actor=actor,
            prev=state.hash,
            event=event,
        )
        return self.write_record(state, record)

    def write_record(self, state: StoreState, record: ev.Record) -> ev.Record:
        """Write a record built by the caller (under `writing`), and fold it into `state`."""
        if self.read_only:
            raise ReadOnly(t("store.read_only", reason=self.read_only))
        payload = ev.ENCODER.encode(record)
        try:
            # Fold exactly what readers will decode, and never write what they could not.
            written = ev.RECORD_DECODER.decode(payload)
        except msgspec.DecodeError as exc:
            raise StoreError(t("store.unencodable", error=str(exc))) from exc
        try:
            end = self.log.append(frame(payload), self.end)
        except LogError as exc:
            raise StoreError(str(exc)) from exc
        offset = self.end
        self.end = end
        self.last_offset = offset
        try:
            apply(state, written, payload_hash(payload))
        except Exception as exc:
            self._unfoldable(offset, written, exc)
            raise StoreError(self.read_only or "") from exc
        return written

    def import_record(self, state: StoreState, record: ev.Record) -> ev.Record:
        """Copy a record into this log (under `writing`), keeping its id, time and actor."""
        copied = msgspec.structs.replace(record, seq=state.seq + 1, prev=state.hash)
        return self.write_record(state, copied)

    def find(self, event_id: str) -> ev.Record | None:
        if event_id not in self._known_ids():
            return None
        for rec, _ in self.records():
            if isinstance(rec, ev.Record) and rec.id == event_id:
                return rec
        raise StoreError(t("store.id_unreadable", id=event_id))

    def _known_ids(self) -> set[str]:
        """The ids of every record read so far, gathered from the log on first use.

        Only retries ask, so the state does not carry a million ids for them;
        later calls read just the records added since.
        """
        ids, upto = self._ids
        if upto < self.end:
            for _, payload in self.log.scan(upto, self.end):
                ids.add(_ID_DECODER.decode(payload).id)
            self._ids = (ids, self.end)
        return ids


def make_store_dir(path: Path) -> None:
    """mkdir -p for a store, making each new directory entry durable."""
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for directory in reversed(missing):
        try:
            # The store itself holds personal data: private unless made for a team
            # with `leerpad init-store`.
            directory.mkdir(mode=0o700 if directory == path else 0o777)
        except FileExistsError:
            continue
        fsync_dir(directory.parent)
