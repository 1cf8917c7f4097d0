"""`leerpad plan new|list|show|edit|close|reopen` and `leerpad sign`, valid and invalid."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cli_support import OCCUPATION, START, Run, log_bytes, record_count

NEW = ("plan", "new", "--occupation", OCCUPATION, "--trainee", "Lotte Wouters", "--start", START)

SUMMARY_KEYS = [
    "id",
    "trainee",
    "company",
    "occupation",
    "occupation_title",
    "start",
    "weeks",
    "week",
    "done",
    "total",
    "percent",
    "expected_percent",
    "status",
    "overdue",
    "next_due",
    "last_seq",
]


# --- plan new ---------------------------------------------------------------------------


def test_new_prints_only_the_id(run: Run, store_dir: Path) -> None:
    result = run(*NEW)
    assert (result.code, result.out, result.err) == (0, "P1\n", "")
    assert record_count(store_dir) == 1
    assert run(*NEW).out == "P2\n"


def test_new_json_is_an_object_with_the_id(run: Run) -> None:
    result = run(*NEW, "--json")
    assert result.code == 0
    assert json.loads(result.out) == {"id": "P1"}


def test_new_takes_the_details_and_a_dutch_date(run: Run) -> None:
    result = run(
        *NEW[:-1],
        "7/9/2026",
        "--weeks",
        "12",
        "--company",
        "Fietsen Mertens",
        "--contract",
        "IBO-9",
        "--contact",
        "Wim Mertens",
    )
    assert result.code == 0
    shown = json.loads(run("plan", "show", "P1", "--json").out)
    assert shown["start"] == "2026-09-07"
    assert shown["weeks"] == 12
    assert (shown["company"], shown["contract"], shown["contact"]) == (
        "Fietsen Mertens",
        "IBO-9",
        "Wim Mertens",
    )


def test_new_finds_the_occupation_by_a_unique_prefix(run: Run) -> None:
    argv = list(NEW)
    argv[3] = "commercieel"
    assert run(*argv).code == 0


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"--occupation": "bakker"}, 1, "Unknown occupation 'bakker'"),
        ({"--start": "31/02/2026"}, 2, "'31/02/2026' is not a date"),
        ({"--start": "soon"}, 2, "is not a date"),
        ({"--weeks": "3"}, 1, "between 4 and 26 weeks, not 3"),
        ({"--weeks": "27"}, 1, "between 4 and 26 weeks, not 27"),
        ({"--weeks": "many"}, 2, "invalid int value"),
        ({"--trainee": "   "}, 1, "The trainee may not be empty"),
    ],
)
def test_new_refuses_bad_input_and_writes_nothing(
    run: Run, store_dir: Path, change: dict[str, str], code: int, message: str
) -> None:
    argv = list(NEW)
    for option, value in change.items():
        if option in argv:
            argv[argv.index(option) + 1] = value
        else:
            argv += [option, value]
    result = run(*argv)
    assert result.code == code
    assert result.out == ""
    assert message in result.err
    assert result.err.startswith("leerpad: ") and result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert record_count(store_dir) == 0


def test_names_are_stored_as_typed_and_listed_literally(run: Run) -> None:
    name = "Sara\x1b[31m Peeters"
    assert run(*NEW[:-3], name, "--start", START).code == 0
    listed = run("plan", "list").out
    assert "\x1b" not in listed and "Sara\\x1b[31m Peeters" in listed
    assert json.loads(run("plan", "list", "--json").out)[0]["trainee"] == name


def test_new_without_required_options_is_a_usage_error(run: Run, store_dir: Path) -> None:
    result = run("plan", "new", "--trainee", "X")
    assert result.code == 2
    assert "--occupation" in result.err
    assert not store_dir.exists()


def test_a_refused_first_plan_leaves_no_store_behind(run: Run, store_dir: Path) -> None:
    # A bad date is caught before the store is touched.
    run(*NEW[:-1], "not-a-date")
    assert not store_dir.exists()


# --- plan list ----------------------------------------------------------------------------


def test_list_of_an_empty_store(run: Run, plan: str) -> None:
    # (a store with one plan; an empty store says so)
    assert "P1" in run("plan", "list").out


def test_list_without_a_store_is_a_store_problem(run: Run, store_dir: Path) -> None:
    result = run("plan", "list")
    assert result.code == 3
    assert f"There is no leerpad store at {store_dir}" in result.err
    assert not store_dir.exists()


def test_list_table_is_aligned_with_status_words(run: Run, demo_store: Path) -> None:
    result = run("plan", "list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == [
        "PLAN",
        "TRAINEE",
        "COMPANY",
        "WEEK",
        "DONE",
        "STATUS",
        "OVERDUE",
        "NEXT",
        "DUE",
    ]
    assert len(lines) == 6
    sara = next(line for line in lines if "Sara Peeters" in line)
    assert "Van Damme Logistics" in sara and "11/26" in sara and "on track" in sara
    assert "completed" in next(line for line in lines if "Mehmet" in line)
    assert "behind" in next(line for line in lines if "Youssef" in line)
    # Aligned: each column starts at the same place on every line.
    at = lines[0].index("COMPANY")
    assert all(line[at - 2 : at] == "  " and line[at] != " " for line in lines)


def test_list_in_dutch(run: Run, demo_store: Path) -> None:
    out = run("--lang", "nl", "plan", "list").out
    assert out.splitlines()[0].split()[:3] == ["PLAN", "CURSIST", "BEDRIJF"]
    assert "op schema" in out and "achter" in out and "afgerond" in out


def test_list_json_keys_and_values(run: Run, demo_store: Path) -> None:
    rows = json.loads(run("plan", "list", "--json").out)
    assert [row["id"] for row in rows] == ["P1", "P2", "P3", "P4", "P5"]
    for row in rows:
        assert list(row) == SUMMARY_KEYS
    sara = rows[1]
    assert sara["trainee"] == "Sara Peeters"
    assert sara["status"] == "on-track"
    assert sara["week"] == 11 and sara["weeks"] == 26
    assert isinstance(sara["percent"], float)
    assert sara["overdue"] == 2
    assert sara["next_due"] == "2026-12-04"
    assert rows[0]["status"] == "completed" and rows[0]["next_due"] is None
    assert rows[2]["status"] == "behind"


def test_list_overdue_only(run: Run, demo_store: Path) -> None:
    rows = json.loads(run("plan", "list", "--overdue", "--json").out)
    assert {row["id"] for row in rows} == {"P2", "P3", "P4"}
    assert all(row["overdue"] > 0 for row in rows)
    text = run("plan", "list", "--overdue").out
    assert "Lotte" not in text and "Mehmet" not in text


def test_list_overdue_when_nothing_is_late(run: Run, plan: str) -> None:
    result = run("plan", "list", "--overdue")
    assert (result.code, result.out) == (0, "No plans with overdue actions.\n")
    assert json.loads(run("plan", "list", "--overdue", "--json").out) == []


# --- plan show ----------------------------------------------------------------------------


def test_show_has_every_part_of_the_plan(run: Run, demo_store: Path) -> None:
    result = run("plan", "show", "P2")
    assert result.code == 0
    out = result.out
    assert out.startswith("P2  Sara Peeters\n")
    for part in (
        "Van Damme Logistics",
        "IBO-2026-0412",
        "from 14/09/2026, 26 weeks (week 11 of 26)",
        "A. Job-related competencies",
        "A1  Telefonische oproepen",
        "A1.1  planned end",
        "• Stelt gerichte vragen",
        "✔ A1.1.1  done, planned 18/09/2026, done 18/09/2026",
        "! ",  # an overdue action
        "overdue",
        "– A8.2.1  n/a",
        "reason: Van Damme Logistics werkt niet met kredietlijnen",
        "own action",
        "Rondleiding in het magazijn",
        "B. Personal competencies",
        "B3  Klantgericht zijn",
        "Evaluations",
        "E1  13/11/2026  participants: Jan Van Damme, Els Maes, Sara Peeters",
        "not yet acquired",
        "Sign-offs",
        "trainee signed E1",
        "Sara neemt de telefoon al vlot op.\n",
    ):
        assert part in out, part


def test_show_json_is_the_full_state(run: Run, demo_store: Path) -> None:
    data = json.loads(run("plan", "show", "p2", "--json").out)
    assert list(data) == [
        "id",
        "trainee",
        "contract",
        "company",
        "contact",
        "occupation",
        "occupation_version",
        "occupation_title",
        "start",
        "weeks",
        "summary",
        "closed",
        "erased",
        "competencies",
        "personal",
        "acquired",
        "notes",
        "evaluations",
        "signoffs",
        "scale",
        "version",
        "last_seq",
    ]
    assert list(data["summary"]) == SUMMARY_KEYS
    assert data["closed"] is None
    comp = data["competencies"][0]
    assert list(comp) == ["id", "title", "done", "total", "percent", "rows"]
    row = comp["rows"][0]
    assert list(row) == ["id", "own", "skills", "due", "done_on", "actions"]
    action = row["actions"][0]
    assert list(action) == [
        "id",
        "text",
        "own",
        "status",
        "due",
        "done_on",
        "dropped_reason",
        "last_change",
    ]
    assert action["status"] == "done" and action["done_on"] == "2026-09-18"
    assert list(action["last_change"]) == ["seq", "actor", "time"]
    statuses = {a["status"] for c in data["competencies"] for r in c["rows"] for a in r["actions"]}
    assert statuses == {"done", "overdue", "planned", "na"}
    assert data["evaluations"][0]["ratings"][0] == {
        "competency": "A1",
        "level": "verworven",
        "comment": "Vriendelijk en duidelijk aan de telefoon.",
    }
    assert data["acquired"]["A1"] is True and data["acquired"]["B6"] is False
    assert {s["role"] for s in data["signoffs"]} == {"mentor", "trainee"}
    assert data["notes"][0]["target"] == "P2"


def test_show_closed_plan(run: Run, demo_store: Path) -> None:
    out = run("plan", "show", "P1").out
    assert "closed: completed on 09/10/2026" in out
    data = json.loads(run("plan", "show", "P1", "--json").out)
    assert data["closed"]["outcome"] == "completed"
    assert data["summary"]["status"] == "completed"


def test_show_unknown_plan(run: Run, plan: str) -> None:
    result = run("plan", "show", "P7")
    assert (result.code, result.out) == (1, "")
    assert result.err == "leerpad: There is no plan P7.\n"


def test_show_escapes_terminal_control_sequences(run: Run, plan: str) -> None:
    evil = "klaar \x1b[2J\x1b]0;pwned\x07 \u202eenil"
    assert run("note", "add", plan, "A1.1.1", evil).code == 0
    out = run("plan", "show", plan).out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "klaar \\x1b[2J\\x1b]0;pwned\\x07 \\u202eenil" in out
    # JSON keeps the text exactly, escaped the JSON way.
    data = json.loads(run("plan", "show", plan, "--json").out)
    assert data["notes"][0]["text"] == evil
    assert "\\u202e" in run("plan", "show", plan, "--json").out


def test_show_markup_is_shown_literally(run: Run, plan: str) -> None:
    assert run("note", "add", plan, plan, "[bold red]niet vet[/] *ook niet*").code == 0
    assert "[bold red]niet vet[/] *ook niet*" in run("plan", "show", plan).out


# --- plan edit / close / reopen -----------------------------------------------------------


def test_edit_changes_only_what_is_given(run: Run, plan: str, store_dir: Path) -> None:
    result = run("plan", "edit", plan, "--company", "Claes NV", "--weeks", "20")
    assert (result.code, result.out) == (0, "Plan P1 updated.\n")
    data = json.loads(run("plan", "show", plan, "--json").out)
    assert (data["company"], data["weeks"], data["trainee"]) == ("Claes NV", 20, "Sara Peeters")
    assert record_count(store_dir) == 2


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        ((), 2, "Say what to change"),
        (("--weeks", "30"), 1, "between 4 and 26"),
        (("--weeks", "x"), 2, "invalid int value"),
        (("--start", "morgen?"), 2, "is not a date"),
        (("--company", "Van Damme Logistics"), 1, "Nothing changed"),
        (("--trainee", ""), 1, "may not be empty"),
    ],
)
def test_edit_refuses(
    run: Run, plan: str, store_dir: Path, argv: tuple[str, ...], code: int, message: str
) -> None:
    before = log_bytes(store_dir)
    result = run("plan", "edit", plan, *argv)
    assert result.code == code
    assert message in result.err
    assert log_bytes(store_dir) == before


def test_edit_unknown_plan(run: Run, plan: str) -> None:
    result = run("plan", "edit", "P9", "--weeks", "10")
    assert (result.code, result.err) == (1, "leerpad: There is no plan P9.\n")


def test_close_and_reopen(run: Run, plan: str, store_dir: Path) -> None:
    result = run("plan", "close", plan, "--outcome", "stopped", "--reason", "Werk gevonden")
    assert (result.code, result.out) == (0, "Plan P1 closed (stopped).\n")
    data = json.loads(run("plan", "show", plan, "--json").out)
    assert data["closed"]["outcome"] == "stopped"
    assert data["closed"]["on"] == "2026-11-28"
    assert data["closed"]["reason"] == "Werk gevonden"
    # A closed plan takes no changes.
    refused = run("action", "done", plan, "A1.1.1")
    assert refused.code == 1 and "is closed" in refused.err
    assert run("plan", "reopen", plan, "--reason", "Terug aan de slag").code == 0
    assert json.loads(run("plan", "show", plan, "--json").out)["closed"] is None
    assert record_count(store_dir) == 3


def test_close_on_a_date(run: Run, plan: str) -> None:
    assert (
        run(
            "plan",
            "close",
            plan,
            "--outcome",
            "completed",
            "--on",
            "20/11/2026",
            "--reason",
            "Klaar",
        ).code
        == 0
    )
    assert json.loads(run("plan", "show", plan, "--json").out)["closed"]["on"] == "2026-11-20"


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("--outcome", "finished"), 2, "invalid choice"),
        (("--outcome", "completed", "--on", "1/12/2026"), 1, "in the future"),
        (("--outcome", "completed", "--on", "1/1/2026"), 1, "before the plan's start"),
        (("--outcome", "completed", "--on", "1/13/2026"), 2, "is not a date"),
        ((), 2, "--outcome"),
    ],
)
def test_close_refuses(
    run: Run, plan: str, store_dir: Path, argv: tuple[str, ...], code: int, message: str
) -> None:
    result = run("plan", "close", plan, *argv)
    assert (result.code, message in result.err) == (code, True)
    assert record_count(store_dir) == 1


def test_reopen_refuses(run: Run, plan: str, store_dir: Path) -> None:
    result = run("plan", "reopen", plan, "--reason", "why")
    assert (result.code, result.err) == (1, "leerpad: Plan P1 is not closed.\n")
    run("plan", "close", plan, "--outcome", "completed", "--reason", "Klaar")
    assert run("plan", "reopen", plan, "--reason", " ").code == 1
    assert run("plan", "reopen", plan).code == 2
    assert record_count(store_dir) == 2


# --- sign -------------------------------------------------------------------------------


def test_sign_the_plan_and_an_evaluation(run: Run, demo_store: Path) -> None:
    result = run("sign", "P2", "--role", "consultant")
    assert result.code == 0
    assert result.out.startswith("Signed off plan P2 (version ")
    again = run("sign", "P2", "--role", "consultant")
    assert again.code == 1 and "already signed this version" in again.err
    result = run("sign", "P2", "--role", "mentor", "--subject", "E1")
    assert result.out == "Signed off evaluation E1 of plan P2 as mentor.\n"
    signoffs = json.loads(run("plan", "show", "P2", "--json").out)["signoffs"]
    assert [(s["role"], s["subject"], s["current"]) for s in signoffs][-2:] == [
        ("consultant", "plan", True),
        ("mentor", "E1", True),
    ]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("P2", "--role", "director"), 2, "invalid choice"),
        (("P2",), 2, "--role"),
        (("P2", "--role", "mentor", "--subject", "E9"), 1, "Plan P2 has no evaluation E9."),
        (("P9", "--role", "mentor"), 1, "There is no plan P9."),
    ],
)
def test_sign_refuses(
    run: Run, demo_store: Path, argv: tuple[str, ...], code: int, message: str
) -> None:
    before = log_bytes(demo_store)
    result = run("sign", *argv)
    assert result.code == code and message in result.err
    assert log_bytes(demo_store) == before


def test_today_moves_the_plan_week(run: Run, plan: str) -> None:
    later = json.loads(run("plan", "list", "--json", today=date(2026, 12, 28)).out)[0]
    assert later["week"] == 17  # 7 September + 16 weeks and 0 days
