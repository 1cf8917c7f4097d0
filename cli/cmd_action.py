"""`leerpad action plan|done|reopen|drop|restore|add`: the training actions of a plan."""

from __future__ import annotations

import argparse

from cli.context import EXIT_REJECTED, Context, Fail, warn
from core import commands, i18n, planning
from core.commands import Rejected
from core.i18n import fmt_date, t
from core.projections import plan_end

i18n.register(
    {
        "cli.ok.planned": (
            "{plan} {action}: planned for {due}.",
            "{plan} {action}: gepland op {due}.",
        ),
        "cli.ok.done": ("{plan} {action}: done on {on}.", "{plan} {action}: afgewerkt op {on}."),
        "cli.ok.action_reopened": ("{plan} {action}: reopened.", "{plan} {action}: heropend."),
        "cli.ok.dropped": (
            "{plan} {action}: marked not applicable.",
            "{plan} {action}: op niet van toepassing gezet.",
        ),
        "cli.ok.restored": ("{plan} {action}: restored.", "{plan} {action}: hersteld."),
    }
)


def cmd_plan(args: argparse.Namespace, ctx: Context) -> int:
    """One action, or every open action under a row, a competency or the plan."""
    due = ctx.date(args.date)
    plan = ctx.plan(args.plan)
    if plan.action(args.action) is not None:
        targets = [args.action]
    else:
        try:
            targets = planning.actions_to_plan(ctx.state(), plan.id, args.action, due)
        except Rejected as exc:
            raise Fail(exc.message(ctx.lang), EXIT_REJECTED) from exc
    if due > plan_end(plan):
        warn(t("warn.after_end", date=fmt_date(due), end=fmt_date(plan_end(plan))))
    for action_id in targets:
        record = ctx.execute(
            lambda s, a=action_id: commands.plan_action(s, plan.id, a, due=due)  # type: ignore[misc]
        )
        e = record.event
        print(t("cli.ok.planned", plan=e.plan, action=e.action, due=fmt_date(e.due)))
    return 0


def cmd_done(args: argparse.Namespace, ctx: Context) -> int:
    on = ctx.date(args.on) if args.on else ctx.today
    record = ctx.execute(
        lambda s: commands.complete_action(s, args.plan, args.action, on=on, today=ctx.today)
    )
    e = record.event
    print(t("cli.ok.done", plan=e.plan, action=e.action, on=fmt_date(e.on)))
    return 0


def cmd_reopen(args: argparse.Namespace, ctx: Context) -> int:
    record = ctx.execute(
        lambda s: commands.reopen_action(s, args.plan, args.action, reason=args.reason)
    )
    print(t("cli.ok.action_reopened", plan=record.event.plan, action=record.event.action))
    return 0


def cmd_drop(args: argparse.Namespace, ctx: Context) -> int:
    record = ctx.execute(
        lambda s: commands.drop_action(s, args.plan, args.action, reason=args.reason)
    )
    print(t("cli.ok.dropped", plan=record.event.plan, action=record.event.action))
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    record = ctx.execute(lambda s: commands.restore_action(s, args.plan, args.action))
    print(t("cli.ok.restored", plan=record.event.plan, action=record.event.action))
    return 0


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    record = ctx.execute(lambda s: commands.add_action(s, args.plan, args.row, text=args.text))
    # The new id alone, like `plan new`, so scripts can use it.
    print(record.event.action)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    action = sub.add_parser("action", help="plan, complete, reopen, drop, restore or add actions")
    cmds = action.add_subparsers(dest="action_command", metavar="SUBCOMMAND", required=True)

    def with_ids(name: str, help_text: str) -> argparse.ArgumentParser:
        p = cmds.add_parser(name, help=help_text)
        p.add_argument("plan", metavar="PLAN")
        p.add_argument("action", metavar="ACTION", help="an action id like A3.2.1")
        return p

    p = with_ids(
        "plan",
        "set or change the planned end date (of an action, or of every open action "
        "under a row, a competency or the plan)",
    )
    p.add_argument("date", metavar="DATE", help="2026-12-01, 1/12/2026, +2w, ...")
    p.set_defaults(handler=cmd_plan)

    p = with_ids("done", "mark done")
    p.add_argument("--on", metavar="DATE", help="the completion date (default: today)")
    p.set_defaults(handler=cmd_done)

    p = with_ids("reopen", "reopen a done action")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(handler=cmd_reopen)

    p = with_ids("drop", "mark not applicable for this plan")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(handler=cmd_drop)

    p = with_ids("restore", "undo 'drop'")
    p.set_defaults(handler=cmd_restore)

    p = cmds.add_parser("add", help="add an own action under a row or competency; prints its id")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("row", metavar="ROW", help="a row (A3.2) or a job competency (A3, opens a row)")
    p.add_argument("text", metavar="TEXT")
    p.set_defaults(handler=cmd_add)
