"""The history's filter form: plan, person, kind of change and free text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Length
from textual.widgets import Button, Input, Label, Select, Static

from core.i18n import register, t
from tui.widgets.footer import Footer
from tui.widgets.history_filter import HistoryFilter
from tui.widgets.history_table import who
from tui.widgets.text import literal_text

MAX_TEXT = 200


def kind_label(kind: str) -> str:
    """A kind of change (an event tag) in words."""
    label = t(f"ui.hist.kind.{kind}")
    return kind if label.startswith("ui.hist.kind.") else label


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What the selects offer: the plans, people and kinds that occur."""

    plans: list[tuple[str, str]] = field(default_factory=list)
    """(plan id, trainee)"""
    actors: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    fixed_plan: str | None = None
    """The history is of this one plan: no plan choice."""


class HistoryFilterScreen(ModalScreen[HistoryFilter | None]):
    """Returns the new filter, or None when cancelled."""

    CSS_PATH = "history.tcss"

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "ui.histf.cancel", id="history_filter.cancel"),
        Binding("ctrl+s", "apply", "ui.histf.apply", id="history_filter.apply"),
        Binding("ctrl+r", "clear", "ui.histf.clear", id="history_filter.clear"),
    ]

    def __init__(self, current: HistoryFilter, choices: FilterChoices) -> None:
        super().__init__()
        self.current = current
        self.choices = choices

    def compose(self) -> ComposeResult:
        c, choices = self.current, self.choices
        with Vertical(id="histf-form"):
            yield Static(t("ui.histf.title"), id="histf-title")
            if choices.fixed_plan is None:
                plans = [(literal_text(f"{pid}  {trainee}"), pid) for pid, trainee in choices.plans]
                with Horizontal(classes="histf-row"):
                    yield Label(t("ui.histf.plan"))
                    yield Select(
                        plans,
                        prompt=t("ui.histf.any_plan"),
                        value=c.plan if c.plan in {p for _, p in plans} else Select.NULL,
                        id="histf-plan",
                        compact=True,
                    )
            people = [(literal_text(who(a)), a) for a in choices.actors]
            with Horizontal(classes="histf-row"):
                yield Label(t("ui.histf.person"))
                yield Select(
                    people,
                    prompt=t("ui.histf.anyone"),
                    value=c.actor if c.actor in choices.actors else Select.NULL,
                    id="histf-person",
                    compact=True,
                )
            kinds = [(Text(kind_label(k)), k) for k in choices.kinds]
            with Horizontal(classes="histf-row"):
                yield Label(t("ui.histf.kind"))
                yield Select(
                    kinds,
                    prompt=t("ui.histf.any_kind"),
                    value=c.kind if c.kind in choices.kinds else Select.NULL,
                    id="histf-kind",
                    compact=True,
                )
            with Horizontal(classes="histf-row"):
                yield Label(t("ui.histf.text"))
                text_input = Input(
                    c.text,
                    placeholder=t("ui.histf.text_hint"),
                    validators=[
                        Length(
                            maximum=MAX_TEXT, failure_description=t("ui.histf.too_long", n=MAX_TEXT)
                        )
                    ],
                    id="histf-text",
                    compact=True,
                )
                text_input.cursor_blink = False
                yield text_input
            yield Static(id="histf-text-error")
            with Horizontal(id="histf-buttons"):
                yield Button(t("ui.histf.apply"), variant="primary", id="histf-apply", compact=True)
                yield Button(t("ui.histf.clear"), id="histf-clear", compact=True)
                yield Button(t("ui.histf.cancel"), id="histf-cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#histf-text", Input).focus()

    def _value(self, selector: str) -> str:
        found = self.query(selector)
        if not found:
            return ""
        value = found.first(Select).value
        return "" if value is Select.NULL else str(value)

    @on(Input.Changed, "#histf-text")
    def _check_text(self, event: Input.Changed) -> None:
        result = event.validation_result
        problem = "" if result is None or result.is_valid else result.failure_descriptions[0]
        line = self.query_one("#histf-text-error", Static)
        line.update(Text(problem))
        line.display = bool(problem)

    @on(Input.Submitted, "#histf-text")
    @on(Button.Pressed, "#histf-apply")
    def action_apply(self) -> None:
        text_input = self.query_one("#histf-text", Input)
        result = text_input.validate(text_input.value)
        if result is not None and not result.is_valid:
            text_input.focus()
            return
        self.dismiss(
            HistoryFilter(
                plan=self._value("#histf-plan"),
                actor=self._value("#histf-person"),
                kind=self._value("#histf-kind"),
                text=text_input.value.strip(),
            )
        )

    @on(Button.Pressed, "#histf-clear")
    def action_clear(self) -> None:
        self.dismiss(HistoryFilter())

    @on(Button.Pressed, "#histf-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


register(
    {
        "ui.histf.title": ("Filter the history", "De geschiedenis filteren"),
        "ui.histf.plan": ("Plan", "Plan"),
        "ui.histf.any_plan": ("every plan", "elk plan"),
        "ui.histf.person": ("Person", "Persoon"),
        "ui.histf.anyone": ("anyone", "iedereen"),
        "ui.histf.kind": ("Kind of change", "Soort wijziging"),
        "ui.histf.any_kind": ("every kind", "elke soort"),
        "ui.histf.text": ("Text", "Tekst"),
        "ui.histf.text_hint": (
            "words in the description, note or reason",
            "woorden in de omschrijving, notitie of reden",
        ),
        "ui.histf.too_long": ("At most {n} characters.", "Hoogstens {n} tekens."),
        "ui.histf.apply": ("Apply", "Toepassen"),
        "ui.histf.clear": ("Show everything", "Alles tonen"),
        "ui.histf.cancel": ("Cancel", "Annuleren"),
        "ui.hist.kind.plan.created": ("plan created", "plan aangemaakt"),
        "ui.hist.kind.plan.edited": ("plan details edited", "plangegevens gewijzigd"),
        "ui.hist.kind.action.planned": ("action planned", "actie gepland"),
        "ui.hist.kind.action.completed": ("action completed", "actie afgewerkt"),
        "ui.hist.kind.action.reopened": ("action reopened", "actie heropend"),
        "ui.hist.kind.action.added": ("own action added", "eigen actie toegevoegd"),
        "ui.hist.kind.action.dropped": ("marked not applicable", "niet van toepassing"),
        "ui.hist.kind.action.restored": ("action restored", "actie hersteld"),
        "ui.hist.kind.note.added": ("note", "notitie"),
        "ui.hist.kind.evaluation.recorded": ("evaluation", "evaluatie"),
        "ui.hist.kind.plan.signed": ("sign-off", "aftekening"),
        "ui.hist.kind.plan.closed": ("plan closed", "plan afgesloten"),
        "ui.hist.kind.plan.reopened": ("plan reopened", "plan heropend"),
    }
)
