"""Personal texts on PostgreSQL: sealed with plan keys in `leerpad.plan_keys`, read as row-level
security allows, erased by destroying the key (docs/PRIVACY.md, *Database stores*).

The tables are read with psql as each database user, as someone bypassing leerpad would.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pgserver import MEMBERS, SUPERUSER, PgStore

from catalog.schema import Profile
from cli.main import main
from core import commands
from core.erasure import erase_plan
from core.store import Store
from tests.markers import MARKERS, ok, write_every_personal_text

TODAY = date(2026, 11, 28)
START = "2026-09-07"
OCCUPATION = "commercieel-medewerker-binnendienst"
EVERYONE = (SUPERUSER, *MEMBERS)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(pg_store: PgStore, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """run("plan", "list", user="jan") -> Result, on the database store."""

    def call(*argv: str, user: str = "jan") -> Result:
        capsys.readouterr()
        code = main(["--lang", "en", "--store", pg_store.url(user), *argv], today=TODAY)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return call


def readable(pg: PgStore, user: str) -> str:
    """Every row of every table of the store that `user` may SELECT, as text."""
    tables = pg.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'leerpad'").split()
    assert {"records", "plan_keys"} <= set(tables)
    rows = []
    for table in tables:
        try:
            rows.append(pg.psql(f"SELECT t::text FROM leerpad.{table} t", user=user))
        except subprocess.CalledProcessError as exc:
            assert "permission denied" in exc.stderr
    return "\n".join(rows)


def markers_in(text: str) -> list[str]:
    """The markers in `text`, plain or as the hex of a bytea column."""
    return [n for n, m in MARKERS.items() if m in text or m.encode().hex() in text]


def test_personal_texts_are_sealed_in_the_tables_and_shown_by_leerpad(
    pg_store: PgStore, run
) -> None:
    write_every_personal_text(run, OCCUPATION, START)
    for user in EVERYONE:
        assert markers_in(readable(pg_store, user)) == [], user
    assert pg_store.psql("SELECT plan, octet_length(key) FROM leerpad.plan_keys").split() == [
        "P1|32"
    ]
    shown = ok(run, "plan", "show", "P1") + ok(run, "log", "--plan", "P1", "--json")
    assert [n for n, m in MARKERS.items() if m not in shown] == []


def test_after_erasure_no_user_reads_a_personal_text_through_any_table(
    pg_store: PgStore, run
) -> None:
    write_every_personal_text(run, OCCUPATION, START)
    before = json.loads(ok(run, "log", "--plan", "P1", "--json"))
    key = pg_store.psql("SELECT encode(key, 'hex') FROM leerpad.plan_keys").strip()
    assert len(key) == 64 and key in readable(pg_store, "els")

    erased = run("plan", "erase", "P1", "--reason", "bewaartermijn verstreken", user="els")
    assert erased.code == 0 and "P1" in erased.out
    assert "VACUUM FULL leerpad.plan_keys" in erased.err  # what the administrator must do
    assert pg_store.psql(
        "SELECT key IS NULL, destroyed IS NOT NULL FROM leerpad.plan_keys"
    ).split() == ["t|t"]
    for user in EVERYONE:
        dump = readable(pg_store, user)
        assert markers_in(dump) == [] and key not in dump, user

    for user in MEMBERS:
        shown = ok(run, "plan", "show", "P1", user=user)
        history = ok(run, "log", "--plan", "P1", "--json", user=user)
        exported = ok(run, "export", "P1", "--format", "json", "--output", "-", user=user)
        assert "[erased]" in shown and "erased on" in shown and "by els" in shown
        assert [n for n, m in MARKERS.items() if m in shown + history + exported] == []
    assert ok(run, "verify").startswith("intact")
    after = json.loads(ok(run, "log", "--plan", "P1", "--json"))
    assert [(e["seq"], e["actor"], e["time"]) for e in after[:-1]] == [
        (e["seq"], e["actor"], e["time"]) for e in before
    ]
    assert (after[-1]["kind"], after[-1]["actor"]) == ("plan.erased", "els")
    refused = run("note", "add", "P1", "P1", "nog iets")
    assert refused.code == 1 and "erased" in refused.err


def test_a_key_put_back_after_the_erasure_is_destroyed_by_the_next_open(
    pg_store: PgStore, run, tiny_profile: Profile
) -> None:
    """The erasure record and the key's destruction are one transaction; a key row restored
    from an older backup of the table is what the next leerpad to open the store destroys."""
    with Store.open(pg_store.url("jan")) as jan:
        jan.execute(
            lambda s: commands.create_plan(
                s, tiny_profile, trainee="Sara Kill7Qz", start=date(2026, 10, 5)
            )
        )
    saved = pg_store.psql("SELECT encode(key, 'hex') FROM leerpad.plan_keys").strip()
    ok(run, "plan", "erase", "P1", "--reason", "verzoek", "--force")
    pg_store.psql(
        f"UPDATE leerpad.plan_keys SET key = '\\x{saved}', destroyed = NULL WHERE plan = 'P1'"
    )
    assert pg_store.psql("SELECT count(key) FROM leerpad.plan_keys").strip() == "1"
    assert "[erased]" in ok(run, "plan", "show", "P1", user="lien")  # any command, any member
    assert pg_store.psql("SELECT count(key) FROM leerpad.plan_keys").strip() == "0"
    assert ok(run, "verify").startswith("intact")


def test_retention_erases_on_a_database_store(pg_store: PgStore, run) -> None:
    for trainee in ("Oud", "Recent"):
        ok(
            run, "plan", "new", "--occupation", OCCUPATION, "--trainee", trainee,
            "--start", START,
        )  # fmt: skip
    ok(run, "plan", "close", "P1", "--outcome", "stopped", "--on", "2026-09-10")
    ok(run, "plan", "close", "P2", "--outcome", "stopped", "--on", "2026-11-20")
    assert "Oud" in ok(run, "erase", "--closed-before", "2026-10-01")
    ok(run, "erase", "--closed-before", "2026-10-01", "--apply")
    keys = pg_store.psql("SELECT plan, key IS NULL FROM leerpad.plan_keys ORDER BY plan")
    assert keys.split() == ["P1|t", "P2|f"]
    assert "[erased]" in ok(run, "plan", "show", "P1")
    assert "Recent" in ok(run, "plan", "show", "P2")


def test_a_trainee_reads_only_the_key_of_their_own_plan(team: PgStore) -> None:
    query = "SELECT plan, octet_length(key) FROM leerpad.plan_keys ORDER BY plan"
    assert team.psql(query, user="piet").split() == ["P1|32"]
    assert team.psql(query, user="lien").split() == ["P2|32"]
    assert team.psql(query, user="jan").split() == ["P1|32", "P2|32"]
    with Store.open(team.url("piet")) as piet:
        assert piet.state.plans["P1"].trainee == "Piet"


def refused(pg: PgStore, sql: str, user: str) -> str:
    with pytest.raises(subprocess.CalledProcessError) as caught:
        pg.psql(sql, user=user)
    return caught.value.stderr


@pytest.mark.parametrize(
    ("sql", "why"),
    [
        ("INSERT INTO leerpad.plan_keys VALUES ('P9', NULL, 'x', now(), now())", "permission"),
        ("UPDATE leerpad.plan_keys SET key = NULL, destroyed = now()", "permission"),
        ("DELETE FROM leerpad.plan_keys", "permission"),
        ("TRUNCATE leerpad.plan_keys", "permission"),
        # Making a plan's key again would erase its texts without an erasure record.
        (
            "SELECT leerpad.create_key('P1', decode(repeat('00', 32), 'hex'), 'x')",
            "already has records",
        ),
        ("SELECT leerpad.destroy_key('P1')", "was not erased"),
        # Only an admin erases, also through the append function.
        (
            "SELECT * FROM leerpad.append((SELECT last_seq FROM leerpad.store), 'forged', 'P1', "
            "'plan.erased', '', '\\x00'::bytea, 1, NULL)",
            "only an admin may erase",
        ),
    ],
)
def test_a_member_cannot_write_keys_around_the_functions(team: PgStore, sql: str, why: str) -> None:
    before = team.psql("SELECT plan, encode(key, 'hex'), destroyed FROM leerpad.plan_keys")
    assert why in refused(team, sql, "jan")
    assert team.psql("SELECT plan, encode(key, 'hex'), destroyed FROM leerpad.plan_keys") == before


def test_a_new_plan_is_appended_only_after_its_own_key(team: PgStore) -> None:
    """A plan.created whose key row does not name it (none, or planted by someone else) is
    not appended: its texts would be sealed with a key nobody keeps."""
    count = "SELECT count(*) FROM leerpad.records"
    before = team.psql(count)
    append = (
        "SELECT * FROM leerpad.append((SELECT last_seq FROM leerpad.store), 'rec-9', 'P9', "
        "'plan.created', '', '\\x00'::bytea, 1, NULL)"
    )
    assert team.psql(append, user="jan").strip() == ""
    team.psql(
        "SELECT leerpad.create_key('P9', decode(repeat('11', 32), 'hex'), 'other')", user="piet"
    )
    assert team.psql(append, user="jan").strip() == ""
    assert team.psql(count) == before


def test_store_copy_carries_the_keys_and_an_erased_plan_stays_erased(
    pg_store: PgStore, tmp_path: Path, tiny_profile: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "file-store"
    with Store.open(source) as store:
        for trainee in ("Gewist7Qz", "Blijft7Qz"):
            store.execute(
                lambda s, who=trainee: commands.create_plan(
                    s, tiny_profile, trainee=who, start=date(2026, 10, 5)
                )
            )
        store.execute(lambda s: commands.add_note(s, "P1", "P1", text="Weg7Qz"))
        store.execute(lambda s: commands.add_note(s, "P2", "P2", text="Hier7Qz"))
        store.execute(lambda s: erase_plan(s, "P1", reason="verzoek", force=True))
    key = (source / "keys" / "P2.key").read_bytes()
    assert not (source / "keys" / "P1.key").exists()

    admin = pg_store.url(SUPERUSER)
    assert main(["--lang", "en", "store", "copy", str(source), admin]) == 0
    keys = pg_store.psql("SELECT plan, encode(key, 'hex') FROM leerpad.plan_keys ORDER BY plan")
    assert keys.split() == [f"P2|{key.hex()}"]
    back = tmp_path / "back"
    assert main(["--lang", "en", "store", "copy", pg_store.url("jan"), str(back)]) == 0
    assert sorted(p.name for p in (back / "keys").iterdir()) == ["P2.key"]
    assert (back / "keys" / "P2.key").read_bytes() == key
    capsys.readouterr()
    for where in (pg_store.url("jan"), str(back)):
        with Store.open(where) as copy:
            erased, kept = copy.state.plans["P1"], copy.state.plans["P2"]
            assert erased.erased is not None and erased.trainee == "[erased]"
            assert [n.text for n in erased.notes] == ["[erased]"]
            assert kept.trainee == "Blijft7Qz" and [n.text for n in kept.notes] == ["Hier7Qz"]
            assert copy.verify().problem is None
    texts = ("Gewist7Qz", "Blijft7Qz", "Weg7Qz", "Hier7Qz")
    for user in EVERYONE:
        dump = readable(pg_store, user)
        assert [text for text in texts if text in dump or text.encode().hex() in dump] == []
