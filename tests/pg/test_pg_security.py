"""What PostgreSQL itself enforces: who acts, who may write, and who reads which plan.

These talk to the database with psql as the team's users, as someone bypassing
leerpad would.
"""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from pgserver import PgStore

from core import access, commands
from core.storage import StoreError
from core.store import Store

START = date(2026, 10, 5)


def refused(pg: PgStore, sql: str, user: str) -> str:
    with pytest.raises(subprocess.CalledProcessError) as caught:
        pg.psql(sql, user=user)
    return caught.value.stderr


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO leerpad.records SELECT seq + 100, id || 'x', time, actor, plan, type, "
        "subject, payload, v, prev, hash FROM leerpad.records WHERE seq = 1",
        "UPDATE leerpad.records SET actor = 'els'",
        "DELETE FROM leerpad.records",
        "TRUNCATE leerpad.records",
        "UPDATE leerpad.store SET last_seq = 0",
        "SELECT * FROM leerpad.roles",
        "SELECT * FROM leerpad.import_record('x', now(), 'els', 'P1', 'note.added', '', "
        "'\\x00'::bytea, 1, NULL)",
    ],
)
def test_a_member_cannot_write_around_the_append_function(team: PgStore, sql: str) -> None:
    before = team.psql("SELECT count(*), max(hash) FROM leerpad.records")
    assert "permission denied" in refused(team, sql, "jan")
    assert team.psql("SELECT count(*), max(hash) FROM leerpad.records") == before


def test_the_database_stamps_the_actor_not_the_client(team: PgStore) -> None:
    with Store.open(team.url("jan")) as store:
        assert store.actor == "jan"
        store.actor = "els"  # what a tampered client could claim,
        store.authorize = None  # with leerpad's own role checks removed
        record = store.execute(lambda s: commands.add_note(s, "P1", "P1", text="door jan"))
    assert record.actor == "jan"
    assert team.psql("SELECT actor FROM leerpad.records ORDER BY seq DESC LIMIT 1").strip() == "jan"


def test_a_trainee_reads_only_their_own_plan(team: PgStore) -> None:
    rows = team.psql("SELECT plan, type FROM leerpad.records ORDER BY seq", user="piet")
    assert rows.split() == ["P1|plan.created", "|access.granted"]
    with Store.open(team.url("piet")) as piet:
        assert sorted(piet.state.plans) == ["P1"]
        assert access.visible_plans(piet.state, "piet") == {"P1"}
    everything = team.psql("SELECT count(*) FROM leerpad.records", user="jan")
    assert everything.strip() == "6"


def test_only_an_admin_changes_access_even_through_the_function(team: PgStore) -> None:
    sql = (
        "SELECT * FROM leerpad.append((SELECT last_seq FROM leerpad.store), 'forged', '', "
        "'access.granted', 'jan', '\\x00'::bytea, 1, "
        """'{"login": "jan", "role": "admin", "plans": [], "all_plans": false}')"""
    )
    assert "only an admin may change access" in refused(team, sql, "jan")


def test_someone_outside_the_team_reads_nothing(team: PgStore) -> None:
    assert "permission denied" in refused(team, "SELECT * FROM leerpad.records", "outsider")
    with pytest.raises(StoreError, match="have no access to the leerpad store"):
        Store.open(team.url("outsider"))


def test_the_documented_audit_query_recomputes_the_chain(team: PgStore) -> None:
    query = AUDIT_QUERY
    assert team.psql(query).strip() == "6|0"
    team.psql("UPDATE leerpad.records SET payload = payload || '\\x00'::bytea WHERE seq = 3")
    assert team.psql(query).strip() == "6|1"


AUDIT_QUERY = """
SELECT count(*), count(*) FILTER (WHERE NOT intact)
FROM (
    SELECT seq = row_number() OVER w
       AND prev = coalesce(lag(hash) OVER w, (SELECT leerpad.genesis(log_id) FROM leerpad.store))
       AND hash = leerpad.record_hash(prev, seq, time, v, id, actor, plan, type, subject, payload)
       AS intact
    FROM leerpad.records
    WINDOW w AS (ORDER BY seq)
) AS checked
"""
