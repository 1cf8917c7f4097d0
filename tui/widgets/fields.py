"""Form fields: an input, its validators, and the error (or the date understood) right under it.

Validators use `textual.validation` and speak the user's language; the same rules
as the core's commands, checked while typing so a form is only sent when valid.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static, TextArea

from core.commands import MAX_FIELD, MAX_TEXT, MAX_WEEKS, MIN_WEEKS
from core.dates import DateError, parse_date
from core.i18n import fmt_date, register, t
from tui.commands import localize_bindings
from tui.editor import edit_text

# --- validators ------------------------------------------------------------------------------


class Required(Validator):
    def validate(self, value: str) -> ValidationResult:
        if value.strip():
            return self.success()
        return self.failure(t("ui.field.required"), value)


class Limited(Validator):
    """At most `limit` characters; on one line, no control characters."""

    def __init__(self, limit: int = MAX_FIELD, *, single_line: bool = True) -> None:
        super().__init__()
        self.limit = limit
        self.single_line = single_line

    def validate(self, value: str) -> ValidationResult:
        if len(value.strip()) > self.limit:
            return self.failure(t("ui.field.too_long", limit=self.limit), value)
        if self.single_line and any(unicodedata.category(c) == "Cc" for c in value):
            return self.failure(t("ui.field.control"), value)
        return self.success()


class Weeks(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            weeks = int(value.strip())
        except ValueError:
            return self.failure(t("ui.field.weeks", low=MIN_WEEKS, high=MAX_WEEKS), value)
        if not MIN_WEEKS <= weeks <= MAX_WEEKS:
            return self.failure(t("ui.field.weeks", low=MIN_WEEKS, high=MAX_WEEKS), value)
        return self.success()


class DateText(Validator):
    """A date as people type it (see core.dates), optionally within bounds."""

    def __init__(
        self,
        today: date,
        *,
        earliest: tuple[date, str] | None = None,
        latest: tuple[date, str] | None = None,
    ) -> None:
        super().__init__()
        self.today = today
        self.earliest = earliest
        """The first allowed date and the message key saying why (gets {date} and {bound})."""
        self.latest = latest

    def parse(self, value: str) -> date:
        return parse_date(value, self.today)

    def validate(self, value: str) -> ValidationResult:
        try:
            day = self.parse(value)
        except DateError:
            return self.failure(t("ui.field.date", text=value.strip()), value)
        for bound, too_far in ((self.earliest, day.__lt__), (self.latest, day.__gt__)):
            if bound is not None and too_far(bound[0]):
                return self.failure(
                    t(bound[1], date=fmt_date(day), bound=fmt_date(bound[0])), value
                )
        return self.success()


def spoken_date(day: date) -> str:
    """'Tuesday 01/12/2026': the weekday catches most typing mistakes."""
    return f"{t(f'ui.weekday.{day.weekday()}')} {fmt_date(day)}"


# --- fields ----------------------------------------------------------------------------------

EDITOR_BINDING = Binding(
    "ctrl+e",
    "edit_externally",
    "ui.editor.key",
    id="field.editor",
    show=False,
    priority=True,
    tooltip="ui.editor.key.tip",
)
"""ctrl+e in a text field: write it in $EDITOR (before the input's own 'go to the end')."""


class Field(Vertical):
    """A labelled input with its validation message (or hint) underneath."""

    DEFAULT_CSS = """
    Field { height: auto; }
    Field > .field--row { height: auto; }
    Field .field--label { width: 16; color: $text-muted; }
    Field:focus-within .field--label { color: $accent; text-style: bold; }
    Field Input { width: 1fr; background: $panel; }
    Field Input:focus { background: $panel-lighten-1; }
    Field > .field--message { color: $text-muted; height: auto; padding-left: 16; display: none; }
    Field > .field--message.-shown { display: block; }
    Field.-invalid > .field--message { color: $error; text-style: bold; }
    """

    BINDINGS: ClassVar = [EDITOR_BINDING]

    @dataclass
    class Submitted(Message):
        """Enter was pressed in the field."""

        field: Field

    def __init__(
        self,
        label: str,
        *,
        value: str = "",
        validators: list[Validator] | None = None,
        hint: str = "",
        placeholder: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.label = label
        self.hint = hint
        self.input = Input(
            value=value,
            placeholder=placeholder,
            validators=validators or [],
            validate_on=["changed", "submitted"],
            compact=True,
            id=f"{id}-input" if id else None,
        )
        self.input.cursor_blink = False
        self._touched = False
        self._message = hint

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field--row"):
            yield Label(Content(self.label), classes="field--label")
            yield self.input
        yield Static(
            Content(self.hint), classes="field--message" + (" -shown" if self.hint else "")
        )

    @property
    def value(self) -> str:
        return self.input.value

    def check(self) -> bool:
        """Validate now, showing the message; True when valid."""
        self._touched = True
        result = self.input.validate(self.input.value)
        self._show(result)
        return result is None or result.is_valid

    def _show(self, result: ValidationResult | None) -> None:
        valid = result is None or result.is_valid
        self.set_class(not valid, "-invalid")
        message = self.describe_valid() if valid else "; ".join(result.failure_descriptions)
        if message != self._message:
            # Only a changed message costs a new layout; most key presses change nothing here.
            self._message = message
            line = self.query_one(".field--message", Static)
            line.update(Content(message))
            line.set_class(bool(message), "-shown")

    def describe_valid(self) -> str:
        """What to show under a valid value: the hint (a date field shows the date understood)."""
        return self.hint

    def action_edit_externally(self) -> None:
        text = edit_text(self.app, self.value)
        if text is not None:
            # One line: the editor's lines are joined, as a paste into the field would be.
            self.input.value = " ".join(line.strip() for line in text.splitlines() if line.strip())
            self.input.cursor_position = len(self.input.value)
            self.input.focus()
            self.check()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        # Do not shout "required" at a field the user has not typed in yet.
        if event.value or self._touched:
            self._touched = True
            self._show(event.validation_result)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._touched = True
        self._show(event.validation_result)
        self.post_message(self.Submitted(self))


class DateField(Field):
    """A date typed freely; under it, the date understood (with its weekday) before you confirm."""

    def __init__(
        self,
        label: str,
        *,
        today: date,
        validator: DateText | None = None,
        warn_after: date | None = None,
        **kwargs: Any,
    ):
        self.date_validator = validator or DateText(today)
        self.warn_after = warn_after
        """A valid date after this (the plan's end) is accepted with a warning."""
        kwargs.setdefault("hint", t("ui.field.date_hint"))
        super().__init__(label, validators=[self.date_validator], **kwargs)
        self._touched = True  # the understood date is useful from the first key

    def on_mount(self) -> None:
        if self.value:
            self.check()

    @property
    def date(self) -> date | None:
        try:
            return self.date_validator.parse(self.value)
        except DateError:
            return None

    def describe_valid(self) -> str:
        day = self.date
        if day is None:
            return self.hint
        understood = t("ui.field.understood", date=spoken_date(day))
        if self.warn_after is not None and day > self.warn_after:
            return understood + "\n⚠ " + t("ui.date.after_end", bound=fmt_date(self.warn_after))
        return understood


class ChoiceField(Horizontal):
    """A labelled choice from a fixed list (an occupation, an outcome, a format)."""

    DEFAULT_CSS = """
    ChoiceField { height: auto; }
    ChoiceField > Label { width: 16; color: $text-muted; }
    ChoiceField:focus-within > Label { color: $accent; text-style: bold; }
    ChoiceField > Select { width: 1fr; }
    ChoiceField > Select > SelectCurrent { background: $panel; }
    ChoiceField > Select:focus > SelectCurrent { background: $panel-lighten-1; }
    """

    def __init__(
        self,
        label: str,
        options: list[tuple[str, str]],
        *,
        value: str | None = None,
        prompt: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=f"{id}-row" if id else None)
        self.label = label
        self.select: Select[str] = Select(
            [(Content(text), key) for text, key in options],
            value=value if value is not None else Select.NULL,
            allow_blank=not options,
            prompt=prompt or "-",
            compact=True,
            id=id,
        )

    def compose(self) -> ComposeResult:
        yield Label(Content(self.label))
        yield self.select

    @property
    def value(self) -> str | None:
        value = self.select.value
        return value if isinstance(value, str) else None

    def set_options(self, options: list[tuple[str, str]], value: str) -> None:
        self.select.set_options([(Content(text), key) for text, key in options])
        self.select.value = value


class TextAreaField(Vertical):
    """A multi-line text (a note, an own action) with its message underneath."""

    DEFAULT_CSS = """
    TextAreaField { height: auto; margin: 0 0 1 0; }
    TextAreaField > Label { color: $text-muted; }
    TextAreaField > TextArea { height: 5; }
    TextAreaField > .field--message { color: $text-muted; }
    TextAreaField.-invalid > .field--message { color: $error; text-style: bold; }
    """

    BINDINGS: ClassVar = [EDITOR_BINDING]

    def __init__(self, label: str, *, hint: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.label = label
        self.hint = hint
        self.area = TextArea(soft_wrap=True, tab_behavior="focus", id=f"{id}-area" if id else None)
        self.area.cursor_blink = False
        self._touched = False
        self._message = hint

    def compose(self) -> ComposeResult:
        yield Label(Content(self.label))
        yield self.area
        yield Static(Content(self.hint), classes="field--message")

    @property
    def value(self) -> str:
        return self.area.text

    def problem(self) -> str | None:
        text = self.area.text.strip()
        if not text:
            return t("ui.field.required")
        if len(text) > MAX_TEXT:
            return t("ui.field.too_long", limit=MAX_TEXT)
        return None

    def check(self) -> bool:
        self._touched = True
        problem = self.problem()
        self.set_class(problem is not None, "-invalid")
        message = problem or self.hint
        if message != self._message:
            self._message = message
            self.query_one(".field--message", Static).update(Content(message))
        return problem is None

    def action_edit_externally(self) -> None:
        text = edit_text(self.app, self.area.text)
        if text is not None:
            self.area.text = text.removesuffix("\n")
            self.area.move_cursor(self.area.document.end)
            self.area.focus()
            self.check()

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._touched or self.area.text:
            self.check()


register(
    {
        "ui.field.required": ("Required.", "Verplicht."),
        "ui.field.too_long": (
            "Too long: at most {limit} characters.",
            "Te lang: hoogstens {limit} tekens.",
        ),
        "ui.field.control": (
            "Control characters are not allowed here.",
            "Stuurtekens zijn hier niet toegelaten.",
        ),
        "ui.field.weeks": (
            "A whole number of weeks from {low} to {high}.",
            "Een geheel aantal weken van {low} tot {high}.",
        ),
        "ui.field.date": (
            "“{text}” is not a date: type 1/12/2026, 2026-12-01, 1/12, +3d, +2w, today, tomorrow.",
            "“{text}” is geen datum: typ 1/12/2026, 2026-12-01, 1/12, +3d, +2w, vandaag of morgen.",
        ),
        "ui.field.date_hint": (
            "1/12/2026, 2026-12-01, 1/12, +3d, +2w, today, tomorrow",
            "1/12/2026, 2026-12-01, 1/12, +3d, +2w, vandaag, morgen",
        ),
        "ui.field.understood": ("Understood: {date}", "Begrepen: {date}"),
        "ui.date.before_start": (
            "{date} is before the plan's start ({bound}).",
            "{date} valt voor de start van het plan ({bound}).",
        ),
        "ui.date.after_end": (
            "after the plan's end ({bound}); saved anyway if you confirm",
            "na het einde van het plan ({bound}); toch bewaard als je bevestigt",
        ),
        "ui.date.in_future": (
            "{date} is in the future (today is {bound}).",
            "{date} ligt in de toekomst (vandaag is {bound}).",
        ),
        "ui.weekday.0": ("Monday", "maandag"),
        "ui.weekday.1": ("Tuesday", "dinsdag"),
        "ui.weekday.2": ("Wednesday", "woensdag"),
        "ui.weekday.3": ("Thursday", "donderdag"),
        "ui.weekday.4": ("Friday", "vrijdag"),
        "ui.weekday.5": ("Saturday", "zaterdag"),
        "ui.weekday.6": ("Sunday", "zondag"),
    }
)
