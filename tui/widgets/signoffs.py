"""A plan's sign-offs as text: who signed which version in which role, and whether it changed since.

`signoff_lines(plan)` gives Rich Text lines for any pane; `SignOffList` is a
Static that shows them (set its `plan`). Status is a symbol and a word, never
colour alone.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from core.i18n import fmt_time, register, t
from core.projections import PlanState, SignOff, signoff_current
from tui.widgets.history_table import who
from tui.widgets.text import literal_text, one_line


def signed_what(plan: PlanState, signoff: SignOff, lang: str | None = None) -> str:
    """'plan P1 version 23' or 'evaluation E1' (the version it covers, in words)."""
    if signoff.subject == "plan":
        return t("ui.signoffs.plan_version", lang, plan=plan.id, seq=signoff.covers_seq)
    return t("ui.signoffs.evaluation", lang, evaluation=signoff.subject)


def is_current(plan: PlanState, signoff: SignOff) -> bool:
    """Evaluations never change once recorded; a plan sign-off goes stale on any change."""
    return signoff_current(plan, signoff)


def signoff_lines(plan: PlanState, lang: str | None = None) -> list[Text]:
    """One line per sign-off (oldest first), plus its remark; a line saying there are none."""
    if not plan.signoffs:
        return [Text(t("ui.signoffs.none", lang), style="italic")]
    lines: list[Text] = []
    for signoff in plan.signoffs:
        current = is_current(plan, signoff)
        symbol = "✔" if current else "⚠"
        line = Text(f"{symbol} ")
        line.append(t(f"role.{signoff.role}", lang), style="bold")
        line.append(" ")
        line.append_text(literal_text(who(signoff.actor)))
        line.append(
            " "
            + t(
                "ui.signoffs.signed",
                lang,
                what=signed_what(plan, signoff, lang),
                at=fmt_time(signoff.time),
            )
        )
        if signoff.mismatch:
            line.append(" — " + t("ui.signoffs.mismatch", lang), style="bold")
        elif not current:
            line.append(
                " — " + t("ui.signoffs.changed_since", lang, seq=plan.version),
                style="bold",
            )
        lines.append(line)
        if signoff.remark:
            remark = Text("    “")
            remark.append_text(literal_text(one_line(signoff.remark)))
            remark.append("”")
            lines.append(remark)
    return lines


class SignOffList(Static):
    """The sign-off lines of `plan` (None shows nothing)."""

    DEFAULT_CSS = """
    SignOffList { height: auto; }
    """

    plan: reactive[PlanState | None] = reactive(None, always_update=True)

    def watch_plan(self, plan: PlanState | None) -> None:
        self.update(Text("\n").join(signoff_lines(plan)) if plan is not None else "")


register(
    {
        "ui.signoffs.none": ("Not signed off yet.", "Nog niet afgetekend."),
        "ui.signoffs.plan_version": (
            "plan {plan} as of change {seq}",
            "plan {plan} zoals na wijziging {seq}",
        ),
        "ui.signoffs.evaluation": ("evaluation {evaluation}", "evaluatie {evaluation}"),
        "ui.signoffs.signed": ("signed {what} on {at}", "tekende {what} af op {at}"),
        "ui.signoffs.mismatch": (
            "does not match the record it names (run leerpad verify)",
            "klopt niet met het record dat het noemt (voer leerpad verify uit)",
        ),
        "ui.signoffs.changed_since": (
            "changed since (now at change {seq})",
            "sindsdien gewijzigd (nu na wijziging {seq})",
        ),
    }
)
