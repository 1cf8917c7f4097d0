"""As a trainee (roles on), every read path of the command line shows only their own plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import Run

from core import access
from core.identity import current_actor
from core.store import Store

ME = current_actor()


@pytest.fixture
def trainee(demo_store: Path) -> str:
    """This process's login is trainee of P2 in the demo store; "an" is admin."""
    anyone = {"user_exists": lambda _: True}
    with Store.open(demo_store) as store:
        store.actor = "an"
        store.execute(lambda s: access.grant(s, "an", "admin", **anyone))
        store.execute(lambda s: access.grant(s, "els", "mentor", all_plans=True, **anyone))
        store.execute(lambda s: access.grant(s, "lotte", "trainee", plans=["P5"], **anyone))
        store.execute(lambda s: access.grant(s, ME, "trainee", plans=["P2"], **anyone))
    return "P2"


def test_access_show_lists_only_the_trainee(run: Run, trainee: str) -> None:
    out = run("access", "show").out
    assert ME in out and "P2" in out
    for other in ("an ", "els", "lotte", "P5"):
        assert other not in out
    data = json.loads(run("access", "show", "--json").out)
    assert [u["login"] for u in data["users"]] == [ME]
    assert data["you"]["may_read"] == ["P2"]


def test_log_shows_only_the_trainees_plan(run: Run, trainee: str) -> None:
    for argv in (("log", "--json"), ("log", "--format", "csv")):
        result = run(*argv)
        assert result.code == 0
    entries = json.loads(run("log", "--json").out)
    assert entries and {e["plan"] for e in entries} == {"P2"}
    assert run("log", "--plan", "P1", "--json").out.strip() == "[]"
    for fmt in ("csv", "md"):
        text = run("log", "--format", fmt).out
        assert "Mehmet Yilmaz" not in text and "P1" not in text


def test_exports_and_plans_are_only_the_trainees(run: Run, trainee: str) -> None:
    assert run("export", "P2", "--format", "json").code == 0
    for plan in ("P1", "P3", "P5"):
        result = run("export", plan, "--format", "md")
        assert result.code == 1 and f"There is no plan {plan}" in result.err
        assert run("plan", "show", plan).code == 1
    listed = json.loads(run("plan", "list", "--json").out)
    assert [p["id"] for p in listed] == ["P2"]
