"""The plan screen's keys that open another screen over it: evaluate, sign off, history, the
form as a table, progress, erase and export (e s h f g E o)."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

from tui.widgets.plan_tree import PlanTree

if TYPE_CHECKING:
    from tui.screens.plan import PlanScreen

    _Base = PlanScreen
else:
    _Base = object

EXPORT_AVAILABLE = importlib.util.find_spec("core.export") is not None


class OpenKeys(_Base):
    """Mixed into PlanScreen; the screens it opens read the plan screen's state and view."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return EXPORT_AVAILABLE and self.as_of is None
        return True

    def action_evaluate(self) -> None:
        if not self.allowed("evaluate"):
            return
        from tui.screens.evaluation import EvaluationScreen

        self.app.push_screen(EvaluationScreen(self.plan_id))

    def action_sign_off(self) -> None:
        if not self.allowed("sign_off"):
            return
        from tui.screens.signoff import SignOffScreen

        plan = self.plan
        subject = "plan"
        if plan is not None and plan.evaluation(self.selected) is not None:
            subject = self.selected
        self.app.push_screen(SignOffScreen(self.plan_id, subject))

    def action_history(self) -> None:
        from tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(plan_id=self.plan_id))

    def action_form_table(self) -> None:
        plan = self.plan
        if plan is None or not plan.competencies:
            return
        from tui.screens.form_table import FormTableScreen, competency_of

        def back(node_id: str | None) -> None:
            if node_id:
                self.query_one(PlanTree).select(node_id)

        competency = competency_of(plan, self.selected)
        self.app.push_screen(FormTableScreen(self, competency, select=self.selected), back)

    def action_progress(self) -> None:
        from tui.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen(self))

    def action_erase_plan(self) -> None:
        if self.allowed("erase_plan"):
            from tui.screens.erase_form import start_erase

            start_erase(self, self.plan_id)

    def action_export(self) -> None:
        from tui.screens.export_form import start_export

        start_export(self, self.plan_id)
