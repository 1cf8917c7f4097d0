"""Find-as-you-type on the plan screen (/): one status line in the find bar, and escape puts
the cursor and the open branches back where the search began."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from core.i18n import t
from tui.widgets.banner import Banner
from tui.widgets.find_bar import FindBar
from tui.widgets.plan_tree import PlanTree

if TYPE_CHECKING:
    from tui.screens.plan import PlanScreen

    _Base = PlanScreen
else:
    _Base = object


class FindKeys(_Base):
    """Mixed into PlanScreen. Its handlers go by Textual's naming convention (`on_find_bar_*`):
    `@on` in a class that is not a Textual class itself would never be registered."""

    _before_find: tuple[str | None, frozenset[str]] | None = None
    """Where the cursor was, and which branches were open, when a search began."""

    async def action_find(self) -> None:
        self._before_find = self.query_one(PlanTree).remember()
        try:
            bar = self.query_one(FindBar)
        except NoMatches:
            # Mounted when first asked for: its input would cost every plan screen's first frame.
            bar = FindBar(id="find")
            await self.mount(bar, after=self.query_one(Banner))
        bar.open()

    def on_find_bar_search(self, event: FindBar.Search) -> None:
        tree, bar = self.query_one(PlanTree), self.query_one(FindBar)
        found = tree.search(event.query, event.step, self._before_find)
        if found is not None:
            bar.show(t("ui.find.found", node=tree.current, n=found[0], count=found[1]), found=True)
        elif event.query.strip():
            bar.show(t("ui.find.none", query=event.query.strip()), found=False)
        else:
            bar.show(t("ui.find.hint"), found=True)

    def on_find_bar_closed(self, event: FindBar.Closed) -> None:
        tree = self.query_one(PlanTree)
        if not event.keep and self._before_find is not None:
            tree.restore(self._before_find)
        self._before_find = None
        tree.focus()
