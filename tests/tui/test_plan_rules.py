"""Which plan-screen keys apply to a node, decided by the core's own commands (no UI needed)."""

from __future__ import annotations

from tui_support import TODAY

from core import commands
from tui.screens import plan_rules as rules


def test_refusals_are_the_core_messages(open_store):
    state = open_store.state
    plan = state.plan("P1")
    assert rules.refusal(state, plan, "A1.1.4", "done", TODAY) is None
    assert "A1.1.4 is not done" in rules.refusal(state, plan, "A1.1.4", "reopen", TODAY)
    assert "already done" in rules.refusal(state, plan, "A1.1.1", "done", TODAY)
    assert "restore it first" in rules.refusal(state, plan, "A1.1.5", "plan_date", TODAY)
    assert rules.refusal(state, plan, "A1.1.5", "toggle_na", TODAY) is None  # restores
    assert "training action" in rules.refusal(state, plan, "A1", "done", TODAY)
    assert rules.refusal(state, plan, "A1", "add_action", TODAY) is None
    assert "row" in rules.refusal(state, plan, "B1", "add_action", TODAY)


def test_a_closed_plan_refuses_changes(open_store):
    state = open_store.state
    plan = state.plan("P3")
    assert "closed" in rules.refusal(state, plan, "A1.1.2", "done", TODAY)
    assert "closed" in rules.refusal(state, plan, "P3", "edit_plan", TODAY)


def test_a_planned_date_stand_in_never_hides_a_valid_plan(open_store):
    # An action planned for the stand-in date itself must still be re-plannable.
    open_store.execute(lambda s: commands.plan_action(s, "P2", "A1.2.1", due=TODAY))
    plan = open_store.state.plan("P2")
    assert rules.refusal(open_store.state, plan, "A1.2.1", "plan_date", TODAY) is None


def test_footer_keys_follow_the_node(open_store):
    plan = open_store.state.plan("P1")
    # A done action and an open one offer the same keys (those that cannot act are dimmed).
    done, open_ = (
        rules.footer_keys(plan, "A1.1.1", wide=False),
        rules.footer_keys(plan, "A1.1.4", wide=False),
    )
    assert done == open_ and done[:5] == ["done", "plan_date", "reopen", "toggle_na", "back"]
    assert {"export", "close_plan", "back"} <= set(rules.footer_keys(plan, "P1", wide=False))
    assert "find" in rules.footer_keys(plan, "P1", wide=True)
    assert rules.note_target(plan, "#B") == "P1"
    assert rules.add_under(plan, "A1.2.1") == "A1.2"
