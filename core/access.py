"""Roles in a store: who may change which plan, who may only read and sign their own.

The log is the truth: `access.granted` / `access.revoked` events fold into
`StoreState.access`; `access.toml` in the store is a copy written from it for
people to read. A log without access events is single-team mode: everyone
who can open the store may do everything. Every write is checked here, under
the log's lock, against the freshest state (`authorize`, installed by Store.open).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from core import events as ev
from core import storefiles
from core.i18n import register, t
from core.identity import login_exists
from core.projections import RoleGrant, StoreState
from core.team import new_file_mode, toml_string

if TYPE_CHECKING:
    from core.history import HistoryEntry
    from core.store import Store

ADMIN = "admin"
MENTOR = "mentor"
CONSULTANT = "consultant"
TRAINEE = "trainee"
ROLES = (ADMIN, MENTOR, CONSULTANT, TRAINEE)
EDITORS = (MENTOR, CONSULTANT)
"""Roles that change plans (those they are assigned to, created, or all)."""
PLAN_ROLES = (MENTOR, CONSULTANT, TRAINEE)

ACCESS_FILE = "access.toml"
MAX_LOGIN = 64

register(
    {
        "err.access.no_role": (
            "{actor} has no role in this store, so may not change anything; "
            "ask an admin ({admins}) for one.",
            "{actor} heeft geen rol in deze opslag en mag dus niets wijzigen; "
            "vraag een beheerder ({admins}) om er een.",
        ),
        "err.access.admin_only": (
            "Only an admin may change access ({admins}); {actor} is not one.",
            "Alleen een beheerder mag de toegang wijzigen ({admins}); {actor} is dat niet.",
        ),
        "err.access.create": (
            "Only a mentor or consultant may create a plan; {actor} is {roles}.",
            "Alleen een begeleider of consulent mag een plan aanmaken; {actor} is {roles}.",
        ),
        "err.access.trainee_edit": (
            "{actor} is a trainee: trainees read their own plan and sign it off, "
            "they do not change plans.",
            "{actor} is cursist: cursisten lezen hun eigen plan en tekenen het af, "
            "ze wijzigen geen plannen.",
        ),
        "err.access.admin_edit": (
            "{actor} is only an admin: admins change access, not plans "
            "(an admin may give themself the mentor or consultant role).",
            "{actor} is alleen beheerder: beheerders wijzigen de toegang, geen plannen "
            "(een beheerder kan zichzelf de rol begeleider of consulent geven).",
        ),
        "err.access.not_assigned": (
            "{actor} is not assigned to plan {plan} (only to: {plans}); an admin can "
            "assign you: leerpad access assign {actor} {plan}",
            "{actor} is niet toegewezen aan plan {plan} (alleen aan: {plans}); een "
            "beheerder kan je toewijzen: leerpad access assign {actor} {plan}",
        ),
        "err.access.sign_role": (
            "{actor} may not sign off plan {plan} as {role}: only its {role} can.",
            "{actor} mag plan {plan} niet aftekenen als {role}: alleen de {role} ervan mag dat.",
        ),
        "err.access.unknown_user": (
            "There is no user {login} on this system (use the login name, as in 'id -un').",
            "Er is geen gebruiker {login} op dit systeem (gebruik de loginnaam, zoals in "
            "'id -un').",
        ),
        "err.access.bad_login": (
            "{login!r} is not a login name.",
            "{login!r} is geen loginnaam.",
        ),
        "err.access.unknown_role": (
            "{role} is not a role: choose admin, mentor, consultant or trainee.",
            "{role} is geen rol: kies admin, mentor, consultant of trainee.",
        ),
        "err.access.admin_scope": (
            "The admin role is for the whole store: it takes no plans.",
            "De rol beheerder geldt voor de hele opslag: er horen geen plannen bij.",
        ),
        "err.access.trainee_plan": (
            "A trainee is linked to their own plan: name it with --plan.",
            "Een cursist hoort bij zijn of haar eigen plan: geef het op met --plan.",
        ),
        "err.access.trainee_all": (
            "A trainee cannot have all plans, only their own.",
            "Een cursist kan niet alle plannen hebben, alleen het eigen plan.",
        ),
        "err.access.plans_and_all": (
            "Give either plans or all plans, not both.",
            "Geef plannen op of alle plannen, niet allebei.",
        ),
        "err.access.no_change": (
            "{login} already has that: {held}.",
            "{login} heeft dat al: {held}.",
        ),
        "err.access.first_admin": (
            "Roles are not in use yet in this store: the first role to give is admin "
            "(leerpad access grant LOGIN admin), so someone can change access afterwards.",
            "Rollen worden in deze opslag nog niet gebruikt: de eerste rol die je geeft is "
            "admin (leerpad access grant LOGIN admin), zodat iemand nadien de toegang kan "
            "wijzigen.",
        ),
        "err.access.last_admin": (
            "{login} is the last admin: grant admin to someone else first.",
            "{login} is de laatste beheerder: geef eerst iemand anders de rol admin.",
        ),
        "err.access.not_held": (
            "{login} does not have the role {role}.",
            "{login} heeft de rol {role} niet.",
        ),
        "err.access.not_held_plans": (
            "{login} is not {role} of {plans}.",
            "{login} is geen {role} van {plans}.",
        ),
        "err.access.role_needed": (
            "{login} has {count} plan roles ({roles}): say which with --as.",
            "{login} heeft {count} planrollen ({roles}): zeg welke met --as.",
        ),
        "err.access.no_plan_role": (
            "{login} has no mentor, consultant or trainee role: say which with --as.",
            "{login} heeft geen rol begeleider, consulent of cursist: zeg welke met --as.",
        ),
        "access.all_plans": ("all plans", "alle plannen"),
        "access.store": ("the store", "de opslag"),
        "access.none": ("no role", "geen rol"),
        "access.nobody": ("nobody", "niemand"),
        "access.file_ignored": (
            "{path} is ignored: the log has no access changes, so everyone in the store's "
            "group may do everything (single-team mode); an admin sets roles with "
            "'leerpad access grant'.",
            "{path} wordt genegeerd: het logboek bevat geen toegangswijzigingen, dus "
            "iedereen in de groep van de opslag mag alles (modus één team); een beheerder "
            "stelt rollen in met 'leerpad access grant'.",
        ),
        "access.file_differs": (
            "{path} does not match the access recorded in the log (record {seq}); leerpad "
            "follows the log. 'leerpad access show' lists it, 'leerpad access sync' "
            "rewrites the file.",
            "{path} komt niet overeen met de toegang in het logboek (record {seq}); leerpad "
            "volgt het logboek. 'leerpad access show' toont ze, 'leerpad access sync' "
            "schrijft het bestand opnieuw.",
        ),
    }
)


def _refuse(key: str, **params: object) -> NoReturn:
    """Raise core.commands.Rejected (imported here: it pulls in the catalog, which opening a
    store does not otherwise need)."""
    from core.commands import Rejected

    raise Rejected(key, **params)


# --- who has what ----------------------------------------------------------------------------


def roles_on(state: StoreState) -> bool:
    """False in single-team mode: no access event in the log yet."""
    return state.access.seq > 0


def roles_of(state: StoreState, login: str) -> dict[str, RoleGrant]:
    return state.access.users.get(login, {})


def admins(state: StoreState) -> list[str]:
    return sorted(login for login, roles in state.access.users.items() if ADMIN in roles)


def _covers(state: StoreState, login: str, role: str, plan_id: str) -> bool:
    """`login` holds `role` for `plan_id`: assigned, all plans, or (editors) created it."""
    grant = roles_of(state, login).get(role)
    if grant is None:
        return False
    if grant.all_plans or plan_id in grant.plans:
        return True
    plan = state.plans.get(plan_id)
    return role in EDITORS and plan is not None and plan.created.actor == login


def may_edit(state: StoreState, actor: str, plan_id: str) -> bool:
    if not roles_on(state):
        return True
    return any(_covers(state, actor, role, plan_id) for role in EDITORS)


def follows(state: StoreState, login: str, plan_id: str) -> bool:
    """`login` is mentor or consultant of the plan: assigned, or (single-team mode too)
    created it. What `agenda --mine` keeps."""
    plan = state.plans.get(plan_id)
    if plan is not None and plan.created.actor == login:
        return True
    return any(_covers(state, login, role, plan_id) for role in EDITORS)


def visible_plans(state: StoreState, actor: str) -> set[str] | None:
    """The plans `actor` may read: None means all (single-team mode, admins, editors)."""
    if not roles_on(state):
        return None
    roles = roles_of(state, actor)
    if any(role in roles for role in (ADMIN, *EDITORS)):
        return None
    trainee = roles.get(TRAINEE)
    return set(trainee.plans) if trainee is not None else set()


def can_read(state: StoreState, actor: str, plan_id: str) -> bool:
    """May `actor` read plan `plan_id`? ("" - store-wide records - only who may read all.)"""
    visible = visible_plans(state, actor)
    return visible is None or plan_id in visible


def visible_users(state: StoreState, actor: str) -> list[str]:
    """The logins whose roles `actor` may see: everyone for who may read every plan, else
    (a trainee, no role) only themselves: other trainees are other plans."""
    if visible_plans(state, actor) is None:
        return sorted(state.access.users)
    return [actor] if actor in state.access.users else []


def readable_history(store: Store, upto: int | None = None) -> list[HistoryEntry]:
    """The store's history as far as its actor may read it (a trainee: their own plan)."""
    visible = visible_plans(store.state, store.actor)
    entries = store.history(upto)
    return entries if visible is None else [e for e in entries if e.plan in visible]


# --- enforcement -------------------------------------------------------------------------------


def _role_names(roles: Iterable[str]) -> str:
    names = [t(f"role.{role}") for role in roles]
    return ", ".join(names) if names else t("access.none")


def _admins_text(state: StoreState) -> str:
    return ", ".join(admins(state)) or t("access.nobody")


def check(
    state: StoreState, actor: str, kind: str, plan_id: str, *, role: str | None = None
) -> None:
    """Raise Rejected, saying why, unless `actor` may write an event of type `kind` on `plan_id`.

    `kind` is an event tag (plan.created, action.completed, access.granted, ...);
    `role` is the role a sign-off is made in.
    """
    if not roles_on(state):
        return
    roles = roles_of(state, actor)
    if not roles:
        _refuse("err.access.no_role", actor=actor, admins=_admins_text(state))
    if kind.startswith("access."):
        if ADMIN not in roles:
            _refuse("err.access.admin_only", actor=actor, admins=_admins_text(state))
        return
    if kind == "plan.erased":
        if ADMIN not in roles:
            _refuse("err.access.erase", actor=actor, admins=_admins_text(state))
        return
    if kind == "plan.created":
        if not any(r in roles for r in EDITORS):
            _refuse("err.access.create", actor=actor, roles=_role_names(roles))
        return
    if kind == "plan.signed" and role is not None:
        if not _covers(state, actor, role, plan_id):
            _refuse("err.access.sign_role", actor=actor, plan=plan_id, role=t(f"role.{role}"))
        return
    if may_edit(state, actor, plan_id):
        return
    if not any(r in roles for r in EDITORS):
        key = "err.access.trainee_edit" if TRAINEE in roles else "err.access.admin_edit"
        _refuse(key, actor=actor)
    assigned = sorted(
        {p for r in EDITORS if r in roles for p in roles[r].plans}
        | {p.id for p in state.plans.values() if p.created.actor == actor}
    )
    _refuse(
        "err.access.not_assigned",
        actor=actor,
        plan=plan_id,
        plans=", ".join(assigned) or t("access.nobody"),
    )


def authorize(state: StoreState, actor: str, event: ev.Event) -> None:
    """Store.execute's hook: check the event a command produced, under the lock."""
    role = event.role if isinstance(event, ev.SignedOff) else None
    check(state, actor, ev.event_tag(event), event.plan, role=role)


# --- commands: changing access -------------------------------------------------------------------


def _login(login: str) -> str:
    login = login.strip()
    if (
        not login
        or len(login) > MAX_LOGIN
        or any(c.isspace() or not c.isprintable() for c in login)
    ):
        _refuse("err.access.bad_login", login=login)
    return login


def _role(role: str) -> str:
    role = role.strip().lower()
    if role not in ROLES:
        _refuse("err.access.unknown_role", role=role)
    return role


def _plans(state: StoreState, plans: Iterable[str]) -> list[str]:
    found: list[str] = []
    for plan_id in plans:
        plan = state.plan(plan_id.strip())
        if plan is None:
            _refuse("err.unknown_plan", plan=plan_id)
        if plan.id not in found:
            found.append(plan.id)
    return found


def describe_grant(role: str, grant: RoleGrant) -> str:
    """'mentor of P1, P3', 'consultant of all plans', 'admin'."""
    if role == ADMIN:
        return t("role.admin")
    scope = t("access.all_plans") if grant.all_plans else ", ".join(sorted(grant.plans)) or "-"
    return f"{t(f'role.{role}')} ({scope})"


def grant(
    state: StoreState,
    login: str,
    role: str,
    *,
    plans: Iterable[str] = (),
    all_plans: bool = False,
    user_exists: Callable[[str], bool] = login_exists,
) -> ev.AccessGranted:
    """Give `login` a role, on some plans or all (mentor, consultant), or store-wide (admin)."""
    login = _login(login)
    role = _role(role)
    plan_ids = _plans(state, plans)
    if not user_exists(login):
        _refuse("err.access.unknown_user", login=login)
    if role == ADMIN and (plan_ids or all_plans):
        _refuse("err.access.admin_scope")
    if role == TRAINEE and all_plans:
        _refuse("err.access.trainee_all")
    if plan_ids and all_plans:
        _refuse("err.access.plans_and_all")
    held = roles_of(state, login).get(role)
    if role == TRAINEE and not plan_ids and held is None:
        _refuse("err.access.trainee_plan")
    if not roles_on(state) and role != ADMIN:
        _refuse("err.access.first_admin")
    if held is not None and (
        (not plan_ids and not all_plans)
        or held.all_plans
        or (plan_ids and set(plan_ids) <= held.plans)
    ):
        _refuse("err.access.no_change", login=login, held=describe_grant(role, held))
    return ev.AccessGranted(plan="", login=login, role=role, plans=plan_ids, all_plans=all_plans)


def revoke(
    state: StoreState,
    login: str,
    role: str,
    *,
    plans: Iterable[str] = (),
    all_plans: bool = False,
) -> ev.AccessRevoked:
    """Take a role from `login` (or only some of its plans, or only "all plans")."""
    login = _login(login)
    role = _role(role)
    held = roles_of(state, login).get(role)
    if held is None:
        _refuse("err.access.not_held", login=login, role=t(f"role.{role}"))
    plan_ids = [p.strip().upper() for p in plans if p.strip()]
    missing = [p for p in plan_ids if p not in held.plans]
    if missing:
        _refuse(
            "err.access.not_held_plans",
            login=login,
            role=t(f"role.{role}"),
            plans=", ".join(missing),
        )
    if all_plans and not held.all_plans:
        _refuse(
            "err.access.not_held_plans",
            login=login,
            role=t(f"role.{role}"),
            plans=t("access.all_plans"),
        )
    if role == ADMIN and admins(state) == [login]:
        _refuse("err.access.last_admin", login=login)
    return ev.AccessRevoked(plan="", login=login, role=role, plans=plan_ids, all_plans=all_plans)


def plan_role(state: StoreState, login: str, role: str | None) -> str:
    """The role `access assign` means: the one asked for, or the only plan role `login` has."""
    if role:
        return _role(role)
    held = [r for r in PLAN_ROLES if r in roles_of(state, login)]
    if len(held) == 1:
        return held[0]
    if not held:
        _refuse("err.access.no_plan_role", login=login)
    _refuse("err.access.role_needed", login=login, count=len(held), roles=_role_names(held))


# --- access.toml: a readable copy of the projection --------------------------------------------


def access_table(state: StoreState) -> dict[str, dict[str, Any]]:
    """{login: {role: True (admin) | "all" | [plans]}}: what access.toml holds under [users]."""
    table: dict[str, dict[str, Any]] = {}
    for login in sorted(state.access.users):
        entry: dict[str, Any] = {}
        for role in ROLES:
            held = state.access.users[login].get(role)
            if held is None:
                continue
            if role == ADMIN:
                entry[role] = True
            elif held.all_plans:
                entry[role] = "all"
            else:
                entry[role] = sorted(held.plans)
        if entry:
            table[login] = entry
    return table


def render_access_file(state: StoreState) -> str:
    lines = [
        "# leerpad access: who may do what in this store.",
        "# Written by leerpad from the store's log after every access change. The log is",
        "# the truth: editing this file changes nothing. Use 'leerpad access grant|revoke|",
        "# assign|unassign' (admins only) and 'leerpad access show'.",
        '# admin: changes access. mentor, consultant: change the plans listed ("all": every',
        "# plan) and the plans they created. trainee: reads and signs off their own plan.",
        f"log_seq = {state.access.seq}",
    ]
    for login, entry in access_table(state).items():
        lines.append("")
        lines.append(f"[users.{toml_string(login)}]")
        for role, value in entry.items():
            if value is True:
                lines.append(f"{role} = true")
            elif value == "all":
                lines.append(f'{role} = "all"')
            else:
                lines.append(f"{role} = [{', '.join(toml_string(p) for p in value)}]")
    return "\n".join(lines) + "\n"


def write_access_file(store_path: Path, state: StoreState) -> Path:
    """Atomically (re)write access.toml from the projection, with the store's file mode.

    Through a new file with an unpredictable name in the store's directory (never
    a planted link to someone's private file), renamed over the old one.
    """
    target = Path(store_path) / ACCESS_FILE
    data = render_access_file(state).encode("utf-8")
    dir_fd = storefiles.open_dir(target.parent)
    try:
        storefiles.replace_file(dir_fd, ACCESS_FILE, data, mode=new_file_mode(target.parent))
    finally:
        os.close(dir_fd)
    return target


def access_file_notice(store_path: Path, state: StoreState) -> str | None:
    """A warning when access.toml and the log disagree (the log wins), else None."""
    path = Path(store_path) / ACCESS_FILE
    try:
        text = storefiles.read_regular(Path(store_path), ACCESS_FILE, limit=1 << 20).decode()
    except FileNotFoundError:
        text = None
    except storefiles.UnsafeFile as exc:
        return str(exc)
    except OSError:
        return None  # cannot read it (no permission): nothing to compare
    except UnicodeDecodeError:
        text = ""
    if not roles_on(state):
        return None if text is None else t("access.file_ignored", path=path)
    import tomllib  # only a store with roles has an access file to compare

    try:
        users = tomllib.loads(text).get("users") if text is not None else None
    except tomllib.TOMLDecodeError:
        users = None
    if users == access_table(state):
        return None
    return t("access.file_differs", path=path, seq=state.access.seq)


def attach(store: Store) -> None:
    """Make `store` check every write against the roles, and warn about a stale access.toml."""
    store.authorize = authorize
    if store.directory is None:
        return  # a database store has no access.toml: the database applies the roles itself
    notice = access_file_notice(store.directory, store.state)
    if notice is not None:
        store.notices.append(notice)


def sync_access_file(store: Store) -> Path:
    """Rewrite access.toml from the freshest log.

    Under the log's lock, so two admins' changes cannot leave the older copy last.
    """
    with store.log.locked():
        store.refresh()
        return write_access_file(store.path, store.state)


def change(store: Store, decide: Callable[[StoreState], ev.Event]) -> ev.Record:
    """Run an access command through the store, then rewrite access.toml from the log."""
    record = store.execute(decide)
    if store.directory is not None:
        sync_access_file(store)
    return record
