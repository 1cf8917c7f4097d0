"""The README's PostgreSQL administrator steps, run as written against a server of their own.

The shell and TOML blocks are taken from the README section itself; only the
socket directory of the throwaway server replaces /run/postgresql, and the
database superuser and the members are chosen with PGUSER (with peer
authentication, that is the Unix login). When the README and leerpad disagree,
this breaks.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgserver import SUPERUSER, Server, find_bin, running_server

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Running leerpad for a team on PostgreSQL"
SOCKET = "/run/postgresql"
TODAY = "2026-11-25"


def readme_blocks(language: str) -> list[str]:
    """The fenced `language` blocks of the README's PostgreSQL section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    section = text[start : end if end >= 0 else len(text)]
    return re.findall(rf"^```{language}\n(.*?)^```", section, flags=re.M | re.S)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A server of its own: the README creates roles, which are shared by a whole cluster."""
    if find_bin() is None:
        pytest.skip("PostgreSQL is not installed (no initdb): apt-get install postgresql")
    try:
        with running_server() as started:
            yield started
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"could not start a throwaway PostgreSQL: {exc.stderr!r}")


def environment(server: Server, home: Path, user: str) -> dict[str, str]:
    """As `user` on a machine where PostgreSQL's programs and leerpad are on the PATH."""
    path = os.pathsep.join([str(server.bin), str(Path(sys.executable).parent), os.environ["PATH"]])
    return {
        **os.environ,
        "PATH": path,
        "PGHOST": str(server.socket_dir),
        "PGUSER": user,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LEERPAD_TODAY": TODAY,
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
    }


def run(script: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace(SOCKET, str(env["PGHOST"]))],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, (script, done.stdout, done.stderr)
    return done


def test_the_administrator_steps_make_a_store_a_member_uses(server: Server, tmp_path: Path) -> None:
    shell, toml = readme_blocks("sh"), readme_blocks("toml")
    assert len(shell) == 2 and len(toml) == 1, "the README section changed shape"
    admin = environment(server, tmp_path / "admin", SUPERUSER)
    run(shell[0], admin, tmp_path)

    # A member makes it their store in the user config file, as the README says.
    jan = environment(server, tmp_path / "jan", "jan")
    config = Path(jan["XDG_CONFIG_HOME"]) / "leerpad" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(toml[0].replace(SOCKET, str(server.socket_dir)), encoding="utf-8")
    where = run("leerpad where", jan, tmp_path).stdout
    assert f"postgresql:///leerpad?host={server.socket_dir}" in where

    created = run(
        "leerpad plan new --occupation commercieel-medewerker-binnendienst "
        "--trainee 'Piet Peeters' --start 2026-09-07 --json",
        jan,
        tmp_path,
    )
    plan = json.loads(created.stdout)["id"]
    log = json.loads(run(f"leerpad log --plan {plan} --json", jan, tmp_path).stdout)
    assert [(e["actor"], e["kind"]) for e in log] == [("jan", "plan.created")]
    assert "1 records" in run("leerpad verify", jan, tmp_path).stdout.replace(",", "")

    # The team role holds no more than the README promises: no writing around append.
    refused = subprocess.run(
        ["psql", "-X", "-d", "leerpad", "-c", "DELETE FROM leerpad.records"],
        env=jan,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert server.psql("SELECT count(*) FROM leerpad.records", database="leerpad").strip() == "1"

    # The yearly erasure, then the database told to forget the destroyed keys: with the
    # plan closed before the README's date (moved to fit the plan's start).
    run(f"leerpad plan close {plan} --outcome stopped --on 2026-10-01", jan, tmp_path)
    run(shell[1].replace("2025-01-01", "2026-11-01"), admin, tmp_path)
    keys = "SELECT plan, key IS NULL FROM leerpad.plan_keys"
    assert server.psql(keys, database="leerpad").split() == [f"{plan}|t"]
    assert "[erased]" in run(f"leerpad plan show {plan}", jan, tmp_path).stdout
    assert "intact" in run("leerpad verify", jan, tmp_path).stdout
