"""Start-up pays for the command given: the CLI imports only the module that registers it."""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import COMMANDS, build_parser, command_of

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", sorted(set(COMMANDS.values())))
def test_each_module_registers_exactly_the_commands_mapped_to_it(module: str) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    importlib.import_module(module).register(sub)
    assert set(sub.choices) == {name for name, owner in COMMANDS.items() if owner == module}


def test_the_whole_parser_lists_every_command_in_order() -> None:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == list(COMMANDS)


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["plan", "list"], "plan"),
        (["--store", "plan", "list"], None),  # "plan" is the store's name here
        (["--store", "/s", "--lang", "nl", "agenda"], "agenda"),
        (["--store=/s", "log", "--json"], "log"),
        (["--sto", "/s", "plan", "list"], None),  # an abbreviation: argparse decides
        (["--help"], None),
        (["nonsense"], None),
        ([], None),
    ],
)
def test_the_command_is_found_before_parsing_only_when_certain(
    argv: list[str], command: str | None
) -> None:
    assert command_of(argv) == command


def test_plan_list_imports_none_of_what_only_other_commands_use(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEERPAD_", "XDG_"))}
    env.update(HOME=str(tmp_path), LANG="C.UTF-8", LEERPAD_CHECKPOINTS="off")
    new = ["plan", "new", "--occupation", "Commercieel medewerker binnendienst", "--trainee"]
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cli.main import run; run()",
            "--store",
            str(store),
            *new,
            "An",
            "--start",
            "2026-01-05",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    code = (
        "import sys\n"
        "from cli.main import main\n"
        f"code = main(['--store', {str(store)!r}, 'plan', 'list'])\n"
        "heavy = ('catalog', 'cli.signing', 'cli.cmd_export', 'core.export', 'core.verify',\n"
        "         'core.signoffs', 'core.sshsig', 'docx', 'textual', 'rich', 'tomllib',\n"
        "         'core.planview', 'dataclasses')\n"
        "found = sorted(m for m in sys.modules if m.startswith(heavy))\n"
        "print(code, found)\n"
    )
    listed = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[-1] == "0 []", listed.stderr
    assert "P1" in listed.stdout


def python(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """This interpreter run in the repository with `args`, in a home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEERPAD_", "XDG_"))}
    env.update(HOME=str(home), LANG="C.UTF-8")
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )


def test_python_dash_m_runs_the_command_line(tmp_path: Path) -> None:
    shown = python(
        "-m", "cli.main", "--store", str(tmp_path / "none"), "plan", "list", home=tmp_path
    )
    # The store does not exist: a store problem, said in one sentence (not silence).
    assert shown.returncode == 3, shown.stderr
    assert shown.stderr.startswith("leerpad: ")


def test_opening_the_ui_parses_without_any_command_module(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from cli.main import parser_for\n"
        "for argv in (['--store', 'plan'], ['--lang=nl'], []):\n"
        "    args = parser_for(argv).parse_args(argv)\n"
        "    assert args.command is None, args\n"
        "print(sorted(m for m in sys.modules if m.startswith('cli.cmd_')))\n"
        "argv = ['--store', 's', 'plan', 'list']\n"
        "args = parser_for(argv).parse_args(argv)\n"
        "print(args.command, args.store)\n"
    )
    shown = python("-c", code, home=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0] == "[]"
    assert shown.stdout.splitlines()[1] == "plan s"
