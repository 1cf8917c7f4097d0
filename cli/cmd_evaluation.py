"""`leerpad evaluation add`: record an evaluation moment with its ratings."""

from __future__ import annotations

import argparse

from cli.context import EXIT_USAGE, Context, Fail
from core import commands, i18n
from core.events import Rating
from core.i18n import t
from core.projections import StoreState

i18n.register(
    {
        "cli.rate_syntax": (
            "--rate {value!r} should look like A3=verworven or A3=verworven:comment.",
            "--rate {value!r} moet eruitzien als A3=verworven of A3=verworven:commentaar.",
        ),
    }
)


def parse_rating(value: str) -> Rating:
    """A3=verworven[:comment] -> Rating (the level is matched against the scale later)."""
    competency, sep, rest = value.partition("=")
    level, _, comment = rest.partition(":")
    if not sep or not competency.strip() or not level.strip():
        raise Fail(t("cli.rate_syntax", value=value), EXIT_USAGE)
    return Rating(competency.strip(), level.strip(), comment.strip())


def _normal(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def match_levels(state: StoreState, plan_id: str, ratings: list[Rating]) -> list[Rating]:
    """Accept a level's key or its Dutch or English name ("ruim verworven", "acquired")."""
    plan = state.plan(plan_id)
    if plan is None:
        return ratings
    names = {}
    for level in plan.scale:
        for name in (level.key, level.nl, level.en):
            names.setdefault(_normal(name), level.key)
    return [Rating(r.competency, names.get(_normal(r.level), r.level), r.comment) for r in ratings]


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    on = ctx.date(args.on) if args.on else ctx.today
    ratings = [parse_rating(value) for value in args.rate]
    record = ctx.execute(
        lambda s: commands.record_evaluation(
            s,
            args.plan,
            on=on,
            today=ctx.today,
            participants=args.participant,
            ratings=match_levels(s, args.plan, ratings),
            remark=args.remark,
        )
    )
    # The new evaluation's id alone (E1), e.g. for `leerpad sign PLAN --subject E1`.
    print(record.event.evaluation)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    evaluation = sub.add_parser("evaluation", help="record evaluations")
    cmds = evaluation.add_subparsers(dest="evaluation_command", metavar="SUBCOMMAND", required=True)
    p = cmds.add_parser("add", help="record an evaluation; prints its id")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--on", metavar="DATE", help="the date of the meeting (default: today)")
    p.add_argument(
        "--participant", action="append", required=True, metavar="NAME", help="repeatable"
    )
    p.add_argument(
        "--rate",
        action="append",
        required=True,
        metavar="A3=LEVEL[:COMMENT]",
        help="repeatable; LEVEL is a key of the scale (verworven, in-ontwikkeling, ...)",
    )
    p.add_argument("--remark", default="", metavar="TEXT")
    p.set_defaults(handler=cmd_add)
