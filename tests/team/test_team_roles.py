"""Roles in a store: every rule of core.access, enforced by Store.execute under the lock.

The actor is set on the Store object to play several people in one process;
the CLI tests (test_team_cli.py) show the OS login is what is used for real.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from catalog.schema import Profile
from core import access, commands, i18n
from core import events as ev
from core.commands import Rejected
from core.history import fold_with_history
from core.store import Store

START = date(2026, 11, 2)


def anyone(_login: str) -> bool:
    return True


def as_(store: Store, actor: str, decide: Callable) -> ev.Record:
    store.actor = actor
    return store.execute(decide)


def grant(store: Store, actor: str, login: str, role: str, **kw: object) -> ev.Record:
    return as_(store, actor, lambda s: access.grant(s, login, role, user_exists=anyone, **kw))


def refused(store: Store, actor: str, decide: Callable, key: str) -> str:
    """Run `decide` as `actor`, expect the refusal `key`, and check nothing was written."""
    seq, size = store.state.seq, store.log.size()
    store.actor = actor
    with pytest.raises(Rejected) as caught:
        store.execute(decide)
    assert caught.value.key == key, caught.value.message("en")
    assert store.state.seq == seq
    assert store.log.size() == size
    return caught.value.message("en")


def new_plan(store: Store, actor: str, profile: Profile, trainee: str) -> str:
    rec = as_(
        store, actor, lambda s: commands.create_plan(s, profile, trainee=trainee, start=START)
    )
    return rec.event.plan


def complete(plan: str, action: str = "A1.1.1") -> Callable:
    return lambda s: commands.complete_action(s, plan, action, on=START, today=date(2026, 11, 28))


def sign(plan: str, role: str) -> Callable:
    return lambda s: commands.sign_off(s, plan, role=role)


@pytest.fixture
def team(store: Store, tiny_profile: Profile) -> Store:
    """P1 (trainee piet) and P2 (trainee lien); ann admin, jan mentor of P1, els consultant of
    all plans, piet trainee of P1, mia mentor without plans, bob no role."""
    new_plan(store, "setup", tiny_profile, "Piet")
    new_plan(store, "setup", tiny_profile, "Lien")
    grant(store, "setup", "ann", "admin")
    grant(store, "ann", "jan", "mentor", plans=["P1"])
    grant(store, "ann", "els", "consultant", all_plans=True)
    grant(store, "ann", "piet", "trainee", plans=["p1"])
    grant(store, "ann", "mia", "mentor")
    return store


# --- single-team mode -----------------------------------------------------------------------------


def test_without_access_events_everyone_may_do_everything(store: Store, tiny_profile: Profile):
    plan = new_plan(store, "bob", tiny_profile, "Piet")
    as_(store, "carla", complete(plan))
    for role in commands.ROLES:
        as_(store, "dirk", sign(plan, role))
    assert not access.roles_on(store.state)
    assert access.visible_plans(store.state, "anybody") is None
    assert access.may_edit(store.state, "anybody", plan)


def test_the_first_role_given_must_be_admin(store: Store, tiny_profile: Profile):
    new_plan(store, "bob", tiny_profile, "Piet")
    message = refused(
        store,
        "bob",
        lambda s: access.grant(s, "jan", "mentor", plans=["P1"], user_exists=anyone),
        "err.access.first_admin",
    )
    assert "leerpad access grant LOGIN admin" in message
    grant(store, "bob", "bob", "admin")
    assert access.roles_on(store.state)
    assert access.admins(store.state) == ["bob"]


# --- admins ---------------------------------------------------------------------------------------


def test_only_admins_change_access(team: Store):
    for actor in ("jan", "els", "piet", "mia"):
        message = refused(
            team,
            actor,
            lambda s: access.grant(s, "bob", "mentor", user_exists=anyone),
            "err.access.admin_only",
        )
        assert "ann" in message and actor in message
    refused(team, "jan", lambda s: access.revoke(s, "jan", "mentor"), "err.access.admin_only")
    grant(team, "ann", "bob", "mentor", plans=["P2"])
    assert access.roles_of(team.state, "bob")["mentor"].plans == {"P2"}


def test_admins_change_access_but_not_plans(team: Store):
    message = refused(team, "ann", complete("P1"), "err.access.admin_edit")
    assert "admins change access, not plans" in message
    assert access.visible_plans(team.state, "ann") is None


def test_the_last_admin_cannot_be_revoked(team: Store):
    refused(team, "ann", lambda s: access.revoke(s, "ann", "admin"), "err.access.last_admin")
    grant(team, "ann", "els", "admin")
    as_(team, "ann", lambda s: access.revoke(s, "ann", "admin"))
    assert access.admins(team.state) == ["els"]


def test_a_user_without_a_role_may_change_nothing_and_read_nothing(team: Store):
    message = refused(team, "bob", complete("P1"), "err.access.no_role")
    assert "bob has no role" in message and "ann" in message
    assert access.visible_plans(team.state, "bob") == set()


# --- mentors and consultants ----------------------------------------------------------------------


def test_a_mentor_edits_the_plans_assigned_to_them_only(team: Store):
    as_(team, "jan", complete("P1"))
    as_(team, "jan", lambda s: commands.add_note(s, "P1", "A1", text="Goed bezig"))
    message = refused(team, "jan", complete("P2"), "err.access.not_assigned")
    assert "not assigned to plan P2 (only to: P1)" in message
    assert "leerpad access assign jan P2" in message
    assert access.visible_plans(team.state, "jan") is None


def test_a_mentor_without_plans_edits_the_plans_they_create(team: Store, tiny_profile: Profile):
    refused(team, "mia", complete("P1"), "err.access.not_assigned")
    plan = new_plan(team, "mia", tiny_profile, "Nora")
    as_(team, "mia", complete(plan))
    as_(team, "mia", sign(plan, "mentor"))


def test_a_consultant_of_all_plans_edits_every_plan(team: Store, tiny_profile: Profile):
    as_(team, "els", complete("P1"))
    as_(team, "els", complete("P2"))
    later = new_plan(team, "jan", tiny_profile, "Omar")
    as_(team, "els", complete(later, "A2.1.1"))
    as_(team, "els", sign("P2", "consultant"))


def test_sign_off_as_mentor_only_by_the_plans_mentor(team: Store):
    refused(team, "mia", sign("P1", "mentor"), "err.access.sign_role")
    refused(team, "jan", sign("P1", "consultant"), "err.access.sign_role")
    refused(team, "jan", sign("P1", "trainee"), "err.access.sign_role")
    as_(team, "jan", sign("P1", "mentor"))


def test_unassigning_takes_the_plan_away(team: Store):
    as_(team, "ann", lambda s: access.revoke(s, "jan", "mentor", plans=["P1"]))
    refused(team, "jan", complete("P1"), "err.access.not_assigned")
    assert "mentor" in access.roles_of(team.state, "jan")


# --- trainees -------------------------------------------------------------------------------------


def test_a_trainee_reads_only_their_own_plan(team: Store):
    assert access.visible_plans(team.state, "piet") == {"P1"}
    assert access.can_read(team.state, "piet", "P1")
    assert not access.can_read(team.state, "piet", "P2")


def test_a_trainee_changes_nothing(team: Store, tiny_profile: Profile):
    message = refused(team, "piet", complete("P1"), "err.access.trainee_edit")
    assert "trainees read their own plan and sign it off" in message
    refused(
        team,
        "piet",
        lambda s: commands.add_note(s, "P1", "P1", text="Mijn notitie"),
        "err.access.trainee_edit",
    )
    refused(
        team,
        "piet",
        lambda s: commands.create_plan(s, tiny_profile, trainee="X", start=START),
        "err.access.create",
    )


def test_a_trainee_signs_off_their_own_plan_as_trainee_only(team: Store):
    rec = as_(team, "piet", sign("P1", "trainee"))
    assert rec.actor == "piet"
    message = refused(team, "piet", sign("P1", "mentor"), "err.access.sign_role")
    assert "only its mentor can" in message
    refused(team, "piet", sign("P2", "trainee"), "err.access.sign_role")


# --- enforcement uses the freshest state ----------------------------------------------------------


def test_a_stale_process_cannot_use_a_role_revoked_meanwhile(team: Store, make_store):
    other = make_store()  # another process, opened while jan was still mentor of P1
    other.actor = "jan"
    as_(team, "ann", lambda s: access.revoke(s, "jan", "mentor"))
    assert "jan" in other.state.access.users  # it has not read the revocation yet
    size = other.log.size()
    with pytest.raises(Rejected) as caught:
        other.execute(complete("P1"))
    assert caught.value.key == "err.access.no_role"
    assert other.log.size() == size


def test_every_store_opened_checks_writes(team: Store, make_store):
    reopened = make_store()
    assert reopened.authorize is access.authorize
    reopened.actor = "piet"
    with pytest.raises(Rejected):
        reopened.execute(complete("P1"))


# --- granting and revoking: validation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "role", "kw", "key"),
    [
        ("bob", "boss", {}, "err.access.unknown_role"),
        ("bob", "admin", {"plans": ["P1"]}, "err.access.admin_scope"),
        ("bob", "admin", {"all_plans": True}, "err.access.admin_scope"),
        ("bob", "trainee", {}, "err.access.trainee_plan"),
        ("bob", "trainee", {"all_plans": True}, "err.access.trainee_all"),
        ("bob", "mentor", {"plans": ["P9"]}, "err.unknown_plan"),
        ("bob", "mentor", {"plans": ["P1"], "all_plans": True}, "err.access.plans_and_all"),
        ("jan", "mentor", {"plans": ["P1"]}, "err.access.no_change"),
        ("els", "consultant", {"plans": ["P2"]}, "err.access.no_change"),
        ("ann", "admin", {}, "err.access.no_change"),
        ("bo b", "mentor", {}, "err.access.bad_login"),
        ("", "mentor", {}, "err.access.bad_login"),
    ],
)
def test_bad_grants_are_refused(team: Store, login: str, role: str, kw: dict, key: str):
    refused(team, "ann", lambda s: access.grant(s, login, role, user_exists=anyone, **kw), key)


def test_a_grant_names_an_existing_user(team: Store):
    message = refused(
        team,
        "ann",
        lambda s: access.grant(s, "lpt_nobody_here_x", "mentor"),
        "err.access.unknown_user",
    )
    assert "There is no user lpt_nobody_here_x" in message


@pytest.mark.parametrize(
    ("login", "role", "kw", "key"),
    [
        ("bob", "mentor", {}, "err.access.not_held"),
        ("jan", "consultant", {}, "err.access.not_held"),
        ("jan", "mentor", {"plans": ["P2"]}, "err.access.not_held_plans"),
        ("jan", "mentor", {"all_plans": True}, "err.access.not_held_plans"),
    ],
)
def test_bad_revokes_are_refused(team: Store, login: str, role: str, kw: dict, key: str):
    refused(team, "ann", lambda s: access.revoke(s, login, role, **kw), key)


def test_all_plans_replaces_a_list_and_revoking_it_leaves_the_role(team: Store):
    grant(team, "ann", "jan", "mentor", all_plans=True)
    held = access.roles_of(team.state, "jan")["mentor"]
    assert held.all_plans and held.plans == set()
    as_(team, "ann", lambda s: access.revoke(s, "jan", "mentor", all_plans=True))
    held = access.roles_of(team.state, "jan")["mentor"]
    assert not held.all_plans and held.plans == set()


def test_plan_role_is_the_only_one_held_or_asked(team: Store):
    assert access.plan_role(team.state, "jan", None) == "mentor"
    assert access.plan_role(team.state, "jan", "consultant") == "consultant"
    with pytest.raises(Rejected) as caught:
        access.plan_role(team.state, "ann", None)
    assert caught.value.key == "err.access.no_plan_role"
    grant(team, "ann", "jan", "consultant", plans=["P2"])
    with pytest.raises(Rejected) as caught:
        access.plan_role(team.state, "jan", None)
    assert caught.value.key == "err.access.role_needed"


# --- the log is the truth; access.toml is a copy --------------------------------------------------


def test_access_file_is_written_from_the_log(team: Store, make_store):
    import tomllib

    path = access.write_access_file(team.path, team.state)
    data = tomllib.loads(path.read_text())
    assert data["log_seq"] == team.state.access.seq
    assert data["users"] == {
        "ann": {"admin": True},
        "els": {"consultant": "all"},
        "jan": {"mentor": ["P1"]},
        "mia": {"mentor": []},
        "piet": {"trainee": ["P1"]},
    }
    assert make_store().notices == []


def test_a_hand_edited_access_file_changes_nothing_and_is_reported(team: Store, make_store):
    path = access.write_access_file(team.path, team.state)
    path.write_text(path.read_text() + '\n[users."bob"]\nadmin = true\n')
    reopened = make_store()
    assert any("does not match the access recorded in the log" in n for n in reopened.notices)
    reopened.actor = "bob"
    with pytest.raises(Rejected):
        reopened.execute(lambda s: access.revoke(s, "ann", "admin"))


def test_an_access_file_without_access_events_is_ignored(store: Store, make_store):
    (store.path / access.ACCESS_FILE).write_text('[users."bob"]\nadmin = true\n')
    reopened = make_store()
    assert any("single-team mode" in n for n in reopened.notices)
    assert not access.roles_on(reopened.state)


def test_access_changes_are_in_the_history(team: Store):
    entries = [e for e in fold_with_history(team.records()) if e.kind.startswith("access.")]
    assert entries[1].describe("en") == "gave jan the role mentor (P1)"
    assert entries[1].describe("nl") == "gaf jan de rol begeleider (P1)"
    assert entries[0].describe("en") == "gave ann the role admin"
    as_(team, "ann", lambda s: access.revoke(s, "jan", "mentor"))
    last = team.history()[-1]
    assert last.describe("en") == "took the role mentor from jan"
    assert last.plan == "" and last.actor == "ann"


def test_refusals_are_translated(team: Store):
    team.actor = "piet"
    with pytest.raises(Rejected) as caught:
        team.execute(complete("P1"))
    assert "cursist" in caught.value.message("nl")
    assert i18n.t("err.access.trainee_edit", "nl", actor="x") != i18n.t(
        "err.access.trainee_edit", "en", actor="x"
    )


def test_state_at_and_replay_rebuild_the_same_access(team: Store, make_store):
    again = make_store()
    assert again.state.access == team.state.access
    assert team.state_at(team.state.seq).access == team.state.access


def test_an_unreadable_access_file_is_not_reported(team: Store, monkeypatch):
    access.write_access_file(team.path, team.state)

    def no_permission(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_text", no_permission)
    assert access.access_file_notice(team.path, team.state) is None


def test_change_rewrites_the_file_from_the_freshest_log(team: Store, make_store):
    other = make_store()
    other.actor = "ann"
    other.execute(lambda s: access.grant(s, "bob", "mentor", user_exists=anyone))
    team.actor = "ann"
    access.change(
        team, lambda s: access.grant(s, "lien", "trainee", plans=["P2"], user_exists=anyone)
    )
    data = (team.path / access.ACCESS_FILE).read_text()
    assert '[users."bob"]' in data and '[users."lien"]' in data
    assert make_store().notices == []


def test_a_trainee_reads_only_their_own_plans_history(team: Store):
    as_(team, "els", complete("P2"))
    team.actor = "piet"
    entries = access.readable_history(team)
    assert entries and {e.plan for e in entries} == {"P1"}
    team.actor = "ann"
    assert len(access.readable_history(team)) == team.state.seq
    team.actor = "bob"
    assert access.readable_history(team) == []
