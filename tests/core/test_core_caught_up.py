"""A command hands back the records of others it folded on the way, refused or not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from test_core_commands import TODAY, done

from core import commands as c
from core import events as ev
from core.commands import Rejected
from core.store import Store


def test_execute_hands_back_what_others_appended_before_it(
    plan_store: Store, make_store: Callable[..., Store]
) -> None:
    other = make_store()
    first = other.execute(lambda s: c.plan_action(s, "P1", "A1.1.1", due=date(2026, 12, 4)))
    second = other.execute(done("P1", "A1.1.2"))
    caught: list[ev.Record] = []
    mine = plan_store.execute(done("P1", "A2.1.1"), caught_up=caught)
    assert [r.seq for r in caught] == [first.seq, second.seq]
    assert [r.event for r in caught] == [first.event, second.event]
    assert mine.seq == second.seq + 1
    # Nothing new since: nothing handed back.
    again: list[ev.Record] = []
    plan_store.execute(done("P1", "A2.1.2"), caught_up=again)
    assert again == []


def test_a_refused_command_still_hands_back_what_it_folded(
    plan_store: Store, make_store: Callable[..., Store]
) -> None:
    other = make_store()
    landed = other.execute(done("P1", "A1.1.1"))
    caught: list[ev.Record] = []
    with pytest.raises(Rejected):
        plan_store.execute(
            lambda s: c.complete_action(s, "P1", "A1.1.1", on=TODAY, today=TODAY),
            caught_up=caught,
        )
    assert [r.id for r in caught] == [landed.id]
    assert plan_store.state.seq == landed.seq
