"""A compact index of a log's history, read newest first; entries are computed on demand.

A 1M-record history as `HistoryEntry` objects costs most of a gigabyte, and reading
every record before showing the newest takes seconds. The index keeps ~22 bytes a
record (where it sits, its plan, actor and kind, its place in its plan's list), reads
the records' heads from the newest back, a batch at a time, and computes the entries
of the records asked for.
An entry depends only on the earlier records of its own plan (`entry_for` reads
nothing else), so it is found by folding that plan's records alone: a few hundred
records, never the whole log. Where they are is known once the index reaches back to
the plan's creation, or before that from the read model (`Store.places`): then each
record is read where it says and checked there (frame, checksum, seq, plan); one not
found there and the read model's places are no longer used, only the log's heads.
"""

from __future__ import annotations

import bisect
import sys
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from core import events as ev
from core.history import NEEDS_NO_STATE, HistoryEntry, Unknown, entry_alone, fold_with_history
from core.storage import BrokenChain, Head, Misplaced
from core.store import Store

KNOWN_KINDS = frozenset(t.__struct_config__.tag for t in ev.EVENT_TYPES)

COVER_BATCH = 20_000
"""Records read at a time when an entry needs older records than are read yet (fewer,
down to COVER_LEAST, when it needs only a few more: the newest page needs ~50)."""
COVER_LEAST = 1_000

GIVE_WAY_SECONDS = 0.05
"""The background read waits while entries are computed, and this long after: the page
being drawn comes first (both want the one interpreter)."""

CACHE_ENTRIES = 50_000
"""Entries kept once computed (an LRU): a few screens of scrolling back and forth."""

HIDDEN = 0xFFFF
"""The kind of a seq this user may not read (row-level security in a database store)."""
_NO_NAME = 0xFFFFFFFF
_NO_TIME = datetime.fromtimestamp(0, UTC)
"""The time shown for a record whose head could not be read (damage)."""


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """The first record whose sequence number or hash link is wrong."""

    seq: int
    offset: int
    what: str


class _Names:
    """Interned names numbered in order of first appearance."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.numbers: dict[str, int] = {}

    def number(self, name: str) -> int:
        found = self.numbers.get(name)
        if found is None:
            found = self.numbers[name] = len(self.names)
            self.names.append(sys.intern(name))
        return found


class HistoryIndex:
    """Index of one store's records, read from the newest back (`read`) and on demand
    (`cover`), from any thread; the store's backend reads them (`history_source`)."""

    def __init__(self, store: Store, cache_entries: int = CACHE_ENTRIES) -> None:
        self.store = store
        self.source = store.backend.history_source()
        self.problem: ChainProblem | None = None
        self._plan = array("I")
        self._actor = array("I")
        self._kind = array("H")
        self.hidden = 0
        """Seqs indexed as HIDDEN: records this user may not read."""
        self.plans = _Names()
        self.actors = _Names()
        self.kinds = _Names()
        self._by_plan: list[array[int]] = []
        """Per plan number, the seqs of its records read so far, in order."""
        self._created: set[int] = set()
        """The plan numbers whose plan.created record is read: all their records are."""
        self.low = 1
        """Records low..count are read; the older ones not yet."""
        self._started = False
        self._reading = False
        """Whether `read` began: its first call reads every head back, later ones the new."""
        self._lock = threading.RLock()
        """Held while reading heads: the background read, entries asked for on the UI
        thread and a search thread all extend the same index."""
        self._cache: OrderedDict[int, HistoryEntry] = OrderedDict()
        self._cache_size = cache_entries
        self.folded = 0
        """Records folded to compute entries (to show that only what is asked is computed)."""
        self.forgotten = 0
        """How often computed entries were dropped (`forget_plan`): views drawn before redraw."""
        self._placed: dict[str, tuple[int, dict[int, int]] | None] = {}
        """Per plan, the seq the read model ends on and where it places the plan's records up
        to it (seq -> offset); None when it does not know the plan."""
        self.trust_places = True
        """False once a record was not where the read model placed it: the heads decide."""
        self._computing = 0
        """Entries being computed now (the background read waits for them: `_give_way`)."""
        self._computed_at = 0.0
        self._count_lock = threading.Lock()

    @property
    def count(self) -> int:
        """Records known (seqs 1..count), whether their heads are read yet or not."""
        return len(self._kind)

    @property
    def unread(self) -> int:
        """The oldest records whose heads are not read yet."""
        return self.low - 1

    # --- building ---------------------------------------------------------------------

    def read(self, upto: int, batch: int = 50_000) -> Iterator[int]:
        """Learn of the records up to seq `upto`, then read their heads from the newest back.

        The first call yields the count as soon as the newest record is known (nothing
        else read), then after every `batch` older records; later calls read just
        what was appended since. The source checks seqs (and a database's chain: a log
        file's was checked by the store as it folded the records).
        """
        if self.problem is not None:
            return
        if not self._reading:
            self._reading = True
            self.reach(upto)
            if self.problem is not None:
                return
            yield self.count
            while self.low > 1 and self.problem is None:
                self._give_way()
                self._read_older(batch)
                # Let a thread waiting for the lock (an entry to draw) have it before the next
                # batch: a lock released and taken again at once is rarely handed over.
                time.sleep(0)
                yield self.count
        else:
            self.reach(upto)
        yield self.count

    def reach(self, upto: int) -> None:
        """Know of the records up to seq `upto`: the first time the newest only (no head
        read), then the heads of those appended since. Entries are then found on demand
        (`cover`, or where the read model places them) whether `read` began or not."""
        if self.problem is not None:
            return
        if not self._started:
            with self._lock:
                if not self._started:
                    try:
                        top = self.source.start(upto)
                    except BrokenChain as exc:
                        self._broken(exc)
                        return
                    self._grow(top)
                    self.low = top + 1
                    self._started = True
                    return
        if self.count < upto:
            self._read_newer(upto)

    def cover(self, seq: int) -> None:
        """Read heads back to record `seq` at least (on the caller's thread)."""
        while self.low > seq and self._started and self.problem is None:
            self._read_older(min(COVER_BATCH, max(COVER_LEAST, self.low - seq)), until=seq)

    def _give_way(self) -> None:
        """Wait while entries are being computed, and a moment after (a page being drawn)."""
        while True:
            with self._count_lock:
                left = GIVE_WAY_SECONDS - (time.monotonic() - self._computed_at)
                if not self._computing and left <= 0:
                    return
            time.sleep(max(left, 0.005))

    def _grow(self, count: int) -> None:
        more = count - len(self._kind)
        if more > 0:
            self._plan.extend(array("I", [_NO_NAME]) * more)
            self._actor.extend(array("I", [_NO_NAME]) * more)
            self._kind.extend(array("H", [HIDDEN]) * more)

    def _broken(self, exc: BrokenChain) -> None:
        self.problem = ChainProblem(exc.seq, exc.offset, exc.what)

    def _read_older(self, batch: int, *, until: int = 1) -> None:
        """Read the heads of about `batch` records before `low`, unless `low` has reached
        `until` meanwhile (another thread may have read them while this one waited)."""
        with self._lock:
            if self.low <= max(1, until) or self.problem is not None:
                return
            try:
                first, heads = self.source.older(self.low, batch)
            except BrokenChain as exc:
                self._broken(exc)
                return
            groups: dict[int, array[int]] = {}
            for seq, p in zip((h[0] for h in heads), self._put(heads), strict=True):
                found = groups.get(p)
                if found is None:
                    found = groups[p] = array("I")
                found.append(seq)
            by_plan = self._by_plan
            for p, seqs in groups.items():
                by_plan[p][0:0] = seqs
            self.hidden += self.low - first - len(heads)
            self.low = first

    def _read_newer(self, upto: int) -> None:
        with self._lock:
            try:
                heads = self.source.newer(self.count, upto)
            except BrokenChain as exc:
                self._broken(exc)
                return
            for (seq, *_), p in zip(heads, self._put(heads), strict=True):
                self._by_plan[p].append(seq)

    def _put(self, heads: list[Head]) -> list[int]:
        """Record each head in the arrays (growing them over hidden seqs); returns the
        plan number of each. The hot loop of reading: names are numbered inline."""
        plan_numbers, actor_numbers = self.plans.numbers, self.actors.numbers
        kind_numbers = self.kinds.numbers
        plans, actors, kinds = self._plan, self._actor, self._kind
        by_plan, created = self._by_plan, self._created
        created_kind = self.kinds.number("plan.created")
        known = KNOWN_KINDS
        numbered: list[int] = []
        add = numbered.append
        for seq, plan, actor, kind in heads:
            if seq > len(kinds):
                # Seqs this user may not read stay HIDDEN: seq n stays at n - 1, never shown.
                self.hidden += seq - 1 - len(kinds)
                self._grow(seq)
            if kind not in known:
                kind, plan = f"?{kind}", ""
            p = plan_numbers.get(plan)
            if p is None:
                # Its list first: a reader without the lock (`_placed_seqs`) may look it up
                # as soon as the number is there.
                by_plan.append(array("I"))
                p = self.plans.number(plan)
            a = actor_numbers.get(actor)
            if a is None:
                a = self.actors.number(actor)
            k = kind_numbers.get(kind)
            if k is None:
                k = self.kinds.number(kind)
            if k == created_kind:
                created.add(p)
            i = seq - 1
            plans[i] = p
            actors[i] = a
            kinds[i] = k
            add(p)
        return numbered

    def _cover_plan(self, plan: str) -> None:
        """Read heads back to `plan`'s creation, so all of its records are known."""
        number = self.plans.numbers.get(plan)
        if self.low <= 1 or (number is not None and number in self._created):
            return
        known = self.store.state.plans.get(plan) if plan else None
        self.cover(known.created.seq if known is not None else 1)
        number = self.plans.numbers.get(plan)
        if number is None or number not in self._created:
            self.cover(1)  # not where the state says it began (or no plan): read it all

    # --- what each record is ------------------------------------------------------------

    def plan_of(self, seq: int) -> str:
        return self.plans.names[self._plan[seq - 1]]

    def actor_of(self, seq: int) -> str:
        return self.actors.names[self._actor[seq - 1]]

    def kind_of(self, seq: int) -> str:
        return self.kinds.names[self._kind[seq - 1]]

    def seqs_of_plan(self, plan: str) -> array[int]:
        """The seqs of `plan`'s records (empty when it has none), read back to its start."""
        self._cover_plan(plan)
        number = self.plans.numbers.get(plan)
        return self._by_plan[number] if number is not None else array("I")

    def select(
        self,
        upto: int,
        *,
        plan: str = "",
        actor: str = "",
        kind: str = "",
        start: int = 1,
        within: Collection[str] | None = None,
    ) -> array[int]:
        """The seqs in [start, upto] of the records of that plan, actor and kind ("" any),
        and only of the plans `within` when given (what the reader may see, core.access)."""
        if within is not None and plan and plan not in within:
            return array("I")
        if not (plan or actor or kind or self.hidden or self.source.may_hide) and within is None:
            return array("I", range(start, upto + 1))
        if plan:
            candidates: Iterable[int] = self.seqs_of_plan(plan)
            if start > 1:
                candidates = (s for s in candidates if s >= start)
        elif within is not None:
            candidates = sorted(
                s for name in within for s in self.seqs_of_plan(name) if start <= s <= upto
            )
        else:
            self.cover(start)
            candidates = range(start, upto + 1)
        found = array("I")
        want_actor = self.actors.numbers.get(actor, -1) if actor else None
        want_kind = self.kinds.numbers.get(kind, -1) if kind else None
        actors, kinds = self._actor, self._kind
        for seq in candidates:
            if seq > upto:
                break
            if want_actor is not None and actors[seq - 1] != want_actor:
                continue
            if want_kind is not None and kinds[seq - 1] != want_kind:
                continue
            if kinds[seq - 1] == HIDDEN:
                continue
            found.append(seq)
        return found

    # --- entries ------------------------------------------------------------------------

    def entry(self, seq: int) -> HistoryEntry:
        """The history entry of record `seq` (1 <= seq <= count)."""
        cached = self._cache.get(seq)
        if cached is not None:
            self._cache.move_to_end(seq)
            return cached
        with self._count_lock:
            self._computing += 1
        try:
            self.cover(seq)
            if seq < self.low:
                # The heads could not be read back this far (damage: see `problem`).
                return HistoryEntry(seq, _NO_TIME, "", "", "?unreadable", "", "", "", "")
            for entry in self._entries_upto(self.plan_of(seq), seq):
                self._remember(entry)
            return self._cache[seq]
        finally:
            with self._count_lock:
                self._computing -= 1
                self._computed_at = time.monotonic()

    def _entries_upto(self, plan: str, seq: int) -> list[HistoryEntry]:
        """The entries of `plan`'s records up to `seq`, each judged on the plan's records
        before it (a record of no plan needs no state)."""
        if not plan:
            return list(self._fold(array("I", [seq])))
        if self.kind_of(seq) in NEEDS_NO_STATE:
            # Its entry reads nothing of its plan's state: its own record is enough.
            self.folded += 1
            return [entry_alone(record) for record in self.source.fetch([seq])]
        placed = self._placed_seqs(plan)
        if placed is not None:
            seqs, where = placed
            upto = seqs[: bisect.bisect_right(seqs, seq)]
            if upto and upto[-1] == seq:
                try:
                    return list(self._fold(upto, plan, where))
                except Misplaced:
                    pass
            self._distrust()
        seqs = self.seqs_of_plan(plan)
        return list(self._fold(seqs[: bisect.bisect_right(seqs, seq)]))

    def _placed_seqs(self, plan: str) -> tuple[array[int], dict[int, int]] | None:
        """`plan`'s seqs (those the read model places, then those read since it ends) and
        where it places them. None when the heads read reach back to its creation already
        or no read model knows it. Takes no lock unless heads must be read: the background
        read holds it a batch at a time."""
        number = self.plans.numbers.get(plan)
        if not self.trust_places or self.low <= 1 or number in self._created:
            return None
        if plan not in self._placed:
            found = self.store.places(plan)
            if found is None:
                self._placed[plan] = None
                return None
            ends, seqs, offsets = found
            self.cover(ends + 1)  # the records since: which are this plan's
            if self.problem is not None:
                return None
            self._placed[plan] = (ends, dict(zip(seqs, offsets, strict=True)))
        known = self._placed.get(plan)
        if known is None:
            return None
        ends, where = known
        seqs = array("I", where)
        number = self.plans.numbers.get(plan)
        if number is not None:
            # A copy in one step: the background read may prepend older seqs meanwhile.
            since = self._by_plan[number][:]
            seqs += since[bisect.bisect_right(since, ends) :]
        return seqs, where

    def _distrust(self) -> None:
        """A record was not where the read model placed it: use the heads read alone."""
        with self._lock:
            self.trust_places = False
            self._placed.clear()

    def placed_entries(self, plan: str, upto: int) -> list[HistoryEntry] | None:
        """Every entry of `plan` up to seq `upto`, its records read where the read model
        places them (and those since it ends, from their heads), each checked there; None
        when it places none, or no longer (then the heads decide: `plan_entries`). Reads
        no head back past the read model's end."""
        if not plan:
            return None
        placed = self._placed_seqs(plan)
        if placed is None:
            # Its heads are read back to its creation already (created since, say)? The
            # lock: a batch being read back marks its creation before adding its seqs.
            with self._lock:
                number = self.plans.numbers.get(plan)
                if number is None or number not in self._created:
                    return None
                seqs = self._by_plan[number][:]
            return list(self._fold(seqs[: bisect.bisect_right(seqs, upto)]))
        seqs, where = placed
        try:
            return list(self._fold(seqs[: bisect.bisect_right(seqs, upto)], plan, where))
        except Misplaced:
            self._distrust()
            return None

    def plan_entries(self, plan: str, upto: int) -> Iterator[HistoryEntry]:
        """Every entry of `plan` up to seq `upto`, computed in one fold (not cached)."""
        placed = self.placed_entries(plan, upto)
        if placed is not None:
            yield from placed
            return
        seqs = self.seqs_of_plan(plan)
        seqs = seqs[: bisect.bisect_right(seqs, upto)]
        if not plan:
            for seq in seqs:
                yield from self._fold([seq])
            return
        yield from self._fold(seqs)

    def _fold(
        self, seqs: Iterable[int], placed_for: str = "", placed: dict[int, int] | None = None
    ) -> Iterator[HistoryEntry]:
        """The entries of these records folded in turn; with `placed_for`, each must be a
        record of that plan (else Misplaced: the seqs came from the read model, which
        places those not read yet at `placed`)."""

        def records() -> Iterator[tuple[ev.Record | Unknown, str]]:
            for record in self.source.fetch(seqs, placed):
                if placed_for and getattr(getattr(record, "event", None), "plan", "") != placed_for:
                    raise Misplaced(record.seq)
                self.folded += 1
                # The hash only feeds the plan's version hash, which no entry shows.
                yield record, ""

        return fold_with_history(records())

    def forget_plan(self, plan: str) -> None:
        """Drop the entries computed for `plan`: its personal texts were erased, and an entry
        computed before still holds them. They are computed again (erased) when asked for."""
        for seq in self.seqs_of_plan(plan):
            self._cache.pop(seq, None)
        self.forgotten += 1

    def _remember(self, entry: HistoryEntry) -> None:
        cache = self._cache
        cache[entry.seq] = entry
        cache.move_to_end(entry.seq)
        while len(cache) > self._cache_size:
            cache.popitem(last=False)

    def matching(
        self,
        upto: int,
        test: Callable[[HistoryEntry], bool],
        *,
        plan: str = "",
        within: Collection[str] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        every: int = 20_000,
    ) -> Iterator[list[int]]:
        """The seqs up to `upto` whose entries pass `test`, a plan at a time (so out of
        seq order), in lists yielded about every `every` records folded; only of the
        plans `within` when given."""
        self.cover(1)
        found: list[int] = []
        done = 0
        names = [plan] if plan else list(self.plans.names)
        if within is not None:
            names = [name for name in names if name in within]
        for name in names:
            if cancelled():
                return
            for entry in self.plan_entries(name, upto):
                done += 1
                if test(entry):
                    found.append(entry.seq)
            if done >= every:
                yield found
                found, done = [], 0
        yield found
