"""The close-plan form: completed or stopped, on which date, and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult

from core.commands import MAX_TEXT, OUTCOMES
from core.i18n import fmt_date, register, t
from tui.screens.forms import FormScreen
from tui.widgets.fields import ChoiceField, DateField, DateText, Field, Limited


@dataclass(frozen=True, slots=True)
class Closing:
    outcome: str
    on: date
    reason: str


class CloseForm(FormScreen[Closing]):
    def __init__(
        self,
        *,
        plan_id: str,
        trainee: str,
        start: date,
        today: date,
        state_line: str = "",
        check: Callable[[Closing], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = t("ui.close.title", plan=plan_id)
        self.context_text = f"{trainee}\n{state_line}" if state_line else trainee
        self._start = start
        self._today = today
        self._check = check
        """Asks the core whether this closing would be refused (completed with open work
        and no reason): the form shows why before anything is written."""

    def problem(self) -> str | None:
        closing = self.result()
        if closing is None or self._check is None:
            return None
        return self._check(closing)

    def fields(self) -> ComposeResult:
        yield ChoiceField(
            t("ui.close.outcome"),
            [(t(f"outcome.{o}"), o) for o in OUTCOMES],
            value=OUTCOMES[0],
            id="outcome",
        )
        yield DateField(
            t("ui.close.on"),
            today=self._today,
            value=fmt_date(self._today),
            validator=DateText(
                self._today,
                earliest=(self._start, "ui.date.before_start"),
                latest=(self._today, "ui.date.in_future"),
            ),
            id="on",
        )
        yield Field(
            t("ui.close.reason"), validators=[Limited(MAX_TEXT, single_line=False)], id="reason"
        )

    def result(self) -> Closing | None:
        on = self.query_one(DateField).date
        outcome = self.query_one("#outcome-row", ChoiceField).value
        if on is None or outcome is None:
            return None
        return Closing(outcome, on, self.query_one("#reason", Field).value.strip())


register(
    {
        "ui.close.title": ("Close plan {plan}", "Plan {plan} afsluiten"),
        "ui.close.outcome": ("Outcome", "Uitkomst"),
        "ui.close.on": ("On", "Op"),
        "ui.close.reason": ("Reason", "Reden"),
        "ui.close.open_work": (
            "{done}% done, {open} actions open, {overdue} overdue: closing as completed "
            "needs a reason.",
            "{done}% afgewerkt, {open} acties open, {overdue} te laat: afsluiten als afgerond "
            "vraagt een reden.",
        ),
    }
)
