"""`leerpad checkpoint`: a signed checkpoint of the log for a witness to keep; and the
checking of such checkpoints that `leerpad verify --checkpoint FILE...` does."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import signing
from cli.context import EXIT_REJECTED, EXIT_STORE, EXIT_USAGE, Context, Fail, warn
from cli.render import literal
from core import config, i18n, signoffs, sshsig, witness
from core.i18n import t
from core.identity import current_actor
from core.storage import Backend, MissingDriver, NotPermitted, StoreError
from core.store import LOG_NAME, open_backend, utc_now

if TYPE_CHECKING:
    from core.verify import Report

i18n.register(
    {
        "cli.checkpoint.no_key": (
            "A checkpoint must be signed: set signing_key in your config ({path}).",
            "Een checkpoint moet ondertekend zijn: zet signing_key in je configuratie ({path}).",
        ),
        "cli.checkpoint.wrote": (
            "Checkpoint of {count} records written to {path}.",
            "Checkpoint van {count} records geschreven naar {path}.",
        ),
        "cli.checkpoint.no_store": (
            "There is no leerpad store at {path}.",
            "Er is geen leerpad-opslag in {path}.",
        ),
    }
)


def cmd_checkpoint(args: argparse.Namespace, ctx: Context) -> int:
    key = signing.signing_key()
    if key is None:
        raise Fail(t("cli.checkpoint.no_key", path=config.user_config_path()), EXIT_USAGE)
    if not isinstance(ctx.store_path, str) and not (ctx.store_path / LOG_NAME).is_file():
        raise Fail(t("cli.checkpoint.no_store", path=ctx.store_path), EXIT_STORE)
    backend = _open(ctx.store_path)
    try:
        # The principal is the login whose key signs (allowed_signers), on a database too.
        note = witness.make(
            backend, signer=current_actor(), key=key, now=utc_now(), interactive=True
        )
    except NotPermitted as exc:
        raise Fail(str(exc), EXIT_REJECTED) from exc
    except (witness.WitnessError, StoreError) as exc:
        raise Fail(str(exc), EXIT_STORE) from exc
    except sshsig.SigningError as exc:
        raise Fail(t("cli.sign.failed", why=exc), EXIT_USAGE) from exc
    finally:
        backend.close()
    count = note.split("\n", 2)[1]
    try:
        if args.append_to:
            witness.append_to(Path(args.append_to), note)
        elif args.output and args.output != "-":
            witness.write_new(Path(args.output), note)
        else:
            sys.stdout.write(note)
            return 0
    except witness.WitnessError as exc:
        raise Fail(str(exc), EXIT_USAGE) from exc
    print(t("cli.checkpoint.wrote", count=count, path=args.append_to or args.output))
    return 0


def check_files(paths: list[str], store: Path | str, report: Report) -> list[witness.Outcome]:
    """Read and check every checkpoint in `paths` against the store `report` (its `verify`)
    describes; a file that cannot be read fails (exit 3)."""
    if not paths:
        return []
    found: list[witness.Checkpoint] = []
    for path in paths:
        try:
            found += witness.read_file(Path(path))
        except witness.WitnessError as exc:
            raise Fail(str(exc), EXIT_STORE) from exc
    checker = signoffs.default_checker()
    if report.state is None:  # no records to compare: the report already says why
        return witness.check(found, None, report, checker)
    backend = _open(store)
    try:
        return witness.check(found, backend, report, checker)
    except NotPermitted as exc:
        raise Fail(str(exc), EXIT_REJECTED) from exc
    except StoreError as exc:
        raise Fail(str(exc), EXIT_STORE) from exc
    finally:
        backend.close()


def _open(store: Path | str) -> Backend:
    try:
        return open_backend(store, create=False)
    except MissingDriver as exc:
        raise Fail(str(exc), EXIT_USAGE) from exc
    except StoreError as exc:
        raise Fail(str(exc), EXIT_STORE) from exc


def print_outcomes(outcomes: list[witness.Outcome]) -> int:
    """One line per checkpoint (and per problem); return how many failed."""
    failed = 0
    for outcome in outcomes:
        for note in outcome.notes:
            warn(literal(note))
        if outcome.ok:
            print(literal(witness.describe_ok(outcome)))
            continue
        failed += 1
        for problem in outcome.problems:
            warn(literal(problem) + ".")
    return failed


def outcomes_json(outcomes: list[witness.Outcome]) -> list[dict[str, Any]]:
    return [
        {
            "checkpoint": o.checkpoint.name,
            "records": o.checkpoint.count,
            "hash": o.checkpoint.hash,
            "ok": o.ok,
            "signatures": [{"signer": s, **v.data()} for s, v in o.signatures],
            "problems": o.problems,
        }
        for o in outcomes
    ]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "checkpoint",
        help="a signed checkpoint of the log (records, last hash) for a witness to keep",
        description="Write a checkpoint of the store's log, signed with your signing_key: "
        "its id, record count and last hash. Keep it out of the group's reach; "
        "'leerpad verify --checkpoint FILE' shows whether the log was rewritten since.",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    where.add_argument(
        "--append-to", metavar="FILE", help="append to FILE (created if missing; never a link)"
    )
    p.set_defaults(handler=cmd_checkpoint)
