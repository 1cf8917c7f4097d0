"""A store: a directory holding one log, read into projections and appended to safely.

Writers serialise on the log's file lock; under it they catch up on what others
appended, re-run their command against that fresh state and write one record.
Readers never wait for writers: they stop at an incomplete record at the tail.
"""

from __future__ import annotations

import gc
import hashlib
import secrets
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from core import access, checkpoint, team
from core import events as ev
from core.dates import ClockError, check_clock
from core.history import HistoryEntry, Unknown, fold_with_history
from core.i18n import register, t
from core.identity import current_actor
from core.log import (
    FRAME_SIZE,
    HEADER_SIZE,
    LOG_VERSION,
    CorruptLog,
    Frame,
    LogError,
    LogFile,
    TailProblem,
    create_log,
    frame,
    fsync_dir,
    payload_hash,
)
from core.projections import StoreState, apply, apply_unknown

LOG_NAME = "events.log"
BULK_READ = 1 << 20
"""Catching up on more bytes than this pauses the cyclic garbage collector meanwhile."""

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


def decode_frame(frame_: Frame) -> Decoded:
    """Decode one frame; an event type this version does not know becomes `Unknown`."""
    digest = payload_hash(frame_.payload)
    record, _ = decode_payload(frame_.payload, digest)
    return Decoded(frame_.offset, frame_.end, digest, record)


class _RecordId(msgspec.Struct):
    id: str


_ID_DECODER = msgspec.msgpack.Decoder(_RecordId)
"""Reads just a record's id (any event type), skipping the rest of its payload."""


def new_event_id(now: datetime | None = None) -> str:
    """A unique, time-ordered id: 48 bits of milliseconds, then 80 random bits (hex)."""
    ms = int((now.timestamp() if now is not None else time.time()) * 1000)
    return f"{ms:012x}{secrets.token_hex(10)}"


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
    """Offset just after the last record folded into `state`."""
    last_offset: int = HEADER_SIZE
    """Offset of the last record folded into `state` (where a checkpoint can check it)."""
    read_only: str | None = None
    """Why this store may not be written to, in the user's language; None when writable."""
    notices: list[str] = field(default_factory=list)
    """Things the user should know about (a torn tail moved aside)."""
    corruption: CorruptLog | None = None
    """The first damaged record, once found: reading stops before it."""
    authorize: Callable[[StoreState, str, ev.Event], None] | None = None
    """Checked under the lock before every append: raises Rejected when the actor may not."""
    _mutex: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    _ids: tuple[set[str], int] = field(
        default_factory=lambda: (set(), HEADER_SIZE), repr=False, compare=False
    )

    # --- opening ---------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = True,
        clock: Callable[[], datetime] = utc_now,
        cache_dir: Path | None = None,
    ) -> Store:
        """Open (or create) the store in directory `path` and read its whole log.

        With `cache_dir`, a valid checkpoint there replaces replaying the records
        it covers, and a long replay leaves a new one (see core/checkpoint.py).
        """
        path = Path(path)
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
                create_log(log_path, mode=new_file_mode(path))
            log = LogFile.open(log_path)
        except PermissionError as exc:
            raise StoreError(t("store.no_access", path=path, why=exc.strerror)) from exc
        except LogError as exc:
            raise StoreError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(t("store.cannot_open", path=path, why=exc.strerror)) from exc
        store = cls(path=path, log=log, clock=clock)
        store.notices.extend(checked.warnings)
        header = log.header
        if checked.read_only is not None:
            store.read_only = checked.read_only
        elif not log.writable:
            store.read_only = t("store.no_write", path=log_path)
        elif header.version > LOG_VERSION:
            store.read_only = t("store.newer", what=t("store.what.log", v=header.version))
        elif header.problem is not None:
            store.read_only = t("store.bad_header", what=t(header.problem))
        store.state.hash = header.hash
        try:
            if cache_dir is not None:
                checkpoint.restore(store, cache_dir)
            restored = store.state.seq
            # On open a problem at the tail is settled now, waiting for a writer if needed.
            store._read_new(wait=True, collect=False)
            if cache_dir is not None and checkpoint.worth_saving(store, store.state.seq - restored):
                checkpoint.save(store, cache_dir)
        except BaseException:
            store.close()
            raise
        access.attach(store)
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
        return self._read_new(wait=False)

    def _read_new(self, *, wait: bool, collect: bool = True) -> list[ev.Record]:
        with self._mutex:
            found: list[ev.Record] | None = [] if collect else None
            if self.corruption is not None:
                return found or []
            try:
                problem = self._consume(found)
                if problem is None:
                    return found or []
                # Unlocked, a bad tail may be an append in progress. Writers hold the
                # lock from catch-up to fsync, so under it the tail is what a crash left.
                try:
                    if not self.log.lock(wait=wait):
                        return found or []
                except OSError:
                    return found or []
                try:
                    problem = self._consume(found)
                    if problem is not None:
                        self._settle(problem)
                finally:
                    self.log.unlock()
            except OSError as exc:
                raise StoreError(
                    t("store.read_failed", path=self.log.path, why=exc.strerror)
                ) from exc
            return found or []

    def _consume(self, found: list[ev.Record] | None) -> TailProblem | None:
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
            state = self.state
            decode = ev.RECORD_DECODER.decode
            sha256 = hashlib.sha256
            newest = ev.FORMAT_VERSION
            for offset, payload in scan:
                digest = sha256(payload).hexdigest()
                try:
                    record = decode(payload)
                except msgspec.DecodeError:
                    if not self._fold_odd(offset, payload, digest):
                        return None
                    last, last_payload = offset, payload
                    continue
                if record.seq != state.seq + 1 or record.prev != state.hash:
                    self._broken(offset, record.seq)
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

    def _fold_odd(self, offset: int, payload: bytes, digest: str) -> bool:
        """A payload the record decoder refused: an event type from a newer version, or damage."""
        try:
            unknown, prev = _decode_unknown(payload, digest)
        except msgspec.DecodeError as exc:
            what = t("store.what.undecodable", error=str(exc))
            self._corrupt(offset, self.state.seq + 1, what)
            return False
        if unknown.seq != self.state.seq + 1 or prev != self.state.hash:
            self._broken(offset, unknown.seq)
            return False
        apply_unknown(self.state, unknown.seq, unknown.id, digest)
        if self.read_only is None:
            self.read_only = t("store.newer", what=t("store.what.event", type=unknown.type))
        return True

    def _broken(self, offset: int, found_seq: int) -> None:
        seq = self.state.seq + 1
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

    def _settle(self, problem: TailProblem) -> None:
        """Deal with bad bytes at the tail, seen under the lock (so not an append in progress)."""
        if not problem.torn:
            self._corrupt(problem.offset, self.state.seq + 1, problem.text())
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
        """Re-read (record, hash) pairs from the start of the log, up to seq `upto`."""
        for _, payload in self.log.scan(HEADER_SIZE, self.end):
            digest = payload_hash(payload)
            record, _ = decode_payload(payload, digest)
            if upto is not None and record.seq > upto:
                return
            yield record, digest

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
        with self._mutex:
            if self.read_only:
                raise ReadOnly(t("store.read_only", reason=self.read_only))
            try:
                self.log.lock()
            except OSError as exc:
                raise StoreError(
                    t("store.lock_failed", path=self.log.path, why=exc.strerror)
                ) from exc
            try:
                return self._execute_locked(decide, event_id)
            finally:
                self.log.unlock()

    def _execute_locked(self, decide: Decide, event_id: str | None) -> ev.Record:
        try:
            problem = self._consume(None)
            if problem is not None:
                self._settle(problem)
        except OSError as exc:
            raise StoreError(t("store.read_failed", path=self.log.path, why=exc.strerror)) from exc
        if self.read_only:
            raise ReadOnly(t("store.read_only", reason=self.read_only))
        if event_id is not None and event_id in self._known_ids():
            return self._find(event_id)
        event = decide(self.state)
        if not isinstance(event, ev.EVENT_TYPES):
            raise TypeError(f"a command returned {event!r}, not an event")
        if self.authorize is not None:
            self.authorize(self.state, self.actor, event)
        try:
            now = check_clock(self.clock())
        except ClockError as exc:
            raise StoreError(str(exc)) from exc
        record = ev.Record(
            seq=self.state.seq + 1,
            id=event_id or new_event_id(now),
            time=now,
            actor=self.actor,
            prev=self.state.hash,
            event=event,
        )
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
            apply(self.state, written, payload_hash(payload))
        except Exception as exc:
            self._unfoldable(offset, written, exc)
            raise StoreError(self.read_only or "") from exc
        return written

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

    def _find(self, event_id: str) -> ev.Record:
        for rec, _ in self.records():
            if isinstance(rec, ev.Record) and rec.id == event_id:
                return rec
        raise StoreError(t("store.id_unreadable", id=event_id))


def new_file_mode(directory: Path) -> int | None:
    """Permission bits for files leerpad creates in a store directory (None: the umask's).

    A setgid directory is a team store: its files get the directory's group
    read/write bits and nothing for others, whatever the creator's umask.
    """
    mode = directory.stat().st_mode
    if not mode & stat.S_ISGID:
        return None
    return 0o600 | (mode & 0o060)


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


register(
    {
        "store.missing": (
            "There is no leerpad store at {path}.",
            "Er is geen leerpad-opslag in {path}.",
        ),
        "store.no_access": (
            "You have no access to the store at {path}: {why}.",
            "Je hebt geen toegang tot de opslag in {path}: {why}.",
        ),
        "store.cannot_open": (
            "Cannot open the store at {path}: {why}.",
            "Kan de opslag in {path} niet openen: {why}.",
        ),
        "store.read_failed": (
            "Could not read {path}: {why}.",
            "Kon {path} niet lezen: {why}.",
        ),
        "store.lock_failed": (
            "Could not lock {path} for writing ({why}); nothing was written.",
            "Kon {path} niet vergrendelen om te schrijven ({why}); er werd niets geschreven.",
        ),
        "store.bad_header": (
            "the log header is damaged ({what}); run 'leerpad verify' for details.",
            "de hoofding van het logboek is beschadigd ({what}); "
            "voer 'leerpad verify' uit voor details.",
        ),
        "store.tail_stuck": (
            "an incomplete record at the end of the log (byte {offset}) could not be moved "
            "aside ({why}).",
            "een onvolledig record aan het einde van het logboek (byte {offset}) kon niet "
            "opzijgezet worden ({why}).",
        ),
        "store.unencodable": (
            "The change could not be stored as a valid record ({error}); nothing was written.",
            "De wijziging kon niet als geldig record bewaard worden ({error}); "
            "er werd niets geschreven.",
        ),
        "store.id_unreadable": (
            "Event {id} is in the log but could not be read back.",
            "Gebeurtenis {id} staat in het logboek maar kon niet teruggelezen worden.",
        ),
        "store.what.log": ("log format {v}", "logformaat {v}"),
        "store.what.record": ("record format {v}", "recordformaat {v}"),
        "store.what.event": ("event type {type}", "gebeurtenistype {type}"),
        "store.what.seq": (
            "sequence number {found} where {expected} was expected",
            "volgnummer {found} waar {expected} verwacht werd",
        ),
        "store.what.chain": (
            "hash chain broken: it does not name the record before it",
            "hashketen gebroken: het verwijst niet naar het record ervoor",
        ),
        "store.what.header_changed": (
            "hash chain broken: the log header was changed",
            "hashketen gebroken: de hoofding van het logboek werd gewijzigd",
        ),
        "store.what.undecodable": (
            "not a readable record: {error}",
            "geen leesbaar record: {error}",
        ),
        "store.what.unfoldable": (
            "this version cannot apply its {type} event: {error}",
            "deze versie kan de gebeurtenis {type} niet toepassen: {error}",
        ),
    }
)
