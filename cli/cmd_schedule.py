"""`leerpad plan schedule` and `leerpad agenda`: planning a whole plan, and what is due soon."""

from __future__ import annotations

import argparse
from typing import Any

from cli.context import EXIT_REJECTED, Context, Fail, print_json
from cli.render import literal, table
from core import commands, i18n, planning
from core.commands import Rejected
from core.i18n import fmt_date, t

i18n.register(
    {
        "cli.schedule.col.action": ("ACTION", "ACTIE"),
        "cli.schedule.col.due": ("PLANNED", "GEPLAND"),
        "cli.schedule.col.kind": ("", ""),
        "cli.schedule.col.text": ("TRAINING ACTION", "OPLEIDINGSACTIE"),
        "cli.schedule.kept": ("kept", "blijft"),
        "cli.schedule.new": ("new", "nieuw"),
        "cli.schedule.nothing": (
            "Every open action of {plan} already has a planned date.",
            "Elke open actie van {plan} heeft al een geplande datum.",
        ),
        "cli.schedule.dry_run": (
            "{count} new dates proposed; nothing written (add --apply to write them).",
            "{count} nieuwe datums voorgesteld; niets geschreven (voeg --apply toe om ze te "
            "schrijven).",
        ),
        "cli.schedule.applied": (
            "{count} actions of {plan} planned.",
            "{count} acties van {plan} gepland.",
        ),
        "cli.agenda.none": (
            "Nothing overdue and nothing due in the next {days} days.",
            "Niets te laat en niets gepland in de komende {days} dagen.",
        ),
        "cli.agenda.overdue": ("overdue", "te laat"),
    }
)


def _short(text: str, limit: int) -> str:
    """One line of at most `limit` characters, for a table column."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _refused(exc: Rejected, ctx: Context) -> Fail:
    return Fail(exc.message(ctx.lang), EXIT_REJECTED)


def cmd_schedule(args: argparse.Namespace, ctx: Context) -> int:
    plan = ctx.plan(args.plan)
    start = ctx.date(args.start) if args.start else None
    try:
        proposal = planning.propose_schedule(plan, ctx.today, start)
    except Rejected as exc:
        raise _refused(exc, ctx) from exc
    new = [p for p in proposal if not p.kept]
    if args.apply:
        for item in new:
            ctx.execute(
                lambda s, p=item: commands.plan_action(s, plan.id, p.action, due=p.due)  # type: ignore[misc]
            )
    if args.json:
        print_json(
            {
                "plan": plan.id,
                "applied": bool(args.apply),
                "actions": [
                    {"action": p.action, "due": p.due, "new": not p.kept} for p in proposal
                ],
            }
        )
        return 0
    if not new:
        print(t("cli.schedule.nothing", plan=plan.id))
        return 0
    headers = [t(f"cli.schedule.col.{k}") for k in ("action", "due", "kind", "text")]
    rows = [
        [
            p.action,
            fmt_date(p.due),
            t("cli.schedule.kept" if p.kept else "cli.schedule.new"),
            literal(_short(p.text, 60)),
        ]
        for p in proposal
    ]
    for line in table(headers, rows):
        print(line)
    if args.apply:
        print(t("cli.schedule.applied", count=len(new), plan=plan.id))
    else:
        print(t("cli.schedule.dry_run", count=len(new)))
    return 0


def cmd_agenda(args: argparse.Namespace, ctx: Context) -> int:
    state = ctx.state()
    try:
        items = planning.agenda(state, ctx.store().actor, ctx.today, days=args.days, mine=args.mine)
    except Rejected as exc:
        raise _refused(exc, ctx) from exc
    if args.json:
        print_json([_agenda_json(item) for item in items])
        return 0
    if not items:
        print(t("cli.agenda.none", days=args.days))
        return 0
    day = None
    for item in items:
        if item.due != day:
            if day is not None:
                print()
            day = item.due
            overdue = f" ({t('cli.agenda.overdue')})" if item.overdue else ""
            print(f"{fmt_date(day)}{overdue}")
        who = literal(_short(item.trainee, 24))
        print(f"  {item.plan:<4} {who:<24} {item.action:<9} {literal(_short(item.text, 60))}")
    return 0


def _agenda_json(item: planning.AgendaItem) -> dict[str, Any]:
    return {
        "due": item.due,
        "overdue": item.overdue,
        "plan": item.plan,
        "trainee": item.trainee,
        "action": item.action,
        "text": item.text,
    }


def add_schedule_parser(cmds: argparse._SubParsersAction) -> None:
    p = cmds.add_parser(
        "schedule",
        help="propose planned dates for every unplanned action (written only with --apply)",
    )
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--from", dest="start", metavar="DATE", help="the first week (default: today)")
    p.add_argument("--apply", action="store_true", help="write the proposed dates")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_schedule)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agenda", help="overdue actions and actions due soon, over every plan you may see"
    )
    p.add_argument(
        "--days",
        type=int,
        default=planning.DEFAULT_AGENDA_DAYS,
        metavar="N",
        help=f"how far ahead (default {planning.DEFAULT_AGENDA_DAYS})",
    )
    p.add_argument(
        "--mine", action="store_true", help="only plans you follow as mentor or consultant"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_agenda)
