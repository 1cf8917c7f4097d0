"""The catalog browser: occupations as a tree (competencies, rows, skills, actions, scale).

The tree shows one line per node; the pane beside it shows the selected node's
full text, wrapped. Nothing here writes: the catalog is read-only in the app.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode

from core.i18n import register, t
from tui.widgets.catalog_detail import CatalogItem, CatalogNode, item_text, profile_nodes, prune
from tui.widgets.footer import Footer
from tui.widgets.text import literal_text, one_line


class CatalogScreen(Screen[None]):
    """Browse every occupation profile of `app.catalog`."""

    CSS_PATH = "catalog_browser.tcss"

    BINDINGS: ClassVar = [
        Binding("escape", "back", "ui.catb.key.back", id="catalog.back"),
        Binding(
            "slash",
            "filter",
            "ui.catb.key.filter",
            id="catalog.filter",
            tooltip="ui.catb.key.filter.tip",
        ),
        Binding("plus", "expand_all", "ui.catb.key.expand", id="catalog.expand_all"),
        Binding("minus", "collapse_all", "ui.catb.key.collapse", id="catalog.collapse_all"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="catb-title")
        filter_input = Input(placeholder=t("ui.catb.filter_hint"), id="catb-filter", compact=True)
        filter_input.cursor_blink = False
        yield filter_input
        with Horizontal(id="catb-main"):
            tree: Tree[CatalogItem] = Tree(t("ui.catb.root"), id="catb-tree")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            with VerticalScroll(id="catb-detail"):
                yield Static(id="catb-text")
        yield Footer()

    def on_mount(self) -> None:
        catalog = self.app.catalog
        self.nodes = [profile_nodes(p) for p in catalog.profiles()]
        title = Text(t("ui.catb.title", count=len(self.nodes)), style="bold")
        if catalog.errors:
            title.append("   ⚠ " + t("ui.catb.errors", count=len(catalog.errors)))
        self.query_one("#catb-title", Static).update(title)
        self._fill("")
        self.query_one("#catb-tree", Tree).focus()

    def _fill(self, needle: str) -> None:
        """(Re)build the tree: everything, or only what matches `needle`."""
        tree = self.query_one("#catb-tree", Tree)
        tree.clear()
        shown = [n for n in (prune(node, needle) for node in self.nodes) if n is not None]
        for node in shown:
            _add(tree.root, node, expand=bool(needle))
        errors = self.app.catalog.errors
        if errors and not needle:
            problems = tree.root.add(
                Text("⚠ " + t("ui.catb.problems")), data=CatalogItem("", "problems")
            )
            for i, error in enumerate(errors):
                problems.add_leaf(
                    literal_text(one_line(error.path)), data=CatalogItem("", "error", index=i)
                )
        if tree.root.children:
            first = tree.root.children[0]
            first.expand()
            tree.move_cursor(first)
        else:
            self._show(None, empty="ui.catb.no_match" if needle else "ui.catb.empty")

    @on(Tree.NodeHighlighted, "#catb-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[CatalogItem]) -> None:
        self._show(event.node.data)

    def _show(self, item: CatalogItem | None, *, empty: str = "ui.catb.empty") -> None:
        text = Text(t(empty)) if item is None else item_text(self.app.catalog, item)
        self.query_one("#catb-text", Static).update(text)
        self.query_one("#catb-detail", VerticalScroll).scroll_home(animate=False)

    def action_filter(self) -> None:
        filter_input = self.query_one("#catb-filter", Input)
        filter_input.display = True
        filter_input.focus()

    @on(Input.Changed, "#catb-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value.strip().casefold())

    @on(Input.Submitted, "#catb-filter")
    def _filter_done(self) -> None:
        self.query_one("#catb-tree", Tree).focus()

    def action_back(self) -> None:
        """Escape clears a filter first, then leaves the catalog."""
        filter_input = self.query_one("#catb-filter", Input)
        if filter_input.display:
            filter_input.value = ""
            filter_input.display = False
            self.query_one("#catb-tree", Tree).focus()
            return
        self.dismiss()

    def action_expand_all(self) -> None:
        tree = self.query_one("#catb-tree", Tree)
        node = tree.cursor_node
        if node is not None:
            node.expand_all()

    def action_collapse_all(self) -> None:
        tree = self.query_one("#catb-tree", Tree)
        node = tree.cursor_node
        if node is not None:
            node.collapse_all()


def _add(parent: TreeNode[CatalogItem], node: CatalogNode, *, expand: bool) -> None:
    if not node.children:
        parent.add_leaf(node.label, data=node.item)
        return
    branch = parent.add(node.label, data=node.item, expand=expand)
    for child in node.children:
        _add(branch, child, expand=expand)


register(
    {
        "ui.catb.key.back": ("Back", "Terug"),
        "ui.catb.key.filter": ("Find", "Zoeken"),
        "ui.catb.key.filter.tip": (
            "Show only the parts of the catalog that contain the words typed",
            "Toon enkel de delen van de catalogus met de getypte woorden",
        ),
        "ui.catb.filter_hint": (
            "words to find in the catalog (escape clears)",
            "woorden om in de catalogus te zoeken (escape wist)",
        ),
        "ui.catb.no_match": (
            "Nothing in the catalog matches.",
            "Niets in de catalogus komt overeen.",
        ),
        "ui.catb.key.expand": ("Open all below", "Alles eronder openen"),
        "ui.catb.key.collapse": ("Close all below", "Alles eronder sluiten"),
        "ui.catb.root": ("Catalog", "Catalogus"),
        "ui.catb.title": (
            "Catalog: {count} occupation(s)",
            "Catalogus: {count} beroep(en)",
        ),
        "ui.catb.errors": (
            "{count} catalog file(s) could not be read (see leerpad catalog list)",
            "{count} catalogusbestand(en) onleesbaar (zie leerpad catalog list)",
        ),
        "ui.catb.problems": ("Unreadable catalog files", "Onleesbare catalogusbestanden"),
        "ui.catb.empty": (
            "The catalog is empty: there are no occupation profiles.",
            "De catalogus is leeg: er zijn geen beroepsprofielen.",
        ),
    }
)
