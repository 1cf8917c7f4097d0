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

from cli.context import (
    EXIT_BUG,
    EXIT_REJECTED,
    EXIT_STORE,
    EXIT_USAGE,
    Context,
    Fail,
    undecodable,
)
from cli.output import OutputFailed, whole_output
from core import i18n
from core.i18n import t

COMMANDS = {
    "catalog": "cli.cmd_catalog",
    "plan": "cli.cmd_plan",
    "sign": "cli.cmd_plan",
    "action": "cli.cmd_action",
    "note": "cli.cmd_note",
    "evaluation": "cli.cmd_evaluation",
    "log": "cli.cmd_log",
    "verify": "cli.cmd_verify",
    "demo": "cli.cmd_demo",
    "where": "cli.cmd_where",
    "export": "cli.cmd_export",
    "init-store": "cli.cmd_team",
    "access": "cli.cmd_team",
    "agenda": "cli.cmd_schedule",
    "store": "cli.cmd_copy",
    "checkpoint": "cli.cmd_checkpoint",
    "erase": "cli.cmd_privacy",
    "upgrade": "cli.cmd_privacy",
}
"""Each subcommand and the module that registers it, in the order `--help` lists them.
Only the module of the command given is imported: start-up pays for what it runs."""

EXTENDED_BY = {"log": ("cli.cmd_export",)}
"""Modules that add to another command when registered (export gives `log` csv and md)."""

COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))

_GLOBAL_OPTIONS = ("--store", "--lang")

DEBUG_VARIABLE = "LEERPAD_DEBUG"

i18n.register(
    {
        "cli.subcommand": (
            "'{command}' needs a subcommand (see 'leerpad {command} --help').",
            "'{command}' heeft een subcommando nodig (zie 'leerpad {command} --help').",
        ),
        "cli.bug": (
            "unexpected error ({error}); this is a bug in leerpad "
            "(run with {var}=1 to see the details).",
            "onverwachte fout ({error}); dit is een fout in leerpad "
            "(voer uit met {var}=1 voor de details).",
        ),
        "cli.os_error": ("{error}.", "{error}."),
        "cli.output_failed": (
            "The output could not be written completely ({why}): it is cut short; "
            "free some space or raise the file size limit and run the command again.",
            "De uitvoer kon niet volledig geschreven worden ({why}): ze is onvolledig; "
            "maak ruimte vrij of verhoog de limiet op de bestandsgrootte en voer het "
            "commando opnieuw uit.",
        ),
        "cli.arg_not_utf8": (
            "The argument {shown} is not valid UTF-8 text: type it again or fix its encoding.",
            "Het argument {shown} is geen geldige UTF-8-tekst: typ het opnieuw of herstel "
            "de codering.",
        ),
    }
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's default prints the whole usage; one clear sentence is kinder.
        self.exit(EXIT_USAGE, f"leerpad: {message} (see '{self.prog} --help').\n")


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    """Accept --store and --lang after a subcommand too (`leerpad demo --store DIR`).

    SUPPRESS keeps a subcommand's unset option from overwriting the global one.
    """
    have = parser._option_string_actions
    if "--store" not in have:
        parser.add_argument(
            "--store", metavar="DIR", default=argparse.SUPPRESS, help="the store to use"
        )
    if "--lang" not in have:
        parser.add_argument(
            "--lang", choices=("nl", "en"), default=argparse.SUPPRESS, help="nl or en"
        )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_global_options(child)


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` names, when that is certain before parsing; else None.

    Only the global options may come before it: anything else (--help, an
    abbreviated option) leaves the whole parser to decide.
    """
    first = _first_other(argv)
    return first if first in COMMANDS else None


def _first_other(argv: Sequence[str]) -> str | None:
    """The first argument that is not a global option or its value (None: there is none)."""
    args = iter(argv)
    for arg in args:
        if arg in _GLOBAL_OPTIONS:
            next(args, None)
        elif not arg.startswith(tuple(f"{option}=" for option in _GLOBAL_OPTIONS)):
            return arg
    return None


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser `argv` needs: of its command alone, of none when it gives only global
    options (it opens the UI: start-up then imports no command module), else of all."""
    if _first_other(argv) is None:
        return build_parser(commands=False)
    return build_parser(command_of(argv))


def build_parser(command: str | None = None, *, commands: bool = True) -> argparse.ArgumentParser:
    """The parser of every subcommand, or only of `command` (one of COMMANDS), or of none
    (`commands` off: only the global options, for opening the UI)."""
    parser = _Parser(prog="leerpad", description=__doc__.splitlines()[0])
    parser.add_argument("--store", metavar="DIR", help="the store to use (overrides the config)")
    parser.add_argument(
        "--lang", choices=("nl", "en"), help="language of messages (default: config, locale)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    if not commands:
        modules: tuple[str, ...] = ()
    elif command is None:
        modules = COMMAND_MODULES
    else:
        modules = (COMMANDS[command], *EXTENDED_BY.get(command, ()))
    for name in modules:
        importlib.import_module(name).register(sub)
    for child in sub.choices.values():
        _add_global_options(child)
    return parser


def _parse(argv: Sequence[str] | None) -> argparse.Namespace | int:
    args = sys.argv[1:] if argv is None else argv
    try:
        return parser_for(args).parse_args(args)
    except SystemExit as exc:
        # argparse exits for --help (0) and usage errors (2, message already printed).
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def main(argv: Sequence[str] | None = None, *, today: date | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the exit code."""
    if hasattr(signal, "SIGXFSZ"):
        # Past a file size limit, write() must fail with EFBIG instead of killing us.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    with whole_output():
        return _main(argv, today)


def _main(argv: Sequence[str] | None, today: date | None) -> int:
    args = _parse(argv)
    if isinstance(args, int):
        return args
    ctx: Context | None = None
    try:
        bad = undecodable(args)
        if bad is not None:
            raise Fail(t("cli.arg_not_utf8", shown=bad), EXIT_USAGE)
        ctx = Context.from_args(args, today=today)
        if args.command is None:
            from cli.ui import open_ui

            code = open_ui(ctx)
        elif not hasattr(args, "handler"):
            raise Fail(t("cli.subcommand", command=args.command), EXIT_USAGE)
        else:
            code = int(args.handler(args, ctx) or 0)
        sys.stdout.flush()
        return code
    except Fail as exc:
        print(f"leerpad: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error for the user.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OutputFailed as exc:
        print(f"leerpad: {t('cli.output_failed', why=exc.strerror)}", file=sys.stderr)
        return EXIT_STORE
    except OSError as exc:
        # Disk, permission or I/O trouble outside the store's own checks.
        print(f"leerpad: {t('cli.os_error', error=exc)}", file=sys.stderr)
        return EXIT_STORE
    except Exception as exc:
        if os.environ.get(DEBUG_VARIABLE):
            import traceback  # only a bug needs it: start-up does not pay for it

            traceback.print_exc()
        error = f"{type(exc).__name__}: {exc}"
        print(f"leerpad: {t('cli.bug', error=error, var=DEBUG_VARIABLE)}", file=sys.stderr)
        return EXIT_BUG
    finally:
        if ctx is not None:
            ctx.close()


def run() -> None:
    sys.exit(main())


__all__ = ["EXIT_REJECTED", "EXIT_STORE", "EXIT_USAGE", "main", "run"]


if __name__ == "__main__":
    run()
