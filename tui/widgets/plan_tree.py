"""The plan as a tree: A competencies -> rows -> actions, B personal competencies, evaluations.

Nodes carry domain ids and are kept in an id -> node map, so a refresh from the
projection updates labels in place and appends new nodes: expansion and the
cursor survive every change, including other people's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from core.i18n import fmt_date, fmt_short_date, language, register, t
from core.planview import CompetencyView, PlanView, RowView
from core.projections import STATUS_SYMBOL, Status
from tui.commands import localize_bindings
from tui.widgets.text import STATUS_COMPONENT, action_word, one_line

JOB = "#A"
PERSONAL = "#B"
EVALUATIONS = "#E"
"""Ids of the three branch nodes (never a domain id: those have no '#')."""

MAX_LABEL = 160
"""Labels are cut here; the detail pane has the full text."""


@dataclass(frozen=True, slots=True)
class TreeItem:
    """One node as the tree should show it."""

    key: str
    parent: str | None
    label: Text
    expandable: bool
    expanded: bool = False


class PlanTree(Tree[str]):
    """Posts `Highlighted(node_id)` when the cursor moves (a domain id or a branch id)."""

    BINDINGS: ClassVar = [
        Binding("right", "open_node", "ui.key.open_node", show=False),
        Binding("left", "close_node", "ui.key.close_node", show=False),
        Binding("space", "toggle_node", "ui.key.toggle", show=False),
        Binding("shift+space", "toggle_expand_all", "ui.key.toggle_all", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *STATUS_COMPONENT.values(),
        "plan-tree--branch",
        "plan-tree--count",
        "plan-tree--complete",
    }

    DEFAULT_CSS = """
    PlanTree { overflow-x: hidden; }
    PlanTree > .status--overdue { color: $error; text-style: bold; }
    PlanTree > .status--done { color: $success; }
    PlanTree > .status--na { color: $text-muted; }
    PlanTree > .plan-tree--branch { text-style: bold; }
    PlanTree > .plan-tree--count { color: $text-muted; }
    PlanTree > .plan-tree--complete { color: $success; }
    """

    @dataclass
    class Highlighted(Message):
        node_id: str

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("plan", **kwargs)
        localize_bindings(self)
        self.show_root = False
        self.guide_depth = 2
        self._by_id: dict[str, TreeNode[str]] = {}
        self.marked: frozenset[str] = frozenset()
        """Actions marked to be planned or completed together (shown with »)."""

    @property
    def current(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def show_plan(self, view: PlanView) -> None:
        """Make the tree show the plan: relabel what exists, add what is new, keep the cursor."""
        cursor = self.cursor_node
        added = False
        with self.app.batch_update():
            for item in self.items(view):
                node = self._by_id.get(item.key)
                if node is None:
                    parent = self.root if item.parent is None else self._by_id[item.parent]
                    node = parent.add(
                        item.label,
                        data=item.key,
                        expand=item.expanded,
                        allow_expand=item.expandable,
                    )
                    self._by_id[item.key] = node
                    added = True
                elif node.label != item.label:
                    node.set_label(item.label)
        if added and cursor is not None:
            # New lines above the cursor shift it; put it back on the same node.
            _ = self.last_line
            if cursor.line != self.cursor_line:
                self.move_cursor(cursor)
        elif self.cursor_line < 0 and self._by_id:
            self.cursor_line = 0

    def select(self, node_id: str) -> None:
        """Move the cursor to a node, opening its ancestors."""
        node = self._by_id.get(node_id)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        _ = self.last_line
        self.move_cursor(node)

    def matches(self, query: str) -> list[str]:
        """The nodes whose id starts with the query or whose label contains it, in the
        plan's order; case-insensitive."""
        needle = query.strip().casefold()
        if not needle:
            return []
        return [
            key
            for key, node in self._by_id.items()
            if not key.startswith("#")
            and (key.casefold().startswith(needle) or needle in str(node.label).casefold())
        ]

    def search(
        self, query: str, step: int, origin: tuple[str | None, frozenset[str]] | None
    ) -> tuple[int, int] | None:
        """Find-as-you-type: the first match from where the search began (`origin`, as
        `remember` saw it), or with `step` the next (1) or previous (-1) match. Only the
        match's branches are opened; without a match the tree is as it was at `origin`.

        Returns (the match's number, how many match), or None when nothing matches."""
        found, current = self.matches(query), self.current
        if origin is not None:
            self.restore((None if found else origin[0], origin[1]))
        if not found:
            return None
        if step and current in found:
            at = (found.index(current) + step) % len(found)
        else:
            keys = list(self._by_id)
            start = keys.index(origin[0]) if origin and origin[0] in keys else 0
            at = next((i for i, key in enumerate(found) if keys.index(key) >= start), 0)
        self.select(found[at])
        return at + 1, len(found)

    def remember(self) -> tuple[str | None, frozenset[str]]:
        """The cursor's node and the open branches, to go back to with `restore`."""
        opened = frozenset(key for key, node in self._by_id.items() if node.is_expanded)
        return self.current, opened

    def restore(self, view: tuple[str | None, frozenset[str]]) -> None:
        """Put the cursor and the open branches back as `remember` saw them."""
        cursor, opened = view
        with self.app.batch_update():
            for key, node in self._by_id.items():
                if node.is_expanded and key not in opened:
                    node.collapse()
                elif not node.is_expanded and key in opened:
                    node.expand()
            if cursor is not None and cursor in self._by_id:
                _ = self.last_line
                self.move_cursor(self._by_id[cursor])

    def action_open_node(self) -> None:
        """Right arrow: open a closed branch, or step into an open one."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            self.action_cursor_down()

    def action_close_node(self) -> None:
        """Left arrow: close an open branch, or step out to the parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    # --- labels ----------------------------------------------------------------------------

    def items(self, view: PlanView) -> list[TreeItem]:
        """The tree's nodes as `view` has them: every status and count is the view's."""
        style = self._style
        found = [TreeItem(view.id, None, self._plan_label(view), False)]
        total = view.summary
        found.append(
            TreeItem(
                JOB,
                None,
                self._label(
                    (t("ui.tree.job"), style("plan-tree--branch")),
                    (f" {total.done}/{total.total}", style("plan-tree--count")),
                ),
                True,
                expanded=True,
            )
        )
        for comp in view.competencies:
            found.append(TreeItem(comp.id, JOB, self._competency_label(comp), True))
            for row in comp.rows:
                found.append(TreeItem(row.id, comp.id, self._row_label(row), True))
                for action in row.actions:
                    status = action.status
                    mark = "» " if action.id in self.marked else ""
                    label = self._label(
                        (mark, style("plan-tree--branch")),
                        (f"{STATUS_SYMBOL[status]} {action.id} ", style(STATUS_COMPONENT[status])),
                        (action_word(action), style(STATUS_COMPONENT[status])),
                        (f" {one_line(action.text)}", ""),
                    )
                    found.append(TreeItem(action.id, row.id, label, False))
        found.append(
            TreeItem(
                PERSONAL,
                None,
                self._label((t("ui.tree.personal"), style("plan-tree--branch"))),
                True,
            )
        )
        for pers in view.personal:
            parts: list[tuple[str, Style | str]] = [(f"{pers.id} {one_line(pers.name)}", "")]
            if pers.latest is not None:
                parts.append((f" · {pers.latest.word(language())}", style("plan-tree--count")))
            found.append(TreeItem(pers.id, PERSONAL, self._label(*parts), False))
        found.append(
            TreeItem(
                EVALUATIONS,
                None,
                self._label(
                    (t("ui.tree.evaluations"), style("plan-tree--branch")),
                    (f" ({len(view.evaluations)})", style("plan-tree--count")),
                ),
                True,
                expanded=True,
            )
        )
        for evaluation in view.evaluations:
            signed = sorted({s.role for s in evaluation.signoffs if s.current})
            label = self._label(
                (f"{evaluation.id} {fmt_date(evaluation.on)}", ""),
                (
                    " · "
                    + t("ui.tree.ratings", count=len(evaluation.ratings))
                    + (" · ✔ " + ", ".join(t(f"role.{r}") for r in signed) if signed else ""),
                    style("plan-tree--count"),
                ),
            )
            found.append(TreeItem(evaluation.id, EVALUATIONS, label, False))
        return found

    def _plan_label(self, view: PlanView) -> Text:
        closed = f" · {t(f'outcome.{view.closed.outcome}')}" if view.closed else ""
        return self._label(
            (t("ui.tree.plan", plan=view.id), self._style("plan-tree--branch")),
            (f" {one_line(view.trainee)}{closed}", ""),
        )

    def _competency_label(self, comp: CompetencyView) -> Text:
        c = comp.progress
        complete = c.total > 0 and c.done == c.total
        mark = "✔ " if complete else ""
        count_style = "plan-tree--complete" if complete else "plan-tree--count"
        return self._label(
            (f"{comp.id} ", ""),
            (f"{mark}{c.done}/{c.total}", self._style(count_style)),
            (f" {one_line(comp.title)}", ""),
        )

    def _row_label(self, row: RowView) -> Text:
        c = row.progress
        style = self._style
        parts: list[tuple[str, Style | str]] = [(f"{row.id} ", "")]
        if row.done_on is not None:
            parts.append((f"✔ {fmt_short_date(row.done_on)}", style(STATUS_COMPONENT[Status.DONE])))
        else:
            parts.append((f"{c.done}/{c.total}", style("plan-tree--count")))
            if row.overdue:
                parts.append((f" ! {row.overdue}", style(STATUS_COMPONENT[Status.OVERDUE])))
        skills = row.skills[0] if row.skills else t("ui.tree.own_row")
        parts.append((f" {one_line(skills)}", ""))
        return self._label(*parts)

    def _style(self, component: str) -> Style:
        """Only what the component's CSS sets, so the cursor's background still shows."""
        return self.get_component_rich_style(component, partial=True)

    @staticmethod
    def _label(*parts: tuple[str, Style | str]) -> Text:
        text = Text.assemble(*parts, no_wrap=True, end="")
        text.truncate(MAX_LABEL, overflow="ellipsis")
        return text

    def _on_resize(self, event: events.Resize) -> None:
        # Textual's Tree drops every line it drew on a resize, though each is cached by its
        # width: the first layout's Resize, handled after the first frame, drew it all again.
        event.prevent_default()
        self._line_cache.grow(event.size.height)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Highlighted(event.node.data))


register(
    {
        "ui.key.open_node": ("Open a branch / step in", "Tak openen / erin stappen"),
        "ui.key.close_node": ("Close a branch / to its parent", "Tak sluiten / naar bovenliggende"),
        "ui.key.toggle": ("Open / close", "Open / dicht"),
        "ui.key.toggle_all": ("Open / close all below", "Alles eronder open / dicht"),
        "ui.tree.plan": ("Plan {plan}", "Plan {plan}"),
        "ui.tree.job": ("A. Job competencies", "A. Jobgerelateerde competenties"),
        "ui.tree.personal": ("B. Personal competencies", "B. Persoonsgebonden competenties"),
        "ui.tree.evaluations": ("Evaluations", "Evaluaties"),
        "ui.tree.ratings": ("{count} ratings", "{count} beoordelingen"),
        "ui.tree.own_row": ("own row", "eigen rij"),
    }
)
