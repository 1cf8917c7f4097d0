"""Planning many actions at once: the open actions under a node, a schedule proposal, the agenda.

Pure reads of the state. Writing stays one `commands.plan_action` (or
`complete_action`) per action, so every date in the log is an ordinary event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

import msgspec

from core import access, commands
from core.commands import Rejected
from core.i18n import Term, fmt_date, register
from core.projections import (
    ActionState,
    CompetencyState,
    PlanState,
    RowState,
    Status,
    StoreState,
    action_status,
    has_deadlines,
    plan_digests,
    plan_end,
)

DEFAULT_AGENDA_DAYS = 14

DUE = (Status.PLANNED, Status.OVERDUE)
"""The statuses of an action the agenda lists once its date is near."""


def _node_actions(plan: PlanState, node_id: str) -> list[ActionState]:
    """Every action under a node (the plan, a competency, a row) or the action itself."""
    if node_id.upper() == plan.id:
        return list(plan.actions())
    node = plan.node(node_id)
    if isinstance(node, ActionState):
        return [node]
    if isinstance(node, RowState):
        return list(node.actions)
    if isinstance(node, CompetencyState):
        return list(node.actions())
    if node is None:
        raise Rejected("err.unknown_node", plan=plan.id, node=node_id)
    raise Rejected("err.plan_under", node=node_id)


def is_open(action: ActionState) -> bool:
    """Applicable and not done: what can still get a planned date or be completed."""
    return action.dropped is None and action.done_on is None


def open_actions(plan: PlanState, node_id: str) -> list[ActionState]:
    return [a for a in _node_actions(plan, node_id) if is_open(a)]


def actions_to_plan(state: StoreState, plan_id: str, node_id: str, due: date) -> list[str]:
    """The open actions under `node_id` that `due` would change, in form order.

    Refused (like `plan_action`) when the plan is closed, the node unknown, the
    date before the start, or nothing under the node would change.
    """
    plan = state.plan(plan_id)
    if plan is None:
        raise Rejected("err.unknown_plan", plan=plan_id)
    found = [a.id for a in open_actions(plan, node_id) if a.due != due]
    if not found:
        raise Rejected("err.nothing_to_plan", node=node_id.upper(), due=fmt_date(due))
    # The first one decides closed plan, start date and the rest, exactly as one `p` would.
    commands.plan_action(state, plan_id, found[0], due=due)
    return found


def actions_to_complete(state: StoreState, plan_id: str, action_ids: Iterable[str]) -> list[str]:
    """The actions among `action_ids` that are still open (done or dropped ones are skipped)."""
    plan = state.plan(plan_id)
    if plan is None:
        raise Rejected("err.unknown_plan", plan=plan_id)
    return [a for a in action_ids if (action := plan.action(a)) is not None and is_open(action)]


# --- the schedule proposal -------------------------------------------------------------------


class Proposed(msgspec.Struct, frozen=True):
    """One open action in the proposal: its date, and whether it was already planned."""

    action: str
    text: str
    due: date
    kept: bool


def propose_schedule(plan: PlanState, today: date, start: date | None = None) -> list[Proposed]:
    """Spread the unplanned open actions over the plan's remaining weeks, in form order.

    Planned dates stay. The weeks run from `start` (default today, never before the
    plan's start) to the plan's end; each gets an equal share, the earlier weeks
    the extra ones, and an action is due on the fifth day of its week (a Friday when
    the weeks start on a Monday), never past the end.
    """
    end = plan_end(plan)
    begin = max(start or today, plan.start)
    if plan.closed is not None:
        raise Rejected(
            "err.plan_closed",
            plan=plan.id,
            outcome=Term(f"outcome.{plan.closed.outcome}"),
            on=fmt_date(plan.closed.on),
        )
    if begin > end:
        raise Rejected("err.schedule_over", plan=plan.id, end=fmt_date(end), start=fmt_date(begin))
    actions = [a for a in plan.actions() if is_open(a)]
    unplanned = [a for a in actions if a.due is None]
    weeks = (end - begin).days // 7 + 1
    proposed: dict[str, date] = {}
    for i, action in enumerate(unplanned):
        week = i * weeks // len(unplanned)
        proposed[action.id] = min(end, begin + timedelta(days=7 * week + 4))
    return [
        Proposed(a.id, a.text, a.due, True)
        if a.due is not None
        else Proposed(a.id, a.text, proposed[a.id], False)
        for a in actions
    ]


# --- the agenda --------------------------------------------------------------------------------


class AgendaItem(msgspec.Struct, frozen=True):
    """An open action that is overdue or due soon."""

    due: date
    plan: str
    trainee: str
    action: str
    text: str
    overdue: bool


def agenda(
    state: StoreState,
    actor: str,
    today: date,
    *,
    days: int = DEFAULT_AGENDA_DAYS,
    mine: bool = False,
) -> list[AgendaItem]:
    """Overdue actions and those due within `days`, by date then plan, over the plans `actor`
    may read that still have deadlines (`projections.has_deadlines`); with `mine`, only
    the plans `actor` follows as mentor or consultant."""
    if days < 0:
        raise Rejected("err.agenda_days", days=days)
    horizon = today + timedelta(days=days)
    keep: Callable[[str], bool] = (
        (lambda p: access.follows(state, actor, p)) if mine else (lambda p: True)
    )
    found: list[AgendaItem] = []
    # The digests say which plans have an open action due by then: only those are decoded.
    # A plan without deadlines (closed, erased) has nothing overdue or due.
    for d in plan_digests(state):
        deadlines = has_deadlines(closed=d.closed is not None, erased=d.erased is not None)
        if not deadlines or not d.dues or d.dues[0] > horizon:
            continue
        if not access.can_read(state, actor, d.id) or not keep(d.id):
            continue
        plan = state.plans[d.id]
        for action in plan.actions():
            status = action_status(plan, action, today)
            if status in DUE and action.due is not None and action.due <= horizon:
                found.append(
                    AgendaItem(
                        action.due,
                        plan.id,
                        plan.trainee,
                        action.id,
                        action.text,
                        status is Status.OVERDUE,
                    )
                )
    found.sort(key=lambda item: (item.due, _plan_number(item.plan), item.action))
    return found


def _plan_number(plan_id: str) -> int:
    digits = plan_id[1:]
    return int(digits) if digits.isdigit() else 0


register(
    {
        "err.plan_under": (
            "{node} has no training actions to plan: select the plan, a competency, a row "
            "or an action.",
            "{node} heeft geen opleidingsacties om te plannen: kies het plan, een "
            "competentie, een rij of een actie.",
        ),
        "err.nothing_to_plan": (
            "Nothing to plan under {node}: every action is done, not applicable or already "
            "planned for {due}.",
            "Niets te plannen onder {node}: elke actie is afgewerkt, niet van toepassing of al "
            "gepland op {due}.",
        ),
        "err.schedule_over": (
            "Plan {plan} ends on {end}: nothing left to schedule from {start}.",
            "Plan {plan} eindigt op {end}: vanaf {start} valt er niets meer te plannen.",
        ),
        "warn.after_end": (
            "{date} is after the plan's end ({end}).",
            "{date} valt na het einde van het plan ({end}).",
        ),
        "err.agenda_days": (
            "The number of days cannot be negative ({days}).",
            "Het aantal dagen kan niet negatief zijn ({days}).",
        ),
    }
)
