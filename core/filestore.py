"""The file backend of a store: a directory holding one log, appended under an OS file lock.

Writers serialise on the log's file lock; under it they check the open file is
still the log at its name, catch up on what others appended, re-run their
command against that fresh state and write one record. Readers never wait for
writers: they stop at an incomplete record at the tail. Every name in the
directory may have been planted by another member (core/storefiles.py).
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import msgspec

from core import events as ev
from core import storefiles, team
from core.history import Unknown
from core.i18n import t
from core.identity import login_exists
from core.keystore import FileKeyStore, KeyProblem, Keys
from core.log import (
    FRAME,
    FRAME_SIZE,
    HEADER_SIZE,
    LOG_NAME,
    LOG_VERSION,
    CorruptLog,
    FrameScan,
    LogError,
    LogFile,
    SpanDigest,
    TailProblem,
    create_log,
    frame,
    fsync_dir,
    payload_hash,
)
from core.privacy import TOUCHED, open_record
from core.projections import StoreState, apply, apply_unknown
from core.storage import BrokenChain, Head, Misplaced, Prepared, ReadOnly, Reread, StoreError

if TYPE_CHECKING:
    from core.verify import Report

BULK_READ = 1 << 20
"""Catching up on more bytes than this pauses the cyclic garbage collector meanwhile."""
WAIT_POLL = 0.2
"""How often `wait` looks at the log's size."""


def decode_payload(payload: bytes, digest: str) -> tuple[ev.Record | Unknown, str]:
    """Decode one record payload: (the record, its `prev` hash).

    An older event version is upcast; an event this version cannot interpret
    becomes `Unknown`; bytes that are not a record at all raise `msgspec.DecodeError`.
    """
    result = ev.read_record(payload)
    if isinstance(result, ev.Record):
        return result, result.prev
    opaque = result.record
    unknown = Unknown(opaque.seq, opaque.id, opaque.time, opaque.actor, result.type, digest)
    return unknown, opaque.prev


class _RecordId(msgspec.Struct):
    id: str


class _Link(msgspec.Struct):
    seq: int
    prev: str


_LINK_DECODER = msgspec.msgpack.Decoder(_Link)
"""Reads a record's place in the chain (any event type), skipping the rest."""


Places = dict[str, tuple["array[int]", "array[int]"]]
"""Per plan, the seqs of its records and where each starts in the log."""


_ID_DECODER = msgspec.msgpack.Decoder(_RecordId)
"""Reads just a record's id (any event type), skipping the rest of its payload."""


class ReadFrames(msgspec.Struct, frozen=True):
    """The frames of a log read ahead (`FileBackend.read_ahead`), iterated as a `FrameScan`."""

    frames: list[tuple[int, bytes]]
    start: int
    stop: int
    problem: TailProblem | None

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        return iter(self.frames)


class _CheckAhead:
    """The answer of a check of the log, worked out in a thread of its own meanwhile.

    Hashing and reading release the GIL: on a second core the check of what a read model
    stands in for costs no time beside what the process does with the read model.
    """

    def __init__(self, check: Callable[[], bool]) -> None:
        self._check = check
        self._answer: bool | BaseException = False
        self._thread = threading.Thread(target=self._run, name="leerpad-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._answer = self._check()
        except BaseException as exc:  # raised again in the thread that asks for the answer
            self._answer = exc

    def answer(self) -> bool:
        """True when damaged; waits for the check to finish (raises what it raised)."""
        self._thread.join()
        if isinstance(self._answer, BaseException):
            raise self._answer
        return self._answer


class FileBackend:
    """An open log file: what `Store` needs from a store directory."""

    actor = None  # the OS login of the process owner
    login_exists = staticmethod(login_exists)

    def __init__(self, path: Path, log: LogFile, *, refused: str | None = None) -> None:
        self.path = path
        self.log = log
        self.refused = refused
        """Why the store may not be written whatever its log says (a network filesystem)."""
        self.notices: list[str] = []
        self._start_reading()

    def _start_reading(self) -> None:
        """Set up to read `self.log` from its first record (on open, and after a re-open)."""
        log = self.log
        header = log.header
        self.keys = Keys(FileKeyStore(self.path))
        """The plans' keys in `keys/`: personal texts are opened as records are read."""
        self.read_only: str | None = None
        if self.refused is not None:
            self.read_only = self.refused
        elif not log.writable:
            self.read_only = t("store.no_write", path=log.path)
        elif header.version > LOG_VERSION:
            self.read_only = t("store.newer", what=t("store.what.log", v=header.version))
        elif header.problem is not None:
            self.read_only = t("store.bad_header", what=t(header.problem))
        elif header.version < LOG_VERSION:
            self.read_only = t("store.plaintext_format", v=header.version)
        self.end = HEADER_SIZE
        """Offset just after the last record folded into the state."""
        self.last_offset = HEADER_SIZE
        """Offset of the last record folded (where the read model can check it)."""
        self.corruption: CorruptLog | None = None
        self._ids: tuple[set[str], int] = (set(), HEADER_SIZE)
        self.unchecked = HEADER_SIZE
        """Records before this offset came from the read model and were not checked yet."""
        self.unchecked_spans: list[tuple[int, str]] = []
        """The SHA-256 those bytes had when they were last checked, span by span: (where
        each span ends, the digest of its bytes from where the one before ended)."""
        self._ahead: _CheckAhead | None = None
        """The check of those bytes when it was started ahead (`cover`)."""

    def _fresh_state(self) -> StoreState:
        """An empty state to read the log into from its first record."""
        state = StoreState(log_id=self.log_id)
        state.hash = self.genesis
        return state

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> FileBackend:
        """Open (or create) the log of the store directory `path`, reading nothing yet."""
        log_path = path / LOG_NAME
        try:
            checked = team.check_store_access(path)
        except team.NoAccess as exc:
            raise StoreError(str(exc)) from exc
        try:
            if not log_path.is_symlink() and not log_path.exists():
                if not create:
                    raise StoreError(t("store.missing", path=path))
                if checked.read_only is not None:
                    raise StoreError(checked.read_only)
                make_store_dir(path)
                create_log(log_path, mode=team.new_file_mode(path))
            log = LogFile.open(log_path)
        except storefiles.UnsafeFile as exc:
            raise StoreError(str(exc)) from exc
        except PermissionError as exc:
            raise StoreError(t("store.no_access", path=path, why=exc.strerror)) from exc
        except LogError as exc:
            raise StoreError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(t("store.cannot_open", path=path, why=exc.strerror)) from exc
        backend = cls(path, log, refused=checked.read_only)
        backend.notices.extend(checked.warnings)
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

    @property
    def log_id(self) -> str:
        return self.log.header.log_id

    def close(self) -> None:
        self._drop_ahead()
        self.log.close()

    def _read_failed(self, exc: OSError) -> StoreError:
        if isinstance(exc, KeyProblem):
            # A plan's key, not the log, could not be read: its own sentence says which.
            return StoreError(str(exc))
        return StoreError(t("store.read_failed", path=self.log.path, why=exc.strerror))

    def _reopen(self) -> StoreState:
        """Open the file now at the log's name; the state read from its start.

        Called when the open file was replaced or removed by someone else: what the
        name leads to now is what everyone else reads and writes.
        """
        self._drop_ahead()  # its answer is about the file that was at the name
        log = LogFile.open(self.log.path)
        old, self.log = self.log, log
        old.close()
        self._start_reading()
        state = self._fresh_state()
        self.catch_up(state, None, settle=False)
        return state

    # --- records the read model stood in for -------------------------------------------

    def cover(self, end: int, spans: list[tuple[int, str]], *, ahead: bool = False) -> None:
        """The records before `end` come from a read model and are not checked yet (none
        when `end` is HEADER_SIZE); `spans` are their digests when they passed a check.

        With `ahead`, checking them starts now in a thread of its own; `check_covered`
        then waits for its answer.
        """
        self._drop_ahead()
        self.unchecked, self.unchecked_spans = end, list(spans)
        if ahead and end > HEADER_SIZE:
            stop, checked = end, list(spans)
            self._ahead = _CheckAhead(lambda: self._damaged(stop, checked))

    def _drop_ahead(self) -> None:
        """Forget a check started ahead, once it is done: the log is never closed under it."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            with suppress(Exception):
                ahead.answer()

    def covered_damaged(self) -> bool:
        """True when the records the read model stood in for are damaged (checksum, seq, chain).

        Reads only the log (safe from a background thread) and changes nothing;
        `check_covered` then makes the damage the store's. Cheaper than a replay:
        no event is decoded or folded. The answer of a check started ahead when there is one.
        """
        if self._ahead is not None:
            return self._ahead.answer()
        return self._damaged(self.unchecked, self.unchecked_spans)

    def _damaged(self, stop: int, spans: list[tuple[int, str]]) -> bool:
        if stop <= HEADER_SIZE:
            return False
        start = 0
        if spans and spans[-1][0] == stop:
            # The very bytes a record-by-record check passed when the read model was
            # written: hashed in C, on two cores, instead of decoded one by one.
            for end, digest in spans:
                if self.log.digest(end, start) != digest:
                    break
                start = end
            else:
                return False
        return self.checked_digest(stop) is None

    def check_covered(self, damaged: bool | None = None) -> StoreState | None:
        """Check the records the read model stood in for, once; damage makes the store read-only.

        On damage the log is read again from its start, so the state (returned, to
        replace the store's), the message and the read-only reason are exactly
        those of an open without a read model. None: nothing to replace. `damaged`
        is what `covered_damaged` said, asked in another thread (None: ask now).
        """
        if self.unchecked <= HEADER_SIZE:
            return None
        if damaged is None:
            try:
                damaged = self.covered_damaged()
            except OSError as exc:
                raise self._read_failed(exc) from exc
            finally:
                self._ahead = None
        else:
            self._drop_ahead()  # answered by a check of its own
        self.unchecked = HEADER_SIZE
        self.unchecked_spans = []
        if not damaged:
            return None
        self._start_reading()
        state = self._fresh_state()
        problem = self._consume(state, None)
        if problem is not None and not problem.torn:
            self._settle(state, problem)
        return state

    def checked_digest(
        self,
        stop: int,
        after: tuple[int, int, str] | None = None,
        places: Places | None = None,
    ) -> str | None:
        """Check every record before `stop` (checksums, seqs, chain, as `covered_damaged`)
        and return the digest (`SpanDigest`) of exactly the bytes checked; None when they are
        damaged.

        From the log's start (its header included), or with `after` = (offset, seq,
        hash) from the record ending at that offset with that seq and hash. The digest
        lets a later open check those bytes by hashing alone; it is taken from the
        bytes the check read, never from a second read that might differ. With
        `places`, where each plan's records checked start is added to it.
        """
        digest = SpanDigest()
        if after is None:
            digest.update(self.log.header_bytes)
            start, seq, prev = HEADER_SIZE, 0, self.log.header.hash
        else:
            start, seq, prev = after
        sha256, crc32, pack = hashlib.sha256, zlib.crc32, FRAME.pack
        decode = (_LINK_DECODER if places is None else _PLAN_LINK_DECODER).decode
        scan = self.log.scan(start, stop)
        try:
            for at, payload in scan:
                link = decode(payload)
                if link.seq != seq + 1 or link.prev != prev:
                    return None
                if places is not None and link.event.plan:
                    found = places.get(link.event.plan)
                    if found is None:
                        found = places[link.event.plan] = (array("I"), array("Q"))
                    found[0].append(link.seq)
                    found[1].append(at)
                prev, seq = sha256(payload).hexdigest(), link.seq
                n = len(payload)
                # The frame as written: a frame that passed the scan has exactly this header.
                digest.update_frame(pack(n, n ^ 0xFFFFFFFF, crc32(payload)), payload)
        except msgspec.DecodeError:
            return None
        if scan.problem is not None or scan.end != stop:
            return None
        return digest.hexdigest()

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
            raise self._read_failed(exc) from exc

    def _consume(
        self, state: StoreState, found: list[ev.Record] | None, read: ReadFrames | None = None
    ) -> TailProblem | None:
        """Fold every valid record after `end`; return what stopped the scan at the tail.

        Damage inside a checksummed record (chain, sequence, decoding) is settled
        here; only the bytes after the last good frame are returned to the caller.
        `read`: those frames, read before (in another thread) while nobody could append.
        """
        scan: FrameScan | ReadFrames
        scan = read if read is not None and read.start == self.end else self.log.scan(self.end)
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
            fold = apply
            keys = self.keys
            touched = TOUCHED
            # The chain, kept in locals in the hot loop (the state says the same after
            # each fold); re-read only after a record the slow path dealt with.
            seq, prev = state.seq, state.hash
            for offset, payload in scan:
                digest = sha256(payload).hexdigest()
                try:
                    record = decode(payload)
                    kind = type(record.event)
                    odd = record.v != kind.version
                except msgspec.DecodeError:
                    odd = True
                if odd:
                    # Another version's shape, a type from a newer leerpad, or damage.
                    found_record = self._read_odd(state, offset, payload, digest)
                    if found_record is None:
                        if self.corruption is not None:
                            return None
                        last, last_payload = offset, payload
                        seq, prev = state.seq, state.hash
                        continue
                    record = found_record
                    kind = type(record.event)
                    if record.v > kind.version and self.read_only is None:
                        self.read_only = t("store.newer", what=t("store.what.record", v=record.v))
                seq += 1
                if record.seq != seq or record.prev != prev:
                    self._broken(state, offset, record.seq)
                    return None
                if kind in touched:
                    record = open_record(record, keys)
                try:
                    fold(state, record, digest)
                except Exception as exc:
                    self._unfoldable(offset, record, exc)
                    return None
                prev = digest
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

    def _read_odd(
        self, state: StoreState, offset: int, payload: bytes, digest: str
    ) -> ev.Record | None:
        """A payload the fast path could not take as it is: the record to fold, or None.

        None after folding a record this version cannot interpret (unknown type,
        newer version: the store becomes read-only) or after finding damage (a
        known type whose event does not have its shape, or not a record at all).
        """
        try:
            result = ev.read_record(payload)
        except msgspec.DecodeError as exc:
            what = t("store.what.undecodable", error=str(exc))
            self._corrupt(offset, state.seq + 1, what)
            return None
        if isinstance(result, ev.Record):
            return result
        opaque = result.record
        if opaque.seq != state.seq + 1 or opaque.prev != state.hash:
            self._broken(state, offset, opaque.seq)
            return None
        if isinstance(result, ev.Invalid):
            what = t("store.what.invalid", type=result.type, field=result.field)
            self._corrupt(offset, opaque.seq, what)
            return None
        apply_unknown(state, opaque.seq, opaque.id, digest)
        if self.read_only is None:
            self.read_only = t("store.newer", what=t("store.what.event", type=result.type))
        return None

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

    def records(
        self, upto: int | None = None, *, opened: bool = True
    ) -> Iterator[tuple[ev.Record | Unknown, str]]:
        for _, payload in self.log.scan(HEADER_SIZE, self.end):
            digest = payload_hash(payload)
            record, _ = decode_payload(payload, digest)
            if upto is not None and record.seq > upto:
                return
            if opened and isinstance(record, ev.Record):
                record = open_record(record, self.keys)
            yield record, digest

    def history_source(self) -> FileHistory:
        return FileHistory(self)

    def verify(self) -> Report:
        from core.verify import verify_store  # `leerpad verify` only: not on every open

        return verify_store(self.path)

    def hashes(self, report: Report, seqs: set[int]) -> dict[int, str]:
        """Read by name, as `verify_store` did, up to the end of what it found intact: there
        the Nth frame is record N."""
        log = LogFile(self.path / LOG_NAME, writable=False)
        try:
            found: dict[int, str] = {}
            last = max(seqs, default=0)
            for seq, (_, payload) in enumerate(log.scan(HEADER_SIZE, report.end), 1):
                if seq > last:
                    break
                if seq in seqs:
                    found[seq] = payload_hash(payload)
            return found
        finally:
            log.close()

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
    def locked(self) -> Iterator[None]:
        """Hold the log's file lock from catching up to fsync: appends never conflict."""
        log = self.log
        try:
            log.lock()
        except OSError as exc:
            raise StoreError(t("store.lock_failed", path=log.path, why=exc.strerror)) from exc
        try:
            yield
        finally:
            if log.fd >= 0:  # closing it (a replaced log, `_read_again`) let the lock go
                log.unlock()

    def read_ahead(self, state: StoreState) -> ReadFrames:
        """Under the lock: the frames others appended, read (checksums only), not folded."""
        scan = self.log.scan(self.end)
        try:
            frames = list(scan)
        except OSError as exc:
            raise self._read_failed(exc) from exc
        return ReadFrames(frames, scan.start, scan.stop, scan.problem)

    def catch_up_to_write(
        self,
        state: StoreState,
        found: list[ev.Record] | None = None,
        read: ReadFrames | None = None,
    ) -> None:
        """Under the lock, fold what others appended; a bad tail is settled now.

        First the open file must still be the log at its name: appending to a file
        someone renamed away would go where nobody reads.
        """
        try:
            replaced = self.log.replaced()
            if replaced is None:
                problem = self._consume(state, found, read)
                if problem is not None:
                    self._settle(state, problem)
        except OSError as exc:
            raise self._read_failed(exc) from exc
        if replaced is not None:
            self._read_again(replaced)

    @contextmanager
    def waiting_to_write(self) -> Iterator[None]:
        """Wait for the file lock and hold it; the same open file takes it again at once."""
        try:
            self.log.lock()
        except OSError:
            yield  # `writing` says why it cannot lock
            return
        try:
            yield
        finally:
            self.log.unlock()

    def _read_again(self, why: str) -> NoReturn:
        """The open log is no longer the one at its name: open that one, then refuse."""
        try:
            state = self._reopen()
        except (LogError, OSError) as exc:
            raise StoreError(f"{why} {exc}") from exc
        raise Reread(f"{why} {t('store.reread', path=self.log.path)}", state)

    def prepare(
        self, state: StoreState, event: ev.Event, *, event_id: str, actor: str, time: datetime
    ) -> Prepared:
        record = ev.Record(
            seq=state.seq + 1,
            id=event_id,
            time=time.astimezone(UTC),
            actor=actor,
            prev=state.hash,
            event=event,
            v=type(event).version,
        )
        return self._prepared(record)

    def _prepared(self, record: ev.Record) -> Prepared:
        if self.read_only:
            raise ReadOnly(t("store.read_only", reason=self.read_only))
        payload = ev.ENCODER.encode(record)
        try:
            # Fold exactly what readers will decode, and never write what they could not.
            written = ev.RECORD_DECODER.decode(payload)
            data = frame(payload)
        except msgspec.DecodeError as exc:
            raise StoreError(t("store.unencodable", error=str(exc))) from exc
        except LogError as exc:
            raise StoreError(str(exc)) from exc
        return Prepared(written, data, self.end, payload_hash(payload))

    def write(self, prepared: Prepared) -> None:
        # Only the file is touched: `end` moves with the state, in `fold`.
        try:
            self.log.append(prepared.data, prepared.at)
        except LogError as exc:
            raise StoreError(str(exc)) from exc

    def fold(self, state: StoreState, prepared: Prepared) -> ev.Record:
        offset = prepared.at
        self.end = offset + len(prepared.data)
        self.last_offset = offset
        written = open_record(prepared.record, self.keys)
        try:
            apply(state, written, prepared.digest)
        except Exception as exc:
            self._unfoldable(offset, written, exc)
            raise StoreError(self.read_only or "") from exc
        return written

    def write_record(self, state: StoreState, record: ev.Record) -> ev.Record:
        """Write a record built by the caller (under `writing`), and fold it into `state`."""
        prepared = self._prepared(record)
        self.write(prepared)
        return self.fold(state, prepared)

    def import_record(self, state: StoreState, record: ev.Record) -> ev.Record:
        """Copy a record into this log (under `writing`), keeping its id, time and actor."""
        copied = msgspec.structs.replace(record, seq=state.seq + 1, prev=state.hash)
        return self.write_record(state, copied)

    def import_records(
        self, state: StoreState, records: Iterable[ev.Record]
    ) -> list[tuple[int, str]]:
        landed = []
        for record in records:
            self.import_record(state, record)
            landed.append((state.seq, state.hash))
        return landed

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


class _EventHead(msgspec.Struct, gc=False):
    type: str = "?"
    plan: str = ""


class _Head(msgspec.Struct, gc=False):
    """The only fields of a record the history needs; msgspec skips the rest unparsed."""

    seq: int
    actor: str
    event: _EventHead


_HEAD_DECODER = msgspec.msgpack.Decoder(_Head)


class _PlanLink(msgspec.Struct, gc=False):
    seq: int
    prev: str
    event: _EventHead


_PLAN_LINK_DECODER = msgspec.msgpack.Decoder(_PlanLink)
"""A record's place in the chain and the plan it belongs to (any event type)."""


class FileHistory:
    """The history index's reader of a log file, newest records first.

    Nothing is read on creation: `start` decodes the last record, `older` reads the
    records before a seq a few megabytes at a time (finding the first frame in the
    bytes by its checksummed header), `newer` what was appended since. Where each
    record read starts is kept (8 bytes a record), so one is read back with two preads.
    The store checked the checksum, seq and hash chain of every record before its end
    when it folded them: here the seqs are checked again, the chain is not. Where older
    records start may also come from the read model (`fetch`'s `placed`): such a record is
    read only if its frame, checksum and seq are right there, else Misplaced.
    """

    may_hide = False
    """A log file shows every record to whoever may open it."""

    def __init__(self, backend: FileBackend) -> None:
        self.backend = backend
        self.offsets = array("Q")
        """Record seq n starts at offsets[n - 1] (0 where it was not read yet)."""
        self.high_end = HEADER_SIZE
        """Where the record after the newest one read starts."""
        self.low_read = 1
        """The oldest seq whose head was read (every one up from it is): offsets below it
        were placed by a cache, if at all."""

    def start(self, upto: int) -> int:
        """The seq of the newest record (0 when there is none); nothing before it is read."""
        backend = self.backend
        at = backend.last_offset
        if backend.end <= HEADER_SIZE:
            return 0
        fd = backend.log.fd
        n = FRAME.unpack(os.pread(fd, FRAME_SIZE, at))[0]
        head = self._decode(os.pread(fd, n, at + FRAME_SIZE), 0, at)
        self.offsets = array("Q", bytes(8 * head.seq))
        self.offsets[head.seq - 1] = at
        self.high_end = at + FRAME_SIZE + n
        self.low_read = head.seq
        return head.seq

    def older(self, low: int, budget: int) -> tuple[int, list[Head]]:
        """The heads of the records just before seq `low` (ascending, up to about `budget`
        of them) and the first one's seq."""
        fd = self.backend.log.fd
        stop = self.offsets[low - 1] if low <= len(self.offsets) else self.high_end
        span = budget * OLDER_RECORD_BYTES
        while True:
            begin = max(HEADER_SIZE, stop - span)
            data = os.pread(fd, stop - begin, begin)
            spans = _frames(data, 0) if begin == HEADER_SIZE else _first_frames(data)
            if spans:
                break
            if begin == HEADER_SIZE or span > MAX_FRAME_SEARCH:
                raise BrokenChain(low - 1, stop, "decode")
            span *= 2  # a record larger than the bytes read: read more
        heads: list[Head] = []
        add = heads.append
        seq = first_seq = low - len(spans)
        offsets, view, decode = self.offsets, memoryview(data), _HEAD_DECODER.decode
        for at, end in spans:
            try:
                head = decode(view[at + FRAME_SIZE : end])
            except msgspec.DecodeError:
                raise BrokenChain(seq, begin + at, "decode") from None
            if head.seq != seq:
                raise BrokenChain(seq, begin + at, "sequence")
            offsets[seq - 1] = begin + at
            event = head.event
            add((seq, event.plan, head.actor, event.type))
            seq += 1
        # After the offsets: a seq from here up is then known to start where it was read.
        self.low_read = first_seq
        return first_seq, heads

    def newer(self, high: int, upto: int) -> list[Head]:
        """The heads of the records after seq `high` up to seq `upto` the store has read."""
        heads: list[Head] = []
        offsets = self.offsets
        seq = high
        for at, payload in self.backend.log.scan(self.high_end, self.backend.end):
            if seq >= upto:
                break
            seq += 1
            head = self._decode(payload, seq, at)
            offsets.append(at)
            self.high_end = at + FRAME_SIZE + len(payload)
            heads.append((seq, head.event.plan, head.actor, head.event.type))
        return heads

    @staticmethod
    def _decode(payload: bytes, seq: int, at: int) -> _Head:
        """The head of a payload; `seq` is what it must say (0: anything)."""
        try:
            head = _HEAD_DECODER.decode(payload)
        except msgspec.DecodeError:
            raise BrokenChain(seq, at, "decode") from None
        if seq and head.seq != seq:
            raise BrokenChain(seq, at, "sequence")
        return head

    def fetch(
        self, seqs: Iterable[int], placed: Mapping[int, int] | None = None
    ) -> Iterator[ev.Record | Unknown]:
        # pread: safe beside a reader in another thread; the frame, checksum and seq are
        # checked again (where the read model placed a record, that is all that vouches).
        offsets = self.offsets
        for seq in seqs:
            # Every seq from low_read up was read where it starts; below, only placed.
            cached = seq < self.low_read
            at = (placed or {}).get(seq, 0) if cached else offsets[seq - 1]
            record = self._read(at) if at >= HEADER_SIZE else None
            if record is None or record.seq != seq:
                if cached:
                    raise Misplaced(seq)
                raise BrokenChain(seq, at, "decode" if record is None else "sequence")
            if isinstance(record, ev.Record):
                record = open_record(record, self.backend.keys)
            yield record

    def _read(self, at: int) -> ev.Record | Unknown | None:
        """The record in the frame at `at`; None when no sound frame starts there."""
        payload = self.backend.log.payload_at(at)
        if payload is None:
            return None
        try:
            # The hash only feeds a plan's version hash, which no history entry shows.
            return decode_payload(payload, "")[0]
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None


OLDER_RECORD_BYTES = 400
"""About a record's size in a log: how many bytes `FileHistory.older` reads for a record."""


def _frames(data: bytes, first: int) -> list[tuple[int, int]]:
    """(start, end) of each frame from `first`; empty unless they end exactly at the end
    of `data`. A frame header is its length and the length's complement."""
    spans = []
    add = spans.append
    pos, size, unpack = first, len(data), FRAME.unpack_from
    while pos + FRAME_SIZE <= size:
        n, check, _ = unpack(data, pos)
        if n ^ check != 0xFFFFFFFF:
            return []
        end = pos + FRAME_SIZE + n
        add((pos, end))
        pos = end
    return spans if pos == size else []


def _first_frames(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each whole frame in `data`, given that frames end exactly at its
    end; empty when none does (damage). The first frame's header is found by its length,
    the length's complement and its payload's CRC-32, then confirmed by the frames after."""
    size, unpack, crc32 = len(data), FRAME.unpack_from, zlib.crc32
    for start in range(min(size - FRAME_SIZE + 1, MAX_FRAME_SEARCH)):
        n, check, crc = unpack(data, start)
        end = start + FRAME_SIZE + n
        if n ^ check != 0xFFFFFFFF or end > size or crc32(data[start + FRAME_SIZE : end]) != crc:
            continue
        spans = _frames(data, start)
        if spans:
            return spans
    return []


MAX_FRAME_SEARCH = 16 * 1024 * 1024 + FRAME_SIZE
"""A frame starts within this many bytes of any offset (the largest payload and its header)."""
