"""Which plan-screen keys apply to the selected node, and why not: pure functions of the plan.

Whether a key applies is asked of the core itself, by running its command against
the current state with stand-in values and without writing anything, so the
footer and the refusal say exactly what the command would say.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from core import commands, planning
from core.commands import Rejected
from core.i18n import fmt_date, register, t
from core.projections import ActionState, CompetencyState, PlanState, RowState, StoreState
from tui.widgets.plan_tree import EVALUATIONS, JOB, PERSONAL

Check = Callable[[StoreState], object]


def add_under(plan: PlanState, node_id: str) -> str | None:
    """Where an own action goes: the selected row or competency, or the action's row."""
    node = plan.node(node_id)
    if isinstance(node, ActionState):
        return node.id.rsplit(".", 1)[0]
    if isinstance(node, (RowState, CompetencyState)):
        return node.id
    return None


def note_target(plan: PlanState, node_id: str) -> str:
    """What a note is about: the node, or the plan for a branch heading."""
    return plan.id if node_id in (JOB, PERSONAL, EVALUATIONS) else node_id


def _stand_in_due(plan: PlanState, actions: Sequence[ActionState], today: date) -> date:
    """A date from the start on that differs from every current planned date of `actions`."""
    dues = [a.due for a in actions if a.due is not None]
    return max([today, plan.start, *(d + timedelta(days=1) for d in dues)])


def checks(
    plan: PlanState, node_id: str, today: date, marked: Sequence[str] = ()
) -> dict[str, Check | str]:
    """Each key's command with stand-in values, or why it cannot apply to this node at all.

    With marked actions, `p` and `d` act on those (the first one stands in for all)."""
    found: dict[str, Check | str] = {}
    action = plan.action(node_id) if node_id != plan.id else None
    if action is None:
        for key in ("plan_date", "done", "reopen", "toggle_na", "mark"):
            found[key] = t("ui.plan.select_action")
        if node_id == plan.id or isinstance(plan.node(node_id), (RowState, CompetencyState)):
            due = _stand_in_due(plan, planning.open_actions(plan, node_id), today)
            found["plan_date"] = lambda s: planning.actions_to_plan(s, plan.id, node_id, due)
    else:
        pid, aid = plan.id, action.id
        # Any date from the start on, other than the current one, stands in for the typed one.
        due = max(today, plan.start)
        if due == action.due:
            due += timedelta(days=1)
        found["plan_date"] = lambda s: commands.plan_action(s, pid, aid, due=due)
        found["done"] = lambda s: commands.complete_action(s, pid, aid, on=today, today=today)
        found["reopen"] = lambda s: commands.reopen_action(s, pid, aid, reason="-")
        if action.dropped is not None:
            found["toggle_na"] = lambda s: commands.restore_action(s, pid, aid)
        else:
            found["toggle_na"] = lambda s: commands.drop_action(s, pid, aid, reason="-")
        if aid in marked:
            found["mark"] = lambda s: None
        elif planning.is_open(action):
            found["mark"] = found["plan_date"]
        else:
            found["mark"] = t("ui.bulk.not_open", node=aid)
    if marked and plan.action(marked[0]) is not None:
        first = plan.action(marked[0])
        assert first is not None
        due = _stand_in_due(plan, [first], today)
        found["plan_date"] = lambda s: commands.plan_action(s, plan.id, first.id, due=due)
        found["done"] = lambda s: commands.complete_action(
            s, plan.id, first.id, on=today, today=today
        )
    under = add_under(plan, node_id)
    found["add_action"] = (
        (lambda s: commands.add_action(s, plan.id, under, text="-"))
        if under
        else t("ui.plan.select_row")
    )
    found["schedule"] = lambda s: planning.propose_schedule(s.plan(plan.id), today)  # type: ignore[arg-type]
    target = note_target(plan, node_id)
    found["note"] = lambda s: commands.add_note(s, plan.id, target, text="-")
    if plan.closed is not None:
        closed = t(
            "err.plan_closed",
            plan=plan.id,
            outcome=t(f"outcome.{plan.closed.outcome}"),
            on=fmt_date(plan.closed.on),
        )
        found["evaluate"] = found["edit_plan"] = closed
    if plan.erased is not None:
        # Nothing of an erased plan changes any more; the core says so, with when and by whom.
        def erased(s: StoreState) -> object:
            return commands.edit_plan(s, plan.id)

        for key in CHANGING:
            found[key] = erased
    return found


CHANGING = (
    "plan_date",
    "done",
    "mark",
    "schedule",
    "reopen",
    "toggle_na",
    "add_action",
    "note",
    "evaluate",
    "sign_off",
    "edit_plan",
    "close_plan",
)
"""The keys that change the plan (every one refused once it is erased)."""


def refusal(
    state: StoreState,
    plan: PlanState,
    node_id: str,
    key: str,
    today: date,
    marked: Sequence[str] = (),
) -> str | None:
    """Why `key` would be refused for `node_id` right now, or None when it would work."""
    check = checks(plan, node_id, today, marked).get(key)
    if isinstance(check, str):
        return check
    if check is not None:
        try:
            check(state)
        except Rejected as exc:
            return exc.message()
    return None


def footer_keys(plan: PlanState, node_id: str, *, wide: bool, marking: bool = False) -> list[str]:
    """The keys that concern this node, the most important first, whether or not they can
    act right now (those that cannot are shown dimmed; pressing one says why). The
    footer leaves out the last ones when they do not fit; help and ctrl+p list them all."""
    node = plan.node(node_id) if node_id != plan.id else None
    more = ["find"] if wide else []
    if marking:
        return ["plan_date", "done", "mark", "back"]
    if isinstance(node, ActionState):
        keys = ["done", "plan_date", "reopen", "toggle_na", "back", "note", "history"]
        return [*keys, "mark", "add_action", *more]
    if isinstance(node, (RowState, CompetencyState)):
        return ["plan_date", "add_action", "form_table", "note", "back", "history", *more]
    if node_id == JOB:
        return ["add_action", "form_table", "progress", "note", "back", "history", *more]
    if node_id == plan.id:
        keys = ["evaluate", "sign_off", "export", "close_plan", "back", "edit_plan"]
        return [*keys, "progress", "note", "history", *more]
    return ["evaluate", "sign_off", "note", "back", "history", *more]


register(
    {
        "ui.plan.select_action": (
            "Select a training action first (like A1.1.1).",
            "Kies eerst een opleidingsactie (zoals A1.1.1).",
        ),
        "ui.plan.select_row": (
            "Select a row, a job competency or an action first.",
            "Kies eerst een rij, een jobcompetentie of een actie.",
        ),
    }
)
