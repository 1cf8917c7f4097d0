"""`leerpad verify`: check framing, checksums and the hash chain of the whole store."""

from __future__ import annotations

import argparse
from typing import Any

from cli import cmd_checkpoint, signing
from cli.context import EXIT_STORE, EXIT_USAGE, Context, Fail, print_json, warn
from core import i18n
from core.i18n import t
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
    outcomes = cmd_checkpoint.check_files(args.checkpoint, ctx.store_path)
    if any(item["verdict"].fails for item in found) or not all(o.ok for o in outcomes):
        code = EXIT_STORE
    if args.json:
        data = report_json(report)
        data["signoffs"] = signing.verdicts_json(found)
        data["checkpoints"] = cmd_checkpoint.outcomes_json(outcomes)
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
    cmd_checkpoint.print_outcomes(outcomes)
    return code


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
