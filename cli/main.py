"""`leerpad`: the command line. Without a subcommand it opens the terminal UI.

Each group of subcommands lives in its own `cli/cmd_*.py` module with a
`register(subparsers)` function; handlers get the parsed args and a `Context`
and return an exit code. Errors go to stderr as one sentence, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from datetime import date

from cli.context import EXIT_REJECTED, EXIT_STORE, EXIT_USAGE, Context, Fail

COMMAND_MODULES = (
    "cli.cmd_catalog",
    "cli.cmd_plan",
    "cli.cmd_action",
    "cli.cmd_note",
    "cli.cmd_log",
    "cli.cmd_verify",
    "cli.cmd_demo",
    "cli.cmd_export",
    "cli.cmd_team",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's default prints the whole usage; one clear sentence is kinder.
        self.exit(EXIT_USAGE, f"leerpad: {message} (see '{self.prog} --help').\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="leerpad", description=__doc__.splitlines()[0])
    parser.add_argument("--store", metavar="DIR", help="the store to use (overrides the config)")
    parser.add_argument(
        "--lang", choices=("nl", "en"), help="language of messages (default: config, locale)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, today: date | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the exit code."""
    if hasattr(signal, "SIGXFSZ"):
        # Past a file size limit, write() must fail with EFBIG instead of killing us.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    args = build_parser().parse_args(argv)
    ctx = Context.from_args(args, today=today)
    try:
        if args.command is None:
            from cli.ui import open_ui

            return open_ui(ctx)
        return int(args.handler(args, ctx) or 0)
    except Fail as exc:
        print(f"leerpad: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error for the user.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        ctx.close()


def run() -> None:
    sys.exit(main())


__all__ = ["EXIT_REJECTED", "EXIT_STORE", "EXIT_USAGE", "main", "run"]
