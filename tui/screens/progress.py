"""The progress picture of a plan (g on the plan screen): done % against expected % week by
week since the start with today marked, and a bar per job competency."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from core import progress
from core.i18n import register, t
from tui.screens.base import LeerpadScreen
from tui.widgets.banner import TitleBar
from tui.widgets.plan_table import state_label
from tui.widgets.progress_chart import chart, competency_bars, legend
from tui.widgets.text import one_line

if TYPE_CHECKING:
    from tui.screens.plan import PlanScreen

CHART_ROWS = (4, 10)
"""The plot's height grows with the terminal between these bounds."""


class ProgressScreen(LeerpadScreen):
    """Opened from a plan screen (`origin`), whose state, today and version it shows."""

    DEFAULT_CSS = """
    ProgressScreen > VerticalScroll { height: 1fr; padding: 0 1; }
    ProgressScreen Static { width: 1fr; height: auto; }
    ProgressScreen #progress-chart { text-wrap: nowrap; }
    ProgressScreen #progress-bars { text-wrap: nowrap; margin-top: 1; }
    """

    BINDINGS: ClassVar = [
        Binding("escape,g", "back", "ui.key.progress_back", id="progress_back"),
    ]

    def __init__(self, origin: PlanScreen) -> None:
        super().__init__()
        self.origin = origin
        self.plan_id = origin.plan_id

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(can_focus=True):
            yield Static(id="progress-summary")
            yield Static(id="progress-chart")
            yield Static(id="progress-bars")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.origin.as_of is None:
            self.follow("seq", self._refresh)
        self._refresh()
        self.query_one(VerticalScroll).focus()

    def on_resize(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        view = self.origin.view
        if view is None:
            return
        summary = view.summary
        width = max(20, self.size.width - 3)
        competencies = progress.by_competency(view)
        # What is left of the screen after the title, the footer, the summary, the axis and
        # its labels, the gap and the bars goes to the plot.
        spare = self.size.height - 2 - 2 - 3 - 1 - len(competencies)
        rows = max(CHART_ROWS[0], min(CHART_ROWS[1], spare))
        state, _ = state_label(summary)
        self.query_one("#progress-summary", Static).update(
            Content(
                t(
                    "ui.progress.summary",
                    week=summary.week,
                    weeks=summary.weeks,
                    done=summary.done,
                    total=summary.total,
                    percent=round(summary.percent),
                    expected=round(summary.expected),
                    state=state,
                )
                + "\n"
                + legend()
            )
        )
        lines = chart(progress.weekly(view), summary.week, width=width, height=rows)
        self.query_one("#progress-chart", Static).update(Content("\n".join(lines)))
        self.query_one("#progress-bars", Static).update(
            Content("\n".join(competency_bars(competencies, width=width)))
        )
        self.query_one(TitleBar).title = Content.assemble(
            ("leerpad", "bold"),
            f" · {t('ui.tree.plan', plan=view.id)} · {t('ui.progress.title')} · ",
            one_line(view.trainee),
        )

    def action_back(self) -> None:
        self.app.pop_screen()


register(
    {
        "ui.key.progress_back": ("Back", "Terug"),
        "ui.progress.title": ("progress", "voortgang"),
        "ui.progress.summary": (
            "Week {week}/{weeks} · {done} of {total} done ({percent} %) · expected {expected} % "
            "· {state}",
            "Week {week}/{weeks} · {done} van {total} afgewerkt ({percent} %) · verwacht "
            "{expected} % · {state}",
        ),
    }
)
