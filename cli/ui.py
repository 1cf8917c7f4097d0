"""Opening the terminal UI from the command line (imports Textual only when asked)."""

from __future__ import annotations

from cli.context import Context


def open_ui(ctx: Context) -> int:
    from catalog import Catalog
    from tui.app import LeerpadApp

    store = ctx.store()
    catalog = Catalog.load(ctx.catalog_dirs())
    LeerpadApp(store, catalog).run()
    return 0
