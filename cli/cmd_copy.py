"""`leerpad store copy SRC DEST`: copy every record between a store directory and PostgreSQL."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.context import EXIT_STORE, EXIT_USAGE, Context, Fail
from core import i18n
from core.i18n import t
from core.storage import MissingDriver, StoreError, is_database_url, shown_location

i18n.register(
    {
        "cli.copy.done": (
            "Copied {records} records from {source} to {destination}. The source's last hash "
            "is {source_hash} (named by the copy's first record); the copy's own last hash is "
            "{copy_hash}.",
            "{records} records gekopieerd van {source} naar {destination}. De laatste hash van "
            "de bron is {source_hash} (genoemd in het eerste record van de kopie); de eigen "
            "laatste hash van de kopie is {copy_hash}.",
        ),
    }
)


def _location(text: str) -> Path | str:
    return text if is_database_url(text) else Path(text).expanduser().absolute()


def cmd_copy(args: argparse.Namespace, ctx: Context) -> int:
    from core.storecopy import copy_store

    source, destination = _location(args.source), _location(args.destination)
    try:
        copied = copy_store(source, destination)
    except MissingDriver as exc:
        raise Fail(str(exc), EXIT_USAGE) from exc
    except StoreError as exc:
        raise Fail(str(exc), EXIT_STORE) from exc
    print(
        t(
            "cli.copy.done",
            records=copied.records,
            source=shown_location(source),
            destination=shown_location(destination),
            source_hash=copied.source_hash,
            copy_hash=copied.copy_hash,
        )
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    store = sub.add_parser("store", help="move a store: copy between a directory and PostgreSQL")
    cmds = store.add_subparsers(dest="store_command", metavar="SUBCOMMAND", required=True)
    p = cmds.add_parser("copy", help="copy every record into a new, empty store")
    p.add_argument("source", metavar="SRC", help="a store directory or postgresql:// URL")
    p.add_argument("destination", metavar="DEST", help="a new store directory or postgresql:// URL")
    p.set_defaults(handler=cmd_copy)
