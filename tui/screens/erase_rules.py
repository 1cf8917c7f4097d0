"""Whether the user may erase a plan now: asked of every screen's footer, so kept apart from
the erasure form (and the form widgets it imports) that only the key itself needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.commands import Rejected
from core.erasure import erase_plan, require_sealed
from core.i18n import register
from core.storage import StoreError

if TYPE_CHECKING:
    from core.store import Store


def refusal(store: Store, plan_id: str) -> str | None:
    """Why this user cannot erase `plan_id` now (None: they can), as the core says it: a store
    without plan keys, an unknown or erased plan, or a user who is not an administrator."""
    state = store.state
    try:
        require_sealed(store)
        event = erase_plan(state, plan_id, reason="-", force=True)
        if store.authorize is not None:
            store.authorize(state, store.actor, event)
    except Rejected as exc:
        return exc.message()
    except StoreError as exc:
        return str(exc)
    return None


# The key's own words: every screen with E shows them, before the form is ever imported.
register(
    {
        "ui.key.erase_plan": ("Erase", "Wissen"),
        "ui.key.erase_plan.tip": (
            "Erase the plan's personal data for good (an administrator, with roles on)",
            "Wis de persoonsgegevens van het plan voorgoed (een beheerder, als er rollen zijn)",
        ),
    }
)
