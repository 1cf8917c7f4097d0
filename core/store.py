"""A store: records read into projections, and commands appended to them safely.

Where the records live is a backend's business (core/storage.py): a log file
in a directory (core/filestore.py) or a PostgreSQL database (core/pgstore.py).
A command is decided against the freshest state; an append that finds others
came first catches up and decides again.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from core import access, readmodel
from core import events as ev
from core.dates import ClockError, check_clock
from core.filestore import FileBackend, decode_payload, make_store_dir
from core.history import HistoryEntry, Unknown, fold_with_history
from core.i18n import register, t
from core.identity import current_actor
from core.keystore import KeyProblem, Keys
from core.log import LOG_NAME, CorruptLog, LogFile
from core.privacy import MissingKey, seal_event
from core.projections import StoreState, apply, apply_unknown
from core.storage import (
    Backend,
    Conflict,
    Decide,
    OnState,
    Prepared,
    ReadOnly,
    Reread,
    StoreError,
    is_database_url,
    new_event_id,
    utc_now,
)
from core.team import new_file_mode

if TYPE_CHECKING:
    from core.verify import Report

T = TypeVar("T")

CONFLICT_RETRIES = 50
"""Appends in a row that may find others came first before the command gives up."""

__all__ = [
    "LOG_NAME",
    "Decide",
    "ReadOnly",
    "Store",
    "StoreError",
    "decode_payload",
    "make_store_dir",
    "new_event_id",
    "new_file_mode",
    "utc_now",
]


def open_backend(location: str | Path, *, create: bool = True) -> Backend:
    """The backend of the store at `location` (a directory or a postgresql:// URL), nothing
    read yet; StoreError (MissingDriver for a database without psycopg) when it cannot be."""
    if is_database_url(location):
        from core import pgstore  # only database stores need psycopg

        return pgstore.PgBackend.open(str(location), create=create)
    return FileBackend.open(Path(location), create=create)


def _here(step: Callable[[], T]) -> T:
    return step()


class Store:
    """An open store. `state` is the projection of every record read so far."""

    # A plain class, not a dataclass: generating one costs ~1 ms of every start-up.
    def __init__(
        self,
        backend: Backend,
        clock: Callable[[], datetime] = utc_now,
        actor: str | None = None,
        state: StoreState | None = None,
        authorize: Callable[[StoreState, str, ev.Event], None] | None = None,
    ) -> None:
        self.backend = backend
        self.clock = clock
        self.actor = current_actor() if actor is None else actor
        self.state = StoreState() if state is None else state
        self.authorize = authorize
        """Checked before every append, on the fresh state: raises Rejected when the actor
        may not."""
        self.in_flight: Prepared | None = None
        """The record of a command being written: decided and encoded, not folded yet."""
        self._mutex = threading.RLock()

    # --- opening ---------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = True,
        clock: Callable[[], datetime] = utc_now,
        cache_dir: Path | None = None,
        check_now: bool = True,
        check_in_background: bool = False,
    ) -> Store:
        """Open (or create) the store at `path` (a directory or a postgresql:// URL) and read it.

        With `cache_dir`, a valid read model there replaces replaying the records
        a file store's read model covers (its plans are decoded when first used),
        and a long replay leaves a new one (see core/readmodel.py). The records a
        read model stands in for are still checked (checksums and hash chain): before
        this returns (hashed in a thread while the read model is read), or with
        `check_now` off before the first write (a UI calls `covered_damaged` in the
        background meanwhile) or, with `check_in_background` too, in a thread of the
        store's own from now on: `check_covered` waits for its answer (a command that
        only reads builds its output meanwhile and calls it before showing any).
        """
        backend = open_backend(path, create=create)
        if is_database_url(path):
            cache_dir = None
        store = cls(backend=backend, clock=clock)
        if backend.actor is not None:
            store.actor = backend.actor
        store.state.hash = backend.genesis
        try:
            ahead = check_now or check_in_background
            if cache_dir is not None:
                readmodel.restore(store, cache_dir, check_ahead=ahead)
            restored = store.state.seq
            parking = None
            if not restored:
                parking = readmodel.park_closed_plans(store, for_saving=cache_dir is not None)
            # On open a problem at the tail is settled now, waiting for a writer if needed.
            backend.catch_up(store.state, None, settle=True)
            if parking is not None:
                parking.stop_parking()
            if check_now:
                store.check_covered()
            if cache_dir is not None and readmodel.worth_saving(store, store.state.seq - restored):
                readmodel.save(store, cache_dir)
            store.finish_erasures()
        except BaseException:
            store.close()
            raise
        store.state.log_id = backend.log_id
        access.attach(store)
        return store

    def close(self) -> None:
        plans = self.state.plans
        if isinstance(plans, readmodel.StoredPlans):
            plans.close()
        self.backend.close()

    # --- the plans' keys ----------------------------------------------------------------

    @property
    def keys(self) -> Keys | None:
        """The plans' data keys (None: a store whose personal texts are not sealed)."""
        return getattr(self.backend, "keys", None)

    def finish_erasures(self) -> None:
        """Destroy the key of every erased plan that still has one (a crash after the record).

        Run on every open: an erasure whose key survived is completed by whoever
        comes next. A key that cannot be destroyed now is named in a notice.
        """
        keys = self.keys
        if keys is None:
            return
        plans = self.state.plans
        if isinstance(plans, readmodel.StoredPlans):
            erased = plans.erased()  # without decoding every plan
        else:
            erased = {plan.id for plan in plans.values() if plan.erased is not None}
        for plan_id in erased:
            keys.forget(plan_id)
        for plan_id in sorted(erased & keys.store.plans()):
            try:
                keys.erase(plan_id)
            except KeyProblem as exc:
                self.notices.append(str(exc))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what the backend knows ------------------------------------------------------

    @property
    def location(self) -> str:
        """Where the store is, as it may be shown (a database URL without its password)."""
        return self.backend.location

    @property
    def directory(self) -> Path | None:
        """The store's directory (None for a database store)."""
        return self.backend.directory

    @property
    def read_only(self) -> str | None:
        """Why this store may not be written to, in the user's language; None when writable."""
        return self.backend.read_only

    @read_only.setter
    def read_only(self, reason: str | None) -> None:
        self.backend.read_only = reason

    @property
    def notices(self) -> list[str]:
        """Things the user should know about (a torn tail moved aside)."""
        return self.backend.notices

    @property
    def corruption(self) -> CorruptLog | None:
        """The first damaged record, once found: reading stops before it."""
        return self.backend.corruption

    @property
    def writable(self) -> bool:
        return self.read_only is None

    def login_exists(self, login: str) -> bool:
        """Whether `login` can act in this store: a Unix account, or a database user."""
        return self.backend.login_exists(login)

    # The file backend's position, for the read model and the history index of a file store.

    @property
    def path(self) -> Path:
        return self._file().path

    @property
    def log(self) -> LogFile:
        return self._file().log

    @property
    def end(self) -> int:
        return self._file().end

    @end.setter
    def end(self, offset: int) -> None:
        self._file().end = offset

    @property
    def last_offset(self) -> int:
        return self._file().last_offset

    @last_offset.setter
    def last_offset(self, offset: int) -> None:
        self._file().last_offset = offset

    def _file(self) -> FileBackend:
        backend = self.backend
        if not isinstance(backend, FileBackend):
            raise AttributeError("only a file store has a log file")
        return backend

    # --- records a file store's read model stood in for -------------------------------

    def covered_damaged(self) -> bool:
        """True when the records the read model stood in for are damaged (checksum, seq, chain).

        Reads only the log (safe from a background thread) and changes nothing;
        `check_covered` then makes the damage the store's.
        """
        backend = self.backend
        return isinstance(backend, FileBackend) and backend.covered_damaged()

    def check_covered(self) -> None:
        """Check the records the read model stood in for, once; damage makes the store read-only."""
        with self._mutex:
            self._check_covered(None)

    def _check_covered(self, damaged: bool | None) -> None:
        """`check_covered`, given what `covered_damaged` said (None: ask now)."""
        backend = self.backend
        if isinstance(backend, FileBackend):
            state = backend.check_covered(damaged)
            if state is not None:
                self.state = state

    def places(self, plan_id: str) -> tuple[int, array[int], array[int]] | None:
        """Where `plan_id`'s records start in the log as the read model says: (the seq it
        ends on, the seqs of the plan's records up to it, their offsets); None without a
        read model or when it does not know. A cache's word only: read there, each frame
        and seq must be checked (`HistorySource.fetch` does). A plan created since it ends
        has no records up to there."""
        plans = self.state.plans
        if not isinstance(plans, readmodel.StoredPlans) or plans.head is None:
            return None
        found = plans.places(plan_id)
        if found is None:
            plan = plans.get(plan_id)
            if plan is None or plan.created.seq <= plans.head.seq:
                return None
            found = (array("I"), array("Q"))
        return (plans.head.seq, *found)

    # --- reading ---------------------------------------------------------------------

    def refresh(self) -> list[ev.Record]:
        """Read and fold what others appended since the last read; return those records.

        Nothing while another thread runs a command: it catches up itself and hands
        what it found to its caller (`caught_up`). Read here, the record it is writing
        would pass for someone else's, and waiting for it could hold up the very
        thread its steps run on (`on_state`).
        """
        if not self._mutex.acquire(blocking=False):
            return []
        try:
            found: list[ev.Record] = []
            self.backend.catch_up(self.state, found, settle=False)
            return found
        finally:
            self._mutex.release()

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for others to append; True when something may be new."""
        return self.backend.wait(self.state.seq, timeout)

    def records(
        self, upto: int | None = None, *, opened: bool = True
    ) -> Iterator[tuple[ev.Record | Unknown, str]]:
        """Re-read (record, hash) pairs from the start of the store, up to seq `upto`
        (with `opened` off, personal texts as sealed in the store)."""
        return self.backend.records(upto, opened=opened)

    def verify(self) -> Report:
        """Check the whole store from the start, on a handle of its own (`leerpad verify`)."""
        return self.backend.verify()

    def history(self, upto: int | None = None) -> list[HistoryEntry]:
        return list(fold_with_history(self.records(upto)))

    def state_at(self, seq: int) -> StoreState:
        """The projection as it was right after record `seq` (for time travel)."""
        state = StoreState(log_id=self.backend.log_id)
        state.hash = self.backend.genesis
        for rec, record_hash in self.records(seq):
            if isinstance(rec, Unknown):
                apply_unknown(state, rec.seq, rec.id, record_hash)
            else:
                apply(state, rec, record_hash)
        return state

    # --- writing ---------------------------------------------------------------------

    def waiting_to_write(self) -> AbstractContextManager[None]:
        """Wait for other writers' appends to end and hold the write lock for an `execute`
        within: taking it again there does not wait. A database's lock is tried now and
        then, leaving the connection free for a UI thread meanwhile. StoreError when a
        database store's lock stays held too long (nothing decided)."""
        return self.backend.waiting_to_write()

    def execute(
        self,
        decide: Decide,
        *,
        event_id: str | None = None,
        caught_up: list[ev.Record] | None = None,
        on_state: OnState[Any] = _here,
    ) -> ev.Record:
        """Run a command against the freshest state and append its event.

        Catch up, re-validate (`decide` raises `Rejected` when the command no
        longer applies), append one record; when others appended first (a
        database store), catch up and decide again. With `event_id`, a retry of
        an append that already landed returns the existing record. When the
        records were replaced under the store (Reread), nothing is decided: the
        replacement is read and the command refused, for the user to look first.
        With `caught_up`, the records of others folded on the way are added to it
        (also when the command is refused): nobody need read the log again for them.

        Every step that reads or changes `state` (catching up, deciding, sealing
        and encoding, folding the record written) runs through `on_state`: an app
        runs them on its UI thread and calls this in a worker, where waiting for
        another writer's lock, the write and its fsync then happen.
        """
        with self._mutex:
            # Never append to a log not checked end to end; its bytes are read here.
            try:
                damaged = self.covered_damaged()
            except OSError:
                damaged = None  # asked again below, which says why it cannot be read
            on_state(lambda: self._check_covered(damaged))
            for _ in range(CONFLICT_RETRIES):
                try:
                    return self._append_once(decide, event_id, caught_up, on_state)
                except Conflict:
                    continue
            raise StoreError(t("store.busy", location=self.location))

    def _append_once(
        self,
        decide: Decide,
        event_id: str | None,
        caught_up: list[ev.Record] | None,
        on_state: OnState[Any],
    ) -> ev.Record:
        if self.read_only:
            raise ReadOnly(t("store.read_only", reason=self.read_only))
        with self.backend.locked():
            read = self.backend.read_ahead(self.state)  # only read: here, not on_state
            prepared = on_state(lambda: self._decided(decide, event_id, caught_up, read))
            if isinstance(prepared, ev.Record):
                return prepared  # a retry of an append that landed before
            try:
                self.backend.write(prepared)
            except BaseException:
                self.in_flight = None
                raise
        record = on_state(lambda: self._landed(prepared))
        keys = self.keys
        if keys is not None and isinstance(record.event, ev.PlanErased):
            # The record is durable: from here the erasure holds even if this fails
            # or the process dies (the next open destroys the key).
            try:
                keys.erase(record.event.plan)
            except KeyProblem as exc:
                self.notices.append(str(exc))
        return record

    def _decided(
        self, decide: Decide, event_id: str | None, caught_up: list[ev.Record] | None, read: Any
    ) -> Prepared | ev.Record:
        """Under the backend's lock: fold what others appended (`read` ahead), decide, and
        encode the record to write (or the record a retry finds already written)."""
        try:
            self.backend.catch_up_to_write(self.state, caught_up, read)
        except Reread as exc:
            self.state = exc.state
            raise
        if self.read_only:
            raise ReadOnly(t("store.read_only", reason=self.read_only))
        if event_id is not None:
            landed = self.backend.find(event_id)
            if landed is not None:
                return landed
        event = decide(self.state)
        if not isinstance(event, ev.EVENT_TYPES):
            raise TypeError(f"a command returned {event!r}, not an event")
        if self.authorize is not None:
            self.authorize(self.state, self.actor, event)
        try:
            now = check_clock(self.clock())
        except ClockError as exc:
            raise StoreError(str(exc)) from exc
        event_id = event_id or new_event_id(now)
        keys = self.keys
        if keys is not None:
            try:
                event = seal_event(event, event_id, keys)
            except (MissingKey, KeyProblem) as exc:
                raise StoreError(str(exc)) from exc
        prepared = self.backend.prepare(
            self.state, event, event_id=event_id, actor=self.actor, time=now
        )
        self.in_flight = prepared
        return prepared

    def _landed(self, prepared: Prepared) -> ev.Record:
        """The prepared record is written: fold it."""
        self.in_flight = None
        return self.backend.fold(self.state, prepared)


register(
    {
        "store.busy": (
            "Others kept appending to {location} while this change was decided; nothing "
            "was written, try again.",
            "Anderen bleven schrijven in {location} terwijl over deze wijziging beslist werd; "
            "er werd niets geschreven, probeer opnieuw.",
        ),
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
        "store.reread": (
            "It was read again from {path}; look at it, then try again.",
            "Het werd opnieuw gelezen uit {path}; bekijk het en probeer dan opnieuw.",
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
        "store.what.invalid": (
            "its {type} event is not valid: field {field} is missing or has the wrong type",
            "de gebeurtenis {type} is ongeldig: veld {field} ontbreekt of heeft het verkeerde type",
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
