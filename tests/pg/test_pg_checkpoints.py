"""Witnessed checkpoints on a database store: a history rewritten by the database's
superuser, consistent again, still fails against a checkpoint kept outside."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pgserver import TEAM, PgStore, Server

from catalog.schema import Profile
from cli.main import main
from core import commands, pgstore
from core.identity import current_actor
from core.store import Store
from tests.trust.trust_support import Keys

START = date(2026, 10, 5)

if shutil.which("ssh-keygen") is None:
    pytest.skip("ssh-keygen is not installed (openssh-client)", allow_module_level=True)

REWRITE = """
DO $$
DECLARE
    r leerpad.records;
    link text;
BEGIN
    UPDATE leerpad.records SET payload = (SELECT payload FROM leerpad.records WHERE seq = {source})
    WHERE seq = {target};
    SELECT hash INTO link FROM leerpad.records WHERE seq = {target} - 1;
    FOR r IN SELECT * FROM leerpad.records WHERE seq >= {target} ORDER BY seq LOOP
        UPDATE leerpad.records SET prev = link, hash = leerpad.record_hash(
            link, r.seq, r.time, r.v, r.id, r.actor, r.plan, r.type, r.subject, r.payload)
        WHERE seq = r.seq RETURNING hash INTO link;
    END LOOP;
    UPDATE leerpad.store SET last_hash = link;
END $$
"""
"""What only the database's owner or superuser can do: change a record, then chain every
record from there again, so the history is consistent and `verify` alone passes."""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def witness_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key in allowed_signers (named by the site config) that the user's config signs with."""
    keys = Keys(tmp_path / "keys")
    key = keys.make("witness")
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(keys.line(current_actor(), key) + "\n")
    site = tmp_path / "site" / "leerpad" / "config.toml"
    site.parent.mkdir(parents=True)
    site.write_text(f'allowed_signers = "{allowed}"\n')
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(site.parent.parent))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    user = Path(os.environ["XDG_CONFIG_HOME"]) / "leerpad" / "config.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(f'signing_key = "{key}"\n')
    return key


def fill(url: str, profile: Profile, notes: int) -> None:
    with Store.open(url) as store:
        store.execute(lambda s: commands.create_plan(s, profile, trainee="An", start=START))
        for n in range(notes):
            store.execute(lambda s, n=n: commands.add_note(s, "P1", "P1", text=f"Notitie {n}."))


Witnessed = Callable[[int], tuple[str, Path]]


@pytest.fixture
def witnessed(
    pg_store: PgStore,
    witness_key: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tiny_profile: Profile,
) -> Witnessed:
    """witnessed(notes): a plan with `notes` notes in `pg_store`, then a checkpoint of it
    appended to a file; (the store's URL for jan, that file)."""

    def make(notes: int) -> tuple[str, Path]:
        url = pg_store.url("jan")
        fill(url, tiny_profile, notes)
        target = tmp_path / "witness.txt"
        code, _, err = run(capsys, "--store", url, "checkpoint", "--append-to", str(target))
        assert code == 0, err
        return url, target

    return make


def test_a_rewritten_history_fails_against_a_checkpoint(
    pg_store: PgStore, witnessed: Witnessed, capsys: pytest.CaptureFixture[str]
) -> None:
    url, target = witnessed(5)
    body = target.read_text().split("\n\n")[0].splitlines()
    (log_id,) = pg_store.psql("SELECT replace(log_id::text, '-', '') FROM leerpad.store").split()
    assert body[:2] == [f"leerpad/log/{log_id}", "6"]
    (last,) = pg_store.psql("SELECT hash FROM leerpad.records WHERE seq = 6").split()
    assert body[2] == last  # the hash the database computed
    code, out, err = run(capsys, "--store", url, "verify", "--checkpoint", str(target))
    assert code == 0, err
    assert f"checkpoint {target}#1: the log still starts with its 6 records" in out

    pg_store.psql(REWRITE.format(source=5, target=3))
    assert run(capsys, "--store", url, "verify")[0] == 0  # consistent: only the witness tells
    code, _, err = run(capsys, "--store", url, "verify", "--checkpoint", str(target))
    assert code == 3
    assert f"checkpoint {target}#1: the log was rewritten: record 3 differs" in err


def test_a_shortened_history_fails_against_a_checkpoint(
    pg_store: PgStore, witnessed: Witnessed, capsys: pytest.CaptureFixture[str]
) -> None:
    url, target = witnessed(2)
    pg_store.psql(
        "DELETE FROM leerpad.records WHERE seq = 3; "
        "UPDATE leerpad.store SET last_seq = 2, "
        "last_hash = (SELECT hash FROM leerpad.records WHERE seq = 2)"
    )
    assert run(capsys, "--store", url, "verify")[0] == 0
    code, _, err = run(capsys, "--store", url, "verify", "--checkpoint", str(target))
    assert code == 3
    assert f"checkpoint {target}#1 witnessed 3 records, but the log has only 2" in err


def test_a_checkpoint_of_another_store_is_refused(
    pg_server: Server,
    pg_store: PgStore,
    witness_key: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tiny_profile: Profile,
) -> None:
    other = PgStore(pg_server, pg_server.new_database())
    pgstore.init_database(other.url("lp_admin"), TEAM)
    for store in (pg_store, other):
        fill(store.url("jan"), tiny_profile, 1)
    target = tmp_path / "other.txt"
    assert run(capsys, "--store", other.url("jan"), "checkpoint", "-o", str(target))[0] == 0
    ours = pg_store.url("jan")
    code, _, err = run(capsys, "--store", ours, "verify", "--checkpoint", str(target))
    assert code == 3 and f"checkpoint {target}#1 is for another log" in err
    # Nor does it fit a file store.
    files = tmp_path / "file-store"
    fill(str(files), tiny_profile, 1)
    code, _, err = run(capsys, "--store", str(files), "verify", "--checkpoint", str(target))
    assert code == 3 and f"checkpoint {target}#1 is for another log" in err


def refused(capsys: pytest.CaptureFixture[str], url: str, target: Path, *, code: int = 3) -> str:
    """Why `leerpad checkpoint -o target` failed (exit `code`), having written nothing."""
    exit_code, _, err = run(capsys, "--store", url, "checkpoint", "-o", str(target))
    assert exit_code == code and not target.exists()
    return err


def test_an_empty_database_store_has_nothing_to_witness(
    pg_store: PgStore, witness_key: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "nothing to witness" in refused(capsys, pg_store.url("jan"), tmp_path / "w.txt")


def test_a_trainee_who_cannot_read_every_record_is_refused(
    team: PgStore, witness_key: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "witness.txt"
    assert "piet may not read every record" in refused(capsys, team.url("piet"), target, code=1)
    assert run(capsys, "--store", team.url("jan"), "checkpoint", "-o", str(target))[0] == 0
    code, _, err = run(capsys, "--store", team.url("piet"), "verify", "--checkpoint", str(target))
    assert code == 1 and "piet may not read every record" in err
