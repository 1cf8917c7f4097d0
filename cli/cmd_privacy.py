"""`leerpad plan erase`, `leerpad erase --closed-before` and `leerpad upgrade`: personal data.

Erasing destroys a plan's key (see docs/PRIVACY.md); the upgrade seals the
personal texts of a log written before they were sealed.
"""

from __future__ import annotations

import argparse

from cli.context import EXIT_REJECTED, EXIT_STORE, Context, Fail, print_json, warn
from core import i18n, readmodel
from core.commands import Rejected
from core.erasure import due_for_erasure, erase_plan, require_sealed
from core.events import PlanErased
from core.i18n import fmt_date, t
from core.projections import StoreState
from core.storage import StoreError

i18n.register(
    {
        "cli.erase_open": (
            "Plan {plan} is still open: close it first, or erase it anyway with --force.",
            "Plan {plan} is nog open: sluit het eerst af, of wis het toch met --force.",
        ),
        "cli.ok.erased": (
            "Plan {plan} is erased: its key is destroyed, so its personal texts can no longer be "
            "read; its dates, statuses and history remain.",
            "Plan {plan} is gewist: de sleutel is vernietigd, dus de persoonlijke teksten zijn "
            "niet meer leesbaar; de datums, statussen en geschiedenis blijven.",
        ),
        "cli.erased.database": (
            "The database keeps the destroyed key in an old row version and its WAL until the "
            "database administrator runs VACUUM FULL leerpad.plan_keys and CHECKPOINT (see "
            "docs/PRIVACY.md).",
            "De database bewaart de vernietigde sleutel in een oude rijversie en haar WAL tot "
            "de databasebeheerder VACUUM FULL leerpad.plan_keys en CHECKPOINT uitvoert (zie "
            "docs/PRIVACY.md).",
        ),
        "cli.retention.none": (
            "No plan was closed before {date} and not erased yet.",
            "Geen enkel plan werd afgesloten voor {date} en is nog niet gewist.",
        ),
        "cli.retention.line": (
            "{plan}  {trainee}  closed on {on}",
            "{plan}  {trainee}  afgesloten op {on}",
        ),
        "cli.retention.dry": (
            "{count} plans would be erased; run again with --apply to erase them.",
            "{count} plannen zouden gewist worden; voer opnieuw uit met --apply om ze te wissen.",
        ),
        "cli.retention.reason": (
            "retention period: closed before {date}",
            "bewaartermijn: afgesloten voor {date}",
        ),
        "cli.upgrade.done": (
            "Upgraded {records} records of {plans} plans: personal texts are now sealed with a "
            "key per plan in keys/. The new log's first record names the old log's last hash "
            "{old_hash}; its own last hash is {new_hash}.",
            "{records} records van {plans} plannen bijgewerkt: persoonlijke teksten zijn nu "
            "versleuteld met een sleutel per plan in keys/. Het eerste record van het nieuwe "
            "logboek noemt de laatste hash van het oude, {old_hash}; zijn eigen laatste hash "
            "is {new_hash}.",
        ),
        "cli.upgrade.kept": (
            "The old log is kept as {path}: it still holds every personal text in plain text. "
            "Remove it (and its backups) once you have checked the new log; other users' "
            "checkpoints of it are removed when they delete their leerpad cache.",
            "Het oude logboek is bewaard als {path}: het bevat nog elke persoonlijke tekst als "
            "leesbare tekst. Verwijder het (en zijn back-ups) zodra je het nieuwe logboek "
            "nagekeken hebt; checkpoints ervan bij andere gebruikers verdwijnen als zij hun "
            "leerpad-cache wissen.",
        ),
    }
)


def cmd_plan_erase(args: argparse.Namespace, ctx: Context) -> int:
    ctx.plan(args.plan)  # an unknown (or unreadable) plan is named as such
    _require_keys(ctx)

    def decide(state: StoreState) -> PlanErased:
        try:
            return erase_plan(state, args.plan, reason=args.reason, force=args.force)
        except Rejected as exc:
            if exc.key == "err.erase_open":  # the CLI's way to confirm is a flag
                raise Rejected("cli.erase_open", plan=args.plan) from exc
            raise

    record = ctx.execute(decide)
    print(t("cli.ok.erased", plan=record.event.plan))
    _database_keeps_old_rows(ctx)
    return 0


def _database_keeps_old_rows(ctx: Context) -> None:
    if ctx.store(create=False).directory is None:
        warn(t("cli.erased.database"))


def _require_keys(ctx: Context) -> None:
    try:
        require_sealed(ctx.store(create=False))
    except StoreError as exc:
        raise Fail(str(exc), EXIT_REJECTED) from exc


def cmd_retention(args: argparse.Namespace, ctx: Context) -> int:
    before = ctx.date(args.closed_before)
    plans = due_for_erasure(ctx.state(), before)
    if args.json:
        print_json([{"plan": p.id, "trainee": p.trainee, "closed": p.closed.on} for p in plans])  # type: ignore[union-attr]
    elif not plans:
        print(t("cli.retention.none", date=fmt_date(before)))
    for plan in plans:
        if not args.json:
            on = fmt_date(plan.closed.on)  # type: ignore[union-attr]
            print(t("cli.retention.line", plan=plan.id, trainee=plan.trainee, on=on))
    if not args.apply:
        if plans and not args.json:
            print(t("cli.retention.dry", count=len(plans)))
        return 0
    reason = args.reason or t("cli.retention.reason", date=before.isoformat())
    _require_keys(ctx)
    for plan in plans:
        ctx.execute(lambda s, plan_id=plan.id: erase_plan(s, plan_id, reason=reason))
        if not args.json:
            print(t("cli.ok.erased", plan=plan.id))
    if plans:
        _database_keeps_old_rows(ctx)
    return 0


def cmd_upgrade(args: argparse.Namespace, ctx: Context) -> int:
    from core.upgrade import AlreadyCurrent, upgrade_store

    directory = ctx.directory()
    ctx.require_access(directory)
    try:
        done = upgrade_store(directory, today=ctx.today, cache_dir=readmodel.default_dir())
    except AlreadyCurrent as exc:
        raise Fail(str(exc), EXIT_REJECTED) from exc
    except StoreError as exc:
        raise Fail(str(exc), EXIT_STORE) from exc
    print(
        t(
            "cli.upgrade.done",
            records=done.records,
            plans=done.plans,
            old_hash=done.old_hash,
            new_hash=done.new_hash,
        )
    )
    warn(t("cli.upgrade.kept", path=done.kept))
    return 0


def add_erase_parser(cmds: argparse._SubParsersAction) -> None:
    """`leerpad plan erase`, beside the other plan subcommands."""
    p = cmds.add_parser("erase", help="erase the plan's personal data (destroys its key)")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why (no personal data)")
    p.add_argument("--force", action="store_true", help="also erase a plan that is still open")
    p.set_defaults(handler=cmd_plan_erase)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("erase", help="erase the plans whose retention period is over")
    p.add_argument("--closed-before", required=True, metavar="DATE")
    p.add_argument("--apply", action="store_true", help="erase them (without: only list them)")
    p.add_argument("--reason", default="", metavar="TEXT", help="default: the retention rule")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_retention)

    p = sub.add_parser("upgrade", help="rewrite an old log so personal texts are sealed")
    p.set_defaults(handler=cmd_upgrade)
