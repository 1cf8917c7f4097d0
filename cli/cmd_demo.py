"""`leerpad demo [--store DIR]`: a store with example plans in different stages, to try leerpad."""

from __future__ import annotations

import argparse

from cli.context import EXIT_REJECTED, EXIT_STORE, Context, Fail
from core import i18n
from core.config import SOURCE_FLAG
from core.demo import DemoRefused, build_demo
from core.i18n import t
from core.store import StoreError

i18n.register(
    {
        "cli.demo.done": (
            "Demo store with {count} plans ({plans}) created at {path}.",
            "Demo-opslag met {count} plannen ({plans}) aangemaakt in {path}.",
        ),
        "cli.demo.try": (
            "Try: leerpad{store} plan list, or leerpad{store} to open the app.",
            "Probeer: leerpad{store} plan list, of leerpad{store} om de app te openen.",
        ),
    }
)


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    try:
        plans = build_demo(ctx.directory(), ctx.today)
    except DemoRefused as exc:
        raise Fail(str(exc), EXIT_REJECTED) from exc
    except StoreError as exc:
        raise Fail(str(exc), EXIT_STORE) from exc
    print(t("cli.demo.done", count=len(plans), plans=", ".join(plans), path=ctx.store_path))
    store = f" --store {ctx.store_path}" if ctx.store_source == SOURCE_FLAG else ""
    print(t("cli.demo.try", store=store))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="make a store with example plans (new or empty store only)")
    p.set_defaults(handler=cmd_demo)
