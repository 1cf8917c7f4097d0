"""Closed plans parked encoded during a replay (core/readmodel.py, `StoredPlans.parking`):
read back, changed again, saved and erased exactly as the plain fold has them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from catalog.schema import Profile
from core import commands, readmodel
from core import events as ev
from core.erasure import erase
from core.projections import StoreState, summaries
from core.store import Store
from tests.perf.test_readmodel import START, TODAY, assert_same_state, lived_in, tail

OpenStore = Callable[..., Store]
SECRET = "Vertrouwelijk: gesprek met de ouders."


def close(store: Store, plan: str) -> None:
    on = START + timedelta(days=20)
    store.execute(
        lambda s: commands.close_plan(
            s, plan, outcome="stopped", on=on, today=TODAY, reason="Verhuisd."
        )
    )


def note_on(store: Store, plan: str, text: str) -> None:
    """A note on a plan whatever its state (a log may hold one on a closed plan)."""
    store.execute(lambda s: ev.NoteAdded(plan=plan, target=plan, text=text))


def plain_fold(store: Store) -> StoreState:
    """Every record folded into a plain state, nothing parked: what the state must equal."""
    state = store.state_at(store.state.seq)
    assert type(state.plans) is dict
    return state


def parked(state: StoreState) -> set[str]:
    plans = state.plans
    assert isinstance(plans, readmodel.StoredPlans)
    return set(plans.keys()) - {p.id for p in plans.loaded()}


@pytest.fixture(autouse=True)
def _park_any_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """These logs are small: a replay without a read model would not park them."""
    monkeypatch.setattr(readmodel, "PARK_ABOVE", 0)


@pytest.fixture
def closed_plans(store: Store, tiny_profile: Profile) -> Store:
    """P1 to P4 lived in, with a secret note on P1; P1, P2 and P3 closed, P4 open."""
    lived_in(store, tiny_profile, plans=4)
    note_on(store, "P1", SECRET)
    for plan in ("P1", "P2", "P3"):
        close(store, plan)
    return store


def test_a_replay_parks_closed_plans_and_they_read_back_as_folded(
    closed_plans: Store, make_store: OpenStore
) -> None:
    reopened = make_store()
    expected = plain_fold(closed_plans)
    assert parked(reopened.state) == {"P1", "P2", "P3"}
    # The list reads their digests without decoding them.
    assert summaries(reopened.state, TODAY) == summaries(expected, TODAY)
    assert parked(reopened.state) == {"P1", "P2", "P3"}
    assert reopened.state.plans["P1"] == expected.plans["P1"]
    assert parked(reopened.state) == {"P2", "P3"}
    assert_same_state(reopened.state, expected)


def test_records_after_a_plans_closing_fold_into_the_parked_plan(
    closed_plans: Store, make_store: OpenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each of these records comes after another plan's closing: its plan is parked by then."""
    decoded: list[str] = []
    load = readmodel._Parked.load

    def spy(self: readmodel._Parked, plan_id: str) -> object:
        decoded.append(plan_id)
        return load(self, plan_id)

    monkeypatch.setattr(readmodel._Parked, "load", spy)
    store = closed_plans
    store.execute(lambda s: commands.reopen_plan(s, "P1", reason="Terug."))
    tail(store, "P1")
    note_on(store, "P2", "Na het afsluiten.")
    close(store, "P4")
    erase(store, "P3", reason="bewaartermijn")
    close(store, "P1")
    reopened = make_store()
    # The replay decoded each plan parked before its later records: none was kept whole.
    assert sorted(decoded) == ["P1", "P2", "P3"]
    # Decoded, a plan stays the state's; closed again (P1), it is parked again.
    assert parked(reopened.state) == {"P1", "P4"}
    expected = plain_fold(store)
    assert_same_state(reopened.state, expected)
    plans = reopened.state.plans
    assert plans["P1"].closed is not None and len(plans["P1"].notes) == len(
        expected.plans["P1"].notes
    )
    assert plans["P2"].notes[-1].text == "Na het afsluiten."
    assert plans["P3"].erased is not None


def test_a_plan_closed_again_right_after_its_reopening_keeps_its_last_closing(
    closed_plans: Store, make_store: OpenStore
) -> None:
    """P3 was closed last: reopened and closed again with no other closing between, its
    second closing record must be folded into it before it is parked."""
    store = closed_plans
    store.execute(lambda s: commands.reopen_plan(s, "P3", reason="Terug."))
    close(store, "P3")
    reopened = make_store()
    expected = plain_fold(store)
    assert reopened.state.plans["P3"].last == expected.plans["P3"].last
    assert reopened.state.plans["P3"].last.seq == store.state.seq
    assert_same_state(reopened.state, expected)


def test_a_command_on_a_parked_plan_after_the_open_changes_the_state_it_reads(
    closed_plans: Store, make_store: OpenStore
) -> None:
    reopened = make_store()
    assert "P2" in parked(reopened.state)
    reopened.execute(lambda s: commands.reopen_plan(s, "P2", reason="Terug."))
    tail(reopened, "P2")
    assert reopened.state.plans["P2"].closed is None
    assert_same_state(reopened.state, plain_fold(reopened))


def test_a_read_model_written_after_parking_takes_the_rows_and_opens_to_the_same_state(
    closed_plans: Store, cache: Path, make_store: OpenStore
) -> None:
    first = make_store(cache_dir=cache)  # replays, parks sealed rows, writes the read model
    assert parked(first.state) == {"P1", "P2", "P3"}  # written without decoding them
    model = readmodel.model_path(cache, first.log.path, first.log.header.log_id)
    assert SECRET.encode() not in model.read_bytes()
    again = make_store(cache_dir=cache)
    plans = again.state.plans
    assert isinstance(plans, readmodel.StoredPlans) and plans.head is not None
    assert_same_state(again.state, plain_fold(closed_plans))


@pytest.mark.parametrize("for_saving", [False, True], ids=["plain", "sealed"])
def test_erasing_a_parked_plan_leaves_nothing_readable(
    closed_plans: Store, make_store: OpenStore, cache: Path, for_saving: bool
) -> None:
    reopened = make_store(cache_dir=cache if for_saving else None)
    assert "P1" in parked(reopened.state)
    erase(reopened, "P1", reason="bewaartermijn")
    plan = reopened.state.plans["P1"]
    assert plan.erased is not None
    encoded = msgspec.msgpack.encode(plan)
    assert SECRET.encode() not in encoded and b"Lotte" not in encoded
    assert reopened.keys is not None and reopened.keys.cipher("P1") is None
    # Nothing of it is parked any more, sealed or not.
    source = reopened.state.plans._source  # type: ignore[attr-defined]
    assert source.row("P1") is None and "P1" not in source._rows
    later = make_store(cache_dir=cache if for_saving else None)
    assert later.state.plans["P1"].notes[-1].text == "[erased]"
    assert_same_state(later.state, plain_fold(later))


def test_a_closed_plan_whose_texts_cannot_be_sealed_stays_as_it_is(
    closed_plans: Store, make_store: OpenStore, cache: Path
) -> None:
    (closed_plans.path / "keys" / "P2.key").unlink()
    reopened = make_store(cache_dir=cache)
    assert parked(reopened.state) == {"P1", "P3"}
    assert_same_state(reopened.state, plain_fold(reopened))


def test_a_small_log_replayed_without_a_read_model_parks_nothing(
    closed_plans: Store, make_store: OpenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_size = (closed_plans.log.path).stat().st_size
    monkeypatch.setattr(readmodel, "PARK_ABOVE", log_size)
    assert type(make_store().state.plans) is dict
    monkeypatch.setattr(readmodel, "PARK_ABOVE", log_size - 1)
    assert parked(make_store().state) == {"P1", "P2", "P3"}
