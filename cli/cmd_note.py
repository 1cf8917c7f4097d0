"""`leerpad note add PLAN TARGET TEXT`: a note on the plan, a competency, a row or an action."""

from __future__ import annotations

import argparse

from cli.context import Context, read_stdin
from core import commands, i18n
from core.i18n import t

i18n.register(
    {
        "cli.ok.note": ("{plan} {target}: note added.", "{plan} {target}: notitie toegevoegd."),
    }
)


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    # "-" reads the note from stdin, for longer notes and scripts.
    text = read_stdin() if args.text == "-" else args.text
    record = ctx.execute(lambda s: commands.add_note(s, args.plan, args.target, text=text))
    print(t("cli.ok.note", plan=record.event.plan, target=record.event.target))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    note = sub.add_parser("note", help="add notes")
    cmds = note.add_subparsers(dest="note_command", metavar="SUBCOMMAND", required=True)
    p = cmds.add_parser("add", help="add a note")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("target", metavar="TARGET", help="the plan id, or A3 / A3.2 / A3.2.1 / B4 / E1")
    p.add_argument("text", metavar="TEXT", help="the note ('-' reads it from stdin)")
    p.set_defaults(handler=cmd_add)
