"""`leerpad export PLAN`: the plan as the filled-in form (docx, md) or JSON, or with
--report the competency report of a closed plan; and the csv/md formats of `leerpad log`.

Exit codes: 1 no such plan / report of an open plan, 2 bad option or an output
file that cannot be written (nothing is written), 3 store problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import cmd_log
from cli.context import EXIT_USAGE, Context, Fail, shown_bytes
from core import i18n
from core.evidence import write_evidence
from core.export import (
    LANGUAGES,
    PLAN_FORMATS,
    REPORT_FORMATS,
    ExportError,
    default_filename,
    export_plan,
    export_report,
    format_of,
    render_plan,
    render_report,
)
from core.export.history import write_history
from core.history import HistoryEntry
from core.i18n import t

i18n.register(
    {
        "cli.export.wrote": ("Wrote {path}.", "{path} geschreven."),
        "cli.export.report_format": (
            "A competency report is made as docx or md, not {fmt}.",
            "Een competentieverslag bestaat als docx of md, niet als {fmt}.",
        ),
        "cli.export.binary_tty": (
            "A .docx file is binary and would garble the terminal: name a file with -o FILE.",
            "Een .docx-bestand is binair en zou de terminal verknoeien: "
            "geef een bestand met -o BESTAND.",
        ),
    }
)


def _format(args: argparse.Namespace) -> str:
    """--format, else the output file's extension, else docx (a mismatch is refused later)."""
    if args.format:
        return str(args.format)
    if args.output and args.output != "-":
        return format_of(args.output) or "docx"
    return "docx"


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    if args.evidence:
        return _evidence(args, ctx)
    fmt = _format(args)
    if args.report and fmt not in REPORT_FORMATS:
        raise Fail(t("cli.export.report_format", fmt=fmt), EXIT_USAGE)
    lang = args.doc_lang
    state = ctx.state()
    ctx.plan(args.plan)  # exit 1 for a plan that is not there, or not for this user's eyes
    render = render_report if args.report else render_plan
    try:
        if args.output == "-" or (args.output is None and fmt != "docx"):
            if fmt == "docx" and sys.stdout.isatty():
                raise Fail(t("cli.export.binary_tty"), EXIT_USAGE)
            data = render(state, args.plan, fmt, lang=lang, today=ctx.today)
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return 0
        if args.output is None:
            plan = ctx.plan(args.plan)
            target = default_filename(plan, fmt, lang=lang, report=args.report)
        else:
            target = args.output
        write = export_report if args.report else export_plan
        written = write(state, args.plan, fmt, target, lang=lang, today=ctx.today)
    except ExportError as exc:
        raise Fail(exc.message(ctx.lang), exc.code) from exc
    print(t("cli.export.wrote", path=shown_bytes(str(written))))
    return 0


def _evidence(args: argparse.Namespace, ctx: Context) -> int:
    """The signed sign-offs of the plan, checkable with stock ssh-keygen (core/evidence.py)."""
    state = ctx.state()
    plan = ctx.plan(args.plan)
    try:
        write_evidence(state, plan, Path(args.evidence), lang=args.doc_lang)
    except ExportError as exc:
        raise Fail(exc.message(ctx.lang), exc.code) from exc
    print(t("cli.export.wrote", path=shown_bytes(str(Path(args.evidence) / "README.txt"))))
    return 0


def _history_writer(fmt: str) -> cmd_log.Renderer:
    def render(entries: list[HistoryEntry], ctx: Context) -> None:
        write_history(entries, fmt, sys.stdout, lang=ctx.lang)

    return render


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="the plan as a document (docx, md, json) or its competency report",
        description="Write a plan as the filled-in form (docx or Markdown) or as JSON; with "
        "--report, the competency report of a closed plan. Without -o, md and json go to "
        "standard output and docx to a file named after the plan in the current folder.",
    )
    p.add_argument("plan", metavar="PLAN", help="the plan id (P1)")
    p.add_argument(
        "--format",
        choices=PLAN_FORMATS,
        help="docx, md or json (default: from the -o file's extension, else docx)",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="the file to write ('-': standard output)"
    )
    p.add_argument(
        "--lang",
        dest="doc_lang",
        choices=LANGUAGES,
        default="nl",
        help="language of the document's labels (default nl, the form's own words)",
    )
    p.add_argument(
        "--report",
        action="store_true",
        help="the competency report of a closed plan (docx or md) instead of the plan",
    )
    p.add_argument(
        "--evidence",
        metavar="DIR",
        help="write the signed sign-offs for an auditor with ssh-keygen (a new or empty folder)",
    )
    p.set_defaults(handler=cmd_export)
    # `leerpad log --format csv|md`: cmd_log looks formats up in its RENDERERS when it runs.
    for fmt in ("csv", "md"):
        cmd_log.RENDERERS[fmt] = _history_writer(fmt)
