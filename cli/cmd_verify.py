"""`leerpad verify`: check framing, checksums and the hash chain of the whole store."""

from __future__ import annotations

import argparse
from typing import Any

from cli import cmd_checkpoint, signing
from cli.context import EXIT_STORE, EXIT_USAGE, Context, Fail, print_json, warn
from core import i18n
from core.earlier_log import EarlierLog, earlier_log
from core.i18n import fmt_date, t
from core.storage import MissingDriver
from core.verify import Report, verify_store

i18n.register(
    {
        "cli.verify.intact": (
            "intact: {records} records, last hash {hash}",
            "intact: {records} records, laatste hash {hash}",
        ),
        "cli.verify.bad": (
            "damaged: record {seq} at byte {offset}: {what}.",
            "beschadigd: record {seq} op byte {offset}: {what}.",
        ),
        "cli.verify.good_one": (
            " The record before it is intact.",
            " Het record ervoor is intact.",
        ),
        "cli.verify.good": (
            " The {good} records before it are intact.",
            " De {good} records ervoor zijn intact.",
        ),
        "cli.verify.bad_header": (
            "damaged: {path}: {what}.",
            "beschadigd: {path}: {what}.",
        ),
        "cli.verify.torn": (
            "warning: {size} bytes at byte {offset} after the last record are an incomplete "
            "record from an interrupted write; the next change to the store moves them aside.",
            "waarschuwing: {size} bytes op byte {offset} na het laatste record zijn een "
            "onvolledig record van een onderbroken schrijfactie; de volgende wijziging "
            "verplaatst ze naar een apart bestand.",
        ),
        "cli.verify.side": (
            "note: incomplete records set aside earlier: {files}",
            "opmerking: eerder apart gezette onvolledige records: {files}",
        ),
        "cli.verify.earlier": (
            "the log before the upgrade of {on}, {name}: intact, {records} records, last hash "
            "{hash}, as the new log's first record names; the sign-offs signed before the "
            "upgrade, checked against it:",
            "het logboek van voor het bijwerken op {on}, {name}: intact, {records} records, "
            "laatste hash {hash}, zoals het eerste record van het nieuwe logboek vermeldt; de "
            "aftekeningen van voor het bijwerken, daartegen gecontroleerd:",
        ),
        "cli.verify.earlier_gone": (
            "note: the log before the upgrade of {on}, {name}, is no longer in the store, so "
            "the signatures made before the upgrade (which name its id and hashes) cannot be "
            "checked here.",
            "opmerking: het logboek van voor het bijwerken op {on}, {name}, staat niet meer in "
            "de opslag, dus de handtekeningen van voor het bijwerken (die de id en hashes "
            "daarvan noemen) kunnen hier niet gecontroleerd worden.",
        ),
        "cli.verify.earlier_unlinked": (
            "warning: {name} is not the log the upgrade of {on} was made from (damaged, or not "
            "the {records} records and last hash the new log's first record names): the "
            "signatures made before the upgrade were not checked against it.",
            "waarschuwing: {name} is niet het logboek waaruit bij het bijwerken op {on} "
            "gewerkt werd (beschadigd, of niet de {records} records en laatste hash die het "
            "eerste record van het nieuwe logboek noemt): de handtekeningen van voor het "
            "bijwerken werden er niet tegen gecontroleerd.",
        ),
        "cli.verify.unknown": (
            "note: {count} records were written by a newer leerpad; their contents "
            "were not interpreted (framing and chain were checked).",
            "opmerking: {count} records zijn geschreven door een nieuwere leerpad; hun inhoud "
            "werd niet geïnterpreteerd (framing en keten zijn gecontroleerd).",
        ),
    }
)


def report_json(report: Report) -> dict[str, Any]:
    problem = report.problem
    return {
        "intact": report.intact,
        "path": str(report.path),
        "records": report.records,
        "last_hash": report.last_hash,
        "size": report.size,
        "unknown_records": report.unknown,
        "problem": {
            "seq": problem.seq,
            "offset": problem.offset,
            "kind": problem.kind,
            "message": problem.message,
        }
        if problem
        else None,
        "torn_tail": {"offset": report.torn.offset, "size": report.torn.size}
        if report.torn
        else None,
        "side_files": report.side_files,
    }


def cmd_verify(args: argparse.Namespace, ctx: Context) -> int:
    if isinstance(ctx.store_path, str):
        try:
            from core.pgstore import verify_database

            report = verify_database(ctx.store_path)
        except MissingDriver as exc:
            raise Fail(str(exc), EXIT_USAGE) from exc
    else:
        ctx.require_access(ctx.store_path)  # "no access" is not damage
        report = verify_store(ctx.store_path)
    code = 0 if report.intact else EXIT_STORE
    found = signing.store_verdicts(report.state) if report.state is not None else []
    earlier = None
    if report.state is not None and not isinstance(ctx.store_path, str):
        earlier = earlier_log(ctx.store_path, report.state)
    before = _earlier_verdicts(earlier)
    outcomes = cmd_checkpoint.check_files(args.checkpoint, ctx.store_path, report)
    if any(item["verdict"].fails for item in found + before) or not all(o.ok for o in outcomes):
        code = EXIT_STORE
    if args.json:
        data = report_json(report)
        data["signoffs"] = signing.verdicts_json(found)
        data["checkpoints"] = cmd_checkpoint.outcomes_json(outcomes)
        if earlier is not None:
            data["earlier_log"] = _earlier_json(earlier, before)
        print_json(data)
        return code
    problem = report.problem
    if problem is None:
        print(t("cli.verify.intact", records=report.records, hash=report.last_hash))
    elif problem.kind == "not-regular":
        warn(problem.message)
    elif problem.kind in ("header", "newer-format", "roles"):
        warn(t("cli.verify.bad_header", path=report.path, what=problem.message))
    else:
        intact = ""
        if report.records == 1:
            intact = t("cli.verify.good_one")
        elif report.records > 1:
            intact = t("cli.verify.good", good=report.records)
        warn(
            t("cli.verify.bad", seq=problem.seq, offset=problem.offset, what=problem.message)
            + intact
        )
    if report.torn is not None:
        warn(t("cli.verify.torn", size=report.torn.size, offset=report.torn.offset))
    if report.unknown:
        warn(t("cli.verify.unknown", count=report.unknown))
    if report.side_files:
        warn(t("cli.verify.side", files=", ".join(report.side_files)))
    signing.print_verdicts(found)
    if earlier is not None:
        _print_earlier(earlier, before)
    cmd_checkpoint.print_outcomes(outcomes)
    return code


def _earlier_verdicts(earlier: EarlierLog | None) -> list[dict[str, Any]]:
    """The sign-offs made before the upgrade, checked in the kept old log (when it links)."""
    if earlier is None or not earlier.linked or earlier.report is None:
        return []
    state = earlier.report.state
    return signing.store_verdicts(state) if state is not None else []


def _print_earlier(earlier: EarlierLog, before: list[dict[str, Any]]) -> None:
    names = {"name": earlier.origin.source, "on": fmt_date(earlier.origin.time.date())}
    report = earlier.report
    if report is None:
        print(t("cli.verify.earlier_gone", **names))
    elif not earlier.linked:
        warn(t("cli.verify.earlier_unlinked", **names, records=earlier.origin.records))
    else:
        print(t("cli.verify.earlier", **names, records=report.records, hash=report.last_hash))
        signing.print_verdicts(before)


def _earlier_json(earlier: EarlierLog, before: list[dict[str, Any]]) -> dict[str, Any]:
    report = earlier.report
    return {
        "path": str(earlier.path),
        "present": report is not None,
        "linked": earlier.linked,
        "records": report.records if report is not None else None,
        "last_hash": report.last_hash if report is not None else None,
        "signoffs": signing.verdicts_json(before),
    }


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check the store's log (exit 0 if intact, 3 if not)")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--checkpoint",
        nargs="+",
        default=[],
        metavar="FILE",
        help="also check that the log still holds what these signed checkpoints witnessed",
    )
    p.set_defaults(handler=cmd_verify)
