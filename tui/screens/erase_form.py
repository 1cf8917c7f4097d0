"""Erasing a plan (E): a confirmation naming the plan and its trainee that asks why and, for a
plan still open, asks once more; then the same core command as `leerpad plan erase`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.validation import ValidationResult, Validator
from textual.widgets import Static

from core.commands import MAX_TEXT, Rejected
from core.erasure import erase_plan
from core.i18n import register, t
from tui.screens.erase_rules import refusal
from tui.screens.forms import FormScreen
from tui.widgets.fields import Field, Limited, Required
from tui.widgets.text import one_line

if TYPE_CHECKING:
    from core.projections import StoreState
    from tui.screens.base import LeerpadScreen


@dataclass(frozen=True, slots=True)
class Erasing:
    reason: str
    force: bool
    """The plan is still open and the user confirmed it anyway (the CLI's --force)."""


def needs_force(state: StoreState, plan_id: str) -> bool:
    """Whether the core refuses this erasure unless forced (the plan is still open)."""
    try:
        erase_plan(state, plan_id, reason="-")
    except Rejected as exc:
        return exc.key == "err.erase_open"
    return False


class TypedId(Validator):
    """The plan id typed again: the explicit yes an open plan's erasure needs."""

    def __init__(self, plan_id: str) -> None:
        super().__init__()
        self.plan_id = plan_id

    def validate(self, value: str) -> ValidationResult:
        if value.strip().upper() == self.plan_id:
            return self.success()
        return self.failure(t("ui.erase.type_id", plan=self.plan_id), value)


class EraseForm(FormScreen[Erasing]):
    DEFAULT_CSS = """
    EraseForm #erase-warning { height: auto; margin-bottom: 1; }
    """

    def __init__(
        self,
        *,
        plan_id: str,
        trainee: str,
        still_open: bool,
        check: Callable[[Erasing], str | None],
    ) -> None:
        super().__init__()
        self.plan_id = plan_id
        self.still_open = still_open
        self.title_text = t("ui.erase.title", plan=plan_id, trainee=one_line(trainee))
        self.save_text = t("ui.erase.button")
        self._check = check
        """Asks the core whether this erasure would be refused now (someone else may have
        erased or reopened the plan while the form was open)."""

    def fields(self) -> ComposeResult:
        yield Static(Content(t("ui.erase.warning")), id="erase-warning")
        yield Field(
            t("ui.erase.reason"),
            hint=t("ui.erase.reason_hint"),
            validators=[Required(), Limited(MAX_TEXT, single_line=False)],
            id="reason",
        )
        if self.still_open:
            yield Field(
                t("ui.erase.open_label"),
                hint=t("ui.erase.open_hint", plan=self.plan_id),
                validators=[TypedId(self.plan_id)],
                id="confirm",
            )

    def result(self) -> Erasing | None:
        return Erasing(self.query_one("#reason", Field).value.strip(), self.still_open)

    def problem(self) -> str | None:
        erasing = self.result()
        return self._check(erasing) if erasing is not None else None


def start_erase(screen: LeerpadScreen, plan_id: str) -> None:
    """Confirm, then erase: refused at once (with the core's reason) when it cannot be done."""
    app = screen.leerpad
    store = app.store
    plan = store.state.plan(plan_id)
    why = refusal(store, plan_id)
    if plan is None or why is not None:
        screen.notify(why or t("err.unknown_plan", plan=plan_id), severity="warning", markup=False)
        return

    def decide(erasing: Erasing) -> Callable[[StoreState], object]:
        return lambda s: erase_plan(s, plan_id, reason=erasing.reason, force=erasing.force)

    def check(erasing: Erasing) -> str | None:
        try:
            decide(erasing)(app.store.state)
        except Rejected as exc:
            if exc.key == "err.erase_open":  # reopened since the form asked
                return t("ui.erase.reopened", plan=plan_id)
            return exc.message()
        return None

    def confirmed(erasing: Erasing | None) -> None:
        if erasing is not None:
            app.run_command(
                decide(erasing),  # type: ignore[arg-type]
                then=lambda _: screen.notify(t("ui.erase.done", plan=plan_id), markup=False),
            )

    form = EraseForm(
        plan_id=plan.id,
        trainee=plan.trainee,
        still_open=needs_force(store.state, plan_id),
        check=check,
    )
    app.push_screen(form, confirmed)


register(
    {
        "ui.erase.title": ("Erase plan {plan} of {trainee}", "Plan {plan} van {trainee} wissen"),
        "ui.erase.warning": (
            "This cannot be undone. The plan's key is destroyed: its trainee, contract, contact, "
            "notes, reasons and comments can no longer be read by anyone, and the plan can no "
            "longer be changed. Its dates, statuses and history (who changed what, and when) "
            "remain.",
            "Dit kan niet ongedaan gemaakt worden. De sleutel van het plan wordt vernietigd: de "
            "cursist, het contract, de contactpersoon, notities, redenen en commentaren zijn "
            "voor niemand nog leesbaar, en het plan kan niet meer gewijzigd worden. De datums, "
            "statussen en historiek (wie wijzigde wat, en wanneer) blijven.",
        ),
        "ui.erase.reason": ("Reason", "Reden"),
        "ui.erase.reason_hint": (
            "Kept readable in the log: write no personal data here.",
            "Blijft leesbaar in het logboek: schrijf hier geen persoonsgegevens.",
        ),
        "ui.erase.reopened": (
            "Plan {plan} was reopened meanwhile: press escape, then E again to confirm erasing "
            "it while open.",
            "Plan {plan} werd intussen heropend: druk op escape en dan opnieuw op E om te "
            "bevestigen dat het open gewist wordt.",
        ),
        "ui.erase.open_label": ("Still open", "Nog open"),
        "ui.erase.open_hint": (
            "Plan {plan} is still open. Type {plan} to erase it anyway.",
            "Plan {plan} is nog open. Typ {plan} om het toch te wissen.",
        ),
        "ui.erase.type_id": (
            "Type {plan} to erase this open plan, or escape to cancel.",
            "Typ {plan} om dit open plan te wissen, of escape om te annuleren.",
        ),
        "ui.erase.button": ("Erase", "Wissen"),
        "ui.erase.done": (
            "Plan {plan} is erased: its personal texts can no longer be read.",
            "Plan {plan} is gewist: de persoonlijke teksten zijn niet meer leesbaar.",
        ),
    }
)
