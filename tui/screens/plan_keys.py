"""The plan screen's keys that change the plan: each opens its small form and turns the
answer into one core command (p d r x a m i C)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from core import commands
from core.events import Record
from core.i18n import fmt_date, t
from core.projections import CompetencyState, RowState, StoreState, plan_end, summarize
from tui.widgets.plan_tree import PlanTree
from tui.widgets.text import one_line

if TYPE_CHECKING:
    from tui.screens.plan import PlanScreen

    _Base = PlanScreen
else:
    _Base = object


class NodeKeys(_Base):
    """Mixed into PlanScreen; uses its plan, selection, `allowed` and `today`."""

    def action_plan_date(self) -> None:
        if not self.allowed("plan_date"):
            return
        action, plan = self._selected_action(), self.plan
        many = self.bulk_targets()
        if plan is not None and many:
            self.plan_many(plan, many)
            return
        if action is None or plan is None:
            return
        from tui.screens.date_form import DateForm
        from tui.widgets.fields import DateText

        today = self.today()

        def save(due: date | None) -> None:
            if due is not None:
                self._run(
                    lambda s: commands.plan_action(s, self.plan_id, action.id, due=due),
                    t("ui.plan.planned", node=action.id, date=fmt_date(due)),
                )

        self.app.push_screen(
            DateForm(
                title=t("ui.plan.plan_title", node=action.id),
                context=one_line(action.text),
                label=t("ui.detail.due"),
                today=today,
                value=fmt_date(action.due) if action.due else "",
                validator=DateText(today, earliest=(plan.start, "ui.date.before_start")),
                warn_after=plan_end(plan),
            ),
            save,
        )

    def action_done(self) -> None:
        if not self.allowed("done"):
            return
        action, plan = self._selected_action(), self.plan
        if plan is not None and self.marked:
            self.complete_many(plan, self.bulk_targets() or [])
            return
        if action is None or plan is None:
            return
        from tui.screens.date_form import completion_form

        today = self.today()

        def save(on: date | None) -> None:
            if on is not None:
                self._run(
                    lambda s: commands.complete_action(
                        s, self.plan_id, action.id, on=on, today=today
                    ),
                    t("ui.plan.completed", node=action.id, date=fmt_date(on)),
                )

        self.app.push_screen(
            completion_form(
                title=t("ui.plan.done_title", node=action.id),
                context=one_line(action.text),
                today=today,
                start=plan.start,
            ),
            save,
        )

    def action_reopen(self) -> None:
        if not self.allowed("reopen"):
            return
        action = self._selected_action()
        if action is None:
            return
        self._ask_text(
            title=t("ui.plan.reopen_title", node=action.id),
            context=one_line(action.text),
            label=t("ui.detail.reason"),
            then=lambda reason: self._run(
                lambda s: commands.reopen_action(s, self.plan_id, action.id, reason=reason),
                t("ui.plan.reopened", node=action.id),
            ),
        )

    def action_toggle_na(self) -> None:
        if not self.allowed("toggle_na"):
            return
        action = self._selected_action()
        if action is None:
            return
        if action.dropped is not None:
            self._run(
                lambda s: commands.restore_action(s, self.plan_id, action.id),
                t("ui.plan.restored", node=action.id),
            )
            return
        self._ask_text(
            title=t("ui.plan.drop_title", node=action.id),
            context=one_line(action.text),
            label=t("ui.detail.reason"),
            then=lambda reason: self._run(
                lambda s: commands.drop_action(s, self.plan_id, action.id, reason=reason),
                t("ui.plan.dropped", node=action.id),
            ),
        )

    def action_add_action(self) -> None:
        if not self.allowed("add_action"):
            return
        under, plan = self._add_under(), self.plan
        if under is None or plan is None:
            return
        node = plan.node(under)
        context = f"{under} " + one_line(
            node.skills[0]
            if isinstance(node, RowState) and node.skills
            else node.title
            if isinstance(node, CompetencyState)
            else ""
        )

        def select_new(record: Record) -> None:
            new_id = record.event.action  # type: ignore[union-attr]
            self.notify(t("ui.plan.added", node=new_id), markup=False)
            self.query_one(PlanTree).select(new_id)

        def added(text: str) -> None:
            self._run(
                lambda s: commands.add_action(s, self.plan_id, under, text=text),
                None,
                then=select_new,
            )

        self._ask_text(
            title=t("ui.plan.add_title", node=under),
            context=context,
            label=t("ui.plan.add_label"),
            multiline=True,
            then=added,
        )

    def action_note(self) -> None:
        if not self.allowed("note"):
            return
        target = self._note_target()
        self._ask_text(
            title=t("ui.plan.note_title", node=target),
            context=self._context_of(target),
            label=t("ui.plan.note_label"),
            multiline=True,
            then=lambda text: self._run(
                lambda s: commands.add_note(s, self.plan_id, target, text=text),
                t("ui.plan.noted", node=target),
            ),
        )

    def action_edit_plan(self) -> None:
        self.edit_details(self.plan_id)

    def action_close_plan(self) -> None:
        plan = self.plan
        if not self.allowed("close_plan") or plan is None:
            return
        if plan.closed is not None:
            self._ask_text(
                title=t("ui.plan.reopen_plan_title", plan=plan.id),
                context=one_line(plan.trainee),
                label=t("ui.detail.reason"),
                then=lambda reason: self._run(
                    lambda s: commands.reopen_plan(s, self.plan_id, reason=reason),
                    t("ui.plan.plan_reopened", plan=plan.id),
                ),
            )
            return
        from tui.screens.close_form import CloseForm, Closing

        today = self.today()

        def save(result: Closing | None) -> None:
            if result is not None:
                self._run(
                    lambda s: commands.close_plan(
                        s,
                        self.plan_id,
                        outcome=result.outcome,
                        on=result.on,
                        today=today,
                        reason=result.reason,
                    ),
                    t("ui.plan.plan_closed", plan=plan.id),
                )

        def check(closing: Closing) -> str | None:
            try:
                commands.close_plan(
                    self.state,
                    plan.id,
                    outcome=closing.outcome,
                    on=closing.on,
                    today=today,
                    reason=closing.reason,
                )
            except commands.Rejected as exc:
                return exc.message()
            return None

        summary = summarize(plan, today)
        open_left = summary.total - summary.done
        state_line = (
            t(
                "ui.close.open_work",
                done=f"{summary.percent:.0f}",
                open=open_left,
                overdue=summary.overdue,
            )
            if open_left
            else ""
        )
        self.app.push_screen(
            CloseForm(
                plan_id=plan.id,
                trainee=plan.trainee,
                start=plan.start,
                today=today,
                state_line=state_line,
                check=check,
            ),
            save,
        )

    # --- helpers -------------------------------------------------------------------------

    def _context_of(self, node_id: str) -> str:
        plan = self.plan
        if plan is None or node_id == plan.id:
            return one_line(plan.trainee) if plan else ""
        node = plan.node(node_id)
        text = (
            getattr(node, "text", None)
            or getattr(node, "title", None)
            or getattr(node, "name", None)
        )
        if text is None and isinstance(node, RowState) and node.skills:
            text = node.skills[0]
        return one_line(text or "")

    def _ask_text(
        self,
        *,
        title: str,
        context: str,
        label: str,
        then: Callable[[str], object],
        multiline: bool = False,
    ) -> None:
        from tui.screens.text_form import TextForm

        hint = t("ui.plan.multiline_hint") if multiline else ""

        def done(text: str | None) -> None:
            if text:
                then(text)

        self.app.push_screen(
            TextForm(title=title, context=context, label=label, hint=hint, multiline=multiline),
            done,
        )

    def _run(
        self,
        decide: Callable[[StoreState], object],
        success: str | None,
        *,
        then: Callable[[Record], object] | None = None,
    ) -> None:
        """Run the command (in the app's command thread); once written, say `success`."""

        def written(record: Record) -> None:
            if success:
                self.notify(success, markup=False, timeout=3)
            if then is not None:
                then(record)

        self.leerpad.run_command(decide, then=written)  # type: ignore[arg-type]
