"""The text form: one reason on a line (r, x) or a longer text (a note, an own action)."""

from __future__ import annotations

from textual.app import ComposeResult

from core.commands import MAX_TEXT
from tui.screens.forms import FormScreen
from tui.widgets.fields import Field, Limited, Required, TextAreaField


class TextForm(FormScreen[str]):
    def __init__(
        self, *, title: str, context: str, label: str, hint: str = "", multiline: bool = False
    ) -> None:
        super().__init__()
        self.title_text = title
        self.context_text = context
        self._label = label
        self._hint = hint
        self._multiline = multiline

    def fields(self) -> ComposeResult:
        if self._multiline:
            yield TextAreaField(self._label, hint=self._hint, id="text")
        else:
            yield Field(
                self._label,
                hint=self._hint,
                validators=[Required(), Limited(MAX_TEXT, single_line=False)],
                id="text",
            )

    def result(self) -> str | None:
        if self._multiline:
            return self.query_one(TextAreaField).value.strip()
        return self.query_one(Field).value.strip()
