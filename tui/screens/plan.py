"""The plan screen: the plan as a tree beside the details of the selected node.

Every key turns into one core command (often after a small form). Whether a key
applies to the selected node is asked of the core itself, by running the command
against the current state without writing it, so the footer and the refusal
message say exactly what the command would say.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content

from core.erasure import erased_text
from core.history import HistoryEntry
from core.i18n import fmt_date, fmt_time, t
from core.planview import PlanView, ViewCache
from core.projections import ActionState, PlanState, StoreState
from tui.screens import plan_rules as rules
from tui.screens import plan_text  # noqa: F401 - registers the screen's messages
from tui.screens.base import LeerpadScreen
from tui.screens.erase_rules import refusal as erase_refusal
from tui.screens.plan_bulk import BulkKeys
from tui.screens.plan_find import FindKeys
from tui.screens.plan_keys import NodeKeys
from tui.screens.plan_opens import OpenKeys
from tui.screens.plan_signatures import SignatureVerdicts
from tui.widgets.banner import Banner, TitleBar
from tui.widgets.detail import DetailPane, describe
from tui.widgets.footer import Footer
from tui.widgets.plan_tree import PlanTree
from tui.widgets.text import one_line


class PlanScreen(NodeKeys, BulkKeys, OpenKeys, FindKeys, SignatureVerdicts, LeerpadScreen):
    CSS_PATH = "plan.tcss"
    HELP_WIDGETS = (PlanTree,)
    AUTO_FOCUS = "#tree"
    """Focused as the screen is resumed: `focus()` in on_mount would move the focus (and
    restyle and redraw the tree) only after the first frame."""

    BINDINGS: ClassVar = [
        Binding(
            "p", "plan_date", "ui.key.plan_date", id="plan_date", tooltip="ui.key.plan_date.tip"
        ),
        Binding("d", "done", "ui.key.done", id="done", tooltip="ui.key.done.tip"),
        Binding("v", "mark", "ui.key.mark", id="mark", tooltip="ui.key.mark.tip"),
        Binding(
            "P",
            "schedule",
            "ui.key.schedule",
            id="schedule",
            show=False,
            tooltip="ui.key.schedule.tip",
        ),
        Binding("r", "reopen", "ui.key.reopen", id="reopen", tooltip="ui.key.reopen.tip"),
        Binding(
            "x", "toggle_na", "ui.key.toggle_na", id="toggle_na", tooltip="ui.key.toggle_na.tip"
        ),
        Binding(
            "a", "add_action", "ui.key.add_action", id="add_action", tooltip="ui.key.add_action.tip"
        ),
        Binding("m", "note", "ui.key.note", id="note", tooltip="ui.key.note.tip"),
        Binding("e", "evaluate", "ui.key.evaluate", id="evaluate", tooltip="ui.key.evaluate.tip"),
        Binding("s", "sign_off", "ui.key.sign_off", id="sign_off", tooltip="ui.key.sign_off.tip"),
        Binding(
            "h", "history", "ui.key.history", id="plan_history", tooltip="ui.key.plan_history.tip"
        ),
        Binding("o", "export", "ui.key.export", id="export", tooltip="ui.key.export.tip"),
        Binding("i", "edit_plan", "ui.key.details", id="plan_edit", tooltip="ui.key.edit_plan.tip"),
        Binding(
            "C",
            "close_plan",
            "ui.key.close_plan",
            id="close_plan",
            tooltip="ui.key.close_plan.tip",
        ),
        Binding(
            "E",
            "erase_plan",
            "ui.key.erase_plan",
            id="erase_plan",
            show=False,
            tooltip="ui.key.erase_plan.tip",
        ),
        Binding("slash", "find", "ui.key.find", id="find", tooltip="ui.key.find.tip"),
        Binding(
            "f", "form_table", "ui.key.form_table", id="form_table", tooltip="ui.key.form_table.tip"
        ),
        Binding("g", "progress", "ui.key.progress", id="progress", tooltip="ui.key.progress.tip"),
        Binding("escape", "back", "ui.key.back", id="back"),
    ]
    GUARDED = frozenset({*rules.CHANGING, "erase_plan"})

    def __init__(
        self, plan_id: str, *, as_of: int | None = None, select: str | None = None
    ) -> None:
        super().__init__()
        self.plan_id = plan_id.upper()
        self._select_first = select
        self.as_of = as_of
        self._frozen: StoreState | None = None
        self._shown_node: str | None = None
        self.marked: list[str] = []
        self._own_history: tuple[tuple[int, int], list[HistoryEntry]] | None = None
        """This plan's history entries, and (upto, records indexed) when they were computed."""
        self._erased_seen = False
        self._view = ViewCache()
        self._defer_history = False

    # --- the state shown -----------------------------------------------------------------

    @property
    def state(self) -> StoreState:
        if self.as_of is None:
            return self.leerpad.store.state
        if self._frozen is None:
            self._frozen = self.leerpad.store.state_at(self.as_of)
        return self._frozen

    @property
    def plan(self) -> PlanState | None:
        return self.state.plan(self.plan_id)

    @property
    def view(self) -> PlanView | None:
        """The plan as every part of this screen (and the screens it opens) shows it."""
        plan = self.plan
        return None if plan is None else self._view.get(plan, self.today())

    def today(self) -> date:
        """Statuses are judged on today; an old version on the day it was current."""
        if self.as_of is not None:
            entry = self._entry(self.as_of)
            if entry is not None:
                return entry.time.astimezone().date()
        return self.leerpad.today()

    def _entry(self, seq: int) -> HistoryEntry | None:
        index = self.leerpad.history()
        return index.entry(seq) if index is not None and 0 < seq <= index.count else None

    # --- composing and refreshing --------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Banner()
        with Horizontal():
            yield PlanTree(id="tree")
            yield DetailPane(id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.plan is None:
            self.notify(t("err.unknown_plan", plan=self.plan_id), severity="error", markup=False)
            self.app.pop_screen()
            return
        if self.as_of is None:
            self._erased_seen = self.plan.erased is not None  # type: ignore[union-attr]
            self.follow("seq", self._refresh)
            self.watch(self.app, "seq", self._erased_meanwhile, init=False)
        self.follow("history_seq", self._history_read)
        # Not before the first frame if it means reading the log in a thread (slowing this).
        self._defer_history = self.leerpad.history_is_far
        self._refresh()
        tree = self.query_one(PlanTree)
        if self._select_first is not None:
            tree.select(self._select_first)
        tree.focus()
        if self._defer_history:
            self.call_after_refresh(self._history_read)

    def _refresh(self) -> None:
        plan = self.plan
        if plan is None:
            return
        tree = self.query_one(PlanTree)
        tree.show_plan(self._view.get(plan, self.today()))
        self.query_one(TitleBar).title = Content.assemble(
            ("leerpad", "bold"),
            f" · {t('ui.tree.plan', plan=plan.id)} · ",
            one_line(plan.trainee),
            f" · {one_line(plan.company)}" if plan.company else "",
            (f" · {one_line(plan.title)}", "dim"),
        )
        self.query_one(Banner).message = self._banner(plan)
        self._show_detail(tree.current or plan.id)
        self.refresh_bindings()

    def _erased_meanwhile(self, _seq: int) -> None:
        """Erased (here, or by someone else) while open: close what shows its texts above."""
        plan = self.plan
        if plan is not None and plan.erased is not None and not self._erased_seen:
            self._erased_seen = True
            self.pop_until_active()

    def _banner(self, plan: PlanState) -> str:
        if self.as_of is not None:
            entry = self._entry(self.as_of)
            when = f"{entry.actor}, {fmt_time(entry.time)}" if entry else ""
            return t("ui.plan.as_of", seq=self.as_of, when=when)
        if self.leerpad.read_only:
            return t("ui.read_only", reason=self.leerpad.read_only)
        if self.marked:
            return t("ui.bulk.status", count=len(self.marked))
        if plan.erased is not None:
            return t("ui.plan.erased", erased=erased_text(plan), reason=plan.erased.reason)
        if plan.closed:
            return t(
                "ui.plan.closed",
                outcome=t(f"outcome.{plan.closed.outcome}"),
                on=fmt_date(plan.closed.on),
            )
        return ""

    def _history_read(self) -> None:
        deferred, self._defer_history = self._defer_history, False
        if self._shown_node is not None and (deferred or not self.leerpad.history_loading):
            self._show_detail(self._shown_node)

    def _plan_history(self, plan_id: str) -> list[HistoryEntry] | None:
        """This plan's history up to the state shown, or None while the log is first read.

        Folds only this plan's records (see `LeerpadApp.plan_history`), once per change."""
        if self._defer_history:
            return None
        upto = self.state.seq if self.as_of is None else self.as_of
        if self._own_history is None or self._own_history[0] != (upto, self._indexed()):
            entries = self.leerpad.plan_history(plan_id, upto)
            if entries is None:
                return None
            self._own_history = ((upto, self._indexed()), entries)
        return self._own_history[1]

    def _indexed(self) -> int:
        return self.leerpad.history_index.count

    def _show_detail(self, node_id: str) -> None:
        plan = self.plan
        if plan is None:
            return
        entries = self._plan_history(plan.id)
        verdicts = self.signature_verdicts(plan)
        self.query_one(DetailPane).show(
            describe(self._view.get(plan, self.today()), node_id, entries, verdicts),
            same_node=node_id == self._shown_node,
        )
        self._shown_node = node_id

    @on(PlanTree.Highlighted)
    def _highlighted(self, message: PlanTree.Highlighted) -> None:
        # The first node is shown by _refresh already, before its Highlighted arrives.
        if message.node_id != self._shown_node:
            self._show_detail(message.node_id)
        self.refresh_bindings()

    # --- what applies to the selected node ----------------------------------------------

    @property
    def selected(self) -> str:
        return self.query_one(PlanTree).current or self.plan_id

    def _selected_action(self) -> ActionState | None:
        plan = self.plan
        return plan.action(self.selected) if plan else None

    def _add_under(self) -> str | None:
        plan = self.plan
        return rules.add_under(plan, self.selected) if plan else None

    def _note_target(self) -> str:
        plan = self.plan
        return rules.note_target(plan, self.selected) if plan else self.plan_id

    def why_not(self, action: str) -> str | None:
        if action in self.GUARDED and self.as_of is not None:
            return t("ui.plan.as_of_key", seq=self.as_of)
        reason = super().why_not(action)
        if action == "erase_plan":
            return reason or erase_refusal(self.leerpad.store, self.plan_id)
        plan = self.plan
        if reason is not None or action not in self.GUARDED or plan is None:
            return reason
        return rules.refusal(self.state, plan, self.selected, action, self.today(), self.marked)

    def footer_actions(self) -> list[str] | None:
        """Only what concerns the selected node; everything else stays in help and ctrl+p."""
        plan = self.plan
        if self.as_of is not None or plan is None:
            return ["back", "history"]
        return rules.footer_keys(
            plan, self.selected, wide=self.size.width >= 100, marking=bool(self.marked)
        )

    # --- keys ----------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.clear_marks():
            return
        self.app.pop_screen()
