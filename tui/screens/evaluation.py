"""Recording an evaluation moment: date, participants, a level and comment per competency.

Every competency of the plan (A and B) is offered; only the rated ones are stored.
Nothing is written until save, and escape asks before throwing typed input away.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Footer, Static

from core import commands
from core.commands import MAX_FIELD, MAX_TEXT, next_evaluation_id
from core.events import Record
from core.i18n import fmt_date, register, t
from core.projections import PlanState, latest_ratings
from tui.widgets.evaluation_rating import EvaluationRating, level_label
from tui.widgets.fields import DateField, DateText, Field, Limited
from tui.widgets.text import literal


def split_participants(text: str) -> list[str]:
    """'An Claes, Els Wouters' -> ['An Claes', 'Els Wouters'] (empty parts dropped)."""
    return [p.strip() for p in text.split(",") if p.strip()]


class Participants(Validator):
    """At least one name, comma separated, each of a sensible length."""

    def validate(self, value: str) -> ValidationResult:
        people = split_participants(value)
        if not people:
            return self.failure(t("ui.eval.no_participants"), value)
        if any(len(p) > MAX_FIELD for p in people):
            return self.failure(t("ui.field.too_long", limit=MAX_FIELD), value)
        return Limited(MAX_TEXT).validate(value)


class EvaluationDiscardScreen(ModalScreen[bool]):
    """'Throw away what you typed?' — True to discard."""

    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", "ui.eval.discard_yes", id="eval_discard.yes"),
        Binding("n,escape", "answer(False)", "ui.eval.discard_no", id="eval_discard.no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="discard-box"):
            yield Static(t("ui.eval.discard_question"), id="discard-question")
            with Horizontal(id="discard-buttons"):
                yield Button(
                    t("ui.eval.discard_yes"), id="discard-yes", variant="error", compact=True
                )
                yield Button(t("ui.eval.discard_no"), id="discard-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#discard-no", Button).focus()

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "discard-yes")


class EvaluationScreen(ModalScreen[str | None]):
    """Returns the id of the recorded evaluation (E2), or None when cancelled."""

    CSS_PATH = "evaluation.tcss"

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "ui.eval.key.cancel", id="evaluation.cancel"),
        Binding("ctrl+s", "save", "ui.eval.key.save", id="evaluation.save", priority=True),
        Binding(
            "ctrl+r",
            "remark",
            "ui.eval.key.remark",
            id="evaluation.remark",
            priority=True,
            tooltip="ui.eval.key.remark.tip",
        ),
    ]

    def __init__(self, plan_id: str) -> None:
        super().__init__()
        self.plan_id = plan_id.upper()
        self._initial: tuple[object, ...] = ()

    @property
    def plan(self) -> PlanState:
        plan = self.app.store.state.plan(self.plan_id)
        assert plan is not None, f"no plan {self.plan_id}"
        return plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        today: date = self.app.today()
        with Vertical(id="eval-dialog"):
            yield Static(self._title(plan), id="eval-title")
            yield Static(self._context_line(plan), id="eval-context")
            with VerticalScroll(id="eval-body"):
                yield DateField(
                    t("ui.eval.date"),
                    today=today,
                    validator=DateText(
                        today,
                        earliest=(plan.start, "ui.eval.before_start"),
                        latest=(today, "ui.eval.in_future"),
                    ),
                    value=fmt_date(today),
                    id="eval-date",
                )
                yield Field(
                    t("ui.eval.participants"),
                    value=", ".join(p for p in (plan.contact, plan.trainee) if p),
                    validators=[Participants()],
                    hint=t("ui.eval.participants_hint"),
                    id="eval-participants",
                )
                previous = self._previous_levels(plan)
                yield Static(t("ui.eval.job"), classes="eval-section")
                for comp in plan.competencies:
                    yield EvaluationRating(
                        comp.id, comp.title, plan.scale, previous=previous.get(comp.id, "")
                    )
                yield Static(t("ui.eval.personal"), classes="eval-section")
                for pers in plan.personal:
                    yield EvaluationRating(
                        pers.id, pers.name, plan.scale, previous=previous.get(pers.id, "")
                    )
                yield Field(
                    t("ui.eval.remark"),
                    validators=[Limited(MAX_TEXT)],
                    id="eval-remark",
                )
            yield Static(id="eval-problem")
            with Horizontal(id="eval-buttons"):
                yield Button(t("ui.eval.save"), id="eval-save", variant="primary", compact=True)
                yield Button(t("ui.eval.cancel"), id="eval-cancel", compact=True)
        yield Footer()

    def _context_line(self, plan: PlanState) -> Content:
        scale = " · ".join(f"{n} {level_label(level)}" for n, level in enumerate(plan.scale, 1))
        text = Content(t("ui.eval.context", scale=scale))
        if plan.closed is not None:
            text = Content.assemble("⚠ ", (t("ui.eval.closed"), "bold"), "\n", text)
        return text

    @staticmethod
    def _previous_levels(plan: PlanState) -> dict[str, str]:
        """Per competency, its rating so far: the most recent one, from whichever evaluation."""
        words: dict[str, str] = {}
        for competency, (evaluation, rating) in latest_ratings(plan).items():
            level = plan.level(rating.level)
            said = level_label(level) if level else rating.level
            if rating.comment:
                said += f" — {rating.comment}"
            words[competency] = t(
                "ui.eval.previous", evaluation=evaluation.id, on=fmt_date(evaluation.on), said=said
            )
        return words

    @staticmethod
    def _title(plan: PlanState) -> Content:
        title = t("ui.eval.title", evaluation=next_evaluation_id(plan), plan=plan.id)
        return Content.assemble((title, "bold"), " — ", literal(plan.trainee))

    def on_mount(self) -> None:
        self._initial = self._snapshot()
        self.query_one("#eval-date-input").focus()
        # Someone else may record an evaluation meanwhile: this one then gets the next id.
        self.watch(
            self.app,
            "seq",
            lambda _seq: self.query_one("#eval-title", Static).update(self._title(self.plan)),
            init=False,
        )

    # --- reading the form ------------------------------------------------------------------

    @property
    def ratings(self) -> list[EvaluationRating]:
        return list(self.query(EvaluationRating).results(EvaluationRating))

    def _snapshot(self) -> tuple[object, ...]:
        fields = tuple(f.value for f in self.query(Field).results(Field))
        return fields + tuple(r.state for r in self.ratings)

    @property
    def dirty(self) -> bool:
        return self._snapshot() != self._initial

    # --- actions ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.app.command_running:  # type: ignore[attr-defined]
            return  # the last save is still being written: never twice
        fields = list(self.query(Field).results(Field))
        bad_fields = [f for f in fields if not f.check()]
        bad_ratings = [r for r in self.ratings if not r.check()]
        ratings = [r.rating for r in self.ratings if r.rating is not None]
        problem = ""
        if not bad_fields and not bad_ratings and not ratings:
            problem = t("ui.eval.no_ratings")
        self.query_one("#eval-problem", Static).update(Content(problem))
        if bad_fields:
            bad_fields[0].input.focus()
            return
        if bad_ratings:
            bad_ratings[0].picker.focus()
            return
        if problem:
            self.ratings[0].picker.focus()
            return
        day = self.query_one("#eval-date", DateField).date
        assert day is not None  # the field was valid
        participants = split_participants(self.query_one("#eval-participants", Field).value)
        remark = self.query_one("#eval-remark", Field).value
        today = self.app.today()

        def saved(record: Record) -> None:
            evaluation = record.event.evaluation  # type: ignore[union-attr]
            self.app.notify(
                t("ui.eval.saved", evaluation=evaluation, plan=self.plan_id, count=len(ratings)),
                markup=False,
            )
            self.dismiss(evaluation)

        # Refused: the app says why and the form stays as typed.
        self.app.run_command(
            lambda s: commands.record_evaluation(
                s,
                self.plan_id,
                on=day,
                today=today,
                participants=participants,
                ratings=ratings,
                remark=remark,
            ),
            then=saved,
        )

    def action_remark(self) -> None:
        self.query_one("#eval-remark", Field).input.focus()

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(EvaluationDiscardScreen(), answered)

    @on(Field.Submitted)
    @on(EvaluationRating.Submitted)
    def _next(self) -> None:
        """Enter in a field moves on to the next thing to fill in."""
        self.focus_next()

    @on(Button.Pressed, "#eval-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#eval-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


register(
    {
        "ui.eval.title": (
            "Evaluation {evaluation} of plan {plan}",
            "Evaluatie {evaluation} van plan {plan}",
        ),
        "ui.eval.key.cancel": ("Cancel", "Annuleer"),
        "ui.eval.key.save": ("Save", "Bewaar"),
        "ui.eval.key.remark": ("Remark", "Opmerking"),
        "ui.eval.key.remark.tip": (
            "Jump to the remark at the end of the form",
            "Spring naar de opmerking onderaan het formulier",
        ),
        "ui.eval.save": ("Save", "Bewaar"),
        "ui.eval.cancel": ("Cancel", "Annuleer"),
        "ui.eval.context": (
            "Scale: {scale}. Choose with ←/→ or the number, enter: next field, "
            "ctrl+r: remark; competencies left unrated (0) are not stored.",
            "Schaal: {scale}. Kies met ←/→ of het cijfer, enter: volgend veld, "
            "ctrl+r: opmerking; competenties zonder niveau (0) worden niet bewaard.",
        ),
        "ui.eval.closed": (
            "This plan is closed: it has to be reopened before an evaluation can be saved.",
            "Dit plan is afgesloten: heropen het voor je een evaluatie bewaart.",
        ),
        "ui.eval.previous": (
            "{evaluation} ({on}): {said}",
            "{evaluation} ({on}): {said}",
        ),
        "ui.eval.date": ("Date", "Datum"),
        "ui.eval.participants": ("Participants", "Deelnemers"),
        "ui.eval.participants_hint": (
            "Names separated by commas.",
            "Namen gescheiden door komma's.",
        ),
        "ui.eval.no_participants": (
            "Name at least one participant.",
            "Vermeld minstens één deelnemer.",
        ),
        "ui.eval.before_start": (
            "{date} is before the plan's start ({bound}).",
            "{date} valt voor de start van het plan ({bound}).",
        ),
        "ui.eval.in_future": (
            "{date} is in the future (today is {bound}).",
            "{date} ligt in de toekomst (vandaag is {bound}).",
        ),
        "ui.eval.job": ("A. Job competencies", "A. Jobcompetenties"),
        "ui.eval.personal": ("B. Personal competencies", "B. Persoonlijke competenties"),
        "ui.eval.remark": ("Remark", "Opmerking"),
        "ui.eval.no_ratings": (
            "Rate at least one competency.",
            "Beoordeel minstens één competentie.",
        ),
        "ui.eval.saved": (
            "Evaluation {evaluation} of {plan} saved ({count} ratings).",
            "Evaluatie {evaluation} van {plan} bewaard ({count} beoordelingen).",
        ),
        "ui.eval.discard_question": (
            "Throw away what you typed in this evaluation?",
            "Wat je in deze evaluatie typte weggooien?",
        ),
        "ui.eval.discard_yes": ("Yes, discard", "Ja, weggooien"),
        "ui.eval.discard_no": ("No, keep editing", "Nee, verder bewerken"),
    }
)
