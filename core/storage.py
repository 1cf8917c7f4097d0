"""The storage seam: what a store needs from the place its records live.

`core.store.Store` runs commands and keeps the projection; a backend (the log
file in core/filestore.py, PostgreSQL in core/pgstore.py) reads, checks and
appends records. Both keep the write path's promise: a command is decided
against the freshest state, and an append that finds the store moved on is
decided again rather than written.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit

import msgspec

from core import events as ev
from core.projections import StoreState

if TYPE_CHECKING:
    from core.history import Unknown
    from core.log import CorruptLog
    from core.verify import Report

Decide = Callable[[StoreState], ev.Event]
"""A command bound to its arguments: given the fresh state, the event to write (or raise)."""

T = TypeVar("T")

OnState = Callable[[Callable[[], T]], T]
"""Runs a step that reads or changes a store's state where that state is changed (an app's
UI thread: screens iterate it while rendering) and returns what the step returned."""

DATABASE_SCHEMES = ("postgresql", "postgres")


class StoreError(Exception):
    """The store cannot be used as asked (missing, no access, read-only, corrupt)."""


class ReadOnly(StoreError):
    pass


class Reread(StoreError):
    """The records were replaced under the store (its log file): nothing was written.

    The backend now reads the replacement; `state` is what it read from the
    start, to take the place of the store's state before the user tries again.
    """

    def __init__(self, message: str, state: StoreState) -> None:
        super().__init__(message)
        self.state = state


class NotPermitted(StoreError):
    """The store works, but this user may not do what was asked (a refusal, not a fault)."""


class MissingDriver(StoreError):
    """A database store was asked for, but its driver (psycopg) is not installed."""


class Conflict(Exception):
    """Someone appended after the state the command was decided on: catch up, decide again."""


class BrokenChain(Exception):
    """Reading the history found a record out of sequence, off the hash chain or unreadable."""

    def __init__(self, seq: int, offset: int, what: str) -> None:
        super().__init__(f"record {seq}: {what}")
        self.seq = seq
        self.offset = offset
        """Where the record starts in a log file (0 in a database)."""
        self.what = what
        """"sequence", "hash" or "decode"."""


class Misplaced(Exception):
    """A record is not where a cache said it starts (the read model is wrong: not the log)."""

    def __init__(self, seq: int) -> None:
        super().__init__(f"record {seq}: not where the read model says")
        self.seq = seq


class Prepared(msgspec.Struct):
    """An append decided and encoded, nothing written yet (`Backend.prepare`).

    `Backend.write` touches no state and may run in another thread than the one the
    state lives on; `Backend.fold` then folds the record there.
    """

    record: ev.Record
    """The record as readers will decode it. A database stamps seq, time and actor as it
    writes: until then its are what they will be unless others come first."""
    data: bytes
    """What is written: the framed record (a log file), the event's payload (a database)."""
    at: int
    """Where it must land: the log's end (a file), the seq the database's head must still
    be (a database); either way what the state was decided on."""
    digest: str = ""
    """The record's hash, when the writer computes it (a log file)."""
    answer: Any = None
    """What the write answered, for the fold (the database's row)."""


Head = tuple[int, str, str, str]
"""(seq, plan, actor, type) of one record: what the history index keeps of it."""


class HistorySource(Protocol):
    """What the history index (core/history_index.py) reads: record heads, newest first,
    then whole records by seq. One per index; it may be used from more than one thread."""

    may_hide: bool
    """Seqs may skip records this user may not read (a trainee in a database store)."""

    def start(self, upto: int) -> int:
        """The seq of the newest record to read from (at most `upto`; 0: none). Reads no other."""
        ...

    def older(self, low: int, budget: int) -> tuple[int, list[Head]]:
        """The heads of up to about `budget` records just before seq `low`, in order, and
        the lowest seq that covers (records there it leaves out are hidden).

        Raises BrokenChain at a record out of sequence, off the hash chain or unreadable.
        """
        ...

    def newer(self, high: int, upto: int) -> list[Head]:
        """The heads of the records after seq `high` up to seq `upto`, in order."""
        ...

    def fetch(
        self, seqs: Iterable[int], placed: Mapping[int, int] | None = None
    ) -> Iterator[ev.Record | Unknown]:
        """The records with these seqs (ascending), in order: each given as a head, or
        found where `placed` (seq -> offset, from the read model) says it starts; Misplaced
        for one that is not there. A source that reads records by seq (a database) has no
        use for `placed`."""
        ...


@contextmanager
def writing(
    backend: Backend, state: StoreState, found: list[ev.Record] | None = None
) -> Iterator[None]:
    """`locked`, then `catch_up_to_write`: within it a command is decided and appended."""
    with backend.locked():
        backend.catch_up_to_write(state, found)
        yield


def new_event_id(now: datetime | None = None) -> str:
    """A unique, time-ordered id: 48 bits of milliseconds, then 80 random bits (hex)."""
    ms = int((now.timestamp() if now is not None else time.time()) * 1000)
    return f"{ms:012x}{secrets.token_hex(10)}"


def utc_now() -> datetime:
    return datetime.now(UTC)


def is_database_url(location: str | Path) -> bool:
    """True for a libpq URL (postgresql://...), the way a PostgreSQL store is named."""
    text = str(location)
    return any(text.startswith(f"{scheme}:") for scheme in DATABASE_SCHEMES)


def shown_location(location: str | Path) -> str:
    """A store's location as it may be printed: a database URL without its password."""
    text = str(location)
    if not is_database_url(text):
        return text
    parts = urlsplit(text)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{host}" if user else host
    query = "&".join(
        item for item in parts.query.split("&") if not item.lower().startswith("password=")
    )
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


class Backend(Protocol):
    """Where records live. Every method is called with the store's mutex held."""

    read_only: str | None
    """Why records may not be appended, in the user's language; None when writable."""
    notices: list[str]
    """Things the user should know about (a torn tail moved aside)."""
    corruption: CorruptLog | None
    """The first damaged record, once found: reading stops before it."""
    actor: str | None
    """Who appends, when the backend decides it (the database user); None: the OS login."""

    @property
    def location(self) -> str:
        """Where the store is, as shown to people (never with a password)."""
        ...

    @property
    def directory(self) -> Path | None:
        """The store's directory, for a file store; None for a database."""
        ...

    @property
    def genesis(self) -> str:
        """The `prev` of the first record: the start of the hash chain."""
        ...

    @property
    def log_id(self) -> str:
        """The store's own id (hex), named by signed sign-offs and checkpoints."""
        ...

    def catch_up(self, state: StoreState, found: list[ev.Record] | None, *, settle: bool) -> None:
        """Check and fold every record after `state.seq` into `state` (and onto `found`).

        `settle`: deal with a doubtful tail now (wait for a writer if needed).
        """
        ...

    def locked(self) -> AbstractContextManager[None]:
        """Keep others from appending until the record is written: the log's file lock, or a
        database's write lock (its append still tells when a writer without it came first),
        waited for here."""
        ...

    def read_ahead(self, state: StoreState) -> Any:
        """Within `locked`: read what others appended after `state`, folding nothing (so it
        may run in another thread than the one `state` lives on); for `catch_up_to_write`."""
        ...

    def catch_up_to_write(
        self, state: StoreState, found: list[ev.Record] | None = None, read: Any = None
    ) -> None:
        """Within `locked`: fold what others appended into `state` (and onto `found`), for
        the command to be decided on; from `read` (`read_ahead`) when that still follows
        `state`, else read now.

        Raises Reread when the records were replaced under the store (nothing decided).
        """
        ...

    def waiting_to_write(self) -> AbstractContextManager[None]:
        """Wait for the write lock and hold it: `locked` within, on any thread, takes it
        again without waiting. For a thread that waits while another (a UI's) may use the
        backend meanwhile: a database's lock is tried now and then, leaving its connection
        free. A lock it cannot take is the append's to report; one still held by others
        after a database store's bound is StoreError."""
        ...

    def prepare(
        self, state: StoreState, event: ev.Event, *, event_id: str, actor: str, time: datetime
    ) -> Prepared:
        """Encode `event` as the record after `state`; nothing is written. StoreError when
        it cannot be stored (read-only, not encodable, too large)."""
        ...

    def write(self, prepared: Prepared) -> None:
        """Within `locked`: write the prepared record durably (fsync, a commit), or nothing.

        Changes neither a state nor what the backend has read, so it may run in another
        thread than `fold`. Raises Conflict when others came first, StoreError when the
        write failed (left as it was before).
        """
        ...

    def fold(self, state: StoreState, prepared: Prepared) -> ev.Record:
        """Fold a record `write` wrote into `state`; the record as folded."""
        ...

    def import_record(self, state: StoreState, record: ev.Record) -> ev.Record:
        """Append a copy of `record` keeping its id, time and actor (`leerpad store copy`)."""
        ...

    def import_records(
        self, state: StoreState, records: Iterable[ev.Record]
    ) -> list[tuple[int, str]]:
        """`import_record` of each record in order, in as few round trips as the backend can;
        the seq and hash each one got in this store."""
        ...

    def find(self, event_id: str) -> ev.Record | None:
        """The record with this id, when one was appended (for idempotent retries)."""
        ...

    def records(
        self, upto: int | None = None, *, opened: bool = True
    ) -> Iterator[tuple[ev.Record | Unknown, str]]:
        """Every readable (record, hash) from the start, up to seq `upto`; personal texts
        opened, or with `opened` off as sealed in the store (`leerpad store copy`)."""
        ...

    def wait(self, seq: int, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a record after `seq`; True when there may be one."""
        ...

    def login_exists(self, login: str) -> bool:
        """Whether `login` can act in this store: a Unix account, or a database user."""
        ...

    def history_source(self) -> HistorySource:
        """A new reader of the records' heads for a history index."""
        ...

    def verify(self) -> Report:
        """Check every record from the start, as `leerpad verify` does (on its own handle)."""
        ...

    def hashes(self, report: Report, seqs: set[int]) -> dict[int, str]:
        """The hash of each record in `seqs` among the intact records `report` (from
        `verify`) counts; what a witnessed checkpoint compares (core/witness.py)."""
        ...

    def close(self) -> None: ...
