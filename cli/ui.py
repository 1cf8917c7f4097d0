"""Opening the terminal UI from the command line (imports Textual only when asked)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from cli.context import TODAY_VARIABLE, Context
from core.i18n import fmt_date, t


def open_ui(ctx: Context) -> int:
    from tui.app import LeerpadApp

    # The log behind the read model is checked by the app in the background: the
    # dashboard shows meanwhile, and no write happens before the check.
    store = ctx.store(check_now=False)
    # A session may stay open past midnight: "today" follows the clock unless pinned for a demo.
    today: Callable[[], date] = (lambda: ctx.today) if ctx.today_pinned else date.today
    if ctx.today_pinned:
        # Said on stderr already, which the app's screen hides: say it in the app too.
        store.notices.append(t("cli.today_pinned", var=TODAY_VARIABLE, day=fmt_date(ctx.today)))
    # The catalog is read once the dashboard is drawn; its problems are told in the app.
    LeerpadApp(store, ctx.catalog, today=today, lang=ctx.lang).run()
    return 0
