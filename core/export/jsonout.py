"""The plan as JSON: its full state in the stable schema documented in docs/EXPORT.md.

Fields are only ever added (with the old ones unchanged); anything else raises
SCHEMA_VERSION. Dates are ISO dates, times ISO 8601 in UTC with a Z.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, Protocol

from core import signoffs
from core.events import LevelSpec, PersonalSpec
from core.projections import (
    ActionState,
    Closure,
    Erasure,
    PersonalState,
    PlanState,
    RowState,
    SignOff,
    StoreState,
    acquired,
    signoff_current,
    summarize,
)
from core.safe import json_text

SCHEMA_VERSION = 1


def utc(value: datetime) -> str:
    """ISO 8601 in UTC with a Z (naive times are taken to be UTC already)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# The pieces below are shared with `leerpad plan show --json` (cli/cmd_plan.py), whose
# schema (README) differs from this one only where the pieces take a parameter.


class Touched(Protocol):
    """Anything recorded by a log record: a Touch, a note, an evaluation, a sign-off."""

    seq: int
    actor: str
    time: datetime


def touch_data(touch: Touched | None) -> dict[str, Any] | None:
    """Who changed something and when: {"seq", "actor", "time"}, or None."""
    if touch is None:
        return None
    return {"seq": touch.seq, "actor": touch.actor, "time": utc(touch.time)}


def action_data(
    action: ActionState, today: date, *, reason_key: str = "not_applicable"
) -> dict[str, Any]:
    """One training action; `reason_key` names the n/a reason (`plan show` says dropped_reason)."""
    return {
        "id": action.id,
        "text": action.text,
        "own": action.own,
        "status": action.status(today).value,
        "due": _date(action.due),
        "done_on": _date(action.done_on),
        reason_key: action.dropped,
        "last_change": touch_data(action.last),
    }


def row_data(row: RowState, today: date, *, reason_key: str = "not_applicable") -> dict[str, Any]:
    """A row of a job competency with its derived form columns and its actions."""
    return {
        "id": row.id,
        "own": row.own,
        "skills": list(row.skills),
        "due": _date(row.due),
        "done_on": _date(row.done_on),
        "actions": [action_data(a, today, reason_key=reason_key) for a in row.actions],
    }


def closed_data(closed: Closure | None) -> dict[str, Any] | None:
    if closed is None:
        return None
    return {
        "outcome": closed.outcome,
        "on": closed.on.isoformat(),
        "reason": closed.reason,
        "seq": closed.seq,
        "actor": closed.actor,
        "time": utc(closed.time),
    }


def erased_data(erased: Erasure | None) -> dict[str, Any] | None:
    """When and by whom a plan's personal texts were erased (None: they were not)."""
    if erased is None:
        return None
    return {
        "reason": erased.reason,
        "seq": erased.seq,
        "actor": erased.actor,
        "time": utc(erased.time),
    }


def personal_data(personal: Iterable[PersonalSpec | PersonalState]) -> list[dict[str, Any]]:
    """Personal competencies (of a plan, or of a catalog profile for `catalog show --json`)."""
    return [{"id": p.id, "name": p.name, "description": p.description} for p in personal]


def scale_data(scale: Iterable[LevelSpec]) -> list[dict[str, Any]]:
    """The evaluation scale (a plan's, or a catalog profile's)."""
    return [{"key": lv.key, "nl": lv.nl, "en": lv.en, "acquired": lv.acquired} for lv in scale]


def signoff_is_current(plan: PlanState, signoff: SignOff) -> bool:
    """A plan sign-off is current while the plan is unchanged; an evaluation is never changed
    once recorded, so its sign-off stays current."""
    return signoff_current(plan, signoff)


def plan_data(state: StoreState, plan: PlanState, *, today: date) -> dict[str, Any]:
    """The plan as plain JSON-ready data (dicts, lists, strings, numbers, booleans, None)."""
    summary = summarize(plan, today)
    verdicts = signoffs.verdicts(state, plan)
    return {
        "schema_version": SCHEMA_VERSION,
        "log": {"seq": state.seq, "hash": state.hash},
        "today": today.isoformat(),
        "plan": {
            "id": plan.id,
            "trainee": plan.trainee,
            "contract": plan.contract,
            "company": plan.company,
            "contact": plan.contact,
            "start": plan.start.isoformat(),
            "weeks": plan.weeks,
            "occupation": {
                "id": plan.occupation,
                "version": plan.occupation_version,
                "title": plan.title,
                "description": plan.description,
            },
            "version": {"seq": plan.version, "hash": plan.version_hash},
            "created": touch_data(plan.created),
            "last_change": touch_data(plan.last),
            "closed": closed_data(plan.closed),
            "erased": erased_data(plan.erased),
            "progress": {
                "done": summary.done,
                "total": summary.total,
                "percent": round(summary.percent, 1),
                "week": summary.week,
                "expected_percent": round(summary.expected, 1),
                "behind": summary.behind,
                "overdue": summary.overdue,
                "next_due": _date(summary.next_due),
            },
            "job": [
                {
                    "id": comp.id,
                    "title": comp.title,
                    "rows": [row_data(row, today) for row in comp.rows],
                }
                for comp in plan.competencies
            ],
            "personal": personal_data(plan.personal),
            "scale": scale_data(plan.scale),
            "notes": [
                {
                    "seq": n.seq,
                    "actor": n.actor,
                    "time": utc(n.time),
                    "target": n.target,
                    "text": n.text,
                }
                for n in plan.notes
            ],
            "evaluations": [
                {
                    "id": e.id,
                    "on": e.on.isoformat(),
                    "participants": list(e.participants),
                    "ratings": [
                        {
                            "competency": r.competency,
                            "level": r.level,
                            "acquired": bool((lv := plan.level(r.level)) and lv.acquired),
                            "comment": r.comment,
                        }
                        for r in e.ratings
                    ],
                    "remark": e.remark,
                    "seq": e.seq,
                    "hash": e.hash,
                    "actor": e.actor,
                    "time": utc(e.time),
                }
                for e in plan.evaluations
            ],
            "signoffs": [
                {
                    "role": s.role,
                    "subject": s.subject,
                    "covers_seq": s.covers_seq,
                    "covers_hash": s.covers_hash,
                    "current": signoff_is_current(plan, s),
                    "remark": s.remark,
                    "seq": s.seq,
                    "actor": s.actor,
                    "time": utc(s.time),
                    "signature": verdicts[s.seq].data(),
                }
                for s in plan.signoffs
            ],
            "acquired": acquired(plan),
        },
    }


def dumps(data: Any) -> str:
    """Stable JSON text: keys in the order built, two-space indent, UTF-8 as is, final newline."""
    return json_text(data) + "\n"


def render(state: StoreState, plan: PlanState, *, today: date) -> str:
    return dumps(plan_data(state, plan, today=today))


__all__ = [
    "SCHEMA_VERSION",
    "action_data",
    "closed_data",
    "dumps",
    "personal_data",
    "plan_data",
    "render",
    "row_data",
    "scale_data",
    "signoff_is_current",
    "touch_data",
    "utc",
]
