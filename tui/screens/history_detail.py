"""One history entry in full: every field, before -> after, and the reason or note."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core.history import HistoryEntry
from core.i18n import fmt_time, register, t
from tui.screens.history_filter import kind_label
from tui.widgets.footer import Footer
from tui.widgets.history_table import who
from tui.widgets.text import literal_text

if TYPE_CHECKING:
    from tui.app import LeerpadApp


class HistoryDetailScreen(ModalScreen[int | None]):
    """Returns the entry's seq when the user asks for the plan as it was, else None."""

    CSS_PATH = "history.tcss"

    BINDINGS: ClassVar = [
        Binding("escape", "close", "ui.histd.close", id="history_detail.close"),
        Binding("t", "as_of", "ui.hist.key.as_of", id="history_detail.as_of"),
        Binding("enter", "as_of", "ui.hist.key.as_of", show=False),
    ]

    def __init__(self, entry: HistoryEntry, *, plan_known: bool = True) -> None:
        super().__init__()
        self.entry = entry
        self.plan_known = plan_known

    def compose(self) -> ComposeResult:
        e = self.entry
        with Vertical(id="histd-box"):
            yield Static(t("ui.histd.title", seq=e.seq), id="histd-title")
            with VerticalScroll(id="histd-body"):
                for key, value in self._fields():
                    with Horizontal(classes="histd-field"):
                        yield Label(t(key), classes="histd-label")
                        yield Static(
                            value, id=f"histd-{key.rsplit('.', 1)[1]}", classes="histd-value"
                        )
                hint = "ui.histd.as_of_hint" if self.plan_known and e.plan else "ui.histd.no_plan"
                yield Static(Text(t(hint, seq=e.seq), style="italic"), id="histd-hint")
            yield Footer()

    def _fields(self) -> list[tuple[str, Text]]:
        e = self.entry
        return [
            ("ui.histd.seq", Text(str(e.seq))),
            ("ui.histd.time", Text(fmt_time(e.time))),
            ("ui.histd.who", literal_text(who(e.actor))),
            ("ui.histd.plan", Text(e.plan or "-")),
            ("ui.histd.kind", Text(f"{kind_label(e.kind)} ({e.kind})")),
            ("ui.histd.target", Text(e.target or "-")),
            ("ui.histd.what", literal_text(e.describe())),
            ("ui.histd.before", literal_text(e.before or "-")),
            ("ui.histd.after", literal_text(e.after or "-")),
            ("ui.histd.detail", literal_text(e.detail or "-")),
        ]

    def on_mount(self) -> None:
        self._was_erased = self._erased()
        self.watch(self.app, "seq", self._erased_meanwhile, init=False)

    def _erased(self) -> bool:
        state = cast("LeerpadApp", self.app).store.state
        plan = state.plan(self.entry.plan) if self.entry.plan else None
        return plan is not None and plan.erased is not None

    def _erased_meanwhile(self, _seq: int) -> None:
        """Its plan erased while this is open (here or by someone else): its texts go too."""
        if not self._was_erased and self._erased():
            self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "as_of":
            return True if self.plan_known and self.entry.plan else None
        return True

    def action_as_of(self) -> None:
        self.dismiss(self.entry.seq)

    def action_close(self) -> None:
        self.dismiss(None)


register(
    {
        "ui.histd.title": ("Change #{seq}", "Wijziging #{seq}"),
        "ui.histd.close": ("Close", "Sluiten"),
        "ui.histd.seq": ("Change", "Wijziging"),
        "ui.histd.time": ("Time", "Tijd"),
        "ui.histd.who": ("Who", "Wie"),
        "ui.histd.plan": ("Plan", "Plan"),
        "ui.histd.kind": ("Kind", "Soort"),
        "ui.histd.target": ("About", "Over"),
        "ui.histd.what": ("What", "Wat"),
        "ui.histd.before": ("Before", "Voor"),
        "ui.histd.after": ("After", "Na"),
        "ui.histd.detail": ("Reason / note", "Reden / notitie"),
        "ui.histd.as_of_hint": (
            "Press t or enter to see the plan as it was after change #{seq}.",
            "Druk t of enter om het plan te zien zoals het was na wijziging #{seq}.",
        ),
        "ui.histd.no_plan": (
            "This change belongs to no plan that still exists.",
            "Deze wijziging hoort bij geen bestaand plan.",
        ),
    }
)
