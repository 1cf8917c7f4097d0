"""`leerpad plan new|list|show|edit|close|reopen` and `leerpad sign`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cli.cmd_privacy import add_erase_parser
from cli.cmd_schedule import add_schedule_parser
from cli.context import EXIT_USAGE, Context, Fail, json_text, print_json
from cli.render import indent, literal, table
from core import access, commands, i18n
from core.erasure import erased_text
from core.i18n import fmt_date, fmt_time, t
from core.projections import (
    STATUS_SYMBOL,
    Counts,
    PlanSummary,
    StoreState,
    plan_status,
    summaries,
)

if TYPE_CHECKING:
    from core import signoffs
    from core.export import jsonout
    from core.planview import ActionView, NoteView, PlanView, RatingView, RowView

# Signing, the plan's view and the JSON pieces are imported by the handlers that use
# them: `plan list`, the most frequent command, starts without them.

i18n.register(
    {
        "cli.plan.none": ("No plans yet.", "Nog geen plannen."),
        "cli.plan.none_overdue": (
            "No plans with overdue actions.",
            "Geen plannen met acties die te laat zijn.",
        ),
        "cli.col.plan": ("PLAN", "PLAN"),
        "cli.col.trainee": ("TRAINEE", "CURSIST"),
        "cli.col.company": ("COMPANY", "BEDRIJF"),
        "cli.col.week": ("WEEK", "WEEK"),
        "cli.col.progress": ("DONE", "KLAAR"),
        "cli.col.status": ("STATUS", "STATUS"),
        "cli.col.overdue": ("OVERDUE", "TE LAAT"),
        "cli.col.next_due": ("NEXT DUE", "VOLGENDE"),
        "cli.plan_status.on-track": ("on track", "op schema"),
        "cli.plan_status.behind": ("behind", "achter"),
        "cli.plan_status.completed": ("completed", "afgerond"),
        "cli.plan_status.stopped": ("stopped", "stopgezet"),
        "cli.plan_status.erased": ("erased", "gewist"),
        "cli.show.contract": ("Contract", "Contractnummer"),
        "cli.show.company": ("Company", "Bedrijf"),
        "cli.show.contact": ("Contact", "Contactpersoon"),
        "cli.show.occupation": ("Occupation", "Beroep"),
        "cli.show.period": ("Period", "Periode"),
        "cli.show.period_value": (
            "from {start}, {weeks} weeks (week {week} of {weeks})",
            "vanaf {start}, {weeks} weken (week {week} van {weeks})",
        ),
        "cli.show.progress": ("Progress", "Vordering"),
        "cli.show.progress_value": (
            "{done} of {total} actions done ({percent}%, expected {expected}%): {status}",
            "{done} van {total} acties afgewerkt ({percent}%, verwacht {expected}%): {status}",
        ),
        "cli.show.overdue_value": (
            "{overdue} overdue, next due {next}",
            "{overdue} te laat, volgende op {next}",
        ),
        "cli.show.state": ("State", "Toestand"),
        "cli.show.open": ("open", "lopend"),
        "cli.show.closed": (
            "closed: {outcome} on {on}",
            "afgesloten: {outcome} op {on}",
        ),
        "cli.show.job": ("A. Job-related competencies", "A. Jobgerelateerde competenties"),
        "cli.show.personal": ("B. Personal competencies", "B. Persoonsgebonden competenties"),
        "cli.show.row_dates": (
            "planned end {due} · completed on {done}",
            "voorziene einddatum {due} · afgewerkt op {done}",
        ),
        "cli.show.due": ("planned {date}", "gepland {date}"),
        "cli.show.done_on": ("done {date}", "afgewerkt {date}"),
        "cli.show.own": ("own action", "eigen actie"),
        "cli.show.reason": ("reason: {reason}", "reden: {reason}"),
        "cli.show.note": ("note by {actor}, {time}:", "notitie van {actor}, {time}:"),
        "cli.show.plan_notes": ("Notes on the plan", "Notities bij het plan"),
        "cli.show.evaluations": ("Evaluations", "Evaluaties"),
        "cli.show.participants": ("participants: {names}", "deelnemers: {names}"),
        "cli.show.remark": ("remark: {remark}", "opmerking: {remark}"),
        "cli.show.signoffs": ("Sign-offs", "Aftekeningen"),
        "cli.show.signoff": (
            "{role} signed {subject} (version {seq}) — {actor}, {time}: {current}",
            "{role} tekende {subject} af (versie {seq}) — {actor}, {time}: {current}",
        ),
        "cli.show.current": ("still current", "nog actueel"),
        "cli.show.outdated": ("changed since", "intussen gewijzigd"),
        "cli.show.mismatch": (
            "DOES NOT MATCH the record it names (not made by leerpad; run leerpad verify)",
            "KLOPT NIET met het record dat het noemt (niet door leerpad gemaakt; "
            "voer leerpad verify uit)",
        ),
        "cli.show.latest": (
            "latest rating: {level} ({evaluation} of {on})",
            "laatste beoordeling: {level} ({evaluation} van {on})",
        ),
        "cli.show.none": ("none", "geen"),
        "cli.edit.nothing": (
            "Say what to change: --trainee, --contract, --company, --contact, --start or --weeks.",
            "Zeg wat er moet veranderen: --trainee, --contract, --company, --contact, "
            "--start of --weeks.",
        ),
        "cli.ok.edited": ("Plan {plan} updated.", "Plan {plan} bijgewerkt."),
        "cli.ok.closed": ("Plan {plan} closed ({outcome}).", "Plan {plan} afgesloten ({outcome})."),
        "cli.ok.reopened": ("Plan {plan} reopened.", "Plan {plan} heropend."),
        "cli.ok.signed": (
            "Signed off plan {plan} (version {seq}) as {role}.",
            "Plan {plan} (versie {seq}) afgetekend als {role}.",
        ),
        "cli.ok.signed_evaluation": (
            "Signed off evaluation {subject} of plan {plan} as {role}.",
            "Evaluatie {subject} van plan {plan} afgetekend als {role}.",
        ),
    }
)


# --- JSON shapes (documented in the README; keep them stable) ----------------------------


def summary_json(s: PlanSummary) -> dict[str, Any]:
    return {
        "id": s.id,
        "trainee": s.trainee,
        "company": s.company,
        "occupation": s.occupation,
        "occupation_title": s.title,
        "start": s.start,
        "weeks": s.weeks,
        "week": s.week,
        "done": s.done,
        "total": s.total,
        "percent": round(s.percent, 1),
        "expected_percent": round(s.expected, 1),
        "status": plan_status(s),
        "overdue": s.overdue,
        "next_due": s.next_due,
        "last_seq": s.last_seq,
    }


def plan_json(
    view: PlanView, verdicts: dict[int, signoffs.Verdict] | None = None
) -> dict[str, Any]:
    """The whole state of one plan, as the README documents `plan show --json`.

    The export's JSON (docs/EXPORT.md) is another schema of the same PlanView, built
    from the pieces in core.export.jsonout.
    """
    from core.export import jsonout

    def touch(item: jsonout.Touched) -> dict[str, Any]:
        return jsonout.touch_data(item) or {}

    return {
        "id": view.id,
        "trainee": view.trainee,
        "contract": view.contract,
        "company": view.company,
        "contact": view.contact,
        "occupation": view.occupation,
        "occupation_version": view.occupation_version,
        "occupation_title": view.title,
        "start": view.start,
        "weeks": view.weeks,
        "summary": summary_json(view.summary),
        "closed": jsonout.closed_data(view.closed),
        "erased": jsonout.erased_data(view.erased),
        "competencies": [
            {
                "id": comp.id,
                "title": comp.title,
                **_counts_json(comp.progress),
                "rows": [jsonout.row_data(row, reason_key="dropped_reason") for row in comp.rows],
            }
            for comp in view.competencies
        ],
        "personal": jsonout.personal_data(view.personal),
        "acquired": view.acquired,
        "notes": [{"target": n.target, "text": n.text, **touch(n)} for n in view.notes],
        "evaluations": [
            {
                "id": e.id,
                "on": e.on,
                "participants": list(e.participants),
                "ratings": [
                    {"competency": r.competency, "level": r.level, "comment": r.comment}
                    for r in e.ratings
                ],
                "remark": e.remark,
                **touch(e),
            }
            for e in view.evaluations
        ],
        "signoffs": [
            {
                "role": s.role,
                "subject": s.subject,
                "covers_seq": s.covers_seq,
                "covers_hash": s.covers_hash,
                "remark": s.remark,
                "current": s.current,
                **touch(s),
                "signature": verdicts[s.seq].data() if verdicts and s.seq in verdicts else None,
            }
            for s in view.signoffs
        ],
        "scale": jsonout.scale_data(view.scale),
        "version": view.version,
        "last_seq": view.last.seq,
    }


def _counts_json(c: Counts) -> dict[str, Any]:
    return {"done": c.done, "total": c.total, "percent": round(c.percent, 1)}


# --- plan new / edit / close / reopen -------------------------------------------------------


def cmd_new(args: argparse.Namespace, ctx: Context) -> int:
    profile = ctx.profile(args.occupation)
    start = ctx.date(args.start)
    record = ctx.execute(
        lambda s: commands.create_plan(
            s,
            profile,
            trainee=args.trainee,
            start=start,
            weeks=args.weeks,
            contract=args.contract,
            company=args.company,
            contact=args.contact,
        ),
        create=True,
    )
    if args.json:
        print_json({"id": record.event.plan})
    else:
        print(record.event.plan)
    return 0


def cmd_edit(args: argparse.Namespace, ctx: Context) -> int:
    fields = ("trainee", "contract", "company", "contact", "start", "weeks")
    if all(getattr(args, name) is None for name in fields):
        raise Fail(t("cli.edit.nothing"), EXIT_USAGE)
    start = ctx.date(args.start) if args.start is not None else None
    record = ctx.execute(
        lambda s: commands.edit_plan(
            s,
            args.plan,
            trainee=args.trainee,
            contract=args.contract,
            company=args.company,
            contact=args.contact,
            start=start,
            weeks=args.weeks,
        )
    )
    print(t("cli.ok.edited", plan=record.event.plan))
    return 0


def cmd_close(args: argparse.Namespace, ctx: Context) -> int:
    on = ctx.date(args.on) if args.on else ctx.today
    record = ctx.execute(
        lambda s: commands.close_plan(
            s, args.plan, outcome=args.outcome, on=on, today=ctx.today, reason=args.reason
        )
    )
    print(t("cli.ok.closed", plan=record.event.plan, outcome=t(f"outcome.{args.outcome}")))
    return 0


def cmd_reopen(args: argparse.Namespace, ctx: Context) -> int:
    record = ctx.execute(lambda s: commands.reopen_plan(s, args.plan, reason=args.reason))
    print(t("cli.ok.reopened", plan=record.event.plan))
    return 0


def cmd_sign(args: argparse.Namespace, ctx: Context) -> int:
    from cli import signing

    decide = signing.sign_off_command(
        ctx, args.plan, role=args.role, subject=args.subject, remark=args.remark
    )
    record = ctx.execute(decide)
    e = record.event
    print(
        t(
            "cli.ok.signed" if e.subject == "plan" else "cli.ok.signed_evaluation",
            subject=e.subject,
            plan=e.plan,
            seq=e.covers_seq,
            role=t(f"role.{e.role}"),
        )
    )
    if e.signature:
        print(signing.signed_note(e.signature))
    return 0


# --- plan list ------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    # What a read model stands in for is hashed in a thread while the list is built;
    # it is shown only once that check passed (on damage: the list a replay gives).
    state = ctx.state(check_meanwhile=True)
    shown = _list_text(args, ctx, state)
    if ctx.checked_state() is not state:
        shown = _list_text(args, ctx, ctx.state())
    sys.stdout.write(shown)
    return 0


def _list_text(args: argparse.Namespace, ctx: Context, state: StoreState) -> str:
    actor = ctx.store().actor
    found = [s for s in summaries(state, ctx.today) if access.can_read(state, actor, s.id)]
    if args.overdue:
        found = [s for s in found if s.overdue]
    if args.json:
        return json_text([summary_json(s) for s in found]) + "\n"
    if not found:
        return t("cli.plan.none_overdue" if args.overdue else "cli.plan.none") + "\n"
    headers = [
        t(f"cli.col.{k}")
        for k in ("plan", "trainee", "company", "week", "progress", "status", "overdue", "next_due")
    ]
    rows = [
        [
            s.id,
            literal(s.trainee),
            literal(s.company) or "-",
            f"{s.week}/{s.weeks}",
            f"{s.percent:.0f}%",
            t(f"cli.plan_status.{plan_status(s)}"),
            str(s.overdue) if s.overdue else "-",
            fmt_date(s.next_due),
        ]
        for s in found
    ]
    return "".join(line + "\n" for line in table(headers, rows, right=(3, 4, 6)))


# --- plan show ------------------------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{value:.0f}"


def _notes(notes: tuple[NoteView, ...], prefix: str) -> list[str]:
    lines = []
    for note in notes:
        lines.append(prefix + t("cli.show.note", actor=note.actor, time=fmt_time(note.time)))
        body = prefix + "  "
        lines.append(body + indent(literal(note.text, keep_newlines=True), body))
    return lines


def _action_lines(view: PlanView, action: ActionView) -> list[str]:
    status = action.status
    facts = [t(f"status.{status}")]
    if action.due is not None:
        facts.append(t("cli.show.due", date=fmt_date(action.due)))
    if action.done_on is not None:
        facts.append(t("cli.show.done_on", date=fmt_date(action.done_on)))
    if action.own:
        facts.append(t("cli.show.own"))
    lines = [f"    {STATUS_SYMBOL[status]} {action.id}  {', '.join(facts)}"]
    lines.append(f"      {literal(action.text)}")
    if action.dropped is not None:
        lines.append("      " + t("cli.show.reason", reason=literal(action.dropped)))
    lines += _notes(view.notes_on(action.id), "      ")
    return lines


def _row_lines(view: PlanView, row: RowView) -> list[str]:
    dates = t("cli.show.row_dates", due=fmt_date(row.due), done=fmt_date(row.done_on))
    lines = [f"  {row.id}  {dates}"]
    lines += [f"    • {literal(skill)}" for skill in row.skills]
    lines += _notes(view.notes_on(row.id), "    ")
    return lines


def _rating_line(rating: RatingView, lang: str) -> str:
    """A competency's rating (the most recent one given to it) and the evaluation it is from."""
    return t(
        "cli.show.latest",
        level=rating.word(lang),
        evaluation=rating.evaluation,
        on=fmt_date(rating.on),
    )


def plan_text(
    view: PlanView, lang: str, verdicts: dict[int, signoffs.Verdict] | None = None
) -> list[str]:
    """The whole plan as lines of text, for `plan show`."""
    s = view.summary
    lines = [f"{view.id}  {literal(view.trainee)}"]
    facts = [
        ("occupation", literal(view.title)),
        ("contract", literal(view.contract) or "-"),
        ("company", literal(view.company) or "-"),
        ("contact", literal(view.contact) or "-"),
        (
            "period",
            t("cli.show.period_value", start=fmt_date(view.start), weeks=view.weeks, week=s.week),
        ),
        (
            "progress",
            t(
                "cli.show.progress_value",
                done=s.done,
                total=s.total,
                percent=_percent(s.percent),
                expected=_percent(s.expected),
                status=t(f"cli.plan_status.{view.status}"),
            ),
        ),
    ]
    if view.deadlines:
        facts.append(
            ("progress", t("cli.show.overdue_value", overdue=s.overdue, next=fmt_date(s.next_due)))
        )
    if view.closed is None:
        facts.append(("state", t("cli.show.open")))
    else:
        closed = t(
            "cli.show.closed",
            outcome=t(f"outcome.{view.closed.outcome}"),
            on=fmt_date(view.closed.on),
        )
        if view.closed.reason:
            closed += " — " + literal(view.closed.reason)
        facts.append(("state", closed))
    erased = erased_text(view)
    if erased is not None:
        facts.append(("state", erased))
    labels = {key: t(f"cli.show.{key}") for key, _ in facts}
    label_width = max(len(label) for label in labels.values()) + 1
    previous = None
    for key, value in facts:
        label = "" if key == previous else labels[key] + ":"
        lines.append(f"  {label:<{label_width}} {value}")
        previous = key
    lines += _notes(view.notes_on(view.id), "  ")

    lines += ["", t("cli.show.job")]
    for comp in view.competencies:
        c = comp.progress
        lines += ["", f"{comp.id}  {literal(comp.title)}  ({c.done}/{c.total}, {c.percent:.0f}%)"]
        if comp.latest is not None:
            lines.append("  " + _rating_line(comp.latest, lang))
        lines += _notes(view.notes_on(comp.id), "  ")
        for row in comp.rows:
            lines += _row_lines(view, row)
            for action in row.actions:
                lines += _action_lines(view, action)

    lines += ["", t("cli.show.personal")]
    for pers in view.personal:
        lines += ["", f"{pers.id}  {literal(pers.name)}", f"    {literal(pers.description)}"]
        if pers.latest is not None:
            lines.append("    " + _rating_line(pers.latest, lang))
        lines += _notes(view.notes_on(pers.id), "    ")

    lines += ["", t("cli.show.evaluations")]
    if not view.evaluations:
        lines.append("  " + t("cli.show.none"))
    for e in view.evaluations:
        names = ", ".join(literal(p) for p in e.participants)
        lines.append(f"  {e.id}  {fmt_date(e.on)}  {t('cli.show.participants', names=names)}")
        rows = [[r.competency, literal(r.word(lang)), literal(r.comment)] for r in e.ratings]
        lines += ["    " + line for line in table(["", "", ""], rows)[1:]]
        if e.remark:
            lines.append("    " + t("cli.show.remark", remark=literal(e.remark)))
        lines += _notes(view.notes_on(e.id), "    ")

    lines += ["", t("cli.show.signoffs")]
    if not view.signoffs:
        lines.append("  " + t("cli.show.none"))
    for so in view.signoffs:
        lines.append(
            "  "
            + t(
                "cli.show.signoff",
                role=t(f"role.{so.role}"),
                subject=so.subject,
                seq=so.covers_seq,
                actor=so.actor,
                time=fmt_time(so.time),
                current=t(f"cli.show.{so.status}"),
            )
        )
        if verdicts and so.seq in verdicts:
            lines.append("    " + literal(verdicts[so.seq].text(lang)))
    return lines


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    from core import planview, signoffs

    plan = ctx.plan(args.plan)
    view = planview.build(plan, ctx.today)
    verdicts = signoffs.verdicts(ctx.state(), plan)
    if args.json:
        print_json(plan_json(view, verdicts))
        return 0
    for line in plan_text(view, ctx.lang, verdicts):
        print(line)
    return 0


# --- registration ---------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser("plan", help="create, list, show and change plans")
    cmds = plan.add_subparsers(dest="plan_command", metavar="SUBCOMMAND", required=True)

    p = cmds.add_parser("new", help="create a plan; prints its id")
    p.add_argument("--occupation", required=True, metavar="OCC", help="occupation id or title")
    p.add_argument("--trainee", required=True, metavar="NAME")
    p.add_argument("--contract", default="", metavar="NO")
    p.add_argument("--company", default="", metavar="NAME")
    p.add_argument("--contact", default="", metavar="NAME")
    p.add_argument("--start", required=True, metavar="DATE", help="2026-12-01 or 1/12/2026")
    p.add_argument("--weeks", type=int, metavar="N", help="4 to 26 (default: the occupation's)")
    p.add_argument("--json", action="store_true", help='print {"id": ...}')
    p.set_defaults(handler=cmd_new)

    p = cmds.add_parser("list", help="all plans at a glance")
    p.add_argument("--overdue", action="store_true", help="only plans with overdue actions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = cmds.add_parser("show", help="the whole plan")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = cmds.add_parser("edit", help="change the plan's details")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--contract", metavar="NO")
    p.add_argument("--company", metavar="NAME")
    p.add_argument("--contact", metavar="NAME")
    p.add_argument("--start", metavar="DATE")
    p.add_argument("--weeks", type=int, metavar="N")
    p.set_defaults(handler=cmd_edit)

    p = cmds.add_parser("close", help="close the plan (completed or stopped)")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--outcome", required=True, choices=commands.OUTCOMES)
    p.add_argument("--on", metavar="DATE", help="default: today")
    p.add_argument("--reason", default="", metavar="TEXT")
    p.set_defaults(handler=cmd_close)

    add_schedule_parser(cmds)

    add_erase_parser(cmds)

    p = cmds.add_parser("reopen", help="reopen a closed plan")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(handler=cmd_reopen)

    p = sub.add_parser("sign", help="sign off the plan (or an evaluation) as it is now")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--role", required=True, choices=commands.ROLES)
    p.add_argument("--subject", default="plan", metavar="E1", help="an evaluation id")
    p.add_argument("--remark", default="", metavar="TEXT")
    p.set_defaults(handler=cmd_sign)
