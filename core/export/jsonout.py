"""The plan as JSON: its full state in the stable schema documented in docs/EXPORT.md.

Fields are only ever added (with the old ones unchanged); anything else raises
SCHEMA_VERSION. Dates are ISO dates, times ISO 8601 in UTC with a Z.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, Protocol

from core import planview, signoffs
from core.events import LevelSpec, PersonalSpec
from core.planview import ActionView, ClosureView, PersonalView, PlanView, RowView
from core.projections import Erasure, PlanState, StoreState
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


def action_data(action: ActionView, *, reason_key: str = "not_applicable") -> dict[str, Any]:
    """One training action; `reason_key` names the n/a reason (`plan show` says dropped_reason)."""
    return {
        "id": action.id,
        "text": action.text,
        "own": action.own,
        "status": action.status.value,
        "due": _date(action.due),
        "done_on": _date(action.done_on),
        reason_key: action.dropped,
        "last_change": touch_data(action.last),
    }


def row_data(row: RowView, *, reason_key: str = "not_applicable") -> dict[str, Any]:
    """A row of a job competency with its derived form columns and its actions."""
    return {
        "id": row.id,
        "own": row.own,
        "skills": list(row.skills),
        "due": _date(row.due),
        "done_on": _date(row.done_on),
        "actions": [action_data(a, reason_key=reason_key) for a in row.actions],
    }


def closed_data(closed: ClosureView | None) -> dict[str, Any] | None:
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


def personal_data(personal: Iterable[PersonalSpec | PersonalView]) -> list[dict[str, Any]]:
    """Personal competencies (of a plan, or of a catalog profile for `catalog show --json`)."""
    return [{"id": p.id, "name": p.name, "description": p.description} for p in personal]


def scale_data(scale: Iterable[LevelSpec]) -> list[dict[str, Any]]:
    """The evaluation scale (a plan's, or a catalog profile's)."""
    return [{"key": lv.key, "nl": lv.nl, "en": lv.en, "acquired": lv.acquired} for lv in scale]


def plan_data(state: StoreState, plan: PlanState, *, today: date) -> dict[str, Any]:
    """The plan as plain JSON-ready data (dicts, lists, strings, numbers, booleans, None)."""
    return view_data(state, planview.build(plan, today), signoffs.verdicts(state, plan))


def view_data(
    state: StoreState, view: PlanView, verdicts: dict[int, signoffs.Verdict]
) -> dict[str, Any]:
    """`plan_data` of a plan's view; `verdicts` are its sign-offs' signature verdicts, by seq."""
    summary = view.summary
    return {
        "schema_version": SCHEMA_VERSION,
        "log": {"seq": state.seq, "hash": state.hash},
        "today": view.today.isoformat(),
        "plan": {
            "id": view.id,
            "trainee": view.trainee,
            "contract": view.contract,
            "company": view.company,
            "contact": view.contact,
            "start": view.start.isoformat(),
            "weeks": view.weeks,
            "occupation": {
                "id": view.occupation,
                "version": view.occupation_version,
                "title": view.title,
                "description": view.description,
            },
            "version": {"seq": view.version, "hash": view.version_hash},
            "created": touch_data(view.created),
            "last_change": touch_data(view.last),
            "closed": closed_data(view.closed),
            "erased": erased_data(view.erased),
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
                    "rows": [row_data(row) for row in comp.rows],
                }
                for comp in view.competencies
            ],
            "personal": personal_data(view.personal),
            "scale": scale_data(view.scale),
            "notes": [
                {
                    "seq": n.seq,
                    "actor": n.actor,
                    "time": utc(n.time),
                    "target": n.target,
                    "text": n.text,
                }
                for n in view.notes
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
                            "acquired": r.acquired,
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
                for e in view.evaluations
            ],
            "signoffs": [
                {
                    "role": s.role,
                    "subject": s.subject,
                    "covers_seq": s.covers_seq,
                    "covers_hash": s.covers_hash,
                    "current": s.current,
                    "remark": s.remark,
                    "seq": s.seq,
                    "actor": s.actor,
                    "time": utc(s.time),
                    "signature": verdicts[s.seq].data(),
                }
                for s in view.signoffs
            ],
            "acquired": view.acquired,
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
    "touch_data",
    "utc",
    "view_data",
]
