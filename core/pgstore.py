"""The PostgreSQL backend of a store: records in `leerpad.records`, appended by the database.

The database stamps seq, time and actor (the logged-in user) and links the
hash chain in `leerpad.append` (core/sql/schema.sql); row-level security
decides which records (and which plans' keys, `leerpad.plan_keys`) a user
reads. docs/FORMAT.md describes the tables.
psycopg is imported only here, and only when a database store is opened.
"""

from __future__ import annotations

import hashlib
import struct
import time as clock
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

import msgspec

from core import events as ev
from core.history import Unknown
from core.i18n import register, t
from core.keystore import KeyProblem, Keys
from core.log import CorruptLog
from core.privacy import open_record
from core.projections import StoreState, apply, apply_unknown
from core.storage import (
    BrokenChain,
    Conflict,
    Head,
    MissingDriver,
    NotPermitted,
    Prepared,
    StoreError,
    shown_location,
)

if TYPE_CHECKING:
    import psycopg

    from core.verify import Report

CHANNEL = "leerpad_records"
"""What `leerpad.append` notifies on (the payload is the new seq)."""
OWNER = "leerpad_owner"
"""The role that owns the schema and its functions; nobody logs in as it."""
BATCH = 5_000
"""Records read per query while catching up."""
IMPORT_BATCH = 5_000
"""Records copied per call of `leerpad.import_records` (`leerpad store copy`)."""
SCHEMA_VERSION = 3
"""What core/sql/schema.sql makes; init-store brings an older store's schema up to it.
1: before `leerpad.roles_held` (and this number) existed; 2: before `leerpad.plan_keys`."""
FORMAT = 2
"""`leerpad.store.format` of a store whose personal texts are sealed with plan keys; 1 kept
them in plain text (a store that had records before schema 3)."""
POLL_SECONDS = 1.0
"""Notifications can be lost (a dropped connection): `wait` also looks this often."""
WRITE_LOCK = int.from_bytes(b"leerpad!")
"""The key of the session-level advisory lock every writer holds from catching up to its
append: the ASCII bytes of "leerpad!" as a big-endian bigint (docs/FORMAT.md)."""
LOCK_SECONDS = 10.0
"""How long a writer waits for the write lock before it gives up (nothing written)."""
LOCK_TRIES = 0.02
"""Seconds between tries for the write lock by a thread that must not hold the connection."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
COLUMNS = "seq, id, time, actor, plan, type, subject, payload, v, prev, hash"

register(
    {
        "pg.no_driver": (
            "A PostgreSQL store needs psycopg: install leerpad[postgres] (pip install "
            "'psycopg[binary]').",
            "Een PostgreSQL-opslag heeft psycopg nodig: installeer leerpad[postgres] "
            "(pip install 'psycopg[binary]').",
        ),
        "pg.connect": (
            "Cannot connect to the database store {location}: {why}.",
            "Kan geen verbinding maken met de databaseopslag {location}: {why}.",
        ),
        "pg.failed": (
            "The database store {location} failed: {why}.",
            "De databaseopslag {location} faalde: {why}.",
        ),
        "pg.no_store": (
            "The database {location} holds no leerpad store: the database administrator "
            "creates one with 'leerpad init-store URL --group ROLE'.",
            "De database {location} bevat geen leerpad-opslag: de databasebeheerder maakt er "
            "een met 'leerpad init-store URL --group ROLE'.",
        ),
        "pg.no_access": (
            "You ({user}) have no access to the leerpad store in {location}: the database "
            "administrator grants the team role to you (GRANT team TO {user}).",
            "Je ({user}) hebt geen toegang tot de leerpad-opslag in {location}: de "
            "databasebeheerder geeft je de teamrol (GRANT team TO {user}).",
        ),
        "pg.refused": (
            "The database refused the change: {why}. Nothing was written.",
            "De database weigerde de wijziging: {why}. Er werd niets geschreven.",
        ),
        "pg.what.hash": (
            "its hash does not match its contents",
            "de hash klopt niet met de inhoud",
        ),
        "pg.what.columns": (
            "its plan or type columns do not match its event",
            "de kolommen plan of type kloppen niet met de gebeurtenis",
        ),
        "pg.corrupt": (
            "record {seq} is damaged ({what}); run 'leerpad verify' for details.",
            "record {seq} is beschadigd ({what}); voer 'leerpad verify' uit voor details.",
        ),
        "pg.old_schema": (
            "The store in {location} has an older schema: the database administrator runs "
            "'leerpad init-store URL --group ROLE' again to upgrade it.",
            "De opslag in {location} heeft een ouder schema: de databasebeheerder voert "
            "'leerpad init-store URL --group ROLE' opnieuw uit om ze bij te werken.",
        ),
        "pg.plaintext_format": (
            "its records keep personal data in plain text (written before plan keys); the "
            "database administrator copies it into a new database store to seal them: "
            "'leerpad store copy OLD-URL NEW-URL' (see docs/PRIVACY.md)",
            "de records bewaren persoonsgegevens als leesbare tekst (geschreven voor de "
            "plansleutels); de databasebeheerder kopieert de opslag naar een nieuwe "
            "databaseopslag om ze te versleutelen: 'leerpad store copy OUDE-URL NIEUWE-URL' "
            "(zie docs/PRIVACY.md)",
        ),
        "pg.key_failed": (
            "The key of plan {plan} could not be {what} in {location}: {why}.",
            "De sleutel van plan {plan} kon niet {what} worden in {location}: {why}.",
        ),
        "pg.lock_wait": (
            "another writer held it for more than {seconds} s",
            "een andere schrijver hield ze langer dan {seconds} s vast",
        ),
        "pg.newer_format": (
            "the store was made by a newer leerpad (format {v})",
            "de opslag werd gemaakt door een nieuwere leerpad (formaat {v})",
        ),
    }
)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise MissingDriver(t("pg.no_driver")) from exc
    return psycopg


def _why(exc: BaseException) -> str:
    """The first line of a database error, without a trailing full stop."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__).rstrip(".")


def connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection to `url`; one sentence (StoreError) when that fails."""
    psycopg = _psycopg()
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise StoreError(t("pg.connect", location=shown_location(url), why=_why(exc))) from exc


# --- the chain: the documented encoding of a row (docs/FORMAT.md) ----------------------------


_HEAD = struct.Struct(">qqi")
_LENGTH = struct.Struct(">i")


def micros(when: datetime) -> int:
    """Microseconds since 1970-01-01 UTC: how a record's time enters its hash."""
    # Integer parts of the timedelta: exact, and cheaper than dividing timedeltas.
    since = when - EPOCH
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


def genesis(log_id: bytes) -> str:
    """The `prev` of the first record: SHA-256 of b"LEERPAD-PG\\n" and the store's id."""
    return hashlib.sha256(b"LEERPAD-PG\n" + log_id).hexdigest()


def record_hash(
    prev: str,
    seq: int,
    when: datetime,
    v: int,
    id_: str,
    actor: str,
    plan: str,
    kind: str,
    subject: str,
    payload: bytes,
) -> str:
    """What `leerpad.record_hash` computes in the database, computed here to check it."""
    parts = [bytes.fromhex(prev), _HEAD.pack(seq, micros(when), v)]
    for text in (id_, actor, plan, kind, subject):
        data = text.encode("utf-8")
        parts += (_LENGTH.pack(len(data)), data)
    parts += (_LENGTH.pack(len(payload)), payload)
    return hashlib.sha256(b"".join(parts)).hexdigest()


def subject_of(event: ev.Event) -> str:
    """The login an access change is about ("" for every other event)."""
    return event.login if isinstance(event, ev.AccessGranted | ev.AccessRevoked) else ""


def access_change(event: ev.Event) -> str | None:
    """An access change as the JSON the database folds into `leerpad.roles`."""
    if not isinstance(event, ev.AccessGranted | ev.AccessRevoked):
        return None
    change = {
        "login": event.login,
        "role": event.role,
        "plans": list(event.plans),
        "all_plans": event.all_plans,
    }
    return msgspec.json.encode(change).decode()


class Row(msgspec.Struct, array_like=True):
    seq: int
    id: str
    time: datetime
    actor: str
    plan: str
    type: str
    subject: str
    payload: bytes
    v: int
    prev: str
    hash: str


class RowProblem(Exception):
    """A row whose hash, columns or payload do not hold together; `kind` is the verify
    problem kind a file store gives the same damage (core/verify.py)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def decode_row(row: Row) -> ev.Record | Unknown:
    """The record a row holds; RowProblem when it does not hold together.

    The payload is read as a file store reads its records' events: an older
    version upcast, a type or version this leerpad does not know `Unknown`, a
    known type without its shape damage.
    """
    expected = record_hash(
        row.prev,
        row.seq,
        row.time,
        row.v,
        row.id,
        row.actor,
        row.plan,
        row.type,
        row.subject,
        bytes(row.payload),
    )
    if expected != row.hash:
        raise RowProblem(t("pg.what.hash"), "chain")
    try:
        event = ev.read_event(bytes(row.payload), row.v)
    except msgspec.DecodeError as exc:
        raise RowProblem(t("store.what.undecodable", error=str(exc)), "decode") from exc
    if isinstance(event, ev.NewerEvent):
        return Unknown(row.seq, row.id, row.time, row.actor, row.type, row.hash)
    if isinstance(event, ev.InvalidEvent):
        raise RowProblem(t("store.what.invalid", type=event.type, field=event.field), "invalid")
    if (
        event.plan != row.plan
        or ev.event_tag(event) != row.type
        or subject_of(event) != (row.subject)
    ):
        raise RowProblem(t("pg.what.columns"), "chain")
    # An upcast event has its type's version now; a newer one keeps its own (read-only).
    v = max(row.v, type(event).version)
    return ev.Record(row.seq, row.id, row.time, row.actor, row.prev, event, v)


# --- the backend -----------------------------------------------------------------------------


class ReadRows(msgspec.Struct, frozen=True):
    """The rows after seq `after` fetched ahead (`PgBackend.read_ahead`), and the head then."""

    after: int
    head: int
    sees_all: bool
    rows: list[Row]


class PgBackend:
    """An open database store: what `Store` needs from `leerpad.records`."""

    directory = None

    def __init__(self, url: str, conn: psycopg.Connection[Any]) -> None:
        self.url = url
        self.conn = conn
        self.read_only: str | None = None
        self.notices: list[str] = []
        self.corruption: CorruptLog | None = None
        self.actor: str = ""
        self.head = 0
        """The last seq in the store (also those this user may not read), as last seen."""
        self.sees_all = True
        self._genesis = ""
        self._log_id = ""
        self._listener: psycopg.Connection[Any] | None = None
        self.poll_seconds = POLL_SECONDS
        """How long `wait` trusts notifications alone before it looks at the head itself."""
        self.lock_seconds = LOCK_SECONDS
        """How long `writing` waits for the write lock."""
        self.damage = ""
        """What is wrong with the first damaged record (for verify)."""
        self.damage_kind = ""
        """The verify problem kind of that damage, as a file store names it."""
        self.schema = SCHEMA_VERSION
        """The store's schema version (older ones are read only; init-store upgrades them)."""
        self.keys: Keys | None = None
        """The plans' keys in `leerpad.plan_keys`; None for a store of format 1 (plain texts)."""

    @classmethod
    def open(cls, url: str, *, create: bool = True) -> PgBackend:
        """Connect and check there is a store; a database store is made by init-store only."""
        conn = connect(url)
        backend = cls(url, conn)
        try:
            backend._load()
        except BaseException:
            conn.close()
            raise
        return backend

    def _load(self) -> None:
        psycopg = _psycopg()
        (self.actor,) = self.conn.execute("SELECT session_user").fetchone()
        try:
            (exists,) = self.conn.execute(
                "SELECT to_regclass('leerpad.store') IS NOT NULL"
            ).fetchone()
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StoreError(t("pg.no_access", user=self.actor, location=self.location)) from exc
        if not exists:
            raise StoreError(t("pg.no_store", location=self.location))
        try:
            found = self.conn.execute(
                "SELECT log_id, format, last_seq, leerpad.sees_all(), "
                "coalesce((to_jsonb(s) ->> 'schema_version')::integer, 1) FROM leerpad.store s"
            ).fetchone()
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StoreError(t("pg.no_access", user=self.actor, location=self.location)) from exc
        except psycopg.Error as exc:
            raise self._failed(exc) from exc
        log_id, fmt, self.head, self.sees_all, self.schema = found
        self._genesis = genesis(log_id.bytes)
        self._log_id = log_id.hex
        if fmt > FORMAT:
            self.read_only = t("store.newer", what=t("pg.newer_format", v=fmt))
        elif self.schema < SCHEMA_VERSION:
            # Without leerpad.plan_keys no personal text could be sealed: read, never write.
            self.read_only = t("pg.old_schema", location=self.location)
        elif fmt < FORMAT:
            self.read_only = t("pg.plaintext_format")
        if fmt >= FORMAT and self.schema >= SCHEMA_VERSION:
            self.keys = Keys(PgKeyStore(self))

    @property
    def location(self) -> str:
        return shown_location(self.url)

    @property
    def genesis(self) -> str:
        return self._genesis

    @property
    def log_id(self) -> str:
        return self._log_id

    def close(self) -> None:
        self.conn.close()
        if self._listener is not None:
            self._listener.close()

    def login_exists(self, login: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s AND rolcanlogin", (login,)
        ).fetchone()
        return row is not None

    def _failed(self, exc: BaseException) -> StoreError:
        return StoreError(t("pg.failed", location=self.location, why=_why(exc)))

    # --- reading ---------------------------------------------------------------------

    def _rows(self, after: int, upto: int | None) -> Iterator[Row]:
        """Readable rows after seq `after` (up to `upto`), a batch per query."""
        psycopg = _psycopg()
        while True:
            try:
                with self.conn.cursor(binary=True) as cur:
                    cur.execute(
                        f"SELECT {COLUMNS} FROM leerpad.records WHERE seq > %s AND seq <= %s "
                        "ORDER BY seq LIMIT %s",
                        (after, upto if upto is not None else 2**62, BATCH),
                        binary=True,
                    )
                    batch = cur.fetchall()
            except psycopg.Error as exc:
                raise self._failed(exc) from exc
            for values in batch:
                yield Row(*values)
            if len(batch) < BATCH:
                return
            after = batch[-1][0]

    def catch_up(self, state: StoreState, found: list[ev.Record] | None, *, settle: bool) -> None:
        if self.corruption is not None:
            return
        head, self.sees_all = self._head()
        self._fold_rows(state, found, head, self._rows(state.seq, None))

    def _fold_rows(
        self, state: StoreState, found: list[ev.Record] | None, head: int, rows: Iterable[Row]
    ) -> None:
        for row in rows:
            if not self._fold(state, row, found):
                return
        self.head = max(head, state.seq)

    def _head(self) -> tuple[int, bool]:
        """The store's last seq, and whether this user reads every record."""
        psycopg = _psycopg()
        try:
            return self.conn.execute(
                "SELECT last_seq, leerpad.sees_all() FROM leerpad.store"
            ).fetchone()
        except psycopg.Error as exc:
            raise self._failed(exc) from exc

    def _fold(self, state: StoreState, row: Row, found: list[ev.Record] | None) -> bool:
        if row.seq == state.seq + 1:
            if row.prev != state.hash:
                what = t("store.what.header_changed" if row.seq == 1 else "store.what.chain")
                return self._corrupt(row.seq, what, "chain")
        elif self.sees_all:
            return self._corrupt(
                state.seq + 1,
                t("store.what.seq", found=row.seq, expected=state.seq + 1),
                "sequence",
            )
        try:
            record = decode_row(row)
        except RowProblem as exc:
            return self._corrupt(row.seq, str(exc), exc.kind)
        if isinstance(record, Unknown):
            apply_unknown(state, record.seq, record.id, row.hash)
            if self.read_only is None:
                self.read_only = t("store.newer", what=t("store.what.event", type=record.type))
            return True
        if record.v > type(record.event).version and self.read_only is None:
            self.read_only = t("store.newer", what=t("store.what.record", v=record.v))
        record = open_record(record, self.keys)
        try:
            apply(state, record, row.hash)
        except Exception as exc:
            what = t("store.what.unfoldable", type=row.type, error=repr(exc))
            return self._corrupt(row.seq, what, "apply")
        if found is not None:
            found.append(record)
        return True

    def _corrupt(self, seq: int, what: str, kind: str) -> bool:
        self.damage = what
        self.damage_kind = kind
        message = t("pg.corrupt", seq=seq, what=what)
        self.corruption = CorruptLog(message, offset=0, seq=seq)
        self.read_only = message
        return False

    def records(
        self, upto: int | None = None, *, opened: bool = True
    ) -> Iterator[tuple[ev.Record | Unknown, str]]:
        keys = self.keys if opened else None
        for row in self._rows(0, upto):
            try:
                record = decode_row(row)
            except RowProblem:
                return
            if keys is not None and isinstance(record, ev.Record):
                record = open_record(record, keys)
            yield record, row.hash

    def history_source(self) -> PgHistory:
        return PgHistory(self)

    def verify(self) -> Report:
        return verify_database(self.url)

    def hashes(self, report: Report, seqs: set[int]) -> dict[int, str]:
        """The `hash` column, as the database computed it: `verify` recomputed it for every
        record it counts. Only for a user who reads every row: a trainee's count and hashes
        would miss the rows hidden from them, and look like a rewrite."""
        psycopg = _psycopg()
        if not self.sees_all:
            raise NotPermitted(t("pg.witness_hidden", user=self.actor))
        wanted = sorted(seq for seq in seqs if 0 < seq <= report.records)
        try:
            rows = self.conn.execute(
                "SELECT seq, hash FROM leerpad.records WHERE seq = ANY(%s)", (wanted,)
            ).fetchall()
        except psycopg.Error as exc:
            raise self._failed(exc) from exc
        return dict(rows)

    def wait(self, seq: int, timeout: float) -> bool:
        """Wait for a notification from `leerpad.append`, looking at the head now and then."""
        psycopg = _psycopg()
        deadline = clock.monotonic() + timeout
        try:
            if self._listener is None:
                self._listener = connect(self.url)
                self._listener.execute(f"LISTEN {CHANNEL}")
            while True:
                (head,) = self._listener.execute("SELECT last_seq FROM leerpad.store").fetchone()
                if head > max(seq, self.head):
                    return True
                left = deadline - clock.monotonic()
                if left <= 0:
                    return False
                timeout = min(left, self.poll_seconds)
                for _ in self._listener.notifies(timeout=timeout, stop_after=1):
                    return True
        except (psycopg.Error, StoreError):
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            return False

    # --- writing ---------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the write lock from catching up to the append, as a file store its file lock.

        Without it busy writers each lose to the others' appends, some many times in a
        row. The append's expected seq stays the guarantee: a client that takes no lock
        still gets Conflict, and a broken connection drops the lock with the session.
        """
        self._lock()
        try:
            yield
        finally:
            self._unlock()

    def read_ahead(self, state: StoreState) -> ReadRows:
        """The rows after `state`, fetched (in any thread), not folded."""
        head, sees_all = self._head()
        return ReadRows(state.seq, head, sees_all, list(self._rows(state.seq, None)))

    def catch_up_to_write(
        self,
        state: StoreState,
        found: list[ev.Record] | None = None,
        read: ReadRows | None = None,
    ) -> None:
        if read is None or read.after != state.seq or self.corruption is not None:
            self.catch_up(state, found, settle=False)
            return
        self.sees_all = read.sees_all
        self._fold_rows(state, found, read.head, read.rows)

    @contextmanager
    def waiting_to_write(self) -> Iterator[None]:
        """Wait for the write lock and hold it: this session takes it again at once.

        Tried now and then rather than waited for, so that the connection stays free
        for the thread that reads and appends on it meanwhile (a UI's).
        """
        psycopg = _psycopg()
        deadline = clock.monotonic() + self.lock_seconds
        try:
            while not self.conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (WRITE_LOCK,)
            ).fetchone()[0]:
                if clock.monotonic() >= deadline:
                    raise self._lock_wait()
                clock.sleep(LOCK_TRIES)
        except psycopg.Error:
            yield  # `writing` says what is wrong with the connection
            return
        try:
            yield
        finally:
            self._unlock()

    def _lock(self) -> None:
        psycopg = _psycopg()
        timeout = f"{max(1, round(self.lock_seconds * 1000))}ms"
        try:
            # A session-level lock outlives the transaction; the bound on its wait, set
            # local, does not (the append's own row lock waits as long as it must).
            with self.conn.transaction():
                self.conn.execute("SELECT set_config('lock_timeout', %s, true)", (timeout,))
                self.conn.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))
        except psycopg.errors.LockNotAvailable as exc:
            raise self._lock_wait() from exc
        except psycopg.Error as exc:
            raise self._failed(exc) from exc

    def _lock_wait(self) -> StoreError:
        why = t("pg.lock_wait", seconds=f"{self.lock_seconds:g}")
        return StoreError(t("store.lock_failed", path=self.location, why=why))

    def _unlock(self) -> None:
        psycopg = _psycopg()
        # A connection that broke took its session's lock with it.
        with suppress(psycopg.Error):
            self.conn.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))

    def prepare(
        self, state: StoreState, event: ev.Event, *, event_id: str, actor: str, time: datetime
    ) -> Prepared:
        payload, event = _encoded(event)
        record = ev.Record(
            state.seq + 1,
            event_id,
            time.astimezone(UTC),
            actor,
            state.hash,
            event,
            type(event).version,
        )
        return Prepared(record, payload, self.head)

    def write(self, prepared: Prepared) -> None:
        """Append through `leerpad.append`: the database stamps seq, time and actor."""
        event = prepared.record.event
        row = self._call(
            "SELECT * FROM leerpad.append(%s, %s, %s, %s, %s, %s, %s, %s)",
            (
                prepared.at,
                prepared.record.id,
                event.plan,
                ev.event_tag(event),
                subject_of(event),
                prepared.data,
                type(event).version,
                access_change(event),
            ),
        )
        if row is None:
            raise Conflict()
        prepared.answer = row

    def fold(self, state: StoreState, prepared: Prepared) -> ev.Record:
        record = prepared.record
        return self._written(state, record.event, record.id, prepared.answer)

    def import_record(self, state: StoreState, record: ev.Record) -> ev.Record:
        """Copy a record keeping its id, time and actor (the owner's `leerpad.import_record`)."""
        payload, event = _encoded(record.event)
        row = self._call(
            "SELECT * FROM leerpad.import_record(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                record.id,
                record.time,
                record.actor,
                event.plan,
                ev.event_tag(event),
                subject_of(event),
                payload,
                record.v,
                access_change(event),
            ),
        )
        if row is None:
            raise Conflict()
        return self._written(state, event, record.id, row)

    def import_records(
        self, state: StoreState, records: Iterable[ev.Record]
    ) -> list[tuple[int, str]]:
        """Copy records in order, as `import_record` each, IMPORT_BATCH per round trip
        (`leerpad.import_records`: the same checks and the same chain)."""
        landed: list[tuple[int, str]] = []
        batch: list[tuple[bytes, ev.Record]] = []
        for record in records:
            payload, event = _encoded(record.event)
            batch.append((payload, msgspec.structs.replace(record, event=event)))
            if len(batch) == IMPORT_BATCH:
                landed += self._import_batch(state, batch)
                batch = []
        if batch:
            landed += self._import_batch(state, batch)
        return landed

    def _import_batch(
        self, state: StoreState, batch: list[tuple[bytes, ev.Record]]
    ) -> list[tuple[int, str]]:
        events = [record.event for _, record in batch]
        rows = self._call(
            "SELECT * FROM leerpad.import_records(%b, %b, %b, %b, %b, %b, %b, "
            "%b::integer[], %b::jsonb[])",
            (
                [record.id for _, record in batch],
                [record.time for _, record in batch],
                [record.actor for _, record in batch],
                [event.plan for event in events],
                [ev.event_tag(event) for event in events],
                [subject_of(event) for event in events],
                [payload for payload, _ in batch],
                [record.v for _, record in batch],
                [access_change(event) for event in events],
            ),
            every=True,
        )
        for (_, record), (seq, when, digest) in zip(batch, rows, strict=True):
            self._written(
                state, record.event, record.id, (seq, when, record.actor, state.hash, digest)
            )
        return [(seq, digest) for seq, _, digest in rows]

    def _call(self, query: str, params: tuple[Any, ...], *, every: bool = False) -> Any:
        """The row (or with `every`, all rows) a writing function returns."""
        psycopg = _psycopg()
        try:
            cur = self.conn.execute(query, params)
            return cur.fetchall() if every else cur.fetchone()
        except psycopg.errors.UniqueViolation as exc:
            raise Conflict() from exc  # a retry that raced its twin: catching up finds it
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.DataError) as exc:
            raise StoreError(t("pg.refused", why=_why(exc))) from exc
        except psycopg.errors.ObjectNotInPrerequisiteState as exc:
            raise StoreError(t("pg.refused", why=_why(exc))) from exc
        except psycopg.Error as exc:
            raise self._failed(exc) from exc

    def _written(self, state: StoreState, event: ev.Event, event_id: str, row: Any) -> ev.Record:
        if row is None:
            raise Conflict()
        seq, when, actor, prev, digest = row
        record = ev.Record(
            seq, event_id, when.astimezone(UTC), actor, prev, event, type(event).version
        )
        self.head = seq
        record = open_record(record, self.keys)
        apply(state, record, digest)
        return record

    def find(self, event_id: str) -> ev.Record | None:
        psycopg = _psycopg()
        try:
            with self.conn.cursor(binary=True) as cur:
                cur.execute(
                    f"SELECT {COLUMNS} FROM leerpad.records WHERE id = %s", (event_id,), binary=True
                )
                values = cur.fetchone()
        except psycopg.Error as exc:
            raise self._failed(exc) from exc
        if values is None:
            return None
        record = decode_row(Row(*values))
        return open_record(record, self.keys) if isinstance(record, ev.Record) else None


class PgHistory:
    """The history index's reader of a database store: heads from the narrow columns (no
    payload), records by seq, newest first. Every row was checked whole when the store
    folded it; the links between the heads read are checked again."""

    def __init__(self, backend: PgBackend) -> None:
        self.backend = backend
        self.may_hide = not backend.sees_all
        """Row-level security may hide records from this user: seqs then skip them."""
        self._links: dict[int, tuple[str, str]] = {}
        """(prev, hash) of the records at the edges of each range read: the chain is
        checked across ranges read at different times."""

    def _query(self, query: str, params: tuple[Any, ...]) -> list[Any]:
        psycopg = _psycopg()
        try:
            with self.backend.conn.cursor(binary=True) as cur:
                cur.execute(query, params, binary=True)
                return cur.fetchall()
        except psycopg.Error as exc:
            raise self.backend._failed(exc) from exc

    def _heads(self, after: int, upto: int) -> list[Head]:
        """Readable heads with after < seq <= upto, their links checked where seqs follow."""
        rows = self._query(
            "SELECT seq, plan, actor, type, prev, hash FROM leerpad.records "
            "WHERE seq > %s AND seq <= %s ORDER BY seq",
            (after, upto),
        )
        links = self._links
        heads: list[Head] = []
        last_seq, last_hash = after, links[after][1] if after in links else None
        for seq, plan, actor, kind, prev, digest in rows:
            if seq == last_seq + 1:
                if last_hash is not None and prev != last_hash:
                    raise BrokenChain(seq, 0, "hash")
            elif not self.may_hide:
                raise BrokenChain(last_seq + 1, 0, "sequence")
            last_seq, last_hash = seq, digest
            heads.append((seq, plan, actor, kind))
        if not self.may_hide and last_seq != upto:
            raise BrokenChain(last_seq + 1, 0, "sequence")
        if rows:
            links[rows[0][0]] = (rows[0][4], rows[0][5])
            links[last_seq] = (rows[-1][4], rows[-1][5])
            following = links.get(last_seq + 1)
            if following is not None and following[0] != last_hash:
                raise BrokenChain(last_seq + 1, 0, "hash")
        return heads

    def start(self, upto: int) -> int:
        return upto

    def older(self, low: int, budget: int) -> tuple[int, list[Head]]:
        first = max(1, low - budget)
        return first, self._heads(first - 1, low - 1)

    def newer(self, high: int, upto: int) -> list[Head]:
        return self._heads(high, upto)

    def fetch(
        self, seqs: Iterable[int], placed: Mapping[int, int] | None = None
    ) -> Iterator[ev.Record | Unknown]:
        # Rows are fetched by seq: where a file's records start (`placed`) means nothing here.
        wanted = list(seqs)
        for start in range(0, len(wanted), BATCH):
            rows = self._query(
                f"SELECT {COLUMNS} FROM leerpad.records WHERE seq = ANY(%s) ORDER BY seq",
                (wanted[start : start + BATCH],),
            )
            for values in rows:
                row = Row(*values)
                try:
                    record = decode_row(row)
                except RowProblem as exc:
                    raise StoreError(t("pg.corrupt", seq=row.seq, what=str(exc))) from exc
                if isinstance(record, ev.Record):
                    record = open_record(record, self.backend.keys)
                yield record


class PgKeyStore:
    """The plans' keys in `leerpad.plan_keys`, on the store's own connection.

    Written only through `leerpad.create_key` and `leerpad.destroy_key`, each
    committed before it returns (the connection is in autocommit); read as
    row-level security allows: a trainee reads the key of their own plan only.
    """

    def __init__(self, backend: PgBackend) -> None:
        self.backend = backend
        self._known: dict[str, bytes | None] | None = None
        """Every key this user may read, fetched in one query on first use."""

    @property
    def location(self) -> str:
        return f"{self.backend.location} (leerpad.plan_keys)"

    def _run(self, plan: str, what: str, query: str, params: tuple[Any, ...]) -> list[Any]:
        psycopg = _psycopg()
        try:
            return self.backend.conn.execute(query, params).fetchall()
        except psycopg.Error as exc:
            if what == "written" and isinstance(exc, psycopg.errors.InsufficientPrivilege):
                # The plan got records since the command was decided: decide it again.
                raise Conflict() from exc
            why = _why(exc)
            raise KeyProblem(
                0,
                t(
                    "pg.key_failed",
                    plan=plan,
                    what=t(f"keys.what.{what}"),
                    location=self.location,
                    why=why,
                ),
            ) from exc

    def load(self, plan: str) -> bytes | None:
        if self._known is None:
            rows = self._run(plan, "read", "SELECT plan, key FROM leerpad.plan_keys", ())
            self._known = {name: None if key is None else bytes(key) for name, key in rows}
        if plan not in self._known:
            # A plan made since (its key was committed before its first record).
            rows = self._run(
                plan, "read", "SELECT key FROM leerpad.plan_keys WHERE plan = %s", (plan,)
            )
            if not rows:
                return None
            self._known[plan] = None if rows[0][0] is None else bytes(rows[0][0])
        return self._known[plan]

    def put(self, plan: str, key: bytes, first_record: str) -> None:
        self._run(
            plan,
            "written",
            "SELECT leerpad.create_key(%s, %s, %s)",
            (plan, key, first_record),
        )
        if self._known is not None:
            self._known[plan] = key

    def destroy(self, plan: str) -> bool:
        ((destroyed,),) = self._run(plan, "destroyed", "SELECT leerpad.destroy_key(%s)", (plan,))
        if self._known is not None:
            self._known[plan] = None
        return bool(destroyed)

    def plans(self) -> set[str]:
        rows = self._run("", "read", "SELECT plan FROM leerpad.plan_keys WHERE key IS NOT NULL", ())
        return {plan for (plan,) in rows}


def _encoded(event: ev.Event) -> tuple[bytes, ev.Event]:
    """The event's payload, and the event as readers will decode it (what is folded)."""
    payload = ev.ENCODER.encode(event)
    try:
        return payload, ev.EVENT_DECODER.decode(payload)
    except msgspec.DecodeError as exc:
        raise StoreError(t("store.unencodable", error=str(exc))) from exc


# --- init-store --------------------------------------------------------------------------------


def sql_script(name: str) -> str:
    return resources.files("core").joinpath("sql", name).read_text(encoding="utf-8")


class DatabaseSetup(msgspec.Struct, frozen=True):
    location: str
    group: str
    created: bool
    """False when the store existed and only the team's grants were (re)made."""
    upgraded_from: int = 0
    """The schema version an existing store had when init-store upgraded it (0: none)."""


def init_database(url: str, group: str) -> DatabaseSetup:
    """Create, or upgrade, the schema, the owner role and the grants for the team role `group`.

    Run as the database superuser. Raises team.SetupError; an existing store
    keeps its records, gets the current schema and the grants again. A store
    made by a newer leerpad is left alone (its functions would be replaced by
    older ones).
    """
    from core.team import SetupError

    psycopg = _psycopg()
    location = shown_location(url)
    conn = connect(url)
    try:
        quote = psycopg.sql.Identifier
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).fetchone() is None:
            raise SetupError(t("pg.no_group", group=group), usage=True)
        names = {"{owner}": quote(OWNER).as_string(conn), "{group}": quote(group).as_string(conn)}
        with conn.transaction():
            if (
                conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (OWNER,)).fetchone()
                is None
            ):
                conn.execute(psycopg.sql.SQL("CREATE ROLE {} NOLOGIN").format(quote(OWNER)))
            found = _schema_version(conn)
            if found > SCHEMA_VERSION:
                raise SetupError(t("pg.newer_schema", location=location, v=found))
            conn.execute(_filled(sql_script("schema.sql"), names))
            conn.execute("UPDATE leerpad.store SET schema_version = %s", (SCHEMA_VERSION,))
            conn.execute(_filled(sql_script("grants.sql"), names))
    except psycopg.Error as exc:
        raise SetupError(t("pg.setup_failed", location=location, why=_why(exc))) from exc
    finally:
        conn.close()
    upgraded = found if 0 < found < SCHEMA_VERSION else 0
    return DatabaseSetup(location, group, created=found == 0, upgraded_from=upgraded)


def _schema_version(conn: psycopg.Connection[Any]) -> int:
    """The schema version of the store in this database: 0 when there is none."""
    if conn.execute("SELECT to_regclass('leerpad.store')").fetchone()[0] is None:
        return 0
    # Through jsonb, so a store from before the column existed reads as version 1.
    row = conn.execute(
        "SELECT coalesce((to_jsonb(s) ->> 'schema_version')::integer, 1) FROM leerpad.store s"
    ).fetchone()
    return 1 if row is None else int(row[0])


def _filled(script: str, names: dict[str, str]) -> Any:
    from psycopg import sql

    for placeholder, name in names.items():
        script = script.replace(placeholder, name)
    return sql.SQL(script)  # type: ignore[arg-type]  # only quoted identifiers were put in


register(
    {
        "pg.no_group": (
            "There is no database role {group}: create it first (CREATE ROLE {group}).",
            "Er is geen databaserol {group}: maak ze eerst aan (CREATE ROLE {group}).",
        ),
        "pg.newer_schema": (
            "The store in {location} was made by a newer leerpad (schema {v}): run init-store "
            "with that version; nothing was changed.",
            "De opslag in {location} werd gemaakt door een nieuwere leerpad (schema {v}): voer "
            "init-store uit met die versie; er werd niets gewijzigd.",
        ),
        "pg.setup_failed": (
            "Cannot set up the store in {location}: {why}.",
            "Kan de opslag in {location} niet inrichten: {why}.",
        ),
    }
)


# --- verify ------------------------------------------------------------------------------------


def verify_database(url: str) -> Report:
    """Check every record this user may read: its hash, its link, its seq, that it applies.

    Someone who may read every record (no roles yet, an admin, mentor or
    consultant) checks the whole chain, up to the head the store row names. A
    sign-off that does not name the state it was given on fails, as in a file.
    """
    from core.verify import Problem, Report

    report = Report(path=shown_location(url))  # type: ignore[arg-type]
    try:
        backend = PgBackend.open(url)
    except StoreError as exc:
        report.problem = Problem(0, 0, "header", str(exc))
        return report
    try:
        state = StoreState(log_id=backend.log_id)
        state.hash = backend.genesis
        report.last_hash = state.hash
        report.state = state
        found: list[ev.Record] = []
        backend.catch_up(state, found, settle=True)
        corruption = backend.corruption
        forged = _first_forged_signoff(state, found)
        report.records = state.seq
        report.last_hash = state.hash
        report.unknown = state.unknown
        if corruption is not None:
            report.records = corruption.seq - 1
            report.problem = Problem(corruption.seq, 0, backend.damage_kind, backend.damage)
        elif forged is not None:
            report.records = forged.seq - 1
            report.last_hash = forged.prev
            what = t("verify.signoff", covers=forged.event.covers_seq)  # type: ignore[union-attr]
            report.problem = Problem(forged.seq, 0, "signoff", what)
        elif backend.sees_all:
            (head, head_hash) = backend.conn.execute(
                "SELECT last_seq, last_hash FROM leerpad.store"
            ).fetchone()
            if (head, head_hash) != (state.seq, state.hash):
                what = t("pg.what.head", head=head)
                report.problem = Problem(state.seq + 1, 0, "sequence", what)
            elif backend.schema < SCHEMA_VERSION:
                # leerpad.roles_held, which the check below reads, came with schema 2.
                report.problem = Problem(
                    state.seq, 0, "schema", t("pg.old_schema", location=report.path)
                )
            else:
                wrong = roles_mismatch(backend.conn, state)
                if wrong is not None:
                    report.problem = Problem(state.seq, 0, "roles", wrong)
    finally:
        backend.close()
    return report


def _first_forged_signoff(state: StoreState, records: list[ev.Record]) -> ev.Record | None:
    """The first sign-off the projection found not naming what it covers (see verify.py)."""
    forged = {
        signoff.seq
        for plan in state.plans.values()
        for signoff in plan.signoffs
        if signoff.mismatch
    }
    return next((record for record in records if record.seq in forged), None)


Grants = dict[tuple[str, str], tuple[bool, tuple[str, ...]]]
"""(login, role) -> (all plans, the plans listed): one row of `leerpad.roles`."""


def roles_mismatch(conn: psycopg.Connection[Any], state: StoreState) -> str | None:
    """What `leerpad.roles` (what row-level security reads) holds that the access records,
    folded by leerpad itself, do not say; None when they agree."""
    held: Grants = {
        (login, role): (all_plans, tuple(sorted(plans)))
        for login, role, all_plans, plans in conn.execute("SELECT * FROM leerpad.roles_held()")
    }
    folded: Grants = {
        (login, role): (grant.all_plans, tuple(sorted(grant.plans)))
        for login, roles in state.access.users.items()
        for role, grant in roles.items()
    }
    for key in sorted(held.keys() | folded.keys()):
        if held.get(key) != folded.get(key):
            login, role = key
            return t(
                "pg.what.roles",
                login=login,
                role=role,
                table=_grant_text(held.get(key)),
                records=_grant_text(folded.get(key)),
            )
    return None


def _grant_text(grant: tuple[bool, tuple[str, ...]] | None) -> str:
    if grant is None:
        return t("pg.grant.none")
    all_plans, plans = grant
    return t("pg.grant.all") if all_plans else ", ".join(plans) or t("pg.grant.no_plans")


register(
    {
        "pg.what.roles": (
            "leerpad.roles (what row-level security reads) does not match the access "
            "records: {login} as {role}: {table} in the table, {records} in the records",
            "leerpad.roles (wat de beveiliging op rijniveau leest) klopt niet met de "
            "toegangsrecords: {login} als {role}: {table} in de tabel, {records} in de records",
        ),
        "pg.witness_hidden": (
            "A checkpoint witnesses every record, and {user} may not read every record of "
            "this store: make or check it as an admin, mentor or consultant.",
            "Een checkpoint getuigt van elk record, en {user} mag niet elk record van deze "
            "opslag lezen: maak of controleer het als beheerder, mentor of consulent.",
        ),
        "pg.grant.none": ("no such role", "die rol niet"),
        "pg.grant.all": ("every plan", "elk plan"),
        "pg.grant.no_plans": ("no plan", "geen enkel plan"),
        "pg.what.head": (
            "the store's head names record {head}, which is not the last record read",
            "de kop van de opslag noemt record {head}, dat niet het laatst gelezen record is",
        ),
    }
)
