"""Selecting and shaping audit history entries, shared by `leerpad log` and the exports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from core.history import HistoryEntry


def _kind_matches(kind: str, wanted: str) -> bool:
    # "action" selects action.planned, action.completed, ...; "action.done" is not a prefix.
    return kind == wanted or kind.startswith(wanted.rstrip(".") + ".")


def filter_history(
    entries: Iterable[HistoryEntry],
    *,
    plan: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    text: str | None = None,
    lang: str | None = None,
) -> Iterator[HistoryEntry]:
    """The entries matching every filter given.

    plan: the plan id (any case); actor: the login name, exactly; kind: an event
    tag (plan.created) or its first part (action); text: a case-insensitive
    substring of the target, description (in `lang`), before, after or detail.
    """
    plan_id = plan.upper() if plan else None
    needle = text.casefold() if text else None
    for entry in entries:
        if plan_id is not None and entry.plan != plan_id:
            continue
        if actor is not None and entry.actor != actor:
            continue
        if kind is not None and not _kind_matches(entry.kind, kind):
            continue
        if needle is not None:
            haystack = " ".join(
                (entry.target, entry.describe(lang), entry.before, entry.after, entry.detail)
            )
            if needle not in haystack.casefold():
                continue
        yield entry


def entry_dict(entry: HistoryEntry, lang: str | None = None) -> dict[str, Any]:
    """One entry with stable keys (documented in the README under `leerpad log --json`)."""
    return {
        "seq": entry.seq,
        "time": entry.time,
        "actor": entry.actor,
        "plan": entry.plan,
        "kind": entry.kind,
        "target": entry.target,
        "description": entry.describe(lang),
        "before": entry.before,
        "after": entry.after,
        "detail": entry.detail,
    }
