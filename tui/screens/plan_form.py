"""The plan details form: a new plan (occupation from the catalog) or edited details of one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select

from catalog import Catalog
from core.commands import MAX_WEEKS
from core.i18n import fmt_date, register, t
from core.projections import PlanState
from tui.screens.forms import FormScreen
from tui.widgets.fields import ChoiceField, DateField, DateText, Field, Limited, Required, Weeks

FIELDS = ("trainee", "contract", "company", "contact", "start", "weeks")


@dataclass(frozen=True, slots=True)
class PlanDetails:
    """What the form returns. For an edit, only the fields that changed are set."""

    occupation: str | None = None
    trainee: str | None = None
    contract: str | None = None
    company: str | None = None
    contact: str | None = None
    start: date | None = None
    weeks: int | None = None

    def changes(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name) is not None}


class PlanForm(FormScreen[PlanDetails]):
    """Without a plan: a new plan. With one: its details, prefilled."""

    AUTO_FOCUS = "#trainee-input"

    def __init__(self, catalog: Catalog, today: date, plan: PlanState | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.today = today
        self.plan = plan
        if plan is None:
            self.title_text = t("ui.planform.new_title")
        else:
            self.title_text = t("ui.planform.edit_title", plan=plan.id)
            self.context_text = f"{plan.title} ({plan.occupation} v{plan.occupation_version})"

    def fields(self) -> ComposeResult:
        plan = self.plan
        if plan is None:
            profiles = self.catalog.profiles()
            yield ChoiceField(
                t("ui.label.occupation"),
                [(p.title, p.id) for p in profiles],
                value=profiles[0].id if profiles else None,
                prompt=t("ui.planform.no_occupations"),
                id="occupation",
            )
        value = (lambda name: str(getattr(plan, name))) if plan else (lambda name: "")
        yield Field(
            t("ui.label.trainee"),
            value=value("trainee"),
            validators=[Required(), Limited()],
            id="trainee",
        )
        for name in ("contract", "company", "contact"):
            yield Field(t(f"ui.label.{name}"), value=value(name), validators=[Limited()], id=name)
        yield DateField(
            t("ui.label.start"),
            today=self.today,
            value=fmt_date(plan.start if plan else self.today),
            validator=DateText(self.today, latest=self._latest_start()),
            id="start",
        )
        yield Field(
            t("ui.label.weeks"),
            value=str(plan.weeks) if plan else str(self._profile_weeks()),
            validators=[Weeks()],
            hint=t("ui.planform.weeks_hint"),
            id="weeks",
        )

    def _latest_start(self) -> tuple[date, str] | None:
        """An edited start may not move past an action already completed."""
        if self.plan is None:
            return None
        done = [a.done_on for a in self.plan.actions() if a.done_on is not None]
        return (min(done), "ui.planform.start_after_done") if done else None

    def _profile_weeks(self) -> int:
        occupation = self._occupation()
        if occupation is None:
            return MAX_WEEKS
        return self.catalog.get(occupation).weeks or MAX_WEEKS

    def _occupation(self) -> str | None:
        if self.plan is not None:
            return None
        if not self.is_mounted:
            profiles = self.catalog.profiles()
            return profiles[0].id if profiles else None
        return self.query_one("#occupation-row", ChoiceField).value

    @on(Select.Changed, "#occupation")
    def _occupation_changed(self) -> None:
        # Each occupation suggests its own duration; the user may still change it after.
        self.query_one("#weeks", Field).input.value = str(self._profile_weeks())

    def problem(self) -> str | None:
        if self.plan is None and self._occupation() is None:
            return t("ui.planform.no_occupations")
        return None

    def result(self) -> PlanDetails | None:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Field).value.strip()

        start = self.query_one("#start", DateField).date
        weeks = int(text("weeks"))
        values: dict[str, object] = {
            "trainee": text("trainee"),
            "contract": text("contract"),
            "company": text("company"),
            "contact": text("contact"),
            "start": start,
            "weeks": weeks,
        }
        if self.plan is None:
            return PlanDetails(occupation=self._occupation(), **values)  # type: ignore[arg-type]
        changed = {k: v for k, v in values.items() if getattr(self.plan, k) != v}
        return PlanDetails(**changed)  # type: ignore[arg-type]


register(
    {
        "ui.planform.new_title": ("New plan", "Nieuw plan"),
        "ui.planform.edit_title": ("Details of plan {plan}", "Gegevens van plan {plan}"),
        "ui.planform.no_occupations": (
            "The catalog has no occupations (see: leerpad catalog).",
            "De catalogus bevat geen beroepen (zie: leerpad catalog).",
        ),
        "ui.planform.weeks_hint": (
            "An IBO runs 4 to 26 weeks.",
            "Een IBO duurt 4 tot 26 weken.",
        ),
        "ui.planform.start_after_done": (
            "The start cannot be after {bound}: an action was completed then.",
            "De start kan niet na {bound} liggen: toen werd een actie afgewerkt.",
        ),
    }
)
