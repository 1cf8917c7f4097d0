"""The audit history: one entry per record, with what it changed from and to.

An entry is computed from the state just before its record is folded, which
is where the "before" values come from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import msgspec

from core import events as ev
from core.i18n import fmt_date, t
from core.projections import ActionState, StoreState, apply, apply_unknown


class HistoryEntry(msgspec.Struct, frozen=True):
    seq: int
    time: datetime
    actor: str
    plan: str
    kind: str
    """The event's type tag (plan.created, action.completed, ...)."""
    target: str
    """The node the change is about: an action, row, competency, evaluation or the plan."""
    before: str
    after: str
    detail: str
    """Free text the change carried: a reason, a note, a remark."""
    params: tuple[tuple[str, str], ...] = ()

    def concerns(self, plan: str, node_id: str) -> bool:
        """Whether the change is about `node_id` of `plan` or below it (A1 covers A1.2.1)."""
        if self.plan != plan:
            return False
        return node_id == plan or self.target == node_id or self.target.startswith(f"{node_id}.")

    def describe(self, lang: str | None = None) -> str:
        """A one-line description in `lang`."""
        key = "hist.unknown" if self.kind.startswith("?") else f"hist.{self.kind}"
        if self.kind == "action.planned" and self.before not in ("", "-"):
            key = "hist.action.replanned"
        params = dict(self.params)
        if "role" in params:
            params["role"] = t(f"role.{params['role']}", lang)
        if "outcome" in params:
            params["outcome"] = t(f"outcome.{params['outcome']}", lang)
        return t(key, lang, target=self.target, type=self.kind.lstrip("?"), **params)


def _status_word(action: ActionState | None) -> str:
    if action is None:
        return "-"
    if action.dropped is not None:
        return t("status.na")
    if action.done_on is not None:
        return f"{t('status.done')} {fmt_date(action.done_on)}"
    if action.due is not None:
        return f"{t('status.planned')} {fmt_date(action.due)}"
    return t("status.open")


NEEDS_NO_STATE = frozenset(
    kind.__struct_config__.tag
    for kind in (
        ev.PlanCreated,
        ev.ActionAdded,
        ev.NoteAdded,
        ev.EvaluationRecorded,
        ev.SignedOff,
        ev.PlanClosed,
        ev.PlanErased,
        ev.AccessGranted,
        ev.AccessRevoked,
        ev.StoreCopied,
    )
)
"""Kinds whose entry `entry_for` takes from the record alone, reading nothing of the state
before it: such an entry needs no earlier record (`entry_alone`)."""


def entry_for(state: StoreState, record: ev.Record) -> HistoryEntry:
    """Describe `record` against the state just before it (see NEEDS_NO_STATE)."""
    e = record.event
    plan = state.plans.get(e.plan)
    before = after = detail = ""
    target = e.plan
    params: dict[str, str] = {}
    match e:
        case ev.PlanCreated():
            params = {"trainee": e.trainee, "occupation": e.structure.title}
            after = f"{e.trainee}, {fmt_date(e.start)}, {t('hist.weeks', weeks=e.weeks)}"
        case ev.PlanDetailsEdited():
            old, new = [], []
            for name in ("trainee", "contract", "company", "contact", "start", "weeks"):
                value = getattr(e, name)
                if value is None:
                    continue
                was = getattr(plan, name) if plan else None
                label = t(f"field.{name}")
                old.append(f"{label}: {_show(was)}")
                new.append(f"{label}: {_show(value)}")
            before, after = "; ".join(old), "; ".join(new)
        case ev.ActionPlanned():
            target = e.action
            action = plan.action(e.action) if plan else None
            before = fmt_date(action.due) if action and action.due else "-"
            after = fmt_date(e.due)
        case ev.ActionCompleted():
            target = e.action
            before = _status_word(plan.action(e.action) if plan else None)
            after = f"{t('status.done')} {fmt_date(e.on)}"
        case ev.ActionReopened():
            target = e.action
            action = plan.action(e.action) if plan else None
            before = _status_word(action)
            after = _status_word(ActionState(e.action, "", due=action.due if action else None))
            detail = e.reason
        case ev.ActionDropped():
            target = e.action
            before = _status_word(plan.action(e.action) if plan else None)
            after = t("status.na")
            detail = e.reason
        case ev.ActionRestored():
            target = e.action
            before = t("status.na")
            action = plan.action(e.action) if plan else None
            if action is not None:
                restored = ActionState(
                    action.id, action.text, due=action.due, done_on=action.done_on
                )
                after = _status_word(restored)
        case ev.ActionAdded():
            target = e.action
            after = e.text
        case ev.NoteAdded():
            target = e.target
            detail = e.text
        case ev.EvaluationRecorded():
            target = e.evaluation
            after = ", ".join(f"{r.competency}: {r.level}" for r in e.ratings)
            detail = e.remark
        case ev.SignedOff():
            target = e.subject if e.subject != "plan" else e.plan
            params = {"role": e.role}
            after = t("hist.version", seq=e.covers_seq)
            detail = e.remark
        case ev.PlanClosed():
            params = {"outcome": e.outcome}
            before = t("status.open")
            after = f"{t(f'outcome.{e.outcome}')} {fmt_date(e.on)}"
            detail = e.reason
        case ev.PlanReopened():
            before = t(f"outcome.{plan.closed.outcome}") if plan and plan.closed else "-"
            after = t("status.open")
            detail = e.reason
        case ev.AccessGranted() | ev.AccessRevoked():
            target = e.login
            scope = t("hist.all_plans") if e.all_plans else ", ".join(e.plans)
            params = {"role": e.role, "scope": f" ({scope})" if scope else ""}
            if isinstance(e, ev.AccessGranted):
                after = scope
            else:
                before = scope
        case ev.PlanErased():
            after = t("plan.erased_text")
            detail = e.reason
        case ev.StoreCopied():
            target = e.source
            params = {"records": str(e.records)}
            after = e.last_hash
    return HistoryEntry(
        seq=record.seq,
        time=record.time,
        actor=record.actor,
        plan=e.plan,
        kind=ev.event_tag(e),
        target=target,
        before=before,
        after=after,
        detail=detail,
        params=tuple(params.items()),
    )


def _show(value: object) -> str:
    if value is None or value == "":
        return "-"
    if hasattr(value, "strftime"):
        return fmt_date(value)  # type: ignore[arg-type]
    return str(value)


class Unknown(msgspec.Struct, frozen=True):
    """A record of an event type this version does not know."""

    seq: int
    id: str
    time: datetime
    actor: str
    type: str
    hash: str


def entry_alone(item: ev.Record | Unknown) -> HistoryEntry:
    """The entry of a record of a kind in NEEDS_NO_STATE, from the record alone."""
    if isinstance(item, Unknown):
        return _unknown_entry(item)
    return entry_for(StoreState(), item)


def _unknown_entry(item: Unknown) -> HistoryEntry:
    return HistoryEntry(item.seq, item.time, item.actor, "", f"?{item.type}", "", "", "", "")


def fold_with_history(
    items: Iterable[tuple[ev.Record | Unknown, str]],
) -> Iterator[HistoryEntry]:
    """Fold (record, hash) pairs from the start, yielding each record's history entry."""
    state = StoreState()
    for item, record_hash in items:
        if isinstance(item, Unknown):
            apply_unknown(state, item.seq, item.id, record_hash)
            yield _unknown_entry(item)
            continue
        entry = entry_for(state, item)
        apply(state, item, record_hash)
        yield entry
