"""Where the store is: --store > LEERPAD_STORE > user config > site config > default; `where`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_support import Run

from core import config


@pytest.fixture
def user_config(tmp_path: Path) -> Path:
    path = tmp_path / "home" / "config" / "leerpad" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


@pytest.fixture
def site_config(tmp_path: Path) -> Path:
    path = tmp_path / "site" / "leerpad" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


def test_paths_follow_the_xdg_variables(tmp_path: Path) -> None:
    assert config.user_config_path() == tmp_path / "home/config/leerpad/config.toml"
    assert config.site_config_path() == tmp_path / "site/leerpad/config.toml"
    assert config.default_store_path() == tmp_path / "home/data/leerpad/store"


def test_precedence_step_by_step(
    tmp_path: Path, user_config: Path, site_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert config.resolve_store(None) == (tmp_path / "home/data/leerpad/store", "default")
    site_config.write_text('store = "/srv/leerpad/team"\n')
    assert config.resolve_store(None) == (Path("/srv/leerpad/team"), "site-config")
    user_config.write_text('store = "/home/jan/plannen"\n')
    assert config.resolve_store(None) == (Path("/home/jan/plannen"), "user-config")
    monkeypatch.setenv("LEERPAD_STORE", str(tmp_path / "env"))
    assert config.resolve_store(None) == (tmp_path / "env", "env")
    assert config.resolve_store(str(tmp_path / "flag")) == (tmp_path / "flag", "flag")


def test_empty_variable_is_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEERPAD_STORE", "  ")
    assert config.resolve_store(None)[1] == "default"


def test_relative_and_home_paths(
    tmp_path: Path, user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_config.write_text('store = "plannen"\n')
    assert config.resolve_store(None)[0] == user_config.parent / "plannen"
    user_config.write_text('store = "~/plannen"\n')
    assert config.resolve_store(None)[0] == tmp_path / "home" / "plannen"
    monkeypatch.chdir(tmp_path)
    assert config.resolve_store("rel")[0] == tmp_path / "rel"


def test_language(user_config: Path, site_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.language_and_source(None) == ("en", "locale")
    monkeypatch.setenv("LANG", "nl_BE.UTF-8")
    assert config.language_and_source(None) == ("nl", "locale")
    site_config.write_text('lang = "en"\n')
    assert config.language_and_source(None) == ("en", "site-config")
    user_config.write_text('lang = "nl"\n')
    assert config.resolve_language(None) == "nl"
    assert config.language_and_source("en") == ("en", "flag")


def test_the_cli_uses_the_config(
    run: Run, tmp_path: Path, user_config: Path, site_config: Path, plan: str
) -> None:
    site_config.write_text(f'store = "{tmp_path / "store"}"\nlang = "nl"\n')
    result = run("plan", "list", store=None)
    assert result.code == 0
    assert "Sara Peeters" in result.out and "CURSIST" in result.out
    user_config.write_text(f'store = "{tmp_path / "other"}"\n')
    result = run("plan", "list", store=None)
    assert result.code == 3 and "Er is nog geen leerpad-opslag" in result.err


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("store = \n", "it is not valid TOML"),
        ("store = 3\n", "store must be a non-empty text in quotes"),
        ('store = ""\n', "store must be a non-empty text in quotes"),
        ('lang = "fr"\n', "lang = 'fr' is not a language"),
        (b"store = '\xff'\n", "it is not UTF-8 text"),
    ],
)
def test_a_malformed_config_names_the_file(
    run: Run, user_config: Path, store_dir: Path, content: str | bytes, problem: str
) -> None:
    if isinstance(content, bytes):
        user_config.write_bytes(content)
    else:
        user_config.write_text(content)
    result = run("plan", "list", store=None)
    assert result.code == 2
    assert result.err.startswith(f"leerpad: The config file {user_config} cannot be used: ")
    assert problem in result.err
    assert result.err.count("\n") == 1
    # Even a store on the command line does not skip a broken config (its lang is read too).
    assert run("plan", "list").code == 2


def test_a_config_that_is_a_directory(run: Run, user_config: Path) -> None:
    user_config.mkdir()
    result = run("where", store=None)
    assert result.code == 2 and "it is a directory" in result.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_config(run: Run, user_config: Path) -> None:
    user_config.write_text('store = "/x"\n')
    user_config.chmod(0)
    result = run("where", store=None)
    assert result.code == 2 and "no permission to read it" in result.err


def test_unknown_keys_are_a_warning(run: Run, user_config: Path, plan: str) -> None:
    user_config.write_text('stor = "/typo"\n')
    result = run("plan", "list")
    assert result.code == 0
    assert result.err == (
        f"leerpad: warning: {user_config} has settings leerpad does not know (stor); "
        "they are ignored.\n"
    )


def test_where(run: Run, tmp_path: Path, user_config: Path) -> None:
    user_config.write_text('lang = "en"\n')
    result = run("where", store=None)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == [
        "store:",
        str(tmp_path / "home/data/leerpad/store"),
        "(the",
        "default)",
    ]
    assert lines[1] == "language:       en  (from the user config)"
    assert lines[2] == f"user config:    {user_config}  (sets lang)"
    assert lines[3] == f"site config:    {tmp_path / 'site/leerpad/config.toml'}  (not present)"
    assert lines[-1].startswith("you act as:")
    flagged = run("where", "--store", "/srv/x", store=None).out
    assert "store:          /srv/x  (from --store)" in flagged


def test_where_json(
    run: Run, tmp_path: Path, site_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_config.write_text('store = "/srv/leerpad/team"\n')
    data = json.loads(run("where", "--json", store=None).out)
    assert list(data) == ["store", "language", "config_files", "catalog_dirs", "actor"]
    assert data["store"] == {
        "path": "/srv/leerpad/team",
        "source": "site-config",
        "file": str(site_config),
    }
    assert data["language"] == {"value": "en", "source": "locale", "file": None}
    assert [c["kind"] for c in data["config_files"]] == ["user-config", "site-config"]
    assert data["config_files"][1] == {
        "kind": "site-config",
        "path": str(site_config),
        "exists": True,
        "settings": {"store": "/srv/leerpad/team"},
        "unknown_keys": [],
    }
    assert [d["path"] for d in data["catalog_dirs"]] == [
        str(tmp_path / "home/data/leerpad/catalog"),
        "/srv/leerpad/team/catalog",
    ]
    monkeypatch.setenv("LEERPAD_STORE", "/elders")
    assert json.loads(run("where", "--json", store=None).out)["store"]["source"] == "env"


def test_where_in_dutch(run: Run) -> None:
    out = run("--lang", "nl", "where", store=None).out
    assert out.splitlines()[0].startswith("opslag:")
    assert "(via --lang)" in out


def test_bad_today_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    monkeypatch.setenv("LEERPAD_TODAY", "28/11/2026")
    assert main(["where"]) == 2
    assert capsys.readouterr().err == (
        "leerpad: LEERPAD_TODAY='28/11/2026' is not a date: use YYYY-MM-DD.\n"
    )
