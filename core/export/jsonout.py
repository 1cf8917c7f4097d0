"""The plan as JSON: its full state in the stable schema documented in docs/EXPORT.md.

Fields are only ever added (with the old ones unchanged); anything else raises
SCHEMA_VERSION. Dates are ISO dates, times ISO 8601 in UTC with a Z.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from core.projections import (
    ActionState,
    PlanState,
    StoreState,
    Touch,
    acquired,
    signoff_current,
    summarize,
)

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


def _touch(touch: Touch | None) -> dict[str, Any] | None:
    if touch is None:
        return None
    return {"seq": touch.seq, "actor": touch.actor, "time": utc(touch.time)}


def _action(action: ActionState, today: date) -> dict[str, Any]:
    return {
        "id": action.id,
        "text": action.text,
        "own": action.own,
        "status": action.status(today).value,
        "due": _date(action.due),
        "done_on": _date(action.done_on),
        "not_applicable": action.dropped,
        "last_change": _touch(action.last),
    }


def plan_data(state: StoreState, plan: PlanState, *, today: date) -> dict[str, Any]:
    """The plan as plain JSON-ready data (dicts, lists, strings, numbers, booleans, None)."""
    summary = summarize(plan, today)
    closed = plan.closed
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
            "created": _touch(plan.created),
            "last_change": _touch(plan.last),
            "closed": None
            if closed is None
            else {
                "outcome": closed.outcome,
                "on": closed.on.isoformat(),
                "reason": closed.reason,
                "seq": closed.seq,
                "actor": closed.actor,
                "time": utc(closed.time),
            },
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
                    "rows": [
                        {
                            "id": row.id,
                            "own": row.own,
                            "skills": list(row.skills),
                            "due": _date(row.due),
                            "done_on": _date(row.done_on),
                            "actions": [_action(a, today) for a in row.actions],
                        }
                        for row in comp.rows
                    ],
                }
                for comp in plan.competencies
            ],
            "personal": [
                {"id": p.id, "name": p.name, "description": p.description} for p in plan.personal
            ],
            "scale": [
                {"key": lv.key, "nl": lv.nl, "en": lv.en, "acquired": lv.acquired}
                for lv in plan.scale
            ],
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
                    "current": signoff_current(plan, s)
                    if s.subject == "plan"
                    else plan.evaluation(s.subject) is not None,
                    "remark": s.remark,
                    "seq": s.seq,
                    "actor": s.actor,
                    "time": utc(s.time),
                }
                for s in plan.signoffs
            ],
            "acquired": acquired(plan),
        },
    }


def dumps(data: Any) -> str:
    """Stable JSON text: keys in the order built, two-space indent, UTF-8 as is, final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(state: StoreState, plan: PlanState, *, today: date) -> str:
    return dumps(plan_data(state, plan, today=today))


__all__ = ["SCHEMA_VERSION", "dumps", "plan_data", "render", "utc"]
