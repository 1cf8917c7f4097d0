"""A compact index of a log's history: entries are computed on demand, a plan at a time.

A 1M-record history as `HistoryEntry` objects costs most of a gigabyte. The index
keeps ~20 bytes a record (where it sits, its plan, actor and kind) and computes
the entries of the records asked for. An entry depends only on the earlier
records of its own plan (`entry_for` reads nothing else), so it is found by
folding that plan's records alone: a few hundred, never the whole log.
"""

from __future__ import annotations

import bisect
import sys
from array import array
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from core import events as ev
from core.history import HistoryEntry, Unknown, fold_with_history
from core.storage import BrokenChain
from core.store import Store

KNOWN_KINDS = frozenset(t.__struct_config__.tag for t in ev.EVENT_TYPES)

CACHE_ENTRIES = 50_000
"""Entries kept once computed (an LRU): a few screens of scrolling back and forth."""

HIDDEN = 0xFFFF
"""The kind of a seq this user may not read (row-level security in a database store)."""
_NO_NAME = 0xFFFFFFFF


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
    """Incremental index of one store's records (one reader at a time; lookups from any
    thread for records already read). The store's backend reads them (`history_source`)."""

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
        """Per plan number, the seqs of its records in order."""
        self._cache: OrderedDict[int, HistoryEntry] = OrderedDict()
        self._cache_size = cache_entries
        self.folded = 0
        """Records folded to compute entries (to show that only what is asked is computed)."""
        self.forgotten = 0
        """How often computed entries were dropped (`forget_plan`): views drawn before redraw."""

    @property
    def count(self) -> int:
        """Records indexed so far (seqs 1..count)."""
        return len(self._kind)

    # --- building ---------------------------------------------------------------------

    def read(self, upto: int, batch: int = 50_000) -> Iterator[int]:
        """Index the records after the last read, up to seq `upto`; yields the count
        after every `batch` records and at the end. The source checks seqs and the chain."""
        if self.problem is not None:
            return
        plan_no, actor_no, kind_no = self.plans.number, self.actors.number, self.kinds.number
        plans, actors, kinds = self._plan, self._actor, self._kind
        by_plan = self._by_plan
        since = 0
        try:
            for seq, plan, actor, kind in self.source.heads(upto):
                while len(kinds) < seq - 1:
                    # Not readable by this user: a row, so seq n stays at n - 1, never shown.
                    plans.append(_NO_NAME)
                    actors.append(_NO_NAME)
                    kinds.append(HIDDEN)
                    self.hidden += 1
                if kind not in KNOWN_KINDS:
                    kind, plan = f"?{kind}", ""
                p = plan_no(plan)
                if p == len(by_plan):
                    by_plan.append(array("I"))
                by_plan[p].append(seq)
                plans.append(p)
                actors.append(actor_no(actor))
                kinds.append(kind_no(kind))
                since += 1
                if since >= batch:
                    since = 0
                    yield seq
        except BrokenChain as exc:
            self.problem = ChainProblem(exc.seq, exc.offset, exc.what)
        yield self.count

    # --- what each record is ------------------------------------------------------------

    def plan_of(self, seq: int) -> str:
        return self.plans.names[self._plan[seq - 1]]

    def actor_of(self, seq: int) -> str:
        return self.actors.names[self._actor[seq - 1]]

    def kind_of(self, seq: int) -> str:
        return self.kinds.names[self._kind[seq - 1]]

    def seqs_of_plan(self, plan: str) -> array[int]:
        """The seqs of `plan`'s records (empty when it has none)."""
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
        if not (plan or actor or kind or self.hidden) and within is None:
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
        plan = self.plan_of(seq)
        if plan:
            seqs = self.seqs_of_plan(plan)
            # Every record of the plan up to this one: the state its entry is judged on.
            upto = seqs[: bisect.bisect_right(seqs, seq)]
        else:
            upto = array("I", [seq])  # no plan: the entry needs no state
        for entry in self._fold(upto):
            self._remember(entry)
        return self._cache[seq]

    def plan_entries(self, plan: str, upto: int) -> Iterator[HistoryEntry]:
        """Every entry of `plan` up to seq `upto`, computed in one fold (not cached)."""
        seqs = self.seqs_of_plan(plan)
        seqs = seqs[: bisect.bisect_right(seqs, upto)]
        if not plan:
            for seq in seqs:
                yield from self._fold([seq])
            return
        yield from self._fold(seqs)

    def _fold(self, seqs: Iterable[int]) -> Iterator[HistoryEntry]:
        def records() -> Iterator[tuple[ev.Record | Unknown, str]]:
            for record in self.source.fetch(seqs):
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
