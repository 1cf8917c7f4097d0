"""Reading a store's log into history entries incrementally, from where the last read stopped.

The history screen keeps one feed: a first read (in a thread) of everything, then
small reads of only the records that arrived since. The feed folds into its own
private state, so "before" values are right without re-reading from the start.
It also checks the hash chain as it goes, the cheap half of verifying the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from core import events as ev
from core.history import HistoryEntry, Unknown, entry_for
from core.log import HEADER_SIZE, TailProblem
from core.projections import StoreState, apply, apply_unknown
from core.store import Store, decode_frame


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """The first record whose sequence number or hash link is wrong."""

    seq: int
    offset: int
    what: str


class HistoryFeed:
    """Incremental reader of one store's log (not thread-safe: one reader at a time)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.state = StoreState()
        self.state.hash = store.log.header.hash
        self.offset = HEADER_SIZE
        self.problem: ChainProblem | None = None

    @property
    def count(self) -> int:
        """Records read so far."""
        return self.state.seq

    @property
    def last_hash(self) -> str:
        return self.state.hash

    def read(self, end: int, batch: int = 2000) -> Iterator[list[HistoryEntry]]:
        """Entries of the records between the last read and byte `end`, in batches."""
        entries: list[HistoryEntry] = []
        if self.problem is not None:
            return
        for item in self.store.log.frames(self.offset):
            if isinstance(item, TailProblem) or item.offset >= end:
                break
            decoded = decode_frame(item)
            record = decoded.record
            if record.seq != self.state.seq + 1:
                self.problem = ChainProblem(record.seq, item.offset, "sequence")
                break
            prev = record.prev if isinstance(record, ev.Record) else _unknown_prev(item.payload)
            if prev != self.state.hash:
                self.problem = ChainProblem(record.seq, item.offset, "hash")
                break
            if isinstance(record, Unknown):
                apply_unknown(self.state, record.seq, record.id, decoded.hash)
                entries.append(
                    HistoryEntry(
                        record.seq,
                        record.time,
                        record.actor,
                        "",
                        f"?{record.type}",
                        "",
                        "",
                        "",
                        "",
                    )
                )
            else:
                entries.append(entry_for(self.state, record))
                apply(self.state, record, decoded.hash)
            self.offset = item.end
            if len(entries) >= batch:
                yield entries
                entries = []
        if entries:
            yield entries


def _unknown_prev(payload: bytes) -> str:
    return ev.OPAQUE_DECODER.decode(payload).prev


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What the history shows: every field empty means everything."""

    plan: str = ""
    actor: str = ""
    kind: str = ""
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.plan or self.actor or self.kind or self.text.strip())

    def matches(self, entry: HistoryEntry, haystack: Callable[[HistoryEntry], str]) -> bool:
        """Whether `entry` passes; `haystack` gives its searchable text (casefolded)."""
        if self.plan and entry.plan != self.plan:
            return False
        if self.actor and entry.actor != self.actor:
            return False
        if self.kind and entry.kind != self.kind:
            return False
        needle = self.text.strip().casefold()
        return not needle or needle in haystack(entry)
