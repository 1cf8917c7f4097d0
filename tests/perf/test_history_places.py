"""The history from the read model's places: the newest entries are folded from their own
plans' records, read where the read model says they start, without reading the log's
heads back to those plans' creation; and they are exactly the entries of a whole fold,
whatever the read model holds (records appended since, an erased plan, a damaged or
missing read model, one that lies about where a record starts).

Correctness only: nothing here is timed (the speed is measured by `make bench`).
"""

from __future__ import annotations

import sqlite3
import zlib
from array import array
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from catalog.schema import Profile
from core import commands, history_index, readmodel
from core.erasure import erase
from core.history import NEEDS_NO_STATE, HistoryEntry
from core.history_index import HistoryIndex
from core.log import HEADER_SIZE
from core.store import Store

START = date(2026, 10, 5)
TODAY = date(2026, 11, 28)
PLANS = 4
ROUNDS = 3

OpenStore = Callable[..., Store]


@pytest.fixture(autouse=True)
def _few_heads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read heads back a few records at a time: how far back is read shows."""
    monkeypatch.setattr(history_index, "COVER_BATCH", 4)
    monkeypatch.setattr(history_index, "COVER_LEAST", 1)


def interleaved(store: Store, profile: Profile, plans: range) -> None:
    """Plans created one after another, then changed in turns: each plan's records are
    spread over the log, with before -> after values that need the plan's earlier records."""
    for _ in plans:
        store.execute(
            lambda s: commands.create_plan(s, profile, trainee="Lotte Wouters", start=START)
        )
    done = START + timedelta(days=10)
    for n in range(ROUNDS):
        for p in plans:
            x = f"P{p}"
            due = START + timedelta(days=7 + n + p)
            store.execute(lambda s, d=due, x=x: commands.plan_action(s, x, "A1.1.1", due=d))
            if n == 1:
                store.execute(
                    lambda s, x=x: commands.complete_action(s, x, "A1.2.1", on=done, today=TODAY)
                )
            if n == 2:
                store.execute(lambda s, x=x: commands.reopen_action(s, x, "A1.2.1", reason="nee"))
            text = f"Ronde {n} van {x}"
            store.execute(lambda s, x=x, t=text: commands.add_note(s, x, "A1.1", text=t))


def more(store: Store, plan: str) -> None:
    """Changes after the read model: a re-planned action (its before is the last date)."""
    store.execute(lambda s: commands.plan_action(s, plan, "A1.1.1", due=START + timedelta(60)))
    store.execute(lambda s: commands.drop_action(s, plan, "A2.1.2", reason="niet nodig"))
    store.execute(lambda s: commands.add_note(s, plan, plan, text="Later"))


def after_the_read_model(store: Store, profile: Profile) -> None:
    """Records of a plan the read model knows (P1), and of a plan created since (P5)."""
    more(store, "P1")
    store.execute(lambda s: commands.create_plan(s, profile, trainee="Nieuw", start=START))
    more(store, "P5")


def reader(open_store: OpenStore, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The store opened from its read model, which is not written again (the records
    folded since stay after what it covers)."""
    monkeypatch.setattr(readmodel, "SAVE_AFTER", 10**9)
    opened = open_store(cache_dir=cache)
    assert (
        isinstance(opened.state.plans, readmodel.StoredPlans)
        and opened.state.plans.head is not None
    )
    return opened


def started(store: Store) -> HistoryIndex:
    """An index that knows the newest record and has read no head yet."""
    index = HistoryIndex(store)
    assert next(index.read(store.state.seq)) == store.state.seq
    assert index.unread == store.state.seq
    return index


def newest_first(index: HistoryIndex, full: list[HistoryEntry]) -> None:
    """Every entry, from the newest back (as the screen asks for them), equals the whole fold's."""
    assert [index.entry(e.seq) for e in reversed(full)] == full[::-1]


def newest_judged(full: list[HistoryEntry], plan: str = "") -> HistoryEntry:
    """The newest entry (of `plan`) whose before -> after needs its plan's earlier records."""
    return next(
        e for e in reversed(full) if e.kind not in NEEDS_NO_STATE and (e.plan == plan or not plan)
    )


def created_seq(store: Store, plan: str) -> int:
    found = store.state.plan(plan)
    assert found is not None
    return found.created.seq


@pytest.fixture
def saved(store: Store, tiny_profile: Profile, cache: Path, make_store: OpenStore) -> Path:
    """Interleaved plans whose read model, with their places, is in `cache`."""
    store.actor = "an"
    interleaved(store, tiny_profile, range(1, PLANS + 1))
    make_store(cache_dir=cache).close()
    path = readmodel.model_path(cache, store.log.path, store.log.header.log_id)
    assert path.exists()
    return path


def true_places(store: Store) -> dict[str, tuple[list[int], list[int]]]:
    """Each plan's seqs and where its records start, read from the log itself."""
    found: dict[str, tuple[list[int], list[int]]] = {}
    offsets = [at for at, _ in store.log.scan(HEADER_SIZE, store.end)]
    for (record, _), at in zip(store.records(), offsets, strict=True):
        plan = getattr(record.event, "plan", "")  # type: ignore[union-attr]
        if plan:
            seqs, starts = found.setdefault(plan, ([], []))
            seqs.append(record.seq)
            starts.append(at)
    return found


def stored_places(store: Store) -> dict[str, tuple[list[int], list[int]]]:
    plans = store.state.plans
    assert isinstance(plans, readmodel.StoredPlans) and plans.head is not None
    found = {}
    for plan in plans:
        places = plans.places(plan)
        assert places is not None, plan
        found[plan] = (list(places[0]), list(places[1]))
    return found


# --- what the read model keeps -------------------------------------------------------------


def test_the_read_model_places_every_plans_records_where_they_start(
    saved: Path, store: Store, cache: Path, make_store: OpenStore
) -> None:
    first = make_store(cache_dir=cache)
    assert stored_places(first) == true_places(store)
    # Written again after records were added: the places before are kept, the new added.
    more(store, "P2")
    store.execute(lambda s: commands.add_note(s, "P4", "P4", text="Nog"))
    make_store(cache_dir=cache).close()
    again = make_store(cache_dir=cache)
    assert again.state.seq == store.state.seq
    assert stored_places(again) == true_places(store)


# --- the newest entries without reading back -----------------------------------------------


def test_the_newest_entries_are_read_at_their_places_not_back_to_their_plans_start(
    saved: Path,
    store: Store,
    cache: Path,
    make_store: OpenStore,
    monkeypatch: pytest.MonkeyPatch,
    tiny_profile: Profile,
) -> None:
    after_the_read_model(store, tiny_profile)
    more(store, "P3")
    full = store.history()
    opened = reader(make_store, cache, monkeypatch)
    index = started(opened)
    newest = full[-1]
    assert (newest.plan, newest.kind) == ("P3", "note.added")
    assert index.entry(newest.seq) == newest  # from its record alone
    dropped = newest_judged(full, "P3")
    assert dropped.kind == "action.dropped" and dropped.before == "open"
    assert index.entry(dropped.seq) == dropped
    # P3's first records were read where the read model places them, not by reading back.
    assert index.low > created_seq(opened, "P3")
    replanned = next(e for e in reversed(full) if e.plan == "P1" and e.kind == "action.planned")
    assert replanned.before not in ("", "-")  # its before is the date P1's earlier records set
    assert index.entry(replanned.seq) == replanned
    assert index.low > created_seq(opened, "P1")
    newest_first(index, full)
    assert index.trust_places


@pytest.mark.parametrize("when", ["before", "after"])
def test_an_erased_plans_entries_stay_erased_read_at_their_places(
    saved: Path,
    store: Store,
    cache: Path,
    make_store: OpenStore,
    monkeypatch: pytest.MonkeyPatch,
    when: str,
) -> None:
    """Erased before the read model was written (its places include the erasure), or after."""
    secret = store.execute(lambda s: commands.add_note(s, "P2", "P2", text="Geheim verslag"))
    if when == "before":
        erase(store, "P2", reason="bewaartermijn", force=True)
        make_store(cache_dir=cache).close()
    else:
        make_store(cache_dir=cache).close()
        erase(store, "P2", reason="bewaartermijn", force=True)
    store.execute(lambda s: commands.add_note(s, "P1", "P1", text="Daarna"))
    full = store.history()
    opened = reader(make_store, cache, monkeypatch)
    index = started(opened)
    assert index.entry(secret.seq).detail == "[erased]"
    judged = newest_judged(full, "P2")
    assert index.entry(judged.seq) == judged
    assert index.low > created_seq(opened, "P2")
    newest_first(index, full)
    assert "Geheim" not in repr([index.entry(e.seq) for e in full])
    assert index.trust_places


# --- a read model that cannot be used, or that is wrong -----------------------------------


def rewrite_places(path: Path, plan: str, change: Callable[[array, array], None]) -> None:
    """Change the places the read model holds for `plan`, with a checksum that matches."""
    db = sqlite3.connect(path)
    blob = db.execute("SELECT places FROM plans WHERE id = ?", (plan,)).fetchone()[0]
    n = len(blob) // 12
    seqs, offsets = array("I"), array("Q")
    seqs.frombytes(blob[: 4 * n])
    offsets.frombytes(blob[4 * n :])
    change(seqs, offsets)
    blob = seqs.tobytes() + offsets.tobytes()
    db.execute(
        "UPDATE plans SET places = ?, places_crc = ? WHERE id = ?", (blob, zlib.crc32(blob), plan)
    )
    db.commit()
    db.close()


def damage_places(path: Path, plan: str) -> None:
    db = sqlite3.connect(path)
    blob = bytearray(db.execute("SELECT places FROM plans WHERE id = ?", (plan,)).fetchone()[0])
    blob[5] ^= 0x01
    db.execute("UPDATE plans SET places = ? WHERE id = ?", (bytes(blob), plan))
    db.commit()
    db.close()


def test_without_usable_places_a_plan_is_read_back_to_its_start(
    saved: Path, store: Store, cache: Path, make_store: OpenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    more(store, "P2")
    damage_places(saved, "P2")
    full = store.history()
    opened = reader(make_store, cache, monkeypatch)
    assert opened.places("P2") is None and opened.places("P3") is not None
    index = started(opened)
    judged = newest_judged(full, "P2")
    assert index.entry(judged.seq) == judged  # read back to P2's creation
    assert index.low <= created_seq(opened, "P2")
    newest_first(index, full)


def test_without_a_read_model_the_heads_are_read_back(
    saved: Path, store: Store, cache: Path, make_store: OpenStore
) -> None:
    saved.unlink()
    full = store.history()
    opened = make_store()  # no cache: replayed, nothing placed
    assert opened.places("P4") is None
    index = started(opened)
    judged = newest_judged(full, "P4")
    assert index.entry(judged.seq) == judged
    assert index.low <= created_seq(opened, "P4")
    newest_first(index, full)


def _other_record(store: Store, plan: str) -> Callable[[array, array], None]:
    """A lie: the plan's first record placed where its second starts (a sound frame)."""

    def change(seqs: array, offsets: array) -> None:
        offsets[0] = offsets[1]

    return change


def _mid_frame(store: Store, plan: str) -> Callable[[array, array], None]:
    """A lie: a record placed a few bytes into its own frame."""

    def change(seqs: array, offsets: array) -> None:
        offsets[2] += 7

    return change


def _another_plans_record(store: Store, plan: str) -> Callable[[array, array], None]:
    """A lie: another plan's record claimed for this one, at its true place."""
    places = true_places(store)
    other = "P1" if plan != "P1" else "P2"
    seq, at = places[other][0][1], places[other][1][1]

    def change(seqs: array, offsets: array) -> None:
        where = sorted([*zip(seqs, offsets, strict=True), (seq, at)])
        seqs[:] = array("I", [s for s, _ in where])
        offsets[:] = array("Q", [o for _, o in where])

    return change


def _left_out(store: Store, plan: str) -> Callable[[array, array], None]:
    """A lie: the record whose entry is asked for left out of the plan's places."""
    judged = newest_judged(store.history(), plan)

    def change(seqs: array, offsets: array) -> None:
        at = list(seqs).index(judged.seq)
        del seqs[at]
        del offsets[at]

    return change


def _past_the_end(store: Store, plan: str) -> Callable[[array, array], None]:
    """A lie: a record placed beyond what the read model covers."""

    def change(seqs: array, offsets: array) -> None:
        offsets[1] = store.end + 100

    return change


@pytest.mark.parametrize(
    "lie", [_other_record, _mid_frame, _another_plans_record, _left_out, _past_the_end]
)
def test_a_read_model_that_lies_about_places_never_shows_a_wrong_entry(
    saved: Path,
    store: Store,
    cache: Path,
    make_store: OpenStore,
    monkeypatch: pytest.MonkeyPatch,
    lie: Callable[[Store, str], Callable[[array, array], None]],
) -> None:
    full = store.history()
    newest = newest_judged(full)
    rewrite_places(saved, newest.plan, lie(store, newest.plan))
    opened = reader(make_store, cache, monkeypatch)
    index = started(opened)
    assert index.entry(newest.seq) == newest
    newest_first(index, full)
    assert opened.corruption is None and opened.writable  # the log is not blamed
    if lie is not _past_the_end:  # that one the read model's own check refuses
        assert not index.trust_places


# --- a plan's whole history (its screen) ----------------------------------------------------


def test_a_plans_whole_history_is_read_at_its_places(
    saved: Path,
    store: Store,
    cache: Path,
    make_store: OpenStore,
    monkeypatch: pytest.MonkeyPatch,
    tiny_profile: Profile,
) -> None:
    after_the_read_model(store, tiny_profile)
    full = store.history()
    opened = reader(make_store, cache, monkeypatch)
    # Created since the read model ends: it places none of its records up to there.
    ends, seqs, offsets = opened.places("P5") or (0, [1], [1])
    assert ends < created_seq(opened, "P5") and not seqs and not offsets
    index = HistoryIndex(opened)
    index.reach(opened.state.seq)  # no read begun: the plan's screen asks first
    for plan in ("P1", "P2", "P5"):
        own = [e for e in full if e.plan == plan]
        assert index.placed_entries(plan, opened.state.seq) == own
        assert list(index.plan_entries(plan, opened.state.seq)) == own
        # Up to an earlier seq (a plan shown as it was): only the records up to it.
        upto = own[len(own) // 2].seq
        assert index.placed_entries(plan, upto) == [e for e in own if e.seq <= upto]
    assert index.low > created_seq(opened, "P1")  # read at their places, not back to them
    assert index.trust_places


def test_without_places_a_plans_whole_history_is_read_back(
    saved: Path, store: Store, cache: Path, make_store: OpenStore
) -> None:
    saved.unlink()
    full = store.history()
    index = HistoryIndex(make_store())  # no cache: replayed, nothing placed
    index.reach(store.state.seq)
    assert index.placed_entries("P3", store.state.seq) is None
    assert list(index.plan_entries("P3", store.state.seq)) == [e for e in full if e.plan == "P3"]
    assert index.low <= created_seq(store, "P3")


@pytest.mark.parametrize("lie", [_other_record, _mid_frame, _another_plans_record, _past_the_end])
def test_a_read_model_that_lies_about_places_never_shows_a_wrong_plan_history(
    saved: Path,
    store: Store,
    cache: Path,
    make_store: OpenStore,
    monkeypatch: pytest.MonkeyPatch,
    lie: Callable[[Store, str], Callable[[array, array], None]],
) -> None:
    """As for one entry; a record left out (with a matching CRC) is not found here: that
    trust the read model's stored plan states ask for too."""
    full = store.history()
    rewrite_places(saved, "P2", lie(store, "P2"))
    opened = reader(make_store, cache, monkeypatch)
    index = HistoryIndex(opened)
    index.reach(opened.state.seq)
    own = [e for e in full if e.plan == "P2"]
    assert list(index.plan_entries("P2", opened.state.seq)) == own
    assert opened.corruption is None and opened.writable
    if lie is not _past_the_end:  # that one the read model's own check refuses
        assert not index.trust_places
        assert index.placed_entries("P1", opened.state.seq) is None  # the heads decide now
