"""What the dashboard and plan screens share: keys that explain why they do nothing.

A key that cannot act right now (a read-only store, no action selected, an old
version on screen) is shown dimmed in the footer, yet still runs, so that
pressing it says why rather than doing nothing in silence. The footer keeps the
most important keys of the screen that fit on its one line; help (?) and the
command palette (ctrl+p) list every key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual.screen import Screen

from core import commands
from core.i18n import register, t

if TYPE_CHECKING:
    from textual.binding import ActiveBinding

    from tui.app import LeerpadApp


PALETTE_CELLS = 14
"""What the footer keeps on its right for the command palette (▏^p actions)."""


class LeerpadScreen(Screen[None]):
    _stale: set[object]

    def __init__(self) -> None:
        super().__init__()
        self._stale = set()

    GUARDED: ClassVar[frozenset[str]] = frozenset()
    """Actions that change the store: they are refused (with the reason) when it is read-only."""

    @property
    def leerpad(self) -> LeerpadApp:
        return self.app  # type: ignore[return-value]

    def why_not(self, action: str) -> str | None:
        """Why `action` cannot run now, in the user's language, or None when it can."""
        if action in self.GUARDED and self.leerpad.read_only:
            return t("ui.read_only_key", reason=self.leerpad.read_only)
        return None

    def allowed(self, action: str) -> bool:
        """True when `action` may run; otherwise tell the user why not."""
        reason = self.why_not(action)
        if reason is None:
            return True
        self.notify(reason, severity="warning", markup=False)
        return False

    def footer_actions(self) -> Sequence[str] | None:
        """The actions of this screen worth a place in the footer now, the most important
        first (None: all of them). Those that cannot act are shown too, dimmed.

        At 80 columns not every key fits: the least important are left out; they
        still work and are listed in help (?) and the command palette (ctrl+p).
        """
        return None

    def all_active_bindings(self) -> dict[str, ActiveBinding]:
        """Every key that works here, with those `why_not` refuses marked disabled."""
        bindings = super().active_bindings
        for key, active in bindings.items():
            if active.enabled and active.node is self and self.why_not(active.binding.action):
                bindings[key] = active._replace(enabled=False)
        return bindings

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """What the footer shows: refused keys dimmed (check_action still lets them run and
        explain), keys that do not concern the selection left out."""
        bindings = self.all_active_bindings()
        keep = self.footer_actions()
        if keep is None:
            return bindings
        rank = {action: i for i, action in enumerate(keep)}
        shown = {
            key: active
            for key, active in bindings.items()
            if active.node is not self or active.binding.action in rank
        }
        return self._fit(shown, rank)

    def on_resize(self) -> None:
        # How many keys fit in the footer depends on the width.
        self.refresh_bindings()

    def _fit(
        self, shown: dict[str, ActiveBinding], rank: dict[str, int]
    ) -> dict[str, ActiveBinding]:
        """Leave out the least important keys until the rest fit on the footer's line.

        Keys of the app (? Help) rank right after the screen's `back`."""
        after_back = rank.get("back", len(rank)) + 0.5

        def importance(active: ActiveBinding) -> float:
            if active.node is not self:
                return after_back
            return rank.get(active.binding.action, len(rank))

        def cells(active: ActiveBinding) -> int:
            binding = active.binding
            return cell_len(self.app.get_key_display(binding)) + cell_len(binding.description) + 2

        visible = [key for key, active in shown.items() if active.binding.show]
        room = self.size.width - PALETTE_CELLS
        used = sum(cells(shown[key]) for key in visible)
        for key in sorted(visible, key=lambda k: importance(shown[k]), reverse=True):
            if used <= room:
                break
            used -= cells(shown.pop(key))
        return shown

    def edit_details(self, plan_id: str) -> None:
        """The details form for a plan; on save, the changed fields are written."""
        from tui.screens.plan_form import PlanDetails, PlanForm

        app = self.leerpad
        plan = app.store.state.plan(plan_id)
        if plan is None or not self.allowed("edit_plan"):
            return

        def save(result: PlanDetails | None) -> None:
            if result is None:
                return
            changes = result.changes()
            if not changes:
                self.notify(t("err.no_change"), markup=False)
                return
            app.run_command(
                lambda s: commands.edit_plan(s, plan_id, **changes),  # type: ignore[arg-type]
                then=lambda _: self.notify(t("ui.details_saved", plan=plan_id), markup=False),
            )

        app.push_screen(PlanForm(app.catalog, app.today(), plan), save)

    def follow(self, attribute: str, refresh: object) -> None:
        """Re-render on a change of the app's `attribute`, at once when this screen is on
        top, otherwise when it comes back (a big dashboard under a plan need not redraw)."""

        def changed(_value: object) -> None:
            if self.visible_now:
                refresh()  # type: ignore[operator]
            else:
                self._stale.add(refresh)

        self.watch(self.app, attribute, changed, init=False)

    @property
    def visible_now(self) -> bool:
        """On top, or seen through the translucent screens (forms) above it."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        above = stack[stack.index(self) + 1 :]
        return all(screen.styles.background.a < 1 for screen in above)

    def on_screen_resume(self) -> None:
        stale, self._stale = self._stale, set()
        for refresh in stale:
            refresh()  # type: ignore[operator]

    def palette_commands(self) -> list[tuple[str, str, object]]:
        """Extra command palette entries beyond this screen's keys (overridden by screens)."""
        return []


register(
    {
        "ui.details_saved": (
            "The details of plan {plan} were saved.",
            "De gegevens van plan {plan} zijn bewaard.",
        ),
        "ui.read_only_key": (
            "The store is read-only, so nothing was changed: {reason}",
            "De opslag is alleen-lezen, er is dus niets gewijzigd: {reason}",
        ),
        "ui.read_only": ("Read-only: {reason}", "Alleen-lezen: {reason}"),
    }
)
