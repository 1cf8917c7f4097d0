"""The date form: a planned end date (p) or a completion date (d), the date understood shown."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult

from tui.screens.forms import FormScreen
from tui.widgets.fields import DateField, DateText


class DateForm(FormScreen[date]):
    def __init__(
        self,
        *,
        title: str,
        context: str,
        label: str,
        today: date,
        value: str = "",
        validator: DateText | None = None,
        warn_after: date | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.context_text = context
        self._label = label
        self._today = today
        self._value = value
        self._validator = validator
        self._warn_after = warn_after

    def fields(self) -> ComposeResult:
        yield DateField(
            self._label,
            today=self._today,
            validator=self._validator,
            value=self._value,
            warn_after=self._warn_after,
            id="date",
        )

    def result(self) -> date | None:
        return self.query_one(DateField).date


def completion_form(*, title: str, context: str, today: date, start: date) -> DateForm:
    """The `d` form: a completion date from the plan's start to today, today by default."""
    from core.i18n import t

    return DateForm(
        title=title,
        context=context,
        label=t("ui.detail.done_on"),
        today=today,
        value=t("ui.plan.today_word"),
        validator=DateText(
            today,
            earliest=(start, "ui.date.before_start"),
            latest=(today, "ui.date.in_future"),
        ),
    )
