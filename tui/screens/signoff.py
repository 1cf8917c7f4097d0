"""Signing off a plan (or one evaluation): pick a role, see exactly what you sign, confirm.

The version shown is the version signed: if someone changes the plan while the
form is open, the text follows, and a confirm against an older view is refused.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Static

from core import commands, config, signoffs
from core.commands import ROLES, Rejected
from core.config import ConfigError
from core.events import Record
from core.i18n import fmt_date, fmt_time, register, t
from core.projections import Covered, PlanState, SignOff, covered, signed_already
from core.sshsig import SigningError
from core.store import StoreError
from tui.widgets.fields import Limited
from tui.widgets.history_table import who
from tui.widgets.text import literal, literal_text


class RoleButton(RadioButton):
    """A radio button whose dot is drawn only when chosen, so the choice shows without colour."""

    BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "●" if self.value else " "
        super().watch_value()


class SignOffScreen(ModalScreen[int | None]):
    """Returns the seq of the sign-off record, or None when cancelled."""

    CSS_PATH = "signoff.tcss"

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "ui.sign.key.cancel", id="signoff.cancel"),
        Binding("ctrl+s", "confirm", "ui.sign.key.confirm", id="signoff.confirm", priority=True),
    ]

    def __init__(self, plan_id: str, subject: str = "plan") -> None:
        super().__init__()
        self.plan_id = plan_id.upper()
        self.subject = subject
        self.shown: Covered | None = None

    @property
    def plan(self) -> PlanState:
        plan = self.app.store.state.plan(self.plan_id)
        assert plan is not None, f"no plan {self.plan_id}"
        return plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="sign-dialog"):
            title = (
                t("ui.sign.title", plan=plan.id)
                if self.subject == "plan"
                else t("ui.sign.title_evaluation", evaluation=self.subject, plan=plan.id)
            )
            yield Static(
                Content.assemble((title, "bold"), " — ", literal(plan.trainee)), id="sign-title"
            )
            yield Static(id="sign-what")
            yield Static(
                Content(t("ui.sign.as_actor", actor=who(self.app.store.actor))), id="sign-actor"
            )
            yield Label(t("ui.sign.role"), classes="sign-label")
            shown = covered(plan, self.subject)
            signed = self._signed(plan, shown)
            with RadioSet(id="sign-role"):
                for role in ROLES:
                    yield RoleButton(
                        self._role_label(role, signed.get(role)),
                        id=f"role-{role}",
                        disabled=role in signed,
                    )
            yield Static(id="sign-role-error", classes="sign-error")
            yield Label(t("ui.sign.remark"), classes="sign-label")
            yield Input(
                placeholder=t("ui.sign.remark_hint"),
                validators=[Limited(commands.MAX_TEXT)],
                compact=True,
                id="sign-remark",
            )
            yield Static(id="sign-remark-error", classes="sign-error")
            with Horizontal(id="sign-buttons"):
                yield Button(
                    t("ui.sign.confirm"), id="sign-confirm", variant="primary", compact=True
                )
                yield Button(t("ui.sign.cancel"), id="sign-cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sign-remark", Input).cursor_blink = False
        self._show_version()
        self.watch(self.app, "seq", lambda _seq: self._show_version(), init=False)
        self.query_one(RadioSet).focus()

    def _show_version(self) -> None:
        """Describe what a confirm would sign now, and who already signed that version."""
        plan = self.plan
        self.shown = covered(plan, self.subject)
        what = self.query_one("#sign-what", Static)
        if self.shown is None:
            what.update(Text(t("ui.sign.no_evaluation", evaluation=self.subject), style="bold"))
            return
        text = Text(t("ui.sign.what") + " ", style="bold")
        text.append(self._version_words(plan, self.shown), style="bold")
        what.update(text)
        signed = self._signed(plan, self.shown)
        for role in ROLES:
            button = self.query_one(f"#role-{role}", RoleButton)
            button.label = self._role_label(role, signed.get(role))
            button.disabled = role in signed

    @staticmethod
    def _signed(plan: PlanState, shown: Covered | None) -> dict[str, SignOff]:
        """Who signed the version on screen already, by role: what the command refuses."""
        return {} if shown is None else signed_already(plan, shown)

    @staticmethod
    def _role_label(role: str, done: SignOff | None) -> Text:
        label = t(f"role.{role}")
        if done is not None:
            label += "  " + t("ui.sign.already", actor=who(done.actor), at=fmt_time(done.time))
        return literal_text(label)

    def _version_words(self, plan: PlanState, shown: Covered) -> str:
        if shown.subject == "plan":
            return t("ui.sign.plan_version", plan=plan.id, seq=shown.seq, hash=shown.hash[:8])
        evaluation = plan.evaluation(shown.subject)
        on = fmt_date(evaluation.on) if evaluation else "?"
        return t(
            "ui.sign.evaluation_version",
            evaluation=shown.subject,
            plan=plan.id,
            on=on,
            seq=shown.seq,
            hash=shown.hash[:8],
        )

    # --- actions ---------------------------------------------------------------------------

    def action_confirm(self) -> None:
        if self.app.command_running:  # type: ignore[attr-defined]
            return  # the last save is still being written: never twice
        roles = self.query_one(RadioSet)
        pressed = roles.pressed_button
        role_error = "" if pressed is not None else t("ui.sign.choose_role")
        self._error("#sign-role-error", role_error)
        remark = self.query_one("#sign-remark", Input)
        result = remark.validate(remark.value)
        remark_error = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self._error("#sign-remark-error", remark_error)
        if role_error:
            roles.focus()
            return
        if remark_error:
            remark.focus()
            return
        shown = self.shown
        if shown is None or pressed is None or pressed.id is None:
            return
        role = pressed.id.removeprefix("role-")
        try:
            decide = signoffs.sign_off_command(
                self.app.store,
                self.plan_id,
                role=role,
                key=config.signing_key(),
                subject=shown.subject,
                remark=remark.value,
                expect_seq=shown.seq,
            )
        except (Rejected, SigningError, ConfigError, StoreError) as exc:
            why = exc.message() if isinstance(exc, Rejected) else str(exc)
            self.app.notify(why, title=t("ui.sign.not_signed"), severity="error", markup=False)
            return
        what = self._version_words(self.plan, shown)

        def signed(record: Record) -> None:
            # Refused: the app said why; the form shows the version as it is now.
            self.app.notify(t("ui.sign.done", role=t(f"role.{role}"), what=what), markup=False)
            self.dismiss(record.seq)

        self.app.run_command(decide, then=signed)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _error(self, selector: str, message: str) -> None:
        line = self.query_one(selector, Static)
        line.update(Content(message))
        line.display = bool(message)

    @on(RadioSet.Changed)
    def _role_chosen(self) -> None:
        self._error("#sign-role-error", "")

    @on(Button.Pressed, "#sign-confirm")
    def _confirm_pressed(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#sign-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


register(
    {
        "ui.sign.key.cancel": ("Cancel", "Annuleer"),
        "ui.sign.key.confirm": ("Sign off", "Aftekenen"),
        "ui.sign.title": ("Sign off plan {plan}", "Plan {plan} aftekenen"),
        "ui.sign.title_evaluation": (
            "Sign off evaluation {evaluation} of {plan}",
            "Evaluatie {evaluation} van {plan} aftekenen",
        ),
        "ui.sign.what": ("You sign:", "Je tekent af:"),
        "ui.sign.plan_version": (
            "plan {plan} as of change {seq}, hash {hash}…",
            "plan {plan} zoals na wijziging {seq}, hash {hash}…",
        ),
        "ui.sign.evaluation_version": (
            "evaluation {evaluation} of plan {plan} ({on}), change {seq}, hash {hash}…",
            "evaluatie {evaluation} van plan {plan} ({on}), wijziging {seq}, hash {hash}…",
        ),
        "ui.sign.no_evaluation": (
            "There is no evaluation {evaluation} in this plan.",
            "Dit plan heeft geen evaluatie {evaluation}.",
        ),
        "ui.sign.as_actor": ("Signed as user: {actor}", "Afgetekend als gebruiker: {actor}"),
        "ui.sign.role": ("In the role of", "In de rol van"),
        "ui.sign.already": (
            "— already signed this version ({actor}, {at})",
            "— tekende deze versie al af ({actor}, {at})",
        ),
        "ui.sign.choose_role": ("Choose a role.", "Kies een rol."),
        "ui.sign.remark": ("Remark (optional)", "Opmerking (niet verplicht)"),
        "ui.sign.remark_hint": (
            "e.g. agreed in the meeting of today",
            "bv. besproken op het overleg van vandaag",
        ),
        "ui.sign.confirm": ("Sign off", "Aftekenen"),
        "ui.sign.cancel": ("Cancel", "Annuleer"),
        "ui.sign.not_signed": ("Not signed off", "Niet afgetekend"),
        "ui.sign.done": ("Signed off {what} as {role}.", "{what} afgetekend als {role}."),
    }
)
