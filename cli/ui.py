"""Opening the terminal UI from the command line (imports Textual only when asked)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

from cli.context import TODAY_VARIABLE, Context


def open_ui(ctx: Context) -> int:
    from tui.app import LeerpadApp

    store = ctx.store()
    catalog = ctx.catalog()
    # A session may stay open past midnight: "today" follows the clock unless pinned for a demo.
    today: Callable[[], date] = (
        (lambda: ctx.today) if os.environ.get(TODAY_VARIABLE, "").strip() else date.today
    )
    LeerpadApp(store, catalog, today=today, lang=ctx.lang).run()
    return 0
