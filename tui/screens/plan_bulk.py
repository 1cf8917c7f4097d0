"""The plan screen's keys for many actions at once: `v` marks actions, `p` plans every marked
action (or every open one under a row or competency), `d` completes every marked one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from core import commands, planning
from core.commands import Rejected
from core.i18n import fmt_date, register, t
from core.projections import PlanState, StoreState, plan_end
from tui.widgets.banner import Banner
from tui.widgets.plan_tree import PlanTree

if TYPE_CHECKING:
    from tui.screens.plan import PlanScreen

    _Base = PlanScreen
else:
    _Base = object

LISTED = 12
"""Action ids listed in a bulk form; the rest are counted."""


def listing(ids: list[str]) -> str:
    """'4 actions: A3.2.1, A3.2.3, …' for the form that confirms them."""
    shown = ", ".join(ids[:LISTED]) + (", …" if len(ids) > LISTED else "")
    return t("ui.bulk.listing", count=len(ids), ids=shown)


class BulkKeys(_Base):
    """Mixed into PlanScreen; `marked` holds the ids of the marked actions, in form order."""

    marked: list[str]

    def action_mark(self) -> None:
        plan = self.plan
        if not self.allowed("mark") or plan is None:
            return
        action_id = self.selected
        if action_id in self.marked:
            self.marked.remove(action_id)
        else:
            order = [a.id for a in plan.actions()]
            self.marked = sorted([*self.marked, action_id], key=order.index)
        self._show_marks()
        self.query_one(PlanTree).action_cursor_down()

    def clear_marks(self) -> bool:
        """Forget the marks (escape, or after acting on them); True when there were any."""
        if not self.marked:
            return False
        self.marked = []
        self._show_marks()
        return True

    def _show_marks(self) -> None:
        plan = self.plan
        if plan is None:
            return
        tree = self.query_one(PlanTree)
        tree.marked = frozenset(self.marked)
        view = self.view
        if view is not None:
            tree.show_plan(view)
        self.query_one(Banner).message = self._banner(plan)
        self.refresh_bindings()

    def bulk_targets(self) -> list[str] | None:
        """The actions `p` or `d` act on when that is more than the selected action: the
        marked ones, or (for `p`) every open action under the selected row or competency."""
        plan = self.plan
        if plan is None:
            return None
        if self.marked:
            return planning.actions_to_complete(self.state, plan.id, self.marked)
        if plan.action(self.selected) is not None:
            return None
        return [a.id for a in planning.open_actions(plan, self.selected)]

    def plan_many(self, plan: PlanState, ids: list[str]) -> None:
        from tui.screens.date_form import DateForm
        from tui.widgets.fields import DateText

        today = self.today()
        end = plan_end(plan)

        def save(due: date | None) -> None:
            if due is not None:
                self._run_each(
                    ids,
                    lambda a: lambda s: commands.plan_action(s, plan.id, a, due=due),
                    "ui.bulk.planned",
                    date=fmt_date(due),
                )

        self.app.push_screen(
            DateForm(
                title=t("ui.bulk.plan_title", node=self._bulk_subject(plan)),
                context=listing(ids),
                label=t("ui.detail.due"),
                today=today,
                validator=DateText(today, earliest=(plan.start, "ui.date.before_start")),
                warn_after=end,
            ),
            save,
        )

    def complete_many(self, plan: PlanState, ids: list[str]) -> None:
        from tui.screens.date_form import completion_form

        today = self.today()

        def save(on: date | None) -> None:
            if on is not None:
                self._run_each(
                    ids,
                    lambda a: lambda s: commands.complete_action(s, plan.id, a, on=on, today=today),
                    "ui.bulk.completed",
                    date=fmt_date(on),
                )

        self.app.push_screen(
            completion_form(
                title=t("ui.bulk.done_title", count=len(ids)),
                context=listing(ids),
                today=today,
                start=plan.start,
            ),
            save,
        )

    def action_schedule(self) -> None:
        plan = self.plan
        if not self.allowed("schedule") or plan is None:
            return
        from tui.screens.schedule import ScheduleScreen

        try:
            proposal = planning.propose_schedule(plan, self.today())
        except Rejected as exc:
            self.notify(exc.message(), severity="warning", markup=False)
            return
        if all(p.kept for p in proposal):
            self.notify(t("ui.schedule.nothing", plan=plan.id), markup=False)
            return

        def accept(dates: dict[str, date] | None) -> None:
            if not dates:
                return
            self.leerpad.run_commands(
                [
                    lambda s, a=action_id, d=due: commands.plan_action(s, plan.id, a, due=d)  # type: ignore[misc]
                    for action_id, due in dates.items()
                ],
                then=lambda written: self.notify(
                    t("ui.schedule.applied", count=len(written), plan=plan.id), markup=False
                ),
            )

        self.app.push_screen(ScheduleScreen(plan, proposal, self.today()), accept)

    def _bulk_subject(self, plan: PlanState) -> str:
        return t("ui.bulk.marked") if self.marked else self.selected

    def _run_each(
        self,
        ids: list[str],
        command: Callable[[str], Callable[[StoreState], object]],
        done_key: str,
        **params: object,
    ) -> None:
        """One event per action; stop at the first refusal (it is shown), say how many were
        written."""
        self.clear_marks()
        self.leerpad.run_commands(
            [command(action_id) for action_id in ids],  # type: ignore[misc]
            then=lambda written: self.notify(
                t(done_key, count=len(written), **params), markup=False, timeout=4
            ),
        )


register(
    {
        "ui.key.schedule": ("Schedule", "Inplannen"),
        "ui.key.schedule.tip": (
            "Propose a date for every open action without one, spread over the remaining weeks",
            "Stel een datum voor voor elke open actie zonder, gespreid over de resterende weken",
        ),
        "ui.schedule.applied": (
            "{count} actions of {plan} planned.",
            "{count} acties van {plan} gepland.",
        ),
        "ui.schedule.nothing": (
            "Every open action of {plan} already has a planned date.",
            "Elke open actie van {plan} heeft al een geplande datum.",
        ),
        "ui.key.mark": ("Mark", "Markeer"),
        "ui.key.mark.tip": (
            "Mark or unmark the action; p and d then act on every marked action",
            "Actie markeren of niet meer; p en d werken dan op elke gemarkeerde actie",
        ),
        "ui.bulk.listing": ("{count} actions: {ids}", "{count} acties: {ids}"),
        "ui.bulk.plan_title": (
            "Plan every open action of {node}",
            "Elke open actie van {node} plannen",
        ),
        "ui.bulk.marked": ("the marked actions", "de gemarkeerde acties"),
        "ui.bulk.done_title": (
            "Mark {count} actions done",
            "{count} acties afgewerkt zetten",
        ),
        "ui.bulk.planned": (
            "{count} actions planned for {date}.",
            "{count} acties gepland op {date}.",
        ),
        "ui.bulk.completed": (
            "{count} actions done on {date}.",
            "{count} acties afgewerkt op {date}.",
        ),
        "ui.bulk.not_open": (
            "{node} is done or not applicable: only open actions can be marked.",
            "{node} is afgewerkt of niet van toepassing: enkel open acties kun je markeren.",
        ),
        "ui.bulk.status": (
            "{count} marked · p plan · d done · v unmark · escape clears",
            "{count} gemarkeerd · p plannen · d afgewerkt · v weg · escape wist",
        ),
    }
)
