"""Erasing a plan's personal data by destroying its key, and the retention rule choosing plans.

The erasure is an event (`plan.erased`, reason only) followed by the key's
destruction (core/store.py); the chain, dates, statuses and actors stay.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from core import events as ev
from core.commands import Rejected, _plan, _text
from core.i18n import fmt_date, register, t
from core.projections import PlanState, PlanSummary, StoreState, plan_digests
from core.storage import StoreError
from core.store import Store

if TYPE_CHECKING:
    from core.planview import PlanView

register(
    {
        "err.erase_open": (
            "Plan {plan} is still open: close it first, or confirm that it is to be erased "
            "while open.",
            "Plan {plan} is nog open: sluit het eerst af, of bevestig dat het gewist moet "
            "worden terwijl het open is.",
        ),
        "err.erase_not_sealed": (
            "This store keeps personal texts in plain text (a database store written before "
            "plan keys), so a plan cannot be erased here; nothing was written.",
            "Deze opslag bewaart persoonlijke teksten als leesbare tekst (een databaseopslag "
            "van voor de plansleutels), dus een plan kan hier niet gewist worden; er werd "
            "niets geschreven.",
        ),
        "err.access.erase": (
            "{actor} may not erase a plan: only an administrator may ({admins}).",
            "{actor} mag geen plan wissen: alleen een beheerder mag dat ({admins}).",
        ),
        "plan.erased_by": ("erased on {on} by {actor}", "gewist op {on} door {actor}"),
    }
)


def erase_plan(
    state: StoreState, plan_id: str, *, reason: str, force: bool = False
) -> ev.PlanErased:
    """The command: erase a closed plan (an open one only with `force`)."""
    plan = _plan(state, plan_id, open_only=False)  # unknown or already erased: refused
    reason = _text(reason, "reason")
    if plan.closed is None and not force:
        raise Rejected("err.erase_open", plan=plan.id)
    return ev.PlanErased(plan=plan.id, reason=reason)


def require_sealed(store: Store) -> None:
    """Refuse (StoreError) where personal texts are not sealed with plan keys: nothing to shred."""
    if store.keys is None:
        raise StoreError(t("err.erase_not_sealed"))


def erase(store: Store, plan_id: str, *, reason: str, force: bool = False) -> ev.Record:
    """Append the erasure of `plan_id` and destroy its key (Store.execute does the latter)."""
    require_sealed(store)
    return store.execute(lambda state: erase_plan(state, plan_id, reason=reason, force=force))


def due_for_erasure(state: StoreState, closed_before: date) -> list[PlanState]:
    """The plans a retention rule erases: closed before `closed_before`, not erased yet."""
    return [
        state.plans[d.id]  # decoded only when it qualifies
        for d in plan_digests(state)
        if d.erased is None and d.closed_on is not None and d.closed_on < closed_before
    ]


def erased_text(plan: PlanState | PlanSummary | PlanView) -> str | None:
    """'erased on 29/11/2026 by ann', or None for a plan that was not erased."""
    if plan.erased is None:
        return None
    return t("plan.erased_by", on=fmt_date(plan.erased.time.date()), actor=plan.erased.actor)
