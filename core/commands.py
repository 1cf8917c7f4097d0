"""The write side: one function per command, validating against the current state.

Each command takes the current `StoreState` first and returns the event to
append, or raises `Rejected` with a message for the user. Commands never write:
`Store.execute` runs them under the log's lock against the freshest state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from core import events as ev
from core.i18n import Term, fmt_date, fmt_time, register, t
from core.projections import (
    ActionState,
    CompetencyState,
    PlanState,
    RowState,
    Status,
    StoreState,
    action_status,
    covered,
    signed_already,
)

if TYPE_CHECKING:
    from catalog.schema import Profile

MIN_WEEKS = 4
MAX_WEEKS = 26
ROLES = ("mentor", "consultant", "trainee")
OUTCOMES = ("completed", "stopped")
MAX_TEXT = 10_000
MAX_FIELD = 200
EARLIEST_START = date(2000, 1, 1)
"""A plan starting before this is a typing mistake (a two-digit year, a wrong century)."""


class Rejected(Exception):
    """A command that does not apply to the current state; nothing was written."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, "en", **params))

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


# --- validation helpers ------------------------------------------------------------------


def _text(value: str, field: str, *, limit: int = MAX_TEXT) -> str:
    """Strip and check user text; it is otherwise stored exactly as typed.

    Control characters and markup are kept: showing them literally is the job
    of whatever displays the text (core.safe.visible, plain Text in the UI).
    """
    value = value.strip()
    if not value:
        raise Rejected("err.empty", field=Term(f"field.{field}"))
    if len(value) > limit:
        raise Rejected("err.too_long", field=Term(f"field.{field}"), limit=limit)
    return value


def _optional(value: str, field: str) -> str:
    value = value.strip()
    return _text(value, field, limit=MAX_FIELD) if value else ""


def _weeks(weeks: int) -> int:
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise Rejected("err.weeks", low=MIN_WEEKS, high=MAX_WEEKS, weeks=weeks)
    return weeks


def _start(start: date) -> date:
    if start < EARLIEST_START:
        raise Rejected(
            "err.start_too_early", start=fmt_date(start), earliest=fmt_date(EARLIEST_START)
        )
    return start


def _plan(state: StoreState, plan_id: str, *, open_only: bool = True) -> PlanState:
    plan = state.plan(plan_id)
    if plan is None:
        raise Rejected("err.unknown_plan", plan=plan_id)
    if plan.erased is not None:
        raise Rejected(
            "err.plan_erased",
            plan=plan.id,
            on=fmt_date(plan.erased.time.date()),
            actor=plan.erased.actor,
        )
    if open_only and plan.closed is not None:
        raise Rejected(
            "err.plan_closed",
            plan=plan.id,
            outcome=Term(f"outcome.{plan.closed.outcome}"),
            on=fmt_date(plan.closed.on),
        )
    return plan


def _action(plan: PlanState, action_id: str) -> ActionState:
    node = plan.node(action_id)
    if node is None:
        raise Rejected("err.unknown_node", plan=plan.id, node=action_id)
    if not isinstance(node, ActionState):
        raise Rejected("err.not_an_action", node=action_id)
    return node


def _who(action: ActionState) -> dict[str, str]:
    last = action.last
    if last is None:
        return {"actor": "?", "at": "?"}
    return {"actor": last.actor, "at": fmt_time(last.time)}


def _changeable(action: ActionState) -> None:
    """An action that is done or not applicable must be reopened/restored first."""
    if action.dropped is not None:
        raise Rejected("err.dropped", action=action.id, **_who(action))
    if action.done_on is not None:
        raise Rejected("err.done_reopen_first", action=action.id, **_who(action))


def _in_plan_period(plan: PlanState, on: date, today: date) -> date:
    if on < plan.start:
        raise Rejected("err.before_start", date=fmt_date(on), start=fmt_date(plan.start))
    if on > today:
        raise Rejected("err.in_future", date=fmt_date(on), today=fmt_date(today))
    return on


# --- plans ---------------------------------------------------------------------------------


def instantiate(profile: Profile) -> ev.PlanStructure:
    """A plan's own copy of a profile, with the stable ids A3, A3.2, A3.2.1 and B4."""
    job = [
        ev.CompetencySpec(
            id=f"A{ci}",
            title=comp.title,
            rows=[
                ev.RowSpec(
                    id=f"A{ci}.{ri}",
                    skills=list(row.skills),
                    actions=[
                        ev.ActionSpec(f"A{ci}.{ri}.{ai}", text)
                        for ai, text in enumerate(row.actions, 1)
                    ],
                )
                for ri, row in enumerate(comp.rows, 1)
            ],
        )
        for ci, comp in enumerate(profile.job, 1)
    ]
    personal = [
        ev.PersonalSpec(f"B{i}", p.name, p.description) for i, p in enumerate(profile.personal, 1)
    ]
    scale = [ev.LevelSpec(lv.key, lv.nl, lv.en, lv.acquired) for lv in profile.scale]
    return ev.PlanStructure(
        occupation=profile.id,
        occupation_version=profile.version,
        title=profile.title,
        description=profile.description,
        job=job,
        personal=personal,
        scale=scale,
    )


def next_plan_id(state: StoreState) -> str:
    return f"P{len(state.plans) + 1}"


def create_plan(
    state: StoreState,
    profile: Profile,
    *,
    trainee: str,
    start: date,
    weeks: int | None = None,
    contract: str = "",
    company: str = "",
    contact: str = "",
) -> ev.PlanCreated:
    return ev.PlanCreated(
        plan=next_plan_id(state),
        trainee=_text(trainee, "trainee", limit=MAX_FIELD),
        contract=_optional(contract, "contract"),
        company=_optional(company, "company"),
        contact=_optional(contact, "contact"),
        start=_start(start),
        weeks=_weeks(weeks if weeks is not None else profile.weeks or MAX_WEEKS),
        structure=instantiate(profile),
    )


def edit_plan(
    state: StoreState,
    plan_id: str,
    *,
    trainee: str | None = None,
    contract: str | None = None,
    company: str | None = None,
    contact: str | None = None,
    start: date | None = None,
    weeks: int | None = None,
) -> ev.PlanDetailsEdited:
    plan = _plan(state, plan_id)
    changes: dict[str, object] = {}
    if trainee is not None:
        changes["trainee"] = _text(trainee, "trainee", limit=MAX_FIELD)
    for name, value in (("contract", contract), ("company", company), ("contact", contact)):
        if value is not None:
            changes[name] = _optional(value, name)
    if weeks is not None:
        changes["weeks"] = _weeks(weeks)
    if start is not None:
        for action in plan.actions():
            if action.done_on is not None and action.done_on < start:
                raise Rejected(
                    "err.start_after_done",
                    start=fmt_date(start),
                    action=action.id,
                    on=fmt_date(action.done_on),
                )
        changes["start"] = _start(start)
    changes = {k: v for k, v in changes.items() if getattr(plan, k) != v}
    if not changes:
        raise Rejected("err.no_change")
    return ev.PlanDetailsEdited(plan=plan.id, **changes)  # type: ignore[arg-type]


def close_plan(
    state: StoreState, plan_id: str, *, outcome: str, on: date, today: date, reason: str = ""
) -> ev.PlanClosed:
    plan = _plan(state, plan_id)
    if outcome not in OUTCOMES:
        raise Rejected("err.unknown_outcome", outcome=outcome)
    _in_plan_period(plan, on, today)
    if outcome == "completed" and not reason.strip():
        left = [a for a in plan.actions() if a.dropped is None and a.done_on is None]
        if left:
            # "Completed" with work left is a judgement the file must explain.
            overdue = sum(1 for a in left if action_status(plan, a, today) is Status.OVERDUE)
            raise Rejected("err.close_needs_reason", plan=plan.id, open=len(left), overdue=overdue)
    return ev.PlanClosed(plan=plan.id, outcome=outcome, on=on, reason=reason.strip())


def reopen_plan(state: StoreState, plan_id: str, *, reason: str) -> ev.PlanReopened:
    plan = _plan(state, plan_id, open_only=False)
    if plan.closed is None:
        raise Rejected("err.plan_not_closed", plan=plan.id)
    return ev.PlanReopened(plan=plan.id, reason=_text(reason, "reason"))


# --- actions -------------------------------------------------------------------------------


def plan_action(state: StoreState, plan_id: str, action_id: str, *, due: date) -> ev.ActionPlanned:
    plan = _plan(state, plan_id)
    action = _action(plan, action_id)
    _changeable(action)
    if due < plan.start:
        raise Rejected("err.before_start", date=fmt_date(due), start=fmt_date(plan.start))
    if action.due == due:
        raise Rejected("err.same_due", action=action.id, due=fmt_date(due))
    return ev.ActionPlanned(plan=plan.id, action=action.id, due=due)


def complete_action(
    state: StoreState, plan_id: str, action_id: str, *, on: date, today: date
) -> ev.ActionCompleted:
    plan = _plan(state, plan_id)
    action = _action(plan, action_id)
    if action.done_on is not None:
        raise Rejected(
            "err.already_done", action=action.id, on=fmt_date(action.done_on), **_who(action)
        )
    if action.dropped is not None:
        raise Rejected("err.dropped", action=action.id, **_who(action))
    _in_plan_period(plan, on, today)
    return ev.ActionCompleted(plan=plan.id, action=action.id, on=on)


def reopen_action(
    state: StoreState, plan_id: str, action_id: str, *, reason: str
) -> ev.ActionReopened:
    plan = _plan(state, plan_id)
    action = _action(plan, action_id)
    if action.done_on is None:
        raise Rejected("err.not_done", action=action.id)
    return ev.ActionReopened(plan=plan.id, action=action.id, reason=_text(reason, "reason"))


def drop_action(
    state: StoreState, plan_id: str, action_id: str, *, reason: str
) -> ev.ActionDropped:
    plan = _plan(state, plan_id)
    action = _action(plan, action_id)
    _changeable(action)
    return ev.ActionDropped(plan=plan.id, action=action.id, reason=_text(reason, "reason"))


def restore_action(state: StoreState, plan_id: str, action_id: str) -> ev.ActionRestored:
    plan = _plan(state, plan_id)
    action = _action(plan, action_id)
    if action.dropped is None:
        raise Rejected("err.not_dropped", action=action.id)
    return ev.ActionRestored(plan=plan.id, action=action.id)


def add_action(state: StoreState, plan_id: str, under: str, *, text: str) -> ev.ActionAdded:
    """An own action under a row, or under a job competency (which opens a new row)."""
    plan = _plan(state, plan_id)
    node = plan.node(under)
    if node is None:
        raise Rejected("err.unknown_node", plan=plan.id, node=under)
    if isinstance(node, RowState):
        row_id = node.id
        existing = node.actions
    elif isinstance(node, CompetencyState):
        row_id = f"{node.id}.{_next_index(r.id for r in node.rows)}"
        existing = []
    else:
        raise Rejected("err.add_under", node=under)
    action_id = f"{row_id}.{_next_index(a.id for a in existing)}"
    return ev.ActionAdded(plan=plan.id, row=row_id, action=action_id, text=_text(text, "text"))


def _next_index(ids: object) -> int:
    return max((int(i.rsplit(".", 1)[1]) for i in ids), default=0) + 1  # type: ignore[attr-defined]


# --- notes, evaluations, sign-off ------------------------------------------------------------


def add_note(state: StoreState, plan_id: str, target: str, *, text: str) -> ev.NoteAdded:
    plan = _plan(state, plan_id)
    if target.upper() == plan.id:
        target_id = plan.id
    else:
        node = plan.node(target)
        if node is None:
            raise Rejected("err.unknown_node", plan=plan.id, node=target)
        target_id = node.id
    return ev.NoteAdded(plan=plan.id, target=target_id, text=_text(text, "note"))


def next_evaluation_id(plan: PlanState) -> str:
    return f"E{len(plan.evaluations) + 1}"


def competency_ids(plan: PlanState) -> list[str]:
    return [c.id for c in plan.competencies] + [p.id for p in plan.personal]


def record_evaluation(
    state: StoreState,
    plan_id: str,
    *,
    on: date,
    today: date,
    participants: Sequence[str],
    ratings: Sequence[ev.Rating],
    remark: str = "",
) -> ev.EvaluationRecorded:
    plan = _plan(state, plan_id)
    _in_plan_period(plan, on, today)
    people = [p.strip() for p in participants if p.strip()]
    if not people:
        raise Rejected("err.no_participants")
    for person in people:
        _text(person, "participant", limit=MAX_FIELD)
    if not ratings:
        raise Rejected("err.no_ratings")
    valid = set(competency_ids(plan))
    seen: set[str] = set()
    clean: list[ev.Rating] = []
    for rating in ratings:
        node = rating.competency.upper()
        if node not in valid:
            raise Rejected(
                "err.not_a_competency",
                node=rating.competency,
                job=len(plan.competencies),
                personal=len(plan.personal),
            )
        if node in seen:
            raise Rejected("err.duplicate_rating", node=node)
        seen.add(node)
        if plan.level(rating.level) is None:
            raise Rejected(
                "err.unknown_level",
                level=rating.level,
                levels=", ".join(lv.key for lv in plan.scale),
            )
        clean.append(ev.Rating(node, rating.level, rating.comment.strip()))
    return ev.EvaluationRecorded(
        plan=plan.id,
        evaluation=next_evaluation_id(plan),
        on=on,
        participants=people,
        ratings=clean,
        remark=remark.strip(),
    )


def sign_off(
    state: StoreState,
    plan_id: str,
    *,
    role: str,
    subject: str = "plan",
    remark: str = "",
    expect_seq: int | None = None,
) -> ev.SignedOff:
    """Acknowledge the plan (or one evaluation) exactly as it is now.

    With `expect_seq` (the version the signer was shown), a plan that changed in
    the meantime is refused: nobody signs a version they have not seen.
    """
    plan = _plan(state, plan_id, open_only=False)
    if role not in ROLES:
        raise Rejected("err.unknown_role", role=role)
    version = covered(plan, subject)
    if version is None:
        raise Rejected("err.unknown_evaluation", plan=plan.id, evaluation=subject)
    if expect_seq is not None and version.seq != expect_seq:
        raise Rejected("err.signoff_changed", seq=version.seq)
    done = signed_already(plan, version).get(role)
    if done is not None:
        raise Rejected(
            "err.already_signed",
            role=Term(f"role.{role}"),
            subject=version.subject,
            actor=done.actor,
            at=fmt_time(done.time),
        )
    return ev.SignedOff(
        plan=plan.id,
        role=role,
        subject=version.subject,
        covers_seq=version.seq,
        covers_hash=version.hash,
        remark=remark.strip(),
    )


register(
    {
        "err.plan_erased": (
            "Plan {plan} was erased on {on} by {actor}; it cannot be changed.",
            "Plan {plan} werd gewist op {on} door {actor}; het kan niet meer gewijzigd worden.",
        ),
        "err.close_needs_reason": (
            "Plan {plan} still has {open} open actions ({overdue} overdue): give a reason to "
            "close it as completed.",
            "Plan {plan} heeft nog {open} open acties ({overdue} te laat): geef een reden om "
            "het als afgerond af te sluiten.",
        ),
        "err.start_too_early": (
            "A plan cannot start on {start}: the earliest start is {earliest}.",
            "Een plan kan niet starten op {start}: de vroegste start is {earliest}.",
        ),
    }
)
