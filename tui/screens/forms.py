"""The frame every form shares: a modal dialog that returns a typed result, or None on cancel.

Fields check themselves as they are typed; `save` checks them all again and
only dismisses with a result when every one is valid, so nothing is written
from a half-filled form.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from core.i18n import register, t
from tui.widgets.fields import Field, TextAreaField

ResultT = TypeVar("ResultT")

CONTEXT_CHARS = 200
"""About three lines of the dialog: enough to recognise the action, the rest is in the pane."""


class FormScreen(ModalScreen[ResultT | None], Generic[ResultT]):
    """Subclasses yield their fields from `fields()` and build the result in `result()`."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "ui.key.cancel", id="form_cancel"),
        Binding("ctrl+s", "save", "ui.key.save", id="form_save", priority=True),
    ]

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    FormScreen #form-title { text-style: bold; height: auto; }
    FormScreen #form-context { color: $text-muted; height: auto; max-height: 3; }
    FormScreen #form-body { height: auto; max-height: 1fr; margin-top: 1; }
    FormScreen #form-problem { color: $error; text-style: bold; height: auto; }
    FormScreen #form-buttons { height: auto; align-horizontal: right; }
    FormScreen #form-buttons Button { margin-left: 1; min-width: 10; }
    """

    title_text: str = ""
    save_text: str = ""
    """The save button's word when "Save" would understate it (Erase); "" for Save."""
    context_text: str = ""
    """A line or two on what the form is about (the action's text), shown under the title."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.title_text), id="form-title")
            if self.context_text:
                context = self.context_text
                if len(context) > CONTEXT_CHARS:
                    context = context[: CONTEXT_CHARS - 1].rstrip() + "…"
                yield Static(Content(context), id="form-context")
            with VerticalScroll(id="form-body", can_focus=False):
                yield from self.fields()
            yield Static(id="form-problem")
            with Horizontal(id="form-buttons"):
                yield Button(
                    self.save_text or t("ui.form.save"),
                    id="form-save",
                    variant="primary",
                    compact=True,
                )
                yield Button(t("ui.form.cancel"), id="form-cancel", compact=True)
        yield Footer(compact=True)

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def result(self) -> ResultT | None:
        """The form's value; called only once every field is valid."""
        raise NotImplementedError

    def problem(self) -> str | None:
        """A problem spanning fields (checked after each field's own), or None."""
        return None

    def _fields(self) -> list[Field | TextAreaField]:
        return list(self.query("Field, TextAreaField").results())  # type: ignore[arg-type]

    def action_save(self) -> None:
        invalid = [f for f in self._fields() if not f.check()]
        problem = None if invalid else self.problem()
        self.query_one("#form-problem", Static).update(Content(problem or ""))
        if invalid:
            target = invalid[0]
            (target.input if isinstance(target, Field) else target.area).focus()
            return
        if problem:
            return
        result = self.result()
        if result is not None:
            self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Field.Submitted)
    def _next_field(self, event: Field.Submitted) -> None:
        """Enter moves to the next field; in the last one it saves."""
        fields = self._fields()
        index = fields.index(event.field)
        if not event.field.check():
            return
        if index + 1 < len(fields):
            following = fields[index + 1]
            (following.input if isinstance(following, Field) else following.area).focus()
        else:
            self.action_save()

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


register(
    {
        "ui.key.cancel": ("Cancel", "Annuleer"),
        "ui.key.save": ("Save", "Bewaar"),
        "ui.form.save": ("Save", "Bewaar"),
        "ui.form.cancel": ("Cancel", "Annuleer"),
    }
)
