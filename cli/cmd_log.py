"""`leerpad log`: the audit history (who changed what, when, from what to what).

Output formats live in RENDERERS (name -> function(entries, ctx)); `--format`
picks one and `--json` is short for `--format json`. Other modules may add
formats (csv, md) by adding to RENDERERS in their own `register()`; the option
is checked against RENDERERS when the command runs, so no parser change is needed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from cli.context import EXIT_USAGE, Context, Fail, print_json
from cli.render import literal, table
from core import access, i18n
from core.audit import entry_dict, filter_history
from core.history import HistoryEntry
from core.i18n import fmt_time, t

i18n.register(
    {
        "cli.log.empty": ("No changes recorded.", "Geen wijzigingen geregistreerd."),
        "cli.log.no_match": ("No changes match.", "Geen wijzigingen gevonden."),
        "cli.col.seq": ("SEQ", "NR"),
        "cli.col.time": ("TIME", "TIJD"),
        "cli.col.actor": ("WHO", "WIE"),
        "cli.col.what": ("WHAT", "WAT"),
        "cli.col.change": ("BEFORE -> AFTER", "VOOR -> NA"),
        "cli.log.format": (
            "Unknown format {format!r}: choose {choices}.",
            "Onbekend formaat {format!r}: kies {choices}.",
        ),
    }
)

Renderer = Callable[[list[HistoryEntry], Context], None]


def change(entry: HistoryEntry) -> str:
    if not entry.before and not entry.after:
        return ""
    return f"{entry.before or '-'} -> {entry.after or '-'}"


def render_table(entries: list[HistoryEntry], ctx: Context) -> None:
    headers = [t(f"cli.col.{k}") for k in ("seq", "time", "actor", "plan", "what", "change")]
    rows = []
    details: dict[int, str] = {}
    for entry in entries:
        rows.append(
            [
                str(entry.seq),
                fmt_time(entry.time),
                literal(entry.actor),
                literal(entry.plan),
                literal(entry.describe(ctx.lang)),
                literal(change(entry)),
            ]
        )
        if entry.detail:
            details[len(rows)] = literal(entry.detail)
    lines = table(headers, rows, right=(0,))
    # Reasons and notes go under their change, indented past the number column.
    margin = " " * (max(len(row[0]) for row in [headers, *rows]) + 2)
    print(lines[0])
    for number, line in enumerate(lines[1:], 1):
        print(line)
        if number in details:
            print(f"{margin}“{details[number]}”")


def render_json(entries: list[HistoryEntry], ctx: Context) -> None:
    print_json([entry_dict(entry, ctx.lang) for entry in entries])


RENDERERS: dict[str, Renderer] = {"table": render_table, "json": render_json}


def select(args: argparse.Namespace, ctx: Context) -> list[HistoryEntry]:
    """The store's history, filtered as the arguments ask."""
    ctx.state()  # opens the store, warning when it is damaged
    store = ctx.store(create=False)
    return list(
        filter_history(
            access.readable_history(store),
            plan=args.plan,
            actor=args.actor,
            kind=args.kind,
            text=args.text,
            lang=ctx.lang,
        )
    )


def cmd_log(args: argparse.Namespace, ctx: Context) -> int:
    name = "json" if args.json else args.format
    renderer = RENDERERS.get(name)
    if renderer is None:
        choices = ", ".join(sorted(RENDERERS))
        raise Fail(t("cli.log.format", format=name, choices=choices), EXIT_USAGE)
    entries = select(args, ctx)
    if not entries and name == "table":
        filtered = any((args.plan, args.actor, args.kind, args.text))
        print(t("cli.log.no_match" if filtered else "cli.log.empty"))
        return 0
    renderer(entries, ctx)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("log", help="the audit history")
    p.add_argument("--plan", metavar="PLAN", help="only this plan")
    p.add_argument("--actor", metavar="USER", help="only changes by this login name")
    p.add_argument("--kind", metavar="KIND", help="only this kind (action, action.completed, ...)")
    p.add_argument("--text", metavar="TEXT", help="only entries containing this text")
    p.add_argument("--format", default="table", metavar="FORMAT", help="table, json, csv or md")
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.set_defaults(handler=cmd_log)
